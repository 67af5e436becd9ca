import pytest

from bot.store import db, repository


def test_queued_mail_waits_in_the_outbox_until_sent(migrated_url):
    with db.session_scope(migrated_url) as session:
        first = repository.queue_mail(
            session, "Sato@Sample-Shoji.co.jp", "password_setting", "パスワード設定のご案内", "本文です。"
        )
        second = repository.queue_mail(session, "tanaka@test-kogyo.jp", "password_setting", "件名", "本文")
    with db.session_scope(migrated_url) as session:
        pending = repository.pending_mails(session)
    assert pending == (first, second)
    assert (first.to_address, first.template, first.subject, first.body) == (
        "sato@sample-shoji.co.jp",
        "password_setting",
        "パスワード設定のご案内",
        "本文です。",
    )
    assert first.sent_at is None and first.created_at.utcoffset() is not None

    with db.session_scope(migrated_url) as session:
        repository.mark_mail_sent(session, first.id)
    with db.session_scope(migrated_url) as session:
        assert repository.pending_mails(session) == (second,)


def test_mail_to_an_invalid_address_is_not_queued(migrated_url):
    with pytest.raises(repository.InvalidAddress):
        with db.session_scope(migrated_url) as session:
            repository.queue_mail(session, "sato at sample", "password_setting", "件名", "本文")
    with db.session_scope(migrated_url) as session:
        assert repository.pending_mails(session) == ()


def test_marking_an_unknown_mail_is_an_error(migrated_url):
    with pytest.raises(repository.UnknownMail):
        with db.session_scope(migrated_url) as session:
            repository.mark_mail_sent(session, 999)
