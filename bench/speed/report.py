"""Figures from the raw records, the targets, and the outputs: speed.json, speed.md and two plots."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Dict, List, Optional

import numpy as np

from .profile import OTHER

MIB_PER_GB = 1024
EARLY_TURN, LATE_TURN, GROWTH_WINDOW = 5, 50, 10
TARGET_LEVEL = 32
ERROR_SAMPLES = 5


def latency_stats(latencies: List[float]) -> Dict[str, Optional[float]]:
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "p99_ms": round(float(p99), 1),
        "mean_ms": round(float(np.mean(latencies)), 1),
        "max_ms": round(float(max(latencies)), 1),
    }


def error_summary(records: List[Dict]) -> Dict:
    failed = [r for r in records if r["error"]]
    return {
        "total": len(failed),
        "by_kind": dict(Counter(r["error"] for r in failed)),
        "samples": [f"{r['error']}: {r['detail']}" for r in failed[:ERROR_SAMPLES]],
    }


def level_summary(result: Dict) -> Dict:
    records = result["records"]
    answered = [r for r in records if r["status"] == 200]
    # Every answer counts, good or not; a message that got no HTTP answer has no latency.
    latencies = [r["ms"] for r in records if r["status"] is not None]
    return {
        "level": result["level"],
        "conversations_started": result["conversations_started"],
        "messages": len(records),
        "seconds": result["seconds"],
        "capped_by_time": result["capped"],
        "msgs_per_s": round(len(answered) / result["seconds"], 2) if result["seconds"] else None,
        **latency_stats(latencies),
        "errors": error_summary(records),
        "rss_peak_mib": result["rss_peak_mib"],
        "latencies_ms": latencies,
        "records": records,
    }


def growth_summary(runs: List[List[Dict]]) -> Dict:
    longest = max((len(run) for run in runs), default=0)
    per_turn = [[run[t]["ms"] for run in runs if len(run) > t] for t in range(longest)]
    early = median(per_turn[EARLY_TURN - 1]) if longest >= EARLY_TURN else None
    late = median(per_turn[LATE_TURN - 1]) if longest >= LATE_TURN else None
    # Steadier than one turn each: all turns of the first and the last ten.
    first, last = per_turn[:GROWTH_WINDOW], per_turn[LATE_TURN - GROWTH_WINDOW : LATE_TURN]
    return {
        "senders": len(runs),
        "turns": longest,
        f"turn{EARLY_TURN}_median_ms": _round(early),
        f"turn{LATE_TURN}_median_ms": _round(late),
        "first_turns_median_ms": _round(median(sum(first, []))) if first else None,
        "last_turns_median_ms": _round(median(sum(last, []))) if len(last) == GROWTH_WINDOW else None,
        "ratio": round(late / early, 2) if early and late else None,
        "median_ms_per_turn": [round(median(values), 1) for values in per_turn],
        "per_sender_ms": [[r["ms"] for r in run] for run in runs],
        "errors": error_summary([r for run in runs for r in run]),
    }


def _round(value: Optional[float], digits: int = 1) -> Optional[float]:
    return None if value is None else round(value, digits)


def at_level(load: List[Dict], level: int) -> Optional[Dict]:
    return next((summary for summary in load if summary["level"] == level), None)


def target(
    name: str, value: Optional[float], limit: float, unit: str, at_least: bool = False, missing: str = ""
) -> Dict:
    """`value` against `limit` (an upper limit unless `at_least`), with how far from it."""
    if value is None:
        return {"target": name, "limit": limit, "unit": unit, "value": None, "result": "not measured", "by": missing}
    met = value >= limit if at_least else value <= limit
    gap = round(abs(value - limit), 2)
    share = f" ({gap / limit * 100:.0f}%)" if limit else ""
    by = f"{gap:g} {unit} {'above' if value > limit else 'below'} the limit{share}" if gap else "at the limit"
    return {
        "target": name,
        "limit": limit,
        "unit": unit,
        "value": value,
        "result": "met" if met else "missed",
        "by": by,
    }


def targets(results: Dict) -> List[Dict]:
    bot_load = results["load"]["bot"]
    single, busy = at_level(bot_load, 1), at_level(bot_load, TARGET_LEVEL)
    no_ratio = "stock server not run" if "stock" not in results["load"] else f"level {TARGET_LEVEL} not run"
    rows = [
        target("one conversation at a time: p95 of a full turn ≤ 50 ms", single and single["p95_ms"], 50, "ms"),
        target(
            f"{TARGET_LEVEL} concurrent conversations: msgs/s ≥ 1.5 × stock",
            results["msgs_per_s_ratio_at_32"],
            1.5,
            "×",
            at_least=True,
            missing=no_ratio,
        ),
        target(f"{TARGET_LEVEL} concurrent conversations: p95 ≤ 500 ms", busy and busy["p95_ms"], 500, "ms"),
        target(f"turn {LATE_TURN} ≤ 1.5 × turn {EARLY_TURN} (medians)", results["growth"]["bot"]["ratio"], 1.5, "×"),
    ]
    scaled = results["load"].get("bot-scaled")
    if scaled:
        scaled_busy = at_level(scaled, TARGET_LEVEL)
        rows += [
            target(
                f"{TARGET_LEVEL} concurrent, make run-scaled (2 Rasa servers): msgs/s ≥ 1.5 × stock",
                results["msgs_per_s_ratio_at_32_scaled"],
                1.5,
                "×",
                at_least=True,
                missing=no_ratio,
            ),
            target(
                f"{TARGET_LEVEL} concurrent, make run-scaled: p95 ≤ 500 ms",
                scaled_busy and scaled_busy["p95_ms"],
                500,
                "ms",
            ),
        ]
    memory = results["systems"]["bot"]["rss_max_mib"]
    rows += [
        target(f"{label} RSS ≤ 1 GB (1024 MiB), highest seen", memory[label], MIB_PER_GB, "MiB")
        for label in memory
        if label != "serve"
    ]
    # Not one of the targets: a guard that a fast bot is also a working one.
    rows.append(
        target("guard: every answer of the bot under load and in growth right", results["bot_bad_answers"], 0, "errors")
    )
    return rows


def bad_answers(results: Dict, system: str) -> int:
    growth = results["growth"].get(system)
    return sum(s["errors"]["total"] for s in results["load"][system]) + (growth["errors"]["total"] if growth else 0)


def write_json(results: Dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1))


def plot_levels(load: Dict[str, List[Dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = sorted({s["level"] for summaries in load.values() for s in summaries})
    fig, axes = plt.subplots(1, len(levels), figsize=(4.5 * len(levels), 3.8), squeeze=False)
    for ax, level in zip(axes[0], levels):
        for system, summaries in load.items():
            summary = at_level(summaries, level)
            if summary and summary["latencies_ms"]:
                values = np.sort(summary["latencies_ms"])
                ax.step(
                    values,
                    np.arange(1, len(values) + 1) / len(values),
                    where="post",
                    label=f"{system} (p95 {summary['p95_ms']:.0f} ms)",
                )
        ax.set_xscale("log")
        ax.set_title(f"{level} concurrent conversation{'s' if level > 1 else ''}")
        ax.set_xlabel("latency per message (ms, log)")
        ax.set_ylabel("share of messages ≤ x")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle("REST webhook latency, cumulative distribution")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_growth(growth: Dict[str, Dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for system, summary in growth.items():
        (line,) = ax.plot(range(1, summary["turns"] + 1), summary["median_ms_per_turn"], label=f"{system} (median)")
        for run in summary["per_sender_ms"]:
            ax.plot(range(1, len(run) + 1), run, color=line.get_color(), alpha=0.2, linewidth=0.8)
    for turn in (EARLY_TURN, LATE_TURN):
        ax.axvline(turn, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("turn of the conversation (FAQ questions only)")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Latency as one conversation grows")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _table(header: List[str], rows: List[List]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_fmt(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def markdown(results: Dict) -> str:
    meta = results["meta"]
    out = ["## Speed", ""]
    if meta["quick"]:
        out += ["**Smoke run (`--quick`): tiny counts, figures not representative.**", ""]
    out += [
        f"Run {meta['started']} on {meta['cpus']} cores (load average {meta['load_average_start']} at the start, "
        f"{meta['load_average_end']} at the end), Rasa {meta['rasa']}, bot model `{meta['bot_model']}` "
        f"({meta['bot_model_mtime']}), `BOT_TODAY={meta['bot_today']}`. Command: `{meta['command']}`.",
        "",
        "### Targets",
        "",
        *_table(
            ["target", "measured", "limit", "result", "by how much"],
            [[t["target"], _fmt(t["value"], 2), t["limit"], f"**{t['result']}**", t["by"]] for t in results["targets"]],
        ),
    ]
    out += _load_section(results)
    out += _growth_section(results)
    out += _resources_section(results)
    out += _profile_section(results["profile"])
    out += ["### Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    return "\n".join(out)


def _load_section(results: Dict) -> List[str]:
    rows = []
    for system, summaries in results["load"].items():
        for s in summaries:
            errors = ", ".join(f"{k} {v}" for k, v in s["errors"]["by_kind"].items()) or "0"
            rows.append(
                [
                    system,
                    s["level"],
                    s["conversations_started"],
                    s["messages"],
                    f"{s['seconds']:.1f}{' (time cap)' if s['capped_by_time'] else ''}",
                    s["msgs_per_s"],
                    s["p50_ms"],
                    s["p95_ms"],
                    s["p99_ms"],
                    errors,
                ]
            )
    ratio = results["msgs_per_s_ratio_at_32"]
    lines = [
        "### Under load (REST webhook, 10-turn conversations)",
        "",
        *_table(
            [
                "system",
                "concurrent",
                "conversations",
                "messages",
                "seconds",
                "msgs/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
            ],
            rows,
        ),
        f"Ratio of messages per second at {TARGET_LEVEL} concurrent conversations, this bot ÷ stock: "
        f"**{_fmt(ratio, 2)}**; `make run-scaled` (two Rasa and two action servers behind HAProxy, "
        f"PostgreSQL, Redis) ÷ stock: **{_fmt(results.get('msgs_per_s_ratio_at_32_scaled'), 2)}**.",
        "",
    ]
    samples = [
        f"{system} level {s['level']}: {sample}"
        for system, summaries in results["load"].items()
        for s in summaries
        for sample in s["errors"]["samples"]
    ]
    if samples:
        lines += ["Error samples (up to five per level):", "", *[f"- `{sample}`" for sample in samples], ""]
    return lines + ["![latency per load level](../figures/latency_levels.png)", ""]


def _growth_section(results: Dict) -> List[str]:
    rows = [
        [
            system,
            g["senders"],
            g[f"turn{EARLY_TURN}_median_ms"],
            g[f"turn{LATE_TURN}_median_ms"],
            g["ratio"],
            g["first_turns_median_ms"],
            g["last_turns_median_ms"],
            g["errors"]["total"],
        ]
        for system, g in results["growth"].items()
    ]
    return [
        "### Growth with the length of a conversation",
        "",
        f"One conversation of {LATE_TURN} FAQ questions at a time, repeated with fresh senders; medians over senders.",
        "",
        *_table(
            [
                "system",
                "senders",
                f"turn {EARLY_TURN} ms",
                f"turn {LATE_TURN} ms",
                "ratio",
                f"turns 1–{GROWTH_WINDOW} ms",
                f"turns {LATE_TURN - GROWTH_WINDOW + 1}–{LATE_TURN} ms",
                "errors",
            ],
            rows,
        ),
        "![latency by turn](../figures/latency_growth.png)",
        "",
    ]


def _resources_section(results: Dict) -> List[str]:
    memory_rows, start_rows = [], []
    for system, info in results["systems"].items():
        for label in info["rss_rest_mib"]:
            memory_rows.append([system, label, info["rss_rest_mib"][label], info["rss_peak_under_load_mib"].get(label)])
        training = info["training"]
        start_rows.append(
            [
                system,
                info["cold_start_s"],
                training.get("training_seconds") if isinstance(training, dict) else training,
                info["model_archive_mib"],
            ]
        )
    peak_level = results["meta"]["peak_level"]
    return [
        "### Memory, cold start, training",
        "",
        *_table(["system", "process", "RSS at rest (MiB)", f"RSS peak at {peak_level} concurrent (MiB)"], memory_rows),
        *_table(["system", "cold start to first answer (s)", "training (s)", "model archive (MiB)"], start_rows),
    ]


def _profile_section(profile: Dict) -> List[str]:
    ms, total = profile["ms_per_turn"], sum(profile["ms_per_turn"].values())
    length, window = profile["long_faq_window"]
    columns = [
        ms,
        profile["calls_per_turn"],
        profile["ms_per_turn_under_cprofile"],
        profile["long_faq_first_turns_ms"],
        profile["long_faq_last_turns_ms"],
    ]
    order = sorted(ms, key=lambda bucket: (bucket == OTHER, -ms[bucket]))
    rows = [
        [
            bucket,
            ms[bucket],
            f"{ms[bucket] / total * 100:.0f}%" if total else "–",
            *(column[bucket] for column in columns[1:]),
        ]
        for bucket in order
    ]
    rows.append(["**total**", round(total, 2), "100%", "", *(round(sum(column.values()), 2) for column in columns[2:])])
    top = [
        [f"`{f['function']}`", f["calls_per_turn"], f["tottime_ms_per_turn"], f["cumtime_ms_per_turn"]]
        for f in profile["top_functions_by_tottime"][:10]
    ]
    return [
        "### Where the time of one turn goes (bot, in-process profile)",
        "",
        f"{profile['turns']} turns of the scripted conversations, the bot's model loaded in-process "
        "(`Agent.load`) against the benchmark's running action server, SQLite tracker store. "
        f"Replies not as expected: {len(profile['reply_mismatches'])}.",
        "",
        *_table(
            [
                "bucket",
                "ms per turn",
                "share",
                "entries per turn",
                "ms per turn under cProfile",
                f"ms per turn, turns 1–{window} of a {length}-turn FAQ conversation",
                f"ms per turn, turns {length - window + 1}–{length}",
            ],
            rows,
        ),
        *_profile_details(profile, length),
        f"Method: {profile['method']}",
        "",
        "Functions with the most own time under cProfile (per turn of the scripted conversations):",
        "",
        *_table(["function", "calls", "own ms", "cumulative ms"], top),
    ]


def _profile_details(profile: Dict, length: int) -> List[str]:
    actions = ", ".join(f"`{name}` {ms} ms" for name, ms in profile["action_call_median_ms_by_action"].items())
    pauses = "; ".join(
        f"{generation}: {g['collections_per_turn']} per turn, {g['ms_per_turn']} ms per turn, "
        f"longest {g['longest_ms']} ms"
        for generation, g in profile["gc_pauses"].items()
    )
    parts = "; ".join(f"{label}: {ms}" for label, ms in profile["action_handling_parts_ms_under_cprofile"].items())
    full_gc = profile["full_gc"]
    return [
        "Round trip to the action server per custom action (median over the scripted turns, idle server): "
        f"{actions or 'none'}.",
        "",
        f"Garbage-collector pauses in these turns and the {length}-turn conversation (charged to whichever bucket "
        f"allocated): {pauses or 'none'}. A full collection of this process's heap ({full_gc['tracked_objects']} "
        f"objects) takes {full_gc['ms']} ms; Python runs one when enough objects have survived, and the turn that "
        "triggers it waits. The served Rasa process freezes the loaded model out of the collector "
        "(bot.runtime.rasa_speedups); this in-process profile loads it with `Agent.load` and does not.",
        "",
        f"Parts of a custom action's handling in Rasa (cumulative ms per turn under cProfile): {parts or 'none seen'}.",
        "",
    ]
