"""The writer reuses the previous output's unchanged files (in place, or by hard link before a whole swap), and still keeps every guarantee:
exact bytes, fixed permissions, the previous site untouched by a failed build."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from handbill.writer import MARKER, StagedOutput

BIG = bytes(range(256)) * 200  # a photo or a card
OTHER = BIG[::-1]


def build(out: Path, files: dict[str, bytes]) -> None:
    with StagedOutput(out) as stage:
        for relpath, data in files.items():
            stage.write_bytes(relpath, data)
        stage.commit()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build(out, {"img/a.jpg": BIG, "img/b.jpg": BIG, "index.html": b"home"})
    return out


def test_an_unchanged_large_file_is_linked_not_written(previous: Path) -> None:
    inode = (previous / "img/a.jpg").stat().st_ino
    build(previous, {"img/a.jpg": BIG, "img/b.jpg": OTHER, "index.html": b"home"})
    assert (previous / "img/a.jpg").stat().st_ino == inode  # the same file, not a copy
    assert (previous / "img/a.jpg").stat().st_nlink == 1  # the previous site's link went with it
    assert snapshot(previous) == {"img/a.jpg": BIG, "img/b.jpg": OTHER, "index.html": b"home",
                                  MARKER: (previous / MARKER).read_bytes()}


def test_a_failed_build_leaves_the_linked_files_as_they_were(previous: Path) -> None:
    before = snapshot(previous)
    with pytest.raises(RuntimeError):
        with StagedOutput(previous) as stage:
            stage.write_bytes("img/a.jpg", BIG)  # linked into the staging folder ...
            raise RuntimeError("the template broke")  # ... which is thrown away
    assert snapshot(previous) == before
    assert (previous / "img/a.jpg").stat().st_nlink == 1


def test_a_file_of_another_mode_or_a_link_is_written_afresh(previous: Path) -> None:
    os.chmod(previous / "img/a.jpg", 0o666)
    (previous / "img/b.jpg").unlink()
    (previous / "img/b.jpg").symlink_to(previous / "img/a.jpg")
    old = (previous / "img/a.jpg").stat().st_ino
    build(previous, {"img/a.jpg": BIG, "img/b.jpg": BIG})
    for name in ("img/a.jpg", "img/b.jpg"):
        info = (previous / name).lstat()
        assert not (previous / name).is_symlink() and info.st_mode & 0o777 == 0o644
        assert (previous / name).read_bytes() == BIG
    assert (previous / "img/a.jpg").stat().st_ino != old


def test_a_folder_replaced_by_a_link_is_never_followed(previous: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.jpg").write_bytes(BIG)
    os.chmod(elsewhere / "a.jpg", 0o644)
    (previous / "img/a.jpg").unlink()
    (previous / "img/b.jpg").unlink()
    (previous / "img").rmdir()
    (previous / "img").symlink_to(elsewhere)
    build(previous, {"img/a.jpg": BIG})
    assert (previous / "img/a.jpg").stat().st_ino != (elsewhere / "a.jpg").stat().st_ino
    assert (elsewhere / "a.jpg").stat().st_nlink == 1
