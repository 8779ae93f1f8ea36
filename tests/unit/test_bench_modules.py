"""The bench's modules run as scripts (`python -m bench.report` after editing bench/notes.md, `python -m bench.ab`)."""

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) and "__main__" in ast.unparse(node.test)


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_nothing_is_defined_after_the_main_guard(path):
    # As a script, the guard runs main() before any later definition exists (bench.report once failed so).
    body = ast.parse(path.read_text()).body
    guards = [i for i, node in enumerate(body) if _is_main_guard(node)]
    assert not guards or guards[-1] == len(body) - 1, f"{path.name}: definitions after `if __name__ == '__main__':`"
