"""A follow-up that moves a category-scoped request to another category ("next category")."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from agents.offline import parse
from agents.offline.parsing import category
from tools.resolve import Resolver


def after(first: str) -> tuple[HumanMessage, AIMessage]:
    return HumanMessage(first), AIMessage("ok")


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("next category", "Garden"),
        ("and the next category?", "Garden"),
        ("ok, next dept please", "Garden"),
        ("previous category", "Apparel"),
        ("same for Garden", "Garden"),
        ("what about toys", "Toys"),
        ("and pet?", "Pet"),
        ("and in personal care", "Personal Care"),
    ],
)
def test_a_category_follow_up_reruns_the_request_there(
    follow_up: str, expected: str, resolver: Resolver
) -> None:
    intent, req = parse(follow_up, after("stockouts in the Electronics category"), resolver)
    first, _ = parse("stockouts in the Electronics category", (), resolver)
    assert intent.name == first.name
    assert category(req.text, resolver.categories) == expected


def test_the_next_category_twice_moves_on_twice(resolver: Resolver) -> None:
    thread = (*after("how much is at risk in grocery?"), *after("next category"))
    _, req = parse("next category", thread, resolver)
    assert category(req.text, resolver.categories) == "Personal Care"  # Grocery, Household, …


@pytest.mark.parametrize("follow_up", ["next category", "same for Garden"])
def test_without_a_category_before_nothing_is_swapped(follow_up: str, resolver: Resolver) -> None:
    _, req = parse(follow_up, after("stock of SKU-0012 at S003"), resolver)
    assert "SKU-0012" not in req.text


@pytest.mark.parametrize(
    ("first", "follow_up", "tool", "args"),
    [
        (
            "money at risk by category",
            "just pet - what's driving it?",
            "list_exceptions",
            {"category": "Pet"},
        ),
        ("split the exposure per category", "drill into grocery", "list_exceptions", {}),
        (
            "how many stockouts per category?",
            "only toys: which ones?",
            "list_exceptions",
            {"type": "stockout_risk", "category": "Toys"},
        ),
        (
            "how many stockouts per category?",
            "and electronics?",
            "summarize_exceptions",
            {"type": "stockout_risk", "category": "Electronics"},
        ),
    ],
)
def test_a_category_named_after_a_breakdown_drills_into_it(
    first: str, follow_up: str, tool: str, args: dict[str, str], resolver: Resolver
) -> None:
    intent, req = parse(follow_up, after(first), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == tool, step
    assert args.items() <= step[0].args.items()
    assert category(req.text, resolver.categories) in ("Pet", "Grocery", "Toys", "Electronics")


def test_a_place_after_a_breakdown_is_no_drill_down(resolver: Resolver) -> None:
    _, req = parse("just kingston", after("money at risk by category"), resolver)
    assert "category" not in req.text.replace("by category", "")
