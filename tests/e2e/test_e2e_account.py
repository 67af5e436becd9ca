"""Account and licence conversations through the running Rasa and action servers (today: 2026-11-22)."""

import time

import jwt

from project_helpers import JWT_SECRET, body, mails_to, post

CODE_SAMPLE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"
CODE_TEST_KOGYO = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"


def say(bot, sender, text, metadata=None):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text, metadata)]


def test_account_status_after_verification(bot, responses):
    sender = "e2e-yamada"
    assert say(bot, sender, "自分のアカウントがまだ有効か確認してほしい") == [responses["utter_ask_verify_form_email"]]
    assert say(bot, sender, "yamada@sample-shoji.co.jp") == [responses["utter_ask_verify_form_proof"]]
    assert say(bot, sender, CODE_SAMPLE.lower()) == [
        responses["utter_verified"],
        responses["utter_account_valid"].format(email="yamada@sample-shoji.co.jp", contract_end="2027年3月31日"),
    ]


def test_account_in_grace_period(bot, responses):
    sender = "e2e-tanaka"
    say(bot, sender, "アカウントの登録状況を調べてもらえますか")
    assert say(bot, sender, f"tanaka@test-kogyo.jp {CODE_TEST_KOGYO}")[-1] == responses["utter_account_grace"].format(
        email="tanaka@test-kogyo.jp", contract_end="2026年10月31日", last_usable="2026年11月30日"
    )


def test_password_mail_is_resent_and_arrives(bot, responses):
    sender = "e2e-sato"
    say(bot, sender, "アカウントの状態を確認したいです")
    replies = say(bot, sender, f"sato@sample-shoji.co.jp {CODE_SAMPLE}")
    assert replies[-1] == responses["utter_password_not_set"]
    assert say(bot, sender, "/resend_password_mail") == [
        responses["utter_password_mail_sent"].format(email="sato@sample-shoji.co.jp")
    ]
    # Other tests share this bot's mail server; count only what went to sato.
    [mail] = mails_to(bot, "sato@sample-shoji.co.jp")
    assert mail["Subject"] == responses["utter_mail_account_created_subject"]
    assert "パスワード" in body(mail)


def test_renewal_check_of_an_expired_serial_points_to_the_installed_product(bot, responses):
    sender = "e2e-kobayashi"
    # The serial in the question counts as the proof; only the e-mail is asked for.
    assert say(bot, sender, "VBCL-9034-1178-5520-6631 はまだ更新できますか") == [
        responses["utter_ask_verify_form_email"]
    ]
    replies = say(bot, sender, "kobayashi@example.jp")
    assert replies[1] == responses["utter_renewal_ok"].format(
        serial="VBCL-9034-1178-5520-6631",
        product="ウイルスバスター クラウド",
        expiry="2025年8月31日",
        until="2027年8月31日",
    )
    assert replies[2] == responses["utter_renew_from_product"]


def test_wrong_pairs_and_unknown_addresses_read_the_same_and_the_fourth_try_is_refused(bot, responses):
    sender = "e2e-intruder"
    say(bot, sender, "私のアカウントの状態を確認して")
    wrong_pair = say(bot, sender, f"yamada@sample-shoji.co.jp {CODE_TEST_KOGYO}")
    unknown = say(bot, sender, f"nobody@example.jp {CODE_SAMPLE}")
    assert wrong_pair[0] == unknown[0] == responses["utter_verification_failed"]
    third = say(bot, sender, f"kimura@old-client.jp {CODE_SAMPLE}")
    assert third == [responses["utter_verification_locked"]]
    fourth = say(bot, sender, "アカウントの状態を確認したい")
    assert responses["utter_account_valid"].split("(")[0] not in "".join(fourth)
    assert responses["utter_ask_verify_form_email"] not in fourth


def test_payment_at_the_post_office_past_its_window_is_overdue(bot, responses):
    replies = say(bot, "e2e-payment", "11月5日に郵便局で払ったのに、まだ有効期限が延長されていません")
    assert replies == [
        responses["utter_payment_overdue"].format(
            channel="郵便局", paid_on="2026年11月5日", expected_by="2026年11月15日"
        )
    ]


def test_payment_status_asks_for_what_is_missing(bot, responses):
    sender = "e2e-payment-2"
    assert (
        say(bot, sender, "支払ったのに反映されていないみたいです")[0]
        == responses["utter_ask_payment_form_payment_channel"]
    )
    assert say(bot, sender, "コンビニで払いました") == [responses["utter_ask_payment_form_paid_on"]]
    assert say(bot, sender, "昨日です") == [
        responses["utter_payment_waiting"].format(
            channel="コンビニエンスストア", paid_on="2026年11月21日", expected_by="2026年11月26日"
        )
    ]


def test_signed_token_from_the_page_skips_the_questions(bot, responses):
    claims = {"email": "yamada@sample-shoji.co.jp", "exp": int(time.time()) + 600}
    token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    replies = say(bot, "e2e-token", "アカウントの状態を確認したい", metadata={"customData": {"token": token}})
    assert replies == [
        responses["utter_account_valid"].format(email="yamada@sample-shoji.co.jp", contract_end="2027年3月31日")
    ]


def test_a_question_from_the_guides_in_the_middle_and_back(bot, responses):
    sender = "e2e-side-question"
    say(bot, sender, "アカウントの状態を確認したい")
    assert say(bot, sender, "ところでパスワードを忘れた場合はどうすればいいですか") == [
        responses["utter_faq/portal_forgot_password"],
        responses["utter_ask_verify_form_email"],
    ]
