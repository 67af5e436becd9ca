"""The web chat page server's settings: its demo login and the key it signs with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.settings.reading import FromEnv, Reader


def _on_or_off(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(f"expected 1 (on) or 0 (off), got {text!r}")
    return text == "1"


@dataclass(frozen=True)
class WebPageSettings(FromEnv):
    # Signs identity tokens for the demo customers: for demos only, never in production.
    demo_login: bool = False
    jwt_secret: Optional[str] = None

    @classmethod
    def read(cls, reader: Reader) -> "WebPageSettings":
        demo_login = reader.parsed("BOT_WEB_DEMO_LOGIN", _on_or_off, False)
        jwt_secret = reader.secret("BOT_JWT_SECRET")
        if demo_login and not reader.text("BOT_JWT_SECRET"):
            reader.problem("BOT_JWT_SECRET", "expected a key to sign with when BOT_WEB_DEMO_LOGIN=1, got nothing")
        return cls(demo_login=demo_login, jwt_secret=jwt_secret)
