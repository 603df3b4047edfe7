"""What-ifs said in a planner's own words: the size, the delay, the scope and the promotion.

Each class is checked with several phrasings (comparatives, shares in words, extra delays,
dates that share a month, typos) read with the demo network's resolver; the handler's first
step is the `run_what_if` call the model would make.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from agents.offline.parsing import _scenario_args, promo_window
from agents.offline.render import render_what_if_scope
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def call_of(text: str, resolver: Resolver) -> tuple[str, Call]:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and len(step) == 1, (text, intent.name, step)
    return intent.name, step[0]


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        ("if garden demand runs 25% hotter than planned, where does it bite first?", 1.25),
        ("picture grocery coming in 20% cooler than forecast - anything run out?", 0.8),
        ("imagine toys doing 15% better than we think", 1.15),
        ("would we cope if pet sales came in a third lower than forecast?", 0.67),
        ("suppose household sells half as much again as the forecast", 1.5),
        ("what if apparel is 10% weaker than plan", 0.9),
    ],
)
def test_a_demand_change_said_as_a_comparison_is_its_factor(
    text: str, factor: float, resolver: Resolver
) -> None:
    _, call = call_of(text, resolver)
    assert call.name == "run_what_if"
    assert call.args["demand_factor"] == pytest.approx(factor)
    assert call.args.get("category")  # the category said, not the whole network


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("what if SUP-06 slips another two weeks?", 14),
        ("say Acme ships another 2 weeks later than promised - where do we run dry?", 14),
        ("if voltix deliveries get pushed back by 10 days, what breaks", 10),
        ("in case Harbor lands 10 days later than due, which stores suffer", 10),
        ("what if northwind is an extra week late", 7),
    ],
)
def test_a_delay_said_with_extra_words_is_that_many_days(
    text: str, days: int, resolver: Resolver
) -> None:
    _, call = call_of(text, resolver)
    assert call.name == "run_what_if"
    assert call.args["supplier_delay_days"] == days
    assert call.args["supplier_id"].startswith("SUP-")


@pytest.mark.parametrize(
    "text",
    [
        "what if S002 sells 30% more than we think, across the board",
        "if S003 ran 20% hotter across the board what would break",
        "suppose S001 comes in 10% under forecast across the board",
    ],
)
def test_across_the_board_is_every_item_not_a_category(text: str, resolver: Resolver) -> None:
    _, call = call_of(text, resolver)
    assert call.name == "run_what_if"
    assert "category" not in call.args
    assert call.args["location"] in ("S001", "S002", "S003")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("thinking of a 40% uplift promo on SKU-0003 at S002, 10th to 16th july: enough stock?",
         "2026-07-10", "2026-07-16"),
        ("if we ran a promo on SKU-0003 at S002 july 10-16 at 1.5x, do we run out?",
         "2026-07-10", "2026-07-16"),
        ("considering a promotion for SKU-0003 at S002 from the 8th to the 12th of August, +30%",
         "2026-08-08", "2026-08-12"),
    ],
)  # fmt: skip
def test_a_promotions_days_may_share_one_month(
    text: str, start: str, end: str, resolver: Resolver
) -> None:
    _, call = call_of(text, resolver)
    assert call.name == "run_what_if"
    assert (call.args["promo_start"], call.args["promo_end"]) == (start, end)
    assert (call.args["sku"], call.args["location"]) == ("SKU-0003", "S002")


@pytest.mark.parametrize(
    "text",
    [
        "the SKU-0011 promo at S003 could do 30% better than planned - does it run out sooner?",
        "what happens to SKU-0011 at S003 if its promotion does 50% better?",
        "if the promo on SKU-0011 at S003 lands 20% stronger than expected, are we ok?",
    ],
)
def test_a_stronger_scheduled_promotion_scales_that_promotion(
    text: str, resolver: Resolver
) -> None:
    _, call = call_of(text, resolver)
    assert call.name == "run_what_if"
    assert call.args["promo_factor"] > 1
    assert "promo_start" not in call.args and "demand_factor" not in call.args


@pytest.mark.parametrize(
    "text",
    [
        "if it's still missing five days past due, who gets pulled in?",
        "if a PO is 10 days late who do we escalate to?",
        "SUP-05's PO is 10 days late, what should we do?",
        "could you bump the forecast for SKU-0007 at S001 by 30% next week",
    ],
)
def test_a_question_of_policy_or_an_instruction_is_not_a_what_if(
    text: str, resolver: Resolver
) -> None:
    intent, _ = parse(text, (), resolver, as_of=AS_OF)
    assert intent.name not in ("what_if", "what_if_words")


def test_the_scenario_words_in_isolation() -> None:
    assert _scenario_args("it slips another 3 weeks")["supplier_delay_days"] == 21
    assert _scenario_args("sales 12% softer than plan")["demand_factor"] == pytest.approx(0.88)
    assert _scenario_args("nothing to simulate here") == {}
    assert promo_window("promo 3-5 mar", AS_OF) == (date(2027, 3, 3), date(2027, 3, 5))
    assert promo_window("2 to 3 days", AS_OF) is None


def _scope_result(change: dict[str, float], **extra: object) -> Result:
    totals = {"unmet_units_horizon": 100.0, "lost_margin_horizon": 10.0,
              "sku_locations_short": 1, "forecast_units": 900.0}  # fmt: skip
    data = {"as_of": "2026-06-30", "horizon_days": 56, "sku_locations": 3,
            "scope": {"supplier_id": "SUP-02"}, "scenario": {"supplier_delay_days": 7},
            "base": totals, "with_scenario": totals, "most_affected": [], "notes": [],
            "change": {"anything_changed": True, **change}, **extra}  # fmt: skip
    return Result("run_what_if", {}, json.dumps(data), data)


def test_a_supplier_delays_orders_are_named_with_their_new_dates() -> None:
    lines = [{"po_id": "PO-000901", "sku": "SKU-0003", "location": "DC-NORTH", "qty": 400.0,
              "arrival_before": "2026-07-02", "arrival_after": "2026-07-09"}]  # fmt: skip
    text = render_what_if_scope(
        _scope_result(
            {"unmet_units_horizon": 5.0},
            delayed_purchase_orders=1,
            delayed_purchase_order_lines=lines,
        )
    )
    assert "| PO-000901 | SKU-0003 | DC-NORTH | 400 |" in text
    assert "2026-07-09" in text


@pytest.mark.parametrize(
    ("value", "word"), [(-120.0, "(fewer units unmet)"), (35.5, "(more units unmet)")]
)
def test_the_change_in_unmet_units_says_which_way_it_goes(value: float, word: str) -> None:
    text = render_what_if_scope(_scope_result({"unmet_units_horizon": value}))
    assert word in text.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("earlier", "later", "said"),
    [(0, 12, "none runs out earlier"), (3, 0, "none runs out later"), (2, 5, None)],
)
def test_a_stockout_shift_one_way_says_none_moves_the_other(
    earlier: int, later: int, said: str | None
) -> None:
    change = {"unmet_units_horizon": -4.0, "sku_locations_stockout_earlier": earlier,
              "sku_locations_stockout_later": later}  # fmt: skip
    lead = render_what_if_scope(_scope_result(change)).split("\n", 1)[0]
    if said:
        assert said in lead
    else:
        assert "none runs out" not in lead
