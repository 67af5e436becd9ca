"""When a mail that did not go out is tried again, and when the sender gives up on it."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def retry_after(attempts: int, max_tries: int, permanent: bool) -> Optional[timedelta]:
    """How long to wait before the next try of a mail tried `attempts` times, or None to give up.

    The wait doubles from 30 seconds up to an hour, so a mail server down for a night is tried about
    once an hour and not hammered. A permanent refusal (an SMTP 5xx answer: no such mailbox, for
    instance) would be refused the same way again.
    """
    if permanent or attempts >= max_tries:
        return None
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)
