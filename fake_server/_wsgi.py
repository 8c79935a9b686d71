"""Everything the fake server takes from werkzeug: the connection handler and the answer type.

werkzeug's own handler closes every connection after one answer (``Connection:
close``) and drains unread input with a blocking read. The real service keeps
HTTP/1.1 connections alive, and a client's connection reuse should be exercised
offline too, so :class:`KeepAliveHandler` answers each request itself: the body
is read by the application (see :func:`read_body`), the answer is written in
one piece with its ``Content-Length``, and the connection stays open unless the
request asked to close it, its body was not read to the end, or the answer says
so (:attr:`CLOSE`).

The token endpoint's throughput is measured against a keep-alive ``http.server``
(``bench/bench_server.py``), so the common case is kept short: a plain HTTP/1.1
request whose headers have arrived is parsed and given its environ here, with the
same results as ``http.server`` and werkzeug (which still take anything else);
socket reads and writes are bounded by the kernel (``SO_RCVTIMEO``/``SO_SNDTIMEO``),
not by a poll before each; and the accept loop sleeps until a connection or stop().
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import re
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer, WSGIRequestHandler

__all__ = [
    "CLOSE",
    "DEFAULT_IDLE_TIMEOUT",
    "MAX_BODY_BYTES",
    "Answer",
    "KeepAliveHandler",
    "close_connections",
    "read_body",
    "serve",
]

MAX_BODY_BYTES = 64 * 1024
#: seconds a connection has to send a whole request (from its opening, or the last answer)
#: before it is closed: a client that sends a request sends it at once
DEFAULT_IDLE_TIMEOUT = 10.0
#: An environ key: set to ``True`` to close the connection after this answer.
CLOSE = "fake_server.close"
_DRAINED = "fake_server.drained"
_DROPPED = (ConnectionError, socket.timeout, BrokenPipeError, OSError)


class Answer:
    """A finished response as a plain WSGI application.

    The fake server builds every answer of its own with this instead of
    ``werkzeug.Response``: the headers are a list, set once, so an answer costs a
    few microseconds (the token endpoint's throughput depends on it).

    Args:
        body: the bytes to send.
        status: the HTTP status.
        content_type: the ``Content-Type`` header.
        headers: more headers.
        close: close the connection after this answer (for answers that lie about
            their length, or cut the connection).
    """

    __slots__ = ("body", "close", "headers", "status_code")

    def __init__(
        self,
        body: bytes,
        status: int = 200,
        content_type: str = "application/json",
        headers: Iterable[tuple[str, str]] = (),
        *,
        close: bool = False,
    ) -> None:
        self.body = body
        self.status_code = status
        self.close = close
        self.headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        self.headers.extend(headers)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        phrase = _PHRASES.get(self.status_code, "Unknown")
        if self.close:
            environ[CLOSE] = True
        start_response(f"{self.status_code} {phrase}", self.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]


_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def _content_length(environ: dict[str, Any]) -> int | None:
    value = environ.get("CONTENT_LENGTH", "")
    if not value:
        return 0
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body (at most ``MAX_BODY_BYTES`` + 1 bytes) and put it back as a stream.

    A body that is larger, or chunked and malformed, is left unread and marks the
    connection for closing: the next request on it could not be found reliably.

    Raises:
        OSError: the chunked body is malformed (werkzeug's de-chunker says so).
    """
    stream = environ["wsgi.input"]
    environ["fake_server.content_length"] = environ.get("CONTENT_LENGTH", "")
    length = _content_length(environ)
    if length is None:
        environ[CLOSE] = True
        body = b""
    elif length:
        if length > MAX_BODY_BYTES:
            environ[CLOSE] = True  # not read at all: answered 413 by the route
            body = b""
        else:
            body = bytes(stream.read(length))
            if len(body) < length:
                environ[CLOSE] = True
    elif environ.get("wsgi.input_terminated"):  # chunked: werkzeug de-chunks until the end
        try:
            body = bytes(stream.read(MAX_BODY_BYTES + 1))
        except OSError:
            environ[CLOSE] = True
            environ["wsgi.input"] = io.BytesIO()
            raise
        if len(body) > MAX_BODY_BYTES:
            environ[CLOSE] = True
    else:
        body = b""
    environ[_DRAINED] = True
    # handlers registered with expect_request read request.data from here
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("wsgi.input_terminated", None)
    return body


class KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's handler with HTTP/1.1 keep-alive, quiet, and errors in the JSON envelope.

    ``disable_nagle_algorithm`` sets TCP_NODELAY, and a buffered ``wfile`` sends
    the status line, headers and body in one write, so no answer waits on Nagle's
    algorithm and the peer's delayed ACK. Requests are logged in the server's
    journal instead of on stderr.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = DEFAULT_IDLE_TIMEOUT  # the server's idle_timeout, when it has one
    # big enough for headers and a token answer in one write; small enough that the
    # buffer comes from the heap, not an mmap per connection (glibc's threshold is 128 KiB)
    wbufsize = 32 * 1024
    plain = False  # this request was parsed by the fast path (see parse_request)
    plain_headers: tuple[tuple[str, str], ...] = ()  # its headers, as (name, value)

    def setup(self) -> None:
        super().setup()
        # a client cannot take longer than this to send a request, whether it sends nothing
        # (idle, or stalled half-way) or drips one byte at a time
        self.idle_timeout: float = getattr(self.server, "idle_timeout", self.timeout)
        self.deadline = time.monotonic() + self.idle_timeout
        # A blocking socket whose reads and writes the kernel bounds (SO_RCVTIMEO/SO_SNDTIMEO):
        # with a Python timeout instead, each read and write would cost a poll() first, and
        # each change of it an ioctl(), all under the GIL's hand-offs.
        self.kernel_timeouts = _KERNEL_TIMEOUTS
        if self.kernel_timeouts:
            self.connection.settimeout(None)
            _set_kernel_timeout(self.connection, socket.SO_SNDTIMEO, self.idle_timeout)
            _set_kernel_timeout(self.connection, socket.SO_RCVTIMEO, self.idle_timeout)
            self.read_timeout = self.idle_timeout  # what SO_RCVTIMEO holds now
        else:
            self.connection.settimeout(self.idle_timeout)
        self.rfile.close()  # the plain one: its reads would wait idle_timeout each
        self.rfile = io.BufferedReader(_DeadlineReader(self))
        connections = getattr(self.server, "open_connections", None)
        if connections is not None:
            with connections.lock:
                connections.add(self.connection)

    def finish(self) -> None:
        connections = getattr(self.server, "open_connections", None)
        if connections is not None:
            with connections.lock:
                connections.discard(self.connection)
        try:
            super().finish()
        except OSError:  # the peer, or a "disconnect" fault, closed the connection first
            self.rfile.close()

    def handle_one_request(self) -> None:
        """One request, which must arrive whole within ``idle_timeout`` of the last answer."""
        self.deadline = time.monotonic() + self.idle_timeout
        if self.kernel_timeouts and self.read_timeout != self.idle_timeout:
            _set_kernel_timeout(self.connection, socket.SO_RCVTIMEO, self.idle_timeout)
            self.read_timeout = self.idle_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        """Refuse an HTTP/0.9 request line (``GET /``) at once: no headers follow one, so
        waiting for them would hold the client until the socket timeout.

        A plain HTTP/1.1 request whose headers have all arrived is parsed here, with the
        same result as ``http.server``'s parser (which goes through the ``email`` package
        and costs about a third of a token request); anything else goes to that parser.
        """
        self.plain = False
        if _PLAIN_REQUEST_LINE.match(self.raw_requestline) and self._parse_plain_headers():
            self.plain = True
            return True
        words = self.raw_requestline.decode("latin-1").split()
        if len(words) != 2:
            return bool(super().parse_request())
        self.command, self.path = words
        self.request_version = "HTTP/0.9"
        self.send_error(400, "HTTP/0.9 requests are not supported; send HTTP/1.1")
        return False

    def _parse_plain_headers(self) -> bool:
        """The request line and headers of a plain request, if its header block is already
        buffered and every line is ``name: printable ASCII``; ``False`` (nothing read) if not.
        """
        buffered = self.rfile.peek(_MAX_PLAIN_HEADERS)  # type: ignore[attr-defined]  # a BufferedReader
        end = buffered.find(b"\r\n\r\n")
        if end < 0 or not _PLAIN_HEADERS.fullmatch(buffered, 0, end + 2):
            return False
        lines = buffered[:end].decode("ascii").split("\r\n")
        if len(lines) >= _MAX_HEADERS:  # http.server refuses 100 and more: let it say so
            return False
        self.rfile.read(end + 4)  # the header block and the empty line: already buffered
        headers = self.MessageClass()
        pairs = []
        for line in lines:
            name, value = line.split(":", 1)
            pair = (name, value.lstrip(" \t"))  # as email's compat32 policy does
            pairs.append(pair)
            headers.set_raw(*pair)
        headers.set_payload("")
        self.plain_headers = tuple(pairs)  # what headers.items() gives, without its work
        requestline = self.raw_requestline[:-2].decode("ascii")
        self.requestline = requestline
        self.command, self.path, self.request_version = requestline.split(" ")
        self.headers = headers
        # the rest as http.server does it for an HTTP/1.1 request
        self.close_connection = headers.get("Connection", "").lower() == "close"
        expect = headers.get("Expect", "")
        return expect.lower() != "100-continue" or bool(self.handle_expect_100())

    # every method is answered by run_wsgi (werkzeug finds it through __getattr__, twice a request)
    def do_GET(self) -> None:
        self.run_wsgi()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def handle_expect_100(self) -> bool:
        """Nothing yet: :meth:`run_wsgi` sends the one ``100 Continue`` (http.server's would
        be a second one, and waited in the write buffer)."""
        return True

    def make_environ(self) -> dict[str, Any]:
        """werkzeug's environ; for a plain request (see :meth:`parse_request`) whose target
        has nothing to decode, built here with the same keys and values, in a third of the
        time."""
        path = self.path
        address = self.client_address
        if (
            not self.plain
            or "%" in path
            or "#" in path
            or not isinstance(address, tuple)
            or "Transfer-Encoding" in self.headers  # de-chunking: werkzeug's
        ):
            return super().make_environ()
        server = self.server
        path_info, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": server.multithread,
            "wsgi.multiprocess": server.multiprocess,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "REQUEST_URI": path,
            "RAW_URI": path,
            "REMOTE_ADDR": address[0],
            "REMOTE_PORT": address[1],
            "SERVER_NAME": server.server_address[0],
            "SERVER_PORT": str(server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in self.plain_headers:
            if "_" in name:
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        return environ

    def run_wsgi(self) -> None:
        """Answer one request, then keep the connection unless something says to close it."""
        expect = (
            next((v for k, v in self.plain_headers if k.lower() == "expect"), "")
            if self.plain
            else self.headers.get("Expect", "")  # the first one, as the plain path finds it
        )
        if expect.lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()  # now: the client waits for it before it sends the body
        environ = self.make_environ()
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return lambda data: None  # the old-style write() is not used by our answers

        try:
            result = self.server.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except _DROPPED:
            self.close_connection = True
            return
        status, headers = started
        if not environ.get(_DRAINED) or environ.get(CLOSE):
            self.close_connection = True
        head = [f"{self.protocol_version} {status}\r\n"]
        has_length = False
        for key, value in headers:
            if key.lower() == "content-length":
                has_length = True
            elif key.lower() == "connection":
                continue
            head.append(f"{key}: {value}\r\n")
        if not has_length:
            code = int(status.split(None, 1)[0])
            if not (100 <= code < 200 or code in (204, 304) or environ["REQUEST_METHOD"] == "HEAD"):
                head.append(f"Content-Length: {len(body)}\r\n")
        if self.close_connection:
            head.append("Connection: close\r\n")
        elif self.request_version == "HTTP/1.0":
            head.append("Connection: keep-alive\r\n")
        head.append("\r\n")
        if not self.kernel_timeouts:
            self.connection.settimeout(self.idle_timeout)  # the reader's left: the answer's own
        try:
            self.wfile.write("".join(head).encode("latin-1") + body)
            self.wfile.flush()
        except _DROPPED:
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found before the application (URL too long, bad request line) in the envelope."""
        description = message or HTTPStatus(code).phrase
        if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:
            code = 400  # the client's fault: bad input is always a 4xx here
        on_rejected = getattr(self.server, "on_rejected", None)
        if on_rejected is not None:  # recorded before the answer goes out
            on_rejected(self.command or "", getattr(self, "path", "") or "", int(code))
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # an unreadable request line still gets headers
        error = "invalid_request" if code < 500 else "server_error"
        body = json.dumps(
            {"success": False, "error": error, "error_description": f"fake server: {description}"}
        ).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def log_error(self, format: str, *args: Any) -> None:
        pass  # answered with the envelope above; the journal records what reached the app


#: ``METHOD /target HTTP/1.1``: one space each, printable ASCII, a target not starting ``//``
_PLAIN_REQUEST_LINE = re.compile(rb"[A-Z]+ /(?:[!-.0-~][!-~]*)? HTTP/1\.1\r\n\Z")
#: header lines ``token: value`` in printable ASCII (or tabs), no continuation lines
_PLAIN_HEADERS = re.compile(rb"(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t -~]*\r\n)+")
_MAX_PLAIN_HEADERS = 8192  # a BufferedReader's buffer: larger blocks take http.server's path
_MAX_HEADERS = 100  # http.client._MAXHEADERS


class _DeadlineReader(io.RawIOBase):
    """A handler's socket as a raw stream whose reads end at the handler's ``deadline``."""

    def __init__(self, handler: KeepAliveHandler) -> None:
        super().__init__()
        self.handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        handler = self.handler
        left = self.handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive within idle_timeout")
        sock = handler.connection
        if not handler.kernel_timeouts:
            sock.settimeout(left)
            received: int = sock.recv_into(buffer)
            return received
        # The first read of a request waits at most idle_timeout, as SO_RCVTIMEO already says
        # (a syscall saved); a later one only what is left of it.
        if left < handler.read_timeout - _SLACK:
            _set_kernel_timeout(sock, socket.SO_RCVTIMEO, left)
            handler.read_timeout = left
        try:
            received = sock.recv_into(buffer)
        except BlockingIOError:  # SO_RCVTIMEO ran out
            raise TimeoutError("the request did not arrive within idle_timeout") from None
        return received


#: how far past the deadline a read may wait before SO_RCVTIMEO is set again (seconds)
_SLACK = 0.005
#: Linux and macOS take a ``struct timeval`` for SO_RCVTIMEO/SO_SNDTIMEO; elsewhere the
#: Python timeouts are used.
_KERNEL_TIMEOUTS = sys.platform.startswith(("linux", "darwin"))


def _set_kernel_timeout(sock: socket.socket, option: int, seconds: float) -> None:
    """Bound each blocking read (``SO_RCVTIMEO``) or write (``SO_SNDTIMEO``) by ``seconds``."""
    whole = int(seconds)
    micros = max(int((seconds - whole) * 1_000_000), 0 if whole else 1)  # 0 would be no limit
    sock.setsockopt(socket.SOL_SOCKET, option, struct.pack("ll", whole, micros))


class _Connections(set[socket.socket]):
    """The server's open connections, so that stopping it also closes idle keep-alive ones."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def close_all(self) -> None:
        with self.lock:
            sockets = list(self)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the peer
                sock.shutdown(socket.SHUT_RDWR)


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, whose accept loop sleeps until a connection or :meth:`shutdown`.

    socketserver's loop wakes every ``poll_interval`` to look for a shutdown request: short,
    stop() is fast but the loop takes the GIL hundreds of times a second from the threads
    answering requests; long, stop() waits. Here shutdown() wakes the loop through a socket
    pair, so it waits without polling and still stops at once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # first: werkzeug calls server_close() when it cannot bind
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(*args, **kwargs)
        self._stopping = False
        self._stopped = threading.Event()
        self._stopped.set()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections until :meth:`shutdown`; ``poll_interval`` is unused (see above)."""
        self._stopped.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self, selectors.EVENT_READ)
                selector.register(self._wake_reader, selectors.EVENT_READ)
                while not self._stopping:
                    ready = selector.select()
                    if self._stopping:
                        break
                    if any(key.fileobj is self for key, _ in ready):
                        self._handle_request_noblock()  # type: ignore[attr-defined]  # socketserver's, not in typeshed
        finally:
            self._stopping = False
            self._stopped.set()
            self.server_close()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait until it has returned."""
        self._stopping = True
        with contextlib.suppress(OSError):  # already closed: the loop has ended
            self._wake_writer.send(b"x")
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()


def serve(
    host: str,
    port: int,
    app: Callable[..., Any],
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
) -> BaseWSGIServer:
    """A threaded werkzeug server for ``app`` with :class:`KeepAliveHandler`, not yet serving.

    Args:
        host: the address to bind.
        port: the port (0: any free one).
        app: the WSGI application.
        idle_timeout: seconds a connection has to send a whole request (from its opening,
            or the last answer) before it is closed.

    Raises:
        OSError: the address cannot be bound.
    """
    try:
        server = _Server(host, port, app, KeepAliveHandler)
    except SystemExit:  # werkzeug exits the process when it cannot bind
        raise OSError(errno.EADDRINUSE, f"cannot listen on {host}:{port}") from None
    server.open_connections = _Connections()  # type: ignore[attr-defined]  # read by the handler
    server.idle_timeout = idle_timeout  # type: ignore[attr-defined]  # read by the handler
    return server


def close_connections(server: BaseWSGIServer) -> None:
    """Close every connection ``server`` still holds open (idle keep-alive ones included)."""
    connections = getattr(server, "open_connections", None)
    if isinstance(connections, _Connections):
        connections.close_all()
