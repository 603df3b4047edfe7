"""Audit page: proposals, decisions, refusals and commits, and whether the hash chain is intact.

Entries come from `GET /v1/audit`, the tamper check from `GET /v1/audit/verify`.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ui.workbench import session

EVENTS = ("all", "proposal", "decision", "refusal", "commit", "commit_refused", "cli_decision")


def render() -> None:
    """Render the audit trail and its verification."""
    st.title("Audit trail")
    c1, c2, c3, c4 = st.columns(4)
    thread = c1.text_input("Thread", key="audit-thread").strip()
    proposal = c2.text_input("Proposal", key="audit-proposal").strip()
    event = c3.selectbox("Event", EVENTS, key="audit-event")
    limit = c4.number_input("Newest", min_value=1, max_value=1000, value=200, key="audit-limit")
    c = session.client()
    with st.spinner("Checking the audit chain…"), session.api_errors("verify the audit trail"):
        check = c.verify_audit()
        entries = c.audit(thread_id=thread or None, proposal_id=proposal or None, limit=int(limit))
    if check["ok"]:
        st.success(
            f"Audit chain intact: {check['checked']} entries verified "
            f"(head {check['last_hash'][:12]}…).",
            icon="🔗",
        )
    else:
        st.error(
            f"Audit chain broken at entry {check['first_bad_seq']}: {check['reason']}", icon="🚨"
        )
    if event != "all":
        entries = [e for e in entries if e["event"] == event]
    if not entries:
        st.info("No audit entries match.", icon="📜")
        return
    rows = [
        {
            "seq": e["seq"],
            "time": e["ts"][:19].replace("T", " "),
            "actor": e["actor"],
            "event": e["event"],
            "thread": e["thread_id"] or "",
            "proposal": e["proposal_id"] or "",
            "document": e["payload"].get("document_id") or "",
            "details": json.dumps(e["payload"], default=str)[:160],
        }
        for e in reversed(entries)
    ]
    decisions = sum(1 for e in entries if e["event"] == "decision")
    commits = sum(1 for e in entries if e["event"] == "commit")
    refusals = sum(1 for e in entries if e["event"] in ("refusal", "commit_refused"))
    m = st.columns(3)
    m[0].metric("Decisions", decisions)
    m[1].metric("Commits", commits)
    m[2].metric("Refusals", refusals)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="audit-table")


if __name__ == "__main__":
    render()
