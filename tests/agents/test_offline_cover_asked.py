"""An everyday ask to supply the thread's item at its place with the amount left open ("get
some sent over from the dc pls", "ok ship whatever they need from the warehouse", "union is out
of X, pls get some from the dc") drafts the engine's cover of that need; an ask for something
that is no stock, a question or a hedge drafts nothing (`cover_asked`).

Each conversation runs through the real graph on the seed-7 network (`copilot`, `ask`).
"""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.cover_asked import asks_cover
from agents.offline.quantities import numbers
from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.persona_phrasings import DEV, drafted


@pytest.mark.parametrize(
    ("turns", "tool", "args"), DEV["cover"], ids=[" / ".join(c[0]) for c in DEV["cover"]]
)
def test_an_everyday_supply_ask_covers_the_need(
    copilot: Copilot, turns: tuple[str, ...], tool: str, args: dict[str, Any]
) -> None:
    result = ask(copilot, *turns)[-1]
    assert drafted(result.tool_calls, tool, args), (turns, result.tool_calls, result.answer[:200])


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("can u get some sent over from the dc pls", []),
        ("get 20 sent over from the dc", ["20"]),
        ("send 1,200 over from the dc", ["1,200"]),
        ("send 20.5 over from the dc", ["20.5"]),
        ("pls send some over to S003 from the dc", []),  # ids carry no number
        ("sunscreen promo starts the 12th, send some over", []),  # an ordinal is no number
        ("send some over by 2026-07-10", []),  # nor a date
    ],
)
def test_a_number_said_is_read_by_the_quantities_reader_and_leaves_the_ask_to_the_drafts(
    text: str, read: list[str]
) -> None:
    assert numbers(text) == read
    # one way to read a number: the everyday ask is one with no number the reader reads
    assert asks_cover(text, {}) is (not read)


@pytest.mark.parametrize(
    "text, place",
    [
        ("get something moving to S012 for SKU-0020", "S012"),
        ("sort S009 out from DC-SOUTH for SKU-0020", "S009"),
        ("need SKU-0020 going to S010 asap from DC-SOUTH", "S010"),
    ],
)
def test_a_place_supplied_in_everyday_words_asks_its_cover(text: str, place: str) -> None:
    assert asks_cover(text, {"sku": ["SKU-0020"], "location": [place]})
