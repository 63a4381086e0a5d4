"""Getting article text in: files (.txt, .md, .html), standard input, JSONL corpora, and URLs.

HTML is turned into text by trafilatura (a maintained main-content extractor; regular expressions
over markup lose text and keep boilerplate). The network is touched only when the user gives a URL,
and then only public http(s) addresses, with a time and a size limit.
"""

from __future__ import annotations

import codecs
import http.client
import ipaddress
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from srcgrade.model import Problem
from srcgrade.yamlio import MAX_FILE_BYTES, read_text_file

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""Pasted, uploaded or fetched articles above this are refused: no article is that long."""
URL_TIMEOUT_SECONDS = 10
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class IngestError(ValueError):
    """Input that cannot be turned into article text; the message says why and what to do."""


class RefusedError(IngestError):
    """srcgrade will not take this on purpose (a private or local address, a scheme other than
    http(s), a page over the size limit, a PDF): a rule, which retrying will not change."""


class UnreachableError(IngestError):
    """The address could not be reached: its name did not resolve, the connection failed or
    timed out. Usually this computer is offline; unlike a refusal, trying later may work, and
    the reader can paste the text instead, so the dashboard and the CLI say so."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"could not reach {host} ({reason})")
        self.host = host
        self.reason = reason


def _why_unreachable(error: BaseException) -> str:
    """A connection failure in a reader's words (urllib wraps the socket's error in a URLError;
    its reason is the OSError that says what happened)."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):  # socket.timeout too
        return f"no answer within {URL_TIMEOUT_SECONDS} s"
    if isinstance(reason, ConnectionRefusedError):
        return "the server did not accept the connection"
    if isinstance(reason, socket.gaierror):
        return "its name could not be looked up"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[0].lower() + reason.strerror[1:]
    return str(reason)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def html_to_text(html: str) -> str:
    """Main text of an HTML page, without scripts, navigation or markup."""
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_recall=True
    )
    if not text:
        from lxml import html as lxml_html

        try:
            tree = lxml_html.fromstring(html)
        except Exception:  # lxml raises several types on junk input
            return ""
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        text = tree.text_content()
    return text.strip()


def text_from_bytes(raw: bytes, name: str, charset: str | None = None) -> str:
    """Decode an uploaded or fetched document and strip HTML to text.

    ``charset``: the encoding a web server declared; files must be UTF-8.
    """
    if len(raw) > MAX_UPLOAD_BYTES:
        raise RefusedError(
            f"{name} is {len(raw) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )
    encoding = charset if charset and _known_encoding(charset) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        shown = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise IngestError(
            f"{name} is not valid {shown} (byte {error.start}); save it as UTF-8"
        ) from None
    _refuse_binary(text, name)
    if Path(name).suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise IngestError(f"{name} has no text to rate")
    return text


def _refuse_binary(text: str, name: str) -> None:
    """No text file holds a NUL character; a program or a database file that happens to decode
    as UTF-8 was rated as a one-word article."""
    at = text.find("\x00", 0, 65536)
    if at >= 0:
        raise IngestError(
            f"{name} holds binary data (a NUL byte at character {at}), not text; srcgrade reads "
            "articles as text (.txt, .md, .html)"
        )


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def text_from_path(path: str) -> str:
    """Text of a file given on the command line; '-' reads standard input."""
    if path == "-":
        import sys

        return text_from_bytes(sys.stdin.buffer.read(), "standard input")
    text, problem = read_text_file(Path(path))
    if problem:
        raise IngestError(str(problem))
    assert text is not None
    _refuse_binary(text, path)
    if Path(path).suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise IngestError(f"{path}: the file has no text to rate")
    return text


# --- URLs --------------------------------------------------------------------------------------


AddressCheck = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]
PAGE_TYPES = {"text/html", "application/xhtml+xml", "text/plain", "text/markdown"}


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable and not multicast: never this machine, a private network or link-local
    (cloud metadata) addresses."""
    return ip.is_global and not ip.is_multicast


_HOST_CHARACTERS = re.compile(r"[^\s/\\<>\"'`{}|^]+")
"""What a host name (or an internationalised one, or an IP address) can hold: no space, no quote
or bracket a pasted sentence brings along ("https://exa mple.org" could not be "looked up")."""


def _lacks_scheme(parts: urllib.parse.SplitResult) -> bool:
    """An address typed as a reader would ("bbc.com/news", "localhost:8501"), without http(s)://.

    urlsplit reads "localhost:8501" as the scheme "localhost" with the path "8501": a "scheme"
    followed by a port number is a host name. Such addresses are refused with a hint, not fetched
    with a scheme guessed for them.
    """
    if not parts.scheme:
        return True
    return not parts.netloc and re.fullmatch(r"\d+(/.*)?", parts.path) is not None


def check_public_url(url: str, allow: AddressCheck = is_public_address) -> tuple[str, str]:
    """Refuse anything but http(s) to a public address; return the URL and the resolved IP.

    Private, loopback, link-local, multicast and reserved ranges are refused so that a pasted URL
    cannot make the server probe the machine or network it runs on. Every address the name
    resolves to must pass, and the connection is then made to the returned one
    (:func:`fetch_url`), so the name cannot resolve elsewhere in between (DNS rebinding).
    """
    if not url.strip():
        raise IngestError("the address is empty; give a web address starting with https://")
    parts = urllib.parse.urlsplit(url.strip())
    if _lacks_scheme(parts):
        raise IngestError(
            "the address must start with https:// (or http://); add it, as in "
            f"'https://{url.strip().lstrip('/')}'"
        )
    if parts.scheme not in {"http", "https"}:
        raise RefusedError(
            f"only http:// and https:// addresses can be fetched, not '{parts.scheme}:'"
        )
    host = parts.hostname
    if not host:
        raise IngestError("the address has no host name")
    if any(c.isspace() for c in host) or not _HOST_CHARACTERS.fullmatch(host):
        raise IngestError(f"'{host}' is not a valid host name (spaces or characters a host "
                          "name cannot hold); check the address")
    default_port = 443 if parts.scheme == "https" else 80
    try:
        infos = socket.getaddrinfo(host, parts.port or default_port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        # No network, or no such name: both read "could not reach", never "refused".
        raise UnreachableError(host, "its name could not be looked up") from None
    except (UnicodeError, ValueError):
        raise IngestError(f"'{host}' is not a valid host name; check the address") from None
    addresses = {info[4][0] for info in infos}
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not allow(ip):
            raise RefusedError(
                f"'{host}' resolves to {ip}, a private, local or reserved address; "
                "only public addresses are fetched"
            )
    return url.strip(), sorted(addresses)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back to :func:`fetch_url`, which checks each new address before going."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _pinned(connection: type[http.client.HTTPConnection], ip: str):
    """A connection class that connects to ``ip`` whatever the host name resolves to now; the
    host name still goes in the Host header and, for https, in the certificate check."""

    class Pinned(connection):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = lambda address, *rest, **options: (
                socket.create_connection((ip, address[1]), *rest, **options)
            )

    return Pinned


class _PinnedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """http and https through :func:`_pinned` connections (replacing urllib's own handlers)."""

    def __init__(self, ip: str) -> None:
        urllib.request.HTTPSHandler.__init__(self)
        self.ip = ip

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_pinned(http.client.HTTPConnection, self.ip), req)

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_pinned(http.client.HTTPSConnection, self.ip), req,
                            context=self._context)


def fetch_url(url: str, max_redirects: int = 3, allow: AddressCheck = is_public_address) -> str:
    """Fetch a public web page and return its main text.

    Limits: :data:`URL_TIMEOUT_SECONDS` of silence, and the same for the whole download, checked
    as each chunk arrives (so a server that trickles bytes is cut off too, within twice the
    limit), :data:`MAX_UPLOAD_BYTES`, HTML or plain text only, no proxies
    from the environment, each redirect checked like the first address.
    """
    for _ in range(max_redirects + 1):
        checked, ip = check_public_url(url, allow)
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _NoRedirect, _PinnedHandler(ip)
        )
        request = urllib.request.Request(checked, headers={"User-Agent": "srcgrade/0.1"})
        deadline = time.monotonic() + URL_TIMEOUT_SECONDS
        try:
            response = opener.open(request, timeout=URL_TIMEOUT_SECONDS)
        except urllib.error.HTTPError as error:
            if error.code in {301, 302, 303, 307, 308} and error.headers.get("Location"):
                url = urllib.parse.urljoin(checked, error.headers["Location"])
                continue
            raise IngestError(f"the server answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            host = urllib.parse.urlsplit(checked).hostname or checked
            raise UnreachableError(host, _why_unreachable(error)) from None
        with response:
            kind = response.headers.get_content_type()
            if kind not in PAGE_TYPES:
                raise RefusedError(
                    f"{checked} is {kind}, not a web page or text; srcgrade reads HTML and plain "
                    "text (save the article's text to a .txt file and upload that)"
                )
            raw = _read_until(response, deadline, checked)
            charset = response.headers.get_content_charset()
        name = "page.txt" if kind == "text/plain" else "page.html"
        return text_from_bytes(raw, name, charset)
    raise IngestError(f"more than {max_redirects} redirects")


def _read_until(response: Any, deadline: float, shown: str) -> bytes:
    """The body, up to one byte over the size limit (for the size message), by the deadline."""
    chunks, size = [], 0
    host = urllib.parse.urlsplit(shown).hostname or shown
    while size <= MAX_UPLOAD_BYTES:
        try:
            chunk = response.read1(min(65536, MAX_UPLOAD_BYTES + 1 - size))
        except (TimeoutError, OSError) as error:
            raise UnreachableError(host, _why_unreachable(error)) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise UnreachableError(
                host, f"the page took more than {URL_TIMEOUT_SECONDS} s to arrive")
    return b"".join(chunks)


# --- JSONL corpora -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One line of a JSONL corpus: its id, text and every other field, passed through."""

    id: str
    text: str
    extra: dict[str, Any]
    line: int


def iter_jsonl(path: Path, problems: list[Problem]) -> Iterator[Record]:
    """Stream records from a JSONL file; bad lines are reported with their number and skipped."""
    shown = str(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        problems.append(Problem(shown, None, f"cannot read: {error.strerror}"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            record = _parse_line(raw, number, shown, problems)
            if record is not None:
                yield record


def _parse_line(raw: bytes, number: int, shown: str, problems: list[Problem]) -> Record | None:
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(shown, number, "line is over the size limit; skipped"))
        return None
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]  # Excel and PowerShell start UTF-8 files with a BOM
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(shown, number, "not valid UTF-8; skipped"))
        return None
    except json.JSONDecodeError as error:
        problems.append(Problem(shown, number, f"invalid JSON ({json_error(error)}); skipped"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, number, "not a JSON object; skipped"))
        return None
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        if text is None:
            said = 'no "text"; skipped'
        elif isinstance(text, str):
            said = 'an empty "text"; skipped'
        else:
            said = f'"text" is {json.dumps(text)[:40]}, not a string; skipped'
        problems.append(Problem(shown, number, said))
        return None
    if looks_like_html(text):  # a saved page: its main text, as `srcgrade score page.html` reads
        text = html_to_text(text)
        if not text:
            problems.append(Problem(shown, number, '"text" is an HTML page with no main text; '
                                    "skipped"))
            return None
    record_id = data.get("id")
    record_id = str(record_id) if record_id is not None else f"line-{number}"
    extra = {k: v for k, v in data.items() if k != "text"}
    return Record(record_id, text, extra, number)


_RAW_CHARACTERS = {
    "\n": "a raw line break inside a string, so the text runs on to the next line; write it as \\n",
    "\r": "a raw line break inside a string; write it as \\n",
    "\t": "a raw tab inside a string; write it as \\t",
}


def json_error(error: json.JSONDecodeError) -> str:
    """The JSON error with its column, in words: ``error.msg`` alone is cut ("Invalid control
    character at"), since the position follows in ``str(error)`` with a line number that is
    always 1 for one JSONL line."""
    message = error.msg[0].lower() + error.msg[1:]
    at = "column" if message.endswith(" at") else "at column"
    cut = error.pos >= len(error.doc.rstrip())
    # JSON reads the line's own break as space: a line cut short failed at "column 1" of a
    # line 2 that is not there. Its column is where the line ends.
    column = len(error.doc.rstrip("\r\n")) + 1 if cut else error.colno
    said = f"{message} {at} {column}"
    if message.startswith("invalid control character"):
        char = error.doc[error.pos : error.pos + 1] or " "
        other = f"a raw control character inside a string; write it as \\u{ord(char):04x}"
        said += ": " + _RAW_CHARACTERS.get(char, other)
    elif cut:
        said += ": the line ends before the JSON does; is it cut short?"
    return said


DESCRIBED_LINES = 1000
"""Lines :func:`describe_corpus` reads to say what a file that gave no record looks like."""


def describe_corpus(path: Path, lines: int = DESCRIBED_LINES) -> str | None:
    """What a file that yielded no record looks like, when it is plainly not a JSONL corpus of
    articles (``file:line: what it is; what to do``); None when its lines are merely broken."""
    fields: set[str] = set()
    objects = undecodable = seen = 0
    with path.open("rb") as handle:
        for number in range(1, lines + 1):
            raw = handle.readline(MAX_FILE_BYTES + 1)
            if not raw:
                break
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            seen += 1
            if seen == 1 and raw.lstrip().startswith(b"["):
                return (
                    f"{path}:{number}: a JSON array; rate takes JSONL, one JSON object per "
                    f"line: convert it (jq -c '.[]' {path} > {path.with_suffix('.jsonl')}), or "
                    "if srcgrade wrote it, write it again with --format jsonl"
                )
            try:
                data = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                undecodable += 1
                continue
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict):
                objects += 1
                fields.update(str(key) for key in data)
    if seen and not objects:
        kind = "not a text file (not UTF-8)" if undecodable else "no line is a JSON object"
        return (
            f'{path}: {kind}; rate takes a JSONL corpus: one JSON object per line, with the '
            'article in "text"'
        )
    if objects and "text" not in fields:
        found = ", ".join(sorted(fields)[:12])
        return (
            f'{path}: no line has a "text" field (fields found: {found}); rate reads each '
            'article from "text": rename the field that holds it'
        )
    return None


class _TitleParser(HTMLParser):
    """Collects the text of the first <title>; the standard library's parser runs nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.inside = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.inside = tag == "title" and not self.done

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.parts.append(data)


def html_title(raw: bytes) -> str | None:
    """The <title> of an HTML page, white space collapsed; None if it has none. An uploaded page
    was titled by its file name ("a.html"), which says nothing of the article; ``html_to_text``
    keeps the text only."""
    parser = _TitleParser()
    try:
        parser.feed(raw.decode("utf-8-sig", errors="replace"))
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    title = " ".join("".join(parser.parts).split())
    return title or None
