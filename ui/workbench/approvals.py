"""Approvals inbox: everything waiting for a decision, sortable, with evidence; bulk approve.

Items come from `GET /v1/approvals`; each approval of a bulk run is its own
`POST /v1/approvals/{thread}/{interrupt}` call, so the API checks each against the signed-in
user's authority and the page reports which were committed and which were refused.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from stockpilot.vocabulary import DRAFTABLE_KINDS
from ui.workbench import session
from ui.workbench.client import ApiError, BulkResult

SORTS = {
    "Value (highest first)": ("value", False),
    "Value (lowest first)": ("value", True),
    "Age (oldest first)": ("age_seconds", False),
    "Age (newest first)": ("age_seconds", True),
}
RESULTS_KEY = "bulk_results"


def age_text(seconds: float) -> str:
    """Return an age such as '3 d 4 h', '2 h 5 min' or '40 s'."""
    s = int(seconds)
    if s >= 86400:
        return f"{s // 86400} d {s % 86400 // 3600} h"
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60} min"
    if s >= 60:
        return f"{s // 60} min"
    return f"{s} s"


def where(args: dict[str, Any]) -> str:
    """Return an action's route: 'DC1 → S1' or the PO's location and supplier."""
    if args.get("from_location"):
        return f"{args['from_location']} → {args.get('to_location')}"
    return f"{args.get('location_id')} from {args.get('supplier_id')}"


def sort_items(items: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    """Sort inbox items by value or age."""
    key, ascending = SORTS[how]
    return sorted(items, key=lambda i: (float(i[key]), i["proposal_id"]), reverse=not ascending)


def _bulk(items: list[dict[str, Any]]) -> None:
    """Approve the selected items one API call each (a button callback)."""
    chosen = [i for i in items if st.session_state.get(f"sel-{i['proposal_id']}")]
    if not chosen:
        st.session_state[RESULTS_KEY] = {"error": "Select at least one item."}
        return
    with session.client() as c:
        results = c.approve_many(chosen)
    st.session_state[RESULTS_KEY] = {"results": [r.__dict__ for r in results]}
    for i in chosen:
        st.session_state.pop(f"sel-{i['proposal_id']}", None)
    session.clear_reads()


def _select(ids: list[str]) -> None:
    for pid in ids:
        st.session_state[f"sel-{pid}"] = True


def render_results() -> None:
    """Show what the last bulk approval did, item by item."""
    last = st.session_state.pop(RESULTS_KEY, None)
    if not last:
        return
    if last.get("error"):
        st.warning(last["error"])
        return
    results = [BulkResult(**r) for r in last["results"]]
    ok = [r for r in results if r.outcome == "committed"]
    bad = [r for r in results if r.outcome != "committed"]
    if ok:
        docs = ", ".join(f"{r.proposal_id} → **{r.document_id}**" for r in ok)
        st.success(f"Committed {len(ok)}: {docs}")
    if bad:
        st.warning(f"Not committed: {len(bad)}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "proposal": r.proposal_id,
                    "outcome": r.outcome,
                    "ERP document": r.document_id or "",
                    "message": r.message,
                }
                for r in results
            ]
        ),
        hide_index=True,
        key="bulk-table",
    )


def render() -> None:
    """Render the approvals inbox."""
    st.title("Approvals inbox")
    user = st.session_state.get(session.USER_KEY)
    st.caption(
        "Everything waiting at the approval gate. Approvals are checked against "
        + (f"{user}'s" if user else "your")
        + " authority by the API; refused items stay pending."
    )
    f1, f2, f3, f4 = st.columns(4)
    kind = f1.selectbox("Action", ["any", *(k.value for k in DRAFTABLE_KINDS)], key="inbox-kind")
    location = f2.text_input("Location", key="inbox-location").strip()
    min_value = f3.number_input("Min value", min_value=0.0, value=0.0, key="inbox-min")
    how = f4.selectbox("Sort by", list(SORTS), key="inbox-sort")
    mine_only = st.toggle("Only what I may approve (within my authority)", key="inbox-mine")
    render_results()
    c = session.client()
    with st.spinner("Loading the inbox…"), session.api_errors("load the inbox"):
        items = c.inbox(
            kind=None if kind == "any" else kind,
            location=location or None,
            min_value=min_value or None,
            decidable=mine_only,
        )
        within = {i["proposal_id"] for i in c.inbox(decidable=True)}
    if not items:
        st.info("Nothing is waiting for a decision.", icon="📭")
        return
    items = sort_items(items, how)
    total = sum(float(i["value"]) for i in items)
    m1, m2, m3 = st.columns(3)
    m1.metric("Waiting", len(items))
    m2.metric("Total value", f"{total:,.2f}")
    m3.metric("Within my authority", len([i for i in items if i["proposal_id"] in within]))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "proposal": i["proposal_id"],
                    "action": i["kind"],
                    "sku": i["args"].get("sku"),
                    "route": where(i["args"]),
                    "qty": i["args"].get("qty"),
                    "value": i["value"],
                    "age": age_text(i["age_seconds"]),
                    "drafted by": i["created_by"],
                    "within my authority": i["proposal_id"] in within,
                }
                for i in items
            ]
        ),
        hide_index=True,
        key="inbox-table",
    )
    b1, b2 = st.columns(2)
    decidable = [i["proposal_id"] for i in items if i["proposal_id"] in within]
    b1.button(
        f"Select all within my authority ({len(decidable)})",
        key="select-within",
        on_click=_select,
        args=(decidable,),
        disabled=not decidable,
    )
    chosen = [i for i in items if st.session_state.get(f"sel-{i['proposal_id']}")]
    b2.button(
        f"Approve selected ({len(chosen)})",
        key="bulk-approve",
        type="primary",
        on_click=_bulk,
        args=(items,),
    )
    for i in items:
        pid = i["proposal_id"]
        label = (
            f"{pid} · {i['kind'].replace('_', ' ')} {i['args'].get('qty')} × {i['args'].get('sku')}"
            f" · {where(i['args'])} · value {float(i['value']):,.2f} · {age_text(i['age_seconds'])}"
        )
        with st.container(border=True, key=f"item-{pid}"):
            st.checkbox(label, key=f"sel-{pid}")
            with st.expander("Evidence"):
                st.markdown(i["description"])
                if st.toggle("Show the proposal's recorded evidence", key=f"ev-{pid}"):
                    try:
                        st.json(c.proposal(pid).get("evidence", {}))
                    except ApiError as exc:
                        session.show_error(exc, "load the evidence")
                cols = st.columns(2)
                if cols[0].button("Open thread", key=f"open-{pid}"):
                    st.session_state["thread_id"] = i["thread_id"]
                    st.switch_page("chat.py")
                if cols[1].button("Chart this action", key=f"chart-{pid}"):
                    a = i["args"]
                    st.session_state["drill"] = {
                        "sku": a.get("sku"),
                        "location": a.get("to_location") or a.get("location_id"),
                        "proposal_id": pid,
                    }
                    st.switch_page("drilldown.py")


if __name__ == "__main__":
    render()
