"""Errors whose message is written for the person at the keyboard (no traceback is shown)."""


class UserFacingError(Exception):
    """Raised with a one-line Chinese message; the CLI prints it and exits 1."""
