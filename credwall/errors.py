"""The one base class of user-facing errors. The CLI catches it without importing the modules
that raise its subclasses, so none of them loads before git starts on the commit path."""


class CredwallError(Exception):
    """A problem to report as `credwall: error: <message>` with exit code 2 (no traceback)."""
