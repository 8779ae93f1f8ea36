"""The alternated bench of ours against n8n (bench/versus.py): its ratios, and its section of docs/benchmarks.md
rewritten alone, the rest of the page kept."""

from __future__ import annotations

from bench import report, versus


def _round(system: str, n: int, turns: float, p50: float, p99: float) -> dict:
    figures = {"turns_per_s": turns, "p50_ms": p50, "p99_ms": p99, "errors": 0, "pending_202": 0}
    return {"system": system, "round": n, "loadavg": "3.00 2.00 1.00", "figures": figures}


def _result(rounds: list[dict]) -> dict:
    result = {
        "started": "2026-12-07 08:30:00 UTC",
        "finished": "2026-12-07 08:32:00 UTC",
        "loadavg_start": "4.10 4.20 4.30",
        "loadavg_end": "5.10 5.20 5.30",
        "wrk_seconds": 15,
        "rounds_per_system": 2,
        "order": ["ours", "n8n", "ours", "n8n", "node-red"],
        "rounds": rounds,
        "peers": {"reused": ["node-red", "n8n"], "setup": {}, "errors": []},
        "errors": [],
    }
    versus.summarise(result)
    return result


def test_pairs_and_medians_are_oriented_so_that_five_meets_the_target():
    result = _result(
        [
            _round("ours", 1, 400.0, 10.0, 40.0),
            _round("n8n", 1, 80.0, 60.0, 200.0),
            _round("ours", 2, 300.0, 20.0, 60.0),
            _round("n8n", 2, 50.0, 100.0, 300.0),
            _round("node-red", 1, 3000.0, 5.0, 9.0),
        ]
    )
    assert result["medians"]["ours"]["turns_per_s"] == 350.0
    assert result["medians"]["n8n"]["p50_ms"] == 80.0
    assert [round(p["turns_per_s"], 2) for p in result["pair_ratios"]] == [5.0, 6.0]
    assert [round(p["p50"], 2) for p in result["pair_ratios"]] == [6.0, 5.0]
    assert round(result["median_ratios"]["turns_per_s"], 3) == round(350 / 65, 3)
    assert round(result["median_ratios"]["p50"], 3) == round(80 / 15, 3)
    assert result["target_met"] is True
    assert round(result["nodered_ratios"]["turns_per_s"], 4) == round(350 / 3000, 4)


def test_one_pair_below_five_means_the_target_is_not_met():
    result = _result(
        [
            _round("ours", 1, 400.0, 10.0, 40.0),
            _round("n8n", 1, 80.0, 60.0, 200.0),
            _round("ours", 2, 300.0, 30.0, 60.0),
            _round("n8n", 2, 50.0, 100.0, 300.0),
        ]
    )
    assert result["median_ratios"]["p50"] >= 4 and result["pair_ratios"][1]["p50"] < 5
    assert result["target_met"] is False
    assert "**not met**" in report.versus_section(result)


def test_a_failed_round_is_shown_and_left_out_of_the_medians():
    rounds = [_round("ours", 1, 100.0, 300.0, 600.0), _round("n8n", 1, 80.0, 400.0, 700.0)]
    rounds.append({"system": "ours", "round": 2, "loadavg": "9 9 9", "error": "RuntimeError: wrk exited with 1"})
    result = _result(rounds)
    assert result["medians"]["ours"]["turns_per_s"] == 100.0
    text = report.versus_section(result)
    assert "failed: RuntimeError: wrk exited with 1" in text
    assert "| 1 | ours | 100.0 | 300.0 | 600.0 |" in text


PAGE = """# Benchmarks

## 7. Timers: 10,000 due at once, and lateness at idle

timers text

## Issue 15, the chat turn's server side (2026-12-07)

hand-written notes

## Where the time of a chat turn goes

breakdown
"""


def test_the_section_is_added_before_the_issue_notes_and_replaced_alone_on_a_rerun():
    first = _result(
        [
            _round("ours", 1, 90.0, 340.0, 600.0),
            _round("n8n", 1, 77.0, 395.0, 700.0),
            _round("ours", 2, 88.0, 350.0, 610.0),
            _round("n8n", 2, 75.0, 400.0, 720.0),
        ]
    )
    once = report.splice_versus(PAGE, first)
    assert once.index("## 7. Timers") < once.index(report.VERSUS_HEADING) < once.index("## Issue 15, ")
    assert "Load average 4.10 4.20 4.30 at the start, 5.10 5.20 5.30 at the end" in once
    assert "| **ratio of the medians** | 1.17x | 1.15x | 1.17x |" in once
    assert "node-red and n8n already running: reused, and left running afterwards" in once

    second = dict(first, loadavg_start="7.00 7.00 7.00")
    twice = report.splice_versus(once, second)
    assert twice.count(report.VERSUS_HEADING) == 1
    assert "Load average 7.00 7.00 7.00 at the start" in twice and "4.10 4.20 4.30" not in twice
    assert twice.replace(report.versus_section(second), "") == once.replace(report.versus_section(first), "")
    assert twice.startswith("# Benchmarks\n\n## 7. Timers: 10,000 due at once, and lateness at idle\n\ntimers text\n")
    assert twice.endswith(
        "## Issue 15, the chat turn's server side (2026-12-07)\n\nhand-written notes\n\n"
        "## Where the time of a chat turn goes\n\nbreakdown\n"
    )
