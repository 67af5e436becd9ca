"""How the bot runs: its processes' entry points (`python -m bot.runtime.<name>`), what starts and
restarts them, the wraps of Rasa's internals the Rasa server installs, and the state its processes share."""
