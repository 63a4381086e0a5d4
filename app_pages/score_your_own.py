"""Score your own: paste, upload or fetch a text; it is scored at once and shown like an Article."""

import pandas as pd
import streamlit as st

from srcgrade import export, weigh
from srcgrade.ingest import (
    MAX_UPLOAD_BYTES,
    URL_TIMEOUT_SECONDS,
    IngestError,
    RefusedError,
    UnreachableError,
    fetch_url,
    looks_like_html,
    text_from_bytes,
)
from srcgrade.textcheck import is_short, text_warnings, web_address
from srcgrade.ui import data, views
from srcgrade.ui.session import context

LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
FETCH = "Fetch a web address"


def fetch_instead(address: str) -> None:
    """The "Fetch a web address" choice, with the pasted address in its box (not fetched yet)."""
    st.session_state["own_source"] = FETCH
    st.session_state["own_url"] = address if "://" in address else f"https://{address}"


def fetch_error(error: IngestError) -> str:
    """What went wrong with a web address, in the reader's terms: "Refused" is for srcgrade's own
    rules (a private address, a PDF, too large); a page that could not be reached (offline, a
    name that does not resolve) is not refused, and pasting its text still works."""
    if isinstance(error, UnreachableError):
        return (f"Could not reach {error.host} ({error.reason}): is this computer online? You "
                "can paste the article's text instead.")
    if isinstance(error, RefusedError):
        return f"Refused: {error}"
    return f"Cannot use this address: {error}"


ctx = context()
st.title("Score your own article")
st.markdown(
    "Give the text of any health or science article. It is rated at once with the same rubric "
    "and shown against the collection. Nothing is stored."
)

source = st.radio(
    "How do you want to give the text?",
    ["Paste the text", "Upload a file", FETCH],
    horizontal=True,
    key="own_source",
)
text, origin_url, name = None, None, ""
if source == "Paste the text":
    pasted = st.text_area("Article text", height=240, key="own_text",
                          placeholder="Paste the article here…")
    st.caption(f"Press Ctrl+Enter (or click outside the box) to score it. Up to {LIMIT_MB} MB.")
    if pasted and len(pasted.encode()) > MAX_UPLOAD_BYTES:
        st.error(f"That is more than {LIMIT_MB} MB of text; paste one article at a time.")
    elif pasted and (address := web_address(pasted)) is not None:
        # A page's address pasted in was rated as a one-word text (the address a checkable
        # source) and ranked above real articles. Nothing is fetched until asked.
        st.warning(f"This is only a web address, not an article's text: there is nothing to rate "
                   f"in it. To rate the page it leads to, fetch it (choose “{FETCH}”), or paste "
                   "the article's text instead.", icon=":material/link:")
        st.button(f"{FETCH} instead", on_click=fetch_instead, args=(address,),
                  icon=":material/download:", key="own_fetch_instead")
    elif pasted and pasted.strip() and looks_like_html(pasted):
        # A page's source pasted in: reduced to its main text as an uploaded .html file and
        # `srcgrade score -` reduce it, so a script or a footer is not rated as the article.
        try:
            text = text_from_bytes(pasted.encode(), "pasted text")
            name = data.upload_title(pasted.encode(), "pasted text")
            st.caption("This looks like a web page's HTML source: its main text is rated, as for "
                       "an uploaded .html file; scripts, menus and markup are left out.")
        except IngestError as error:
            st.error(f"Cannot use this text: {error}")
    elif pasted and pasted.strip():
        text, name = pasted, "pasted text"
    elif pasted:
        st.info("The box holds only spaces or blank lines: there is no text to rate. Paste the "
                "article's text, then press Ctrl+Enter.")
    else:
        st.info("Paste the text of an article above to rate it.")
elif source == "Upload a file":
    upload = st.file_uploader(
        f"A .txt, .md or .html file, up to {LIMIT_MB} MB",
        type=["txt", "md", "html", "htm"],
        key="own_upload",
    )
    st.caption(f"Size limit: {LIMIT_MB} MB. Web pages (.html) are reduced to their main text; "
               "scripts and markup are dropped, never run.")
    if upload is not None:
        try:
            text = text_from_bytes(upload.getvalue(), upload.name)
            name = data.upload_title(upload.getvalue(), upload.name)
        except IngestError as error:
            st.error(f"Cannot use this file: {error}")
else:
    st.caption(
        f"Only public http:// or https:// addresses are fetched (never this computer, a private "
        f"network or file://), within {URL_TIMEOUT_SECONDS} seconds and {LIMIT_MB} MB."
    )
    with st.form("own_url_form"):
        url = st.text_input("Web address", key="own_url", placeholder="https://…")
        fetch = st.form_submit_button("Fetch and score")
    if fetch and url:
        try:
            st.session_state["own_fetched"] = (url, fetch_url(url))
        except IngestError as error:
            st.session_state.pop("own_fetched", None)
            st.error(fetch_error(error))
    fetched = st.session_state.get("own_fetched")
    if fetched:
        origin_url, text = fetched
        name = origin_url

if not text:
    st.stop()

# Widgets about the text are keyed on it (its evidence toggles too, in views): a keyed widget
# ignores a new default, so with a fixed key every later text kept the first one's title.
text_id = views.text_digest(text)
st.divider()
# A bundled article's own text is scored as the collection scores it (the CLI's `score` does the
# same): with its address, whose own link is no citation, and its date, for the fact ledger.
known = ctx.ratings.article_with_text(text) if origin_url is None else None
if known is not None and known.id in ctx.corpus.by_id:
    st.info(f"This is the text of **{views.md(known.title)}**, already in the collection: it is "
            "scored with that article's address and date, as the collection scores it.")
    st.page_link("app_pages/article.py", label="Open it on the Article page",
                 icon=":material/article:", query_params={"article": known.id})
    title, meta = known.title, dict(known.meta)
    score = ctx.corpus.by_id[known.id]
    totals = ctx.ranked["total"].drop(known.id)
else:
    known = None
    meta_cols = st.columns([3, 1.2, 1.8], vertical_alignment="bottom")
    default_title = name if name not in ("pasted text", "") else data.short_title(text)
    title = meta_cols[0].text_input("Title", value=default_title, key=f"own_title_{text_id}")
    genre = meta_cols[1].selectbox("Genre", export.GENRES, index=len(export.GENRES) - 1,
                                   key=f"own_genre_{text_id}")
    peer = meta_cols[2].checkbox("Reports a peer-reviewed study", key=f"own_peer_{text_id}")
    meta = {"genre": genre, "reports_peer_reviewed_study": peer, "url": origin_url}
    score = ctx.corpus.scorer.score(
        text, article_id=data.own_id(title, text), title=title, weights=ctx.weights, meta=meta
    )
    totals = ctx.ranked["total"]
total = data.total_for(score.scores(), ctx.weights)
rank = int(weigh.rank(pd.concat([totals, pd.Series([total], index=["__own__"])]))["__own__"])
st.header(views.md(title), anchor=False)
# The same warnings, from the same code, as `srcgrade score` prints on stderr.
for warning in text_warnings(text, score.word_count):
    st.warning(warning.message)
if known is None and is_short(score.word_count):
    # A text with no evidence at all gets the rubric's neutral scores, which outranked articles
    # faulted for something: a one-word paste was "#3 of 6". Its rank is held back.
    st.markdown(views.unranked_sentence(score.word_count))
    rank = None
elif known is None and not score.findings and not score.claims:
    # A long text with nothing to find (a table of numbers) gets the same middling scores.
    st.markdown(views.rank_sentence(total, totals, rank) + " " + views.NOTHING_FOUND)
else:
    st.markdown(views.rank_sentence(total, totals, rank))
views.article_view(ctx, score, text, meta, key="own_view", rank=rank, of=len(totals) + 1)

if known is not None:
    st.stop()  # it is in the collection already

st.subheader("Add it to the collection")
st.markdown(
    "Download the article file, unzip it inside `ratings/` (it holds `articles/<id>.yaml` and "
    "`articles/texts/<id>.txt`), then add the expert ratings by hand. See docs/formats.md."
)
files = {"title": title, "article_id": data.own_id(title, text), "genre": genre, "url": origin_url,
         "reports_peer_reviewed_study": peer}
c1, c2, _ = st.columns([1.3, 1, 1.2])
c1.download_button("Download article YAML + text (zip)", data=export.article_zip(text, **files),
                   file_name=f"{files['article_id']}.zip", mime="application/zip",
                   on_click="ignore", key="own_zip")
c2.download_button("Download the YAML only", data=export.article_yaml(text, **files),
                   file_name=f"{files['article_id']}.yaml", mime="application/x-yaml",
                   on_click="ignore", key="own_yaml")
