"""The whole database schema: Base.metadata (every table is declared in tenants/models.py).

Alembic's env.py (autogenerate) and tests/test_migrations.py compare the database against this.
"""

from sqlalchemy import MetaData

from tenants.models import Base

METADATA: MetaData = Base.metadata
