"""A thread's short follow-ups: a return to its first subject, "n" for "and", misspelt amends.

- "back to the first store - anything urgent?" after detours to other places and items puts
  the first store the thread named in for the return (and for "there" / "that store"); "the
  first item" the first SKU.
- "n the other dc?" is "and the other DC?".
- "chnage it to 30" amends the thread's draft like "change it to 30"; asked as a question it
  writes nothing.
"""

from __future__ import annotations

import itertools

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.offline import parse
from tests.agents.conftest import turn
from tools.resolve import Resolver


def said(*requests: str) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for request in requests:
        out += [HumanMessage(request), AIMessage("done")]
    return out


RETURNS = ("back to the first store", "ok going back to the 1st store", "re the first store",
           "so, returning to the original store", "back to the first one")  # fmt: skip
ASKS = ("- anything urgent?", ": any exceptions there?", ", what's flagged at that store?")


@pytest.mark.parametrize(("lead", "ask"), list(itertools.product(RETURNS, ASKS)))
def test_back_to_the_first_store_is_that_store(resolver: Resolver, lead: str, ask: str) -> None:
    first = resolver.get("location", "S002").name  # type: ignore[union-attr]
    earlier = said(f"stock of SKU-0012 at {first}", "lanes into S004?", "who supplies sku 21?")
    intent, req = parse(f"{lead}{ask}", earlier, resolver)
    assert not intent.writes and intent.name != "unknown"
    assert "S002" in req.text and "S004" not in req.text


@pytest.mark.parametrize("lead", ["back to the first item", "re the first sku"])
def test_back_to_the_first_item_is_that_sku(resolver: Resolver, lead: str) -> None:
    earlier = said("forecast for SKU-0012 at S002", "what about sku 21?")
    _, req = parse(f"{lead} - who supplies it?", earlier, resolver)
    assert "SKU-0012" in req.text and "SKU-0021" not in req.text


def test_no_return_without_an_earlier_place(resolver: Resolver) -> None:
    _, req = parse("back to the first store - anything urgent?", said("top 5 exceptions"), resolver)
    assert "S00" not in req.text


@pytest.mark.parametrize("first", ["DC-NORTH", "the north DC", "dc north"])
@pytest.mark.parametrize("ask", ["n the other dc?", "n at the other warehouse?"])
def test_a_leading_n_is_and(resolver: Resolver, first: str, ask: str) -> None:
    earlier = said(f"stock of SKU-0012 at {first}")
    intent, req = parse(ask, earlier, resolver)
    assert intent.name != "unknown"
    assert "DC-SOUTH" in req.text and "SKU-0012" in req.text


def drafted() -> list[BaseMessage]:
    args = {"sku": "SKU-0005", "from_location": "DC-NORTH", "to_location": "S003", "qty": 40}
    data = {
        "proposal_id": "PR-T1",
        "status": "pending_approval",
        "action": "transfer",
        "args": args,
    }
    return turn("move 40 SKU-0005 from DC-NORTH to S003", "draft_transfer", args, data)


@pytest.mark.parametrize(
    "text", ["chnage it to 30", "chnage that to 30", "cahnge it to 30 pls", "ok chnage it to 30"]
)
def test_a_misspelt_amend_amends(resolver: Resolver, text: str) -> None:
    intent, req = parse(text, drafted(), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list)
    assert [(c.name, c.args) for c in step] == [
        ("amend_proposal", {"proposal_id": "PR-T1", "qty": 30})
    ]


@pytest.mark.parametrize("text", ["chnage it to 30?", "shuold we chnage it to 30?"])
def test_a_misspelt_amend_asked_writes_nothing(resolver: Resolver, text: str) -> None:
    intent, _ = parse(text, drafted(), resolver)
    assert not intent.writes


def looked_at() -> list[BaseMessage]:
    args = {"sku": "SKU-0005", "location": "S003"}
    return turn("stock of SKU-0005 at S003", "get_inventory", args, {**args, "on_hand": 5})


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        (f"{ask} {where}", tool)
        for (ask, tool), where in itertools.product(
            [("days of cvr", "get_inventory"), ("fcst next 28 days", "get_forecast"),
             ("what's the fcst", "get_forecast")],
            ["there?", "for it", "on that"],
        )
    ]
    + [(f"{ask} {it}", "get_item") for ask, it in itertools.product(
        ["whats the LT on", "LT for", "what's the LT of"], ["it", "it?", "that"])],
)  # fmt: skip
def test_an_abbreviated_follow_up_keeps_the_threads_item_and_place(
    resolver: Resolver, text: str, tool: str
) -> None:
    intent, req = parse(text, looked_at(), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list) and not intent.writes
    assert [c.name for c in step] == [tool]
    assert step[0].args["sku"] == "SKU-0005"
