"""The satisfaction question at the end of a conversation, through the running servers (REST):
asked once a session, never in the middle of a form, and the answer kept with the conversation."""

from bot.store import repository
from bot.store.db import session_scope
from project_helpers import fresh_sender, named, post

RATE = '/rate_answer{{"csat_score": "{}"}}'
# Read as out_of_scope by the model; no question in it, so a comment. The address is masked.
COMMENT = "画面の文字が小さくて読みづらかったです。連絡は taro@example.com まで"
COMMENT_KEPT = "画面の文字が小さくて読みづらかったです。連絡は 〈メールアドレス〉 まで"


def say(bot, sender, text):
    return post(bot["rasa_port"], sender, text)


def scores(bot, sender):
    with session_scope(bot["database_url"]) as session:
        return repository.csat_scores(session, f"rest:{sender}")


def test_thanks_bring_the_question_once_and_the_rating_is_kept(bot, responses):
    sender = fresh_sender("csat")
    assert named(say(bot, sender, "振込用紙はいつ届きますか"), responses) == ["utter_faq/renewal_slip_arrival"]
    replies = say(bot, sender, "ありがとうございました")
    assert named(replies, responses) == ["utter_thank", "utter_ask_csat"]
    assert [button["title"] for button in replies[-1]["buttons"]] == [
        "5 とても役に立った",
        "4",
        "3",
        "2",
        "1 役に立たなかった",
    ]

    assert named(say(bot, sender, replies[-1]["buttons"][1]["payload"]), responses) == ["utter_csat_thanks"]
    assert scores(bot, sender) == (4,)
    # Not asked again in this session, and a second rating does not replace the first.
    assert named(say(bot, sender, "さようなら"), responses) == ["utter_goodbye"]
    assert named(say(bot, sender, RATE.format(1)), responses) == ["utter_csat_already"]
    assert scores(bot, sender) == (4,)


def test_the_question_waits_while_a_form_waits_for_an_answer(bot, responses):
    sender = fresh_sender("csat-form")
    assert named(say(bot, sender, "アカウントの状態を確認したい"), responses) == ["utter_ask_verify_form_email"]
    replies = named(say(bot, sender, "ありがとう"), responses)
    assert "utter_ask_csat" not in replies and replies[-1] == "utter_ask_verify_form_email"


def test_a_rating_typed_out_of_range_is_refused_and_nothing_kept(bot, responses):
    sender = fresh_sender("csat-bad")
    assert named(say(bot, sender, RATE.format(7)), responses) == ["utter_csat_invalid"]
    assert scores(bot, sender) == ()


def test_a_score_typed_right_after_the_question_counts_as_its_button(bot, responses):
    sender = fresh_sender("csat-typed")
    assert named(say(bot, sender, "ありがとう"), responses) == ["utter_thank", "utter_ask_csat"]
    assert named(say(bot, sender, "５"), responses) == ["utter_csat_thanks"]
    assert scores(bot, sender) == (5,)


def test_a_digit_not_after_the_question_is_no_rating(bot, responses):
    sender = fresh_sender("csat-digit")
    say(bot, sender, "パスワードを忘れました")
    assert "utter_csat_thanks" not in named(say(bot, sender, "3"), responses)
    assert scores(bot, sender) == ()


def comments(bot, sender):
    with session_scope(bot["database_url"]) as session:
        return repository.csat_comments(session, f"rest:{sender}")


def test_words_after_the_rating_are_kept_as_its_comment_and_a_question_is_answered(bot, responses):
    sender = fresh_sender("csat-comment")
    assert named(say(bot, sender, "ありがとう"), responses) == ["utter_thank", "utter_ask_csat"]
    assert named(say(bot, sender, RATE.format(3)), responses) == ["utter_csat_thanks"]
    assert named(say(bot, sender, COMMENT), responses) == ["utter_csat_comment_thanks"]
    assert comments(bot, sender) == (COMMENT_KEPT,)
    # After the comment, a question is a question again.
    assert named(say(bot, sender, "振込用紙はいつ届きますか"), responses) == ["utter_faq/renewal_slip_arrival"]


def test_a_question_right_after_the_rating_is_answered_not_kept(bot, responses):
    sender = fresh_sender("csat-question")
    say(bot, sender, "ありがとう")
    say(bot, sender, RATE.format(5))
    assert named(say(bot, sender, "解約って途中でもできるんですか？"), responses) == ["utter_out_of_scope"]
    assert comments(bot, sender) == (None,)


def test_frustration_right_after_the_rating_is_handed_over_not_kept(bot, responses):
    sender = fresh_sender("csat-frustrated")
    say(bot, sender, "ありがとう")
    say(bot, sender, RATE.format(1))
    # Read as out_of_scope, so the comment rule takes it; its words call for a person instead.
    replies = named(say(bot, sender, "この案内、最悪でした"), responses)
    assert replies[0] == "utter_handoff_intro_frustration"
    assert comments(bot, sender) == (None,)
