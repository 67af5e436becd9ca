import os

import pytest
import yaml

from bot import settings
from project_helpers import ACTIONS_SECRET, IDENTITY_SECRET, JWT_SECRET, MODEL, RASA_API_TOKEN, ROOT

# A plugin rather than `from db_fixtures import ...` in each conftest and test module: imported
# fixtures look unused to a linter, and a test's parameter of the same name redefines them.
pytest_plugins = ["db_fixtures"]

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
os.environ.setdefault("TRACKER_STORE_URL", f"sqlite:///{ROOT / 'var' / 'test-tracker.db'}")


# What a test needs, read from the fixtures it uses (directly or through others): `make test-quick`
# runs the rest, which needs neither a trained model nor a browser.
NEEDS = {"model": "e2e", "cluster": "e2e", "browser": "browser"}

# tests/unit/ (`make test-fast`) is what needs no database server, no trained model and no browser;
# a test there asking for one of these belongs in tests/integration/ or tests/e2e/. A server process
# has no fixture to tell it by: that part of the rule is the README's.
UNIT = ROOT / "tests" / "unit"
NOT_IN_UNIT = {"db_url", "postgres_url", "model", "cluster", "browser"}


def pytest_collection_modifyitems(items):
    misplaced = []
    for item in items:
        for fixture, marker in NEEDS.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        needs = sorted(NOT_IN_UNIT.intersection(item.fixturenames))
        if needs and item.path.is_relative_to(UNIT):
            misplaced.append(f"{item.nodeid} uses {', '.join(needs)}")
    if misplaced:
        raise pytest.UsageError("tests/unit/ is for tests without these fixtures:\n" + "\n".join(misplaced))


@pytest.fixture(autouse=True)
def settings_of_the_test():
    """Each test's settings are read from its own environment, on first use; a test that changes
    the environment after that calls settings.forget()."""
    settings.forget()
    yield
    settings.forget()


@pytest.fixture(scope="session")
def model():
    # `make test` trains first; a missing model is a setup error, not a reason to skip.
    assert MODEL.exists(), f"{MODEL} is missing: run the tests with `make test`"
    return MODEL


@pytest.fixture(scope="session")
def responses() -> dict:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


@pytest.fixture
def stand_in():
    """A stand-in for the LINE Messaging API for one test; it fails the test on a body LINE would refuse."""
    from line_helpers import LineApiStandIn

    with LineApiStandIn() as api:
        yield api
    refused = [(call.path, call.errors) for call in api.calls if call.errors]
    assert not refused, f"bodies LINE would refuse: {refused}"


@pytest.fixture(scope="session")
def line_api():
    """A stand-in for the LINE Messaging API, up before the bot so that the bot's LINE replies go there."""
    from line_helpers import LineApiStandIn

    with LineApiStandIn() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def bot(model, tmp_path_factory, line_api):
    """One running bot for the end-to-end tests, on the day the demo data assumes."""
    from project_helpers import start_bot

    # At DEBUG, Rasa logs every message and slot: what the privacy test scans must be there to mask.
    # LINE's loading indicator at once, not after 0.8 s: its test needs no answer slower than that.
    running = start_bot(
        model,
        tmp_path_factory.mktemp("bot"),
        BOT_TODAY="2026-11-22",
        BOT_JWT_SECRET=JWT_SECRET,
        RASA_API_TOKEN=RASA_API_TOKEN,
        BOT_ACTIONS_SECRET=ACTIONS_SECRET,
        BOT_IDENTITY_SECRET=IDENTITY_SECRET,
        LOG_LEVEL="DEBUG",
        LINE_LOADING_AFTER_SECONDS="0",
        **line_api.bot_environment(),
    )
    yield running
    running["process"].terminate()
    running["process"].wait(timeout=60)
