"""A real HTTP proxy on loopback that can change what an API answers: an out-of-contract value,
a listing that leaves records out. The simulators stay as the contract says; the hostile part
lives here, in the tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

# (path with query, decoded JSON body) -> the body to send instead
Rewrite = Callable[[str, Any], Any]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 stalls concurrent clients


@contextmanager
def proxy(upstream: str, rewrite: Rewrite) -> Iterator[str]:
    """Serve `upstream` on a free port, JSON bodies passed through `rewrite`; yields the URL
    that replaces `upstream` (same path prefix)."""
    parts = urlsplit(upstream)
    client = httpx.Client(base_url=f"{parts.scheme}://{parts.netloc}", timeout=60)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = client.get(self.path, headers=headers)
            body = answer.content
            if answer.status_code == 200 and "json" in answer.headers.get("content-type", ""):
                body = json.dumps(rewrite(self.path, answer.json())).encode()
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in {"content-length", "transfer-encoding", "connection",
                                        "content-encoding"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{parts.path}"
    finally:
        server.shutdown()
        server.server_close()
        client.close()


@contextmanager
def serving(body: bytes, content_type: str) -> Iterator[str]:
    """A server that answers every GET with the same body (an HTML page, say)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
