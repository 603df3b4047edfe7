"""SKU drill-down page: one chart per SKU-location and the numbers behind it.

Data from `GET /v1/skus/{sku}/locations/{location}/projection` (optionally `?proposal_id=`):
history, forecast with its interval, projected on hand against safety stock and reorder point,
open POs / transfers, and the projection after the proposed action.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.workbench import session
from ui.workbench.charts import drilldown_chart, numbers_table

DRILL_KEY = "drill"  # set by other pages: {"sku", "location", "proposal_id"}


def _fmt(value: object) -> str:
    return "none in the horizon" if value is None else str(value)


def render() -> None:
    """Render the drill-down page."""
    st.title("SKU drill-down")
    asked = st.session_state.pop(DRILL_KEY, None)
    if asked:  # opened from another page: fill the inputs
        st.session_state["dd-sku"] = asked.get("sku") or ""
        st.session_state["dd-location"] = asked.get("location") or ""
        st.session_state["dd-proposal"] = asked.get("proposal_id") or ""
    c1, c2, c3 = st.columns(3)
    sku = c1.text_input("SKU", key="dd-sku").strip()
    location = c2.text_input("Location", key="dd-location").strip()
    proposal = c3.text_input("Proposal (optional)", key="dd-proposal").strip()
    if not sku or not location:
        st.info(
            "Enter a SKU and a location, or open a chart from the exceptions page, a pending "
            "action in the chat or an item of the approvals inbox.",
            icon="📈",
        )
        return
    token = st.session_state.get("_token")
    with st.spinner("Projecting…"), session.api_errors(f"chart {sku} at {location}"):
        data = session.cached_projection(session.api_url(), token, sku, location, proposal or None)
    policy, base, after = data["policy"], data["base"], data["after"]
    st.caption(
        f"As of {data['as_of']} · {data['location_type']} · forecast method {data['method']} · "
        f"history: sales at {', '.join(data['history_locations']) or 'no location'}"
    )
    m = st.columns(5)
    m[0].metric("On hand", f"{policy['on_hand']:,.0f}")
    m[1].metric("Safety stock", f"{policy['safety_stock']:,.1f}")
    m[2].metric("Reorder point", f"{policy['reorder_point']:,.1f}")
    m[3].metric("Forecast / day", f"{policy['forecast_daily']:,.2f}")
    m[4].metric("First stockout", _fmt(base["first_stockout_date"]))
    if data["proposal"]:
        p = data["proposal"]
        text = f"Proposal **{p['id']}** ({p['kind'].replace('_', ' ')}, {p['status']}): {p['note']}"
        if after is not None:
            text += (
                f". Unmet demand over the horizon {base['unmet_units']:,.1f} → "
                f"{after['unmet_units']:,.1f}; first stockout {_fmt(base['first_stockout_date'])}"
                f" → {_fmt(after['first_stockout_date'])}."
            )
        st.info(text, icon="🧮")
    st.altair_chart(drilldown_chart(data), width="content")
    with st.expander("The numbers, day by day", expanded=False):
        st.dataframe(numbers_table(data), hide_index=True, key="dd-days")
    st.subheader("Open supply")
    if data["supply"]:
        st.dataframe(pd.DataFrame(data["supply"]), hide_index=True, key="dd-supply")
    else:
        st.caption("No open purchase orders or transfers arrive here.")
    st.subheader("Policy")
    st.dataframe(
        pd.DataFrame([{"measure": k, "value": v} for k, v in policy.items()]),
        hide_index=True,
        key="dd-policy",
    )


if __name__ == "__main__":
    render()
