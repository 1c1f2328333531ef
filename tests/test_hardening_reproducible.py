"""Reproducibility: the same content gives byte-identical output whatever order its files were created in, their
modification times, the umask, the hash seed, time zone, system locale and checkout path. (The example site with
share cards, across seeds, zones and paths: test_build_output.py.)"""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL, REPO, SITE_YAML, jpeg_bytes, page, snapshot, story

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv, ar]\n",
    "content/media/report.pdf": b"%PDF-1.4 report",
    "content/en/c/campaign.yaml": (
        "title: Clean water\nsummary: Water for every school.\nbody: Sign it.\nimage: hero.jpg\nimage_alt: A tap\n"
        "petition:\n  goal: 250000\n  count: 231000\n  hidden: {b: 2, a: 1, c: 3}\n"
        "events:\n  - {title: Rally, date: 2027-03-06T11:00, city: Oslo, country: NO}\n"
        "  - {title: Vigil, date: 2027-03-06, city: Lund, country: SE}\n"
    ),
    "content/en/c/hero.jpg": jpeg_bytes(90, 60, "navy"),
    **{f"content/en/c/stories/s{i}.md": story(f"Story {i}", f"Text {i}. See [the report](/media/report.pdf).",
                                              date=f"2026-0{1 + i % 9}-1{i % 10}",
                                              extra=f"tags: [t{i % 3}, t{i % 2}, shared]\nauthor: Person {i}\n")
       for i in range(12)},
    "content/en/c/stories/same-day-a.md": story("Same day A", date="2026-05-01"),
    "content/en/c/stories/same-day-b.md": story("Same day B", date="2026-05-01"),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/s1.md": story("Berättelse 1", date="2026-02-11"),
    "content/ar/c/stories/s2.md": story("قصة ٢", date="2026-03-12"),
    "content/sv/pages/about.md": page("Om oss"),
}


def write_shuffled(root: Path, order: list[str], old_times: bool) -> None:
    """Write WORLD's files in ``order``; with ``old_times``, each file and folder gets a random old mtime."""
    rng = random.Random(7)
    for rel in order:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = WORLD[rel]
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    if old_times:
        for path in sorted(root.rglob("*"), reverse=True):
            stamp = rng.randint(0, 2_000_000_000)
            os.utime(path, (stamp, stamp))


def build(project: Path, env: dict[str, str], umask: int) -> dict[str, bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "PYTHONHASHSEED"))}
    environment.update(env, PYTHONPATH=str(REPO))
    script = (f"import os, sys; os.umask({umask:#o}); from handbill.cli import main; "
              "sys.exit(main(['build', '--content', 'content', '--out', 'site', '--no-cards']))")
    done = subprocess.run([sys.executable, "-c", script], cwd=project, env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return snapshot(project / "site")


def test_file_order_mtimes_umask_and_environment_change_no_byte(tmp_path):
    order = list(WORLD)
    first_root = tmp_path / "a"
    write_shuffled(first_root, order, old_times=False)
    first = build(first_root, {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8"}, 0o022)

    shuffled = order[:]
    random.Random(3).shuffle(shuffled)
    second_root = tmp_path / "checkouts" / "another päth with spaces" / "b"
    write_shuffled(second_root, list(reversed(shuffled)), old_times=True)
    second = build(second_root, {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C",
                                 "LANG": "ar_EG.UTF-8"}, 0o077)

    assert len(first) > 60
    assert sorted(first) == sorted(second)
    assert [rel for rel in first if first[rel] != second[rel]] == []
    modes = {oct(path.stat().st_mode & 0o777) for path in (second_root / "site").rglob("*")}
    assert modes <= {"0o644", "0o755"}  # the umask does not leak into the output either
