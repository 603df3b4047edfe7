"""A follow-up that moves a category-scoped request to another category ("next category")."""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from agents.offline import parse
from agents.offline.parsing import category
from erp.demo import generate_demo
from tools.resolve import Resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=date(2026, 6, 30))
    return Resolver.from_network(demo.data)


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
