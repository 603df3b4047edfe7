"""What-if threads read on the seed-239 network (18 stores, three DCs), turn by turn.

Shared by the what-if scope tests and their held-out twin: each turn is read in its thread,
and a turn's calls are answered with a stub result naming the scope run, so a follow-up reads
what the thread last simulated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import parse
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2027, 4, 12)
SCOPES = ("sku", "location", "category", "supplier_id")


def network_resolver() -> Resolver:
    """The resolver of the seed-239 demo network: 18 stores, 260 SKUs, three DCs."""
    demo = generate_demo(seed=239, stores=18, skus=260, days=120, dcs=3, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def last_step(turns: Sequence[str], resolver: Resolver) -> list[tuple[str, dict[str, Any]]] | str:
    """The last turn's step: its calls (name, args), or the text it answered with."""
    earlier: list[BaseMessage] = []
    step: Any = ""
    for n, text in enumerate(turns):
        intent, req = parse(text, earlier, resolver, AS_OF)
        step = intent.handler(req, [])
        earlier.append(HumanMessage(text))
        if not isinstance(step, list):
            earlier.append(AIMessage(str(step)))
            continue
        for i, c in enumerate(step):
            scope = {k: c.args[k] for k in SCOPES if k in c.args} or {"network": True}
            call_id = f"c{n}-{i}"
            earlier.append(
                AIMessage("", tool_calls=[{"name": c.name, "args": c.args, "id": call_id}])
            )
            earlier.append(
                ToolMessage(json.dumps({"scope": scope, "notes": []}), tool_call_id=call_id)
            )
        earlier.append(AIMessage("done"))
    return [(c.name, c.args) for c in step] if isinstance(step, list) else str(step)


def runs(step: list[tuple[str, dict[str, Any]]] | str, want: dict[str, Any]) -> bool:
    """Whether a step is one `run_what_if` with the wanted arguments (`...`: any value)."""
    if isinstance(step, str) or len(step) != 1 or step[0][0] != "run_what_if":
        return False
    args = step[0][1]
    for key, value in want.items():
        if key not in args:
            return False
        got = round(args[key], 4) if isinstance(value, float) else args[key]
        if value is not ... and got != value:
            return False
    return True
