"""The template's layout: its sheets, their columns, and what each column holds.

One definition serves the template writer, the workbook reader and the demo workbook writer, so a
column added here appears in the template and is read back without a second edit. The words a
province chooses (levels, organisation and meeting kinds, units, the roster's registration columns)
come from its rulebook's vocabulary: `layout(vocabulary)` is the layout every reader and writer uses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from enum import StrEnum

from checks.schema import ItemStatus, Political
from checks.vocabulary import Vocabulary

TEMPLATE_VERSION = "1"
META_SHEET = "_meta"  # hidden: template version, rulebook, campaign
GUIDE_SHEET = "填报说明"
YES_NO = ("是", "否")
# 团粤办发〔2020〕14号: "部分学生人数较多、分校区较多的高校可结合实际适当增加工作人员"
STAFF_INCREASE_REASONS = ("学生人数较多", "分校区较多", "学生人数较多且分校区较多")


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # identifiers kept as text: school codes, student numbers
    INT = "int"
    PERCENT = "percent"  # a top-N percentage of the major: 25 = top 25%
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"
    LIST = "list"  # several values separated by 、，, ; or line breaks
    EMAILS = "emails"  # e-mail addresses, separated like a list; kept as "a@x.cn、b@y.cn"


@dataclass(frozen=True)
class Column:
    field: str  # attribute of the schema record it fills
    header: str  # as printed in the template
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()  # other headers schools write for the same column
    hint: str = ""  # input hint shown in the template
    width: int = 14
    locked: bool = False  # pre-filled by the template, not for the school to change


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    form: bool = False  # a vertical form (label | value) instead of a table

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


# Without the vocabulary's unit kinds: used alone only where they do not matter (a school code's cell, the
# school list's import); readers and writers of the template use layout(vocabulary).school.
SCHOOL = Sheet(
    "学校信息",
    form=True,
    columns=(
        Column("name", "学校名称", Kind.TEXT, required=True, synonyms=("学校", "高校名称")),
        Column(
            "code",
            "学校标识码",
            Kind.CODE,
            required=True,
            synonyms=("学校代码", "标识码"),
            hint="教育部10位学校标识码，如 4144010561",
        ),
        Column(
            "unit",
            "主管单位",
            Kind.TEXT,
            required=True,
            synonyms=("主管团组织",),  # and "所属<unit kind>" for each of the vocabulary's unit kinds
        ),
        Column("school_type", "学校类型", Kind.CHOICE, choices=("本科", "高职（专科）", "独立学院", "其他")),
        Column("undergraduates", "本专科在校生人数", Kind.INT, synonyms=("本科生人数", "学生人数")),
        Column("graduates", "研究生在校生人数", Kind.INT, synonyms=("研究生人数",)),
        Column(
            "colleges",
            "学院（系）名单",
            Kind.LIST,
            synonyms=("学院名单", "院系名单"),
            hint="用顿号“、”分隔，如 计算机学院、外国语学院",
        ),
        Column("campuses", "校区数", Kind.INT, synonyms=("校区数量",)),
        Column("contact_name", "联系人", Kind.TEXT),
        Column("contact_phone", "联系电话", Kind.TEXT, synonyms=("手机",)),
        Column(
            "contact_email",
            "联系邮箱",
            Kind.EMAILS,
            synonyms=("电子邮箱", "邮箱", "E-mail", "Email"),
            hint="接收提醒邮件的团委邮箱，多个用顿号“、”分隔",
        ),
        Column(
            "deputy_secretary",
            "指导学生会的校团委专职副书记",
            Kind.TEXT,
            synonyms=("团委专职副书记", "专职副书记"),
            hint="填写姓名；未明确的留空",
        ),
        Column(
            "staff_increase_reason",
            "校级工作人员超过40人的原因",
            Kind.CHOICE,
            choices=STAFF_INCREASE_REASONS,
            synonyms=("增加工作人员的原因",),
            hint="校级学生会（研究生会）工作人员超过40人的填写；未超过的留空",
        ),
    ),
)

ITEMS = Sheet(
    "任务进展",
    columns=(
        Column("item_id", "编号", Kind.TEXT, required=True, locked=True, width=7, synonyms=("序号",)),
        Column("task", "任务", Kind.TEXT, locked=True, width=14),
        Column("content", "内容", Kind.TEXT, locked=True, width=60),
        Column("due", "完成时限", Kind.TEXT, locked=True, width=15),
        Column(
            "status",
            "完成状态",
            Kind.CHOICE,
            required=True,
            choices=_values(ItemStatus),
            synonyms=("状态", "进展"),
            width=11,
        ),
        Column("completed_on", "完成日期", Kind.DATE, width=12, hint="已完成的填写日期，如 2020-06-30"),
        Column("evidence", "佐证材料", Kind.TEXT, width=30, synonyms=("佐证", "证明材料")),
        Column("note", "说明", Kind.TEXT, width=30, synonyms=("备注",)),
    ),
)

_ORGANISATIONS = Sheet(
    "组织架构",
    columns=(
        Column(
            "name",
            "组织名称",
            Kind.TEXT,
            required=True,
            synonyms=("组织",),
            width=22,  # hint: examples in the vocabulary's words
        ),
        Column("level", "层级", Kind.CHOICE, required=True, width=8),  # choices: the vocabulary's levels
        Column("kind", "组织类型", Kind.CHOICE, required=True, width=10),  # … its organisation kinds
        Column("college", "所属学院（系）", Kind.TEXT, synonyms=("所属学院", "学院"), width=16),
        Column("students_linked", "联系学生人数", Kind.INT, synonyms=("所联系学生人数",)),
        Column("presidium_size", "主席团人数", Kind.INT, synonyms=("主席团成员人数",)),
        Column("department_count", "工作部门数", Kind.INT, synonyms=("部门数",)),
        Column("rotating_chair", "是否实行主席团轮值", Kind.BOOL, choices=YES_NO, synonyms=("主席团轮值",)),
    ),
)

_STAFF = Sheet(
    "工作人员名单",
    columns=(
        Column("name", "姓名", Kind.TEXT, required=True, synonyms=("学生姓名",), width=10),
        Column("student_no", "学号", Kind.CODE, required=True, width=14),
        Column(
            "organisation",
            "所在组织",
            Kind.TEXT,
            required=True,
            synonyms=("组织名称", "所属组织"),
            width=20,
            hint="须与“组织架构”中的组织名称一致",
        ),
        Column("title", "职务", Kind.TEXT, required=True, width=10, hint="执行主席、主席团成员、部长、副部长、干事等"),
        Column("department", "所在部门", Kind.TEXT, synonyms=("部门",), width=12, hint="主席团成员留空"),
        Column("political", "政治面貌", Kind.CHOICE, required=True, choices=_values(Political), width=12),
        Column(
            "rank_percent",
            "成绩排名（前百分之）",
            Kind.PERCENT,
            synonyms=("成绩排名", "综合排名", "专业排名"),
            width=12,
            hint="本专业综合排名前百分之几，如 25",
        ),
        Column("failed_courses", "不及格课程数", Kind.INT, synonyms=("挂科数", "不及格门数"), width=10),
        Column(
            "college_experience",
            "是否有学院（系）学生会任职经历",
            Kind.BOOL,
            choices=YES_NO,
            synonyms=("院级任职经历", "学院任职经历"),
            width=12,
        ),
        Column(
            "trained",
            "是否参加党团课教育和业务培训",
            Kind.BOOL,
            choices=YES_NO,
            synonyms=("是否参加培训", "参加培训"),
            width=12,
        ),
        # then one yes/no column per registration of the vocabulary
    ),
)

_MEETINGS = Sheet(
    "会议记录",
    columns=(
        Column("kind", "会议类型", Kind.CHOICE, required=True, width=20),  # choices: the vocabulary's meeting kinds
        Column("held_on", "召开日期", Kind.DATE, required=True, synonyms=("日期", "会议日期"), width=12),
        Column(
            "organisation",
            "所属组织",
            Kind.TEXT,
            synonyms=("组织名称",),
            width=20,
            hint="代表大会、述职评议会填写组织名称；全校性会议可留空",
        ),
        Column("delegates", "代表人数", Kind.INT, width=10),
        Column("non_cadre_delegates", "非学生干部代表人数", Kind.INT, width=12),
        Column("colleges_covered", "覆盖学院（系）数", Kind.INT, synonyms=("覆盖学院数",), width=10),
        Column("approved_on", "党委批准日期", Kind.DATE, synonyms=("选举结果批准日期",), width=12),
        Column("filed_on", "上级学联备案日期", Kind.DATE, synonyms=("备案日期",), width=12),
        Column("note", "说明", Kind.TEXT, synonyms=("备注",), width=24),
    ),
)


@dataclass(frozen=True)
class Layout:
    """The data sheets in a rulebook's words."""

    vocabulary: Vocabulary
    school: Sheet
    items: Sheet
    organisations: Sheet
    staff: Sheet
    meetings: Sheet

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return (self.school, self.items, self.organisations, self.staff, self.meetings)


@functools.cache
def layout(vocabulary: Vocabulary) -> Layout:
    unit, kinds = SCHOOL.column("unit"), [word for _, word in vocabulary.organisation_kinds]
    school_unit = replace(
        unit,
        synonyms=(*(f"所属{kind}" for kind in vocabulary.unit_kinds), *unit.synonyms),
        hint="或".join(vocabulary.unit_kinds),
    )
    registrations = tuple(
        Column(
            r.field,
            r.header,
            Kind.BOOL,
            choices=YES_NO,
            synonyms=(f"{r.system}{r.action}", r.system),
            width=12,
        )
        for r in vocabulary.registrations
    )
    return Layout(
        vocabulary=vocabulary,
        school=_with(SCHOOL, school_unit),
        items=ITEMS,
        organisations=_with(
            _ORGANISATIONS,
            replace(
                _ORGANISATIONS.column("name"),
                hint=f"如 校{kinds[0]}、计算机学院{kinds[-1]}；每个组织一行",
            ),
            _choose(_ORGANISATIONS, "level", tuple(word for _, word in vocabulary.levels)),
            _choose(_ORGANISATIONS, "kind", tuple(word for _, word in vocabulary.organisation_kinds)),
        ),
        staff=replace(_STAFF, columns=(*_STAFF.columns, *registrations)),
        meetings=_with(_MEETINGS, _choose(_MEETINGS, "kind", vocabulary.meeting_names)),
    )


def _choose(sheet: Sheet, field: str, choices: tuple[str, ...]) -> Column:
    return replace(sheet.column(field), choices=choices)


def _with(sheet: Sheet, *columns: Column) -> Sheet:
    """The sheet with these columns in place of those filling the same fields."""
    by_field = {column.field: column for column in columns}
    return replace(sheet, columns=tuple(by_field.get(c.field, c) for c in sheet.columns))
