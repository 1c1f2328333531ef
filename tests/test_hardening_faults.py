"""Faults: a build stopped with Ctrl+C or killed outright leaves site/ as it was and the next build cleans up;
a full disk or a read-only output is a clear error with nothing half-written; two builds on one output never
mix (the second is refused); every problem of a run, of every kind, is reported in one go, sorted by file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, jpeg_bytes, run_build, snapshot, story
from hardening_helpers import problems

# The real command line, made to stop after the build process writes its first file into the staging
# folder, so a test can interrupt it right in the middle of writing the new site. (Only the build process
# stops: a page worker that stopped would keep the interrupted build waiting for it.)
PAUSED_BUILD = """
import os, sys, time
import handbill.cli, handbill.writer as writer
real = writer.StagedOutput.write_bytes
build_process = os.getpid()
def write_then_wait(self, relpath, data):
    real(self, relpath, data)
    if os.getpid() == build_process and not os.path.exists("writing"):
        open("writing", "w").close()
        time.sleep(120)
writer.StagedOutput.write_bytes = write_then_wait
sys.exit(handbill.cli.main(["build", "--content", "content", "--out", "site", "--no-cards"]))
"""


def start_paused_build(project: Path) -> subprocess.Popen:
    (project / "writing").unlink(missing_ok=True)
    child = subprocess.Popen([sys.executable, "-c", PAUSED_BUILD], cwd=project, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    for _ in range(600):  # up to a minute for the build to reach its first write
        if (project / "writing").exists() or child.poll() is not None:
            break
        time.sleep(0.1)
    assert (project / "writing").exists(), child.communicate()
    return child


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith((".handbill-tmp-", ".handbill-old-")))


@pytest.fixture
def built_once(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/bob.md": story("Bob", "Bob's text.")})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    (project / "content/en/c/stories/new.md").write_text(story("A new story"), encoding="utf-8")  # a real rebuild
    return project, snapshot(project / "site")


def test_ctrl_c_mid_build_leaves_the_site_and_no_leftovers(built_once):
    project, before = built_once
    child = start_paused_build(project)
    assert leftovers(project)  # the new site is being written aside
    # meanwhile a second build into the same folder is refused, not mixed in
    code, _, stderr = run_build(project)
    assert code == 1 and "another handbill build is writing to" in stderr and "Traceback" not in stderr
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "Traceback" not in stderr and "Build stopped (Ctrl+C). The previous site was left as it was." in stderr
    assert snapshot(project / "site") == before
    assert leftovers(project) == []
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert "c/stories/new/index.html" in snapshot(project / "site")


def test_a_killed_build_leaves_the_site_and_the_next_build_cleans_up(built_once):
    project, before = built_once
    child = start_paused_build(project)
    child.kill()
    child.communicate(timeout=60)
    assert snapshot(project / "site") == before
    assert leftovers(project)  # nothing could clean up after SIGKILL ...
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert leftovers(project) == []  # ... until the next build
    assert "c/stories/new/index.html" in snapshot(project / "site")


def test_every_kind_of_problem_is_reported_in_one_run_sorted_by_file(make_project):
    project = make_project({
        **MINIMAL,
        "content/en/c/stories/a-yaml.md": "---\ntitle: [broken\ndate: 2026-05-01\n---\nx\n",
        "content/en/c/stories/b-photo.md": story("Photo", extra="image: b.jpg\nimage_alt: B\n"),
        "content/en/c/stories/b.jpg": jpeg_bytes()[:200],
        "content/en/c/stories/c-link.md": story("Link", "See [nobody](nobody.md)."),
        "content/en/c/stories/D.md": story("Name"),
        "content/en/c/stories/e-date.md": story("Date", date="2026-02-30"),
        "content/en/c/stories/f-fine.md": story("Fine", "[me](maria.md) ![Maria's well](maria.jpg)"),
        "content/en/c/stories/maria.jpg": jpeg_bytes(),
        "content/en/d/campaign.yaml": "title: D\npetition:\n  goal: lots\n",
    })
    code, _, stderr = run_build(project)
    assert code == 1
    blocks = problems(stderr)
    paths = [block.split(":", 1)[0] for block in blocks]
    assert paths == sorted(paths) == [
        "content/en/c/stories/D.md", "content/en/c/stories/a-yaml.md", "content/en/c/stories/b-photo.md",
        "content/en/c/stories/c-link.md", "content/en/c/stories/e-date.md", "content/en/d/campaign.yaml",
    ]
    assert stderr.rstrip().endswith(f"Build failed: {len(blocks)} errors, 0 warnings. "
                                    "Nothing was written to site.")  # (a first build: no previous site)


# --- a full disk, a read-only output --------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system of its own (tests run as root here); skipped where mounting is not allowed."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(where)],
                                 capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        mounted = False
    if not mounted:
        pytest.skip("cannot mount a small file system here (needs root and mount)")
    try:
        yield where
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(where)], capture_output=True, timeout=30)
        subprocess.run(["umount", str(where)], capture_output=True, timeout=30)


def disk_project(make_project, disk: Path) -> tuple[Path, dict[str, bytes]]:
    project = make_project(MINIMAL)
    code, _, stderr = run_build(project, out=str(disk / "site"))
    assert code == 0, stderr
    return project, snapshot(disk / "site")


def test_a_full_disk_is_a_clear_error_and_the_site_stays_whole(make_project, small_disk):
    project, before = disk_project(make_project, small_disk)
    (project / "content/media").mkdir()
    (project / "content/media/report.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2 * 1024 * 1024))
    code, _, stderr = run_build(project, out=str(small_disk / "site"))
    assert code == 1 and "Traceback" not in stderr
    first, hint = stderr.strip().splitlines()[-2:]
    assert first == f"could not write the site to {small_disk / 'site'}: the disk is full; " \
                    "the previous site was left as it was"
    assert hint == "  hint: free some disk space, then build again"
    assert snapshot(small_disk / "site") == before
    assert sorted(p.name for p in small_disk.iterdir() if p.name != "site") == [".handbill-lock-site"]


def test_a_read_only_output_is_a_clear_error_and_the_site_stays_whole(make_project, small_disk):
    project, before = disk_project(make_project, small_disk)
    (project / "content/en/c/stories/new.md").write_text(story("New"), encoding="utf-8")
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    code, _, stderr = run_build(project, out=str(small_disk / "site"))
    assert code == 1 and "Traceback" not in stderr
    first, hint = stderr.strip().splitlines()[-2:]
    assert first.startswith(f"could not write the site to {small_disk / 'site'}: the folder cannot be written to")
    assert first.endswith("the previous site was left as it was")
    assert hint == "  hint: choose a folder you can write to with --out"
    assert snapshot(small_disk / "site") == before
