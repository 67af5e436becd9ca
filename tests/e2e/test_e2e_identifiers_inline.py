"""A customer who puts an identifier into the question is not asked for it again (today: 2026-11-22).

E-mail addresses, activation codes and serials written into the first message start the
matching check with them already taken: the bot asks only for what is still missing, and
a customer who gives e-mail and code together is verified at once, never taken for a sign-up.
Only demo customers whose state is known are used; no order, sign-up or mail is left behind.
"""

import pytest

from project_helpers import fresh_sender, named, post, texts

CODE_SAMPLE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"  # yamada (and sato) of サンプル商事, until 2027-03-31
CODE_TEST_KOGYO = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"  # tanaka of テスト工業, ended 2026-10-31
CLOUD = "ウイルスバスター クラウド"


def account_state(responses: dict, who: str) -> str:
    """The account state answer of the demo customers whose state is known on 2026-11-22."""
    return {
        "yamada": responses["utter_account_valid"].format(
            email="yamada@sample-shoji.co.jp", contract_end="2027年3月31日"
        ),
        "tanaka": responses["utter_account_grace"].format(
            email="tanaka@test-kogyo.jp", contract_end="2026年10月31日", last_usable="2026年11月30日"
        ),
        # Ended 2025-12-31: far past the grace of about a month tanaka is in.
        "kimura": responses["utter_account_expired"].format(
            email="kimura@old-client.jp", contract_end="2025年12月31日"
        ),
    }[who]


def renewal_answer(responses: dict, who: str) -> list:
    """What the renewal check says about the serial in the question, after utter_verified."""
    return {
        # Ended 2025-08-31: renewable for two years, only from the installed product after one.
        "kobayashi": [
            responses["utter_renewal_ok"].format(
                serial="VBCL-9034-1178-5520-6631", product=CLOUD, expiry="2025年8月31日", until="2027年8月31日"
            ),
            responses["utter_renew_from_product"],
        ],
        # Ended 2024-06-30: the two years ran out on 2026-06-30.
        "kato": [
            responses["utter_renewal_too_late"].format(
                serial="VBCL-2267-8415-3309-7742", product=CLOUD, expiry="2024年6月30日"
            )
        ],
    }[who]


def asks(responses: dict, name: str) -> list:
    return [responses[name]]


EMAIL_THEN_PROOF = [
    (
        "yamada@sample-shoji.co.jp で登録しているビジネスサポートポータルのアカウントが、"
        "今も有効か確認していただけますか。",
        CODE_SAMPLE.lower(),
        "yamada",
    ),
    (
        "お世話になってます。ポータルのアカウントの状態を見てほしいんですけど、メアドは tanaka@test-kogyo.jp です",
        f"コードは {CODE_TEST_KOGYO} です",
        "tanaka",
    ),
    (
        "うちのポータルのaccount、kimura@old-client.jp のやつやけど、まだ使えるんかな？",
        "TB-2FJ9-V5K3N-8QW6R-4TX1M-7DC2P-6LH9S",
        "kimura",
    ),
]

EMAIL_AND_CODE = [
    (
        f"yamada@sample-shoji.co.jp、アクティベーションコードは {CODE_SAMPLE} です。"
        "ポータルのアカウントってまだ使えますか？",
        "yamada",
    ),
    (f"ポータルにまだloginできる状態か教えてください。tanaka@test-kogyo.jp / {CODE_TEST_KOGYO.lower()}", "tanaka"),
    (
        "アカウントまだ生きとる？ メールが yamada@sample-shoji.co.jp でコードが "
        "TB3KQ7M2X9P4HD8W7RT5NQ6J3C9ZV2L やねんけど",
        "yamada",
    ),
]

CODE_THEN_EMAIL = [
    (f"{CODE_SAMPLE} で登録したアカウントが今どうなっているか確認できますか", "yamada@sample-shoji.co.jp", "yamada"),
    (
        f"会社のアクティベーションコード {CODE_TEST_KOGYO} に紐づいてる私のポータルアカウント、"
        "まだ使えるかcheckしてもらえます？",
        "tanaka@test-kogyo.jp です",
        "tanaka",
    ),
    pytest.param(
        f"このコードで作ったアカウントのstatus知りたいねん、{CODE_SAMPLE.lower()}",
        "メールは yamada@sample-shoji.co.jp",
        "yamada",
        marks=pytest.mark.xfail(
            strict=True,
            reason="issue 15, open: not understood since the three DIETs are averaged (2026-12-07): "
            "check_account_status 0.52 against sign_up 0.45, one training alone read it at 0.88",
        ),
    ),
]

# Only the first turn: no proof is given, so no mail goes out (sato's outbox is counted elsewhere).
RESEND_WITH_EMAIL = [
    "yamada@sample-shoji.co.jp にパスワード設定のメールをもう一度送っていただけますか",
    "パスワード設定用のメールを再送してほしいです。アドレスは tanaka@test-kogyo.jp です",
    "password設定のmail、kimura@old-client.jp にresendしてもらえへん？",
]

SERIAL_RENEWABLE = [
    (
        "VBCL-9034-1178-5520-6631 のライセンスって、今からでも契約更新の手続きはできますか",
        "kobayashi@example.jp",
        "kobayashi",
    ),
    ("更新できるかどうか確認したいです。シリアル番号は VBCL-2267-8415-3309-7742 です", "kato@example.jp", "kato"),
    (
        "ずっとほったらかしやったんやけど、シリアル VBCL 2267 8415 3309 7742 ってまだrenew間に合う？",
        "メアドは kato@example.jp です",
        "kato",
    ),
]


@pytest.mark.parametrize("message,proof,who", EMAIL_THEN_PROOF)
def test_an_email_in_the_question_is_taken_and_only_the_proof_is_asked(bot, responses, message, proof, who):
    sender = fresh_sender("inline-email")
    first = post(bot["rasa_port"], sender, message)
    assert texts(first) == asks(responses, "utter_ask_verify_form_proof"), (
        f"{message!r} got {named(first, responses)}, expected utter_ask_verify_form_proof"
    )
    then = post(bot["rasa_port"], sender, proof)
    assert texts(then) == [responses["utter_verified"], account_state(responses, who)], (
        f"{proof!r} after {message!r} got {named(then, responses)}, expected utter_verified and {who}'s account state"
    )


@pytest.mark.parametrize("message,who", EMAIL_AND_CODE)
def test_email_and_code_in_the_question_verify_at_once(bot, responses, message, who):
    replies = post(bot["rasa_port"], fresh_sender("inline-email-code"), message)
    got = named(replies, responses)
    signup = [name for name in got if name.startswith("utter_ask_signup_form_")]
    assert not signup, f"{message!r} was taken for a sign-up: {got}"
    assert texts(replies) == [responses["utter_verified"], account_state(responses, who)], (
        f"{message!r} got {got}, expected utter_verified and {who}'s account state"
    )


def only_the_email_asked(bot, responses, kind, message, email):
    """Send `message` from a new sender, check that only the e-mail is asked, give it: the replies to it."""
    sender = fresh_sender(kind)
    first = post(bot["rasa_port"], sender, message)
    assert texts(first) == asks(responses, "utter_ask_verify_form_email"), (
        f"{message!r} got {named(first, responses)}, expected utter_ask_verify_form_email"
    )
    return post(bot["rasa_port"], sender, email)


@pytest.mark.parametrize("message,email,who", CODE_THEN_EMAIL)
def test_a_code_in_the_question_is_taken_and_only_the_email_is_asked(bot, responses, message, email, who):
    then = only_the_email_asked(bot, responses, "inline-code", message, email)
    assert texts(then) == [responses["utter_verified"], account_state(responses, who)], (
        f"{email!r} after {message!r} got {named(then, responses)}, expected utter_verified and {who}'s "
        "account state, not utter_ask_verify_form_proof again"
    )


@pytest.mark.parametrize("message", RESEND_WITH_EMAIL)
def test_a_resend_request_with_the_email_asks_only_the_proof(bot, responses, message):
    replies = post(bot["rasa_port"], fresh_sender("inline-resend"), message)
    assert texts(replies) == asks(responses, "utter_ask_verify_form_proof"), (
        f"{message!r} got {named(replies, responses)}, expected utter_ask_verify_form_proof"
    )


@pytest.mark.parametrize("message,email,who", SERIAL_RENEWABLE)
def test_a_serial_in_the_question_is_the_proof_and_the_answer_is_about_it(bot, responses, message, email, who):
    then = only_the_email_asked(bot, responses, "inline-serial", message, email)
    expected = [responses["utter_verified"], *renewal_answer(responses, who)]
    assert texts(then)[: len(expected)] == expected, (
        f"{email!r} after {message!r} got {named(then, responses)}, expected utter_verified and the renewal "
        f"answer about {who}'s serial"
    )
    asked_again = [
        n
        for n in ("utter_ask_verify_form_proof", "utter_ask_renewal_form_serial_number")
        if responses[n] in texts(then)
    ]
    assert not asked_again, f"{email!r} after {message!r} asked again: {asked_again}"
