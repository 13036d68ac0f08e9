"""The CLI's and the wiring's own refusals (a file that cannot be written, a school that does not exist)."""

from checks.errors import DomainError


class UserFacingError(DomainError):
    """Raised with a one-line Chinese message by reformboard/ and the pages it serves."""
