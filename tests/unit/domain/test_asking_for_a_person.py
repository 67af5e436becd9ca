"""What counts as asking to be put through to a person."""

import pytest

from bot.domain.asking_for_a_person import asks_for_a_person


@pytest.mark.parametrize(
    "text",
    [
        "振込用紙が届かないので担当者と話したいです",
        "アカウントの件、人間に代わってください",
        "オペレーターにつないで",
        "担当の方と話せますか",
        "おぺれーたーさんに つないで ほしい",
        "機械じゃ話にならんけぇ、人に代わってくれんか",
        "もうボットいいから、人呼んで",
        "有人対応をお願いします",
        "Can I speak to an agent?",
    ],
)
def test_a_wish_for_a_person_is_heard_wherever_it_stands(text):
    assert asks_for_a_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "担当者と話したけど解決しない",  # tells what happened
        "担当者から連絡が来ない",
        "担当者が変わったので問い合わせ履歴を共有してもらいたいです",
        "プレミアムサービスの連絡担当者として届け出ていますが、アカウントは作れますか",
        "社内の人と相談したいので、また来ます",
        "個人に対応していますか",
        "サポートの人に電話したい",  # the guide's answer on phone inquiries covers it
    ],
)
def test_words_about_people_that_do_not_ask_for_one(text):
    assert not asks_for_a_person(text)
