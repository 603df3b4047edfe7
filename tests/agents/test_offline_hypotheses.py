"""A condition with a size is a what-if, whatever look-up its nouns would match.

"If <supplier> moves its deliveries out by N days" or "say <store> sells N% more" is a scenario
run on the plan (`run_what_if`, read by the same scenario reader the handler uses); a condition
with nothing to size, or a request that is no condition, is not.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.offline import hypotheses, parse
from agents.offline.parsing import _scenario_args
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("suppose Voltix shifts all its open orders out by 6 days, then what?", 6),
        ("if Acme Foods bumps every delivery back 2 weeks - what breaks?", 14),
    ],
)
def test_a_supplier_moving_its_orders_out_is_a_sized_delay(
    text: str, delay: int, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    assert hypotheses.is_sized_hypothesis(req.text)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "run_what_if", (intent.name, step)
    assert step[0].args.get("supplier_delay_days") == delay


@pytest.mark.parametrize(
    "text",
    [
        "what's on order from Voltix for the next 6 days?",
        "if it's not too much trouble, show stock at Union",
        "Acme Foods moved its deliveries, which POs are late?",
    ],
)
def test_no_condition_or_no_size_is_not_a_hypothesis(text: str, resolver: Resolver) -> None:
    _, req = parse(text, (), resolver, as_of=AS_OF)
    assert not hypotheses.is_sized_hypothesis(req.text)


def test_the_delay_reader_takes_words_between_the_verb_and_back() -> None:
    assert _scenario_args("if SUP-03 pushes its open POs back 4 days")["supplier_delay_days"] == 4


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("what would a two-week slip at Sunrise Personal Care do to us?", 14),
        ("Blue Ridge running five more days late - does that hurt?", 5),
    ],
)
def test_a_named_suppliers_delay_said_in_words_and_its_consequence_is_a_what_if(
    text: str, delay: int, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "run_what_if", (intent.name, step)
    assert step[0].args.get("supplier_delay_days") == delay


def test_a_delay_without_a_supplier_or_a_consequence_is_not_a_what_if() -> None:
    assert not hypotheses.is_sized_hypothesis("which POs are 10 days late and hurt us most?")
    assert not hypotheses.is_sized_hypothesis("SUP-03 is 4 days late on PO-000123")


@pytest.mark.parametrize(
    "text",
    [
        "the 10-day slip from SUP-03 last month - did it hurt?",
        "Blue Ridge ran five more days late last week - did that hurt?",
        "the two-week delay at Sunrise Personal Care a while ago, how did it affect us?",
    ],
)
def test_a_delay_that_already_happened_is_not_a_what_if(text: str, resolver: Resolver) -> None:
    assert not hypotheses.is_sized_hypothesis(text)
    assert parse(text, (), resolver, as_of=AS_OF)[0].name != "what_if"
