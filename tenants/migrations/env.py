"""Alembic environment: runs on the connection tenants.db.migrate hands over, else on the configured URL.

Revisions must not import tenants.models: they describe the schema as it was when they were written.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tenants.db import make_engine
from tenants.metadata import METADATA


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    # Invoked from the alembic command line: the database given with -x url=... (else the default SQLite file).
    engine = make_engine(context.get_x_argument(as_dictionary=True).get("url") or None)
    try:
        with engine.connect() as own_connection:
            run(own_connection)
            own_connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("ReformBoard migrations run online only (no --sql).")
run_online()
