"""Shared fixtures of the offline model's tests: the small seed-7 network's resolver, the
shipped playbook's knowledge base, a thread turn, and a copilot on that network driven by the
offline model through the real graph (`copilot`, `ask`)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.offline import OfflinePlannerModel
from erp.demo import generate_demo
from erp.store import replace_snapshot
from graph.service import Copilot
from knowledge import KnowledgeBase
from stockpilot.settings import PROJECT_ROOT, Settings
from tools.resolve import Resolver
from tools.workspace import Workspace


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """The entity resolver of a 4-store, 30-SKU seed-7 demo network (one per test module)."""
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=date(2026, 6, 30))
    return Resolver.from_network(demo.data)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped playbook (`knowledge/corpus`) ingested into a fresh store (one per module)."""
    base = KnowledgeBase(Settings(knowledge_dir=Path(tmp_path_factory.mktemp("playbook"))))
    base.ingest(PROJECT_ROOT / "knowledge" / "corpus")
    return base


def turn(request: str, tool: str, args: dict[str, Any], data: Any, n: int = 1) -> list[BaseMessage]:
    """One earlier turn of a thread: the request, the tool call `c{n}`, its JSON result, a reply."""
    call = {"name": tool, "args": args, "id": f"c{n}"}
    return [
        HumanMessage(request),
        AIMessage("", tool_calls=[call]),
        ToolMessage(json.dumps(data), tool_call_id=f"c{n}"),
        AIMessage("done"),
    ]


@pytest.fixture(scope="module")
def hub_resolver() -> Resolver:
    """The same network with its DCs named otherwise: DC-NORTH is HUB-1, DC-SOUTH is HUB-2."""
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=date(2026, 6, 30))
    renamed = {"DC-NORTH": "HUB-1", "DC-SOUTH": "HUB-2"}
    locations = demo.data.locations.replace({"location_id": renamed, "source_location": renamed})
    return Resolver.from_network(replace(demo.data, locations=locations))


@pytest.fixture(scope="module")
def three_dc_resolver() -> Resolver:
    """A 6-store network with three DCs (DC-NORTH, DC-SOUTH, DC-03), two stores each."""
    demo = generate_demo(seed=7, stores=6, skus=30, days=120, dcs=3, as_of=date(2026, 6, 30))
    return Resolver.from_network(demo.data)


_ids = itertools.count()


def _copilot_on_demo(tmp: Path, **network: Any) -> Copilot:
    """A copilot with the offline model on a seed-7 demo network of the given shape."""
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp / 'store.db'}",
        plan_cache_dir=tmp / "cache",
    )
    ws = Workspace.open(settings)
    demo = generate_demo(seed=7, skus=30, days=400, as_of=date(2026, 6, 30), **network)
    replace_snapshot(ws.engine, demo.data, source="demo:test")
    saver = SqliteSaver(sqlite3.connect(tmp / "cp.db", check_same_thread=False))
    saver.setup()
    return Copilot(ws, checkpointer=saver, model=OfflinePlannerModel())


@pytest.fixture(scope="module")
def copilot(tmp_path_factory: pytest.TempPathFactory) -> Copilot:
    return _copilot_on_demo(tmp_path_factory.mktemp("copilot"), stores=4)


@pytest.fixture(scope="module")
def three_dc_copilot(tmp_path_factory: pytest.TempPathFactory) -> Copilot:
    """A copilot on the seed-7 network with three DCs (DC-NORTH, DC-SOUTH, DC-03), six stores."""
    return _copilot_on_demo(tmp_path_factory.mktemp("copilot3"), stores=6, dcs=3)


def ask(copilot: Copilot, *texts: str) -> list[Any]:
    """Ask the texts in one fresh thread, after rejecting whatever was left pending."""
    ws = copilot.workspace
    for p in ws.governance.proposals.list(status="pending"):
        ws.governance.proposals.decide(p.id, user="bob", decision="reject")
    thread = f"thread-{next(_ids)}"
    return [copilot.ask(t, user="alice", thread_id=thread) for t in texts]
