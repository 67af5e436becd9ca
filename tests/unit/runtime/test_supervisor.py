"""A server that dies is started again: at once after a good run, ever more slowly while it
keeps dying at start, and never while it is alive."""

import sys

from bot.runtime.supervisor import FIRST_DELAY, MAX_DELAY, STABLE_AFTER, Supervised

DIES = [sys.executable, "-c", "import sys; sys.exit(3)"]
LIVES = [sys.executable, "-c", "import time; time.sleep(60)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def dead(server: Supervised) -> Supervised:
    server.process.wait(timeout=30)
    return server


def test_a_dead_server_is_started_again_after_its_back_off(capfd):
    clock = Clock()
    server = Supervised("テストサーバー", DIES, {}, clock=clock)
    server.start()
    dead(server).revive()
    first = server.process
    assert server.restarts == 0 and server.restart_at == clock.now + FIRST_DELAY
    clock.now += FIRST_DELAY - 0.1
    server.revive()
    assert server.process is first  # not yet
    clock.now += 0.1
    server.revive()
    assert server.process is not first and server.restarts == 1
    err = capfd.readouterr().err
    assert "テストサーバー が停止しました (終了コード 3)。1 秒後に再起動します。" in err
    assert "テストサーバー を再起動しました (1 回目)。" in err


def test_a_server_that_keeps_dying_at_start_waits_longer_each_time_up_to_a_limit():
    clock = Clock()
    server = Supervised("テストサーバー", DIES, {}, clock=clock)
    server.start()
    delays = []
    for _ in range(8):
        dead(server).revive()
        delays.append(server.delay)
        clock.now = server.restart_at
        server.revive()
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert delays[0] == FIRST_DELAY and max(delays) == MAX_DELAY


def test_a_server_that_ran_a_while_is_started_again_at_the_first_delay():
    clock = Clock()
    server = Supervised("テストサーバー", DIES, {}, clock=clock, delay=16)
    server.start()
    clock.now += STABLE_AFTER
    dead(server).revive()
    assert server.delay == FIRST_DELAY


def test_a_live_server_is_left_alone():
    server = Supervised("テストサーバー", LIVES, {})
    server.start()
    try:
        server.revive()
        assert server.restarts == 0 and server.restart_at is None and server.process.poll() is None
    finally:
        server.process.kill()
        server.process.wait()
