"""What every layer above shares and nothing else of the bot: the names of products and payment
channels, identifiers and their canonical forms, text normalization, the clock, the guides.

Plain Python only; the build's import contracts (pyproject.toml) keep it so."""
