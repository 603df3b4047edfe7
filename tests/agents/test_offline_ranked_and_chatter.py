"""A count of ranked exceptions and the chatter around a request.

A request for the N worst exceptions lists that many of the ranking (not the money summary,
not a supplier made of its words), however the count and the rank are said; a lead-in before a
request ("hey, quick one:") or a sign-off after it ("much appreciated") changes nothing.
Variants are generated: rank words x counts x a noun or none x a typo.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from agents.offline import parse
from agents.offline.messages import Call
from agents.offline.parsing import chatter_off, ranked_count
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


RANKED = [
    f"{lead}{form.format(n=n, rank=rank, noun=noun)}"
    for (form, rank, noun, n), lead in zip(
        product(
            (
                "{rank} {n} {noun}by dollars at risk",
                "the {n} {rank} {noun}please",
                "show me the {rank} {n} {noun}on money",
            ),
            ("worst", "largest", "costliest"),
            ("", "exceptions ", "excepions "),
            (2, 4),
        ),
        ("", "so ", "ok, ") * 20,
        strict=False,
    )
]


@pytest.mark.parametrize("text", RANKED)
def test_a_ranked_count_lists_that_many_exceptions(text: str, resolver: Resolver) -> None:
    name, call = first_call(text, resolver)
    assert call.name == "list_exceptions", (name, call)
    assert call.args["top"] == (2 if " 2 " in f" {text} " else 4)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("i've only got time for 3 of them - which?", 3),
        ("room to tackle 2 today: which ones", 2),
        ("5 most pressing issues", 5),
        ("the 3 riskiest, at S003", 3),
    ],
)
def test_a_count_said_with_the_time_there_is_lists_that_many(
    text: str, n: int, resolver: Resolver
) -> None:
    _, call = first_call(text, resolver)
    assert call.name == "list_exceptions"
    assert call.args["top"] == n


@pytest.mark.parametrize(
    "text",
    [
        "top 3 stores by money at risk",
        "the 2 worst categories",
        "3 biggest suppliers",
        "a delay of 3 days",
        "the worst 5 days of cover",
    ],
)
def test_a_count_of_places_days_or_a_count_question_is_no_ranked_count(text: str) -> None:
    assert ranked_count(text) is None


@pytest.mark.parametrize(
    "text", ["how many P1 exceptions are there", "count the priority one exceptions"]
)
def test_a_count_question_stays_a_total(text: str, resolver: Resolver) -> None:
    name, _ = first_call(text, resolver)
    assert name == "totals"


LEADS = ("hey, quick one: ", "one more thing: ", "ok so ", "fyi for the weekly review - ", "hi - ")
TAILS = ("", ", much appreciated", " cheers", "?, thanks!")


@pytest.mark.parametrize(("lead", "tail"), list(product(LEADS, TAILS)))
def test_chatter_around_a_request_changes_nothing(lead: str, tail: str, resolver: Resolver) -> None:
    bare = "what needs attention at S003"
    assert chatter_off(f"{lead}{bare}{tail}").rstrip("?") == bare
    plain = first_call(bare, resolver)
    assert first_call(f"{lead}{bare}{tail}", resolver) == plain


@pytest.mark.parametrize("text", ["ok", "thanks", "so", "right"])
def test_a_request_that_is_only_chatter_is_kept(text: str) -> None:
    assert chatter_off(text) == text


def test_a_declined_write_after_a_lead_in_drafts_nothing(resolver: Resolver) -> None:
    intent, _ = parse("ok so don't transfer 10 SKU-0001 to S003", (), resolver, as_of=AS_OF)
    assert not intent.writes
