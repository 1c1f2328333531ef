#!/usr/bin/env python3
"""Time handbill's own builds on a generated site: cold, unchanged, warm, one edit, share cards, and serve.

    python bench/phases.py                        # 1000 stories, one locale, 3 runs of each
    python bench/phases.py --n 10000 --locales en,sv,fr --translated 0.5 --runs 1
    python bench/phases.py --images 0.25          # a quarter of the stories with a 1600x1000 photo
    python bench/phases.py --only-serve [--no-cards] [--profile serve.prof]   # only the serve rebuilds

Every build but the ``serve`` ones is a whole ``python build.py build`` process (start-up and
imports included), timed with ``os.wait4``: wall time, CPU time (user + system, worker
processes included) and peak memory (the largest process). The measures:

| measure | before the timed build |
| --- | --- |
| cold | no output, no ``.handbill-cache/`` |
| unchanged | the output and cache of the build before, nothing changed |
| warm | the cache is warm, but the record of the last build is gone (as after a change anywhere) |
| edit | one sentence added to one story |
| cards cold / cards warm | the same with share cards (cold: no card cache) |
| serve edit / serve unchanged | in this process: a ``serve`` rebuild after one story was saved (to the moment the files are written and the browser is told to reload); "serve cards": the same with share cards (cached after the first build) |

It also prints the phases of one cold build, from ``build -v``. The site is made by
``bench/corpus.py`` in ``--workdir`` (default ``/tmp/handbill-phases``), outside the
repository. ``bench/cards.py`` times single cards. Numbers vary with the machine and its
load by 2x and more: compare runs made one after the other, never with a test.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

SENTENCE = "The benchmark added this sentence to see the edit arrive."


def timed(argv: list[str], cwd: Path) -> dict:
    """Run ``argv`` to its end: wall seconds, CPU seconds (with waited-for children), peak RSS in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"the build failed:\n{err.read().decode()[-3000:]}")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
                "stdout": out.read().decode()}


class Site:
    def __init__(self, workdir: Path, cards: bool) -> None:
        self.workdir, self.content, self.out = workdir, workdir / "content", workdir / "site"
        self.cache = workdir / ".handbill-cache"
        self.cards = cards

    def build(self, *extra: str) -> dict[str, float]:
        argv = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(self.content), "--out", str(self.out),
                *extra]
        return timed(argv if self.cards else [*argv, "--no-cards"], self.workdir)

    def forget_output(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.cache, ignore_errors=True)

    def forget_record(self) -> None:
        shutil.rmtree(self.cache / "builds", ignore_errors=True)


def edited_story(content: Path, n: int) -> Path:
    name = f"story-{max(1, n // 2):05d}.md"
    return next(content.glob(f"*/*/stories/{name}"))


def measure(site: Site, n: int, runs: int) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {}
    story = edited_story(site.content, n)
    original = story.read_text(encoding="utf-8")
    label = "cards " if site.cards else ""
    try:
        for run in range(runs):
            print(f"run {run + 1}/{runs} {label}...", file=sys.stderr)
            site.forget_output()
            results.setdefault(f"{label}cold", []).append(site.build())
            if not site.cards:
                results.setdefault("unchanged", []).append(site.build())
            site.forget_record()
            results.setdefault(f"{label}warm", []).append(site.build())
            if site.cards:
                continue
            story.write_text(original + f"\n{SENTENCE} ({run})\n", encoding="utf-8")
            results.setdefault("edit", []).append(site.build())
            page = next(site.out.glob(f"**/stories/{story.stem}/index.html"))
            if f"({run})".encode() not in page.read_bytes():
                raise SystemExit("STALE PAGE: the edited story was not rebuilt")
            story.write_text(original, encoding="utf-8")
    finally:
        story.write_text(original, encoding="utf-8")
    return results


def measure_serve(site: Site, n: int, runs: int, *, cards: bool = False,
                  profile: Path | None = None) -> dict[str, list[dict[str, float]]]:
    """``serve`` rebuilds in this process, as ``PreviewServer`` runs them (a server thread alive, the
    survivors of each rebuild frozen for the garbage collector after the reload signal). The first
    edit also starts the Markdown time-box helper, as the first save in ``serve`` does: the median
    leaves it out. ``profile``: write a cProfile of the edit rebuilds there."""
    from handbill.pipeline import BuildOptions
    from handbill.quietgc import QuietCollector
    from handbill.serve import Preview, preview_folder

    gc.collect()  # the preview of an earlier measure is garbage now: a real `serve` has only one
    preview = Preview(BuildOptions(site.content, preview_folder(site.content), base_url="http://127.0.0.1:8000/",
                                   cards=cards), root=site.workdir)
    first = preview.rebuild()
    assert first.ok, preview.problems
    collector = QuietCollector()  # as PreviewServer does after each rebuild (after the reload signal)
    collector.after_rebuild()
    # The real preview rebuilds while its web server's thread runs, so it never forks workers
    # (parallel._can_fork): keep a thread alive here too, or the numbers are not serve's.
    server_stand_in = threading.Event()
    threading.Thread(target=server_stand_in.wait, daemon=True).start()
    story = edited_story(site.content, n)
    original = story.read_text(encoding="utf-8")
    label = "serve cards" if cards else "serve"
    results: dict[str, list[dict[str, float]]] = {f"{label} edit": [], f"{label} unchanged": []}
    profiler = None
    if profile is not None:
        import cProfile
        profiler = cProfile.Profile()
    try:
        for run in range(max(3, runs)):
            story.write_text(original + f"\n{SENTENCE} (serve {run})\n", encoding="utf-8")
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            rebuild = preview.rebuild()
            if profiler is not None:
                profiler.disable()
            results[f"{label} edit"].append({"wall": time.perf_counter() - started, "cpu": 0, "rss": 0})
            collector.after_rebuild()
            assert rebuild.ok, preview.problems
            page = _preview_page(preview.folder.root, story.relative_to(site.content))
            if f"(serve {run})".encode() not in page.read_bytes():
                raise SystemExit(f"STALE PAGE: the edited story was not rebuilt ({page})")
            started = time.perf_counter()
            preview.rebuild()
            results[f"{label} unchanged"].append({"wall": time.perf_counter() - started, "cpu": 0, "rss": 0})
            collector.after_rebuild()
    finally:
        collector.stop()
        server_stand_in.set()
        story.write_text(original, encoding="utf-8")
    if profiler is not None:
        profiler.dump_stats(str(profile))
    return results


def _preview_page(root: Path, story: Path) -> Path:
    """The page of ``story`` (``<locale>/<campaign>/stories/<name>.md``): under its locale's folder, or at the root."""
    locale, campaign = story.parts[0], story.parts[1]
    in_locale = root / locale / campaign / "stories" / story.stem / "index.html"
    return in_locale if in_locale.is_file() else root / campaign / "stories" / story.stem / "index.html"


def phases(site: Site) -> list[tuple[str, float]]:
    """The phase lines of one cold ``build -v``: (what, seconds)."""
    site.forget_output()
    output = site.build("-v")["stdout"]
    return [(m.group(1), float(m.group(2))) for m in re.finditer(r"^(.*) \((\d+\.\d+) s\)$", output, re.MULTILINE)]


def report(results: dict[str, list[dict[str, float]]], n: int, files: int) -> str:
    lines = ["| measure | wall median s (min-max) | CPU s | peak RSS MiB | per story ms (wall) |",
             "|---|---|---:|---:|---:|"]
    for name, runs in results.items():
        walls = [r["wall"] for r in runs]
        in_process = name.startswith("serve")  # timed inside this process: no CPU or memory of its own
        cpu = "-" if in_process else f"{statistics.median(r['cpu'] for r in runs):.2f}"
        rss = "-" if in_process else f"{max(r['rss'] for r in runs):.0f}"
        lines.append(f"| {name} | {statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f}) | "
                     f"{cpu} | {rss} | {statistics.median(walls) / n * 1000:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="stories (default 1000)")
    parser.add_argument("--locales", default="en", help="comma-separated locales, the default first")
    parser.add_argument("--translated", type=float, default=0.5, help="share of stories each other locale translates")
    parser.add_argument("--images", type=float, default=0.0, help="share of stories with a photo")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (default 3)")
    parser.add_argument("--no-cards", action="store_true", help="skip the measures with share cards")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve measures")
    parser.add_argument("--only-serve", action="store_true",
                        help="only the serve measures (with and without share cards; --no-cards: without only)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the serve edit rebuilds to this file "
                                                     "(view it with python -m pstats or snakeviz)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/handbill-phases"))
    parser.add_argument("--json", type=Path, help="also write every run to this file")
    args = parser.parse_args()

    workdir = args.workdir.resolve()
    if ROOT in (workdir, *workdir.parents):
        raise SystemExit("--workdir must be outside the repository")
    stamp = workdir / "corpus.json"
    wanted = {"n": args.n, "locales": args.locales, "translated": args.translated, "images": args.images,
              "generator": hashlib.sha256((ROOT / "bench/corpus.py").read_bytes()).hexdigest()}
    if not stamp.is_file() or json.loads(stamp.read_text()) != wanted:
        print(f"generating {args.n} stories in {workdir} ...", file=sys.stderr)
        corpus.generate(workdir, args.n, args.locales.split(","), args.translated, args.images)
        stamp.write_text(json.dumps(wanted))
    site = Site(workdir, cards=False)
    site.build()  # untimed: warms the OS file cache and Python's bytecode, and fails early
    if args.only_serve:
        results = measure_serve(site, args.n, args.runs, profile=args.profile)
        if not args.no_cards:
            results.update(measure_serve(site, args.n, args.runs, cards=True))
        print(f"# serve rebuilds: {args.n} stories, locales {args.locales}; Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}\n")
        print(report(results, args.n, 0))
        return
    results = measure(site, args.n, args.runs)
    if not args.no_serve:
        results.update(measure_serve(site, args.n, args.runs, profile=args.profile))
        if not args.no_cards:
            results.update(measure_serve(site, args.n, args.runs, cards=True))
    if not args.no_cards:
        results.update(measure(Site(workdir, cards=True), args.n, max(1, args.runs - 1)))
    steps = phases(site)
    files = sum(1 for p in site.out.rglob("*") if p.is_file())
    print(f"# handbill build phases: {args.n} stories, locales {args.locales}"
          + (f" ({args.translated:.0%} translated)" if "," in args.locales else "")
          + (f", {args.images:.0%} with photos" if args.images else "") + f", {files} files written")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}\n")
    print(report(results, args.n, files))
    print("\nPhases of a cold build (`build -v`, --no-cards):\n")
    print("| phase | s |\n|---|---:|")
    for what, seconds in steps:
        print(f"| {what} | {seconds:.2f} |")
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"workdir": str(workdir), "json": str(args.json)},
                                         "results": results, "phases": steps}, indent=1, default=str))


if __name__ == "__main__":
    main()
