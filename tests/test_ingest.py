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
from srcgrade.ingest import IngestError, RefusedError, UnreachableError, fetch_url

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
    with pytest.raises(UnreachableError, match=r"could not reach rebind\.example"):
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
    ("url", "said"), [("https://exa mple.org/x", "'exa mple.org' is not a valid host name"),
                      ('https://"example.org"/x', "is not a valid host name"),
                      ("   ", "the address is empty"), ("", "the address is empty")]
)
def test_an_address_that_cannot_be_one_is_named_not_looked_up(no_dns, url, said):
    """"https://exa mple.org" was looked up and reported as "is this computer online?", and a
    blank address was told to add https:// to nothing."""
    with pytest.raises(IngestError, match=said) as refused:
        fetch_url(url)
    assert "online" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "scheme"), [("file:///etc/passwd", "file"), ("javascript:alert(1)", "javascript"),
                        ("ftp://example.org/x", "ftp"), ("data:text/html,hi", "data"),
                        ("mailto:someone@example.org", "mailto")]
)
def test_other_schemes_are_still_refused_by_name(no_dns, url, scheme):
    with pytest.raises(IngestError, match=f"only http:// and https:// .* not '{scheme}:'"):
        fetch_url(url)


# --- "could not reach" is not "refused" ---------------------------------------------------------


def _public(host, port, *args, **kwargs):
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]


def test_no_network_is_could_not_reach_not_refused(monkeypatch):
    """Offline, "https://www.nhs.uk/..." was "Refused: cannot resolve host", the word used for a
    private address: a policy block the reader cannot get round, which this is not."""

    def offline(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    with pytest.raises(UnreachableError) as failed:
        fetch_url("https://www.nhs.uk/conditions/ptsd/")
    assert not isinstance(failed.value, RefusedError)
    assert failed.value.host == "www.nhs.uk"
    assert str(failed.value) == "could not reach www.nhs.uk (its name could not be looked up)"


@pytest.mark.parametrize(
    ("raised", "reason"),
    [(ConnectionRefusedError(111, "Connection refused"),
      "the server did not accept the connection"),
     (TimeoutError("timed out"), "no answer within 10 s"),
     (OSError(101, "Network is unreachable"), "network is unreachable")],
)
def test_a_failed_connection_is_could_not_reach(monkeypatch, raised, reason):
    def connect(*args, **kwargs):
        raise raised

    monkeypatch.setattr(socket, "getaddrinfo", _public)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(UnreachableError) as failed:
        fetch_url("https://example.org/page")
    assert str(failed.value) == f"could not reach example.org ({reason})"


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://169.254.169.254/latest/", "ftp://example.org/x"]
)
def test_policy_blocks_are_refusals(url):
    with pytest.raises(RefusedError):
        fetch_url(url)


def test_too_large_and_not_a_page_are_refusals(server, monkeypatch):
    with pytest.raises(RefusedError, match="not a web page"):
        fetch_url(f"{server}/pdf", allow=loopback)
    monkeypatch.setattr(ingest, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(RefusedError, match="the limit is"):
        fetch_url(f"{server}/article", allow=loopback)


def test_a_missing_page_is_neither_refused_nor_unreachable(server):
    with pytest.raises(IngestError) as failed:
        fetch_url(f"{server}/nothing", allow=loopback)
    assert type(failed.value) is IngestError


# --- JSONL errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "said"),
    [('{"id": "a", "text": "first line\n', "invalid control character at column 32: a raw line "
      "break inside a string, so the text runs on to the next line; write it as \\n"),
     ('{"id": "b", "text": "tab\there"}\n', "invalid control character at column 25: a raw tab "
      "inside a string; write it as \\t"),
     ('{"id": "c", "text": "ok"} x\n', "extra data at column 27"),
     ('{"id": "d" "text": "ok"}\n', "expecting ',' delimiter at column 12"),
     ('{"id": "e", "text":\n', "expecting value at column 20: the line ends before the JSON "
      "does; is it cut short?")],
)
def test_a_bad_jsonl_line_says_what_and_where(tmp_path, line, said):
    """The message read "invalid JSON (Invalid control character at); skipped": cut before its
    column, and silent about the raw line break that causes it."""
    from srcgrade.ingest import iter_jsonl

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(line + '{"id": "ok", "text": "fine"}\n', encoding="utf-8")
    problems: list = []
    assert [r.id for r in iter_jsonl(corpus, problems)] == ["ok"]
    assert [p.message for p in problems] == [f"invalid JSON ({said}); skipped"]
