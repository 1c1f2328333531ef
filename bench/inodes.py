#!/usr/bin/env python3
"""How much creating a site's folders and files costs in one place on this disk, right now.

    python bench/inodes.py /tmp/somewhere [--files 1000] [--rounds 4]

Each round deletes the previous round's files, then creates ``--files`` folders with one
14 KB ``index.html`` each (the shape of a built site) inside the given folder, and prints the
wall time and the system CPU time it took. On ext4 without a journal, inodes freed in the
last minute are not reused and every new file scans past them, so the rounds after the
first can cost several times more, depending on what else was deleted near that folder
lately (see docs/benchmarks.md, the fourth pass). Use it to tell the disk's mood from a
change in handbill when a cold build's system time jumps.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from pathlib import Path

PAGE = b"x" * 14_000


def one_round(target: Path, files: int) -> tuple[float, float]:
    """(wall, system CPU) seconds to create ``files`` folders with a page each under ``target``."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    started = time.perf_counter()
    target.mkdir()
    for number in range(files):
        folder = target / f"story-{number:05d}"
        folder.mkdir()
        (folder / "index.html").write_bytes(PAGE)
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_stime - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to create the files (a folder of their own is made in it)")
    parser.add_argument("--files", type=int, default=1000, help="folders, each with one page (default 1000)")
    parser.add_argument("--rounds", type=int, default=4, help="delete and create again this many times (default 4)")
    args = parser.parse_args()
    target = args.folder / f"inodes-bench-{os.getpid()}"
    try:
        for number in range(1, args.rounds + 1):
            shutil.rmtree(target, ignore_errors=True)
            wall, system = one_round(target, args.files)
            print(f"round {number}: {2 * args.files} inodes in {wall:.3f} s (system CPU {system:.3f} s)")
    finally:
        shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    main()
