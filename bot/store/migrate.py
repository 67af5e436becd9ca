"""`python -m bot.store.migrate`: bring DATABASE_URL (default var/bot.db) to the newest schema."""

from __future__ import annotations

import logging
import sys

from sqlalchemy.engine import make_url

from bot import settings
from bot.store.db import database_url, upgrade_to_head


def main() -> int:
    settings.start("migration", settings.CoreSettings)
    # Alembic reports each migration it runs at INFO; from the shell that is the progress report.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    upgrade_to_head()
    where = make_url(database_url()).render_as_string(hide_password=True)
    print(f"{where} is at the newest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
