"""Wire the copilot graph: agent ↔ tools, then the approval gate, review and ERP commit.

Export `builder`; callers compile it with their own checkpointer (`build_graph`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from graph.context import Context
from graph.nodes import agent, approval, commit, review, tool_node
from graph.state import State
from stockpilot.faults import fault_point


def route_after_agent(state: State) -> Literal["tools", "approval", "__end__"]:
    """Run requested tools; else stop at the gate if proposals wait; else the turn is over."""
    last = state["messages"][-1]
    if getattr(last, "tool_calls", None):
        return "tools"
    if state.get("pending"):
        return "approval"
    return "__end__"


def route_after_approval(state: State) -> Literal["review", "__end__"]:
    """Review a human answer; when nothing was left to decide, the turn is over."""
    return "review" if state.get("decisions") is not None else "__end__"


def _with_fault_points(name: str, node: Callable[[State, Runtime[Context]], dict[str, Any]]):
    """Wrap a node with the crash points the fault-injection tests aim at (stockpilot.faults)."""

    def run(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        fault_point(f"before:{name}")
        update = node(state, runtime)
        fault_point(f"after:{name}")
        return update

    run.__name__ = run.__qualname__ = name
    return run


builder = StateGraph(State, context_schema=Context)
builder.add_node("agent", _with_fault_points("agent", agent))
builder.add_node("tools", tool_node)
builder.add_node("approval", _with_fault_points("approval", approval))
builder.add_node("review", _with_fault_points("review", review))
builder.add_node("commit", _with_fault_points("commit", commit))

# Every turn starts with the model reading the conversation.
builder.add_edge(START, "agent")
# The model either calls tools, hands pending proposals to the gate, or answers.
builder.add_conditional_edges("agent", route_after_agent)
# Tool results always go back to the model, which decides what to say or do next.
builder.add_edge("tools", "agent")
# The gate's answer is reviewed; an empty gate (decided elsewhere meanwhile) ends the turn.
builder.add_conditional_edges("approval", route_after_approval)
# Every reviewed decision round ends in commit, which writes approved actions and reports.
builder.add_edge("review", "commit")
# The model tells the planner what was committed, refused or rejected.
builder.add_edge("commit", "agent")


def build_graph(
    checkpointer: BaseCheckpointSaver | None = None,
) -> CompiledStateGraph[State, Context, State, State]:
    """Compile the copilot graph with the given checkpointer."""
    return builder.compile(checkpointer=checkpointer)
