"""Measure the size (characters) of each read tool's output on the demo network.

Usage: python benchmarks/bench_tool_sizes.py [--stores 20] [--skus 300] [--seed 7]
       [--as-of 2026-12-03] [--database-url sqlite:///…]

What a language model reads counts against its context: the README states these sizes. Each tool
is called through LangGraph's ToolNode (as the copilot calls it) with the arguments a planner's
question typically gives; ids are picked from the network (the first store, DC, supplier and the
SKU of the top exception), so the figures are reproducible for a seed and a date. Prints one
markdown row per call.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.state import State  # noqa: E402
from stockpilot.settings import Settings  # noqa: E402
from tools.context import CopilotContext  # noqa: E402
from tools.planner import READ_TOOLS  # noqa: E402
from tools.workspace import Workspace  # noqa: E402


def _calls(ws: Workspace) -> list[tuple[str, dict[str, Any]]]:
    """Return the calls measured, with ids taken from the network itself."""
    data = ws.plans.entities()
    locations = data.locations
    store = str(locations.loc[locations["type"] == "store", "location_id"].iloc[0])
    dc = str(locations.loc[locations["type"] == "dc", "location_id"].iloc[0])
    supplier = str(data.suppliers["supplier_id"].iloc[0])
    top = ws.queries.exceptions(top=1)
    sku = str(top[0]["sku"]) if top else str(data.items["sku"].iloc[0])
    where = str(top[0]["location"]) if top else store
    exc_id = str(top[0]["id"]) if top else f"stockout_risk:{sku}@{store}"
    return [
        ("list_exceptions", {"top": 100}),
        ("list_exceptions", {"top": 100, "compact": True}),
        ("list_exceptions", {}),
        ("summarize_exceptions", {"by": "location"}),
        ("explain_exception", {"exception_id": exc_id}),
        ("get_inventory", {"location": store}),
        ("get_inventory", {"sku": sku, "location": where}),
        ("get_network_position", {"sku": sku}),
        ("get_open_supply", {"supplier_id": supplier}),
        ("get_item", {"sku": sku}),
        ("get_forecast", {"sku": sku, "location": where}),
        ("get_supplier_status", {"supplier_id": supplier}),
        ("get_lanes", {"to_location": store}),
        ("get_supplier_overview", {"supplier_id": supplier}),
        ("get_routine_orders", {"supplier_id": supplier}),
        ("get_routine_orders", {"supplier_id": supplier, "compact": True}),
        ("get_routine_orders", {"location": dc}),
        ("run_what_if", {"demand_factor": 1.25}),
        ("run_what_if", {"sku": sku, "location": where, "demand_factor": 1.25}),
        ("run_what_if", {"supplier_id": supplier, "supplier_delay_days": 14}),
        ("search_policies", {"query": "who approves a purchase order above 10,000"}),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--skus", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 12, 3))
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=args.database_url or f"sqlite:///{Path(tmp) / 'sizes.db'}",
            plan_cache_dir=Path(tmp) / "cache",
            knowledge_dir=Path(tmp) / "knowledge",
        )
        ws = Workspace.open(settings)
        ws.snapshots.seed_demo(
            stores=args.stores, skus=args.skus, seed=args.seed, as_of=args.as_of, replace=True
        )
        builder = StateGraph(State, context_schema=CopilotContext)
        builder.add_node("tools", ToolNode(READ_TOOLS))
        builder.add_edge(START, "tools")
        builder.add_edge("tools", END)
        graph = builder.compile()

        shape = f"{args.stores} stores x {args.skus} SKUs"
        print(f"network: {shape}, seed {args.seed}, as of {args.as_of}")
        print("| call | characters |")
        print("|---|---|")
        for i, (name, call_args) in enumerate(_calls(ws)):
            state = graph.invoke(
                {
                    "messages": [
                        AIMessage(
                            "",
                            tool_calls=[
                                {
                                    "name": name,
                                    "args": call_args,
                                    "id": f"c{i}",
                                    "type": "tool_call",
                                }
                            ],
                        )
                    ],
                    "user": "alice",
                    "pending": [],
                },
                config={"configurable": {"thread_id": f"sizes-{i}"}},
                context=CopilotContext(workspace=ws),
            )
            (reply,) = [m for m in state["messages"] if isinstance(m, ToolMessage)]
            content = str(reply.content)
            error = json.loads(content).get("error") if content.startswith("{") else None
            shown = ", ".join(f"{k}={v!r}" for k, v in call_args.items())
            note = f" (error: {error})" if error else ""
            print(f"| `{name}({shown})` | {len(content):,}{note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
