"""The shared schema: one normalised form of a school's report.

This is the contract between loaders (which build it from workbooks) and checks (which score it).
Every record carries `source`, the place it came from as Excel shows it ("工作人员名单!A17"), so a
finding can name the rows behind it. Closed lists are StrEnums whose values are the Chinese words
users see and type.

Levels, organisation kinds and meetings are named by each province's rulebook (its [vocabulary],
checks/vocabulary.py): Level and OrgKind are the fixed roles the rules rely on, which the vocabulary
gives words; a meeting is recorded by the rulebook's word for it, and MeetingRole is what some of
those words mean to the built-in rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum


class ItemStatus(StrEnum):
    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    DONE = "已完成"
    NOT_APPLICABLE = "不适用"


class Level(StrEnum):
    """An organisation's level; the values are what the database stores, the rulebook names them."""

    SCHOOL = "校级"
    COLLEGE = "院级"


class OrgKind(StrEnum):
    """An organisation's kind; the values are what the database stores, the rulebook names them."""

    UNDERGRADUATE = "学生会"
    GRADUATE = "研究生会"


class Political(StrEnum):
    PARTY = "中共党员"
    PROBATIONARY = "中共预备党员"
    LEAGUE = "共青团员"
    MASSES = "群众"
    OTHER = "其他"


class Role(StrEnum):
    """What a staff member does in the organisation (the rulebook maps titles onto roles)."""

    PRESIDIUM = "主席团成员"
    DEPARTMENT_HEAD = "部门负责人"
    DEPARTMENT_MEMBER = "部门成员"


class MeetingRole(Enum):
    """What a meeting means to the built-in rules; a rulebook maps its meeting words onto these.

    Not a str, so a role can never be mistaken for a meeting's word (Meeting.kind)."""

    CONGRESS = "congress"  # the students' congress of a 学生会
    GRADUATE_CONGRESS = "graduate_congress"  # … of a 研究生会
    ALL_STUDENT_ASSEMBLY = "all_student_assembly"  # may stand in for a small college's congress
    REVIEW = "review"  # the semester's 述职评议
    PARTY_HEARING = "party_hearing"
    JOINT_MEETING = "joint_meeting"
    COLLEGE_REPORTS = "college_reports"
    MOBILISATION = "mobilisation"
    TRAINING = "training"


@dataclass(frozen=True)
class SchoolInfo:
    code: str  # the 10-digit national school code (学校标识码), always text
    name: str
    unit: str  # supervising unit's name (a city League committee, the provincial organs' committee …)
    school_type: str = ""  # 本科 / 高职（专科） / 独立学院 …
    undergraduates: int | None = None
    graduates: int | None = None
    colleges: tuple[str, ...] = ()
    campuses: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""  # addresses for reminders, "a@x.cn、b@y.cn" (loaders check each)
    deputy_secretary: str = ""  # full-time League deputy secretary designated to guide the unions (10.2)
    # why the school-level union has more than "40人左右" staff, as the school declares it (3.1):
    # 学生人数较多 / 分校区较多 / both; empty when it gives none
    staff_increase_reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class ItemReport:
    """The school's self-report on one sub-item of the task list."""

    item_id: str  # "3.1"
    status: ItemStatus
    completed_on: date | None = None
    evidence: str = ""
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Organisation:
    name: str  # unique within a report, e.g. "校学生会", "计算机学院研究生会"
    level: Level
    kind: OrgKind
    college: str = ""  # for college-level organisations
    students_linked: int | None = None
    presidium_size: int | None = None  # as declared in 组织架构; the roster is the proof
    department_count: int | None = None  # as declared
    rotating_chair: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class StaffMember:
    name: str
    student_no: str
    organisation: str  # Organisation.name
    title: str  # as written: 执行主席, 部长, 干事 …; the rulebook maps it to a Role
    department: str = ""  # empty for the presidium
    political: Political | None = None
    rank_percent: float | None = None  # academic rank as a top-N percentage of the major (25 = top 25%)
    failed_courses: int | None = None
    college_experience: bool | None = None  # served in a college-level union before
    trained: bool | None = None
    # registered in the League's member system / a volunteer system, as the rulebook's vocabulary
    # names them (its `registrations`); None where the province asks no such question
    zhtj_registered: bool | None = None
    ivolunteer_registered: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class Meeting:
    kind: str  # the rulebook's word for the meeting (its vocabulary's meeting_kinds)
    held_on: date
    organisation: str = ""  # Organisation.name, empty for school-wide meetings
    delegates: int | None = None
    non_cadre_delegates: int | None = None
    colleges_covered: int | None = None
    approved_on: date | None = None  # election results approved by the Party committee
    filed_on: date | None = None  # election results filed with the higher student federation
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class SchoolReport:
    school: SchoolInfo
    items: tuple[ItemReport, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    meetings: tuple[Meeting, ...] = ()

    def item(self, item_id: str) -> ItemReport | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def organisations_at(self, level: Level) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.level is level)
