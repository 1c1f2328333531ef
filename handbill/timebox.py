"""Markdown that would take pathological time is stopped, and named, instead of hanging the build.

This guards the ``python-markdown`` engine only (``markdown: python-markdown`` in site.yaml). The
default ``commonmark`` engine, cmark-gfm, is linear in the length of the text and runs in the
build process without a helper; the one thing it does without limit, nesting ``>`` quotes, is
refused with :class:`TextTooDeep` (see :mod:`handbill.markdown_engines`).

Python-Markdown 3.x is pure Python and several of its inline patterns are quadratic or
worse in the length of one paragraph. Measured with handbill's settings (Python 3.11,
Markdown 3.11, one core of a CI runner), for text made of one unit repeated:

==========================  =========  ===========  ================================
input                       2 KB       32 KB        256 KB (the story size cap)
==========================  =========  ===========  ================================
``[`` (unclosed brackets)   0.8 s      > 5 s        hours (about n^1.8)
``![``, ``[a](``, ``[a][``  0.5 s      > 5 s        hours
``*a``, `` `a``, ``<http:`` fast       1.5 s        about a minute
``1. 1. 1. ...`` (lists     RecursionError from about 700 levels; deep ``- `` indents too
in lists)
``>>>>...`` (quotes)        Python-Markdown stops nesting by itself at ~300 levels: fine
ordinary prose              fast       0.1 s        0.7 s
==========================  =========  ===========  ================================

Limits on the input (bracket counts, nesting depth) would have to know every slow
pattern of every Markdown release, so handbill bounds the *time* instead: a text longer
than :data:`INLINE_CHARS` is converted in a helper process, and one that is not done
after :data:`TIME_BUDGET` seconds (ten times what the largest ordinary story needs) is
stopped and reported by file. Short texts are converted in the build process (their
worst case is under a second), so small sites never start the helper. Nesting too deep
for Python's stack (``RecursionError``) is reported the same way, wherever it runs.

The helper is one process per :class:`Timebox`, started on first use and reused for
every long text of the build (and of every rebuild of ``serve``); a stopped helper is
replaced on the next use, and so is one whose Markdown instance hit a RecursionError
(Python-Markdown is left broken by it: it then returns text unconverted). The output
does not depend on where a text was converted. A verdict is a rendering like any other
for the caches (``parsecache``): an unchanged text is not timed again.

The rest of a body's way is linear or bounded: finding the lines of links
(``markup._SourceLines``) was quadratic on ``<a <a <a`` and on thousands of links and
is not any more; nh3 needs about 9 s for 256 KB of nothing but nested ``<ul>``, its
worst case at the size cap, which also applies to YAML files (a campaign's ``body``).
"""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import weakref
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Callable

TIME_BUDGET = 10.0  # seconds one Markdown text may take
INLINE_CHARS = 1000  # texts up to this long are converted in the build process


MAX_TABLE_COLUMNS = 64  # a table's columns in a text (see TextTooWide)


class TextTooSlow(Exception):
    """Converting the text took longer than the budget; it was stopped."""


class TextTooDeep(Exception):
    """The text nests deeper than Python's stack allows (lists in lists, quotes in quotes)."""


def _context():
    # fork on Linux (fast; like the share-card workers), spawn elsewhere
    return get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _serve(conn: Connection, make_converter: Callable[[], Callable[[str], str]]) -> None:
    """The helper process: convert each text received, answer ("ok", html) or (problem, "")."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the build process; the helper ends with it
    gc.enable()  # it lives for the build and every rebuild, and Python-Markdown leaves cycles (cli.run turns gc off)
    convert = make_converter()
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):  # the build process is gone
            return
        try:
            conn.send(("ok", convert(text)))
            continue
        except RecursionError:
            answer = ("deep", "")
        except Exception as exc:  # a bug in a Markdown extension: let the build process raise it
            answer = ("error", f"{exc.__class__.__name__}: {exc}")
        conn.send(answer)
        return  # an interrupted Markdown instance is left broken (it returns text unconverted): end, a new helper follows


class Timebox:
    """Runs ``convert(text)`` within TIME_BUDGET seconds; raises TextTooSlow or TextTooDeep.

    ``convert`` is used in this process for short texts; ``make_converter`` (a module-level
    function, so it can be sent to a spawned process) makes the same converter in the helper.
    """

    def __init__(self, convert: Callable[[str], str], make_converter: Callable[[], Callable[[str], str]]) -> None:
        self._convert = convert
        self._make_converter = make_converter
        self._lock = threading.Lock()
        self._process = None
        self._conn: Connection | None = None
        self._finalizer: weakref.finalize | None = None

    def convert(self, text: str) -> str:
        if len(text) <= INLINE_CHARS:
            try:
                return self._convert(text)
            except RecursionError:
                self._convert = self._make_converter()  # the interrupted one is left broken
                raise TextTooDeep() from None
        with self._lock:
            return self._in_helper(text)

    def _in_helper(self, text: str) -> str:
        conn = self._start()
        try:
            conn.send(text)
            ready = conn.poll(TIME_BUDGET)
            kind, value = conn.recv() if ready else ("slow", "")
        except (EOFError, OSError):  # the helper died (out of memory, killed): treat it like a stop
            kind, value = "slow", ""
        if kind == "ok":
            return value
        self.close()  # stopped, or it ended after a failure: the next long text starts a new one
        if kind == "error":
            raise RuntimeError(f"Markdown failed in the helper process: {value}")
        if kind == "slow":
            raise TextTooSlow()
        raise TextTooDeep()

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self.close()
        ours, theirs = _context().Pipe()
        process = _context().Process(target=_serve, args=(theirs, self._make_converter),
                                     name="handbill-markdown", daemon=True)
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        self._finalizer = weakref.finalize(self, _stop, process, ours, os.getpid())
        return ours

    def close(self) -> None:
        """Stop the helper process, if one is running."""
        if self._finalizer is not None:
            self._finalizer()
        self._process = self._conn = self._finalizer = None


def _stop(process, conn: Connection, owner: int) -> None:
    if os.getpid() != owner:  # a forked copy of the build process (a card worker) does not own it
        return
    conn.close()
    if process.is_alive():
        process.kill()
    process.join(5)


class TextTooWide(Exception):
    """The text has a table with more columns than any page can show: its HTML would be thousands of times
    larger than the text (a 300-column header pads every row to 300 cells: 5 MB and 360 MB of memory
    for a 30 KB story)."""


def explain(problem: TextTooSlow | TextTooDeep | TextTooWide) -> tuple[str, str]:
    """(message, hint) for a volunteer, about a text that was stopped."""
    if isinstance(problem, TextTooWide):
        return (f"a table in this text has more than {MAX_TABLE_COLUMNS} columns, more than a page can show",
                "split it into smaller tables, or put the data in a spreadsheet file beside the story and link to it")
    if isinstance(problem, TextTooDeep):
        return ("the lists or quotes in this text are nested too deeply to publish",
                "use at most a few levels of lists inside lists and of > quotes inside quotes")
    return (f"this text takes too long to turn into a web page, so it was stopped after {TIME_BUDGET:g} seconds",
            "look for a long run of the same characters (many [ or * or ` or <), often pasted by accident, "
            "and remove it; a very long story can be split into several")
