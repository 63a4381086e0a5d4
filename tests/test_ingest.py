"""Fetching a URL: only the address that was checked is contacted, within time, size and type.

The pages come from a small HTTP server on this machine; the tests let the loopback address
through ``allow`` (the default refuses it, as tests/test_cli.py checks).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from srcgrade import ingest
from srcgrade.ingest import IngestError, fetch_url

ARTICLE = (
    "<html><head><title>Trial</title><script>alert(1)</script></head><body><article>"
    "<h1>MDMA trial</h1><p>In a phase 3 trial published in Nature Medicine, 67% of participants "
    "no longer met the criteria for PTSD after 18 weeks, against 32% with placebo.</p>"
    "<p>The researchers said the results were preliminary and would need to be replicated.</p>"
    "</article></body></html>"
)


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, kind: str, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/article":
            self._send(ARTICLE.encode(), "text/html; charset=utf-8")
        elif self.path == "/latin1":
            page = "<html><body><p>Caf\u00e9 owners say the miracle cure works.</p></body></html>"
            self._send(page.encode("latin-1"), "text/html; charset=iso-8859-1")
        elif self.path == "/pdf":
            self._send(b"%PDF-1.7 ...", "application/pdf")
        elif self.path == "/to-private":
            self._send(b"", "text/html", 302, Location="http://10.1.2.3/secret")
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.1)
        else:
            self._send(b"not here", "text/plain", 404)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def loopback(ip) -> bool:
    return ip.is_loopback


def test_a_page_is_reduced_to_its_main_text(server):
    text = fetch_url(f"{server}/article", allow=loopback)
    assert "67% of participants" in text and "preliminary" in text
    assert "alert(1)" not in text and "<p>" not in text


def test_the_charset_the_server_declares_is_used(server):
    assert "Caf\u00e9 owners" in fetch_url(f"{server}/latin1", allow=loopback)


def test_a_redirect_to_a_private_address_is_refused(server):
    with pytest.raises(IngestError, match=r"10\.1\.2\.3, a private, local or reserved address"):
        fetch_url(f"{server}/to-private", allow=loopback)


def test_a_pdf_is_named_as_such_not_decoded(server):
    with pytest.raises(IngestError, match="is application/pdf, not a web page"):
        fetch_url(f"{server}/pdf", allow=loopback)


def test_a_missing_page_gives_the_servers_answer(server):
    with pytest.raises(IngestError, match="404"):
        fetch_url(f"{server}/nothing", allow=loopback)


def test_the_size_limit_holds(server, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(IngestError, match="the limit is"):
        fetch_url(f"{server}/article", allow=loopback)


def test_a_server_that_trickles_is_cut_off_at_the_time_limit(server, monkeypatch):
    monkeypatch.setattr(ingest, "URL_TIMEOUT_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(IngestError, match="took more than 1 s"):
        fetch_url(f"{server}/trickle", allow=loopback)
    assert time.monotonic() - started < 3  # the page would take 4 s; each read is quick


@pytest.mark.parametrize(("scheme", "port"), [("http", 80), ("https", 443)])
def test_the_connection_goes_to_the_checked_address_not_a_new_lookup(monkeypatch, scheme, port):
    """DNS rebinding: the name resolves to a public address when checked and to this machine a
    moment later. The connection must go to the address that was checked."""
    lookups: list[str] = []
    connected: list[tuple[str, int]] = []

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        address = "93.184.216.34" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("stopped by the test")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(IngestError, match="could not fetch"):
        fetch_url(f"{scheme}://rebind.example/article")
    assert connected == [("93.184.216.34", port)] and lookups == ["rebind.example"]


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name lookup fails the test: these addresses must be refused before one."""

    def lookup(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a DNS lookup was made for {args[0]!r}")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


@pytest.mark.parametrize(
    "url", ["localhost", "bbc.com/news", " www.bbc.com/news/x ", "localhost:8650",
            "127.0.0.1:8501/", "example.org:8080/page", "//bbc.com/news"]
)
def test_an_address_without_http_says_to_add_https(no_dns, url):
    """What readers type: the refusal says what to add, instead of "not ':'"; nothing is fetched
    with a guessed scheme."""
    with pytest.raises(IngestError) as refused:
        fetch_url(url)
    message = str(refused.value)
    assert "https://" in message and f"'https://{url.strip().lstrip('/')}'" in message
    assert "not ':'" not in message


@pytest.mark.parametrize(
    ("url", "scheme"), [("file:///etc/passwd", "file"), ("javascript:alert(1)", "javascript"),
                        ("ftp://example.org/x", "ftp"), ("data:text/html,hi", "data"),
                        ("mailto:someone@example.org", "mailto")]
)
def test_other_schemes_are_still_refused_by_name(no_dns, url, scheme):
    with pytest.raises(IngestError, match=f"only http:// and https:// .* not '{scheme}:'"):
        fetch_url(url)
