"""/metrics of the running servers, scraped before and after a scripted conversation: the counters
that conversation must move have moved, by exactly as much (other tests share this bot, so deltas)."""

import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from project_helpers import METRICS_TOKEN
from test_e2e_handoff_triggers import agree, say


def scrape(port, token=METRICS_TOKEN):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def moved(before, after):
    return {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}


def test_a_conversation_moves_the_counters_it_should(bot, responses):
    rasa_before = scrape(bot["rasa_port"])
    actions_before = scrape(bot["actions_port"])
    inbox_before = scrape(bot["inbox_port"])

    sender = "e2e-metrics"
    assert say(bot, sender, "振込用紙はいつ届きますか") == [responses["utter_faq/renewal_slip_arrival"]]
    say(bot, sender, "明日の東京の天気を教えてください")
    asked, _ = agree(bot, sender, responses, say(bot, sender, "担当者と話したいです"))
    sent = 3 + len(asked)

    rasa = moved(rasa_before, scrape(bot["rasa_port"]))
    actions = moved(actions_before, scrape(bot["actions_port"]))
    inbox = moved(inbox_before, scrape(bot["inbox_port"]))
    rest = (("channel", "rest"),)
    assert rasa[("bot_messages_total", rest)] == sent
    assert rasa[("bot_turn_seconds_count", rest)] == sent
    assert rasa[("bot_intents_total", (("intent", "faq"),))] >= 1
    assert rasa[("bot_guide_answers_total", (("answer", "faq/renewal_slip_arrival"),))] == 1
    assert rasa[("bot_fallbacks_total", (("kind", "not_in_guides"),))] == 1
    assert rasa[("bot_intents_total", (("intent", "request_human"),))] == 1
    assert actions[("bot_handoffs_total", (("reason", "customer_asked"),))] == 1
    assert inbox[("bot_tickets", (("status", "open"),))] == 1


@pytest.mark.parametrize("server", ["rasa_port", "actions_port", "inbox_port"])
def test_the_metrics_page_needs_its_token(bot, server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        scrape(bot[server], token="wrong")
    assert refused.value.code == 401
    assert b"bot_" not in refused.value.read()
