"""`rasa run`, with Rasa's HTTP API on only behind the token in RASA_API_TOKEN.

The token joins Rasa's arguments inside this process, so it never stands on a command
line, where `ps` shows it to every user of the machine. Without the variable the API
stays off and only the channels answer.
"""

from __future__ import annotations

import os
import sys

from rasa.__main__ import main as rasa_main


def main() -> None:
    token = os.environ.get("RASA_API_TOKEN")
    sys.argv = ["rasa", "run", *sys.argv[1:], *(["--enable-api", "--auth-token", token] if token else [])]
    rasa_main()


if __name__ == "__main__":
    main()
