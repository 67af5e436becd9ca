from datetime import timedelta

import pytest

from bot.domain.clock import now
from bot.store import db, repository

SAMPLE_CODE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"
MIRAI_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"


def _sign_up(session, email, code=MIRAI_CODE, name="石井 直子"):
    return repository.create_account(session, email=email, name=name, phone="045-222-3333", activation_code=code)


def test_sign_up_creates_an_account_waiting_for_its_password(demo_url):
    with db.session_scope(demo_url) as session:
        created = _sign_up(session, "Ishii@Mirai-Denki.co.jp")
    with db.session_scope(demo_url) as session:
        found = repository.find_account(session, "ishii@mirai-denki.co.jp")
        code = repository.find_activation_code(session, MIRAI_CODE)
    assert found == created
    assert (found.email, found.name) == ("ishii@mirai-denki.co.jp", "石井 直子")
    assert (found.company, found.activation_code) == ("有限会社ミライ電機", MIRAI_CODE)
    assert not found.password_set and not found.premium_contact
    assert abs(found.created_at - now()) < timedelta(minutes=1)
    assert code.account_emails == ("ishii@mirai-denki.co.jp",)


def test_several_accounts_may_share_an_activation_code(demo_url):
    with db.session_scope(demo_url) as session:
        _sign_up(session, "takahashi@sample-shoji.co.jp", code=SAMPLE_CODE)
        assert len(repository.find_activation_code(session, SAMPLE_CODE).account_emails) == 3


def test_duplicate_sign_up_raises_and_changes_nothing(demo_url, snapshot):
    before = snapshot(demo_url)
    with db.session_scope(demo_url) as session:
        with pytest.raises(repository.DuplicateAccount):
            _sign_up(session, "YAMADA@sample-shoji.co.jp", name="偽 山田")
        # The savepoint keeps the conversation's transaction usable after the refusal.
        repository.queue_mail(session, "yamada@sample-shoji.co.jp", "already_registered", "件名", "本文")
    after = snapshot(demo_url)
    assert after["outbox_mails"] == [("yamada@sample-shoji.co.jp", "already_registered")]
    assert {**after, "outbox_mails": []} == before
    with db.session_scope(demo_url) as session:
        assert repository.find_account(session, "yamada@sample-shoji.co.jp").name == "山田 太郎"


@pytest.mark.parametrize("code", ["TB-0000-00000-00000-00000-00000-00000", "not a code"])
def test_sign_up_with_an_unknown_activation_code_is_refused(demo_url, snapshot, code):
    before = snapshot(demo_url)
    with pytest.raises(repository.UnknownActivationCode):
        with db.session_scope(demo_url) as session:
            _sign_up(session, "new@example.jp", code=code)
    assert snapshot(demo_url) == before


def test_unknown_things_are_not_found(demo_url):
    with db.session_scope(demo_url) as session:
        assert repository.find_account(session, "nobody@example.jp") is None
        assert repository.find_account(session, "山田") is None
        assert repository.cc_addresses(session, "nobody@example.jp") is None
        unknown_code = "TB-9999-99999-99999-99999-99999-99999"
        assert repository.find_activation_code(session, unknown_code) is None
        assert repository.find_licence(session, "VBCL-0000-0000-0000-0000") is None
        assert repository.find_licence(session, "123") is None
        assert repository.licences_of(session, "nobody@example.jp") == ()
        assert repository.latest_order(session, "VBCL-0000-0000-0000-0000") is None


def test_cc_add_and_remove_persist(demo_url):
    yamada = "yamada@sample-shoji.co.jp"
    suzuki, ito = "suzuki@sample-shoji.co.jp", "ito@sample-shoji.co.jp"
    with db.session_scope(demo_url) as session:
        assert repository.add_cc_address(session, yamada, "Ito@Sample-Shoji.co.jp") == (suzuki, ito)
    with db.session_scope(demo_url) as session:
        assert repository.cc_addresses(session, yamada) == (suzuki, ito)
        # Adding an address already on the list keeps it once, where it was.
        repository.add_cc_address(session, yamada, "SUZUKI@sample-shoji.co.jp")
    with db.session_scope(demo_url) as session:
        assert repository.cc_addresses(session, yamada) == (suzuki, ito)
        repository.remove_cc_address(session, yamada, suzuki)
    with db.session_scope(demo_url) as session:
        assert repository.cc_addresses(session, yamada) == (ito,)
        assert repository.remove_cc_address(session, yamada, "absent@example.jp") == (ito,)
        repository.remove_cc_address(session, yamada, ito)
    with db.session_scope(demo_url) as session:
        assert repository.cc_addresses(session, yamada) == ()
        # Other accounts' lists are their own.
        assert repository.cc_addresses(session, "sato@sample-shoji.co.jp") == ()


def test_set_cc_replaces_the_list_in_the_given_order(demo_url):
    with db.session_scope(demo_url) as session:
        repository.set_cc_addresses(
            session,
            "sato@sample-shoji.co.jp",
            ["b@sample-shoji.co.jp", "a@sample-shoji.co.jp", "B@sample-shoji.co.jp"],
        )
    with db.session_scope(demo_url) as session:
        assert repository.cc_addresses(session, "sato@sample-shoji.co.jp") == (
            "b@sample-shoji.co.jp",
            "a@sample-shoji.co.jp",
        )


def test_invalid_cc_address_changes_nothing(demo_url):
    with pytest.raises(repository.InvalidAddress):
        with db.session_scope(demo_url) as session:
            repository.add_cc_address(session, "yamada@sample-shoji.co.jp", "suzuki at sample")
    with db.session_scope(demo_url) as session:
        cc = repository.cc_addresses(session, "yamada@sample-shoji.co.jp")
    assert cc == ("suzuki@sample-shoji.co.jp",)


def test_cc_of_an_unknown_account_is_refused(demo_url, snapshot):
    before = snapshot(demo_url)
    for change in (repository.add_cc_address, repository.remove_cc_address):
        with pytest.raises(repository.UnknownAccount):
            with db.session_scope(demo_url) as session:
                change(session, "nobody@example.jp", "x@example.jp")
    assert snapshot(demo_url) == before
