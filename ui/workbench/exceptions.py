"""Exceptions page: today's ranked exceptions, filters, totals by type, one-click actions.

Everything comes from `GET /v1/exceptions` (ranking, money at risk, totals and the engine's
recommendation). "Prepare action" opens the chat with `fix <exception id>`, so the copilot drafts
the engine's recommendation for approval; "Chart" opens the SKU drill-down.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stockpilot.vocabulary import ExceptionType
from ui.briefing import recommendation_summary
from ui.workbench import session

ROWS_WITH_ACTIONS = 25


def render() -> None:
    """Render the exceptions dashboard."""
    st.title("Exceptions")
    f1, f2, f3, f4 = st.columns(4)
    kind = f1.selectbox("Type", ["all", *(t.value for t in ExceptionType)], key="exc-type")
    location = f2.text_input("Location", key="exc-location").strip()
    category = f3.text_input("Category", key="exc-category").strip()
    min_money = f4.number_input("Money at risk at least", min_value=0.0, key="exc-min")
    token = st.session_state.get("_token")
    with st.spinner("Loading today's exceptions…"), session.api_errors("load the exceptions"):
        page = session.cached_exceptions(
            session.api_url(),
            token,
            type=None if kind == "all" else kind,
            location=location or None,
            category=category or None,
            min_money=min_money or None,
            limit=200,
        )
    items, totals = page["items"], page["totals_by_type"]
    if not items:
        st.info("No exceptions match these filters.", icon="✅")
        return
    money = sum(t["money_at_risk"] for t in totals.values())
    st.markdown(f"**{page['total']} exceptions**, {money:,.2f} at risk")
    ranked = sorted(totals.items(), key=lambda kv: -kv[1]["money_at_risk"])
    cols = st.columns(max(len(ranked), 1))
    for col, (name, total) in zip(cols, ranked, strict=False):
        col.metric(
            name, f"{total['money_at_risk']:,.0f}", f"{total['count']} open", delta_color="off"
        )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "id": e["id"],
                    "type": e["type"],
                    "sku": e["sku"],
                    "location": e["location"],
                    "priority": e["priority"],
                    "money at risk": e["money_at_risk"],
                    "first risk": e.get("first_risk_date"),
                    "recommendation": recommendation_summary(e["recommendation"]),
                    "detail": e["detail"],
                }
                for e in items
            ]
        ),
        hide_index=True,
        key="exc-table",
    )
    if page["total"] > len(items):
        st.caption(f"Showing the top {len(items)} of {page['total']}.")
    st.subheader("Act on an exception")
    for e in items[:ROWS_WITH_ACTIONS]:
        with st.container(border=True, key=f"exc-{e['id']}"):
            text, fix, chart = st.columns([6, 1.3, 1])
            text.markdown(
                f"**{e['id']}** · P{e['priority']} · {e['money_at_risk']:,.2f} at risk · "
                f"{recommendation_summary(e['recommendation'])}  \n{e['detail']}"
            )
            actionable = e["recommendation"].get("kind") not in (None, "none")
            if fix.button(
                "Prepare action",
                key=f"fix-{e['id']}",
                disabled=not actionable,
                help="Ask the copilot to draft the recommended action for approval",
            ):
                st.session_state["chat_prompt"] = f"fix {e['id']}"
                st.switch_page("chat.py")
            if chart.button("Chart", key=f"chart-{e['id']}"):
                st.session_state["drill"] = {"sku": e["sku"], "location": e["location"]}
                st.switch_page("drilldown.py")


if __name__ == "__main__":
    render()
