"""A question whether a promotion (or a need) is covered is answered, never drafted.

"is the <item> promo covered?", "are we covered for the promotion on X at S002?", "will the
Black Friday promo on X run out?": the item's exceptions (at the place, when one is said) are
looked up, the ones that say it is short are explained, and the answer leads with yes or no
(put the way the question was: "will it run out?" is answered yes when it is short). Checked
with templates of our own over the item's id, its number and its name, with and without a
place said several ways, and a typo.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.messages import Result
from agents.offline.safety import WRITE_TOOLS
from tools.resolve import Resolver

ASKED = (
    "is the {item} promo{at} covered?",
    "are we covered for the promotion on {item}{at}?",
    "will the Black Friday promo on {item}{at} run out?",
    "do we have enough {item}{at} for the promo?",
    "{item} promo{at} - covered?",
    "is the need for {item}{at} covered?",
)
ITEMS = ("SKU-0016", "sku 16", "premium dog food")
PLACES = {"": None, " at S002": "S002", " at monroe": "S002", " in store 2": "S002"}
TYPOS = (
    ("are we covred for the promotion on SKU-0016 at S002?", "S002"),
    ("is the promtion on SKU-0016 at S002 covered?", "S002"),
    ("quick one - will the promo on sku 16 at monroe go short?", "S002"),
    ("has S002 got enough SKU-0016 for the campaign?", "S002"),
)
CASES = [
    (template.format(item=item, at=at), place)
    for template, item, (at, place) in itertools.product(ASKED, ITEMS, PLACES.items())
] + list(TYPOS)


def _first(text: str, resolver: Resolver) -> tuple[str, Any]:
    intent, req = parse(text, (), resolver)
    return intent.name, intent.handler(req, [])


@pytest.mark.parametrize(("text", "place"), CASES)
def test_a_cover_question_looks_up_the_items_exceptions_and_drafts_nothing(
    text: str, place: str | None, resolver: Resolver
) -> None:
    name, step = _first(text, resolver)
    assert name == "cover_question", (text, name)
    assert isinstance(step, list) and [c.name for c in step] == ["list_exceptions"]
    assert step[0].args["sku"] == "SKU-0016"
    assert step[0].args.get("location") == place
    assert not {c.name for c in step} & WRITE_TOOLS


PROMO = {
    "id": "promo_uncovered:SKU-0016@S002",
    "type": "promo_uncovered",
    "sku": "SKU-0016",
    "location": "S002",
    "first_risk_date": "2026-07-13",
}
EXPLAINED = {
    **PROMO,
    "priority": 3,
    "money_at_risk": 1530.68,
    "detail": "Promotion demand short by 200 units, first on 2026-07-13 (day 13).",
    "evidence": {"on_hand": 93, "unmet_units": 199.8},
    "recommendation": {"kind": "transfer", "qty": 200, "from_location": "DC-NORTH"},
}


def _forecast(sku: str, location: str, uplift: float) -> dict[str, Any]:
    """A get_forecast result of 28 days whose days 13 to 22 carry the promotion `uplift`."""
    days = [
        {"date": f"2026-07-{d:02d}", "mean": 5.0, "promo_uplift": uplift if 13 <= d <= 22 else 1.0}
        for d in range(1, 29)
    ]
    return {"sku": sku, "location": location, "forecast": days}


def _answer(
    text: str, resolver: Resolver, listed: list[dict[str, Any]], uplift: float = 2.2
) -> str | list[Any]:
    intent, req = parse(text, (), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list)
    data = {"total": len(listed), "items": listed}
    results = [Result("list_exceptions", step[0].args, json.dumps(data), data)]
    step = intent.handler(req, results)
    if isinstance(step, str):
        return step
    if all(c.name == "get_forecast" for c in step):
        for c in step:
            got = _forecast(c.args["sku"], c.args["location"], uplift)
            results.append(Result("get_forecast", c.args, json.dumps(got), got))
        return intent.handler(req, results)
    assert [(c.name, c.args) for c in step] == [
        ("explain_exception", {"exception_id": PROMO["id"]})
    ]
    results.append(Result("explain_exception", step[0].args, json.dumps(EXPLAINED), EXPLAINED))
    return intent.handler(req, results)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("is the SKU-0016 promo at S002 covered?", "**No — the promotion on SKU-0016 at S002 is "
         "not covered**"),
        ("are we covered for the promotion on sku 16 at monroe?", "**No — the promotion on "
         "SKU-0016 (sku 16) at S002 (monroe) is not covered**"),
        ("will the Black Friday promo on SKU-0016 run out?", "**Yes — the promotion on SKU-0016 "
         "at S002 is expected to run short**"),
        ("is the need for SKU-0016 at S002 covered?", "**No — SKU-0016 at S002 is not covered**"),
    ],
)  # fmt: skip
def test_a_short_item_is_answered_no_with_its_exception_explained(
    text: str, lead: str, resolver: Resolver
) -> None:
    answer = _answer(text, resolver, [PROMO])
    assert isinstance(answer, str) and answer.startswith(lead), answer
    assert "Promotion demand short by 200 units" in answer
    assert "Nothing is drafted: say **fix promo_uncovered:SKU-0016@S002**" in answer


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("is the SKU-0016 promo at S002 covered?", "**Yes — the promotion on SKU-0016 at S002 is "
         "covered as far as the plan sees**"),
        ("will the promo on SKU-0016 at S002 go short?", "**No — the promotion on SKU-0016 at "
         "S002 is not expected to run short as far as the plan sees**"),
    ],
)  # fmt: skip
def test_an_item_with_no_shortfall_flagged_is_answered_yes(
    text: str, lead: str, resolver: Resolver
) -> None:
    answer = _answer(text, resolver, [])
    assert isinstance(answer, str) and answer.startswith(lead), answer


@pytest.mark.parametrize(
    "text",
    [
        "make sure the promo at S002 is covered",
        "get S002 covered for SKU-0016",
        "is that covered by the policy?",
    ],
)
def test_asks_to_get_it_covered_and_policy_questions_are_not_cover_questions(
    text: str, resolver: Resolver
) -> None:
    assert _first(text, resolver)[0] != "cover_question"


NO_PROMO = (
    "is the {item} promo{at} covered?",
    "are we covered for the promotion on {item}{at}?",
    "will the promo on {item}{at} run out?",
    "{item} promo{at} - covered?",
    "do we have enough {item}{at} for the promo?",
)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (t.format(item=item, at=at), place)
        for t, item, (at, place) in itertools.product(NO_PROMO, ITEMS, PLACES.items())
    ]
    + [("is the SKU-0016 promtion at S002 covered?", "S002")],
)
def test_with_no_promotion_scheduled_the_answer_says_so(
    text: str, place: str | None, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver)
    data: dict[str, Any] = {"total": 0, "items": []}
    results = [Result("list_exceptions", {}, json.dumps(data), data)]
    step = intent.handler(req, results)
    assert isinstance(step, list), (text, step)
    stores = [place] if place else ["S001", "S002", "S003", "S004"]
    assert [(c.name, c.args["location"]) for c in step] == [("get_forecast", p) for p in stores]
    assert not {c.name for c in step} & WRITE_TOOLS
    answer = _answer(text, resolver, [], uplift=1.0)
    assert isinstance(answer, str) and "No promotion is scheduled for SKU-0016" in answer, answer
    assert "covered as far as" not in answer and "or it has no promotion" not in answer


def test_a_scheduled_promotion_with_no_shortfall_is_covered_and_dated(resolver: Resolver) -> None:
    answer = _answer("is the SKU-0016 promo covered?", resolver, [], uplift=2.2)
    assert isinstance(answer, str) and answer.startswith("**Yes — the promotion on SKU-0016 is"), (
        answer
    )
    assert "promotion days (2026-07-13 to 2026-07-22)" in answer
