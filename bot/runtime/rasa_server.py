"""`rasa run` with the bot's safeguards: Rasa's HTTP API only behind RASA_API_TOKEN, web chat
sockets only from the page's origins (--cors, bot.channels.socketio), every
message through bot.runtime.guards, each of several guide questions in one message answered
(bot.runtime.several_questions), a guide answer chosen from the bot's suggestions given
(bot.runtime.chosen_answers), a score typed after the satisfaction question taken as its button
(bot.runtime.typed_ratings), every log line masked (bot.log_privacy), counts for Prometheus at
/metrics (bot.runtime.rasa_metrics), the per-turn
work Rasa need not do removed (bot.runtime.rasa_speedups), and only a conversation's new events read
from the tracker store (bot.runtime.tracker_cache). The wraps of Rasa's internals among
these are one table, bot/runtime/patches.py, which refuses a Rasa other than the one it was
written for.

The token joins Rasa's arguments inside this process, so it never stands on a command
line, where `ps` shows it to every user of the machine. Without the variable the API
stays off and only the channels answer.
"""

from __future__ import annotations

import os
import sys

from rasa.__main__ import main as rasa_main

from bot import log_privacy, settings
from bot.channels import socketio
from bot.runtime import patches
from bot.runtime.shared_state import SharedState


def install_hooks() -> None:
    """Everything the served Rasa process runs with (the speed benchmark's profile installs it too):
    masked logs, then the wraps of Rasa's table (bot.runtime.patches) with this process's shared state."""
    log_privacy.install()
    patches.install(SharedState(settings.current(settings.CoreSettings).redis_url))


def main() -> None:
    settings.start(
        "Rasa server", settings.CoreSettings, settings.RasaSettings, settings.GuardSettings, settings.LineSettings
    )
    # endpoints.yml names the tracker store as ${TRACKER_STORE_URL}: Rasa stops on it unset.
    os.environ["TRACKER_STORE_URL"] = settings.current(settings.CoreSettings).tracker_store_url
    try:
        install_hooks()
    except patches.UnsupportedRasa as error:
        sys.exit(f"Rasa server not started: {error}")
    socketio.allow_origins_of(sys.argv[1:])
    token = settings.current(settings.RasaSettings).api_token
    sys.argv = ["rasa", "run", *sys.argv[1:], *(["--enable-api", "--auth-token", token] if token else [])]
    rasa_main()


if __name__ == "__main__":
    main()
