"""Retention: delete conversations and ticket transcripts older than N days.

    python -m bot.store.purge --days 90        (make purge DAYS=90)

Conversations are Rasa's tracker store (TRACKER_STORE_URL): every event of a conversation
whose last message is older than the cutoff goes, except while a person still has its
ticket. Tickets (DATABASE_URL) closed before the cutoff lose their transcript and the
customer's quoted words; the rest of the record stays.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Iterable, List, Optional

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select

from bot import settings
from bot.domain import clock
from bot.store import db, tickets


def purge_conversations(url: str, cutoff: datetime, keep: Iterable[str] = ()) -> int:
    """Delete the conversations last active before `cutoff`; returns how many."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0  # Rasa creates it with the first conversation
        events = Table("events", MetaData(), autoload_with=engine)
        stale = (
            select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(func.max(events.c.timestamp) < cutoff.timestamp())
        )
        kept = list(keep)
        with engine.begin() as connection:
            senders = [row[0] for row in connection.execute(stale) if row[0] not in kept]
            for start in range(0, len(senders), 500):
                connection.execute(delete(events).where(events.c.sender_id.in_(senders[start : start + 500])))
        return len(senders)
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Delete conversations and ticket transcripts older than N days.")
    parser.add_argument("--days", type=int, required=True, help="keep this many days (at least 1)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    settings.start("purge", settings.CoreSettings)
    cutoff = clock.now() - timedelta(days=args.days)
    db.upgrade_to_head()
    with db.session_scope() as session:
        handed_over = tickets.unfinished_sender_ids(session)
        forgotten = tickets.forget_transcripts(session, cutoff)
    deleted = purge_conversations(db.tracker_store_url(), cutoff, keep=handed_over)
    print(f"{cutoff:%Y-%m-%d %H:%M} より前: 会話 {deleted} 件を削除、チケット {forgotten} 件の会話記録を削除しました。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
