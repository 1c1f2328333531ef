"""``handbill serve``: build, serve the preview on 127.0.0.1, rebuild on every save, reload the browser.

The preview is built into its own folder, ``.handbill-cache/preview/`` beside the
content folder, never ``site/``, with ``base_url`` pointed at the local address, so a
preview can never be deployed by mistake; one preview of a folder runs at a time
(:class:`PreviewLock`). Every rebuild runs the whole pipeline over
cached parses (:class:`~handbill.parsecache.ParseCache`), reusing the views, share
links, cards and pages whose inputs did not change (:class:`~handbill.memo.RebuildMemo`),
and writes only the files whose bytes changed, so the preview always equals a clean build.

A bad edit never stops the server: until the next good save, every page of the
preview shows the problems (file:line, what to do) instead of the page.

Only files of the preview folder are served: no ``..``, no encoded tricks, no
dotfiles, no symlinks out of it. The web server itself is behind
:mod:`handbill.livereload_adapter`.
"""
from __future__ import annotations

import fcntl
import html
import mimetypes
import os
import shutil
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .console import Console, plural
from .diagnostics import Diagnostics
from .livereload_adapter import LiveServer, Response
from .memo import RebuildMemo
from .parsecache import ParseCache
from .pipeline import BuildOptions, render_site
from .quietgc import QuietCollector
from .sources import is_junk
from .theme import default_theme_dir

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PREVIEW_FOLDER = Path(".handbill-cache") / "preview"
PREVIEW_MARKER = ".handbill-preview"
POLL_SECONDS = 0.25
SETTLE_SECONDS = 0.1  # editors save in several writes: wait until the files stop changing
CLOCK_SLACK_NS = 2 * 10**9  # a file's time can lag the clock (coarse timestamps): seen as changed, not missed
ALL_INTERFACES = {"0.0.0.0", "::", ""}
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
         ".json": "application/json", ".svg": "image/svg+xml", ".webp": "image/webp", ".woff2": "font/woff2"}


def preview_folder(content: Path) -> Path:
    """Where the preview of ``content`` is built: ``.handbill-cache/preview/`` beside it."""
    return Path(content).resolve().parent / PREVIEW_FOLDER


def local_base_url(host: str, port: int) -> str:
    """The base_url of a preview served on ``host:port`` (all interfaces: shown as 127.0.0.1)."""
    shown = "127.0.0.1" if host in ALL_INTERFACES else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 address
    return f"http://{shown}:{port}/"


# --- which file a URL means ------------------------------------------------------------------

class Refused(Exception):
    """A request for something outside the preview, or hidden."""


def file_for(root: Path, url_path: str) -> Path | None:
    """The file of the preview folder ``root`` that ``url_path`` names, or None when there is none.

    Raises Refused for anything that tries to leave the folder or reach a hidden file:
    ``..`` and ``.`` parts (also percent-encoded), empty parts (``//etc/passwd``),
    backslashes, NUL, names starting with a dot, and symlinks that lead outside.
    """
    path = unquote(url_path.split("?", 1)[0], errors="strict")
    if not path.startswith("/") or "\\" in path or "\0" in path:
        raise Refused(url_path)
    parts = path[1:].split("/")
    if parts and parts[-1] == "":
        parts = parts[:-1]  # a trailing slash: the folder's index.html
    for part in parts:
        if part in ("", ".", "..") or part.startswith(".") or is_junk(part):
            raise Refused(url_path)
    base = Path(root).resolve()
    candidate = base.joinpath(*parts)
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(base):
        raise Refused(url_path)
    return resolved if resolved.is_file() else None


def content_type(path: Path | str) -> str:
    suffix = Path(path).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"


# --- the page shown while a build is broken ----------------------------------------------------

def error_page(problems: str, *, crashed: bool = False, first: tuple[str, ...] = ()) -> bytes:
    """A plain page listing every problem of the last build, each with its file, line and hint.

    Problems in the files named in ``first`` (the ones just saved) come first: the
    others are often only consequences (a story that does not parse breaks the links to it).
    """
    if crashed:
        heading = "handbill stopped with an internal error"
        advice = ("This is a bug in handbill, not in your files. Save a file to try again; if it keeps happening, "
                  "report it with the text below.")
    else:
        heading = "The preview could not be built"
        advice = "Fix the problems below and save the file: this page reloads by itself when the site builds again."
    blocks = []
    ordered = _problem_blocks(problems)
    if not crashed:
        ordered.sort(key=lambda block: not block.startswith(tuple(f"{name}:" for name in first)))
    for block in ordered:
        where, *hints = block.split("\n")
        hint_html = "".join(f"<p class=hint>{html.escape(h.strip().removeprefix('hint:').strip())}</p>"
                            for h in hints if h.strip())
        blocks.append(f"<li><p><code>{html.escape(where)}</code></p>{hint_html}</li>")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
        f"<title>Preview: {html.escape(heading)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "h1{color:#a00;font-size:1.5rem}li{margin:0 0 1rem}code{white-space:pre-wrap;font-size:1rem}"
        ".hint{margin:.25rem 0 0 1rem;color:#333}.hint::before{content:'→ '}</style>"
        f"</head><body><main><h1>{html.escape(heading)}</h1><p>{html.escape(advice)}</p>"
        f"<ol class=problems>{''.join(blocks)}</ol></main></body></html>\n"
    ).encode("utf-8")


def _problem_blocks(report: str) -> list[str]:
    """``path:line: message`` lines, each with the indented lines after it (its hint)."""
    blocks: list[str] = []
    for line in report.splitlines():
        if line.startswith(" ") and blocks:
            blocks[-1] += "\n" + line
        elif line.strip():
            blocks.append(line)
    return blocks


# --- writing the preview folder ------------------------------------------------------------------

@dataclass
class FolderChanges:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class PreviewFolder:
    """The preview's output folder, updated in place: only files whose bytes changed are written.

    Each file is written beside its place and renamed over it, so the server never
    hands out half a file. The folder carries a marker file; a non-empty folder
    without it is not ours and is never touched.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._current: dict[str, bytes] | None = None  # what the folder holds, once known

    def _read_existing(self) -> dict[str, bytes]:
        if not self.root.exists():
            return {}
        if any(self.root.iterdir()) and not (self.root / PREVIEW_MARKER).is_file():
            raise OSError(f"{self.root} has files that handbill did not write (there is no {PREVIEW_MARKER} file); "
                          "delete the folder yourself if it is not needed")
        found = {}
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.is_symlink() and not any(p.startswith(".") for p in rel.split("/")):
                found[rel] = path.read_bytes()
        return found

    def sync(self, files: dict[str, bytes]) -> FolderChanges:
        """Make the folder hold exactly ``files``; returns what was written and removed."""
        for rel in files:
            parts = rel.split("/")
            if any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in rel:
                raise ValueError(f"output path {rel!r} cannot be written to the preview")
        current = self._current if self._current is not None else self._read_existing()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / PREVIEW_MARKER).write_text("The preview of `handbill serve`. Safe to delete.\n", encoding="utf-8")
        changes = FolderChanges()
        for rel in sorted(set(current) - set(files)):
            (self.root / rel).unlink(missing_ok=True)
            changes.removed.append(rel)
        if changes.removed or self._current is None:  # only a removal can leave a folder empty
            self._prune_empty_folders()
        for rel, data in sorted(files.items()):
            if current.get(rel) != data:
                self._write(rel, data)
                changes.written.append(rel)
        self._current = dict(files)
        return changes

    def _write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        for parent in reversed(target.relative_to(self.root).parents):
            folder = self.root / parent
            if folder.is_file() or folder.is_symlink():
                folder.unlink()  # a file that became a folder
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # a folder that became a file
        temporary = target.with_name(f".{target.name}.handbill-tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def _prune_empty_folders(self) -> None:
        for folder in sorted((p for p in self.root.rglob("*") if p.is_dir() and not p.is_symlink()),
                             key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()


# --- noticing saves ------------------------------------------------------------------------------

class ChangeWatcher:
    """Notices files added, changed or removed under some folders (dotfiles and editor junk ignored).

    A folder that does not exist yet is watched too: files put there later are changes.
    """

    def __init__(self, roots: list[Path]) -> None:
        self.roots = _outermost(roots)
        self._seen = self._scan()

    def watch(self, roots: list[Path], since_ns: int) -> None:
        """Watch ``roots`` from now on. Files of a folder not watched before count as seen, except
        those changed at ``since_ns`` or later (saved while the build that named the folder ran)."""
        roots = _outermost(roots)
        if roots == self.roots:
            return
        added = [root for root in roots if root not in self.roots]
        self.roots = roots
        self._seen = {path: stat for path, stat in self._seen.items() if any(path.is_relative_to(r) for r in roots)}
        for path, stat in self._scan(added).items():
            if path not in self._seen and stat[0] < since_ns:
                self._seen[path] = stat

    def _scan(self, roots: list[Path] | None = None) -> dict[Path, tuple[int, int]]:
        found: dict[Path, tuple[int, int]] = {}
        for root in self.roots if roots is None else roots:
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not is_junk(d))
                for name in files:
                    if is_junk(name):
                        continue
                    path = Path(folder) / name
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changes(self) -> list[Path]:
        """The files changed since the last call (added, edited or removed), sorted."""
        now = self._scan()
        changed = {p for p in now.keys() | self._seen.keys() if now.get(p) != self._seen.get(p)}
        self._seen = now
        return sorted(changed)

    def settled_changes(self) -> list[Path]:
        """Like changes(), but waits while files are still being written."""
        changed = set(self.changes())
        while changed:
            time.sleep(SETTLE_SECONDS)
            more = self.changes()
            if not more:
                break
            changed.update(more)
        return sorted(changed)


def _outermost(roots: list[Path]) -> list[Path]:
    """The folders of ``roots`` (made absolute), without those inside another one."""
    folders = sorted({Path(r).resolve() for r in roots})
    return [f for f in folders if not any(f != other and f.is_relative_to(other) for other in folders)]


# --- one preview of a folder at a time -------------------------------------------------------------

class PreviewRunning(Exception):
    """Another preview builds into the same preview folder. .message and .hint (plain words for a volunteer)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class PreviewLock:
    """Only one preview builds into a preview folder at a time.

    Two previews of one content folder (a second `serve` on another port, with the first
    forgotten in another window) would overwrite each other's pages, each with its own
    address in every link. The first holds an exclusive lock on ``preview.lock`` beside the
    folder, with its address written in it, and the second is refused with that address.
    """

    def __init__(self, folder: Path, content: Path) -> None:
        self.path = folder.parent / f"{folder.name}.lock"
        self.content = Path(content)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise PreviewRunning naming the preview that has it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return  # nothing can be written there: the first build says so, on the preview's error page
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._running() from None
        self._fd = fd

    def _running(self) -> PreviewRunning:
        try:
            url, content = (self.path.read_text(encoding="utf-8").splitlines() + ["", ""])[:2]
        except (OSError, UnicodeDecodeError):
            url, content = "", ""
        stop = "stop that preview first (Ctrl+C in the window where it runs)"
        if content and Path(content) != self.content.resolve():
            return PreviewRunning(f"a preview of {content} is already running{' at ' + url if url else ''}, and it is "
                                  f"built in the same folder {self.path.with_suffix('')} as a preview of {self.content} "
                                  "would be", f"{stop}, then start this one again")
        return PreviewRunning(f"a preview of {self.content} is already running{' at ' + url if url else ''}",
                              f"open that address in your browser, or {stop} to start a new one")

    def tell(self, url: str) -> None:
        """Write the preview's address in the lock file, for a second `serve` to show."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{url}\n{self.content.resolve()}\n".encode("utf-8"), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


# --- the preview ---------------------------------------------------------------------------------

@dataclass
class Rebuild:
    """What one rebuild did, for the console line."""

    seconds: float
    ok: bool
    changes: FolderChanges = field(default_factory=FolderChanges)
    errors: int = 0
    warnings: int = 0


class Preview:
    """Builds the content into the preview folder, again and again, and answers the server's requests."""

    def __init__(self, options: BuildOptions, *, root: Path | None = None) -> None:
        self.options = options
        self.root = Path(root or Path.cwd())  # problems are shown relative to this folder
        self.folder = PreviewFolder(options.out)
        self.cache = ParseCache()
        self.memo = RebuildMemo()
        self.problems: str | None = None  # the report of the last build when it failed
        self.changed: tuple[str, ...] = ()  # the files whose save started the last build, as shown
        self.crashed = False
        self.theme_dirs: tuple[Path, ...] = ()  # the theme folders the last build read
        self._lock = threading.Lock()

    def rebuild(self, console: Console | None = None, changed: tuple[str, ...] = ()) -> Rebuild:
        """Build again over cached parses, write what changed; never raises for a problem in the content.

        ``console`` is told about each phase (the first build shows them; rebuilds print one line).
        ``changed``: the files whose save started this build, listed first on the error page.
        """
        with self._lock:
            started = time.perf_counter()
            self.changed = changed
            diags = Diagnostics(root=self.root)
            self.cache.start_build()
            try:
                result = render_site(self.options, diags, cache=self.cache, memo=self.memo, console=console)
            except Exception:  # a bug in handbill: show it, keep serving
                return self._failed(started, traceback.format_exc(), crashed=True)
            self.theme_dirs = result.theme_dirs
            if diags.items:
                print(diags.report(), file=sys.stderr, flush=True)
            if diags.has_errors(self.options.strict):
                self.problems, self.crashed = diags.report(), False
                return Rebuild(time.perf_counter() - started, False, errors=len(diags.errors),
                               warnings=len(diags.warnings))
            try:
                changes = self.folder.sync(result.files)
            except OSError as error:  # the preview folder cannot be written: say so, keep serving
                return self._failed(started, f"{self.folder.root}: the preview could not be written: {error}\n"
                                    "  hint: check the disk space and that this folder can be written to, "
                                    "or delete the folder: the next save makes it again", errors=1)
            self.problems, self.crashed = None, False
            self.cache.forget_unused()
            return Rebuild(time.perf_counter() - started, True, changes, 0, len(diags.warnings))

    def _failed(self, started: float, problems: str, *, crashed: bool = False, errors: int = 0) -> Rebuild:
        self.problems, self.crashed = problems, crashed
        print(problems, file=sys.stderr, flush=True)
        return Rebuild(time.perf_counter() - started, False, errors=errors)

    def respond(self, url_path: str) -> Response:
        """The answer to GET ``url_path``: a file of the preview, the 404 page, or the problems of the build."""
        try:
            path = file_for(self.folder.root, url_path)
        except (Refused, UnicodeDecodeError):
            return Response(403, "text/plain; charset=utf-8", b"Not served: the preview only serves its own files.\n")
        problems, crashed = self.problems, self.crashed
        if problems is not None and (path is None or path.suffix == ".html"):
            return Response(500, "text/html; charset=utf-8", error_page(problems, crashed=crashed, first=self.changed))
        if path is None:
            not_found = self.folder.root / "404.html"
            body = not_found.read_bytes() if not_found.is_file() else b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
            return Response(404, "text/html; charset=utf-8", body)
        if not url_path.endswith("/") and path.name == "index.html" and not url_path.endswith("index.html"):
            return Response(301, "text/plain; charset=utf-8", b"", (("Location", url_path + "/"),))
        return Response(200, content_type(path), path.read_bytes())


def describe_changes(changed: list[str]) -> str:
    """``content/en/x.md changed``, ``a, b, c and 2 more changed``."""
    return ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "") + " changed"


def describe_rebuild(what: str, rebuild: Rebuild, verb: str = "rebuilt") -> str:
    """``content/en/x.md changed: rebuilt in 0.18 s, 3 files written.`` (one line per rebuild)."""
    if not rebuild.ok:
        if rebuild.errors or rebuild.warnings:
            strict = "" if rebuild.errors else "; with --strict, a warning fails the build"
            return (f"{what}: the preview failed to build in {rebuild.seconds:.2f} s "
                    f"({plural(rebuild.errors, 'error')}, {plural(rebuild.warnings, 'warning')}{strict}); "
                    "the browser shows them.")
        return f"{what}: handbill stopped with an internal error; the browser shows it."
    written = rebuild.changes.written
    removed = f", {len(rebuild.changes.removed)} removed" if rebuild.changes.removed else ""
    return f"{what}: {verb} in {rebuild.seconds:.2f} s, {plural(len(written), 'file')} written{removed}."


class PreviewServer:
    """A Preview, its LiveServer and its watcher, wired together. Used by the CLI and by tests."""

    def __init__(self, content: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, drafts: bool = False,
                 cards: bool = True, strict: bool = False, console: Console | None = None,
                 root: Path | None = None) -> None:
        self.content = Path(content)
        self.console = console or Console.silent()
        self.lock = PreviewLock(preview_folder(self.content), self.content)
        self.lock.acquire()  # first: a second preview of this folder is refused with the first one's address
        self.server = LiveServer(self._respond, host, port)
        try:
            self.server.listen()  # now, so the real port is known for base_url (and a busy port fails early)
        except BaseException:
            self.lock.release()
            raise
        self.url = local_base_url(host, self.server.port)
        self.lock.tell(self.url)
        options = BuildOptions(self.content, preview_folder(self.content), base_url=self.url, drafts=drafts,
                               strict=strict, cards=cards)
        self.preview = Preview(options, root=root)
        self._always_watched = (self.content, self.content.parent / "themes", default_theme_dir())
        self.watcher = ChangeWatcher(self._watched())
        self.collector = QuietCollector()  # no full garbage collection inside a rebuild
        self._stop = threading.Event()
        self._poll_lock = threading.Lock()
        self._poller: threading.Thread | None = None

    def _respond(self, url_path: str) -> Response:
        return self.preview.respond(url_path)

    def _watched(self) -> list[Path]:
        """The folders a save in which means a rebuild: the content, themes/ beside it (also before it
        exists), the default theme and the theme site.yaml names (a path, maybe) as the last build found it."""
        return [*self._always_watched, *self.preview.theme_dirs]

    def _rebuild(self, **how) -> Rebuild:
        started = time.time_ns() - CLOCK_SLACK_NS
        rebuild = self.preview.rebuild(**how)
        self.watcher.watch(self._watched(), since_ns=started)  # site.yaml may name another theme now
        return rebuild

    def first_build(self) -> Rebuild:
        with self._poll_lock:
            rebuild = self._rebuild(console=self.console)
        self.console.info(describe_rebuild("Preview", rebuild, verb="built"))
        self.collector.after_rebuild()
        return rebuild

    def poll_once(self) -> Rebuild | None:
        """Rebuild when files changed since the last look, then reload the browsers. None when nothing changed."""
        with self._poll_lock:
            changed = self.watcher.settled_changes()
            if not changed:
                return None
            names = tuple(_shown(p, self.preview.root) for p in changed)
            showed_problems = self.preview.problems is not None  # the browser shows the error page, not a file
            rebuild = self._rebuild(changed=names)
        self.console.info(describe_rebuild(describe_changes(list(names)), rebuild))
        for rel in rebuild.changes.written:
            self.console.detail(f"wrote {rel}")
        for rel in rebuild.changes.removed:
            self.console.detail(f"removed {rel}")
        if not rebuild.ok or showed_problems or rebuild.changes.written or rebuild.changes.removed:
            self.server.reload()  # (a broken save undone writes nothing, but the page must come back)
        self.collector.after_rebuild()
        return rebuild

    def _poll_forever(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                if self.poll_once() is None:
                    self.collector.when_idle()
            except Exception:  # never let the watcher die: say what happened and keep watching
                self.console.always(f"handbill: the watcher hit an internal error:\n{traceback.format_exc()}")

    def start_watching(self) -> None:
        self._poller = threading.Thread(target=self._poll_forever, name="handbill-preview-watcher", daemon=True)
        self._poller.start()

    def start(self, *, watch: bool = True) -> PreviewServer:
        """Build, then serve (and watch, unless ``watch=False``: call poll_once()) from background threads."""
        self.first_build()
        self.server.start_thread()
        if watch:
            self.start_watching()
        return self

    def run(self) -> None:
        """Build, then serve and watch until Ctrl+C."""
        self.first_build()
        self.serve_forever()

    def serve_forever(self) -> None:
        """Serve and watch in this thread until Ctrl+C (after first_build())."""
        self.start_watching()
        try:
            self.server.run()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        self._stop.set()
        self.server.stop()
        if self._poller is not None and self._poller is not threading.current_thread():
            self._poller.join(10)
        self.collector.stop()
        self.lock.release()

    def __enter__(self) -> PreviewServer:
        return self if self.server.running else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def all_interfaces_warning(host: str, port: int) -> str | None:
    """The warning printed when the preview is reachable from other machines."""
    if host in ALL_INTERFACES or host not in ("127.0.0.1", "localhost", "::1"):
        return (f"Warning: --host {host or '0.0.0.0'} lets other devices on this network open the preview on port {port}, "
                "including drafts. Use it only on a network you trust, and stop the preview (Ctrl+C) when you are done.")
    return None
