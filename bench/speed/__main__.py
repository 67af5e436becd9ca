"""Speed benchmark of the bot against a stock-config Rasa server, on localhost.

    .venv/bin/python -m bench.speed --quick --skip-stock   # smoke test, bot only
    .venv/bin/python -m bench.speed                        # the full run (stock model cached in bench/.cache/)
    .venv/bin/python -m bench.speed --growth-only          # turn 5 vs 50 and 200 turns, two wraps off and on

Starts the bot as `make run` does and a stock-config Rasa server (no action server),
both on free ports with temp databases; measures cold start, memory, latency growth
over a 50-turn conversation, and 10-turn conversations at 1, 8 and 32 at a time; then
profiles the bot's turns in-process. Writes bench/results/speed.json, speed.md and
bench/figures/latency_*.png. Every process it starts is stopped at the end, also on
Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from . import growth
from .load import Server, rss_now, run_growth, run_level, warm_up
from .processes import Processes
from .profile import profile_turns
from .report import (
    LATE_TURN,
    TARGET_LEVEL,
    at_level,
    bad_answers,
    growth_summary,
    level_summary,
    markdown,
    plot_growth,
    plot_levels,
    targets,
    write_json,
)
from .servers import BOT_RATE_LIMIT_PER_MINUTE, BOT_TODAY, start_bot, start_bot_scaled, start_stock
from .training import BOT_CONFIG, ROOT, stock_model, train

RESULTS = ROOT / "bench" / "results"
FIGURES = ROOT / "bench" / "figures"
STARTUP_TIMEOUT_SECONDS = 300
WARM_UP_SECONDS = 120
TRAINING_TIMEOUT_SECONDS = 3600


@dataclass
class Plan:
    quick: bool
    levels: List[int]
    conversations: Dict[int, int]
    level_seconds: float
    growth_senders: int
    profile_turns: int
    skip_stock: bool
    skip_scaled: bool
    train_bot: bool
    model: Path
    growth_only: bool


def parse_args(argv: List[str]) -> Plan:
    parser = argparse.ArgumentParser(
        prog="python -m bench.speed", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny counts, for a smoke test")
    parser.add_argument("--levels", default=f"1,8,{TARGET_LEVEL}", help="concurrent conversations, comma-separated")
    parser.add_argument(
        "--conversations",
        type=int,
        help="conversations per level (default: max(30, 4 × level); with --quick: the level)",
    )
    parser.add_argument(
        "--level-seconds",
        type=float,
        help="time cap per level and system, and for each system's growth test (default 180; quick 60)",
    )
    parser.add_argument("--skip-stock", action="store_true", help="no stock server (no training, no ratio)")
    parser.add_argument(
        "--skip-scaled",
        action="store_true",
        help="no scaled bot (make run-scaled: needs PostgreSQL, Redis and HAProxy)",
    )
    parser.add_argument("--train-bot", action="store_true", help="also time a training of the bot (into a temp dir)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz", help="the bot's model")
    parser.add_argument(
        "--growth-only",
        action="store_true",
        help="only how a turn grows with the conversation, in-process, with the tracker cache and "
        "the incremental state histories off and on (bench/speed/growth.py); writes "
        "bench/results/growth.md",
    )
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    if not args.model.exists():
        parser.error(f"no model at {args.model} (make train)")

    def conversations(level: int) -> int:
        if args.conversations:
            return args.conversations
        return max(2, level) if args.quick else max(30, 4 * level)

    return Plan(
        quick=args.quick,
        levels=levels,
        conversations={level: conversations(level) for level in levels},
        level_seconds=args.level_seconds or (60 if args.quick else 180),
        growth_senders=3 if args.quick else 5,
        profile_turns=10 if args.quick else 30,
        skip_stock=args.skip_stock,
        skip_scaled=args.skip_scaled,
        train_bot=args.train_bot,
        model=args.model.resolve(),
        growth_only=args.growth_only,
    )


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def meta(plan: Plan) -> Dict:
    import rasa

    return {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpus": os.cpu_count(),
        "load_average_start": round(os.getloadavg()[0], 2),
        "rasa": rasa.__version__,
        "bot_model": str(plan.model.relative_to(ROOT) if plan.model.is_relative_to(ROOT) else plan.model),
        "bot_model_mtime": time.strftime("%Y-%m-%d %H:%M", time.localtime(plan.model.stat().st_mtime)),
        "bot_today": BOT_TODAY,
        "command": "python -m bench.speed " + shlex.join(sys.argv[1:]),
        "quick": plan.quick,
        "levels": plan.levels,
        "conversations_per_level": plan.conversations,
        "level_seconds_cap": plan.level_seconds,
        "growth_senders": plan.growth_senders,
        "growth_turns": LATE_TURN,
        "profile_turns": plan.profile_turns,
        "peak_level": TARGET_LEVEL if TARGET_LEVEL in plan.levels else max(plan.levels),
    }


def start(name: str, starter, processes: Processes, workdir: Path, model: Path, tag: str):
    """Start a system, warm it up, and note its memory at rest."""
    server, cold_start = starter(processes, workdir, model, STARTUP_TIMEOUT_SECONDS)
    say(f"{name}: first answer {cold_start:.1f} s after the start; processes {server.pids}")
    warm = asyncio.run(warm_up(server, tag, WARM_UP_SECONDS))
    failed = [r for r in warm if r["error"]]
    if failed:
        say(f"{name}: warm-up had {len(failed)} bad answers, e.g. {failed[0]['error']}: {failed[0]['detail']}")
    info = {
        "cold_start_s": round(cold_start, 1),
        "rss_rest_mib": rss_now(server.pids),
        "model_archive_mib": round(model.stat().st_size / 2**20, 1),
        "warm_up_errors": len(failed),
    }
    return server, info


def measure_growth(plan: Plan, processes: Processes, workdir: Path) -> str:
    """The bot's servers for its action server, then the growth rounds in this process."""
    load = [os.getloadavg()[0]]
    bot, cold_start = start_bot(processes, workdir, plan.model, STARTUP_TIMEOUT_SECONDS)
    say(f"bot: first answer {cold_start:.1f} s after the start; growth rounds in-process ...")
    result = growth.growth(plan.model, bot.actions_webhook, workdir, plan.growth_senders)
    processes.stop(bot.process)
    load.append(os.getloadavg()[0])
    return growth.markdown(result, "python -m bench.speed " + shlex.join(sys.argv[1:]), load)


def measure(plan: Plan, processes: Processes, workdir: Path) -> Dict:
    tag = f"speed{int(time.time())}"
    results: Dict = {"meta": meta(plan), "systems": {}, "load": {}, "growth": {}}
    stock_info = None if plan.skip_stock else stock_model(processes, TRAINING_TIMEOUT_SECONDS)
    bot_training = "not measured (--train-bot not given)"
    if plan.train_bot:
        say("training the bot into a temp dir (--train-bot) ...")
        bot_training = train(BOT_CONFIG, workdir / "bot-training", processes, TRAINING_TIMEOUT_SECONDS)

    bot, results["systems"]["bot"] = start("bot", start_bot, processes, workdir, plan.model, tag)
    results["systems"]["bot"]["training"] = bot_training
    servers = [bot]
    if stock_info:
        stock, results["systems"]["stock"] = start(
            "stock", start_stock, processes, workdir, Path(stock_info["archive"]), tag
        )
        results["systems"]["stock"]["training"] = stock_info
        servers.append(stock)

    growing = list(servers)
    if not plan.skip_scaled:
        # The framework's own way to serve more: more Rasa servers on a shared tracker store and Redis locks.
        scaled, results["systems"]["bot-scaled"] = start(
            "bot-scaled", start_bot_scaled, processes, workdir, plan.model, tag
        )
        results["systems"]["bot-scaled"]["training"] = "the bot's model"
        servers.append(scaled)

    for server in growing:
        say(f"{server.name}: growth, {plan.growth_senders} conversations of {LATE_TURN} FAQ turns")
        growth = asyncio.run(run_growth(server, plan.growth_senders, LATE_TURN, plan.level_seconds, tag))
        results["growth"][server.name] = growth_summary(growth)

    for level in plan.levels:
        for server in servers:
            result = asyncio.run(run_level(server, level, plan.conversations[level], plan.level_seconds, tag))
            summary = level_summary(result)
            results["load"].setdefault(server.name, []).append(summary)
            say(
                f"{server.name} at {level}: {summary['messages']} messages in {summary['seconds']:.1f} s, "
                f"{summary['msgs_per_s']} msgs/s, p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
                f"errors {summary['errors']['by_kind'] or 0}"
            )

    if stock_info:
        # Out of the way of the profile; the bot stays up, its action server is the profile's.
        processes.stop(stock.process)
    if not plan.skip_scaled:
        processes.stop(scaled.process)
    say(f"profiling {plan.profile_turns} turns of the bot in-process ...")
    results["profile"] = profile_turns(plan.model, bot.actions_webhook, workdir, plan.profile_turns)
    processes.stop(bot.process)
    return finish(results, servers)


def finish(results: Dict, servers: List[Server]) -> Dict:
    peak_level = results["meta"]["peak_level"]
    for server in servers:
        info = results["systems"][server.name]
        peaks = [s["rss_peak_mib"] for s in results["load"][server.name]]
        at_peak = at_level(results["load"][server.name], peak_level)
        info["rss_peak_under_load_mib"] = at_peak["rss_peak_mib"] if at_peak else {}
        info["rss_max_mib"] = {
            label: max(v for v in [rest, *(p.get(label) for p in peaks)] if v is not None)
            for label, rest in info["rss_rest_mib"].items()
            if rest is not None
        }
    stock_busy = at_level(results["load"].get("stock", []), TARGET_LEVEL)
    for system, key in (("bot", "msgs_per_s_ratio_at_32"), ("bot-scaled", "msgs_per_s_ratio_at_32_scaled")):
        busy = at_level(results["load"].get(system, []), TARGET_LEVEL)
        results[key] = (
            round(busy["msgs_per_s"] / stock_busy["msgs_per_s"], 2)
            if busy and stock_busy and stock_busy["msgs_per_s"]
            else None
        )
    results["meta"]["load_average_end"] = round(os.getloadavg()[0], 2)
    results["bot_bad_answers"] = sum(
        bad_answers(results, system) for system in ("bot", "bot-scaled") if system in results["load"]
    )
    results["targets"] = targets(results)
    results["notes"] = notes(results)
    return results


def notes(results: Dict) -> List[str]:
    found = [
        "Client and servers share this machine's cores: the load client (one asyncio process) takes some CPU "
        "from the servers. All traffic is to localhost.",
        "msgs/s counts HTTP 200 answers per second of the level's wall time; latencies are per message, from "
        "sending the request to having read the whole answer.",
        "The stock server has no action server: its custom-action turns fail inside Rasa (errors in its log, "
        "still HTTP 200), as the stock setup does; only its FAQ turns must get a reply, and its answers are not "
        "checked. The bot must answer every turn, with the expected piece of the answer.",
        "The conversations repeat the same texts, so the bot's per-text analysis cache "
        "(`bot.nlp.pipeline.analyse`) hits under load; the profile empties it before each turn.",
        f"The bot runs with BOT_RATE_LIMIT_PER_MINUTE={BOT_RATE_LIMIT_PER_MINUTE}: its default of 20 messages a "
        "minute per sender would stop the 50-turn growth conversation (a 10-turn conversation stays below it).",
        "RSS is VmRSS from /proc, sampled every 0.25 s during each level; `serve` is the bot.runtime.serve parent "
        "(it also serves the web page). Cold start: from starting the process to the first non-empty answer.",
    ]
    stock = results["systems"].get("stock")
    if stock and "action_session_start" in (ROOT / "domain.yml").read_text():
        found.append(
            "The domain's session start is a custom action (`action_session_start`): without an action "
            "server, the stock server answers nothing to the first message of each conversation "
            "(its 'empty' errors on FAQ turns)."
        )
    if stock and stock["training"].get("from_cache"):
        training = stock["training"]
        found.append(
            f"Stock model from bench/.cache/ (trained {training['trained_at']} in "
            f"{training['training_seconds']} s, load average {training['load_average_at_end']} at its end)."
        )
    for name, info in results["systems"].items():
        if info["warm_up_errors"]:
            found.append(f"{name}: {info['warm_up_errors']} bad answers during the warm-up (see the log).")
    return found


def write_outputs(results: Dict) -> str:
    write_json(results, RESULTS / "speed.json")
    plot_levels(results["load"], FIGURES / "latency_levels.png")
    plot_growth(results["growth"], FIGURES / "latency_growth.png")
    text = markdown(results)
    (RESULTS / "speed.md").write_text(text)
    return text


def main(argv: List[str]) -> int:
    plan = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    def stop_running(signum, frame):
        raise KeyboardInterrupt

    # SIGINT explicitly too: a shell starts background jobs with it ignored.
    signal.signal(signal.SIGINT, stop_running)
    signal.signal(signal.SIGTERM, stop_running)
    processes = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        if plan.growth_only:
            text = measure_growth(plan, processes, workdir)
            (RESULTS / "growth.md").write_text(text)
            print(text)
            shutil.rmtree(workdir, ignore_errors=True)
            return 0
        results = measure(plan, processes, workdir)
    except KeyboardInterrupt:
        say(f"interrupted; stopping the servers; logs in {workdir}")
        return 130
    except (RuntimeError, TimeoutError) as error:
        say(f"failed: {error}\nlogs in {workdir}")
        return 1
    finally:
        # A second Ctrl-C must not leave servers behind half-stopped.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        processes.stop_all()
        signal.signal(signal.SIGINT, signal.default_int_handler)
    print(write_outputs(results))
    if results["bot_bad_answers"]:
        say(f"the bot gave bad answers: its servers' logs are kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
