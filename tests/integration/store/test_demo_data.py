from datetime import date, datetime

import pytest

from bot.domain.clock import JST
from bot.domain.identifiers import canonical_activation_code, canonical_email, canonical_serial
from bot.store import db, repository
from bot.store.demo_data import load_demo_data

CLOUD = "ウイルスバスター クラウド"
CLOUD_DLS = "ウイルスバスター クラウド + デジタルライフサポート プレミアム"
TOTAL_SECURITY_PREMIUM = "ウイルスバスター トータルセキュリティ プレミアム"

SAMPLE_SHOJI = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"
TEST_KOGYO = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"
OLD_CLIENT = "TB-2FJ9-V5K3N-8QW6R-4TX1M-7DC2P-6LH9S"
MIRAI = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"

# code: (company, contract end, premium service, accounts)
ACTIVATION_CODES = {
    SAMPLE_SHOJI: (
        "株式会社サンプル商事",
        date(2027, 3, 31),
        True,
        ("sato@sample-shoji.co.jp", "yamada@sample-shoji.co.jp"),
    ),
    TEST_KOGYO: ("合同会社テスト工業", date(2026, 10, 31), False, ("tanaka@test-kogyo.jp",)),
    OLD_CLIENT: ("株式会社オールドクライアント", date(2025, 12, 31), False, ("kimura@old-client.jp",)),
    MIRAI: ("有限会社ミライ電機", date(2027, 6, 30), False, ()),
}

# email: (name, phone, activation code, password set, premium contact, default CC)
ACCOUNTS = {
    "yamada@sample-shoji.co.jp": (
        "山田 太郎",
        "03-6801-2345",
        SAMPLE_SHOJI,
        True,
        False,
        ("suzuki@sample-shoji.co.jp",),
    ),
    "sato@sample-shoji.co.jp": ("佐藤 花子", "03-6801-2346", SAMPLE_SHOJI, False, True, ()),
    "tanaka@test-kogyo.jp": ("田中 一郎", "06-4390-1122", TEST_KOGYO, True, False, ()),
    "kimura@old-client.jp": ("木村 健二", "052-856-3344", OLD_CLIENT, True, False, ()),
}

# serial: (product, owner, expiry, auto renewal)
LICENCES = {
    "VBCL-4821-7730-1956-2204": (CLOUD, "nakamura@example.jp", date(2027, 1, 15), False),
    "VBCL-9034-1178-5520-6631": (CLOUD, "kobayashi@example.jp", date(2025, 8, 31), False),
    "VBCL-2267-8415-3309-7742": (CLOUD, "kato@example.jp", date(2024, 6, 30), False),
    "TSPM-5518-2093-6674-1180": (TOTAL_SECURITY_PREMIUM, "watanabe@example.jp", date(2022, 4, 30), False),
    "VBCL-7705-3361-9428-0517": (CLOUD, "nakamura@example.jp", date(2030, 12, 31), False),
    "VBDL-6142-8857-2031-4496": (CLOUD_DLS, "nakamura@example.jp", date(2026, 12, 20), True),
}


@pytest.mark.parametrize("code", ACTIVATION_CODES)
def test_activation_codes(demo_url, code):
    company, contract_end, premium, emails = ACTIVATION_CODES[code]
    with db.session_scope(demo_url) as session:
        record = repository.find_activation_code(session, code)
    assert record == repository.ActivationCodeRecord(
        code=code,
        company=company,
        product="ウイルスバスター ビジネスセキュリティ",
        contract_end=contract_end,
        premium_service=premium,
        account_emails=emails,
    )


@pytest.mark.parametrize("email", ACCOUNTS)
def test_accounts(demo_url, email):
    name, phone, code, password_set, premium_contact, cc = ACCOUNTS[email]
    company, contract_end, premium_service, _ = ACTIVATION_CODES[code]
    with db.session_scope(demo_url) as session:
        account = repository.find_account(session, email)
        assert repository.cc_addresses(session, email) == cc
    assert account == repository.AccountRecord(
        email=email,
        name=name,
        phone=phone,
        company=company,
        activation_code=code,
        product="ウイルスバスター ビジネスセキュリティ",
        contract_end=contract_end,
        premium_service=premium_service,
        password_set=password_set,
        premium_contact=premium_contact,
        created_at=datetime(2024, 4, 1, 10, 0, tzinfo=JST),
    )


@pytest.mark.parametrize("serial", LICENCES)
def test_licences(demo_url, serial):
    product, owner, expiry, auto_renewal = LICENCES[serial]
    with db.session_scope(demo_url) as session:
        licence = repository.find_licence(session, serial)
        assert repository.latest_order(session, serial) is None
    assert licence == repository.LicenceRecord(serial, product, owner, expiry, auto_renewal)


def test_licences_of_an_owner_soonest_expiry_first(demo_url):
    with db.session_scope(demo_url) as session:
        licences = repository.licences_of(session, "Nakamura@Example.jp")
    assert [licence.serial for licence in licences] == [
        "VBDL-6142-8857-2031-4496",
        "VBCL-4821-7730-1956-2204",
        "VBCL-7705-3361-9428-0517",
    ]


def test_identifiers_are_found_as_customers_type_them(demo_url):
    with db.session_scope(demo_url) as session:
        licence = repository.find_licence(session, "vbcl 4821 7730 1956 2204")
        assert licence.serial == "VBCL-4821-7730-1956-2204"
        assert repository.find_licence(session, "ＶＢＣＬ４８２１７７３０１９５６２２０４") is not None
        account = repository.find_account(session, " YAMADA@Sample-Shoji.co.jp ")
        assert account.email == "yamada@sample-shoji.co.jp"
        code = repository.find_activation_code(session, "tb3kq7m2x9p4hd8w7rt5nq6j3c9zv2l")
        assert code.company == "株式会社サンプル商事"


def test_full_load_adds_the_generated_records_apart_from_the_fixed_ones(migrated_url, snapshot):
    with db.session_scope(migrated_url) as session:
        load_demo_data(session)
    rows = snapshot(migrated_url)

    assert len(rows["accounts"]) == len(ACCOUNTS) + 200
    assert len(rows["licences"]) == len(LICENCES) + 500
    generated_accounts = [row for row in rows["accounts"] if row[0] not in ACCOUNTS]
    generated_licences = [row for row in rows["licences"] if row[0] not in LICENCES]
    assert all(email.endswith("@example.com") for email, *_ in generated_accounts)
    # Stored as the repository will look them up, or they could never be found.
    assert all(canonical_email(email) == email for email, *_ in generated_accounts)
    assert all(canonical_serial(serial) == serial for serial, *_ in generated_licences)
    assert all(canonical_activation_code(c) == c for _, _, _, c, *_ in generated_accounts)
    assert all(code.startswith("LT-") for _, _, _, code, *_ in generated_accounts)
    assert all(serial.startswith("LOAD-") for serial, *_ in generated_licences)
    assert all(owner.endswith("@example.com") for _, _, owner, *_ in generated_licences)
    products = {product for _, product, *_ in rows["licences"]}
    assert products == {CLOUD, CLOUD_DLS, TOTAL_SECURITY_PREMIUM}
    # Generated records must be reachable through the repository like the fixed ones.
    with db.session_scope(migrated_url) as session:
        assert repository.find_account(session, generated_accounts[0][0]) is not None
        assert repository.find_licence(session, generated_licences[0][0]) is not None
