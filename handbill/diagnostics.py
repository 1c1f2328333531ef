"""Problems found in content, collected so a build can report all of them at once.

Every message a volunteer sees is made here: ``path:line:col: message`` and then a
``hint:`` line in plain words. Nothing in the pipeline prints errors itself; it adds
them to the :class:`Diagnostics` it was given.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .text import CONTROL_CHARACTERS, visible_name

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as we know it."""

    path: str  # shown as written, relative to the project where possible
    line: int  # 1-based; 0 when the problem is about the whole file
    col: int  # 1-based; 0 when unknown
    severity: str  # ERROR or WARNING
    message: str
    hint: str = ""

    def format(self) -> str:
        where = visible_name(self.path)
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        label = "" if self.severity == ERROR else "warning: "
        text = f"{where}: {label}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return CONTROL_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # no terminal escapes from content


@dataclass
class Diagnostics:
    """Collects errors and warnings for one build. Passed explicitly, never global."""

    root: Path | None = None  # paths are shown relative to this folder
    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)
    _error_paths: set[str] = field(default_factory=set, repr=False, compare=False)  # (has_error_in, at any size)

    _resolved_folders: dict[str, Path | None] = field(default_factory=dict, repr=False, compare=False)

    def display_path(self, path: str | Path) -> str:
        p = Path(path)
        if self.root is not None:
            # the file itself may be a link (to outside, or in a loop): show the link, not its target
            folder, root = self._resolved(p.parent), self._resolved(self.root)
            if folder is not None and root is not None:
                try:
                    return (folder / p.name).relative_to(root).as_posix()
                except ValueError:
                    pass
        return p.as_posix()

    def _resolved(self, folder: Path) -> Path | None:
        """``folder.resolve()`` (None when it fails), remembered for this build's Diagnostics: a build shows
        the path of every file it stores (markdown.pack), and resolving costs a system call per folder level."""
        key = str(folder)
        if key not in self._resolved_folders:
            try:
                self._resolved_folders[key] = folder.resolve()
            except (OSError, RuntimeError):
                self._resolved_folders[key] = None
        return self._resolved_folders[key]

    def add(self, severity: str, path: str | Path, line: int, col: int, message: str, hint: str = "") -> None:
        self.extend([Diagnostic(self.display_path(path), line, col, severity, message, hint)])

    def error(self, path: str | Path, line: int, col: int, message: str, hint: str = "") -> None:
        self.add(ERROR, path, line, col, message, hint)

    def warning(self, path: str | Path, line: int, col: int, message: str, hint: str = "") -> None:
        self.add(WARNING, path, line, col, message, hint)

    def extend(self, other: Iterable[Diagnostic]) -> None:
        for diag in other:
            if diag not in self._seen:  # the same problem found twice (e.g. per locale) is shown once
                self._seen.add(diag)
                self.items.append(diag)
                if diag.severity == ERROR:
                    self._error_paths.add(diag.path)

    def has_error_in(self, path: str | Path) -> bool:
        """True when an error was reported about this file."""
        return self.display_path(path) in self._error_paths

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity == ERROR)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity == WARNING)

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def report(self) -> str:
        """All problems, sorted by file then line, errors and warnings interleaved."""
        return "\n".join(d.format() for d in sorted(self.items))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean `x`?`` phrase, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


class BuildFailed(Exception):
    """Raised when a build has errors; carries the diagnostics to show."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(diagnostics.report())
        self.diagnostics = diagnostics
