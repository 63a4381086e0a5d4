"""Builds the optional C scanner (``srcgrade._scan``); everything else is in pyproject.toml.

``optional=True``: without a C compiler or Python's headers the install still succeeds and
srcgrade scans with ``re`` alone (same results, slower). After editing ``_scan.c``, rebuild with
``./dev setup`` (it reinstalls when the C file is newer than the last install) or
``.venv/bin/pip install -e .`` (pip builds with a current setuptools; running this file directly
uses the venv's own, which may be too old to read pyproject.toml's ``license``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "srcgrade._scan",
            ["src/srcgrade/_scan.c"],
            optional=True,
        )
    ]
)
