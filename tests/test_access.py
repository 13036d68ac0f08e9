"""The access layer: each role sees and changes exactly its schools, and every refusal is audited for good."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tenants.access import (
    AccessDenied,
    UnknownTenant,
    can_see_names,
    require_role,
    require_tenant,
    scoped_transaction,
    visible_codes,
    visible_tenants,
)
from tenants.models import AuditEntry, Tenant
from tenants.principal import Principal, UserRole
from tenants.store import add_school, add_unit, audit_entries
from tests.conftest import PROVINCE, Directory
from tests.fixtures.reports import UNIT_KINDS

OTHER_UNIT, OTHER_UNIT_SCHOOL = "4403", "4144030001"


@pytest.fixture
def province(session: Session, directory: Directory) -> Directory:
    """The conftest directory plus a second unit (深圳) with a school of its own."""
    add_unit(session, OTHER_UNIT, "深圳市团委", "地市团委", kinds=UNIT_KINDS)
    add_school(session, OTHER_UNIT_SCHOOL, "深圳示范大学", OTHER_UNIT, "本科")
    session.commit()
    return directory


def school_of(d: Directory) -> Principal:
    return Principal("gz.school", UserRole.SCHOOL, tenant_code=d.school)


def unit_of(d: Directory) -> Principal:
    return Principal("gz.unit", UserRole.UNIT, unit_code=d.unit)


ADMIN = Principal("chief", UserRole.PROVINCE_ADMIN)
VIEWER = Principal("viewer", UserRole.PROVINCE_VIEWER)


def denials(engine: Engine) -> list[AuditEntry]:
    """The refusals on record, read in a transaction of their own."""
    with Session(engine) as fresh:
        return audit_entries(fresh, PROVINCE, action="permission_denied")


# --- who sees what -----------------------------------------------------------------------------------------


def test_province_roles_see_every_school(session: Session, province: Directory) -> None:
    every = {province.school, province.other_school, OTHER_UNIT_SCHOOL}

    assert visible_codes(session, ADMIN) == visible_codes(session, VIEWER) == every
    assert [s.code for s in visible_tenants(session, VIEWER)] == sorted(every)


def test_a_unit_sees_exactly_its_schools(session: Session, province: Directory) -> None:
    assert visible_codes(session, unit_of(province)) == {province.school, province.other_school}


def test_a_school_sees_only_itself(session: Session, province: Directory) -> None:
    assert [s.code for s in visible_tenants(session, school_of(province))] == [province.school]


def test_a_deactivated_school_leaves_its_unit_and_itself_blind(session: Session, province: Directory) -> None:
    session.get(Tenant, province.school).active = False
    session.commit()

    assert visible_codes(session, unit_of(province)) == {province.other_school}
    assert visible_codes(session, school_of(province)) == frozenset()
    with pytest.raises(AccessDenied):
        require_tenant(session, unit_of(province), province.school, "view_report")
    assert require_tenant(session, ADMIN, province.school, "view_report").code == province.school


def test_reading_is_allowed_within_scope(session: Session, province: Directory) -> None:
    for principal in (ADMIN, VIEWER, unit_of(province), school_of(province)):
        assert require_tenant(session, principal, province.school, "view_report").code == province.school


def test_writing_is_for_the_province_administrator_and_the_school_itself(session: Session, province: Directory) -> None:
    assert require_tenant(session, ADMIN, OTHER_UNIT_SCHOOL, "upload", write=True).code == OTHER_UNIT_SCHOOL
    assert require_tenant(session, school_of(province), province.school, "upload", write=True)
    for reader in (VIEWER, unit_of(province)):
        with pytest.raises(AccessDenied, match=f"您没有权限修改学校 {province.school} 的数据"):
            require_tenant(session, reader, province.school, "upload", write=True)


def test_only_the_owning_school_and_the_province_see_students_names(province: Directory) -> None:
    assert can_see_names(ADMIN, province.school)
    assert can_see_names(VIEWER, province.school)
    assert can_see_names(school_of(province), province.school)
    assert not can_see_names(school_of(province), province.other_school)
    assert not can_see_names(unit_of(province), province.school)  # figures, not names


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_school_reaching_for_another_school_is_refused_and_audited(
    engine: Engine, session: Session, province: Directory, write: bool
) -> None:
    me = school_of(province)

    with pytest.raises(AccessDenied) as refused:
        require_tenant(session, me, province.other_school, "view_report", write=write)

    verb = "修改" if write else "查看"
    assert str(refused.value) == f"您没有权限{verb}学校 {province.other_school} 的数据"
    assert province.other_school not in {s.code for s in visible_tenants(session, me)}
    session.rollback()
    [entry] = denials(engine)
    assert (entry.actor, entry.tenant_code, entry.detail) == (
        "gz.school",
        province.other_school,
        {"attempted": "view_report", "tenant": province.other_school},
    )


def test_a_unit_reaching_for_another_units_school_is_refused_and_audited(
    engine: Engine, session: Session, province: Directory
) -> None:
    with pytest.raises(AccessDenied):
        require_tenant(session, unit_of(province), OTHER_UNIT_SCHOOL, "view_report")
    session.rollback()

    assert [e.tenant_code for e in denials(engine)] == [OTHER_UNIT_SCHOOL]


def test_the_refusal_outlives_the_callers_rollback(engine: Engine, province: Directory) -> None:
    with pytest.raises(AccessDenied), scoped_transaction(engine, school_of(province)) as session:
        require_tenant(session, school_of(province), province.other_school, "download_roster")

    assert [e.detail["attempted"] for e in denials(engine)] == ["download_roster"]


def test_a_refusal_after_a_write_in_the_same_transaction_is_audited_and_the_write_undone(
    engine: Engine, province: Directory
) -> None:
    me = school_of(province)
    with pytest.raises(AccessDenied), scoped_transaction(engine, me) as session:
        session.get(Tenant, province.school).name = "改名大学"
        session.flush()
        require_tenant(session, me, province.other_school, "upload", write=True)

    with Session(engine) as fresh:
        assert fresh.get(Tenant, province.school).name == "广州示范大学"
    assert [e.detail["attempted"] for e in denials(engine)] == ["upload"]


def test_an_unknown_school_is_refused_like_a_forbidden_one(
    engine: Engine, session: Session, province: Directory
) -> None:
    with pytest.raises(AccessDenied, match="您没有权限查看学校 4144019999 的数据"):
        require_tenant(session, school_of(province), "4144019999", "view_report")
    with pytest.raises(UnknownTenant, match="找不到学校标识码为 4144019999 的学校"):
        require_tenant(session, ADMIN, "4144019999", "view_report")
    session.rollback()

    assert len(denials(engine)) == 1  # a province typo is no intrusion


def test_a_refusal_echoes_no_more_than_a_code(session: Session, province: Directory) -> None:
    with pytest.raises(AccessDenied) as refused:
        require_tenant(session, school_of(province), "x" * 500, "view_report")

    assert str(refused.value) == f"您没有权限查看学校 {'x' * 20} 的数据"


@pytest.mark.parametrize(
    "principal",
    [
        VIEWER,
        Principal("gz.unit", UserRole.UNIT, unit_code="4401"),
        Principal("gz.school", UserRole.SCHOOL, tenant_code="4144010558"),
    ],
    ids=["viewer", "unit", "school"],
)
def test_role_only_actions_are_refused_and_audited(
    engine: Engine, session: Session, province: Directory, principal: Principal
) -> None:
    with pytest.raises(AccessDenied, match=f"您的角色（{principal.role.label}）无权进行此项操作"):
        require_role(session, principal, UserRole.PROVINCE_ADMIN, action="override_verdict")
    session.rollback()

    [entry] = denials(engine)
    assert (entry.actor, entry.tenant_code, entry.detail) == (
        principal.username,
        None,
        {"attempted": "override_verdict"},
    )


def test_a_role_held_passes_without_a_trace(engine: Engine, session: Session, province: Directory) -> None:
    require_role(session, ADMIN, UserRole.PROVINCE_ADMIN, action="override_verdict")
    session.rollback()

    assert denials(engine) == []


# --- the scoped transaction ----------------------------------------------------------------------------------


def test_a_scoped_transaction_commits_its_work(engine: Engine, province: Directory) -> None:
    with scoped_transaction(engine, ADMIN) as session:
        session.get(Tenant, province.school).school_type = "独立学院"

    with Session(engine) as fresh:
        assert fresh.get(Tenant, province.school).school_type == "独立学院"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_scope_is_set_for_the_transaction_only(engine: Engine, province: Directory) -> None:
    def scope(session: Session) -> str | None:
        return session.scalar(text("SELECT current_setting('app.scope', true)"))

    with scoped_transaction(engine, unit_of(province)) as session:
        assert scope(session) == f"{province.school},{province.other_school}"
    with scoped_transaction(engine, ADMIN) as session:
        assert scope(session) == "all"
    with Session(engine) as unscoped:
        assert scope(unscoped) in {None, ""}
        assert unscoped.scalar(select(Tenant.code).limit(1))  # the directory itself stays readable
