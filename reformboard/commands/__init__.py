"""The CLI's subcommands; each module has `register(subparsers)` setting `run` on its parser."""

from reformboard.commands import (
    demo,
    init,
    load,
    override,
    report,
    rulebook,
    score,
    serve,
    sheets,
    template,
    tenant,
    user,
)

COMMANDS = (init, demo, score, load, template, sheets, report, override, tenant, user, rulebook, serve)
