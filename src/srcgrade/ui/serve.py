"""``python -m srcgrade.ui.serve app.py [streamlit options]``: ``streamlit run``, warmed up.

A served dashboard does nothing until a browser has loaded Streamlit's front end and opened a
session; only then does ``app.py`` run and load and score the corpus. This launcher starts the same
server (Streamlit's own command line, same options) and meanwhile fills the caches the first run
reads (``session.warm``, in a thread), so the two overlap; once the first page is served, the
same thread scores the corpus with the other rubrics too (``session.warm_others``), so the first
switch of rubric is quick. ``./dev app`` starts the dashboard this way; ``streamlit run app.py``
works too, without the head start.
"""

from __future__ import annotations

import inspect
import logging
import sys
import threading
import time

from srcgrade.ui.handover import quick_handover

_STARTUP_WAIT_S = 30
# How long the other rubrics' warm-up waits for a first page to be served: if no browser has
# come by then, nothing competes with it.
_FIRST_RUN_WAIT_S = 30
WARM_UP_THREAD = "srcgrade-warm-up"


def _server_started() -> bool:
    """Whether Streamlit's runtime is up (warming sooner would slow the server's own start: both
    want the one interpreter lock)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    return Runtime.exists() and Runtime.instance().state is not RuntimeState.INITIAL


def _first_run_finished() -> bool:
    """Whether a browser session has had a script run finish: Streamlit counts them per session
    (``script_run_count``, not a public API; if it changes, the warm-up of the other rubrics
    waits out _FIRST_RUN_WAIT_S instead)."""
    from streamlit.runtime import Runtime

    try:
        sessions = Runtime.instance()._session_mgr.list_active_sessions()
        return any(info.script_run_count > 0 for info in sessions)
    except Exception:
        return False


def _wait_for_first_run(timeout: float = _FIRST_RUN_WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not _first_run_finished() and time.monotonic() < deadline:
        time.sleep(0.1)


def _not_from_warm_up(record: logging.LogRecord) -> bool:
    return record.threadName != WARM_UP_THREAD


def map_loaded_modules() -> None:
    """Fill ``inspect``'s map from source file to module for every module imported so far.

    Streamlit calls ``inspect.stack()`` once per process, as the first element is drawn (to warn
    when a script is not run by ``streamlit run``); ``inspect`` then resolves the real path of
    every loaded module's file, about 1,400 with pandas and plotly. In the first run that pass
    competes with the scoring for the interpreter lock and took 0.3-0.5 s; done here first, the
    first run only maps the few modules imported since.
    """
    inspect.getmodule(_NOT_A_MODULE)


# A code object from no module's file: looking it up makes inspect map every module it has not
# mapped yet, each time (a function of a mapped file is found at once and maps nothing new).
_NOT_A_MODULE = compile("", "<srcgrade: no module's file>", "exec")


def warm_charts(charts, corpus) -> None:
    """Build the Overview's two figures once: plotly imports and sets up each trace and layout
    property's checker the first time one is used (0.1-0.2 s the first time, little after)."""
    from srcgrade.ui import data

    top = data.ranked(corpus.table, corpus.rubric.default_weights()).head(30)
    charts.totals_bar(top[["title", "total", "genre"]])
    points = data.axes(top, corpus.criteria).assign(rank=top["rank"])
    if not points[["evidence", "tone"]].isna().all().all():
        charts.evidence_tone(points, labels=len(points) <= 40)


def _warm() -> None:
    # Called outside a script run, Streamlit's caches work but warn at every call that there is no
    # session ("missing ScriptRunContext"): expected from this thread, so not shown. (A filter:
    # Streamlit resets its loggers' levels as the server starts.)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        _not_from_warm_up
    )
    try:
        deadline = time.monotonic() + _STARTUP_WAIT_S
        while not _server_started() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Meanwhile the browser loads the front end's files from the event loop.
        with quick_handover():
            # What the first run imports (app.py, then the Overview page), before the scoring;
            # and streamlit.emojis, against which Streamlit checks app.py's emoji page icon (as
            # it is imported it compiles a regular expression of every emoji: 0.06 s).
            import streamlit.emojis  # noqa: F401

            from srcgrade.ui import charts, session

            map_loaded_modules()
            corpus = session.warm()
            if corpus is not None:
                warm_charts(charts, corpus)
            map_loaded_modules()  # again for the modules these imported (a few dozen)
        # The other rubrics only once the first page is served: scored meanwhile, they slowed
        # it; scored now, the first switch of rubric finds them ready.
        _wait_for_first_run()
        with quick_handover():
            session.warm_others()
            map_loaded_modules()  # the scorer's modules, for a session that starts later
    except Exception:  # the first run does the same work again and shows the error there
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        sys.exit("usage: python -m srcgrade.ui.serve app.py [streamlit run options]")
    threading.Thread(target=_warm, name=WARM_UP_THREAD, daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *args]
    cli.main()


if __name__ == "__main__":
    main()
