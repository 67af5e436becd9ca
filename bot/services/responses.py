"""The words customers read, where no Rasa agent is at hand to say them: domain.yml's responses,
filled by Rasa's own response generator.

Every chat reply, mail and message to a customer is a response of domain.yml (tests/unit/project/test_words.py
holds bot/ to that). The Rasa server says its responses through its agent; the mails the services
queue, the reminder job, the inbox's messages to a customer and the guards' answers when the agent
cannot speak take them from here.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
# A channel with no variants of its own in domain.yml: the default variant, as a mail is written.
MAIL = "mail"


class MissingResponse(LookupError):
    """domain.yml has no such response (for this channel)."""


class Responses:
    def __init__(self, domain_path: Path = DOMAIN) -> None:
        # Imported here: the inbox imports this module, and loads Rasa's response generator (without
        # spaCy or TensorFlow) only when it first writes to a customer; its start stays light.
        from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
        from rasa.shared.utils.io import read_yaml_file

        # Only the responses: loading the whole domain would check (and warn about) everything else.
        self._nlg = TemplatedNaturalLanguageGenerator(read_yaml_file(domain_path)["responses"])

    def message(self, response: str, channel: str = MAIL, **values: Any) -> Dict[str, Any]:
        """The response as Rasa would send it on `channel` (text, buttons, custom), filled with `values`."""
        message = self._nlg.generate_from_slots(response, {}, channel, **values)
        if message is None:
            raise MissingResponse(response)
        return message

    def text(self, response: str, channel: str = MAIL, **values: Any) -> str:
        return self.message(response, channel, **values)["text"]


@functools.lru_cache(maxsize=None)
def of_the_domain() -> Responses:
    """domain.yml's responses, read once per process."""
    return Responses()
