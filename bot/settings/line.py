"""The LINE channel's settings: the Rasa server's webhook, the reminders' pushes, the rich menu."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from bot.settings.reading import FromEnv, Reader

DEFAULT_API_BASE = "https://api.line.me"
# Images (the rich menu's) go to LINE's data host.
DEFAULT_DATA_API_BASE = "https://api-data.line.me"
# Most answers take well under a second; an indicator for those would only flicker.
LOADING_AFTER_SECONDS = 0.8
# LINE allows 5 to 60 in steps of 5; the indicator stops by itself when the answer arrives.
# 20 (LINE's default) covers a check's 2.5 s budget and a wait in the queue; should an answer fail,
# the indicator does not hang on for long.
LOADING_SECONDS = 20
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def loading_after_seconds(value: Any) -> float:
    """How long an answer may take before the loading indicator shows: an indicator that would
    show only after it had stopped is a mistake."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < LOADING_SECONDS:
        raise ValueError(f"expected a number of seconds, at least 0 and under {LOADING_SECONDS}, got {value!r}")
    return seconds


def _font(text: str) -> Path:
    # Whether the file is there is the rich menu's to say, with the package that brings one.
    if not text.lower().endswith(_FONT_SUFFIXES):
        raise ValueError(f"expected a font file ({', '.join(_FONT_SUFFIXES)}), got {text!r}")
    return Path(text)


@dataclass(frozen=True)
class LineSettings(FromEnv):
    # Without it every webhook request is refused.
    channel_secret: Optional[str] = None
    # Without it the bot cannot answer or push on LINE, nor set up the rich menu.
    access_token: Optional[str] = None
    api_base: str = DEFAULT_API_BASE
    data_api_base: str = DEFAULT_DATA_API_BASE
    loading_after: float = LOADING_AFTER_SECONDS
    # Unset: the first of the Japanese fonts Debian installs (bot.channels.line_rich_menu).
    menu_font: Optional[Path] = None

    @classmethod
    def read(cls, reader: Reader) -> "LineSettings":
        api_base = reader.http_url("LINE_API_BASE")
        return cls(
            channel_secret=reader.secret("LINE_CHANNEL_SECRET"),
            access_token=reader.secret("LINE_CHANNEL_ACCESS_TOKEN"),
            api_base=api_base or cls.api_base,
            # A stand-in for LINE (the tests') serves both from one address.
            data_api_base=reader.http_url("LINE_DATA_API_BASE") or api_base or cls.data_api_base,
            loading_after=reader.parsed("LINE_LOADING_AFTER_SECONDS", loading_after_seconds, cls.loading_after),
            menu_font=reader.parsed("LINE_MENU_FONT", _font, None),
        )
