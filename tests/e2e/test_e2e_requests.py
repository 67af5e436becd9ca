"""Sign-up, CC addresses and renewal applications through the running servers (today: 2026-11-22)."""

from bot.store import repository
from bot.store.db import session_scope
from project_helpers import body, mails_to, post

OPEN_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"
ENDED_CODE = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"
CODE_SAMPLE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"


def say(bot, sender, text):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text)]


def test_sign_up_in_the_chat_creates_the_account(bot, responses):
    sender = "e2e-signup"
    assert say(bot, sender, "このチャットでアカウントを作成してください") == [
        responses["utter_ask_signup_form_signup_code"]
    ]
    ended = say(bot, sender, ENDED_CODE)
    assert ended == [
        responses["utter_signup_code_ended"].format(contract_end="2026年10月31日"),
        responses["utter_ask_signup_form_signup_code"],
    ]
    assert say(bot, sender, OPEN_CODE.lower()) == [responses["utter_ask_signup_form_signup_name"]]
    # A question from the guides in the middle, then the form asks again.
    side = say(bot, sender, "パスワードを忘れました")
    assert side[-1] == responses["utter_ask_signup_form_signup_name"] and len(side) == 2
    assert say(bot, sender, "高橋 健です") == [responses["utter_ask_signup_form_signup_email"]]
    assert say(bot, sender, "Takahashi@Example.jp") == [responses["utter_ask_signup_form_signup_phone"]]
    assert say(bot, sender, "03-1234-5678") == [responses["utter_signup_done"].format(email="takahashi@example.jp")]
    with session_scope(bot["database_url"]) as session:
        account = repository.find_account(session, "takahashi@example.jp")
    assert (account.name, account.phone, account.activation_code) == ("高橋 健", "0312345678", OPEN_CODE)
    subjects = [mail["Subject"] for mail in mails_to(bot, "takahashi@example.jp")]
    assert subjects == [responses["utter_mail_account_created_subject"]]


def test_sign_up_of_a_registered_address_reads_the_same(bot, responses):
    sender = "e2e-signup-existing"
    say(bot, sender, "アカウント登録を進めてください")
    for answer in (OPEN_CODE, "山田 太郎", "yamada@sample-shoji.co.jp"):
        say(bot, sender, answer)
    assert say(bot, sender, "090-1111-2222") == [
        responses["utter_signup_done"].format(email="yamada@sample-shoji.co.jp")
    ]
    with session_scope(bot["database_url"]) as session:
        assert repository.find_account(session, "yamada@sample-shoji.co.jp").phone != "09011112222"


def test_cancelling_the_sign_up_stops_the_questions(bot, responses):
    sender = "e2e-signup-cancel"
    say(bot, sender, "アカウントを作ってもらえますか")
    assert say(bot, sender, "やめます") == [responses["utter_task_cancelled"]]
    assert say(bot, sender, "振込用紙はいつ届きますか")[0] != responses["utter_ask_signup_form_signup_code"]


def test_cc_addresses_are_listed_added_and_removed(bot, responses):
    sender = "e2e-cc"
    assert say(bot, sender, "CCに登録しているアドレスを教えて") == [responses["utter_ask_verify_form_email"]]
    say(bot, sender, "yamada@sample-shoji.co.jp")
    replies = say(bot, sender, CODE_SAMPLE)
    assert replies == [
        responses["utter_verified"],
        responses["utter_cc_list"].format(addresses="・suzuki@sample-shoji.co.jp"),
    ]
    added = say(bot, sender, "CCに takahashi@example.jp を追加してください")
    assert added == [
        responses["utter_cc_added"].format(
            address="takahashi@example.jp", addresses="・suzuki@sample-shoji.co.jp\n・takahashi@example.jp"
        )
    ]
    # Without an address the bot asks for it.
    assert say(bot, sender, "CCから一人外したいです") == [responses["utter_ask_cc_form_cc_address"]]
    assert say(bot, sender, "suzuki@sample-shoji.co.jp") == [
        responses["utter_cc_removed"].format(address="suzuki@sample-shoji.co.jp", addresses="・takahashi@example.jp")
    ]
    with session_scope(bot["database_url"]) as session:
        assert repository.cc_addresses(session, "yamada@sample-shoji.co.jp") == ("takahashi@example.jp",)


def test_cc_change_by_an_unverified_customer_changes_nothing(bot, responses):
    sender = "e2e-cc-intruder"
    say(bot, sender, "CCに attacker@example.jp を追加してください")
    # The colleague's address is not taken as the customer's own.
    assert say(bot, sender, "yamada@sample-shoji.co.jp") == [responses["utter_ask_verify_form_proof"]]
    assert say(bot, sender, ENDED_CODE)[0] == responses["utter_verification_failed"]
    with session_scope(bot["database_url"]) as session:
        assert "attacker@example.jp" not in repository.cc_addresses(session, "yamada@sample-shoji.co.jp")


def test_renewal_application_by_payment_slip(bot, responses):
    sender = "e2e-apply"
    serial = "VBCL-4821-7730-1956-2204"
    assert say(bot, sender, f"{serial} を2年で更新を申し込みます") == [responses["utter_ask_verify_form_email"]]
    replies = say(bot, sender, "nakamura@example.jp")
    confirm = responses["utter_ask_renewal_form_renewal_confirm"]
    assert replies == [responses["utter_verified"], confirm.format(serial_number=serial, renewal_years=2)]
    replies = say(bot, sender, "はい")
    with session_scope(bot["database_url"]) as session:
        order = repository.latest_order(session, serial)
    assert (order.years, order.payment_method) == (2, "振込用紙")
    assert replies == [
        responses["utter_renewal_applied"].format(
            order_id=order.id,
            serial=serial,
            years=2,
            first="2026年11月29日",
            last="2026年12月6日",
            email="nakamura@example.jp",
        ),
        responses["utter_faq/renewal_faster_payment"],
    ]
    [mail] = mails_to(bot, "nakamura@example.jp")
    assert mail["Subject"] == responses["utter_mail_renewal_order_subject"]
    assert body(mail) == (
        f"シリアル番号 {serial} の契約更新(2年)を振込用紙でのお支払いで承りました。"
        "振込用紙は2026年11月29日から2026年12月6日ごろまでにお届けします。\n"
    )


def test_renewal_application_asks_what_is_missing_and_can_be_declined(bot, responses):
    sender = "e2e-apply-declined"
    say(bot, sender, "振込用紙での更新を申し込みたいので手続きしてください")
    say(bot, sender, "kobayashi@example.jp")
    # The serial given as proof is the one to renew: only the years are asked for.
    assert say(bot, sender, "VBCL-9034-1178-5520-6631") == [
        responses["utter_verified"],
        responses["utter_ask_renewal_form_renewal_years"],
    ]
    assert say(bot, sender, "5年") == [responses["utter_ask_renewal_form_renewal_years"]]
    assert say(bot, sender, "3年") == [
        responses["utter_ask_renewal_form_renewal_confirm"].format(
            serial_number="VBCL-9034-1178-5520-6631", renewal_years=3
        )
    ]
    assert say(bot, sender, "いいえ") == [responses["utter_task_cancelled"]]
    with session_scope(bot["database_url"]) as session:
        assert repository.latest_order(session, "VBCL-9034-1178-5520-6631") is None


def test_upgrade_by_payment_slip_is_explained_and_not_ordered(bot, responses):
    sender = "e2e-apply-upgrade"
    say(bot, sender, "VBDL-6142-8857-2031-4496 をトータルセキュリティにアップグレードして振込用紙で更新を申し込みたい")
    replies = say(bot, sender, "nakamura@example.jp")
    assert replies == [
        responses["utter_verified"],
        responses["utter_upgrade_card_only"],
        responses["utter_upgrade_needs_auto_renewal_cancelled"],
    ]
    with session_scope(bot["database_url"]) as session:
        assert repository.latest_order(session, "VBDL-6142-8857-2031-4496") is None
