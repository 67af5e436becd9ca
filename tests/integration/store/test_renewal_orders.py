from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bot.store import db, repository
from bot.store import models as m

SERIAL = "VBCL-9034-1178-5520-6631"


def test_renewal_application_is_the_latest_order(demo_url):
    with db.session_scope(demo_url) as session:
        repository.create_renewal_order(session, serial=SERIAL, years=1, applied_on=date(2025, 9, 1))
        created = repository.create_renewal_order(
            session, serial="vbcl 9034 1178 5520 6631", years=3, applied_on=date(2025, 9, 10)
        )
    with db.session_scope(demo_url) as session:
        latest = repository.latest_order(session, SERIAL)
        assert repository.latest_order(session, "VBCL-4821-7730-1956-2204") is None
    assert latest == created
    assert (latest.serial, latest.years, latest.applied_on) == (SERIAL, 3, date(2025, 9, 10))
    assert (latest.payment_method, latest.status) == ("振込用紙", "awaiting_payment")
    assert latest.paid_on is None and latest.payment_channel is None


def test_payment_status_shows_a_paid_order(demo_url):
    with db.session_scope(demo_url) as session:
        order = repository.create_renewal_order(session, serial=SERIAL, years=2, applied_on=date(2025, 9, 1))
    # Payments are recorded by the payment system, not the bot; written here directly.
    with db.get_engine(demo_url).begin() as connection:
        connection.execute(
            m.RenewalOrder.__table__.update()
            .where(m.RenewalOrder.id == order.id)
            .values(status=m.PAID, paid_on=date(2025, 9, 3), payment_channel="郵便局")
        )
    with db.session_scope(demo_url) as session:
        latest = repository.latest_order(session, SERIAL)
    assert (latest.status, latest.paid_on) == ("paid", date(2025, 9, 3))
    assert latest.payment_channel == "郵便局"


@pytest.mark.parametrize("years", [0, 4, -1])
def test_the_database_refuses_renewals_outside_1_to_3_years(demo_url, years):
    with pytest.raises(IntegrityError, match="years"):
        with db.session_scope(demo_url) as session:
            repository.create_renewal_order(session, serial=SERIAL, years=years)
    with db.session_scope(demo_url) as session:
        assert repository.latest_order(session, SERIAL) is None


def _raw_order(**values):
    valid = {
        "years": 1,
        "payment_method": "振込用紙",
        "status": "awaiting_payment",
        "applied_on": date(2025, 9, 1),
    }
    return insert(m.RenewalOrder.__table__).values({**valid, **values})


@pytest.mark.parametrize(
    "values, constraint",
    [
        ({"years": 4}, "years_1_to_3"),
        ({"payment_method": "現金"}, "payment_method_known"),
        ({"status": "unknown"}, "status_known"),
        ({"payment_channel": "銀行"}, "payment_channel_known"),
        ({"status": "paid"}, "paid_on_iff_paid"),
        ({"paid_on": date(2025, 9, 2)}, "paid_on_iff_paid"),
        ({"status": "paid", "paid_on": date(2025, 8, 1)}, "paid_after_applied"),
    ],
)
def test_order_constraints_hold_for_any_writer(demo_url, values, constraint):
    # Bypasses the repository: the rules must live in the schema itself.
    engine = db.get_engine(demo_url)
    with engine.connect() as connection:
        licence_id = connection.scalar(select(m.Licence.id).where(m.Licence.serial == SERIAL))
    with pytest.raises(IntegrityError, match=constraint):
        with engine.begin() as connection:
            connection.execute(_raw_order(licence_id=licence_id, **values))
    with engine.begin() as connection:
        connection.execute(_raw_order(licence_id=licence_id))


def test_renewal_of_an_unknown_serial_is_refused(demo_url):
    with pytest.raises(repository.UnknownLicence):
        with db.session_scope(demo_url) as session:
            repository.create_renewal_order(session, serial="VBCL-0000-0000-0000-0000", years=1)
