"""Supplier delays said as scenarios, procedure questions, and the thread's drafts asked about.

- A supplier's delay of a said length asked as a scenario runs the what-if with that delay,
  however the length sits against the delay ("a 9-day <supplier> delay", "+9 days lead time",
  "can't ship for another 9 days", "a delay case: <supplier>, 9 days").
- A question when or how fast a procedure is done, naming nothing particular ("when do we chase
  a late vendor", "how quickly must a store recount a negative balance") asks the playbook.
- A question whether anything was drafted or is queued for approval lists the proposals.
- A typo of a scenario or playbook word ("simulatte", "escallate") is read as the word.
Variants are generated: verbs x supplier forms x units, with a typo among them.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from agents.offline.parsing import _scenario_args
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def first_call(text: str, resolver: Resolver) -> tuple[str, Call]:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (text, intent.name, step)
    return intent.name, step[0]


DELAYS = [
    form.format(sup=sup, n=n, unit=unit)
    for form, sup, (n, unit) in product(
        (
            "model a {n} {unit} slip on {sup}",
            "play out a {n}-{unit} {sup} delay",
            "{sup} can't ship for another {n} {unit} - what then?",
            "a delay case: {sup}, {n} {unit} - impact?",
            "scenario: {sup} +{n} {unit} lead time",
            "simulatte a {n} {unit} delay from {sup}",
        ),
        ("SUP-03", "sup-03"),
        ((9, "days"), (2, "weeks")),
    )
]


@pytest.mark.parametrize("text", DELAYS)
def test_a_sized_supplier_delay_asked_as_a_scenario_runs_it(text: str, resolver: Resolver) -> None:
    name, call = first_call(text, resolver)
    assert call.name == "run_what_if", (name, call)
    assert call.args["supplier_id"] == "SUP-03"
    assert call.args["supplier_delay_days"] == (9 if "9" in text else 14)


def test_a_delay_length_apart_from_its_word_is_read() -> None:
    assert _scenario_args("a delay case: SUP-03, 9 days")["supplier_delay_days"] == 9
    assert _scenario_args("SUP-03 can't ship for an extra 2 weeks")["supplier_delay_days"] == 14


@pytest.mark.parametrize(
    "text",
    [
        f"{opener} {actor} {verb} {thing}"
        for opener, actor, (verb, thing) in product(
            ("when do", "how quickly should", "how fast must"),
            ("we", "a store"),
            (
                ("chase", "a late vendor"),
                ("recount", "a negative balance"),
                ("escallate", "an overdue delivery"),
            ),
        )
    ],
)
def test_a_procedure_question_asks_the_playbook(text: str, resolver: Resolver) -> None:
    _, call = first_call(text, resolver)
    assert call.name == "search_policies"


@pytest.mark.parametrize(
    "text",
    [
        "when does the next delivery for SKU-0001 land at S003",
        "when will S003 run out of SKU-0001",
        "when do we expect SUP-02's order",
    ],
)
def test_a_when_question_about_a_thing_is_no_procedure(text: str, resolver: Resolver) -> None:
    _, call = first_call(text, resolver)
    assert call.name != "search_policies"


def test_what_happens_past_a_figure_asks_the_playbook(resolver: Resolver) -> None:
    for text in ("what happens with an order over 40k", "what happens with a PO abve 100,000"):
        assert first_call(text, resolver)[1].name == "search_policies", text


@pytest.mark.parametrize(
    "text",
    [
        "has anyone raised anything in here yet?",
        "did we queue something up for approval",
        "anything up for sign-off from this conversation?",
        "show the open drafts",
        "what's in the sign-off queue",
        "have I drafted anything so far",
    ],
)
def test_a_question_about_the_threads_drafts_lists_the_proposals(
    text: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    assert not intent.writes
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "list_proposals", (intent.name, step)


@pytest.mark.parametrize(
    "text",
    [
        form.format(sku=sku, loc=loc)
        for form, sku, loc in product(
            (
                "take me thru the {sku} alert at {loc}",
                "what was behind the {sku} issue in {loc}?",
                "more detail on the {sku} / {loc} flag",
                "unpack the {sku} exception at {loc} for me",
                "explian why {loc} has a problem with {sku}",
            ),
            ("SKU-0001", "sku 1"),
            ("S003", "s003"),
        )
    ],
)
def test_an_explanation_asked_of_a_said_exception_explains_it(
    text: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    listed = intent.handler(req, [])
    assert isinstance(listed, list) and listed[0].name == "list_exceptions", (intent.name, listed)
    assert listed[0].args["sku"] == "SKU-0001" and listed[0].args["location"] == "S003"
    row = {"id": "stockout_risk:SKU-0001@S003", "money_at_risk": 5.0}
    result = Result(listed[0].name, listed[0].args, "", {"items": [row]})
    step = intent.handler(req, [result])
    assert isinstance(step, list) and step[0].name == "explain_exception", (intent.name, step)
