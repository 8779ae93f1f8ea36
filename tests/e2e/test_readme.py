"""The README's two commands and the API examples of the README and the API pages run as written, against the app
as `make run` serves it (uvicorn + a Celery worker + Redis, the demo bootstrapped), and print what the pages show.

Each ```sh block runs in one bash session, in page order (README, then docs/chat-api.md, then docs/builder-api.md,
which go on with the README's conversation); the ```json or ```text block after it is what it printed when the page
was written. Ids, tokens and times differ on every run, so the test compares what does not: the texts, choices,
statuses, codes, names and HTTP status lines. A block after a `<!-- not run by tests/e2e/test_readme.py: why -->`
line is left out, with its reason on the page. `make run` itself runs from a fresh clone in test_embedded_run.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.support.processes import ROOT

pytestmark = [pytest.mark.e2e]

# The README's API examples are those of its "Talk to the demo bot" (its other blocks install and run things).
PAGES = [(ROOT / "README.md", "Talk to the demo bot"), (ROOT / "docs" / "chat-api.md", None)]
PAGES += [(ROOT / "docs" / "builder-api.md", None)]
SKIP = "<!-- not run by tests/e2e/test_readme.py"
FENCE = re.compile(r"^```(\w*)\s*$")
# The fields an example's shown output is checked by (their values do not change from run to run).
FIELDS = ("text", "label", "status", "run_status", "code", "message", "name", "slug", "node_type", "handle")
FIELD = re.compile(r'"(' + "|".join(FIELDS) + r')":\s*("(?:[^"\\]|\\.)*"|true|false|null)')
HTTP = re.compile(r"^HTTP (\d{3})$", re.M)


@dataclass
class Example:
    page: str
    command: str
    shown: str | None  # the output block after it, if any


def blocks(path: Path, section: str | None = None) -> list[tuple[str, str, str]]:
    """(language, body, the line before the opening fence) of each fenced block of a page, or of one `## ` section."""
    lines = path.read_text().split("\n")
    if section is not None:
        start = lines.index(f"## {section}")
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines = lines[start:end]
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = next((line for line in reversed(lines[:i]) if line.strip()), "")
        found.append((opening.group(1), "\n".join(lines[i + 1 : end]), before))
        i = end + 1
    return found


def examples(path: Path, section: str | None = None) -> list[Example]:
    found: list[Example] = []
    parsed = blocks(path, section)
    for n, (language, body, before) in enumerate(parsed):
        if language != "sh" or before.startswith(SKIP):
            continue
        following = parsed[n + 1] if n + 1 < len(parsed) else None
        shown = following[1] if following and following[0] in ("json", "text") else None
        found.append(Example(path.name, body, shown))
    return found


def fields(text: str) -> list[tuple[str, object]]:
    return [(name, json.loads(value)) for name, value in FIELD.findall(text)]


def test_the_readme_names_the_two_commands_and_make_knows_them():
    parsed = blocks(ROOT / "README.md")
    assert [body for language, body, _ in parsed[:2]] == ["make run", "make test"]
    for target in ("run", "test"):
        dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert dry.returncode == 0, dry.stderr
    assert "-m config.run" in subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "-m pytest" in subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True).stdout


def test_the_api_examples_run_as_written_and_print_what_the_pages_show(live, child_env, tmp_path):
    call_command("bootstrap_demo")  # as `make run` does: the demo admin, and the demo flow published
    runnable = [example for page, section in PAGES for example in examples(page, section)]
    assert len(runnable) >= 12, [e.command[:40] for e in runnable]
    ws = live.url.replace("http://", "ws://")
    marker = "@@example-done@@"
    # The builder API page's token, as `drf_create_token admin` makes it (that line of the page is not run here).
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username="admin"))
    script = ["cd " + str(ROOT), f"API_TOKEN={token.key}"]
    for example in runnable:
        command = (
            example.command.replace("http://127.0.0.1:8000", live.url)
            .replace("ws://127.0.0.1:8000", ws)
            .replace(".venv/bin/python", sys.executable)
            .replace("/tmp/", f"{tmp_path}/")
        )
        script += [command, f"echo {marker}"]
    try:
        done = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            env=child_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=240,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the examples did not finish; so far:\n{exc.stdout}\n{exc.stderr}") from None
    outputs = done.stdout.split(marker + "\n")
    assert len(outputs) == len(runnable) + 1, done.stdout + done.stderr

    for example, printed in zip(runnable, outputs, strict=False):
        where = f"{example.page}: {example.command.splitlines()[0]}"
        if example.shown is None:
            continue
        # A reply the page shows as 202 with ?wait=0 may be a 200 on a quick machine: the worker was faster.
        hurried = "wait=0" in example.command
        shown_http, printed_http = HTTP.findall(example.shown), HTTP.findall(printed)
        if hurried:
            assert set(printed_http) <= {"200", "202"}, (where, printed)
        else:
            assert printed_http == shown_http, (where, printed, done.stderr[-2000:])
        expected = [f for f in fields(example.shown) if not (hurried and f[0] in ("status", "run_status"))]
        got = fields(printed)
        missing = [f for f in expected if f not in got]
        assert not missing, (
            f"{where}\nshown but not printed: {missing}\nprinted: {printed[:3000]}\n{done.stderr[-3000:]}"
        )
