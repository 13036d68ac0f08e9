"""What every page shares: the app context, who is signed in, the current campaign and board date, and
small widgets (verdict badges, empty states), and the page frame that shows any refusal the project raises.

The sidebar (drawn by app.py on every run) owns the campaign and date selectors; pages only read them
through current_campaign() and current_as_of(), so all pages show the same campaign on the same day.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Literal, NoReturn

import pandas as pd
import streamlit as st

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.results import Severity, Verdict
from dashboard.auth import app_engine, app_url, current_principal, logout
from loaders.problems import Problem
from reformboard.context import AppContext
from reformboard.settings import Settings
from tenants.access import scoped_transaction
from tenants.models import Submission
from tenants.principal import Principal
from tenants.store import default_campaign, list_campaigns
from tenants.submissions import BACKFILLED as BACKFILLED  # re-exported for the pages
from tenants.submissions import CHINA_TIME, received_text
from tenants.submissions import china_time as china_time  # re-exported for the pages

# Not "pages": Streamlit treats a folder of that name next to the entry script as the old automatic
# multipage app, which runs any file in it by URL without app.py (no sign-in, no per-role page list).
PAGES = Path(__file__).parent / "views"
SCHOOL_PAGE = PAGES / "school.py"
SCHOOL_PARAM = "school"  # query parameter naming the school 学校详情 shows

CAMPAIGN_KEY = "campaign_id"
AS_OF_KEY = "as_of"
# CommonMark lets a backslash make any ASCII punctuation a literal character; that covers links,
# images, emphasis, code and Streamlit's own directives (:red[…], $LaTeX$). GFM's bare autolinks
# (http://…, www.…, a@b.c) are found in the text after escapes are resolved, so an invisible word
# joiner splits what they start with.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK_START = re.compile(r"(?<=:)(?=//)|(?<=@)|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"
EARLIEST = date(2015, 1, 1)  # the board date selector's lower bound, before any campaign (as the template's dates)

# The colours st.badge and the Markdown badge directive take (Streamlit spells its list out only inline).
BadgeColor = Literal["red", "orange", "violet", "green", "gray"]
VERDICT_COLORS: dict[Verdict, BadgeColor] = {
    Verdict.PASSED: "green",
    Verdict.RECTIFY: "orange",
    Verdict.FAILED: "red",
    Verdict.NOT_SUBMITTED: "gray",
}
SEVERITY_COLORS: dict[Severity, BadgeColor] = {
    Severity.VIOLATION: "red",
    Severity.ATTENTION: "orange",
    Severity.UNVERIFIABLE: "violet",
    Severity.OK: "green",
}

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM_COLUMNS = ["严重程度", "工作表", "单元格", "字段", "填写内容", "修改建议"]


def no_schools_in_scope(campaign: Campaign) -> str:
    return f"您的范围内还没有登记学校。请联系{campaign.contact_office}核对学校名单。"


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """The reader's problems with a workbook, as the upload, school and export pages list them."""
    rows = [[p.severity.value, p.sheet, p.cell, p.field, p.value, p.message] for p in problems]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


@st.cache_resource(show_spinner=False)
def _context_for(url: str) -> AppContext:
    return AppContext(settings=Settings.from_env(), engine=app_engine())


def app_context() -> AppContext:
    """One context per database, shared by every session, on the sign-in's engine: the board connects
    as the application's database role when one is configured (see tenants.rls)."""
    return _context_for(app_url())


# Streamlit writes its file uploader's button and limits in English only; the board's users read Chinese.
# The English stays in the page (zero-sized) and the Chinese is drawn over it.
_UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p::after {
  content: "选择文件"; font-size: 1rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "或将文件拖放到此处，单个文件不超过 %dMB"; font-size: 0.875rem;
}
</style>"""


def chinese_uploader() -> None:
    """The file uploaders' English words shown in Chinese, with the upload limit in force."""
    st.html(_UPLOADER_CSS % Settings.from_env().max_upload_mb)


def today() -> date:
    return datetime.now(CHINA_TIME).date()


def signed_in() -> Principal:
    """The signed-in user; a page reached without one (a stale tab) stops with a sign-in hint."""
    principal = current_principal()
    if principal is None:
        st.warning("登录已失效，请刷新页面后重新登录。")
        st.stop()
    return principal


def sidebar(principal: Principal) -> None:
    """User, role, campaign and board date, and the logout button."""
    with st.sidebar:
        st.markdown(f"**{literal(principal.display_name or principal.username)}**")
        st.caption(f"{principal.role.label} · 账号 {literal(principal.username)}")
        _campaign_selector(principal)
        st.date_input(
            "看板日期",
            key=AS_OF_KEY,
            value=today(),
            min_value=EARLIEST,
            max_value=today(),
            format="YYYY-MM-DD",
            help="看板按所选日期当天结束时各校的最新有效提交计算，可查看任一历史日期的情况。",
        )
        st.button("退出登录", on_click=logout, icon=":material/logout:")


def _campaign_selector(principal: Principal) -> None:
    with scoped_transaction(app_context().engine, principal) as session:
        campaigns = {c.id: c for c in sorted(list_campaigns(session), key=lambda c: c.starts_on, reverse=True)}
        default = default_campaign(session)
    st.session_state["ui.campaigns"] = campaigns
    if not campaigns:
        st.warning("还没有验收批次，请先运行 reformboard init 初始化数据库。")
        return
    if st.session_state.get(CAMPAIGN_KEY) not in campaigns:
        st.session_state[CAMPAIGN_KEY] = default.id if default else next(iter(campaigns))
    st.selectbox("验收批次", list(campaigns), key=CAMPAIGN_KEY, format_func=lambda cid: campaigns[cid].name)


def current_campaign() -> Campaign | None:
    """The campaign chosen in the sidebar; None when the database holds none yet."""
    return st.session_state.get("ui.campaigns", {}).get(st.session_state.get(CAMPAIGN_KEY))


def current_as_of() -> date:
    return st.session_state.get(AS_OF_KEY) or today()


def require_campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        empty_state("还没有验收批次。请管理员在服务器上运行 reformboard init（或 reformboard demo 生成演示数据）。")
        st.stop()
    return campaign


def literal(value: object) -> str:
    """`value` as Markdown that shows exactly its text. Every string a user typed or uploaded (names,
    file names, reasons, notes, refusals quoting them) goes through this before st.markdown, captions,
    alerts, headings or labels, which render Markdown: a school could otherwise name an organisation
    `[重新登录](http://…)` and show others a live link, or make their browsers fetch a remote image."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _AUTOLINK_START.sub(WORD_JOINER, str(value)))


def verdict_badge(verdict: Verdict | str) -> None:
    st.badge(str(verdict), color=VERDICT_COLORS.get(Verdict(verdict), "gray"))


def severity_label(severity: Severity | str) -> str:
    """Markdown for a coloured severity tag, to put in front of a finding."""
    return f":{SEVERITY_COLORS.get(Severity(severity), 'gray')}-badge[{severity}]"


def empty_state(message: str) -> None:
    """An empty page or section always says what to do next."""
    st.info(message, icon=":material/lightbulb:")


def page_frame(render: Callable[[], None]) -> Callable[[], None]:
    """The frame around each page (and around app.py's sign-in and sidebar): a DomainError raised anywhere
    in it ends the page with its Chinese message, never a traceback. Anything else is a bug and keeps
    Streamlit's own report; st.stop() and st.rerun() are not errors and pass through."""

    @functools.wraps(render)
    def framed() -> None:
        try:
            render()
        except DomainError as refused:
            st.error(literal(refused), icon=":material/error:")

    return framed


def open_school(code: str) -> NoReturn:
    st.switch_page(SCHOOL_PAGE, query_params={SCHOOL_PARAM: code})


def received(submission: Submission) -> str:
    """When the board counts a submission received, worded as on the sheets (tenants.submissions)."""
    return received_text(submission)
