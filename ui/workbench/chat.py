"""Chat page: threads with the copilot, streamed answers, and approval cards inline.

History comes from `GET /v1/threads/{id}`; a new message streams from
`POST /v1/threads/{id}/messages` (Server-Sent Events); pending actions are decided with
`POST /v1/approvals/{thread}/{interrupt}`, and the outcome (the ERP document id, or why it was
refused) is shown in the thread.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from stockpilot.vocabulary import GATE_NAME
from ui.workbench import session
from ui.workbench.client import ApiError, WorkbenchClient

THREAD_KEY = "thread_id"
PROMPT_KEY = "chat_prompt"  # set by other pages: send this in a new thread
FLASH_KEY = "chat_flash"
OUTCOME_ICONS = {
    "committed": "✅",
    "approved": "✅",
    "rejected": "✖️",
    "refused": "⛔",
    "failed": "⚠️",
    "already_decided": "ℹ️",
    "pending": "⏳",
}


def _at(args: dict[str, Any], key: str = "location") -> str:
    return f" at {args[key]}" if args.get(key) else ""


def _doing(name: str, a: dict[str, Any]) -> str:
    """Say what a tool call does, in the planner's words."""
    if name == "get_inventory":
        return "looked up stock" + (f" of {a['sku']}" if a.get("sku") else "") + _at(a)
    if name == "list_exceptions":
        what = " ".join(str(a[k]) for k in ("type", "location", "sku") if a.get(k))
        return "listed today's " + (f"{what} " if what else "") + "exceptions"
    if name == "explain_exception":
        return f"explained {a.get('exception_id', 'an exception')}"
    if name == "get_forecast":
        return f"read the forecast of {a.get('sku')}{_at(a)}"
    if name == "get_supplier_status":
        who = a.get("supplier_id") or (f"the suppliers of {a['sku']}" if a.get("sku") else "")
        return f"checked supplier status of {who}" if who else "checked supplier status"
    if name == "run_what_if":
        return f"ran a what-if on {a.get('sku')}{_at(a)}"
    if name == "search_policies":
        return f"searched the playbook for “{a.get('query', '')}”"
    if name == "draft_transfer":
        return (
            f"drafted a transfer of {a.get('qty')} {a.get('sku')} "
            f"{a.get('from_location')} → {a.get('to_location')}"
        )
    if name == "draft_purchase_order":
        return (
            f"drafted a purchase order of {a.get('qty')} {a.get('sku')} for "
            f"{a.get('location_id')} from {a.get('supplier_id')}"
        )
    if name == "draft_recommended_action":
        return f"drafted the recommended action for {a.get('exception_id')}"
    shown = ", ".join(f"{k}={v}" for k, v in a.items() if v not in (None, ""))
    return f"{name}({shown})"


def tool_line(name: str, args: dict[str, Any] | None = None, summary: str = "") -> str:
    """Return one line of tool activity, e.g. "looked up stock of SKU-123 at 20 locations"."""
    a = args or {}
    line = _doing(name, a)
    result = summary.split("→", 1)[-1].strip() if "→" in summary else summary.strip()
    if not result:
        return line
    count, _, noun = result.partition(" ")
    if result.startswith("error"):
        return f"{line} → {result}"
    if name == "get_inventory" and count.isdigit() and not a.get("location"):
        return f"{line} at {count} location{'s' if count != '1' else ''}"
    nouns = {"list_exceptions": "found", "search_policies": "passages", "get_supplier_status": ""}
    if count.isdigit() and name in nouns:
        return f"{line} ({count} {nouns[name] or noun})".replace(" )", ")")
    if name.startswith("draft_"):
        status, _, pid = result.partition(" ")
        said = status.replace("_", " ")
        return f"{line} → {pid} ({said})" if pid else f"{line} → {said}"
    return line


def outcome_line(o: dict[str, Any]) -> str:
    """Return one line saying what a decision did (document id or reason)."""
    outcome = str(o.get("outcome", ""))
    icon = OUTCOME_ICONS.get(outcome, "•")
    who = f" by {o['decided_by']}" if o.get("decided_by") else ""
    text = f"{icon} **{o.get('proposal_id', '')}** {o.get('decision', '')}{who}: **{outcome}**"
    if o.get("document_id"):
        text += f" — ERP document **{o['document_id']}**"
    if o.get("message"):
        text += f" — {o['message']}"
    return text


def render_messages(messages: list[dict[str, Any]]) -> None:
    """Render a thread's history: planner and copilot messages, compact tool activity."""
    activity: list[list[Any]] = []  # [tool name, args, result summary]
    for m in messages:
        role, content = m.get("role"), str(m.get("content") or "")
        if role == "user" and m.get("name") == GATE_NAME:
            render_gate_report(content)
        elif role == "user":
            with st.chat_message("user"):
                st.markdown(content)
        elif role == "assistant" and m.get("tool_calls"):
            activity += [[c["name"], c.get("args") or {}, ""] for c in m["tool_calls"]]
        elif role == "tool":
            open_calls = [a for a in activity if not a[2]]
            if open_calls:
                open_calls[0][2] = m.get("summary") or "done"
        elif role == "assistant":
            with st.chat_message("assistant"):
                if activity:
                    lines = [tool_line(name, args, res) for name, args, res in activity]
                    st.caption("🔧 " + " · ".join(lines))
                    activity = []
                st.markdown(content)


def render_gate_report(content: str) -> None:
    """Render the approval gate's report (decisions and commits) as outcome lines."""
    try:
        results = json.loads(content).get("results", [])
    except (ValueError, AttributeError):
        results = []
    with st.chat_message("assistant", avatar="🛂"):
        if not results:
            st.caption("Approval gate: no decision recorded")
        for o in results:
            st.markdown(outcome_line(o))


def _decide(
    thread_id: str, action: dict[str, Any], decision: str, qty: int | None, msg: str | None
) -> None:
    """Send one decision (a button callback) and keep its outcome for the next rerun."""
    c = session.client()
    try:
        turn = c.decide(
            thread_id,
            action["interrupt_id"],
            decision,
            proposal_id=action["proposal_id"],
            qty=qty,
            message=msg or None,
        )
    except ApiError as exc:
        st.session_state[FLASH_KEY] = {"error": str(exc), "kind": type(exc).__name__}
    else:
        mine = [o for o in turn.get("outcomes", []) if o["proposal_id"] == action["proposal_id"]]
        st.session_state[FLASH_KEY] = {"outcomes": mine or turn.get("outcomes", [])}
    finally:
        c.close()
        session.clear_reads()


def _on_decision(thread_id: str, action: dict[str, Any], decision: str) -> None:
    pid = action["proposal_id"]
    qty = st.session_state.get(f"qty-{pid}") if decision == "edit" else None
    msg = st.session_state.get(f"msg-{pid}") if decision in ("reject", "respond") else None
    if decision == "respond" and not msg:
        st.session_state[FLASH_KEY] = {"error": "Write a message to the copilot first."}
        return
    _decide(thread_id, action, decision, int(qty) if qty is not None else None, msg)


def _decision_controls(thread_id: str, action: dict[str, Any]) -> None:
    """Render Approve / Edit quantity / Reject (reason) / Respond for one pending action."""
    pid = action["proposal_id"]
    approve, edit, reject, respond = st.columns(4)
    approve.button(
        "Approve",
        key=f"approve-{pid}",
        type="primary",
        on_click=_on_decision,
        args=(thread_id, action, "approve"),
    )
    edit.number_input(
        "Quantity",
        min_value=1,
        value=int(action.get("args", {}).get("qty") or 1),
        step=1,
        key=f"qty-{pid}",
    )
    edit.button(
        "Approve with this quantity",
        key=f"edit-{pid}",
        on_click=_on_decision,
        args=(thread_id, action, "edit"),
    )
    reject.text_input("Reason / message", key=f"msg-{pid}")
    reject.button(
        "Reject",
        key=f"reject-{pid}",
        on_click=_on_decision,
        args=(thread_id, action, "reject"),
    )
    respond.caption("Answer the copilot instead of deciding")
    respond.button(
        "Respond",
        key=f"respond-{pid}",
        on_click=_on_decision,
        args=(thread_id, action, "respond"),
    )


def render_pending(thread_id: str, pending: list[dict[str, Any]]) -> None:
    """Render each pending action as a card with Approve / Edit / Reject / Respond."""
    for action in pending:
        pid = action["proposal_id"]
        value = action.get("value")
        with st.container(border=True, key=f"card-{pid}"):
            head = f"**Awaiting approval · {action['kind'].replace('_', ' ')} · {pid}**"
            if value is not None:
                head += f" · value {value:,.2f}"
            st.markdown(head)
            st.markdown(action.get("description", ""))
            if session.may_decide():
                _decision_controls(thread_id, action)
            else:
                me = st.session_state.get(session.ME_KEY) or {}
                st.info(
                    f"Waiting for an approver: {me.get('user')} ({me.get('role')}) may not "
                    "decide. It is in the approvers' inbox.",
                    icon="⏳",
                )
            if st.button("Chart this action", key=f"chart-{pid}"):
                args = action.get("args", {})
                st.session_state["drill"] = {
                    "sku": args.get("sku"),
                    "location": args.get("to_location") or args.get("location_id"),
                    "proposal_id": pid,
                }
                st.switch_page("drilldown.py")


def render_flash() -> None:
    """Show the outcome of the last decision (once)."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if not flash:
        return
    if flash.get("error"):
        st.error(f"Decision not recorded: {flash['error']}", icon="⚠️")
    for o in flash.get("outcomes", []):
        line = outcome_line(o)
        if o.get("outcome") == "committed":
            st.success(line)
        elif o.get("outcome") in ("refused", "failed"):
            st.warning(line)
        else:
            st.info(line)


def stream_turn(c: WorkbenchClient, thread_id: str, prompt: str) -> dict[str, Any] | None:
    """Send `prompt`, render the answer as it streams with its tool activity; return the turn."""
    with st.chat_message("user"):
        st.markdown(prompt)
    done: dict[str, Any] | None = None
    with st.chat_message("assistant"):
        status = st.status("Working on it…", expanded=False)
        answer = st.empty()
        text, tools = "", 0
        calls: dict[str, dict[str, Any]] = {}  # tool name -> args of the call in flight
        try:
            for ev in c.stream(thread_id, prompt):
                if ev.event == "token":
                    text += str(ev.data.get("text", ""))
                    answer.markdown(text + "▌")
                elif ev.event == "tool":
                    data = ev.data or {}
                    if "summary" in data:
                        args = calls.pop(data["name"], None)
                        status.write("🔧 " + tool_line(data["name"], args, data["summary"]))
                    else:
                        tools += 1
                        calls[data.get("name", "")] = data.get("args") or {}
                        status.update(label=f"{tool_line(data.get('name', ''), data.get('args'))}…")
                elif ev.event == "done":
                    done = ev.data
                elif ev.event == "error":
                    status.update(label="Failed", state="error")
                    st.error(f"The turn failed: {ev.data.get('message', ev.data)}")
                    return None
        except ApiError as exc:
            status.update(label="Failed", state="error")
            session.show_error(exc, "send the message")
            return None
        label = f"{tools} tool call{'s' if tools != 1 else ''}" if tools else "Answered"
        status.update(label=label, state="complete")
        answer.markdown((done or {}).get("answer") or text or "_(no answer)_")
    session.clear_reads()
    return done


def render_sidebar(c: WorkbenchClient, slot: Any) -> None:
    """Render the thread list and the new-thread button into a sidebar container."""
    with slot:
        st.subheader("Threads")
        if st.button("New thread", key="new-thread", icon=":material/add:"):
            st.session_state[THREAD_KEY] = None
        every = st.toggle("Everyone's threads", key="all-threads")
        try:
            threads = c.threads(scope="all" if every else "mine", limit=30)
        except ApiError as exc:
            session.show_error(exc, "list threads")
            return
        if not threads:
            st.caption("No threads yet.")
        current = st.session_state.get(THREAD_KEY)
        for t in threads:
            badge = f" · ⏳{t['pending']}" if t["pending"] else ""
            label = (t["title"][:38] + ("…" if len(t["title"]) > 38 else "")) + badge
            chosen = t["thread_id"] == current
            if st.button(
                label,
                key=f"thread-{t['thread_id']}",
                type="primary" if chosen else "secondary",
                help=t["thread_id"],
            ):
                st.session_state[THREAD_KEY] = t["thread_id"]
                st.rerun()


def render() -> None:
    """Render the chat page."""
    st.title("Chat")
    c = session.client()
    slot = st.sidebar.container()  # filled last, so a thread started now is listed
    prompt = st.chat_input("Ask the copilot, e.g. “what needs attention today?”")
    queued = st.session_state.pop(PROMPT_KEY, None)
    if queued:
        st.session_state[THREAD_KEY] = None
        prompt = queued
    thread_id = st.session_state.get(THREAD_KEY)
    view: dict[str, Any] = {"messages": [], "pending": [], "committed": []}
    if thread_id:
        with session.api_errors("load the thread"):
            view = c.thread(thread_id)
        st.caption(f"Thread `{thread_id}`")
    elif not prompt:
        st.info(
            "Start a conversation: ask what needs attention today, ask to explain or fix an "
            "exception, or to move stock. Drafted actions wait here for approval.",
            icon="💬",
        )
    render_messages(view["messages"])
    pending = view["pending"]
    if prompt:
        if not thread_id:
            with session.api_errors("start a thread"):
                thread_id = c.new_thread()
            st.session_state[THREAD_KEY] = thread_id
        turn = stream_turn(c, thread_id, prompt)
        if turn is not None:
            pending = turn.get("pending", [])
    render_flash()
    if pending and thread_id:
        render_pending(thread_id, pending)
    if view.get("committed"):
        docs = ", ".join(f"**{d['document_id']}** ({d['kind']})" for d in view["committed"])
        st.caption(f"ERP documents committed in this thread: {docs}")
    render_sidebar(c, slot)


if __name__ == "__main__":
    render()
