"""Every variable the bot's processes read from the environment, read and checked once at start.

Each process calls `start` with the settings it needs before it serves: a bad value stops it
there, with every bad variable named, instead of raising in the middle of a customer's
conversation. Code deep inside asks `current(Kind)` for what was read. Outside a served process
(the tests, the shell commands) `current` reads the environment on first use; `forget` lets a test
read it again after changing it.

The clock's BOT_TODAY and BOT_NOW are checked here and read by bot.domain.clock at every call.
"""

from __future__ import annotations

import os
import sys
from typing import Dict, List, Mapping, Type, TypeVar, cast

from bot.settings.actions import ActionServerSettings, ActionsSettings
from bot.settings.core import CoreSettings
from bot.settings.inbox import InboxSettings
from bot.settings.line import LineSettings
from bot.settings.mail import MailSettings
from bot.settings.rasa import GuardSettings, RasaSettings
from bot.settings.reading import FromEnv, Reader, SettingsError
from bot.settings.web_page import WebPageSettings

T = TypeVar("T", bound=FromEnv)

EVERY_KIND = (
    CoreSettings,
    RasaSettings,
    GuardSettings,
    ActionServerSettings,
    ActionsSettings,
    InboxSettings,
    WebPageSettings,
    MailSettings,
    LineSettings,
)

_current: Dict[type, object] = {}


def read_all(kinds: tuple, env: Mapping[str, str]) -> Dict[type, object]:
    """Each of `kinds` read from `env`; one SettingsError naming every bad variable of them all."""
    reader = Reader(env)
    found = {kind: kind.read(reader) for kind in kinds}
    reader.check()
    return found


def variable_names() -> List[str]:
    """Every variable the settings read."""
    reader = Reader({})
    for kind in EVERY_KIND:
        kind.read(reader)
    return reader.names


def problems_message(process: str, error: SettingsError) -> str:
    return f"{process} not started, the environment has bad settings:\n" + "".join(
        f"  {problem}\n" for problem in error.problems
    )


def start(process: str, *kinds: type) -> None:
    """Read `kinds` for the process about to serve; on bad values name them on stderr and exit 2."""
    try:
        _current.update(read_all(kinds, os.environ))
    except SettingsError as error:
        print(problems_message(process, error), end="", file=sys.stderr)
        raise SystemExit(2) from None


def current(kind: Type[T]) -> T:
    """The settings of `kind` the process started with."""
    if kind not in _current:
        _current[kind] = kind.from_env(os.environ)
    # Each kind's entry is its own settings, from `start` or from the line above.
    return cast(T, _current[kind])


def forget() -> None:
    """Read the environment again on next use (for tests that change it)."""
    _current.clear()


__all__ = [
    "EVERY_KIND",
    "ActionServerSettings",
    "ActionsSettings",
    "CoreSettings",
    "GuardSettings",
    "InboxSettings",
    "LineSettings",
    "MailSettings",
    "RasaSettings",
    "SettingsError",
    "WebPageSettings",
    "current",
    "forget",
    "problems_message",
    "read_all",
    "start",
    "variable_names",
]
