"""Signed row-level-security scopes: the app role can no longer widen its own scope or forge audit actors.

The policies of 0002/0003 trusted app.all_tenants / app.tenant_ids, which any role can set. They now
accept a scope only with an HMAC-SHA256 signature over (transaction id, scope, actor) made with the key
in scope_key, a table only the owner can read; scope_verified(), owned by the owner (SECURITY DEFINER,
search_path pinned), checks it. The audit log takes from the app role only entries whose actor is the
transaction's signed actor. See tenants.rls.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "submissions",
    "report_school",
    "report_items",
    "report_organisations",
    "report_staff",
    "report_meetings",
    "assessments",
    "onsite_results",
    "reminders",
    "verdict_overrides",
)
# Each function call is a sub-select, so it runs once per statement (an InitPlan), not once per row.
IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"
OLD_IN_SCOPE = (
    "current_setting('app.all_tenants', true) = 'on' OR "
    "tenant_code = ANY (string_to_array(current_setting('app.tenant_ids', true), ','))"
)

FUNCTIONS = """
CREATE FUNCTION scope_hmac(key bytea, message bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    block bytea := key || decode(repeat('00', 64 - length(key)), 'hex');  -- keys are 32 bytes
    inner_pad bytea := block;
    outer_pad bytea := block;
BEGIN
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(block, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(block, i) # 92);
    END LOOP;
    RETURN sha256(outer_pad || sha256(inner_pad || message));
END $$;

CREATE FUNCTION scope_verified() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    scope text := current_setting('app.scope', true);
    actor text := current_setting('app.actor', true);
    signature text := current_setting('app.scope_signature', true);
    signed bytea;
BEGIN
    IF scope IS NULL OR actor IS NULL OR signature IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT public.scope_hmac(k.key, convert_to(txid_current()::text || E'\\n' || scope || E'\\n' || actor,
                                               'UTF8'))
      INTO signed FROM public.scope_key k;
    RETURN CASE WHEN encode(signed, 'hex') = signature THEN scope END;
END $$;

CREATE FUNCTION scope_all() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(public.scope_verified() = 'all', false)
$$;

CREATE FUNCTION scope_tenants() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT string_to_array(public.scope_verified(), ',')
$$;

CREATE FUNCTION scope_actor() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN public.scope_verified() IS NOT NULL THEN current_setting('app.actor', true) END
$$;
"""


def upgrade() -> None:
    op.create_table(
        "scope_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_key")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # A random key until `reformboard init` stores the app role's (see tenants.rls).
    op.execute(
        "INSERT INTO scope_key (id, key) VALUES "
        "(1, sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')))"
    )
    op.execute(FUNCTIONS)
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY tenant_scope ON {table}")
        op.execute(f"CREATE POLICY tenant_scope ON {table} USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")
    op.execute("DROP POLICY tenant_scope ON audit_log")
    op.execute("DROP POLICY append ON audit_log")
    op.execute(f"CREATE POLICY tenant_scope ON audit_log FOR SELECT USING ({IN_SCOPE})")
    op.execute("CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (actor = (SELECT scope_actor()))")
    # The owner could switch row-level security off anyway; its command line logs as "system" too.
    op.execute("CREATE POLICY owner_append ON audit_log FOR INSERT TO CURRENT_USER WITH CHECK (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f"DROP POLICY tenant_scope ON {table}")
            op.execute(f"CREATE POLICY tenant_scope ON {table} USING ({OLD_IN_SCOPE}) WITH CHECK ({OLD_IN_SCOPE})")
        for policy in ("tenant_scope", "append", "owner_append"):
            op.execute(f"DROP POLICY {policy} ON audit_log")
        op.execute(f"CREATE POLICY tenant_scope ON audit_log FOR SELECT USING ({OLD_IN_SCOPE})")
        op.execute("CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (true)")
        for function in (
            "scope_actor()",
            "scope_tenants()",
            "scope_all()",
            "scope_verified()",
            "scope_hmac(bytea, bytea)",
        ):
            op.execute(f"DROP FUNCTION {function}")
    op.drop_table("scope_key")
