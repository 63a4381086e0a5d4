"""An article YAML (and its text file) for a pasted, uploaded or fetched text: pure, no Streamlit.

The output follows ``docs/formats.md``: ``articles/<id>.yaml`` with the metadata and
``articles/texts/<id>.txt`` with the text verbatim, so the article can be dropped into ``ratings/``
and rated with the corpus. Expert ratings are left for a person to add.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from typing import Any

import yaml

GENRES = ("journalism", "promotional", "summary", "content-farm", "press-release", "other")


def slug(title: str, fallback: str = "my-article", limit: int = 60) -> str:
    """A file-safe article id from a title: lower-case ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    text = "-".join(words)[:limit].strip("-")
    return text or fallback


def article_files(
    text: str,
    *,
    title: str,
    article_id: str | None = None,
    genre: str = "other",
    url: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
    date: dt.date | str | None = None,
    reports_peer_reviewed_study: bool | None = None,
    notes: str | None = None,
) -> dict[str, str]:
    """The two files to add under ``ratings/``: ``{relative path: content}``."""
    if genre not in GENRES:
        raise ValueError(f"genre '{genre}' is not one of {', '.join(GENRES)}")
    title = title.strip() or "Untitled article"
    ident = slug(article_id or title)
    text_file = f"texts/{ident}.txt"
    data: dict[str, Any] = {"id": ident, "title": title}
    data["publisher"] = publisher or None
    data["author"] = author or None
    data["date"] = date.isoformat() if isinstance(date, dt.date) else (date or None)
    data["url"] = url or None
    data["genre"] = genre
    if reports_peer_reviewed_study is not None:
        data["reports_peer_reviewed_study"] = bool(reports_peer_reviewed_study)
    data["text_file"] = text_file
    data["notes"] = notes or "Added from the srcgrade dashboard (Score your own); add ratings."
    header = (
        f"# srcgrade article, see docs/formats.md. Save as ratings/articles/{ident}.yaml and the\n"
        f"# text beside it as ratings/articles/{text_file}.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return {f"articles/{ident}.yaml": header + body, f"articles/{text_file}": text}


def article_yaml(text: str, **meta: Any) -> str:
    """Just the article YAML (see :func:`article_files`)."""
    files = article_files(text, **meta)
    return next(content for path, content in files.items() if path.endswith(".yaml"))


def article_zip(text: str, **meta: Any) -> bytes:
    """Both files in a zip laid out as under ``ratings/`` (unzip it inside ``ratings/``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in article_files(text, **meta).items():
            archive.writestr(path, content)
    return buffer.getvalue()
