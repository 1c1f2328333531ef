"""The output folder: a failed build changes nothing, a dangerous --out is refused, and builds are reproducible."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handbill import BuildOptions, Diagnostics, build
from handbill.writer import OutputRefused

from conftest import MARKER, MINIMAL, REPO, errors_of, parse_html, run_build, snapshot, story, text_of


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".handbill-tmp-", ".handbill-old-")))


# --- a failed build leaves the previous site as it was ----------------------------------------

def test_a_failed_build_leaves_the_previous_site_byte_identical(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/bob.md": story("Bob", "Bob's text.")})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    before = snapshot(project / "site")
    assert "c/stories/bob/index.html" in before and MARKER in before
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")}

    (project / "content/en/c/stories/bob.md").write_text("---\ntitle: Bob #1 fan\ndate: 2026-05-01\n---\nx\n")
    (project / "content/en/c/stories/new.md").write_text(story("A new story"))
    code, _, stderr = run_build(project)

    assert code == 1
    assert "Traceback" not in stderr
    assert errors_of(stderr)[0].startswith("content/en/c/stories/bob.md:2:")
    assert snapshot(project / "site") == before
    assert {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")} == mtimes
    assert leftovers(project) == []


def test_a_failed_build_after_a_good_one_then_a_fixed_one_replaces_the_site(make_project):
    project = make_project(MINIMAL)
    assert run_build(project)[0] == 0
    (project / "content/en/c/stories/maria.md").write_text("---\ntitle: [broken\ndate: 2026-05-01\n---\nx\n")
    assert run_build(project)[0] == 1
    (project / "content/en/c/stories/maria.md").write_text(story("Fixed title"))
    (project / "content/en/c/stories/bob.md").write_text(story("Bob"))
    assert run_build(project)[0] == 0
    files = snapshot(project / "site")
    assert "c/stories/bob/index.html" in files
    (h1,) = parse_html(files["c/stories/maria/index.html"]).iter("h1")
    assert text_of(h1) == "Fixed title"
    assert leftovers(project) == []


def test_a_story_removed_from_content_is_removed_from_the_site(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/bob.md": story("Bob")})
    assert run_build(project)[0] == 0
    assert (project / "site/c/stories/bob/index.html").is_file()
    (project / "content/en/c/stories/bob.md").unlink()
    assert run_build(project)[0] == 0
    assert not (project / "site/c/stories/bob").exists()


# --- refusing a dangerous --out -----------------------------------------------------------------

def project_state(project: Path) -> dict[str, bytes]:
    """Every file of the project except handbill's lock files."""
    return {rel: data for rel, data in snapshot(project).items() if ".handbill-lock-" not in rel}


REFUSALS = [
    ("content", "is inside the content folder"),
    ("content/en", "is inside the content folder"),
    (".", "contains the content folder"),
]
MORE_REFUSALS = [
    ("content/en/c/stories", "is inside the content folder"),
    ("..", "contains the content folder"),
    ("content/..", "contains the content folder"),
    ("themes", "is inside"),
    ("themes/mine", "is inside"),
]
THEMED = {**MINIMAL, "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'}


@pytest.mark.parametrize("out, words", REFUSALS)
def test_output_inside_or_around_the_content_is_refused(make_project, out, words):
    project = make_project(THEMED)
    before = project_state(project)
    code, stdout, stderr = run_build(project, out=out)
    assert code == 1
    assert "Traceback" not in stderr
    first, hint = stderr.strip().splitlines()
    assert first.startswith(f"the output folder {out} ") and words in first
    assert hint.startswith("  hint: ")
    assert project_state(project) == before
    assert leftovers(project) == [] and leftovers(project.parent) == []


@pytest.mark.parametrize("out, words", MORE_REFUSALS)
def test_more_outputs_that_would_replace_the_project_are_refused(make_project, monkeypatch, out, words):
    project = make_project(THEMED)
    before = project_state(project)
    monkeypatch.chdir(project)
    with pytest.raises(OutputRefused) as refused:
        build(BuildOptions(Path("content"), Path(out), cards=False), Diagnostics(root=project))
    assert refused.value.message.startswith(f"the output folder {out} ") and words in refused.value.message
    assert refused.value.hint
    assert project_state(project) == before
    assert leftovers(project) == [] and leftovers(project.parent) == []


def test_a_folder_handbill_did_not_make_is_refused_and_kept(make_project):
    project = make_project({**MINIMAL, "docs/notes.txt": "my notes\n", "docs/img/a.png": b"\x89PNG not really"})
    before = project_state(project)
    code, _, stderr = run_build(project, out="docs")
    assert code == 1
    first, hint = stderr.strip().splitlines()
    assert first.startswith("the output folder ") and first.split()[3].endswith("docs")
    assert "already has files in it and was not made by handbill" in first
    assert hint.startswith("  hint: choose an empty or new folder")
    assert project_state(project) == before


def test_a_hidden_file_alone_still_makes_a_folder_foreign(make_project):
    project = make_project({**MINIMAL, "site/.git/config": "[core]\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "was not made by handbill" in stderr
    assert (project / "site/.git/config").read_text() == "[core]\n"


def test_an_empty_folder_and_a_folder_made_by_handbill_are_used(make_project):
    project = make_project(MINIMAL)
    (project / "empty").mkdir()
    assert run_build(project, out="empty")[0] == 0
    assert (project / "empty" / MARKER).is_file()
    assert run_build(project, out="empty")[0] == 0


def test_an_output_that_is_a_file_is_refused(make_project):
    project = make_project({**MINIMAL, "site": "not a folder\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "is a file, not a folder" in stderr
    assert (project / "site").read_text() == "not a folder\n"


def test_an_output_that_is_a_link_to_the_content_is_refused(make_project):
    project = make_project(MINIMAL)
    (project / "site").symlink_to(project / "content", target_is_directory=True)
    before = project_state(project / "content")
    code, _, stderr = run_build(project)
    assert code == 1
    assert "content folder" in stderr.splitlines()[0]
    assert project_state(project / "content") == before


# --- same input, same bytes --------------------------------------------------------------------

def build_example(checkout: Path, env: dict[str, str]) -> dict[str, bytes]:
    """Build a copy of the example site (share cards included) in ``checkout``."""
    if not (checkout / "content").exists():
        shutil.copytree(REPO / "content", checkout / "content")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "PYTHONHASHSEED"))}
    environment.update(env, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", "content", "--out", "site"],
                          cwd=checkout, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return snapshot(checkout / "site")


def test_the_example_site_builds_to_the_same_bytes_everywhere(tmp_path):
    first = build_example(tmp_path / "a", {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    second_env = {"PYTHONHASHSEED": "123", "TZ": "Asia/Kolkata", "LC_ALL": "C", "LANG": "sv_SE.UTF-8"}
    second = build_example(tmp_path / "checkouts" / "another path" / "b", second_env)
    assert len(first) > 40
    assert any(rel.endswith("card.jpg") for rel in first)
    assert sorted(first) == sorted(second)
    assert [rel for rel in first if first[rel] != second[rel]] == []
    # and again in the first checkout, now with warm caches (.handbill-cache/) and the other environment
    assert (tmp_path / "a" / ".handbill-cache").is_dir()
    warm = build_example(tmp_path / "a", second_env)
    assert [rel for rel in first if first[rel] != warm.get(rel)] == [] and sorted(warm) == sorted(first)
