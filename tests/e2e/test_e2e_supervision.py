"""`make run` from the outside: the action server listens on loopback only, a server that
dies is started again while the others keep serving, and Ctrl-C still stops everything."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

from project_helpers import pids_of, post, start_bot, wait_until_dead


def listening_addresses(port: int) -> list:
    """The local addresses `ss -ltn` shows listening on `port`."""
    lines = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout.splitlines()
    local = [line.split()[3] for line in lines]
    return sorted(address.rsplit(":", 1)[0] for address in local if address.rsplit(":", 1)[1] == str(port))


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not answers(url):
        assert time.monotonic() < deadline, f"{url} did not come back within {timeout:.0f} s"
        time.sleep(0.5)


def kill(module: str, port: int) -> int:
    [pid] = pids_of(module, port)
    os.kill(pid, signal.SIGKILL)
    wait_until_dead(pid)
    return pid


def test_make_run_restarts_a_dead_server_and_ctrl_c_stops_them_all(model, tmp_path, responses):
    running = start_bot(model, tmp_path, BOT_TODAY="2026-11-22")
    rasa, actions = running["rasa_port"], running["actions_port"]
    inbox, page = running["inbox_port"], running["web_port"]
    try:
        assert listening_addresses(actions) == ["127.0.0.1"]

        killed = kill("bot.runtime.actions_server", actions)
        started = time.monotonic()
        replies = post(rasa, "supervised-1", "アカウントの状態を確認したい")
        assert time.monotonic() - started < 3.0
        assert responses["utter_guard_trouble"] in [reply.get("text") for reply in replies]
        wait_for(f"http://127.0.0.1:{actions}/health")
        assert pids_of("bot.runtime.actions_server", actions) != [killed]
        assert [r.get("text") for r in post(rasa, "supervised-2", "アカウントの状態を確認したい")] == [
            responses["utter_ask_verify_form_email"]
        ]

        for module, port, path in (
            ("bot.handoff.inbox", inbox, "/health"),
            ("bot.channels.webchat", page, "/config.json"),
        ):
            kill(module, port)
            # The rest of the bot answers while that server is down.
            assert [r.get("text") for r in post(rasa, f"supervised-{port}", "振込用紙はいつ届きますか")] == [
                responses["utter_faq/renewal_slip_arrival"]
            ]
            wait_for(f"http://127.0.0.1:{port}{path}")

        log = "".join(running["log"])
        for name in ("アクションサーバー", "担当者受付箱", "Webチャットのページ"):
            assert f"{name} が停止しました (終了コード -9)" in log
            assert f"{name} を再起動しました (1 回目)" in log
        assert running["process"].poll() is None
    finally:
        running["process"].send_signal(signal.SIGINT)
        assert running["process"].wait(timeout=60) == 0
    for port in (rasa, actions, inbox, page):
        assert not answers(f"http://127.0.0.1:{port}/"), port
