"""Updating the previous site in place: only the files a build changed are moved in.

When the output folder is a previous site of handbill's, :class:`~handbill.writer.StagedOutput`
compares every file a build writes with the file already there and stages only the ones
that changed. On commit, :func:`update_in_place` moves those into the output one by one
(``os.replace``: every file is always whole, old or new) and removes the files the new
site no longer has. A build that changes one story then writes a handful of files instead
of making a thousand folders and removing the thousand old ones.

Before the first move, a journal listing every move and removal is written beside the
output. A build killed half way through leaves it behind, and the next build finishes the
work (each step can be repeated) before it does anything else, so a site is never left
half updated. A previous output holding a symbolic link, or a file where the new site
needs a folder (or the reverse), is not updated in place: the caller swaps in a whole new
folder as for a first build.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

DIR_MODE = 0o755
JOURNAL_PREFIX = ".handbill-journal-"


@dataclass(frozen=True)
class PreviousFile:
    size: int
    mode: int
    uid: int


@dataclass(frozen=True)
class Update:
    """What a commit does to the output: files moved in from staging, files and folders removed."""

    staging: str  # the staging folder's name, beside the output
    inode: int  # the output folder's, so that a journal is never carried out on another folder
    moves: list[str]
    removals: list[str]
    folders: list[str]  # folders of the previous site, deepest first: removed when left empty


def previous_files(out: Path, marker: str, marker_text: str) -> dict[str, PreviousFile] | None:
    """Every file of the previous site in ``out`` by relative path; None when it cannot be updated in
    place: missing, not a folder of ours with handbill's ``marker`` as written, holding a link or
    anything but files and folders, or a folder without the site's mode (the new site would differ)."""
    try:
        if not _our_folder(os.lstat(out)) or (out / marker).read_text(encoding="utf-8") != marker_text:
            return None
    except (OSError, ValueError):
        return None
    files: dict[str, PreviousFile] = {}
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(out / folder if folder else out))
        except OSError:
            return None
        if not entries and folder:
            return None  # an empty folder: the new site would not have it
        for entry in entries:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode) and _our_folder(info):
                pending.append(rel)
            elif stat.S_ISREG(info.st_mode):
                files[rel] = PreviousFile(info.st_size, stat.S_IMODE(info.st_mode), info.st_uid)
            else:
                return None  # a link (or a device, a pipe) is never written through: the folder is replaced
    return files


def _our_folder(info: os.stat_result) -> bool:
    return stat.S_ISDIR(info.st_mode) and stat.S_IMODE(info.st_mode) == DIR_MODE and info.st_uid == os.geteuid()


def plan_update(previous: dict[str, PreviousFile], new_files: set[str], staged: set[str], staging: Path,
                marker: str, out_name: str) -> Update | None:
    """The moves and removals that turn the previous site into the new one; None when a file of
    one stands where the other has a folder."""
    old_folders = {rel.rsplit("/", i)[0] for rel in previous for i in range(1, rel.count("/") + 1)}
    new_folders = {rel.rsplit("/", i)[0] for rel in new_files for i in range(1, rel.count("/") + 1)}
    if old_folders & new_files or new_folders & previous.keys():
        return None
    removals = sorted(set(previous) - new_files - {marker})
    folders = sorted(old_folders - new_folders, key=lambda rel: (-rel.count("/"), rel))
    return Update(staging.name, os.lstat(staging.parent / out_name).st_ino, sorted(staged), removals, folders)


def update_in_place(out: Path, update: Update, aside: Path) -> None:
    """Write the journal, carry out ``update``, then drop the journal.

    The files replaced or removed are first moved into ``aside`` (a new folder beside the
    output), so that if a move fails (a disk gone read-only) every step done is undone and
    the previous site is left exactly as it was; ``aside`` is deleted on success.
    """
    journal = journal_path(out)
    temp = journal.with_name(journal.name + ".tmp")
    temp.write_text(json.dumps(asdict(update)), encoding="utf-8")
    os.replace(temp, journal)  # from here on, a killed build is finished by the next one
    done: list[tuple[Path, Path | None]] = []  # (a path in the output, where its old file went, if it had one;
    # a folder the update made, with None)
    try:
        _carry_out(out, update, aside, done)
    except BaseException:
        for path, old in reversed(done):
            if old is not None:
                os.replace(old, path)
            elif os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            elif os.path.lexists(path):
                os.unlink(path)
        journal.unlink()
        shutil.rmtree(aside, ignore_errors=True)
        raise
    journal.unlink()
    shutil.rmtree(aside, ignore_errors=True)


def finish_interrupted_update(out: Path, marker: str, marker_text: str) -> None:
    """Finish the update a killed build left in its journal (nothing when there is none).

    Only on the folder it was written for, when that is still a site of ours without links
    (``previous_files``); otherwise (deleted, renamed, replaced) the journal is dropped, and
    the next build, finding no site to update, writes a whole new one.
    """
    journal = journal_path(out)
    try:
        update = Update(**json.loads(journal.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return
    except (OSError, ValueError, TypeError):  # a journal cut short: its build never started moving
        journal.unlink()
        return
    try:
        same_folder = os.lstat(out).st_ino == update.inode
    except OSError:
        same_folder = False
    if same_folder and previous_files(out, marker, marker_text) is not None:
        _carry_out(out, update)
    journal.unlink()


def journal_path(out: Path) -> Path:
    return out.parent / f"{JOURNAL_PREFIX}{out.name}"


def _carry_out(out: Path, update: Update, aside: Path | None = None,
               done: list[tuple[Path, Path | None]] | None = None) -> None:
    """The moves and removals of ``update``; repeatable. With ``aside``, each replaced or removed file
    is moved there first and every step is noted in ``done``, to be undone by the caller."""
    staging = out.parent / update.staging

    def put_aside(path: Path, rel: str) -> Path | None:
        if aside is None or not os.path.lexists(path):
            return None
        old = aside / rel
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, old)
        return old

    for rel in update.moves:
        source = staging / rel
        if not os.path.lexists(source):
            continue  # moved before the build was killed
        made = _make_folders(out, rel)
        if done is not None:
            done += [(folder, None) for folder in made]
        path = out / rel
        old = put_aside(path, rel)
        if done is not None:
            done.append((path, old))  # noted before the move: undoing a step not taken is harmless
        os.replace(source, path)
    for rel in update.removals:
        path = out / rel
        if aside is not None:
            old = put_aside(path, rel)
            if old is not None and done is not None:
                done.append((path, old))
            continue
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    for rel in update.folders:
        try:
            os.rmdir(out / rel)
        except OSError:  # not empty (a file was added meanwhile), or gone already
            pass


def _make_folders(out: Path, rel: str) -> list[Path]:
    """The folders of ``rel`` in the output; returns those it made."""
    folder, made = out, []
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if make_folder(folder):
            made.append(folder)
    return made


def make_folder(folder: Path) -> bool:
    """mkdir with the site's folder mode; a folder already there (made by another worker) is fine.
    True when this call made it."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise
        return False
    os.chmod(folder, DIR_MODE)
    return True
