"""A copilot process for kill/restart tests: `python -m tests.graph.worker STEP ...`.

Steps: `ask` (draft a transfer and stop at the gate), `decide` (approve as bob), `recover`,
`say` (a follow-up planner message) and `recover-all` (graph.recovery over every thread).
With `--crash-after-erp-write` the process dies with os._exit right after the ERP write,
before the proposal is marked committed or the checkpoint is written — like a kill -9.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.sqlite import SqliteSaver

from erp.connector import BuiltinErpConnector
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.support.scripted_model import ScriptedChatModel, call
from tools.workspace import Workspace


def respond(messages):  # type: ignore[no-untyped-def]
    """Draft a transfer on a planner message; summarise otherwise."""
    last = messages[-1]
    if isinstance(last, HumanMessage) and last.name != "approval_gate":
        return AIMessage(
            "",
            tool_calls=[
                call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20)
            ],
        )
    if isinstance(last, ToolMessage):
        return "drafted"
    return "report: " + str(last.content)


def main() -> None:
    """Run one step and print its result as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["ask", "decide", "recover", "recover-all", "say"])
    ap.add_argument("--store", required=True)
    ap.add_argument("--checkpoints", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--thread", default="t1")
    ap.add_argument("--crash-after-erp-write", action="store_true")
    args = ap.parse_args()
    settings = Settings(_env_file=None, database_url=args.store, plan_cache_dir=args.cache)
    ws = Workspace.open(settings)
    if args.crash_after_erp_write:
        real = BuiltinErpConnector.create_transfer

        def create_then_die(self, request, *, idempotency_key):  # type: ignore[no-untyped-def]
            real(self, request, idempotency_key=idempotency_key)
            sys.stdout.flush()
            os._exit(137)

        BuiltinErpConnector.create_transfer = create_then_die  # type: ignore[method-assign]
    conn = sqlite3.connect(args.checkpoints, check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    copilot = Copilot(ws, checkpointer=saver, model=ScriptedChatModel(respond=respond))
    if args.step == "ask":
        result = copilot.ask("move 20 A to S1", user="alice", thread_id=args.thread)
    elif args.step == "decide":
        result = copilot.decide(args.thread, user="bob", decision="approve")
    elif args.step == "say":
        result = copilot.ask("thanks, what next?", user="alice", thread_id=args.thread)
    elif args.step == "recover-all":
        from graph.recovery import recover

        print(json.dumps([r.as_dict() for r in recover(copilot)]))
        return
    else:
        recovered = copilot.recover(args.thread)
        print(json.dumps(None if recovered is None else recovered.as_dict(), default=str))
        return
    print(json.dumps(result.as_dict(), default=str))


if __name__ == "__main__":
    main()
