"""The only code that touches the output folder (``site/`` by default).

A build writes into a staging folder beside the output and swaps it in with two
renames on :meth:`StagedOutput.commit`, so the new site appears all at once and a
failed, interrupted or killed build leaves the previous output as it was. handbill
only ever replaces a folder that is empty or carries its :data:`MARKER` file.

A file whose bytes are the same as in the previous output is not written again.
When few files changed, the changed ones are moved into the previous output one by one
under a journal instead (:mod:`handbill.inplace`); before a whole swap, the unchanged
ones get a hard link in the staging folder (same bytes, same inode). Either way a
failed or interrupted build leaves the previous output as it was.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .ahead import FoldersAhead
from .inplace import (DIR_MODE, PreviousFile, finish_interrupted_update, make_folder, plan_update, previous_files,
                      update_in_place)

MARKER = ".handbill-site"
MARKER_TEXT = "This folder was made by handbill. It is safe to delete: a build makes it again.\n"
FILE_MODE = 0o644  # fixed, whatever the umask, so the output is reproducible
COPY_CHUNK = 1 << 20
IN_PLACE_UP_TO = 0.25  # the share of changed files up to which the previous site is updated in place
_WRITE_ERRORS = [  # (errno codes, what went wrong, what to do) for OSErrors while writing the output
    ((errno.ENOSPC, errno.EDQUOT), "the disk is full", "free some disk space, then build again"),
    ((errno.EROFS, errno.EACCES, errno.EPERM), "the folder cannot be written to ({})",
     "choose a folder you can write to with --out"),
    ((errno.EBUSY, errno.EXDEV), "it cannot be replaced (is it a mount point?)",
     "choose a folder inside it with --out"),
]
_PLACE_ERRORS = [  # the same, only while the output folder's place is checked and made (not for a page's write)
    ((errno.ENAMETOOLONG,), "its name is too long", "choose a shorter name with --out, like site"),
    ((errno.ENOTDIR, errno.EEXIST), "a part of its path is a file, not a folder",
     "choose another folder with --out, for example site/ beside your content folder"),
    ((errno.ENOENT, errno.EINVAL), "no folder can be made there ({})",
     "choose a folder you can write to with --out, for example site/ beside your content folder"),
]


class OutputRefused(Exception):
    """The output folder is somewhere we must not write. .message and .hint (plain words for a volunteer)."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


def _refuse_foreign(out: Path) -> None:
    """Refuse a non-empty folder without MARKER: handbill did not make it, so it must not replace it."""
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputRefused(
            f"the output folder {out} already has files in it and was not made by handbill "
            f"(there is no {MARKER} file in it), so handbill will not replace it",
            f"choose an empty or new folder with --out, or delete {out} yourself if you are sure it is not needed",
        )


def check_output_dir(out: Path, *, content: Path, protected: Sequence[Path] = ()) -> None:
    """Raise OutputRefused, before anything is touched, when `out` is somewhere a build must not write.

    Refused: the content folder, inside or above it; a protected folder (the repository
    root, themes/) or above one, or inside the themes/ or .git/ folder of one; the home
    folder; the filesystem root; a file; a non-empty folder without MARKER.
    """
    try:
        _check_output_dir(out, Path(out).expanduser().resolve(), Path(content).resolve(), protected)
    except OSError as error:  # a name too long, a place no folder can be made (/proc/x)
        refused = _refused(error, out, left="", place=True)
        if refused is error:
            raise
        raise refused from error


def _check_output_dir(out: Path, target: Path, content: Path, protected: Sequence[Path]) -> None:
    pick = "choose another folder for the site with --out, for example site/ beside your content folder"
    if target == Path(target.anchor):
        raise OutputRefused(f"the output folder {out} is the top of the disk", pick)
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known: nothing to protect
        if target == Path.home().resolve():
            raise OutputRefused(f"the output folder {out} is your home folder", pick)
    if target.is_relative_to(content):
        raise OutputRefused(f"the output folder {out} is inside the content folder {content}", pick)
    if content.is_relative_to(target):
        raise OutputRefused(f"the output folder {out} contains the content folder {content}", pick)
    for place in protected:
        place = Path(place).resolve()
        if place.is_relative_to(target):
            raise OutputRefused(f"the output folder {out} would replace {place}", pick)
        inner = [place / "themes", place / ".git"] + ([place] if place.name == "themes" else [])
        for folder in inner:
            if target.is_relative_to(folder):
                raise OutputRefused(f"the output folder {out} is inside {folder}", pick)
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"the output folder {out} is a file, not a folder",
                            "choose a folder name with --out, or move the file away yourself")
    above = next(folder for folder in target.parents if folder.exists())
    if not above.is_dir():  # --out notes.txt/site, /dev/null/site
        raise OutputRefused(f"the output folder {out} cannot be made: {above} is a file, not a folder",
                            "choose another folder with --out, or move the file away yourself")
    _refuse_foreign(target)


def _refused(error: OSError, out: Path, left: str = "; the previous site was left as it was",
             place: bool = False) -> OSError | OutputRefused:
    """The OutputRefused a volunteer can act on for an OSError about the output folder; other errors as they are.
    ``place``: the error came while the folder's place was checked or made, so a missing or bad path part is --out's."""
    for codes, why, hint in _WRITE_ERRORS + (_PLACE_ERRORS if place else []):
        if error.errno in codes:
            return OutputRefused(f"could not write the site to {out}: {why.format(error.strerror)}{left}", hint)
    return error


def _parts(relpath: str) -> tuple[str, ...]:
    """Split a POSIX relative path, refusing anything that could point outside the output."""
    parts = tuple(relpath.split("/")) if isinstance(relpath, str) else ("",)
    if {"", ".", ".."} & set(parts) or "\\" in relpath or "\0" in relpath:  # "/x" starts with an empty part
        raise ValueError(f"output path {relpath!r} must be relative, / between its parts, without '..', '.' or '//'")
    if parts == (MARKER,):
        raise ValueError(f"output path {relpath!r} is reserved for handbill's marker file")
    return parts


class StagedOutput:
    """Builds the new site aside and swaps it in only on commit().

    with StagedOutput(out) as stage:
        stage.write_bytes('index.html', b'...')
        stage.commit()   # without commit(), leaving the block discards the staging folder

    While open it holds an exclusive lock on ``.handbill-lock-<name>`` beside `out`
    (the lock file is left there: deleting lock files races with other builds).
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out).expanduser().resolve()  # a symlinked output: replace what it points at
        if not self.out.name:
            raise ValueError(f"{out} cannot be an output folder")
        name, parent = self.out.name, self.out.parent
        self.staging = parent / f".handbill-tmp-{name}-{os.getpid()}-{secrets.token_hex(4)}"
        self._old = parent / f".handbill-old-{name}-{os.getpid()}"
        self._lock_path = parent / f".handbill-lock-{name}"
        n = re.escape(name)  # leftovers of earlier builds of this output, not of "site-2" beside "site"
        self._leftover = re.compile(rf"\.handbill-(?:tmp-{n}-\d+-[0-9a-f]{{8}}|old-{n}-\d+|aside-{n}-\d+)")
        self._aside = parent / f".handbill-aside-{name}-{os.getpid()}"  # the files an in-place update replaces
        self._lock_fd: int | None = None
        self._files: set[tuple[str, ...]] = set()
        self._dirs: set[tuple[str, ...]] = {()}  # folders made in the staging folder
        self._site_dirs: set[tuple[str, ...]] = {()}  # folders of the new site
        self._previous: dict[str, PreviousFile] | None = None  # the site to update in place (inplace.py)
        self._kept: set[str] = set()  # files of the previous site the build wrote again, unchanged
        self._failed = False
        self._committed = False
        self._ahead: FoldersAhead | None = None

    def __enter__(self) -> StagedOutput:
        with self._output_errors(place=True):
            self.out.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputRefused(f"another handbill build is writing to {self.out}",
                                "wait for it to finish, or stop it") from None
        self._lock_fd = fd
        try:
            with self._output_errors(place=True):
                self._recover()
                _refuse_foreign(self.out)
                self._previous = previous_files(self.out, MARKER, MARKER_TEXT)
                os.mkdir(self.staging)
                os.chmod(self.staging, DIR_MODE)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Discard the staging folder unless committed, then release the lock."""
        if self._ahead is not None:
            self._ahead.stop()
        if not self._committed:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def _recover(self) -> None:
        """Clean up after earlier builds that were killed (we hold the lock, so none is running).

        A build killed between commit's two renames left the output missing and the
        previous site in ``.handbill-old-*``: put it back, then remove the rest.
        """
        finish_interrupted_update(self.out, MARKER, MARKER_TEXT)  # a build killed while updating the site in place
        leftovers = [p for p in self.out.parent.iterdir() if self._leftover.fullmatch(p.name)]
        olds = [p for p in leftovers if p.name.startswith(".handbill-old-") and p.is_dir()]
        if olds and not os.path.lexists(self.out):
            previous = max(olds, key=lambda p: p.stat().st_mtime)
            os.replace(previous, self.out)
            leftovers.remove(previous)
        for path in leftovers:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()

    @contextlib.contextmanager
    def _output_errors(self, place: bool = False) -> Iterator[None]:
        """Turn a full disk or an unwritable folder into an OutputRefused a volunteer can act on."""
        try:
            yield
        except OSError as error:
            self._failed = True
            refused = _refused(error, self.out, place=place)
            if refused is error:
                raise
            raise refused from error

    def _open_new(self, relpath: str) -> int:
        """Validate and claim `relpath`, and open a new file for it in staging (its folders made if missing).

        The open is tried first: the folders are most often there already (made ahead, see
        :meth:`make_folders_ahead`, or for an earlier file), and one failed call is cheaper
        than asking for each folder.
        """
        if self._lock_fd is None or self._committed:
            raise RuntimeError("write inside `with StagedOutput(out) as stage:` and before commit()")
        parts = self._claim(relpath)
        target = self.staging.joinpath(*parts)
        try:
            return _create(target)
        except FileNotFoundError:
            for i in range(1, len(parts)):
                if parts[:i] not in self._dirs:
                    make_folder(self.staging.joinpath(*parts[:i]))
                    self._dirs.add(parts[:i])
            return _create(target)

    def _claim(self, relpath: str) -> tuple[str, ...]:
        """Validate `relpath` and record it as written by this build (a path is written once)."""
        parts = _parts(relpath)
        if parts in self._files or parts in self._site_dirs:
            raise ValueError(f"output path {relpath!r} is written twice in one build")
        for i in range(1, len(parts)):
            if parts[:i] in self._files:
                raise ValueError(f"output path {relpath!r} is inside {'/'.join(parts[:i])!r}, which is a file")
        self._site_dirs.update(parts[:i] for i in range(1, len(parts)))
        self._files.add(parts)
        return parts

    def _write(self, relpath: str, chunks: Iterable[bytes]) -> None:
        with self._output_errors():
            fd = self._open_new(relpath)
            try:
                os.fchmod(fd, FILE_MODE)
                for chunk in chunks:
                    _write_all(fd, chunk)
            finally:
                os.close(fd)

    def write_bytes(self, relpath: str, data: bytes) -> None:
        """Write `data` to `relpath` in the new site; kept when the previous site has these bytes there
        (updated in place, see inplace.py, or hard-linked into the staging folder before a whole swap)."""
        if self._previous is not None and self._same_as_previous(relpath, data):
            with self._output_errors():
                self._claim(relpath)
            self._kept.add(relpath)
            return
        self._write(relpath, (data,))

    def _same_as_previous(self, relpath: str, data: bytes) -> bool:
        """True when the previous site (a plain folder of ours, no links) has exactly `data` at `relpath`."""
        info = self._previous.get(relpath) if self._previous is not None else None
        if info is None or info.size != len(data) or info.mode != FILE_MODE or info.uid != os.geteuid():
            return False
        try:
            with open(self.out.joinpath(*_parts(relpath)), "rb") as f:
                return f.read(len(data) + 1) == data
        except (OSError, ValueError):
            return False

    def write_in_worker(self, relpath: str, data: bytes) -> None:
        """Write a file from a forked worker process, to be :meth:`adopt`-ed by the build process.

        Workers rendering pages write them straight into the staging folder, so the pages'
        bytes are not sent back to the build process. A folder another worker made at the
        same moment is fine; a file written twice is refused when it is adopted, or here.
        """
        self.write_bytes(relpath, data)

    def make_folders_ahead(self, relpaths: Sequence[str]) -> None:
        """Start making the folders of these files in another process (see ahead.py), if this is the
        first build here (a file of a previous site is most often kept, not written again). A
        folder the build writes nothing into is removed on commit."""
        if self._lock_fd is None or self._previous is not None or self._ahead is not None:
            return
        folders: dict[tuple[str, ...], None] = {}  # in order, parents first, each once
        for relpath in relpaths:
            with contextlib.suppress(ValueError):
                parts = _parts(relpath)
                folders.update(dict.fromkeys(parts[:i] for i in range(1, len(parts))))
        self._ahead = FoldersAhead(self.staging, list(folders))  # kept first: stopped if the start is interrupted
        self._ahead.start()

    def adopt(self, relpaths: Sequence[str]) -> None:
        """Record files written by workers (:meth:`write_in_worker`) as written by this build."""
        for relpath in relpaths:
            self._claim(relpath)  # its folders are not noted as made: a worker that kept the file made none

    def write_text(self, relpath: str, text: str) -> None:
        """Write `text` as UTF-8 to `relpath` in the new site."""
        self.write_bytes(relpath, text.encode("utf-8"))

    def copy_file(self, relpath: str, src: Path) -> None:
        """Copy the file `src` to `relpath`; a problem reading `src` is raised as it is."""
        with open(src, "rb") as source:
            self._write(relpath, iter(lambda: source.read(COPY_CHUNK), b""))

    def written(self) -> WrittenFiles:
        """Every file written, as {relpath: bytes}: read from the output folder (after commit) when asked."""
        return WrittenFiles(self.out if self._committed else self.staging, sorted("/".join(p) for p in self._files))

    def exists(self, relpath: str) -> bool:
        """True when `relpath` was already written (or made as a folder) in this build."""
        return _parts(relpath) in self._files | self._site_dirs

    def commit(self) -> None:
        """Put the new site in place.

        When the output is a previous site of ours, the files that changed are moved into it
        and the ones gone are removed, under a journal (inplace.py). Otherwise (a first build,
        a previous site holding links, a file where a folder must go) the whole new site is
        swapped in: out -> .handbill-old-*, staging -> out, then the old one is deleted.
        Between those two renames `out` is missing; if the second rename fails or is
        interrupted the old site is renamed back, and if the process is killed right
        there the next build puts it back (see _recover).
        """
        if self._lock_fd is None or self._committed or self._failed:
            raise RuntimeError("commit() once, inside the with-block, after every write succeeded")
        if self._ahead is not None:
            self._ahead.remove_unused(self._site_dirs)
        with self._output_errors():
            _refuse_foreign(self.out)
            update = self._in_place_update()
            if update is not None:
                update_in_place(self.out, update, self._aside)
                self._committed = True
                shutil.rmtree(self.staging, ignore_errors=True)
                return
            self._stage_kept_files()
            marker = self.staging / MARKER
            marker.write_text(MARKER_TEXT, encoding="utf-8")
            os.chmod(marker, FILE_MODE)
            moved = False
            try:
                if os.path.lexists(self.out):
                    moved = True
                    os.replace(self.out, self._old)
                os.replace(self.staging, self.out)
            except BaseException:
                if moved and os.path.lexists(self._old) and not os.path.lexists(self.out):
                    os.replace(self._old, self.out)
                raise
        self._committed = True
        shutil.rmtree(self._old, ignore_errors=True)  # what is left is removed by the next build

    def _staged_files(self) -> tuple[set[str], set[str]]:
        """Every file of the new site, and those of them in the staging folder (the rest are kept in place)."""
        new_files = {"/".join(parts) for parts in self._files}
        staged = {rel for rel in new_files - self._kept if os.path.lexists(self.staging / rel)}
        return new_files, staged  # a worker's unchanged file is in neither _kept nor staging: kept too

    def _in_place_update(self):
        if self._previous is None:
            return None
        new_files, staged = self._staged_files()
        lost = new_files - staged - self._previous.keys()
        if lost:
            raise RuntimeError(f"{sorted(lost)[0]} was neither written nor kept")
        if previous_files(self.out, MARKER, MARKER_TEXT) != self._previous:  # changed while we built (a link put in?)
            if new_files - staged:
                raise OutputRefused(f"{self.out} was changed by something else during the build; the previous "
                                    "site was left as it was", "build again (and keep other programs out of it)")
            self._previous = None  # nothing was kept from it: the new folder is swapped in whole
            return None
        if len(staged) > len(new_files) * IN_PLACE_UP_TO:
            return None  # most files changed (a template edit): swapping the new folder in is cheaper
        return plan_update(self._previous, new_files, staged, self.staging, MARKER, self.out.name)

    def _stage_kept_files(self) -> None:
        """Before a whole swap: the files kept in place go into the staging folder too (as hard links)."""
        if self._previous is None:
            return
        new_files, staged = self._staged_files()
        for rel in sorted(new_files - staged):
            target = self.staging / rel
            for i in range(rel.count("/"), 0, -1):  # parents first
                folder = self.staging / rel.rsplit("/", i)[0]
                if not folder.is_dir():
                    make_folder(folder)
            try:
                os.link(self.out / rel, target, follow_symlinks=False)
            except OSError:
                shutil.copyfile(self.out / rel, target, follow_symlinks=False)
                os.chmod(target, FILE_MODE)


def _create(target: Path) -> int:
    """A new file in the staging folder, opened for writing (a descriptor).

    Never opened in place: a file already there was written by a worker process whose pages
    were then rendered again here (its chunk failed), and may be a hard link into the
    previous output, which must never be written through.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        return os.open(target, flags, FILE_MODE)
    except FileExistsError:
        os.unlink(target)
        return os.open(target, flags, FILE_MODE)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class WrittenFiles(Mapping[str, bytes]):
    """The files of a build, read from the folder they were written to when asked (never kept in memory)."""

    def __init__(self, root: Path, relpaths: Sequence[str]) -> None:
        self._root = root
        self._relpaths = {relpath: None for relpath in relpaths}

    def __getitem__(self, relpath: str) -> bytes:
        if relpath not in self._relpaths:
            raise KeyError(relpath)
        return self._root.joinpath(*_parts(relpath)).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._relpaths)

    def __len__(self) -> int:
        return len(self._relpaths)

    def __contains__(self, relpath: object) -> bool:
        return relpath in self._relpaths
