"""An example request the copilot offers states no figure that no tool returned.

Help, ask-backs ("I need the change to simulate — for example: **what if ...**") and the
suggestions for a request nothing matched quote requests to send. A size in such an example
("7 days late", "rises 20%", "transfer 25 of ...", "top 5") is a figure the planning engine
never produced: the example leaves it open ("<n>", "<qty>") or repeats the planner's own.
The check is the evaluation's faithfulness check (`evals.faithfulness`): the request is the
only source, so any number of the answer that the planner did not write is invented.
"""

from __future__ import annotations

import re

import pytest

from agents.focus import Focus
from agents.offline import parse
from agents.offline.handlers import HELP, what_if
from agents.offline.intents import INTENTS, suggestions
from agents.offline.messages import Request
from evals.faithfulness import invented_figures
from tools.resolve import Resolver

ASKED_BACK = [
    # (request, what the ask-back names from the request)
    ("what if SKU-0012 at S003 gets a scenario?", ("SKU-0012", "S003")),
    ("simulate something for SKU-0016 at S002", ("SKU-0016", "S002")),
    ("what if demand changes?", ()),
    ("what if SUP-03 is late?", ("SUP-03",)),
    ("what if SUP-03 slips", ("SUP-03",)),
    ("transfer 35 to S003", ("35", "S003")),
    ("how much would it cost to transfer SKU-0012?", ("SKU-0012",)),
    ("raise the forecast by 30% next week", ()),
    ("change SKU-0007's forecast at S001 next week", ("SKU-0007",)),
    ("bump the forecast for SKU-0007 at S001 by 30%", ("SKU-0007",)),
]


def test_the_help_states_no_figure() -> None:
    assert invented_figures(HELP) == []


@pytest.mark.parametrize(("text", "named"), ASKED_BACK)
def test_an_ask_back_example_states_only_the_planners_figures(
    text: str, named: tuple[str, ...], resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver)
    answer = intent.handler(req, [])
    assert isinstance(answer, str) and "**" in answer, (text, answer)
    assert invented_figures(answer, text) == [], answer
    assert all(n in answer for n in named), answer


@pytest.mark.parametrize(
    ("text", "example"),
    [
        # the size the planner gave is the example's
        ("transfer 35 to S003", "transfer 35 of"),
        ("bump the forecast for SKU-0007 at S001 by 30%", "by 30% from <start date>"),
        # none given: left open, not made up
        ("how much would it cost to transfer SKU-0012?", "transfer <qty> SKU-0012"),
        ("what if SUP-03 is late?", "what if SUP-03 is <n> days late?"),
    ],
)
def test_an_ask_back_takes_the_size_said_or_leaves_it_open(
    text: str, example: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver)
    answer = intent.handler(req, [])
    assert isinstance(answer, str) and example in answer, answer


def test_a_simulation_ask_back_names_the_threads_item_and_place() -> None:
    req = Request("what if?", {}, focus=Focus(sku="SKU-0081", location="S009"))
    answer = what_if(req, [])
    assert isinstance(answer, str)
    assert "**what if demand for SKU-0081 at S009 rises <n>%?**" in answer, answer


@pytest.mark.parametrize(
    "text", ["blorp the frobnicator", "zzz SKU-0012 S003 hmm", "something about SUP-03 pls"]
)
def test_no_suggestion_states_a_figure_the_planner_did_not(text: str, resolver: Resolver) -> None:
    _, req = parse(text, (), resolver)
    offered = suggestions(req, limit=len(INTENTS))  # every intent's template, filled
    assert len(offered) > 20
    assert [s for s in offered if invented_figures(s, text)] == []
    assert "do it but only <qty>" in offered and "top <n> exceptions" in offered


def test_a_suggestion_keeps_the_quantity_the_planner_said(resolver: Resolver) -> None:
    text = "zzz 35 SKU-0012 S003 hmm"
    _, req = parse(text, (), resolver)
    offered = suggestions(req, limit=len(INTENTS))
    assert "do it but only 35" in offered
    assert [s for s in offered if invented_figures(s, text)] == []
    assert not [s for s in offered if re.search(r"\b20\b", s)]
