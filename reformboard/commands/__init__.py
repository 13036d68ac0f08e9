"""The CLI's subcommands; each module has `register(subparsers)` setting `run` on its parser."""

from reformboard.commands import (
    check_files,
    demo,
    init,
    load,
    material,
    override,
    rulebook,
    score,
    serve,
    sheets,
    template,
    tenant,
    user,
)

COMMANDS = (init, demo, score, load, material, template, sheets, override, tenant, user, rulebook, check_files, serve)
