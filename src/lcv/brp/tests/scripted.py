"""A tiny HTTP server answering one scripted response: for the BRP's failures the test service does
not produce (403, 429, 5xx, a slow or malformed answer)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script = Script()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        script = self.server.script
        time.sleep(script.delay)
        self.send_response(script.status)
        self.send_header("Content-Type", script.content_type)
        self.send_header("Content-Length", str(len(script.body)))
        self.end_headers()
        self.wfile.write(script.body)

    def log_message(self, *args):
        pass


class ScriptedServer:
    def __init__(self):
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, **script):
        self.server.script = Script(**script)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
