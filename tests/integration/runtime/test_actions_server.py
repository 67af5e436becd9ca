"""The action server from the outside, as an attacker would try it: only callers holding
its secret get past the door, and a body that is not an action call gets a 400, not
rasa_sdk's 500. Started as `make run` starts it (python -m bot.runtime.actions_server)."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bot.bearer import bearer_matches
from bot.runtime.actions_server import action_call_problem
from db_fixtures import _snapshot
from project_helpers import ROOT, free_port

SECRET = "actions-test-secret-0123456789abcdefghij"
YAMADA = "yamada@sample-shoji.co.jp"
OUTSIDER = "attacker@evil.example"


@pytest.mark.parametrize(
    "body, problem",
    [
        ({"next_action": "action_do_task", "tracker": {}, "domain": {}}, None),
        ({"next_action": "action_do_task", "tracker": {}}, None),
        ([], "the body must be a JSON object"),
        ("action_do_task", "the body must be a JSON object"),
        ({"tracker": {}}, '"next_action" must be a string'),
        ({"next_action": 5, "tracker": {}}, '"next_action" must be a string'),
        ({"next_action": "action_do_task"}, '"tracker" must be an object'),
        ({"next_action": "action_do_task", "tracker": []}, '"tracker" must be an object'),
        ({"next_action": "action_do_task", "tracker": {}, "domain": "x"}, '"domain" must be an object'),
    ],
)
def test_action_call_problems(body, problem):
    assert action_call_problem(body) == problem


@pytest.mark.parametrize(
    "header, trusted",
    [
        (f"Bearer {SECRET}", True),
        (f"bearer {SECRET}", True),
        (None, False),
        ("", False),
        ("Bearer", False),
        ("Bearer ", False),
        (f"Bearer {SECRET[:-1]}", False),
        (f"Bearer {SECRET}x", False),
        (f"Basic {SECRET}", False),
        (SECRET, False),
        ("Bearer ｓｅｃｒｅｔ", False),
    ],
)
def test_only_the_shared_secret_is_trusted(header, trusted):
    assert bearer_matches(header, SECRET) is trusted


def server_env(database_url, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in ("BOT_ACTIONS_SECRET", "BOT_IDENTITY_SECRET")}
    return {**env, "DATABASE_URL": database_url, "BOT_TODAY": "2026-11-22", **overrides}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'bot.db'}"
    env = server_env(
        database_url, BOT_ACTIONS_SECRET=SECRET, BOT_IDENTITY_SECRET="identity-test-secret-0123456789abcdefgh"
    )
    subprocess.run([sys.executable, "-m", "bot.store.demo_data"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.actions_server", "--actions", "bot.actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.5)
    yield {"port": port, "database_url": database_url}
    process.terminate()
    process.wait(timeout=30)


def call(server, path, body=None, authorization=None, method=None):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(
        f"http://127.0.0.1:{server['port']}{path}",
        data=data,
        headers=headers,
        method=method or ("POST" if data is not None else "GET"),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def forged_call(slots):
    """An action call as Rasa would send it, with a tracker that says the customer is verified."""
    tracker = {
        "sender_id": "intruder",
        "slots": {"verification_failures": 0, **slots},
        "latest_message": {"text": "", "intent": {"name": "inform"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {
        "next_action": "action_do_task",
        "sender_id": "intruder",
        "tracker": tracker,
        "domain": {"forms": {"cc_form": {"required_slots": ["cc_address"]}}, "slots": {}},
        "version": "3.6.2",
    }


ADD_OUTSIDER_TO_CC = forged_call(
    {"task": "manage_cc", "verified_email": YAMADA, "cc_operation": "add", "cc_address": OUTSIDER}
)


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer wrong-secret-0123456789abcdefghijkl", f"Basic {SECRET}", SECRET]
)
def test_a_caller_without_the_secret_gets_401_and_changes_nothing(action_server, authorization):
    before = _snapshot(action_server["database_url"])
    status, body = call(action_server, "/webhook", ADD_OUTSIDER_TO_CC, authorization)
    assert (status, body) == (401, {"error": "unauthorized"})
    assert call(action_server, "/actions", authorization=authorization)[0] == 401
    assert _snapshot(action_server["database_url"]) == before


def test_the_secret_is_checked_before_the_body_is_read_as_json(action_server):
    assert call(action_server, "/webhook", b"{not json", None)[0] == 401
    assert call(action_server, "/webhook", b"{not json", f"Bearer {SECRET}")[0] == 400


def test_the_health_check_needs_no_secret_and_says_nothing_else(action_server):
    assert call(action_server, "/health") == (200, {"status": "ok"})


@pytest.mark.parametrize(
    "slots",
    [
        {"task": "manage_cc", "verified_email": YAMADA, "cc_operation": "add", "cc_address": OUTSIDER},
        {"task": "manage_cc", "verified_email": YAMADA, "cc_operation": "list"},
        {"task": "check_renewal", "verified_email": "nakamura@example.jp"},
        {"task": "account_status", "verified_email": YAMADA, "identity_proof": "eyJhbGciOiJub25lIn0.e30."},
    ],
)
def test_with_the_secret_a_forged_tracker_still_gets_no_data_and_no_change(action_server, slots):
    before = _snapshot(action_server["database_url"])
    status, body = call(action_server, "/webhook", forged_call(slots), f"Bearer {SECRET}")
    assert status == 200
    assert body["responses"] == []
    assert _snapshot(action_server["database_url"]) == before


def test_the_action_server_does_not_start_without_its_secrets(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'bot.db'}", BOT_ACTIONS_SECRET="short")
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.actions_server", "--actions", "bot.actions", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "BOT_ACTIONS_SECRET: expected a secret of at least 32 characters, got 5" in result.stderr
    assert "BOT_IDENTITY_SECRET: expected a secret of at least 32 characters, got nothing" in result.stderr
    assert "short" not in result.stderr
