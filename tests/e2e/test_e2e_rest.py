"""The bot started as `make run` starts it, talked to over the REST channel."""

from project_helpers import post, texts


def test_answers_a_guide_question_in_japanese(bot, responses):
    replies = post(bot["rasa_port"], "e2e-faq", "ポータルのパスワードを忘れてしまいました")
    assert texts(replies) == [responses["utter_faq/portal_forgot_password"]]


def test_answers_the_payment_confirmation_times_from_the_guide(bot, responses):
    replies = post(bot["rasa_port"], "e2e-pay", "ｺﾝﾋﾞﾆで払ったら入金確認までどれくらいかかる？")
    assert texts(replies) == [responses["utter_faq/renewal_payment_confirmation"]]
    assert "当日〜5日程度" in replies[0]["text"] and "翌日〜10日程度" in replies[0]["text"]


def test_greeting_offers_quick_reply_buttons(bot, responses):
    replies = post(bot["rasa_port"], "e2e-greet", "こんにちは")
    assert texts(replies) == [responses["utter_greet"]]
    assert [b["payload"] for b in replies[0]["buttons"]]


def test_out_of_scope_gets_a_polite_refusal_not_a_guide_answer(bot, responses):
    replies = post(bot["rasa_port"], "e2e-oos", "おすすめのラーメン屋さんを教えて")
    assert texts(replies) == [responses["utter_out_of_scope"]]
