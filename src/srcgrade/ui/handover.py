"""Keep Streamlit's server answering while a thread of the same process computes.

Streamlit answers the browser from one event-loop thread, which takes Python's interpreter lock
back after every file read and send. Against a thread that computes (importing pandas, loading
ratings/, scoring), each take waited up to Python's switch interval, 5 ms: while the corpus was
scored, the widgets' code the browser asked for (the selectbox's, the sliders') took 0.25-0.55 s
a file to arrive, and the first page of ``python -m srcgrade.ui.serve`` finished about 1 s later.
Kept free of heavy imports, so that the warm-up can use it before importing pandas.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HANDOVER_S = 0.0005

_lock = threading.Lock()
_users = 0
_saved = 0.005


@contextmanager
def quick_handover(interval: float = HANDOVER_S) -> Iterator[None]:
    """Hand the interpreter lock over every ``interval`` seconds (not 5 ms) while this runs.

    A thread alone never hands over, so this costs nothing then. Nested and concurrent uses (two
    sessions, the warm-up and a first run) share one setting, restored when the last one ends.
    """
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _saved))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                sys.setswitchinterval(_saved)
