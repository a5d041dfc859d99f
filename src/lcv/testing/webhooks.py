"""A real local webhook receiver for tests, the demo and the benchmark: an HTTP server in a thread
that verifies every request's signature with the `standardwebhooks` library, as a partner would,
and answers the status it is told to."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    document: Any  # the verified JSON, or None when the signature did not verify
    verified: bool


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    secret: str = ""  # set after the endpoint is registered (the portal makes the secret)
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (time-outs)
    received: list[Received] = field(default_factory=list)
    verify: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/lcv/webhook"

    @property
    def verified(self) -> list[Received]:
        return [item for item in self.received if item.verified]

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver

        def setup(self) -> None:
            super().setup()
            # as real servers do: the answer's headers and body go out without waiting for an ACK
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            document, verified = None, False
            if receiver.verify and receiver.secret:
                try:
                    document = Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    document = json.loads(body) if body else None
            with receiver.lock:
                receiver.received.append(Received(headers, body, document, verified))
            if receiver.delay:
                threading.Event().wait(receiver.delay)
            answer = b"ok" if 200 <= receiver.status < 300 else b"fout"
            self.send_response(receiver.status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_GET(self) -> None:
            """What arrived so far (the benchmark asks a receiver in another process)."""
            with receiver.lock:
                ids = [item.headers.get("webhook-id") for item in receiver.received]
                figures = {"received": len(ids), "verified": len(receiver.verified), "unique_ids": len(set(ids))}
            answer = json.dumps(figures).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def webhook_receiver(
    host: str = "127.0.0.1", *, port: int = 0, tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    """A running receiver; with `tls` it answers https (see `tls_for`)."""
    server = _Server((host, port), _handler_placeholder)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    server.RequestHandlerClass = _handler(receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 refuses connections when many senders connect at once


class _handler_placeholder(BaseHTTPRequestHandler):  # replaced before the server serves
    pass


def tls_for(directory: Path, name: str) -> tuple[Path, ssl.SSLContext]:
    """A test CA and a server certificate for the DNS name `name`, made now: (the CA's PEM file to
    trust, the server's TLS context)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "LCV test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = directory / "server.pem", directory / "server.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return ca_file, context


def main() -> None:
    """`python -m lcv.testing.webhooks [--port N] [--secret whsec_…]`: a receiver in its own
    process; prints its URL."""
    import argparse

    parser = argparse.ArgumentParser(description="A local webhook receiver that verifies signatures.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    with webhook_receiver(port=args.port) as receiver:
        receiver.secret = args.secret
        print(receiver.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
