"""How customers reach the bot: the channels Rasa loads from credentials.yml, and their helpers."""
