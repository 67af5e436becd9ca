"""Kept only for bot/reminders.py, which imports japanese_date from here: the function lives in
bot.domain.phrasing, where the services that write mails can reach it too. Remove this module once
bot/reminders.py imports it from there."""

from bot.domain.phrasing import japanese_date

__all__ = ["japanese_date"]
