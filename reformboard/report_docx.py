"""The progress report (通报) as a Word document, laid out as a Party-and-government official document
(GB/T 9704-2012): A4, 标题 in 2号小标宋, 主送, 正文 in 3号仿宋 with 黑体/楷体 headings, the issuing office
and the date in Chinese at the foot, then the annex (the table of every school) on landscape pages.

Every sentence is worded from the figures (reformboard.progress_figures); nothing else is said about any
school. Names come from the database and pass through textsafety before they reach the XML.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from copy import deepcopy
from datetime import datetime, time

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from checks.results import Verdict, cn_date
from reformboard.progress_figures import ChartImage, ProgressFigures, SchoolLine, SubItem
from reformboard.reminders import CN_NUMERALS  # the notices' 一、二、…
from textsafety import strip_unsafe

# Typefaces official documents are set in (present on government desktops); a reader without them gets
# the word processor's substitute for the same East Asian family.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
LATIN_FONT = "Times New Roman"
TABLE_STYLES = (("表格标题", HEADING_FONT), ("表格文字", BODY_FONT))  # paragraph styles: header row, other rows
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
TABLE_SIZE = Pt(10.5)  # 五号
NOTE_SIZE = Pt(12)  # 小四
FOOTER_SIZE = Pt(14)  # 4号
LINE_PITCH = Pt(28)  # fixed line spacing: 22 lines on a page of 3号 text
INDENT = 2 * BODY_SIZE  # first line indented two characters
PAGE = (Mm(210), Mm(297))  # A4
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
TEXT_WIDTH = Mm(210 - 28 - 26)
IMAGE_MAX_HEIGHT = Mm(190)
DATE_RIGHT_CHARS = 4  # 成文日期右空四字
TOP_ITEMS = 5  # sub-items named in the text as the most overdue
UNIT_COLUMNS = ("主管单位", "高校数", *(str(v) for v in Verdict), "逾期子项")
TASK_COLUMNS = ("任务", "平均得分率", "满分高校数", "逾期未完成（校次）")
ANNEX_COLUMNS = ("序号", "学校", "主管单位", "类型", "得分", "系统结论", "最终结论", "逾期子项", "最近有效上传")
ANNEX_WIDTHS_MM = (12, 56, 34, 28, 14, 22, 28, 20, 28)  # within the landscape text width, 243 mm


def progress_report_docx(figures: ProgressFigures) -> bytes:
    doc = docx.Document()
    _page_setup(doc)
    _properties(doc, figures)
    _title(doc, *title_lines(figures))
    _plain(doc, "、".join(figures.addressees) + "：", indent=False)
    _body(doc, figures)
    _closing(doc, figures)
    _annex(doc, figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def title(figures: ProgressFigures) -> str:
    return "".join(title_lines(figures))


def title_lines(figures: ProgressFigures) -> tuple[str, str]:
    """The title broken where its sense breaks (GB/T 9704 asks for lines whole in meaning)."""
    return f"关于{figures.scope}高校学生会（研究生会）", "深化改革工作进展情况的通报"


def annex_title(figures: ProgressFigures) -> str:
    return f"{figures.scope}高校学生会（研究生会）深化改革进展情况一览表"


# --- the text -------------------------------------------------------------------------------------------


def _body(doc: Document, figures: ProgressFigures) -> None:
    counter = _Counter()
    _plain(
        doc,
        f"根据{figures.campaign}工作安排和《{figures.rulebook}》（{figures.rulebook_source}）要求，"
        f"现将截至{cn_date(figures.as_of)}{figures.scope}高校学生会（研究生会）深化改革工作进展情况通报如下。",
    )
    sections = (
        ("总体情况", _overall),
        ("各单位推进情况", _by_unit),
        ("各项任务完成情况", _by_task),
        ("通过验收的高校", _passed),
        ("需整改的高校", _to_rectify),
        ("未提交的高校", _not_submitted),
        ("工作要求", _requests),
    )
    for n, (heading, write) in enumerate(sections):
        _heading(doc, f"{CN_NUMERALS[n]}、{heading}")
        write(doc, figures, counter)


def _overall(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    v = figures.verdicts
    total = len(figures.schools)
    _plain(
        doc,
        f"截至{cn_date(figures.as_of)}，{figures.scope}纳入验收的高校共{total}所，"
        f"已报送改革进展材料的{figures.submitted}所，未提交的{total - figures.submitted}所。"
        f"按最终验收结论（系统评分结合现场核查结论和省级改判）统计，"
        + "、".join(f"{verdict}{v[str(verdict)]}所" for verdict in Verdict)
        + f"。各校逾期未完成的子项合计{figures.overdue}项；尚未完成、将在{figures.due_soon_days}天内到期的子项"
        f"合计{figures.due_soon}项。",
    )
    for chart in figures.overview_charts:
        _figure(doc, chart, counter)


def _by_unit(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    label = counter.table()
    _plain(doc, f"各主管单位所属高校的最终验收结论和逾期子项见{label}。")
    rows = [(u.unit, u.schools, *u.verdicts, u.overdue) for u in figures.units]
    if len(rows) > 1:
        rows.append(("合计", len(figures.schools), *figures.verdicts.values(), figures.overdue))
    _table(doc, f"{label} 各主管单位推进情况", UNIT_COLUMNS, rows, widths_mm=(34, 16, 20, 20, 20, 20, 20))


def _by_task(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    label = counter.table()
    scored = [t for t in figures.tasks if t.mean_share is not None]
    text = f"已报送的{figures.submitted}所高校各项任务的平均得分率、满分高校数和逾期情况见{label}。"
    if scored:
        lowest = min(scored, key=lambda t: t.mean_share or 0)
        text += f"平均得分率最低的任务是“{lowest.task}”（{_percent(lowest.mean_share)}）。"
    overdue = [item for item in figures.items if item.overdue][:TOP_ITEMS]
    if overdue:
        text += "逾期未完成高校最多的子项依次为：" + "；".join(
            f"{i.item_id}（{i.task}，完成时限{cn_date(i.due)}，{i.overdue}所逾期未完成）" for i in overdue
        )
        text += "。"
    else:
        text += "已到期的子项均无逾期未完成的高校。"
    _plain(doc, text)
    rows = [(t.task, _percent(t.mean_share), t.full_marks, t.overdue) for t in figures.tasks]
    _table(doc, f"{label} 各项任务完成情况", TASK_COLUMNS, rows, widths_mm=(56, 28, 28, 44))
    for chart in figures.task_charts:
        _figure(doc, chart, counter)


def _passed(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    passed = figures.with_verdict(Verdict.PASSED)
    if passed:
        _plain(doc, f"截至{cn_date(figures.as_of)}，以下{len(passed)}所高校通过验收：{_names(passed)}。")
    else:
        _plain(doc, f"截至{cn_date(figures.as_of)}，暂无高校通过验收。")


def _to_rectify(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    for n, verdict in enumerate((Verdict.RECTIFY, Verdict.FAILED)):
        schools = figures.with_verdict(verdict)
        _subheading(doc, f"（{CN_NUMERALS[n]}）{verdict}的高校（{len(schools)}所）")
        if not schools:
            _plain(doc, "暂无。")
        for k, school in enumerate(schools, start=1):
            _plain(doc, f"{k}. {_rectify_line(school, figures)}")


def _rectify_line(school: SchoolLine, figures: ProgressFigures) -> str:
    """The school, then one sentence for each kind of shortfall the figures hold for it."""
    score = f"，得分{school.score:.1f}分" if school.score is not None else ""
    sentences = [f"{school.name}（{school.unit}{score}）"]
    if school.score is not None and school.score < figures.fail_below_score:
        sentences.append(f"得分低于{figures.fail_below_score:g}分")
    elif school.score is not None and school.score < figures.pass_min_score:
        sentences.append(f"得分未达到通过验收所需的{figures.pass_min_score:g}分")
    if school.overdue_items:
        sentences.append(
            f"逾期未完成子项{len(school.overdue_items)}项："
            + "；".join(
                f"{i.item_id}（{i.task}，完成时限{cn_date(i.deadline)}，逾期{i.days}天）" for i in school.overdue_items
            )
        )
    else:
        sentences.append("无逾期未完成子项")
    if school.violations:
        sentences.append(f"不符合要求的子项{len(school.violations)}项：{_sub_items(school.violations)}")
    if school.onsite_failed:
        sentences.append(f"现场核查结论为不符合的子项：{_sub_items(school.onsite_failed)}")
    if school.overridden:
        sentences.append("最终结论为省级改判")
    return "。".join(sentences) + "。"


def _sub_items(items: Sequence[SubItem]) -> str:
    return "、".join(f"{i.item_id}（{i.task}）" for i in items)


def _not_submitted(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    silent = figures.with_verdict(Verdict.NOT_SUBMITTED)
    if silent:
        _plain(
            doc,
            f"截至{cn_date(figures.as_of)}，以下{len(silent)}所高校尚未报送改革进展材料：{_names(silent)}。",
        )
    else:
        _plain(doc, f"截至{cn_date(figures.as_of)}，{figures.scope}高校均已报送改革进展材料。")


def _requests(doc: Document, figures: ProgressFigures, counter: _Counter) -> None:
    behind = len(figures.with_verdict(Verdict.RECTIFY)) + len(figures.with_verdict(Verdict.FAILED))
    if behind:
        _plain(
            doc,
            f"请限期整改和未通过的高校对照《{figures.rulebook}》和上述逾期事项逐项整改，"
            "整改完成后及时登录验收看板更新填报材料（含完成日期和佐证材料）。",
        )
    if figures.verdicts[str(Verdict.NOT_SUBMITTED)]:
        _plain(doc, "请尚未提交的高校抓紧登录验收看板报送改革进展材料。")
    _plain(doc, f"如有疑问，请联系{figures.contact_office}。")


def _names(schools: Sequence[SchoolLine]) -> str:
    return "、".join(school.name for school in schools)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


class _Counter:
    """Numbers tables and figures in the order they appear."""

    def __init__(self) -> None:
        self.tables = self.figures = 0

    def table(self) -> str:
        self.tables += 1
        return f"表{self.tables}"

    def figure(self) -> str:
        self.figures += 1
        return f"图{self.figures}"


# --- the foot and the annex -------------------------------------------------------------------------------


def _closing(doc: Document, figures: ProgressFigures) -> None:
    """附件说明 and 落款, kept on one page with the last line of the text: a page never holds the signature alone."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    label = "附件："
    blank = _plain(doc, "")
    note = _plain(doc, label + annex_title(figures))
    # A wrapped line of the annex's name aligns with its first character.
    note.paragraph_format.left_indent = INDENT + BODY_SIZE * len(label)
    note.paragraph_format.first_line_indent = -BODY_SIZE * len(label)
    kept = [blank, note, _plain(doc, ""), _plain(doc, "")]
    date = cn_date(figures.as_of)
    office_indent = DATE_RIGHT_CHARS + max(0.0, (_width_in_chars(date) - _width_in_chars(figures.contact_office)) / 2)
    for text, chars in ((figures.contact_office, office_indent), (date, DATE_RIGHT_CHARS)):
        # The office centred over the date, the date four characters in from the right margin.
        paragraph = _plain(doc, text, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = int(BODY_SIZE * chars)
        kept.append(paragraph)
    for paragraph in kept[:-1]:
        paragraph.paragraph_format.keep_with_next = True


def _width_in_chars(text: str) -> float:
    """Width in full-width characters: digits and Latin letters are half as wide."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def _annex(doc: Document, figures: ProgressFigures) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE[1], PAGE[0]
    _heading(doc, "附件", indent=False)
    _title(doc, annex_title(figures))
    rows = [
        (
            n,
            s.name,
            s.unit,
            s.school_type,
            "—" if s.score is None else f"{s.score:.1f}",
            s.system_verdict,
            s.verdict + ("（改判）" if s.overridden else ""),
            len(s.overdue_items),
            "—" if s.last_upload is None else f"{s.last_upload:%Y-%m-%d}",
        )
        for n, s in enumerate(figures.schools, start=1)
    ]
    _table(doc, f"数据截至{cn_date(figures.as_of)}", ANNEX_COLUMNS, rows, widths_mm=ANNEX_WIDTHS_MM)


# --- layout ---------------------------------------------------------------------------------------------------


def _page_setup(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE
    for side, length in MARGINS.items():
        setattr(section, side, length)
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    _page_number(section.footer.paragraphs[0])


def _properties(doc: Document, figures: ProgressFigures) -> None:
    """The file's own title, author and date, instead of the template's (python-docx, 2013)."""
    properties = doc.core_properties
    properties.title = strip_unsafe(title(figures))
    properties.author = properties.last_modified_by = strip_unsafe(figures.contact_office)
    properties.comments = ""
    properties.created = properties.modified = datetime.combine(figures.as_of, time())


def _page_number(paragraph: Paragraph) -> None:
    """— 1 — centred at the foot of every page (the annex's landscape section inherits the footer)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0
    _text(paragraph, "— ", "宋体", FOOTER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    run = _text(paragraph, "1", "宋体", FOOTER_SIZE)
    field.append(run._r)  # the field's cached result, replaced by the page number when laid out
    _text(paragraph, " —", "宋体", FOOTER_SIZE)


def _title(doc: Document, *lines: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(36)
    fmt.space_after = LINE_PITCH
    for n, line in enumerate(lines):
        run = _text(paragraph, line, TITLE_FONT, TITLE_SIZE)
        if n < len(lines) - 1:
            run.add_break()


def _heading(doc: Document, text: str, *, indent: bool = True) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = INDENT if indent else 0
    paragraph.paragraph_format.keep_with_next = True
    _text(paragraph, text, HEADING_FONT, BODY_SIZE)


def _subheading(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.paragraph_format.keep_with_next = True
    _text(paragraph, text, SUBHEADING_FONT, BODY_SIZE)


def _plain(doc: Document, text: str, *, indent: bool = True) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = INDENT if indent else 0
    _text(paragraph, text, BODY_FONT, BODY_SIZE)
    return paragraph


def _figure(doc: Document, chart: ChartImage, counter: _Counter) -> None:
    picture = _centred(doc)
    picture.paragraph_format.keep_with_next = True
    width, height = _png_size(chart.png)
    image_width: int = TEXT_WIDTH
    if TEXT_WIDTH * height / width > IMAGE_MAX_HEIGHT:
        image_width = int(IMAGE_MAX_HEIGHT * width / height)
    picture.add_run().add_picture(io.BytesIO(chart.png), width=image_width)
    caption = _centred(doc)
    caption.paragraph_format.keep_with_next = True
    _text(caption, f"{counter.figure()} {chart.title}", HEADING_FONT, NOTE_SIZE)
    _text(_centred(doc), chart.note, SUBHEADING_FONT, NOTE_SIZE)


def _centred(doc: Document) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = 0
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not the body's exact pitch, which would clip images
    return paragraph


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's header chunk."""
    return struct.unpack(">II", png[16:24])


def _table(
    doc: Document, caption: str, header: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float]
) -> None:
    label = _centred(doc)
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.space_before = Pt(6)
    _text(label, caption, HEADING_FONT, NOTE_SIZE)
    table = doc.add_table(rows=0, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # the columns keep the widths given
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)  # each new row's cells take these widths
    # Style ids set directly: python-docx's style setter searches every style for each paragraph.
    header_style, body_style = (_table_style(doc, name, font).style_id for name, font in TABLE_STYLES)
    _add_row(table, [_cell(table, column, header_style) for column in range(len(header))], header)
    # Body cells are copies of two made once per column, text left (for text) and centred (for numbers):
    # python-docx adds each element by searching its siblings, which took half a minute for 3,000 schools.
    cells = {left: [_cell(table, column, body_style, left) for column in range(len(header))] for left in (False, True)}
    for values in rows:
        _add_row(table, [deepcopy(cells[isinstance(value, str)][n]) for n, value in enumerate(values)], values)
    _repeat_header(table)


def _cell(table: Table, column: int, style_id: str, left: bool = False) -> CT_Tc:
    """An empty cell of the column, its paragraph in the style (and aligned left), holding one empty run."""
    tc = CT_Tc.new()
    tc.width = table.columns[column].width
    paragraph = Paragraph(tc.p_lst[0], table)
    paragraph._p.get_or_add_pPr().style = style_id
    if left:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph.add_run("")
    return tc


def _add_row(table: Table, cells: Sequence[CT_Tc], values: Sequence[object]) -> None:
    """A row of the given cells, each run set to its value's text."""
    tr = table._tbl.add_tr()
    for tc, value in zip(cells, values, strict=True):
        Run(tc.p_lst[0].r_lst[0], table).text = strip_unsafe(str(value))
        tr.append(tc)


def _table_style(doc: Document, name: str, east_asia: str) -> ParagraphStyle:
    """The paragraph style of table cells (centred, single-spaced, 五号): one style, not thousands of runs
    formatted one by one, keeps a province's annex quick to write."""
    if name in [style.name for style in doc.styles]:
        return doc.styles[name]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    style.font.size = TABLE_SIZE
    fmt = style.paragraph_format
    fmt.first_line_indent = 0
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not the body's exact pitch
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return style


def _repeat_header(table: Table) -> None:
    """The header row is repeated at the top of every page the table runs onto."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)


def _text(paragraph: Paragraph, text: str, east_asia: str, size: Pt) -> Run:
    run = paragraph.add_run(strip_unsafe(text))
    run.font.size = size
    _set_fonts(run._r.get_or_add_rPr(), east_asia)
    return run


def _set_fonts(rpr: CT_RPr, east_asia: str) -> None:
    """Chinese text in `east_asia`, digits and Latin letters in Times New Roman, as official documents set."""
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
