"""The planner workbench: `streamlit run ui/workbench/app.py` (or `stockpilot workbench`).

A thin client of the StockPilot API: every number on every page comes from an API call made as
the signed-in user. Pages: chat, approvals inbox, exceptions, SKU drill-down, audit.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.workbench import session
from ui.workbench.client import ApiError

HERE = Path(__file__).resolve().parent
PAGES = {
    "chat": ("Chat", ":material/chat:"),
    "approvals": ("Approvals", ":material/approval:"),
    "exceptions": ("Exceptions", ":material/warning:"),
    "drilldown": ("SKU drill-down", ":material/monitoring:"),
    "audit": ("Audit", ":material/verified:"),
}


def main() -> None:
    """Sign in, show the API status and run the selected page."""
    st.set_page_config(page_title="StockPilot workbench", page_icon="📦", layout="wide")
    user, token = session.sign_in()
    session.remember_token(token)
    with st.sidebar:
        try:
            session.client().health()
            st.caption(f"API: {session.api_url()}")
            me = session.client().me()
            st.session_state[session.ME_KEY] = me
            authority = (
                f" · approves up to {me['max_order_value']:,.0f}" if me["may_approve"] else ""
            )
            if user is None:  # a configured token: say whose it is (the picker says it otherwise)
                st.caption(f"Signed in as **{me['user']}** ({me['role']}{authority})")
        except ApiError as exc:
            st.session_state.pop(session.ME_KEY, None)
            st.error(f"API unavailable at {session.api_url()}", icon="🔌")
            st.caption(str(exc))
    pages = [
        st.Page(str(HERE / f"{name}.py"), title=title, icon=icon, url_path=name)
        for name, (title, icon) in PAGES.items()
    ]
    st.navigation(pages).run()


main()
