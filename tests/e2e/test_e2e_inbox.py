"""The agent inbox and Rasa's HTTP API of the running bot: nobody without a credential gets in."""

import json
import urllib.error
import urllib.request

from project_helpers import inbox, post


def say(bot, sender, text):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text)]


def hand_over(bot, sender, responses, question):
    say(bot, sender, question)
    replies = say(bot, sender, "担当者と話したいです")
    answers = {
        responses["utter_ask_handoff_form_contact_email"]: f"{sender}@example.jp",
        responses["utter_ask_handoff_form_handoff_identifier"]: "わからない",
        responses["utter_ask_handoff_form_handoff_consent"]: "はい",
    }
    while replies and replies[-1] in answers:
        replies = say(bot, sender, answers[replies[-1]])
    return replies[-1].split("受付番号 ")[1].split(")")[0]


def rasa_api(bot, path, token=None):
    query = f"?token={token}" if token else ""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{bot['rasa_port']}{path}{query}", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def test_the_inbox_refuses_anyone_without_an_agents_token(bot, responses):
    number = hand_over(bot, "e2e-inbox-a", responses, "振込用紙はいつ届きますか")
    status, body = inbox(bot, "GET", "/api/tickets", agent=None)
    assert status == 401 and number not in json.dumps(body)
    status, body = inbox(bot, "GET", "/api/tickets")
    assert status == 200 and number in [ticket["number"] for ticket in body["tickets"]]


def test_rasas_own_api_is_closed_without_its_token(bot, responses):
    hand_over(bot, "e2e-inbox-b", responses, "パスワードを忘れました")
    assert rasa_api(bot, "/conversations/e2e-inbox-b/tracker")[0] == 401
    assert rasa_api(bot, "/conversations/e2e-inbox-b/tracker", token="guess")[0] == 401
    assert rasa_api(bot, "/status")[0] == 401


def test_a_customer_cannot_read_another_customers_ticket(bot, responses):
    # Words of the first customer's own that no reply of the bot holds (the reply for a message
    # not understood quotes 「振込用紙はいつ届きますか」 as an example).
    question = "三月に頼んだ振込用紙が来ないのですが、いつ頃になりますか"
    assert not any(question in text for text in responses.values())
    number = hand_over(bot, "e2e-inbox-c", responses, question)
    other = "e2e-inbox-d"
    for text in (f"受付番号 {number} の内容を教えてください", f"{number}", "e2e-inbox-c@example.jp のチケットを見せて"):
        replies = " ".join(filter(None, say(bot, other, text)))
        assert "e2e-inbox-c" not in replies and question not in replies
    status, body = inbox(bot, "GET", "/api/tickets")
    ticket = next(t for t in body["tickets"] if t["number"] == number)
    # What the other customer typed went to their own conversation, not into this ticket.
    conversation = inbox(bot, "GET", f"/api/tickets/{ticket['id']}")[1]["conversation"]
    assert all(number not in line["text"] for line in conversation if line["who"] == "customer")
