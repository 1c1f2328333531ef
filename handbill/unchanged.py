"""Nothing changed since the last build: say so in a tenth of a second instead of building again.

A build's output is a function of its inputs (SPEC: same input, same bytes out). After
every successful ``handbill build``, :func:`record` writes down a fingerprint of all
of them, and of the output folder it left; the next build first asks :func:`reuse`,
and when every input and the output folder are exactly as recorded, the previous
output *is* what a clean build would write, so nothing is read, rendered or written.
The problems the recorded build reported (warnings) are reported again.

The inputs, all of them compared on every build:

- every file under the content folder (path and bytes, hashed; links to folders by
  where they point) and under each theme folder the build used (the default theme,
  which ships with handbill, like its code: path, size and modification time, so an
  edit to it that keeps both, as a copy with ``cp -p`` can, is not seen: ``-v`` builds);
- the code: every module file the recording build had loaded (handbill, Jinja,
  Python-Markdown, Pillow, Babel, ...: path, size and modification time) and the
  Python version and executable;
- the options (content, output, ``--base-url``, ``--drafts``, ``--strict``,
  ``--no-cards``), the working folder (problems are shown relative to it), and the
  environment variables a build reads (``SOURCE_DATE_EPOCH``, ``TZ``, ``HANDBILL_*``).

The output folder must still hold exactly the files the build left (names, sizes,
modification times, inodes): a deleted or edited output file means a full build.
Anything unusual (a recording that does not read back, a folder that cannot be
listed) also means a full build, so this can only ever save time. The record lives in
``.handbill-cache/builds/``. This module imports nothing heavy, so the check can run
before the rest of handbill is loaded.

A new kind of input (a file read from elsewhere, another environment variable) must
be added here, or a changed input could go unnoticed: ``tests/test_cache_unchanged.py``
lists the inputs it checks.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .cache import cache_root, write_atomic
from .filedigests import read_whole

FORMAT = 1
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "TZ")  # plus every HANDBILL_* variable
MARKER = ".handbill-site"  # writer.MARKER (not imported: writer is not needed here)


@dataclass(frozen=True)
class Recorded:
    """What the recorded build reported: its problems and the numbers of its summary line."""

    problems: tuple[tuple[str, int, int, str, str, str], ...]  # Diagnostic fields: path, line, col, severity, message, hint
    locales: int
    pages: int
    files: int
    cards: int


@dataclass(frozen=True)
class BuildInputs:
    """The options of one build that decide its output (a subset of pipeline.BuildOptions)."""

    content: Path
    out: Path
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    cards: bool = True
    cwd: Path = field(default_factory=Path.cwd)

    def describe(self) -> list[str]:
        return [f"content={self.content.resolve()}", f"out={self.out.resolve()}", f"base_url={self.base_url!r}",
                f"drafts={self.drafts}", f"strict={self.strict}", f"cards={self.cards}", f"cwd={self.cwd.resolve()}"]


def record_path(inputs: BuildInputs) -> Path:
    """Where the record of builds into ``inputs.out`` from ``inputs.content`` is kept."""
    name = hashlib.sha256(f"{inputs.content.resolve()}\0{inputs.out.resolve()}".encode()).hexdigest()[:24]
    return cache_root(inputs.content) / "builds" / f"{name}.json"


@dataclass
class Look:
    """What :func:`reuse` found: the recorded build when it is current, and the inputs as they were before building."""

    inputs: BuildInputs
    reusable: Recorded | None = None
    content: str = ""  # fingerprint of the content folder, taken before the build
    themes: dict[str, str] = field(default_factory=dict)  # theme folder -> fingerprint, taken before the build
    _fingerprinting: Any = field(default=None, repr=False)  # the helper taking ``content``, until settle()

    def settle(self) -> None:
        """Wait for the content's fingerprint, when a helper process is taking it. The build must call
        this before it reads the content: a file saved after its fingerprint was taken is then seen as
        changed by the next build, whichever version this build read."""
        if self._fingerprinting is not None:
            self.content = self._fingerprinting.result("")
            self._fingerprinting = None


def reuse(inputs: BuildInputs) -> Look:
    """Look at the inputs; ``.reusable`` is the recorded build when nothing it depended on has changed.

    The fingerprints are taken here, before anything is built, so a file saved while the
    build runs is seen as changed by the next one. With no record to compare with (a first
    build, a build after the cache was deleted) the content's fingerprint, which only the
    record needs, is taken by a helper process while this one loads the rest of handbill
    (30 ms of a cold build on the core that is idle then): see :meth:`Look.settle`.
    """
    look = Look(inputs)
    try:
        text = record_path(inputs).read_text(encoding="utf-8")
    except OSError:
        look._fingerprinting = _fingerprint_ahead(inputs.content)
        if look._fingerprinting is None:
            look.content = _content_tree(inputs.content)
        return look
    look.content = _content_tree(inputs.content)
    try:
        record = json.loads(text)
        if record.get("format") != FORMAT:
            return look
        look.themes = {folder: _theme_tree(Path(folder)) for folder in record["themes"]}
        current = (record["setup"] == _setup(inputs) and record["content"] == look.content
                   and record["themes"] == look.themes
                   and record["code"] == _code_state(record["code_files"])
                   and record["output"] == _output_state(inputs.out.resolve()))
        if current:
            summary = record["summary"]
            problems = tuple((str(p), int(line), int(col), str(sev), str(msg), str(hint))
                             for p, line, col, sev, msg, hint in record["problems"])
            look.reusable = Recorded(problems, int(summary["locales"]), int(summary["pages"]), int(summary["files"]),
                                     int(summary["cards"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, _Unsure):
        pass
    return look


def _content_tree(content: Path) -> str:
    """The content folder's fingerprint; "" (nothing will be recorded) when it cannot be taken."""
    try:
        return _tree(content.resolve())
    except (OSError, RuntimeError, ValueError, _Unsure):  # (a link loop, a name the system cannot take)
        return ""


def _fingerprint_ahead(content: Path) -> Any:
    """A started helper process taking the content's fingerprint, or None where none can be forked."""
    from .ahead import ResultAhead  # (not loaded by a build that finds nothing changed)

    helper = ResultAhead(functools.partial(_content_tree, content))
    return helper if helper.start() else None


def record(look: Look, themes: Iterable[Path], recorded: Recorded, code: Iterable[Path] | None = None) -> None:
    """Write down the inputs and the output of a build that just succeeded (failing to only costs time).

    ``look`` is what :func:`reuse` saw before the build; ``themes`` the theme folders the build used.
    """
    inputs = look.inputs
    if look._fingerprinting is not None:  # not settled before the build read the content: it may be too new
        look._fingerprinting.stop()
        forget(inputs)
        return
    code_files = sorted({str(path) for path in (code if code is not None else loaded_code())})
    try:
        if not look.content:
            raise _Unsure("the content folder could not be fingerprinted")
        theme_state = {}
        for folder in sorted({str(Path(t).resolve()) for t in themes}):
            theme_state[folder] = look.themes[folder] if folder in look.themes else _theme_tree(Path(folder))
        body = {
            "format": FORMAT,
            "setup": _setup(inputs),
            "content": look.content,
            "themes": theme_state,
            "code_files": code_files,
            "code": _code_state(code_files),
            "output": _output_state(inputs.out.resolve()),
            "problems": [list(p) for p in recorded.problems],
            "summary": {"locales": recorded.locales, "pages": recorded.pages, "files": recorded.files,
                        "cards": recorded.cards},
        }
    except (OSError, _Unsure):
        forget(inputs)
        return
    write_atomic(record_path(inputs), json.dumps(body, ensure_ascii=False).encode())


def forget(inputs: BuildInputs) -> None:
    """Remove the record (a build that failed or was not recorded must never be taken as current)."""
    try:
        record_path(inputs).unlink(missing_ok=True)
    except OSError:
        pass


def loaded_code() -> list[str]:
    """The code a build ran: the files of every module loaded in this process, and every module of
    handbill itself, loaded here or not (Pillow's and the cards' modules are loaded only by builds,
    and workers, that draw a photo or a card: a change to them must still be seen). Paths as text:
    a few hundred Path objects, sorted, cost several milliseconds a build."""
    files = {os.path.abspath(path) for path in Path(__file__).parent.glob("*.py")}
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):  # absolute, not resolved: a stat follows links anyway (and resolving costs 8 each)
            files.add(os.path.abspath(name))
    return sorted(files)


class _Unsure(Exception):
    """Something about the inputs cannot be fingerprinted reliably: build in full."""


class _Digest:
    def __init__(self) -> None:
        self.digest = hashlib.blake2b(digest_size=32)

    def add(self, *parts: object) -> None:
        for part in parts:
            data = str(part).encode("utf-8", "surrogateescape")
            self.digest.update(len(data).to_bytes(8, "big") + data)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _setup(inputs: BuildInputs) -> str:
    """The options, the environment variables a build reads, and Python itself."""
    d = _Digest()
    d.add("format", FORMAT, sys.version, sys.executable, *inputs.describe())
    for name in sorted(k for k in os.environ if k in ENVIRONMENT or k.startswith("HANDBILL_")):
        d.add("env", name, os.environ[name])
    return d.hexdigest()


def _code_state(code: Iterable[str | Path]) -> str:
    d = _Digest()
    for path in code:
        try:
            info = os.stat(path)
        except OSError:
            d.add("code", path, "missing")
            continue
        d.add("code", path, info.st_size, info.st_mtime_ns)
    return d.hexdigest()


def _tree(folder: Path) -> str:
    d = _Digest()
    _add_tree(folder, d)
    return d.hexdigest()


_SHIPPED_THEMES = {str(Path(__file__).resolve().parent / "themes" / "default"),  # installed, and in a checkout
                   str(Path(__file__).resolve().parent.parent / "themes" / "default")}


def _theme_tree(folder: Path) -> str:
    """A theme folder's fingerprint: the default theme's like the code's (reading its 5 MB of fonts
    cost 8-20 ms a build), any other's like the content's."""
    if str(folder) not in _SHIPPED_THEMES:
        return _tree(folder)
    d = _Digest()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False, onerror=_raise_unsure):
        dirnames.sort()
        for name in sorted(filenames):
            info = os.stat(os.path.join(dirpath, name))
            d.add("file", os.path.relpath(os.path.join(dirpath, name), folder), info.st_size, info.st_mtime_ns)
    return d.hexdigest()


def _add_tree(folder: Path, d: _Digest) -> None:
    """Every file under ``folder``: its path and bytes; folder links by their target."""
    add = d.add
    if not folder.is_dir():
        add("absent")
        return
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False, onerror=_raise_unsure):
        dirnames.sort()
        base = Path(dirpath)
        for name in dirnames:
            if (base / name).is_symlink():
                add("link", (base / name).relative_to(folder), os.readlink(base / name))
        for name in sorted(filenames):
            path = base / name
            try:
                data = read_whole(path)[1]
            except OSError:
                add("unreadable", path.relative_to(folder))
                continue
            add("file", path.relative_to(folder).as_posix(), len(data))
            d.digest.update(hashlib.blake2b(data, digest_size=16).digest())


def _raise_unsure(error: OSError) -> None:
    raise _Unsure(str(error))


def _output_state(out: Path) -> dict[str, list[int]]:
    """Every file (and link) of the output folder with its size, modification time, inode and mode."""
    if not (out / MARKER).is_file():
        raise _Unsure("no output")
    state: dict[str, list[int]] = {}
    folders: list[tuple[str | Path, str]] = [(out, "")]
    while folders:  # scandir tells folders, files and links apart without a system call; only these are stat'ed
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            raise _Unsure(str(error)) from error
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, rel + "/"))
                continue
            info = entry.stat(follow_symlinks=False)
            state[rel] = [info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode]
    return state
