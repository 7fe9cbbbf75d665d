"""gunicorn's threaded worker, with the request headers read before a thread is spent.

In gunicorn's ``gthread`` worker a connection goes to a thread as soon as it has sent one
byte, and the thread then waits, blocking, for the rest of the headers. 200 clients that
send half a request line (slow or hostile: "slowloris") held every thread of both workers
and ``/api/health`` timed out (measured: docs/reliability.md). Here the worker's own event
loop collects the headers without blocking; a connection reaches a thread only once its
headers are complete (or too large, which the parser then refuses with a 400). A client
gets ``HEADER_SECONDS`` to send them, idle or not, after which it is closed; a thread that
reads or writes waits at most ``SOCKET_SECONDS`` for the client. A request line and headers
past ``MAX_HEAD`` are refused here, in the API's JSON error shape (431), so gunicorn's own
8 KB request-line cap is lifted: a long URL reaches the app, which says what is too long.
"""

from __future__ import annotations

import contextlib
import errno
import json
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

HEADER_SECONDS = 10.0  # to send the request headers, from the connection or the last request
SOCKET_SECONDS = 30.0  # a thread's longest wait on a client's socket
MAX_HEAD = 64 * 1024  # past this, the parser sees the request (and refuses it)
_END_OF_HEAD = b"\r\n\r\n"
_TOO_LARGE_BODY = json.dumps({"error": {
    "code": "request_too_large",
    "message": f"the request line and headers pass {MAX_HEAD // 1024} KiB; send a shorter"
               " request (a search's q has at most 2,000 characters)"}}).encode()
TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
             b"Content-Type: application/json\r\nConnection: close\r\n"
             b"Content-Length: " + str(len(_TOO_LARGE_BODY)).encode() + b"\r\n\r\n"
             + _TOO_LARGE_BODY)


class HeaderBufferingWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._heads: dict = {}  # connection -> (bytes so far, deadline)

    def accept(self, server, listener):
        # gunicorn's own, with the connection's deadline for its headers
        try:
            sock, client = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        conn = TConn(self.cfg, sock, client, server)
        self.nr_conns += 1
        with self._lock:
            self._heads[conn] = (b"", time.monotonic() + HEADER_SECONDS)
            self.poller.register(conn.sock, selectors.EVENT_READ,
                                 partial(self.on_client_socket_readable, conn))

    def on_client_socket_readable(self, conn, client):
        try:
            data = conn.sock.recv(MAX_HEAD)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        with self._lock:
            if conn.initialized and conn not in self._heads:
                # a kept-alive connection starts its next request: out of the keepalive queue
                try:
                    self._keep.remove(conn)
                except ValueError:
                    return  # closed by murder_keepalived meanwhile
            head, deadline = self._heads.get(conn, (b"", time.monotonic() + HEADER_SECONDS))
            head += data
            if data and _END_OF_HEAD not in head and len(head) < MAX_HEAD:
                self._heads[conn] = (head, deadline)
                return  # not yet: wait for more without holding a thread
            self._heads.pop(conn, None)
            self.poller.unregister(client)
        if _END_OF_HEAD not in head[:MAX_HEAD] and len(head) >= MAX_HEAD:
            self._refuse(conn)  # the app's JSON error shape, not gunicorn's HTML page
            return
        if not data and not head:  # the client went away
            self.nr_conns -= 1
            conn.close()
            return
        conn.init()
        conn.sock.settimeout(SOCKET_SECONDS)
        conn.parser.unreader.unread(head)
        future = self.tpool.submit(self.handle, conn)
        self._wrap_future(future, conn)

    def _refuse(self, conn) -> None:
        with contextlib.suppress(OSError):
            conn.sock.setblocking(True)
            conn.sock.settimeout(1.0)
            conn.sock.sendall(TOO_LARGE)
        self.nr_conns -= 1
        conn.close()

    def murder_keepalived(self):
        super().murder_keepalived()
        now = time.monotonic()
        with self._lock:
            # (kept-alive connections idle between requests are gunicorn's: keepalive)
            late = [conn for conn, (_, deadline) in self._heads.items() if deadline < now]
            for conn in late:
                del self._heads[conn]
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self.poller.unregister(conn.sock)
        for conn in late:
            self.nr_conns -= 1
            conn.close()
