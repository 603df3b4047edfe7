"""A condition with a size is a what-if, whatever look-up its nouns would match.

"If <supplier> moves its deliveries out by N days" or "say <store> sells N% more" is a scenario
run on the plan (`run_what_if`, read by the same scenario reader the handler uses); a condition
with nothing to size, or a request that is no condition, is not.
"""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.messages import AIMessage, HumanMessage

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


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("what happens if we promote SKU-0014 at S003 over the next two weeks", ("07-01", "07-14")),
        ("if we put SKU-0012 on promotion at S001 during the next 10 days", ("07-01", "07-10")),
        ("promo on SKU-0012 at S001, 2 weeks from 2026-07-06, 1.8x", ("07-06", "07-19")),
        ("what if we promote SKU-0012 at S001 for a fortnight", ("07-01", "07-14")),
    ],
)
def test_a_promotions_window_is_its_dates_or_its_horizon_from_tomorrow(
    text: str, window: tuple[str, str]
) -> None:
    got = hypotheses.promotion_window(text, AS_OF)
    assert got is not None and tuple(d.isoformat()[5:] for d in got) == window


@pytest.mark.parametrize(
    ("text", "posed"),
    [
        ("what happens if we promote SKU-0014 at S003 over the next two weeks", True),
        ("marketing wants to run 20% off on SKU-0012 at S001 next week", True),
        ("which promotions are uncovered at S003?", False),
        ("is SKU-0012 on promotion at S001?", False),
    ],
)
def test_a_promotion_posed_as_a_plan_is_a_hypothesis(text: str, posed: bool) -> None:
    assert hypotheses.poses_promotion(text) is posed


def test_a_price_cut_is_neither_the_uplift_nor_a_demand_drop(resolver: Resolver) -> None:
    intent, req = parse("what if we run 30% off on SKU-0012 at S001 next week", (), resolver, AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "run_what_if"
    assert step[0].args["promo_uplift"] == 1.5 and "demand_factor" not in step[0].args


def test_a_size_given_in_reply_to_the_question_for_it_sizes_the_request(
    resolver: Resolver,
) -> None:
    first = "what if Acme is late?"
    intent, req = parse(first, (), resolver, AS_OF)
    asked = intent.handler(req, [])
    assert isinstance(asked, str) and asked.startswith("I need how many days late")
    earlier = [HumanMessage(first), AIMessage(asked)]
    intent, req = parse("10 days", earlier, resolver, AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "run_what_if"
    assert step[0].args["supplier_delay_days"] == 10


@pytest.mark.parametrize(
    ("follow_up", "key", "value"),
    [
        ("what about 28 days", "supplier_delay_days", 28),
        ("and 3 weeks?", "supplier_delay_days", 21),
    ],
)
def test_a_new_size_after_a_delay_what_if_reruns_it(
    follow_up: str, key: str, value: int, resolver: Resolver
) -> None:
    earlier = [
        HumanMessage("what if SUP-03 is 10 days late?"),
        AIMessage(
            "",
            tool_calls=[
                {
                    "name": "run_what_if",
                    "args": {"supplier_id": "SUP-03", "supplier_delay_days": 10},
                    "id": "c1",
                }
            ],
        ),
    ]
    call = hypotheses.resized(follow_up, earlier)
    assert call is not None and call.args == {"supplier_id": "SUP-03", key: value}


def test_a_percent_after_a_demand_what_if_keeps_its_direction() -> None:
    earlier = [
        AIMessage(
            "",
            tool_calls=[{"name": "run_what_if", "args": {"demand_factor": 0.9}, "id": "c1"}],
        )
    ]
    assert (call := hypotheses.resized("and if it were 30%?", earlier)) is not None
    assert call.args["demand_factor"] == 0.7
    assert hypotheses.resized("what about 5 days", earlier) is None
