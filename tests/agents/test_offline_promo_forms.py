"""A hypothetical promotion said in shorthand, and exception types said short.

A promotion given with its dates and a factor written before its number ("x1.4"), dates of two
months without "from" ("Jul 20 to Aug 2"), two full dates run together, or a store that
"features" the item runs the what-if with that window and uplift; "below-SS" is below safety
stock, and "promos not covered" lists the uncovered promotions rather than asking for a scenario.
Variants are generated: lead words x factor forms x date forms.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from agents.offline import parse
from agents.offline.parsing import _normalise
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def first_call(text: str, resolver: Resolver) -> tuple[str, str, dict]:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (text, intent.name, step)
    return intent.name, step[0].name, step[0].args


@pytest.mark.parametrize(
    ("form", "factor", "window"),
    list(
        product(
            (
                "promo SKU-0002 at S001 {window} {factor} - do we have enough?",
                "what if S001 features SKU-0002 {window} at {factor}",
                "SKU-0002 promotion at S001, {window}, {factor}: what's the effect?",
            ),
            ("x1.4", "x 1.4", "1.4x"),
            ("2026-07-20 to 2026-08-02", "Jul 20 to Aug 2", "2026-07-202026-08-02"),
        )
    ),
)
def test_a_promotion_in_shorthand_runs_the_what_if(
    form: str, factor: str, window: str, resolver: Resolver
) -> None:
    text = form.format(factor=factor, window=window)
    _, tool, args = first_call(text, resolver)
    assert tool == "run_what_if", (text, args)
    assert args["promo_start"] == "2026-07-20" and args["promo_end"] == "2026-08-02"
    assert args["promo_uplift"] == pytest.approx(1.4)


@pytest.mark.parametrize(
    "text", ["any below-SS lines?", "what's under SS at S002", "list items below ss please"]
)
def test_below_ss_is_below_safety_stock(text: str, resolver: Resolver) -> None:
    _, tool, args = first_call(text, resolver)
    assert tool == "list_exceptions" and args["type"] == "below_safety_stock"


@pytest.mark.parametrize(
    "text", ["run me the promos not covered", "pull up the promotions that are uncovered"]
)
def test_uncovered_promotions_are_listed(text: str, resolver: Resolver) -> None:
    _, tool, args = first_call(text, resolver)
    assert tool == "list_exceptions" and args["type"] == "promo_uncovered"


def test_a_count_of_units_before_an_item_is_no_factor() -> None:
    assert "15x" not in _normalise("send x15 SKU-0001 to S003")
    assert "1.4x" in _normalise("promo at x1.4")


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("tally up the exceptions for today", {"by": "type"}),
        ("sum up todya's issues", {"by": "type"}),
        ("what's at risk for each category?", {"by": "category"}),
        ("our exposur on promotions", {"type": "promo_uncovered"}),
    ],
)
def test_a_summary_said_in_other_words_is_the_money_summary(
    text: str, args: dict, resolver: Resolver
) -> None:
    _, tool, called = first_call(text, resolver)
    assert tool == "summarize_exceptions", (text, called)
    assert args.items() <= called.items()
    assert "category" not in called or called["category"] not in ("each", "every")
