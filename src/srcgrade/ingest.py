"""Getting article text in: files (.txt, .md, .html), standard input, JSONL corpora, and URLs.

HTML is turned into text by trafilatura (a maintained main-content extractor; regular expressions
over markup lose text and keep boilerplate). The network is touched only when the user gives a URL,
and then only public http(s) addresses, with a time and a size limit.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
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


def text_from_bytes(raw: bytes, name: str) -> str:
    """Decode an uploaded or fetched document and strip HTML to text."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise IngestError(
            f"{name} is {len(raw) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{name} is not valid UTF-8 (byte {error.start}); save it as UTF-8"
        ) from None
    if Path(name).suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise IngestError(f"{name} has no text to rate")
    return text


def text_from_path(path: str) -> str:
    """Text of a file given on the command line; '-' reads standard input."""
    if path == "-":
        import sys

        return text_from_bytes(sys.stdin.buffer.read(), "standard input")
    text, problem = read_text_file(Path(path))
    if problem:
        raise IngestError(str(problem))
    assert text is not None
    if Path(path).suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise IngestError(f"{path}: the file has no text to rate")
    return text


# --- URLs --------------------------------------------------------------------------------------


def check_public_url(url: str) -> tuple[str, str]:
    """Refuse anything but http(s) to a public address; return the URL and the resolved IP.

    Private, loopback, link-local, multicast and reserved ranges are refused so that a pasted URL
    cannot make the server probe the machine or network it runs on.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise IngestError(
            f"only http:// and https:// addresses can be fetched, not '{parts.scheme}:'"
        )
    host = parts.hostname
    if not host:
        raise IngestError("the address has no host name")
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise IngestError(f"cannot resolve host '{host}'") from None
    addresses = {info[4][0] for info in infos}
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise IngestError(
                f"'{host}' resolves to {ip}, a private, local or reserved address; "
                "only public addresses are fetched"
            )
    return url.strip(), sorted(addresses)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_url(url: str, max_redirects: int = 3) -> str:
    """Fetch a public web page (size and time limited) and return its main text."""
    opener = urllib.request.build_opener(_NoRedirect)
    for _ in range(max_redirects + 1):
        checked, _ip = check_public_url(url)
        request = urllib.request.Request(checked, headers={"User-Agent": "srcgrade/0.1"})
        try:
            response = opener.open(request, timeout=URL_TIMEOUT_SECONDS)
        except urllib.error.HTTPError as error:
            if error.code in {301, 302, 303, 307, 308} and error.headers.get("Location"):
                url = urllib.parse.urljoin(checked, error.headers["Location"])
                continue
            raise IngestError(f"the server answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise IngestError(f"could not fetch {checked}: {error}") from None
        with response:
            raw = response.read(MAX_UPLOAD_BYTES + 1)
        return text_from_bytes(raw, checked if checked.endswith(".html") else "page.html")
    raise IngestError(f"more than {max_redirects} redirects")


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
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(shown, number, "not valid UTF-8; skipped"))
        return None
    except json.JSONDecodeError as error:
        problems.append(Problem(shown, number, f"invalid JSON ({error.msg}); skipped"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, number, "not a JSON object; skipped"))
        return None
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(Problem(shown, number, 'no "text" string; skipped'))
        return None
    record_id = data.get("id")
    record_id = str(record_id) if record_id is not None else f"line-{number}"
    extra = {k: v for k, v in data.items() if k != "text"}
    return Record(record_id, text, extra, number)
