"""Demo records that the conversations and tests refer to, plus generated bulk for load tests.

    python -m bot.store.demo_data            # migrate, then load if the database is empty
    python -m bot.store.demo_data --reset    # migrate, wipe, load again

The generated records come from a seeded Faker and Random, so every load is the same,
and they use their own serial prefix (LOAD), activation-code prefix (LT) and e-mail
domain (example.com), so they can never collide with the fixed records.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from datetime import date, datetime, timedelta
from typing import Callable, List, Optional, Sequence, Set

from faker import Faker
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot import settings
from bot.domain.clock import JST
from bot.domain.vocabulary import CLOUD, CLOUD_DLS
from bot.domain.vocabulary import TOTAL_SECURITY_PREMIUM as TSP
from bot.store import models as m
from bot.store import repository
from bot.store.db import database_url, session_scope, upgrade_to_head

BUSINESS_PRODUCT = "ウイルスバスター ビジネスセキュリティ"
CONSUMER_PRODUCTS = (CLOUD, CLOUD_DLS, TSP)
# Fixed, so that reloading yields identical rows.
CREATED_AT = datetime(2024, 4, 1, 10, 0, tzinfo=JST)
SEED = 20240401

GENERATED_SERIAL_PREFIX = "LOAD"
GENERATED_CODE_PREFIX = "LT"
GENERATED_DOMAIN = "example.com"
# No 0/O or 1/I: generated codes should be as readable as real ones.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def load_demo_data(session: Session, *, generated_accounts: int = 200, generated_licences: int = 500) -> None:
    """Insert the demo records into an empty database (the caller commits)."""
    session.add_all(_fixed_records())
    session.add_all(_generated_records(generated_accounts, generated_licences))
    session.flush()


def _fixed_records() -> List[m.Base]:
    sample = m.Company(name="株式会社サンプル商事")
    test_kogyo = m.Company(name="合同会社テスト工業")
    old_client = m.Company(name="株式会社オールドクライアント")
    mirai = m.Company(name="有限会社ミライ電機")

    sample_code = _code("TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L", sample, date(2027, 3, 31), True)
    test_kogyo_code = _code("TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G", test_kogyo, date(2026, 10, 31))
    old_client_code = _code("TB-2FJ9-V5K3N-8QW6R-4TX1M-7DC2P-6LH9S", old_client, date(2025, 12, 31))
    mirai_code = _code("TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B", mirai, date(2027, 6, 30))

    yamada = _account("yamada@sample-shoji.co.jp", "山田 太郎", "03-6801-2345", sample_code, password_set=True)
    sato = _account("sato@sample-shoji.co.jp", "佐藤 花子", "03-6801-2346", sample_code, premium_contact=True)
    tanaka = _account("tanaka@test-kogyo.jp", "田中 一郎", "06-4390-1122", test_kogyo_code, password_set=True)
    kimura = _account("kimura@old-client.jp", "木村 健二", "052-856-3344", old_client_code, password_set=True)

    nakamura = "nakamura@example.jp"
    licences = [
        _licence("VBCL-4821-7730-1956-2204", CLOUD, nakamura, date(2027, 1, 15)),
        _licence("VBCL-9034-1178-5520-6631", CLOUD, "kobayashi@example.jp", date(2025, 8, 31)),
        _licence("VBCL-2267-8415-3309-7742", CLOUD, "kato@example.jp", date(2024, 6, 30)),
        _licence("TSPM-5518-2093-6674-1180", TSP, "watanabe@example.jp", date(2022, 4, 30)),
        _licence("VBCL-7705-3361-9428-0517", CLOUD, nakamura, date(2030, 12, 31)),
        _licence("VBDL-6142-8857-2031-4496", CLOUD_DLS, nakamura, date(2026, 12, 20), True),
    ]
    codes = [sample_code, test_kogyo_code, old_client_code, mirai_code]
    accounts = [yamada, sato, tanaka, kimura]
    cc = m.CcAddress(account=yamada, email="suzuki@sample-shoji.co.jp", position=0)
    return [*codes, *accounts, cc, *licences]


def _code(code: str, company: m.Company, contract_end: date, premium_service: bool = False) -> m.ActivationCode:
    return m.ActivationCode(
        code=code,
        company=company,
        product=BUSINESS_PRODUCT,
        contract_end=contract_end,
        premium_service=premium_service,
    )


def _account(
    email: str,
    name: str,
    phone: str,
    activation_code: m.ActivationCode,
    *,
    password_set: bool = False,
    premium_contact: bool = False,
    created_at: datetime = CREATED_AT,
) -> m.PortalAccount:
    return m.PortalAccount(
        email=email,
        name=name,
        phone=phone,
        activation_code=activation_code,
        password_set=password_set,
        premium_contact=premium_contact,
        created_at=created_at,
    )


def _licence(serial: str, product: str, owner_email: str, expiry: date, auto_renewal: bool = False) -> m.Licence:
    return m.Licence(
        serial=serial,
        product=product,
        owner_email=owner_email,
        expiry=expiry,
        auto_renewal=auto_renewal,
    )


def _generated_records(accounts: int, licences: int) -> List[m.Base]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    records: List[m.Base] = []

    # About four accounts per company, as in a small business with a few administrators.
    codes: List[m.ActivationCode] = []
    taken_codes: Set[str] = set()
    for _ in range(math.ceil(accounts / 4)):
        code = _unique(taken_codes, lambda: _random_code(rng))
        premium = rng.random() < 0.2
        contract_end = date(2024, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        codes.append(_code(code, m.Company(name=fake.company()), contract_end, premium))
    records.extend(codes)

    for _ in range(accounts):
        code = rng.choice(codes)
        records.append(
            _account(
                f"{fake.unique.user_name()}@{GENERATED_DOMAIN}",
                fake.name(),
                fake.phone_number(),
                code,
                password_set=rng.random() < 0.8,
                premium_contact=code.premium_service and rng.random() < 0.3,
                created_at=CREATED_AT + timedelta(days=rng.randrange(700), minutes=rng.randrange(1440)),
            )
        )

    # Fewer owners than licences, so some owners have several licences as customers do.
    owners = [f"{fake.unique.user_name()}@{GENERATED_DOMAIN}" for _ in range(math.ceil(licences * 2 / 3))]
    taken_serials: Set[str] = set()
    for _ in range(licences):
        records.append(
            _licence(
                _unique(taken_serials, lambda: _random_serial(rng)),
                rng.choice(CONSUMER_PRODUCTS),
                rng.choice(owners),
                date(2020, 1, 1) + timedelta(days=rng.randrange(12 * 365)),
                rng.random() < 0.3,
            )
        )
    return records


def _unique(taken: Set[str], make: Callable[[], str]) -> str:
    value = make()
    while value in taken:
        value = make()
    taken.add(value)
    return value


def _random_code(rng: random.Random) -> str:
    groups = ["".join(rng.choices(_CODE_ALPHABET, k=k)) for k in (4, 5, 5, 5, 5, 5)]
    return "-".join([GENERATED_CODE_PREFIX, *groups])


def _random_serial(rng: random.Random) -> str:
    groups = [f"{rng.randrange(10_000):04d}" for _ in range(4)]
    return "-".join([GENERATED_SERIAL_PREFIX, *groups])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.store.demo_data",
        description="Load the demo records into DATABASE_URL (migrating it first).",
    )
    parser.add_argument("--reset", action="store_true", help="wipe all data and load it again")
    args = parser.parse_args(argv)
    settings.start("demo data", settings.CoreSettings)
    where = make_url(database_url()).render_as_string(hide_password=True)

    upgrade_to_head()
    # One transaction: a failed reload leaves the previous data in place.
    with session_scope() as session:
        if args.reset:
            repository.wipe(session)
        elif not repository.is_empty(session):
            print(f"{where} already has data; nothing loaded (--reset wipes and reloads)")
            return 0
        load_demo_data(session)
    print(f"demo data loaded into {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
