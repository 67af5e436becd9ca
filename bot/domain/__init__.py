"""What every layer above shares, needing nothing else of the bot: the names of products and
payment methods and channels, identifiers and other personal data as they stand in text, text
normalization, the clock, the guides.

Plain Python only; the build's import contracts (pyproject.toml) keep it so."""
