"""The modelterms version, read by the build (pyproject.toml) and at run time without importlib.metadata."""

__version__ = "0.1.0"
