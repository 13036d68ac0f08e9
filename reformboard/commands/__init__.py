"""The CLI's subcommands; each module has `register(subparsers)` setting `run` on its parser."""

from reformboard.commands import (
    check_files,
    contact,
    demo,
    init,
    load,
    material,
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
    material,
    template,
    sheets,
    report,
    override,
    remind,
    contact,
    tenant,
    user,
    rulebook,
    check_files,
    serve,
)
