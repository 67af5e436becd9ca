"""The questions in one message: each gets its own answer."""

import pytest

from bot.nlp.questions import asking_part, asks, questions_in


@pytest.mark.parametrize(
    "sentence",
    [
        "振込用紙はいつ届きますか。",
        "コンビニでも払えますか？",
        "何年まで選べるんでしょうか",
        "郵便局でもいけるん？",
        "それって届くの",
        "更新の方法を教えてください",
        "入金確認までの日数が知りたいです",
    ],
)
def test_questions_are_recognised_by_how_they_end(sentence):
    assert asks(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "先月、振込用紙で更新を申し込みました。",
        "まだ届いていません。",
        "よろしくお願いします！",
        "シリアルは手元にあります",
        "うちの会社、トータルセキュリティ使ってるねん。",
        "振込用紙がまだ届かへん",
    ],
)
def test_statements_are_not_questions(sentence):
    assert not asks(sentence)


def test_two_questions_are_two():
    assert questions_in("振込用紙はいつ届きますか。あと、コンビニでも払えますか？") == [
        "振込用紙はいつ届きますか。",
        "コンビニでも払えますか？",
    ]


def test_a_conjunction_without_punctuation_starts_the_next_question():
    assert questions_in("振込用紙はいつ届きますかあと郵便局でも払えますか") == [
        "振込用紙はいつ届きますか",
        "郵便局でも払えますか",
    ]


def test_context_stays_with_the_question_it_leads_to():
    assert questions_in("先月申し込みました。振込用紙はいつ届きますか。まだ届いていません。郵便局でも払えますか") == [
        "先月申し込みました。振込用紙はいつ届きますか。",
        "まだ届いていません。郵便局でも払えますか",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "先月申し込みました。振込用紙はいつ届きますか。",  # one question with its context
        "振込用紙はいつ届きますか",
        "振込用紙はいつ届きますか。郵便局は？",  # a follow-up that leans on the first: read as one
        "",
    ],
)
def test_a_message_with_one_question_stays_whole(text):
    assert questions_in(text) == [text]


def test_what_follows_the_last_question_stays_with_it():
    assert questions_in("パスワードを忘れたらどうすればいいですか？アカウントは何個作れますか。よろしくお願いします")[
        -1
    ] == ("アカウントは何個作れますか。よろしくお願いします")


def test_the_asking_part_leaves_the_context_out():
    assert asking_part("先月申し込みました。振込用紙はいつ届きますか") == "振込用紙はいつ届きますか"
    assert asking_part("更新したいです。どこを押せばいいのかわかりません。") == "どこを押せばいいのかわかりません。"
