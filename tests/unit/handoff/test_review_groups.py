"""The review queue's grouping by meaning, with the project's sentence encoder: paraphrases share a
group, an unrelated message stands alone; and the inbox stays free of spaCy and TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from bot.handoff.review_groups import SIMILAR, grouped, groups_of
from bot.nlp.encoder import encode
from bot.store.review import QueuedMessage
from project_helpers import ROOT


def message(number: int, text: str) -> QueuedMessage:
    return QueuedMessage(
        id=number,
        sender_id=f"s{number}",
        at=0.0,
        channel="socketio",
        text=text,
        intent="faq",
        confidence=0.6,
        guide_answer=None,
        reasons=(),
        reply=None,
    )


def test_two_paraphrases_share_a_group_and_an_unrelated_message_stands_alone():
    texts = ["振込用紙がまだ届きません", "今日の天気はどうですか", "振込用紙が届かないのですが"]
    found = grouped([message(number, text) for number, text in enumerate(texts, start=1)])
    assert [[m.text for m in group] for group in found] == [
        ["振込用紙がまだ届きません", "振込用紙が届かないのですが"],
        ["今日の天気はどうですか"],
    ]


def test_every_two_messages_of_a_group_are_alike_and_no_two_groups_could_be_one():
    texts = [
        "領収書をもらえますか",
        "領収書は発行できますか",
        "領収書がほしいです",
        "パスワードを忘れました",
        "あれがこうなって",
        "クレジットカードで払えますか",
        "振込用紙はどこで払えますか",
    ]
    vectors = encode(texts)
    found = groups_of(vectors)
    assert sorted(index for group in found for index in group) == list(range(len(texts)))
    assert [texts[index] for index in found[0]] == texts[:3]
    similarity = vectors @ vectors.T
    for group in found:
        assert all(similarity[a, b] > SIMILAR for a in group for b in group)
    # Complete linkage stops where some pair of the two groups is not alike.
    for one in found:
        for other in found:
            if one is not other:
                assert min(similarity[a, b] for a in one for b in other) <= SIMILAR


def test_the_same_messages_give_the_same_groups():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert groups_of(vectors, 0.5) == groups_of(vectors.copy(), 0.5)
    assert groups_of(vectors[:1]) == [[0]] and groups_of(vectors[:0]) == []
    assert grouped([]) == []


def test_the_review_modules_load_neither_spacy_nor_tensorflow():
    script = (
        "import sys\n"
        "import bot.handoff.inbox, bot.review_export\n"
        "from bot.handoff.review_groups import groups_of\n"
        "from bot.nlp.encoder import encode\n"
        "groups_of(encode(['領収書をもらえますか', '領収書は発行できますか']))\n"
        "print(sorted(name for name in ('spacy', 'tensorflow', 'rasa', 'fugashi') if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
