"""The only module that knows about `livereload` and the web server under it (tornado).

handbill's preview needs three things from a live-reload server: answer HTTP requests
with what :mod:`handbill.serve` decides, hand the browser livereload's client script,
and tell every open page to reload. :class:`LiveServer` offers exactly that, so the
`livereload` package (mostly dormant) can be replaced one day by changing this file.

What we take from livereload: its browser client (``livereload.js``, served at
``/livereload.js``) and its websocket handshake (``/livereload``). What we do not take:
its file server (we decide what is served: see ``serve.respond``), its watcher (serve
polls the content itself and knows what changed), its global, process-wide state (each
server here keeps its own list of browsers) and its "accept any origin" websocket rule
(only pages of the preview itself may connect).
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
from dataclasses import dataclass, field
from typing import Callable

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, netutil, web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

CLIENT_PATH = "/livereload.js"
SOCKET_PATH = "/livereload"


@dataclass(frozen=True)
class Response:
    """An answer to one GET request, independent of any web framework."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


def client_script_tag(port: int) -> bytes:
    """The tag that loads livereload's client; it connects back to the page's own host and ``port``.

    An external script (no inline JavaScript), so a strict Content-Security-Policy still works.
    """
    return f'<script src="{CLIENT_PATH}?port={port}"></script>'.encode()


def inject_client(html: bytes, port: int) -> bytes:
    """``html`` with the client script before ``</head>`` (or ``</body>``, or at the end)."""
    tag = client_script_tag(port)
    lowered = html.lower()
    for marker in (b"</head>", b"</body>"):
        at = lowered.find(marker)
        if at != -1:
            return html[:at] + tag + html[at:]
    return html + tag


class _ReloadSocket(LiveReloadHandler):
    """livereload's websocket handshake, with browsers kept per server instead of process-wide."""

    def initialize(self, browsers: set[WebSocketHandler]) -> None:  # tornado passes the dict from the route
        self.browsers = browsers

    def check_origin(self, origin: str) -> bool:
        return WebSocketHandler.check_origin(self, origin)  # same host only (livereload allows any site)

    def on_message(self, message: str | bytes) -> None:
        try:
            super().on_message(message)  # answers "hello"; on "info" adds us to livereload's global set
        except (ValueError, AttributeError, TypeError):
            return  # not the livereload protocol: ignore it
        if self in LiveReloadHandler.waiters:
            LiveReloadHandler.waiters.discard(self)
            self.browsers.add(self)

    def on_close(self) -> None:
        self.browsers.discard(self)
        LiveReloadHandler.waiters.discard(self)


class _Answer(web.RequestHandler):
    """Every other request: whatever the preview's ``respond(path)`` says, HTML with the client added."""

    def initialize(self, respond: Callable[[str], Response], server: LiveServer) -> None:
        self.respond, self.server = respond, server

    def compute_etag(self) -> None:
        return None  # always send the current bytes: no "304 Not Modified" from an older build

    def _answer(self, include_body: bool) -> None:
        response = self.respond(self.request.path)
        body = response.body
        if response.content_type.startswith("text/html"):
            body = inject_client(body, self.server.port)
        self.set_status(response.status)
        self.set_header("Content-Type", response.content_type)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers:
            self.set_header(name, value)
        if include_body:
            self.write(body)
        else:
            self.set_header("Content-Length", str(len(body)))

    def get(self, *args: str) -> None:
        self._answer(include_body=True)

    def head(self, *args: str) -> None:
        self._answer(include_body=False)


class LiveServer:
    """An HTTP server for ``respond`` with live reload. ``listen()``, then ``run()`` (or ``start_thread()``).

        server = LiveServer(respond, "127.0.0.1", 0)
        server.listen()            # binds now: a busy port fails here, and .port is the real one
        server.start_thread()      # or server.run() to serve in this thread until stop()
        server.reload()            # from any thread: every open page reloads
        server.stop()              # from any thread
    """

    def __init__(self, respond: Callable[[str], Response], host: str, port: int) -> None:
        self.respond, self.host, self.port = respond, host, port
        self._sockets: list[socket.socket] = []
        self._browsers: set[WebSocketHandler] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def listen(self) -> None:
        """Bind the listening sockets; raises OSError when the address is taken or not ours."""
        self._sockets = netutil.bind_sockets(self.port, address=self.host)
        self.port = self._sockets[0].getsockname()[1]

    def _application(self) -> web.Application:
        return web.Application([
            (SOCKET_PATH, _ReloadSocket, {"browsers": self._browsers}),
            (CLIENT_PATH.replace(".", r"\."), LiveReloadJSHandler),
            (r"/.*", _Answer, {"respond": self.respond, "server": self}),
        ], log_function=lambda handler: None)  # serve prints one line per rebuild, not one per request

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        http = httpserver.HTTPServer(self._application())
        http.add_sockets(self._sockets)
        self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            http.stop()
            for browser in list(self._browsers):
                browser.close()
            await http.close_all_connections()

    def run(self) -> None:
        """Serve in this thread until stop() is called (or Ctrl+C)."""
        if not self._sockets:
            self.listen()
        asyncio.run(self._serve())

    def start_thread(self) -> None:
        """Serve from a background thread; returns once requests are being answered."""
        if not self._sockets:
            self.listen()
        self._thread = threading.Thread(target=self.run, name="handbill-preview-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the preview server did not start")

    def _call(self, function: Callable[[], None]) -> None:
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(function)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def reload(self, path: str = "*") -> None:
        """Tell every connected page to reload (``path``: what changed, for livereload's CSS-only reloads)."""
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})

        def send() -> None:
            for browser in list(self._browsers):
                try:
                    browser.write_message(message)
                except WebSocketClosedError:
                    self._browsers.discard(browser)

        self._call(send)

    @property
    def running(self) -> bool:
        return self._ready.is_set() and self._stopped is not None and not self._stopped.is_set()

    @property
    def browsers(self) -> int:
        """How many pages are connected for live reload."""
        return len(self._browsers)

    def stop(self) -> None:
        """Stop serving (from any thread) and wait for a background thread to end."""
        if self._stopped is not None:
            self._call(self._stopped.set)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        for sock in self._sockets:
            sock.close()
