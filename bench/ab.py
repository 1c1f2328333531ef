#!/usr/bin/env python3
"""Cold builds of one content folder by two (or more) handbill trees, in alternation.

    git worktree add /tmp/before HEAD~3
    python bench/ab.py /tmp/before . --content /tmp/handbill-phases/content --runs 8

Each run removes the output and ``.handbill-cache/`` first, then times a whole
``build.py build --no-cards`` process with ``os.wait4``. The trees take turns, so a machine
that slows down or speeds up hits them alike; medians of wall time, user and system CPU
(worker processes included) are printed per tree. Make the content with ``bench/corpus.py``
(or use the one ``bench/phases.py`` leaves in its work folder).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def cold_build(tree: Path, content: Path, out: Path) -> tuple[float, float, float]:
    """(wall, user, system) seconds of one cold build of ``content`` by the handbill in ``tree``."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(content.parent / ".handbill-cache", ignore_errors=True)
    argv = [sys.executable, str(tree / "build.py"), "build", "--content", str(content), "--out", str(out),
            "--no-cards", "-q"]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build by {tree} failed")
    return time.perf_counter() - started, usage.ru_utime, usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, help="handbill checkouts to compare")
    parser.add_argument("--content", type=Path, required=True, help="the content folder to build")
    parser.add_argument("--runs", type=int, default=6, help="builds per tree (default 6)")
    args = parser.parse_args()
    out = args.content.parent / "site-ab"
    times: dict[Path, list[tuple[float, float, float]]] = {tree: [] for tree in args.trees}
    for _ in range(args.runs):
        for tree in args.trees:
            times[tree].append(cold_build(tree.resolve(), args.content.resolve(), out))
    shutil.rmtree(out, ignore_errors=True)
    for tree, runs in times.items():
        wall, user, system = (statistics.median(run[i] for run in runs) for i in range(3))
        print(f"{tree}: wall {wall:.3f} s (min {min(run[0] for run in runs):.3f}), user {user:.3f} s, system {system:.3f} s")


if __name__ == "__main__":
    main()
