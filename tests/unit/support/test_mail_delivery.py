"""When an undelivered mail is tried again, and when it is given up."""

from datetime import timedelta

from bot.support.mail_delivery import retry_after


def test_the_wait_doubles_from_thirty_seconds_and_stops_growing_at_an_hour():
    waits = [retry_after(attempts, max_tries=20, permanent=False) for attempts in range(1, 10)]
    assert waits[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert waits[-1] == timedelta(hours=1) and max(waits) == timedelta(hours=1)


def test_a_mail_is_given_up_after_its_last_try_or_at_once_when_refused_for_good():
    assert retry_after(11, max_tries=12, permanent=False) == timedelta(hours=1)
    assert retry_after(12, max_tries=12, permanent=False) is None
    assert retry_after(1, max_tries=12, permanent=True) is None
