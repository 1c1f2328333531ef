"""The writer: atomic swap of the output folder, refusals, locking, recovery after killed builds."""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from handbill import writer
from handbill.writer import MARKER, OutputRefused, StagedOutput, check_output_dir

REPO = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` as {relpath: bytes}."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(out: Path) -> list[str]:
    """Names beside `out` that a build leaves while it runs (the lock file is kept on purpose)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((".handbill-tmp-", ".handbill-old-")))


def build(out: Path, files: dict[str, bytes]) -> None:
    with StagedOutput(out) as stage:
        for relpath, data in files.items():
            stage.write_bytes(relpath, data)
        stage.commit()


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output folder holding a previous build."""
    out = tmp_path / "site"
    build(out, {"index.html": b"old home", "about/index.html": b"old about"})
    return out


def start_child(out: Path, body: str) -> subprocess.Popen[str]:
    """Run a build in another process that opens a StagedOutput on `out`, runs `body`, says ready and sleeps."""
    code = textwrap.dedent(
        f"""
        import signal, sys, time
        from pathlib import Path
        from handbill.writer import StagedOutput
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with StagedOutput(Path({str(out)!r})) as stage:
        """
    ) + textwrap.indent(textwrap.dedent(body) + "\nprint('ready', flush=True)\ntime.sleep(60)\n", "    ")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


# -- committing ------------------------------------------------------------------


def test_commit_writes_exact_bytes_and_marker(tmp_path: Path) -> None:
    media = tmp_path / "photo.jpg"
    media.write_bytes(b"\xff\xd8jpeg")
    out = tmp_path / "site"
    with StagedOutput(out) as stage:
        stage.write_bytes("index.html", b"<h1>Hi</h1>")
        stage.write_text("sv/feed.xml", "Pappaledighet \u00e5t alla")
        stage.copy_file("media/photo.jpg", media)
        assert stage.exists("sv/feed.xml") and stage.exists("sv") and not stage.exists("nope.html")
        assert stage.staging.parent == tmp_path and stage.staging.name.startswith(".handbill-tmp-site-")
        stage.commit()
    files = snapshot(out)
    assert files.pop(MARKER).decode().startswith("This folder was made by handbill")
    assert files == {
        "index.html": b"<h1>Hi</h1>",
        "sv/feed.xml": "Pappaledighet \u00e5t alla".encode(),
        "media/photo.jpg": b"\xff\xd8jpeg",
    }
    assert siblings(out) == []


def test_commit_replaces_previous_output(previous: Path) -> None:
    build(previous, {"index.html": b"new"})
    assert snapshot(previous) == {"index.html": b"new", MARKER: (previous / MARKER).read_bytes()}
    assert siblings(previous) == []


def test_permissions_are_fixed_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        build(tmp_path / "site", {"a/b/c.html": b"x"})
    finally:
        os.umask(old)
    out = tmp_path / "site"
    assert (out / "a/b/c.html").stat().st_mode & 0o777 == 0o644
    assert (out / MARKER).stat().st_mode & 0o777 == 0o644
    for folder in (out, out / "a", out / "a/b"):
        assert folder.stat().st_mode & 0o777 == 0o755


def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    build(tmp_path / "build" / "site", {"index.html": b"x"})
    assert (tmp_path / "build/site/index.html").read_bytes() == b"x"


# -- failing builds leave the previous output alone -----------------------------------


def test_exception_before_commit_leaves_previous_output(previous: Path) -> None:
    before = snapshot(previous)
    with pytest.raises(RuntimeError, match="template broke"):
        with StagedOutput(previous) as stage:
            stage.write_bytes("index.html", b"half a new site")
            raise RuntimeError("template broke")
    assert snapshot(previous) == before
    assert siblings(previous) == []


def test_no_commit_discards_staging(previous: Path) -> None:
    before = snapshot(previous)
    with StagedOutput(previous) as stage:
        stage.write_bytes("index.html", b"never shown")
    assert snapshot(previous) == before and siblings(previous) == []


def test_sigkill_midway_leaves_output_and_next_build_cleans_up(previous: Path) -> None:
    before = snapshot(previous)
    child = start_child(previous, "stage.write_bytes('index.html', b'half')")
    child.kill()
    child.wait()
    assert snapshot(previous) == before
    assert len(siblings(previous)) == 1  # the killed build's staging folder
    with StagedOutput(previous):
        pass
    assert siblings(previous) == []
    assert snapshot(previous) == before


def test_sigint_midway_leaves_output_and_removes_staging(previous: Path) -> None:
    before = snapshot(previous)
    child = start_child(previous, "stage.write_bytes('index.html', b'half')")
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=10) != 0
    assert snapshot(previous) == before
    assert siblings(previous) == []


def test_killed_between_the_two_renames_previous_output_is_put_back(previous: Path) -> None:
    before = snapshot(previous)
    os.replace(previous, previous.parent / ".handbill-old-site-999999")  # what commit's first rename does
    (previous.parent / ".handbill-tmp-site-999999-0123abcd").mkdir()
    with StagedOutput(previous):
        pass
    assert snapshot(previous) == before
    assert siblings(previous) == []


def test_leftovers_of_other_outputs_are_left_alone(previous: Path) -> None:
    other = previous.parent / ".handbill-tmp-site-2-123-0123abcd"  # staging of an output called site-2
    other.mkdir()
    with StagedOutput(previous):
        pass
    assert other.is_dir()


def test_disk_full_while_writing(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(previous)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "_write_all", full)  # the disk fills up while a page is written
    with pytest.raises(OutputRefused) as refused:
        with StagedOutput(previous) as stage:
            stage.write_bytes("index.html", b"new")
            stage.commit()
    assert str(previous) in refused.value.message and "disk is full" in refused.value.message
    assert "free some disk space" in refused.value.hint
    assert snapshot(previous) == before and siblings(previous) == []


@pytest.mark.parametrize("failing", ["first", "second"])
def test_read_only_folder_during_swap(previous: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    before = snapshot(previous)
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        moving_staging = Path(src).name.startswith(".handbill-tmp-")
        if (failing == "first" and Path(src) == previous) or (failing == "second" and moving_staging):
            raise OSError(errno.EROFS, "Read-only file system")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputRefused) as refused:
        with StagedOutput(previous) as stage:
            stage.write_bytes("index.html", b"new")
            stage.commit()
    monkeypatch.undo()
    assert str(previous) in refused.value.message and "cannot be written" in refused.value.message
    assert "choose a folder you can write to" in refused.value.hint
    assert snapshot(previous) == before and siblings(previous) == []


def test_unmarked_folder_is_never_replaced_even_without_check(tmp_path: Path) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(OutputRefused):
        build(out, {"index.html": b"x"})
    assert snapshot(out) == {"holiday.jpg": b"precious"} and siblings(out) == []


# -- locking ---------------------------------------------------------------------


def test_second_concurrent_build_is_refused(previous: Path) -> None:
    child = start_child(previous, "pass")
    try:
        with pytest.raises(OutputRefused) as refused:
            with StagedOutput(previous):
                pass
        assert refused.value.message == f"another handbill build is writing to {previous}"
        assert "wait for it to finish" in refused.value.hint
    finally:
        child.kill()
        child.wait()
    with StagedOutput(previous):  # the lock died with the other build
        pass


# -- output paths ----------------------------------------------------------------


@pytest.mark.parametrize("relpath", ["../x", "/x", "a\\b", "a//b", "a/", "", "a/./b", "a/../../x", "a\x00b", MARKER])
def test_bad_relpaths_are_refused(tmp_path: Path, relpath: str) -> None:
    with StagedOutput(tmp_path / "site") as stage:
        with pytest.raises(ValueError):
            stage.write_bytes(relpath, b"x")
    assert not (tmp_path / "x").exists()


def test_writing_a_path_twice_is_refused(tmp_path: Path) -> None:
    with StagedOutput(tmp_path / "site") as stage:
        stage.write_bytes("a/index.html", b"1")
        with pytest.raises(ValueError, match="a/index.html"):
            stage.write_text("a/index.html", "2")
        with pytest.raises(ValueError, match="a/index.html"):
            stage.write_bytes("a/index.html/x", b"3")
        with pytest.raises(ValueError, match="'a'"):
            stage.write_bytes("a", b"4")
        assert (stage.staging / "a/index.html").read_bytes() == b"1"


# -- check_output_dir ----------------------------------------------------------------



def test_files_written_by_worker_processes_are_adopted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with StagedOutput(out) as stage:
        stage.write_bytes("index.html", b"home")
        workers = []
        for n in range(3):  # three forked writers, sharing the folder c/stories/
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    stage.write_in_worker(f"c/stories/s{n}/index.html", f"story {n}".encode())
                    code = 0
                finally:
                    os._exit(code)
            workers.append(pid)
        assert all(os.waitpid(pid, 0)[1] == 0 for pid in workers)
        stage.adopt([f"c/stories/s{n}/index.html" for n in range(3)])
        with pytest.raises(ValueError, match="twice"):
            stage.adopt(["c/stories/s1/index.html"])
        with pytest.raises(ValueError, match="twice"):
            stage.write_bytes("c/stories/s2/index.html", b"again")
        stage.write_bytes("c/stories/index.html", b"list")  # a folder the workers made
        stage.commit()
    expected = {"index.html": b"home", "c/stories/index.html": b"list",
                **{f"c/stories/s{n}/index.html": f"story {n}".encode() for n in range(3)}}
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == expected
    assert dict(stage.written()) == expected
    assert oct((out / "c" / "stories").stat().st_mode & 0o777) == oct(writer.DIR_MODE)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    root = home / "campaign"
    (root / "content").mkdir(parents=True)
    (root / "themes/default").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return root


@pytest.mark.parametrize(
    "where",
    ["content", "content/en", ".", "..", "/", "themes", "themes/default/site", ".git/site"],
)
def test_check_refuses_dangerous_places(project: Path, where: str) -> None:
    with pytest.raises(OutputRefused) as refused:
        check_output_dir(project / where, content=project / "content", protected=[project])
    assert refused.value.message.startswith(f"the output folder {project / where}") and refused.value.hint


def test_check_refuses_home_and_root_without_protected(project: Path, tmp_path: Path) -> None:
    content = tmp_path / "elsewhere" / "content"
    for out in (Path.home(), Path("/")):
        with pytest.raises(OutputRefused):
            check_output_dir(out, content=content)


def test_check_refuses_a_symlink_into_content(project: Path) -> None:
    (project / "site").symlink_to(project / "content")
    with pytest.raises(OutputRefused, match="inside the content folder"):
        check_output_dir(project / "site", content=project / "content", protected=[project])


def test_check_refuses_unmarked_folder_and_file(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs/notes.txt").write_text("mine")
    with pytest.raises(OutputRefused) as refused:
        check_output_dir(project / "docs", content=project / "content", protected=[project])
    assert str(project / "docs") in refused.value.message
    assert "empty or new folder" in refused.value.hint and "delete" in refused.value.hint
    (project / "site").write_text("a file")
    with pytest.raises(OutputRefused, match="is a file"):
        check_output_dir(project / "site", content=project / "content", protected=[project])


def test_check_accepts_missing_empty_and_marked(project: Path) -> None:
    kwargs = {"content": project / "content", "protected": [project]}
    check_output_dir(project / "site", **kwargs)
    (project / "site").mkdir()
    check_output_dir(project / "site", **kwargs)
    build(project / "site", {"index.html": b"x"})
    check_output_dir(project / "site", **kwargs)
    check_output_dir(project / "build" / "public", **kwargs)


# -- updating the previous site in place ---------------------------------------------

SITE = {f"s{n}/index.html": f"story {n}".encode() for n in range(12)} | {
    "index.html": b"home", "gone/index.html": b"removed next time", "static/style.css": b"css"}
NEXT = {k: v for k, v in SITE.items() if k != "gone/index.html"} | {
    "s3/index.html": b"story 3, edited", "new/deep/index.html": b"a new page"}


def inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def test_a_big_change_keeps_files_whose_folders_hold_nothing_new(tmp_path: Path) -> None:
    """A whole swap links the unchanged files into the staging folder; one two folders down from
    anything written anew (sv/about/ when nothing else in sv/ changed) needs both folders made."""
    out = tmp_path / "site"
    first = SITE | {"sv/about/index.html": b"om oss", "sv/c/stories/x/index.html": b"berattelse"}
    build(out, first)
    changed = {k: (v + b", edited" if k.startswith("s") and k[1:2].isdigit() else v) for k, v in first.items()}
    build(out, changed)  # most pages changed: the new folder is swapped in whole
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == changed
    assert siblings(out) == []


def test_a_small_change_updates_the_previous_site_in_place(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    before = inodes(out)
    build(out, NEXT)
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == NEXT
    after = inodes(out)
    unchanged = [k for k in NEXT if k in SITE and SITE[k] == NEXT[k]]
    assert all(after[k] == before[k] for k in unchanged)  # not written again
    assert after["s3/index.html"] != before["s3/index.html"]
    assert not (out / "gone").exists() and siblings(out) == []
    assert not list(tmp_path.glob(".handbill-journal-*"))
    assert oct((out / "new" / "deep").stat().st_mode & 0o777) == oct(writer.DIR_MODE)


def test_a_failed_move_puts_the_previous_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    before = snapshot(out)
    real_replace, moved = os.replace, []

    def replace(src, dst) -> None:
        if ".handbill-tmp-" in str(src):  # a new file moved into the site: the second one fails
            moved.append(dst)
            if len(moved) == 2:
                raise OSError(errno.EROFS, "Read-only file system")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputRefused, match="cannot be written"):
        build(out, NEXT)
    monkeypatch.undo()
    assert snapshot(out) == before and siblings(out) == []
    assert not (out / "new").exists()  # the folder the update made is gone again
    assert not list(tmp_path.glob(".handbill-journal-*"))


def build_killed_while_moving(out: Path, files: dict[str, bytes], moves: int) -> None:
    """Run a build in a forked process that is killed (exit 9) once `moves` files were moved into `out`."""
    pid = os.fork()
    if pid == 0:
        moved = [0]
        real_replace = os.replace

        def replace(src, dst) -> None:
            real_replace(src, dst)
            if ".handbill-tmp-" in str(src):
                moved[0] += 1
                if moved[0] == moves:
                    os._exit(9)

        os.replace = replace
        try:
            build(out, files)
        finally:
            os._exit(1)
    assert os.waitpid(pid, 0)[1] >> 8 == 9


def test_a_build_killed_while_updating_in_place_is_finished_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    build_killed_while_moving(out, NEXT, moves=2)
    assert list(tmp_path.glob(".handbill-journal-*"))  # the journal says what was left to do
    with StagedOutput(out):  # the next build finishes it before anything else
        assert {k: v for k, v in snapshot(out).items() if k != MARKER} == NEXT
    assert siblings(out) == [] and not list(tmp_path.glob(".handbill-journal-*"))


def test_a_link_or_a_file_where_a_folder_goes_means_a_whole_new_folder(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    build(out, SITE)
    elsewhere.mkdir()
    (out / "s1" / "index.html").unlink()
    (out / "s1").rmdir()
    (out / "s1").symlink_to(elsewhere, target_is_directory=True)
    build(out, NEXT)
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == NEXT and list(elsewhere.iterdir()) == []
    conflicting = {k: v for k, v in NEXT.items() if not k.startswith("new/")} | {"new": b"a file now"}
    build(out, conflicting)
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == conflicting



def test_a_worker_keeping_a_file_makes_no_folder_the_build_relies_on(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    with StagedOutput(out) as stage:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                stage.write_in_worker("s1/index.html", SITE["s1/index.html"])  # unchanged: kept, nothing made
                code = 0
            finally:
                os._exit(code)
        assert os.waitpid(pid, 0)[1] == 0
        stage.adopt(["s1/index.html"])
        assert stage.exists("s1")
        stage.write_bytes("s1/card.jpg", b"a new file beside it")
        for rel, data in SITE.items():
            if rel != "s1/index.html":
                stage.write_bytes(rel, data)
        stage.commit()
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == SITE | {"s1/card.jpg": b"a new file beside it"}


def test_a_journal_is_never_carried_out_on_another_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    build_killed_while_moving(out, NEXT, moves=1)
    shutil.rmtree(out)  # "safe to delete", says the marker
    build(out, {"index.html": b"a new site"})  # the journal is dropped, not replayed into the new folder
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == {"index.html": b"a new site"}
    assert siblings(out) == [] and not list(tmp_path.glob(".handbill-journal-*"))


def test_folders_of_another_mode_mean_a_whole_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(out, SITE)
    os.chmod(out / "s1", 0o700)
    build(out, NEXT)
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == NEXT
    assert all(oct(p.stat().st_mode & 0o777) == oct(writer.DIR_MODE) for p in [out, *out.rglob("*")] if p.is_dir())


def test_a_link_put_into_the_site_during_the_build_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    build(out, SITE)
    elsewhere.mkdir()
    (elsewhere / "index.html").write_bytes(b"someone else's")
    with pytest.raises(OutputRefused, match="changed by something else"):
        with StagedOutput(out) as stage:
            for rel, data in NEXT.items():
                stage.write_bytes(rel, data)
            shutil.rmtree(out / "s2")
            (out / "s2").symlink_to(elsewhere, target_is_directory=True)
            stage.commit()
    assert (elsewhere / "index.html").read_bytes() == b"someone else's" and siblings(out) == []


# -- folders made ahead (ahead.py) -----------------------------------------------


def test_folders_made_ahead_are_used_and_the_unused_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    guessed = ["c/stories/s1/index.html", "c/stories/draft/index.html", "d/stories/s9/index.html"]
    with StagedOutput(out) as stage:
        stage.make_folders_ahead(guessed)
        for _ in range(500):  # the other process at work
            if (stage.staging / "d/stories/s9").is_dir():
                break
            time.sleep(0.01)
        assert (stage.staging / "c/stories/draft").is_dir()
        stage.write_bytes("c/stories/s1/index.html", b"story 1")
        stage.write_bytes("c/stories/index.html", b"list")
        stage.commit()
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == {
        "c/stories/s1/index.html": b"story 1", "c/stories/index.html": b"list"}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == [
        "c", "c/stories", "c/stories/s1"]
    assert oct((out / "c/stories/s1").stat().st_mode & 0o777) == oct(writer.DIR_MODE)


def test_no_folder_is_made_ahead_over_a_previous_site(previous: Path) -> None:
    with StagedOutput(previous) as stage:
        stage.make_folders_ahead(["c/stories/s1/index.html"])
        time.sleep(0.2)
        assert list(stage.staging.iterdir()) == []
        stage.write_bytes("index.html", b"new home")
        stage.commit()
    assert {k: v for k, v in snapshot(previous).items() if k != MARKER} == {"index.html": b"new home"}


def test_a_failed_build_stops_making_folders_and_leaves_nothing(previous: Path) -> None:
    before = snapshot(previous)
    with pytest.raises(RuntimeError, match="broken"):
        with StagedOutput(previous.parent / "new-site") as stage:
            stage.make_folders_ahead([f"c/stories/s{n}/index.html" for n in range(5000)])
            raise RuntimeError("a broken story")
    assert siblings(previous) == [] and not (previous.parent / "new-site").exists()
    assert snapshot(previous) == before


def test_a_helper_process_never_hears_ctrl_c_and_the_build_still_does(tmp_path):
    import signal
    from handbill import ahead

    class Report(ahead.Helper):
        def work(self):
            held = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
            (tmp_path / "held").write_text(str(held))

    helper = Report()
    if not helper.start():
        pytest.skip("fork is not safe here (another thread runs)")
    helper.wait()
    assert (tmp_path / "held").read_text() == "True"  # held back in the helper
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # and not in this process


# -- an output folder that cannot be made --------------------------------------

@pytest.mark.parametrize("under", ["notes.txt/site", "notes.txt/site/deeper"])
def test_an_output_folder_under_a_file_is_refused_plainly(project: Path, under: str) -> None:
    (project / "notes.txt").write_text("my notes")
    with pytest.raises(OutputRefused) as refused:
        check_output_dir(project / under, content=project / "content", protected=[project])
    assert refused.value.message == (f"the output folder {project / under} cannot be made: "
                                     f"{project / 'notes.txt'} is a file, not a folder")
    assert "--out" in refused.value.hint
    assert (project / "notes.txt").read_text() == "my notes"


def test_a_name_too_long_is_refused_plainly(project: Path) -> None:
    too_long = project / ("x" * 300)
    with pytest.raises(OutputRefused) as refused:
        check_output_dir(too_long, content=project / "content", protected=[project])
    assert "its name is too long" in refused.value.message and "shorter name" in refused.value.hint
    almost = project / ("x" * 250)  # a legal name, but the lock and staging folders beside it would not be
    check_output_dir(almost, content=project / "content", protected=[project])
    with pytest.raises(OutputRefused, match="its name is too long"):
        build(almost, {"index.html": b"x"})


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_place_where_no_folder_can_be_made_is_refused_plainly(tmp_path: Path) -> None:
    check_output_dir(Path("/proc/x"), content=tmp_path / "content")  # /proc is a folder: only writing shows it
    with pytest.raises(OutputRefused) as refused:
        build(Path("/proc/x"), {"index.html": b"x"})
    assert refused.value.message.startswith("could not write the site to /proc/x: no folder can be made there")
    assert "--out" in refused.value.hint


@pytest.mark.parametrize("out", ["notes.txt/site", "/dev/null/site", "x" * 300, "/proc/x"])
def test_the_command_says_why_an_output_folder_cannot_be_made_and_keeps_the_site(tmp_path: Path, out: str) -> None:
    from conftest import MINIMAL, run_build, write_project

    if out.startswith(("/dev", "/proc")) and not Path(out).parent.exists():
        pytest.skip(f"{Path(out).parent} is not on this system")
    project = write_project(tmp_path / "campaign", {**MINIMAL, "notes.txt": "my notes"})
    assert run_build(project)[0] == 0
    before = snapshot(project / "site")
    code, _, stderr = run_build(project, out=out)
    assert code == 1, stderr
    assert "Traceback" not in stderr and "bug in handbill" not in stderr
    first, hint = stderr.strip().splitlines()[:2]
    assert str(out)[:40] in first and hint.startswith("  hint:") and "--out" in hint
    assert snapshot(project / "site") == before and (project / "notes.txt").read_text() == "my notes"
