"""`handbill build` with nothing changed: the previous output is kept, and every input is checked.

The command line records each successful build (handbill/unchanged.py); a build whose inputs and
output folder are exactly as recorded does nothing. Each test here changes one input and checks
that the next build is a full one whose output equals a clean build.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, jpeg_bytes, snapshot, story
from handbill import cli, unchanged

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\ntheme: mine\n",
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story.",
                                           extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(60, 60, "green"),
    "content/sv/strings.yaml": "read_more: Läs vidare\nno_such_key: x\n",  # a warning, replayed when unchanged
    "content/sv/c/stories/maria.md": story("Marias brunn", "Maria berättar."),
    "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                        '{% block main %}<p id="banner">v1</p>{{ super() }}{% endblock %}\n',
    "themes/mine/static/extra.css": "p { color: red }\n",
}
NOTHING_CHANGED = "Nothing changed since the last build"


def build(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    """`handbill build` in this process, run in ``project``: (exit code, stdout, stderr)."""
    here = Path.cwd()
    os.chdir(project)
    try:
        code = cli.main(["build", "--content", "content", "--out", "site", "--no-cards", *args])
    finally:
        os.chdir(here)
    out, err = capsys.readouterr()
    return code, out, err


def site(project: Path) -> dict[str, bytes]:
    return snapshot(project / "site")


def clean(project: Path, *args: str) -> dict[str, bytes]:
    options = {"base_url": None, "drafts": False}
    if "--base-url" in args:
        options["base_url"] = args[args.index("--base-url") + 1]
    options["drafts"] = "--drafts" in args
    return build_files(project, out=f"clean-{time.monotonic_ns()}", disk_cache=False, **options)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_second_build_with_nothing_changed_does_nothing_and_says_the_same(make_project, capsys):
    project = make_project(WORLD)
    code, first_out, first_err = build(project, capsys)
    assert code == 0 and NOTHING_CHANGED not in first_out and "no_such_key" in first_err
    before = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")}
    code, out, err = build(project, capsys)
    assert code == 0 and NOTHING_CHANGED in out
    assert err == first_err  # the warning is reported again
    assert out.splitlines()[-1].split(" in ")[0] == first_out.splitlines()[-1].split(" in ")[0]  # same summary
    assert {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")} == before  # nothing written


CHANGES = {
    "story": lambda p: edit(p / "content/en/c/stories/maria.md", "her story", "her long story"),
    "new story": lambda p: (p / "content/en/c/stories/bob.md").write_text(story("Bob"), encoding="utf-8"),
    "deleted story": lambda p: (p / "content/sv/c/stories/maria.md").unlink(),
    "photo": lambda p: (p / "content/en/c/stories/maria.jpg").write_bytes(jpeg_bytes(80, 60, "red")),
    "template": lambda p: edit(p / "themes/mine/templates/story.html", "v1", "v2"),
    "theme static file": lambda p: edit(p / "themes/mine/static/extra.css", "red", "blue"),
    "strings": lambda p: edit(p / "content/sv/strings.yaml", "Läs vidare", "Läs mer"),
    "site.yaml": lambda p: edit(p / "content/site.yaml", "title: Test Site", "title: Other Site"),
    "same size and time": lambda p: _same_size_same_time(p / "content/en/c/stories/maria.md"),
}


def _same_size_same_time(path: Path) -> None:
    """An edit a time-and-size check would miss: content is compared by its bytes."""
    info = path.stat()
    edit(path, "Maria tells", "Maria tolds")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_input_means_a_full_build(make_project, capsys, change):
    project = make_project(WORLD)
    build(project, capsys)
    CHANGES[change](project)
    code, out, _ = build(project, capsys)
    assert code == 0 and NOTHING_CHANGED not in out
    assert site(project) == clean(project)
    code, out, _ = build(project, capsys)
    assert NOTHING_CHANGED in out  # and the build after it is recorded again


@pytest.mark.parametrize("args", [("--base-url", "https://example.org/preview/"), ("--drafts",), ("--strict",)])
def test_other_options_mean_a_full_build(make_project, capsys, args):
    project = make_project({**WORLD, "content/sv/strings.yaml": "read_more: Läs vidare\n"})
    build(project, capsys)
    code, out, _ = build(project, capsys, *args)
    assert code == 0 and NOTHING_CHANGED not in out
    assert site(project) == clean(project, *args)
    code, out, _ = build(project, capsys)
    assert NOTHING_CHANGED not in out  # back to the first options: the output is not theirs any more


def test_strict_with_warnings_fails_even_when_nothing_changed(make_project, capsys):
    project = make_project(WORLD)
    build(project, capsys)
    code, out, err = build(project, capsys, "--strict")
    assert code == 1 and "no_such_key" in err


def test_the_environment_a_build_reads_is_an_input(make_project, capsys, monkeypatch):
    project = make_project(WORLD)
    build(project, capsys)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    code, out, _ = build(project, capsys)
    assert NOTHING_CHANGED not in out


@pytest.mark.parametrize("tamper", ["deleted", "edited", "added", "marker removed"])
def test_a_changed_output_folder_means_a_full_build(make_project, capsys, tamper):
    project = make_project(WORLD)
    build(project, capsys)
    expected = site(project)
    page = project / "site/c/stories/maria/index.html"
    if tamper == "deleted":
        page.unlink()
    elif tamper == "edited":
        page.write_bytes(page.read_bytes().replace(b"Maria", b"Mario"))
    elif tamper == "added":
        (project / "site/stray.html").write_text("not ours")
    else:
        (project / "site/.handbill-site").unlink()
        expected.pop(".handbill-site")
    code, out, _ = build(project, capsys)
    if tamper == "marker removed":  # not ours any more: the writer refuses the folder
        assert code == 1
        return
    assert code == 0 and NOTHING_CHANGED not in out
    assert site(project) == expected


def test_the_code_is_an_input(make_project, tmp_path):
    """A module file the build ran that changed (handbill, a library, a new version of either)."""
    project = make_project(WORLD)
    build_files(project)
    module = tmp_path / "fake_module.py"
    module.write_text("VERSION = 1\n")
    inputs = unchanged.BuildInputs(project / "content", project / "site", cards=False)
    look = unchanged.reuse(inputs)
    look.settle()
    unchanged.record(look, [project / "themes/mine"], unchanged.Recorded((), 2, 10, 20, 0), code=[module])
    assert unchanged.reuse(inputs).reusable is not None
    module.write_text("VERSION = 2\n")
    assert unchanged.reuse(inputs).reusable is None


def test_the_default_theme_is_an_input_like_the_code(make_project, monkeypatch):
    """The theme shipped with handbill is fingerprinted like handbill's code (size and time, not its 5 MB
    of fonts read again): an edit to one of its files is still a changed input."""
    import os
    import shutil
    project = make_project(WORLD)
    build_files(project)
    shipped = project / "shipped-default"
    shutil.copytree(unchanged.Path(unchanged.__file__).resolve().parent.parent / "themes/default", shipped)
    monkeypatch.setattr(unchanged, "_SHIPPED_THEMES", {str(shipped)})
    inputs = unchanged.BuildInputs(project / "content", project / "site", cards=False)
    look = unchanged.reuse(inputs)
    look.settle()
    unchanged.record(look, [shipped], unchanged.Recorded((), 2, 10, 20, 0))
    assert unchanged.reuse(inputs).reusable is not None
    css = shipped / "static/style.css"
    stamp = css.stat().st_mtime_ns
    css.write_text(css.read_text() + "\n/* edited */\n")
    os.utime(css, ns=(stamp, stamp))  # the same time: the size tells
    assert unchanged.reuse(inputs).reusable is None
    look = unchanged.reuse(inputs)
    look.settle()
    unchanged.record(look, [shipped], unchanged.Recorded((), 2, 10, 20, 0))
    os.utime(shipped / "templates/story.html", ns=(stamp + 10**9, stamp + 10**9))  # the same size: the time tells
    assert unchanged.reuse(inputs).reusable is None


@pytest.mark.parametrize("first", [False, True])
def test_a_file_saved_during_a_build_is_seen_by_the_next_one(make_project, first):
    """The inputs are fingerprinted before the build reads them, so a save while it runs is never lost.
    With no record yet (``first``) a helper process takes the content's fingerprint while handbill loads;
    the build settles it before reading anything."""
    project = make_project(WORLD)
    build_files(project)
    inputs = unchanged.BuildInputs(project / "content", project / "site", cards=False)
    earlier = unchanged.reuse(inputs)
    earlier.settle()
    unchanged.record(earlier, [project / "themes/mine"], unchanged.Recorded((), 2, 10, 20, 0))
    if first:
        unchanged.forget(inputs)
    look = unchanged.reuse(inputs)  # before the build ...
    assert (look._fingerprinting is not None) == first
    look.settle()  # ... which reads the content from here on ...
    assert look.content
    edit(project / "content/en/c/stories/maria.md", "her story", "her saved story")  # ... a save ...
    unchanged.record(look, [project / "themes/mine"], unchanged.Recorded((), 2, 10, 20, 0))  # ... after it
    assert unchanged.record_path(inputs).is_file()
    assert unchanged.reuse(inputs).reusable is None


def test_a_build_that_did_not_settle_its_fingerprint_is_not_recorded(make_project):
    """A caller that forgets to wait for the helper before reading may have read older files than the
    helper fingerprinted: nothing is recorded, and the next build is a full one."""
    project = make_project(WORLD)
    build_files(project)
    inputs = unchanged.BuildInputs(project / "content", project / "site", cards=False)
    unchanged.forget(inputs)
    look = unchanged.reuse(inputs)
    assert look._fingerprinting is not None
    unchanged.record(look, [project / "themes/mine"], unchanged.Recorded((), 2, 10, 20, 0))
    assert not unchanged.record_path(inputs).exists()


def test_the_fingerprint_taken_ahead_is_the_one_taken_here(make_project):
    project = make_project(WORLD)
    build_files(project)
    inputs = unchanged.BuildInputs(project / "content", project / "site", cards=False)
    unchanged.forget(inputs)
    look = unchanged.reuse(inputs)
    look.settle()
    assert look.content == unchanged._tree((project / "content").resolve())


def test_a_damaged_record_means_a_full_build(make_project, capsys):
    project = make_project(WORLD)
    build(project, capsys)
    record = unchanged.record_path(unchanged.BuildInputs(project / "content", project / "site", cards=False))
    for damage in (b"", b"{", b'{"format": 1}', record.read_bytes()[:-20]):
        record.write_bytes(damage)
        code, out, _ = build(project, capsys)
        assert code == 0 and NOTHING_CHANGED not in out
