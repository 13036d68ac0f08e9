"""The CLI's subcommands; each module has `register(subparsers)` setting `run` on its parser."""

from reformboard.commands import (
    campaign,
    contact,
    demo,
    init,
    load,
    override,
    remind,
    report,
    rulebook,
    score,
    serve,
    sheets,
    template,
    tenant,
    user,
)

COMMANDS = (
    init,
    demo,
    score,
    load,
    template,
    sheets,
    report,
    override,
    remind,
    contact,
    tenant,
    user,
    rulebook,
    campaign,
    serve,
)
