"""The bench's machine section names the CPU's speed, so figures from machines of different speed can be compared."""

from __future__ import annotations

from bench import report
from bench.common import calibration_ms, machine


def test_the_machine_section_shows_the_calibration_or_says_it_is_missing():
    m = machine()
    assert float(m["calibration_ms"]) > 0
    shown = report.machine_section(m, {"total_s": 12})
    assert f"- CPU speed: {m['calibration_ms']} ms of CPU for" in shown
    older = {k: v for k, v in m.items() if k != "calibration_ms"}  # results.json of a run before it existed
    assert "- CPU speed: not recorded in this run" in report.machine_section(older, {"total_s": 12})


def test_the_calibration_measures_cpu_time_steadily():
    # CPU time of this process, not wall time: another process on the core does not double it.
    first, second = calibration_ms(repeats=3), calibration_ms(repeats=3)
    assert 1 < first < 5_000 and 1 / 3 < second / first < 3
