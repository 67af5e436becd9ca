"""Reading variables from an environment, noting every bad value instead of stopping at the first:
an operator who fixes one mistake should not meet the next only at the following start."""

from __future__ import annotations

import math
import re
from typing import Callable, Collection, List, Mapping, Optional, Sequence, Type, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
Settings = TypeVar("Settings", bound="FromEnv")

_WHITESPACE = re.compile(r"\s")


class SettingsError(ValueError):
    """Every bad variable of one start, one line each: `NAME: expected …, got …`."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class FromEnv:
    """`from_env` for a settings class that reads itself with `read(reader)`."""

    @classmethod
    def read(cls: Type[Settings], reader: Reader) -> Settings:
        """The settings from `reader`'s environment; each settings class reads its own variables."""
        raise NotImplementedError

    @classmethod
    def from_env(cls: Type[Settings], env: Mapping[str, str]) -> Settings:
        reader = Reader(env)
        settings = cls.read(reader)
        reader.check()
        return settings


class Reader:
    """Typed values of the variables in `env`; a bad one is noted and its default returned, so that
    one SettingsError (raised by `check`) can name them all. `names` records every variable asked
    for, which is how the settings list the variables they own."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.problems: List[str] = []
        self.names: List[str] = []

    def problem(self, name: str, text: str) -> None:
        # Once, though two settings read it (RASA_API_TOKEN: the Rasa server's and the inbox's).
        line = f"{name}: {text}"
        if line not in self.problems:
            self.problems.append(line)

    def check(self) -> None:
        if self.problems:
            raise SettingsError(self.problems)

    def text(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The value as it is; unset and empty both mean the default."""
        if name not in self.names:
            self.names.append(name)
        return self._env.get(name) or default

    def parsed(self, name: str, parse: Callable[[str], T], default: T) -> T:
        """`parse` raises ValueError saying what it expected and, unless the value is a secret, what
        it got."""
        text = self.text(name)
        if text is None:
            return default
        try:
            return parse(text)
        except ValueError as error:
            self.problem(name, str(error))
            return default

    def integer(self, name: str, default: int, minimum: int = 1) -> int:
        def checked(text: str) -> int:
            try:
                value = int(text)
            except ValueError:
                value = minimum - 1
            if value < minimum:
                raise ValueError(f"expected a whole number of at least {minimum}, got {text!r}")
            return value

        return self.parsed(name, checked, default)

    def seconds(self, name: str, default: float) -> float:
        def checked(text: str) -> float:
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            # nan fails every comparison: "nan", "inf" and words are all refused here.
            if not 0 < value < math.inf:
                raise ValueError(f"expected a number of seconds above 0, got {text!r}")
            return value

        return self.parsed(name, checked, default)

    def choice(self, name: str, choices: Collection[str], default: str) -> str:
        def one_of(text: str) -> str:
            if text not in choices:
                raise ValueError(f"expected one of {', '.join(choices)}, got {text!r}")
            return text

        return self.parsed(name, one_of, default)

    def secret(self, name: str, min_length: int = 1) -> Optional[str]:
        """A key or token: never repeated in a message, and no whitespace (a pasted line break would
        make it a different key from the one the other side holds)."""

        def checked(text: str) -> str:
            if _WHITESPACE.search(text):
                raise ValueError("expected no spaces or line breaks, got some (the value is not shown)")
            if len(text) < min_length:
                raise ValueError(f"expected a secret of at least {min_length} characters, got {len(text)}")
            return text

        return self.parsed(name, checked, None)

    def http_url(self, name: str, default: Optional[str] = None) -> Optional[str]:
        def checked(text: str) -> str:
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"expected an http:// or https:// URL, got {text!r}")
            return text

        return self.parsed(name, checked, default)
