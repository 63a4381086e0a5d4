"""The dashboard's glue: cached loaders, chart builders and the views the pages share.

Nothing here scores or weighs text; it calls ``srcgrade.engine`` and ``srcgrade.weigh`` like the
CLI does. ``data`` and ``charts`` work without a running Streamlit app (tests, benchmarks);
``session`` and ``views`` draw with Streamlit.
"""
