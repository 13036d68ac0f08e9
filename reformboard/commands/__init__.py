"""The CLI's subcommands; each module has `register(subparsers)` setting `run` on its parser."""

from reformboard.commands import (
    campaign,
    demo,
    init,
    load,
    override,
    rulebook,
    score,
    serve,
    sheets,
    template,
    tenant,
    user,
)

COMMANDS = (init, demo, score, load, template, sheets, override, tenant, user, rulebook, campaign, serve)
