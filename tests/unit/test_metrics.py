"""The metrics page's door: off without its token, closed to a caller without it."""

from bot import metrics


def test_without_a_token_configured_the_page_is_off(monkeypatch):
    monkeypatch.delenv("BOT_METRICS_TOKEN", raising=False)
    assert metrics.page("Bearer anything")[0] == 404


def test_only_the_token_opens_the_page(monkeypatch):
    monkeypatch.setenv("BOT_METRICS_TOKEN", "metrics-token-0123456789")
    assert metrics.page(None)[:2] == (401, b"unauthorized\n")
    assert metrics.page("Bearer metrics-token-012345678")[0] == 401
    status, body, content_type = metrics.page("Bearer metrics-token-0123456789")
    assert status == 200 and content_type.startswith("text/plain; version=")
    assert b"# TYPE bot_messages_total counter" in body


def test_what_a_message_was_read_as_is_counted_by_names_the_bot_defines():
    before = metrics.FALLBACKS.labels("not_understood")._value.get()
    metrics.count_understanding("nlu_fallback", None)
    metrics.count_understanding("faq", "faq/renewal_how")
    assert metrics.FALLBACKS.labels("not_understood")._value.get() == before + 1
    assert metrics.GUIDE_ANSWERS.labels("faq/renewal_how")._value.get() >= 1
