"""What a build tells the person at the keyboard: a line per phase, a progress bar, a summary.

On a terminal a long phase draws a progress bar on one line, redrawn in place; in CI,
in a pipe or a log file the same build prints plain lines only (no bar, no control
characters). ``-q`` prints only problems and failures, ``-v`` adds the time each phase
took and details such as the files a preview rebuild wrote.

A :class:`Console` is passed to the pipeline like the diagnostics are (nothing global);
the pipeline calls :meth:`Console.phase` after each step and wraps long loops in
:meth:`Console.progress`. Problems (errors and warnings) are not printed here: they go
through :class:`~handbill.diagnostics.Diagnostics` and are shown together at the end.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Iterable, Iterator, Sequence, TextIO, TypeVar

T = TypeVar("T")

QUIET, NORMAL, VERBOSE = 0, 1, 2
BAR_WIDTH = 24
MIN_ITEMS_FOR_BAR = 20  # shorter phases finish before a bar would help
REDRAW_SECONDS = 0.1


def plural(count: int, noun: str) -> str:
    """``1 page``, ``2 pages``; nouns ending in y or s are spelt out by the caller when irregular."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def is_interactive(stream: TextIO) -> bool:
    """A person watching a terminal: not CI, not a pipe, not a dumb terminal."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Nowhere:
    """A stream that drops what is written to it."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Console:
    """Progress output for one command. ``verbosity``: QUIET, NORMAL or VERBOSE."""

    def __init__(self, stream: TextIO | None = None, *, verbosity: int = NORMAL, interactive: bool | None = None,
                 clock=time.perf_counter) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.verbosity = verbosity
        self.interactive = is_interactive(self.stream) if interactive is None else interactive
        self._clock = clock
        self._mark = clock()

    @classmethod
    def silent(cls) -> Console:
        """A console that prints nothing (library use, tests, `serve`'s inner builds)."""
        return cls(_Nowhere(), verbosity=QUIET, interactive=False)

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def restart_clock(self) -> None:
        """Phase times count from now."""
        self._mark = self._clock()

    def phase(self, text: str) -> None:
        """One finished step, with its counts: ``Read 28 content files``. With -v, also how long it took."""
        now = self._clock()
        elapsed, self._mark = now - self._mark, now
        if self.verbosity >= VERBOSE:
            self._print(f"{text} ({elapsed:.2f} s)")
        elif self.verbosity >= NORMAL:
            self._print(text)

    def detail(self, text: str) -> None:
        """Shown only with -v."""
        if self.verbosity >= VERBOSE:
            self._print(f"  {text}")

    def info(self, text: str) -> None:
        """Shown unless -q."""
        if self.verbosity >= NORMAL:
            self._print(text)

    def always(self, text: str) -> None:
        """Shown even with -q (a failure, the address of the preview)."""
        self._print(text)

    def progress(self, label: str, items: Sequence[T] | Iterable[T], total: int | None = None) -> Iterator[T]:
        """Yield ``items``; on a terminal, draw ``label [#####.....] 12/40`` while they are worked through."""
        if total is None:
            total = len(items) if hasattr(items, "__len__") else 0  # type: ignore[arg-type]
        if not self.interactive or self.verbosity < NORMAL or total < MIN_ITEMS_FOR_BAR:
            yield from items
            return
        last_draw = 0.0
        done = 0
        try:
            for item in items:
                yield item
                done += 1
                now = self._clock()
                if now - last_draw >= REDRAW_SECONDS or done == total:
                    last_draw = now
                    self.stream.write("\r" + progress_bar(label, done, total))
                    self.stream.flush()
        finally:
            self.stream.write("\r\x1b[2K")  # clear the bar's line; the phase line follows
            self.stream.flush()


def progress_bar(label: str, done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``Rendering pages [##########..........] 20/40``."""
    filled = width * done // total if total else width
    return f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def build_summary(*, locales: int, pages: int, files: int, seconds: float, errors: int, warnings: int,
                  cards: int | None = None, cards_redrawn: int | None = None, verb: str = "Built") -> str:
    """The one-line summary: ``Built 3 locales, 412 pages, 120 cards (3 redrawn), 900 files in 2.4 s.``"""
    parts = [plural(locales, "locale"), plural(pages, "page")]
    if cards is not None:
        redrawn = f" ({cards_redrawn} redrawn)" if cards_redrawn is not None else ""
        parts.append(plural(cards, "card") + redrawn)
    parts.append(plural(files, "file"))
    problems = ""
    if errors or warnings:
        problems = f" ({plural(errors, 'error')}, {plural(warnings, 'warning')})"
    return f"{verb} {', '.join(parts)} in {seconds:.1f} s{problems}."
