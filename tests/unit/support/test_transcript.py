"""The conversation as an agent reads it."""

from bot.support.transcript import conversation_lines


def test_the_conversation_as_an_agent_reads_it():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "/greet"},  # the web chat's opening payload
        {
            "event": "bot",
            "text": "こんにちは",
            "data": {"buttons": [{"title": "担当者に引き継ぐ", "payload": "/request_human"}]},
        },
        {"event": "user", "text": "VBCL-4821-7730-1956-2204 の件"},
        {"event": "user", "text": "/restart"},  # no button offered it: a typed command
        {"event": "bot", "text": "お選びください", "data": {"buttons": [{"title": "はい", "payload": "/affirm"}]}},
        {"event": "user", "text": "/affirm"},
        {"event": "bot", "text": "担当者: 確認します", "metadata": {"agent": "suzuki", "agent_text": "確認します"}},
        {"event": "user", "text": ""},
    ]
    assert conversation_lines(events) == [
        {"who": "bot", "text": "こんにちは"},
        {"who": "customer", "text": "VBCL-****-****-****-2204 の件"},
        {"who": "bot", "text": "お選びください"},
        {"who": "customer", "text": "はい"},
        {"who": "agent", "agent": "suzuki", "text": "確認します"},
    ]
