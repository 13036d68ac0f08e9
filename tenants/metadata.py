"""The whole database schema: Base.metadata once every module declaring models has been imported.

Alembic's env.py (autogenerate) and tests/test_migrations.py compare the database against this, so a
new module with models must be imported here.
"""

from sqlalchemy import MetaData

import tenants.accounts  # noqa: F401 — declares users
from tenants.models import Base

METADATA: MetaData = Base.metadata
