"""Unsure which guide answer a message asks for, the bot asks instead of guessing, and a tap on a
suggestion gives that answer."""

from project_helpers import fresh_sender, named, post, texts

# Too vague for any one guide answer, yet plainly about the payment slip.
VAGUE = "振込用紙について教えて"


def test_a_tapped_suggestion_gives_its_answer(bot, responses):
    replies = post(bot["rasa_port"], fresh_sender("suggestion-tap"), "/faq/renewal_years")
    assert texts(replies) == [responses["utter_faq/renewal_years"]], named(replies, responses)


def test_a_payload_naming_no_answer_gets_no_guide_answer(bot, responses):
    replies = post(bot["rasa_port"], fresh_sender("suggestion-unknown"), "/faq/renewal_refund")
    got = set(texts(replies))
    guide_answers = {text for name, text in responses.items() if name.startswith("utter_faq/")}
    assert not guide_answers & got, named(replies, responses)


def test_unsure_the_bot_offers_the_likeliest_answers_and_a_person(bot, responses):
    sender = fresh_sender("suggestion")
    [offer] = post(bot["rasa_port"], sender, VAGUE)
    assert offer["text"] == responses["utter_did_you_mean"], named([offer], responses)
    payloads = [button["payload"] for button in offer["buttons"]]
    assert payloads[-1] == "/request_human"
    assert len(payloads) == 3 and all(p.startswith("/faq/") for p in payloads[:-1]), payloads
    titles = {button["title"] for button in offer["buttons"][:-1]}
    assert titles <= {text for name, text in responses.items() if name.startswith("utter_title_")}
    tapped = post(bot["rasa_port"], sender, payloads[0])
    assert texts(tapped) == [responses[f"utter_{payloads[0][1:]}"]], named(tapped, responses)
