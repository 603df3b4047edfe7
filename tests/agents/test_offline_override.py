"""The offline model sets a forecast override a planner asks for, and asks for what is missing.

Read with the demo network's resolver (seed 7, 4 stores × 30 SKUs, as of 2026-06-30). A change
needs a SKU (said or the thread's), a change (a percentage, a word like "halve", or a rate of
units a day) and a window (dates, "next week", "for the next 2 weeks", "in July"); whatever is
missing is asked for and nothing is set. What-ifs, questions and look-ups of overrides are not
changes; a read-only user is refused before any call (tests/agents/test_offline_safety.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.messages import Asker, Call, Result
from agents.offline.render import render_override_set
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)
PLANNER = Asker("alice", "planner")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def first_step(text: str, resolver: Resolver) -> tuple[str, Any]:
    intent, req = parse(text, (), resolver, as_of=AS_OF, asker=PLANNER)
    step = intent.handler(req, [])
    return intent.name, step if isinstance(step, str) else list(step)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bump the forecast for SKU-0007 at S001 by 30% for the next 2 weeks",
            {"sku": "SKU-0007", "location": "S001", "multiplier": 1.3,
             "start_date": "2026-07-01", "end_date": "2026-07-14"},
        ),
        (
            "set SKU-0003's forecast to 12 a day in July",
            {"sku": "SKU-0003", "rate": 12.0, "start_date": "2026-07-01", "end_date": "2026-07-31"},
        ),
        (
            "halve the forecast of sku 4 at store 2 next week",
            {"sku": "SKU-0004", "location": "S002", "multiplier": 0.5,
             "start_date": "2026-07-06", "end_date": "2026-07-12"},
        ),
        (
            "cut sku-0010 forecast at s004 by 20% until 15 Jul",
            {"sku": "SKU-0010", "location": "S004", "multiplier": 0.8,
             "start_date": "2026-07-01", "end_date": "2026-07-15"},
        ),
        (
            "forecast 40 a day of SKU-0007 at S001 from 2026-07-01 to 2026-07-10",
            {"sku": "SKU-0007", "location": "S001", "rate": 40.0,
             "start_date": "2026-07-01", "end_date": "2026-07-10"},
        ),
    ],
)  # fmt: skip
def test_a_forecast_change_sets_an_override(
    text: str, expected: dict[str, Any], resolver: Resolver
) -> None:
    name, step = first_step(text, resolver)
    assert name == "set_override"
    assert len(step) == 1 and step[0].name == "set_forecast_override"
    args = dict(step[0].args)
    reason = args.pop("reason")
    assert args == expected
    assert reason and "1 day" not in reason  # the planner's words, stored with the override


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("raise the forecast by 30% next week", "the SKU"),
        ("change SKU-0007's forecast at S001 next week", "how to change"),
        ("bump the forecast for SKU-0007 at S001 by 30%", "the days"),
    ],
)
def test_what_is_missing_is_asked_for(text: str, missing: str, resolver: Resolver) -> None:
    name, step = first_step(text, resolver)
    assert name == "set_override"
    assert isinstance(step, str) and missing in step


@pytest.mark.parametrize(
    "text",
    [
        "what if we bump the forecast for SKU-0007 at S001 by 30% next week?",
        "which forecasts did we override?",
        "forecast SKU-0001 at S003 for the next 14 days",
        "would raising the forecast of SKU-0007 by 30% next week help?",
    ],
)
def test_what_ifs_questions_and_look_ups_change_nothing(text: str, resolver: Resolver) -> None:
    name, step = first_step(text, resolver)
    assert name != "set_override"
    calls = step if isinstance(step, list) else []
    assert all(isinstance(c, Call) and c.name != "set_forecast_override" for c in calls)


def test_a_viewer_asking_to_change_a_forecast_is_refused(resolver: Resolver) -> None:
    intent, req = parse(
        "bump the forecast for SKU-0007 at S001 by 30% next week",
        (),
        resolver,
        as_of=AS_OF,
        asker=Asker("victor", "viewer", read_only=True),
    )
    assert intent.name != "set_override"
    assert "Refused" in str(intent.handler(req, []))


def test_the_answer_says_what_is_in_force_or_why_not() -> None:
    args = {"sku": "SKU-0007", "multiplier": 1.3}
    done = {
        "status": "set",
        "override": {
            "id": "OVR-1",
            "note": "×1.3 for SKU-0007 at S001 from 2026-07-01 to 2026-07-14",
        },
        "replanned_skus": ["SKU-0007"],
        "note": "In force now: ...",
    }
    text = render_override_set(Result("set_forecast_override", args, json.dumps(done), done))
    assert text.startswith("**Forecast override set** (`OVR-1`)") and "SKU-0007" in text
    bad = {"status": "invalid", "errors": ["end_date: before start_date"]}
    text = render_override_set(Result("set_forecast_override", args, json.dumps(bad), bad))
    assert text.startswith("**Not set** (invalid): end_date: before start_date")
