"""credwall: stop credentials from landing in git."""

__version__ = "0.1.0"
