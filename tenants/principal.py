"""Who is acting: a signed-in user or the local operator, with the role that decides what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UserRole(StrEnum):
    PROVINCE_ADMIN = "province-admin"
    PROVINCE_VIEWER = "province-viewer"
    UNIT = "unit"  # a supervising unit (city League committee …): read-only, its own schools
    SCHOOL = "school"  # a school's League committee: its own school only

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    UserRole.PROVINCE_ADMIN: "省级管理员",
    UserRole.PROVINCE_VIEWER: "省级查看",
    UserRole.UNIT: "主管单位",  # the rulebook's vocabulary names the kinds of unit
    UserRole.SCHOOL: "学校团委",
}


@dataclass(frozen=True)
class Principal:
    username: str
    role: UserRole
    tenant_code: str | None = None  # for UserRole.SCHOOL
    unit_code: str | None = None  # for UserRole.UNIT
    display_name: str = ""

    @property
    def is_province(self) -> bool:
        return self.role in (UserRole.PROVINCE_ADMIN, UserRole.PROVINCE_VIEWER)


# The CLI acts as the local operator: whoever can run commands on the server already holds the database.
def local_operator(name: str) -> Principal:
    return Principal(username=f"cli:{name}", role=UserRole.PROVINCE_ADMIN, display_name="本机操作员")
