"""srcgrade: rate how trustworthy health and science writing is, against a rubric kept in YAML."""

__version__ = "0.1.0"
