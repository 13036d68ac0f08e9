"""The board's entry point (`reformboard serve`, or `streamlit run dashboard/app.py`).

Each role gets its own list of pages from st.navigation; a page left out of a role's list cannot be
reached at all, not even by typing its URL. Signed-out visitors get the login page only.
"""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.auth import current_principal, login_page
from reformboard.bulk import freeze_imports
from tenants.principal import UserRole

BOARD = ("board.py", "验收总览", ":material/dashboard:")
SCHOOL = ("school.py", "学校详情", ":material/school:")
UPLOAD = ("upload.py", "上传填报", ":material/upload_file:")
REMINDERS = ("reminders.py", "提醒督办", ":material/notifications:")
EXPORTS = ("exports.py", "导出核查表", ":material/download:")
ADMIN = ("admin.py", "管理", ":material/settings:")
HOME = ("home.py", "首页", ":material/home:")

# The first page of each list is where the role lands.
PAGES_BY_ROLE = {
    UserRole.PROVINCE_ADMIN: (BOARD, SCHOOL, UPLOAD, REMINDERS, EXPORTS, ADMIN),
    UserRole.PROVINCE_VIEWER: (BOARD, SCHOOL, REMINDERS, EXPORTS),
    UserRole.UNIT: (BOARD, SCHOOL, REMINDERS, EXPORTS),
    UserRole.SCHOOL: (HOME, SCHOOL, UPLOAD, EXPORTS),
}


def pages_for(role: UserRole) -> list[st.Page]:
    return [
        st.Page(ui.PAGES / file, title=title, icon=icon, url_path=file.removesuffix(".py"), default=n == 0)
        for n, (file, title, icon) in enumerate(PAGES_BY_ROLE[role])
    ]


@ui.page_frame  # a database that cannot be reached while signing in shows its message, like any refusal
def main() -> None:
    st.set_page_config(
        page_title="高校学生会（研究生会）深化改革验收看板", page_icon=":material/fact_check:", layout="wide"
    )
    ui.chinese_uploader()
    principal = current_principal()
    if principal is None:
        st.navigation([st.Page(login_page, title="登录", icon=":material/login:")]).run()
        return
    page = st.navigation(pages_for(principal.role))
    ui.sidebar(principal)
    page.run()  # each page runs in its own frame (ui.page_frame on its render)


main()
freeze_imports()
