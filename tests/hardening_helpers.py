"""Helpers shared by the test_hardening_* files: problem blocks, builds with patched limits, markers.

    blocks = problems(stderr)                      # every `file:line:col: ...` block, no traceback allowed
    code, out, err = run_patched(project, "handbill.timebox.TIME_BUDGET = 1")   # the CLI, after a tweak
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO, errors_of

LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: ")


def problems(stderr: str) -> list[str]:
    """The problem blocks of a failed build's stderr (without the closing `Build failed:` line).

    Fails the test when there is a Python traceback: a volunteer must never see one.
    """
    assert "Traceback" not in stderr, stderr
    return [block for block in errors_of(stderr) if not block.startswith("Build failed:")]


def block_for(blocks: list[str], path: str) -> list[str]:
    """The blocks about ``path``."""
    return [block for block in blocks if block.startswith(path + ":")]


def assert_located_with_hint(block: str) -> None:
    """A problem names its file (and line and column where there is one), and says what to do."""
    first, *rest = block.splitlines()
    match = LOCATED.match(first)  # file:line[:col]: ..., or file: ... for a whole file or folder
    path = match.group("path") if match else first.split(": ", 1)[0]
    assert path.startswith(("content/", "themes/")), block
    assert any(line.startswith("  hint: ") for line in rest), block


def run_patched(project: Path, setup: str, *args: str, timeout: float = 120,
                env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The real command line (``build --no-cards`` by default) in a fresh interpreter after running ``setup``.

    ``setup`` is Python that may lower a limit (``handbill.timebox.TIME_BUDGET = 1``) so a
    test of a time limit stays quick. A hang fails the test through ``timeout``.
    """
    argv = list(args) or ["build", "--content", "content", "--out", "site", "--no-cards"]
    script = "import sys, handbill.timebox, handbill.cli\n" + textwrap.dedent(setup) + \
             f"\nsys.exit(handbill.cli.main({argv!r}))\n"
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", env=environment, timeout=timeout)
    return done.returncode, done.stdout, done.stderr
