"""The one base of every error the project raises on purpose.

It lives in checks/, the bottom layer that every other package already imports, so checks/ itself can
derive its errors from it while still importing nothing from the others.
"""


class DomainError(Exception):
    """A refusal written for the person at the keyboard: str() is one Chinese sentence. The dashboard's
    page frame shows it with st.error and the CLI prints it and exits with exit_code; never a traceback."""

    exit_code = 1  # the CLI's "the work was refused or failed" (2 is argparse's usage error)


class NotFound(DomainError, LookupError):
    """A record the user named (a campaign, a submission, a reminder) does not exist."""
