"""Follow-ups that point along the thread: "the south one", "the next one", "same for <store>".

- "and the south one?" after a question about the north DC asks it about the south DC (a place
  of the previous one's kind, told apart by a word); after a store question, "the Union one" is
  that store.
- "the next / previous one" steps along the last list from the exception the thread is on;
  "and the next one too" repeats the previous request one further down; "the top one" is the
  first. With nothing listed, or nothing picked yet, it says so instead of guessing.
- A follow-up the thread spells out ("same for Kingston" -> "what's flagged at S004") is read
  like that whole request, without the item the previous answer happened to explain.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from agents.offline import parse
from tests.agents.conftest import turn
from tools.resolve import Resolver

LISTED = [
    "late_po:SKU-0010@DC-SOUTH:PO-000866",
    "stockout_risk:SKU-0012@S003",
    "promo_uncovered:SKU-0016@S002",
    "overstock:SKU-0028@DC-SOUTH",
]


def listed() -> list[BaseMessage]:
    items = [{"id": i} for i in LISTED]
    return turn("what needs attention today?", "list_exceptions", {"top": 10}, {"items": items}, 1)


def explained(n: int) -> list[BaseMessage]:
    exc = LISTED[n - 1]
    return turn(f"explain #{n}", "explain_exception", {"exception_id": exc}, {"id": exc}, 2)


def step(text: str, earlier: list[BaseMessage], resolver: Resolver) -> Any:
    intent, req = parse(text, earlier, resolver, None)
    return intent, intent.handler(req, [])


@pytest.mark.parametrize(
    ("first", "args", "follow_up", "place"),
    [
        ("late POs at the north DC?", {"location": "DC-NORTH"}, "and the south one?", "DC-SOUTH"),
        (
            "late pos into dc south",
            {"location": "DC-SOUTH"},
            "what about the northern one",
            "DC-NORTH",
        ),
        (
            "overstock at the south dc",
            {"location": "DC-SOUTH"},
            "and the north 1 then?",
            "DC-NORTH",
        ),
        ("stockouts at union", {"location": "S003"}, "and the kingston one?", "S004"),
    ],
)
def test_the_other_place_said_by_a_word_is_of_the_previous_kind(
    first: str, args: dict[str, Any], follow_up: str, place: str, resolver: Resolver
) -> None:
    earlier = turn(first, "list_exceptions", args, {"items": []}, 1)
    _, calls = step(follow_up, earlier, resolver)
    assert isinstance(calls, list), calls
    assert calls[0].name == "list_exceptions" and calls[0].args["location"] == place


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("and the next one?", 3),
        ("next", 3),
        ("ok the following one", 3),
        ("explain the previous one", 1),
        ("what about the next exception", 3),
    ],
)
def test_next_and_previous_step_from_the_exception_the_thread_is_on(
    text: str, n: int, resolver: Resolver
) -> None:
    _, calls = step(text, [*listed(), *explained(2)], resolver)
    assert isinstance(calls, list), calls
    assert [c.name for c in calls] == ["explain_exception"]
    assert calls[0].args["exception_id"] == LISTED[n - 1]


def test_the_top_one_is_the_first(resolver: Resolver) -> None:
    _, calls = step("tell me more about the top one on that list", listed(), resolver)
    assert isinstance(calls, list) and calls[0].args["exception_id"] == LISTED[0]


def test_and_the_next_one_too_repeats_the_request_one_further(resolver: Resolver) -> None:
    earlier = [
        *listed(),
        *turn(
            "explain the top one",
            "explain_exception",
            {"exception_id": LISTED[0]},
            {"id": LISTED[0]},
            2,
        ),
    ]
    _, calls = step("and the next one too", earlier, resolver)
    assert isinstance(calls, list) and calls[0].args["exception_id"] == LISTED[1]


@pytest.mark.parametrize(
    ("earlier", "said"),
    [
        ((), "No list has been shown"),
        ("listed", "no item of the last list has been picked yet"),
        ("last", "that was the end of the last list"),
    ],
)
def test_next_with_nothing_to_step_from_says_so(
    earlier: str | tuple[()], said: str, resolver: Resolver
) -> None:
    thread = {"listed": listed(), "last": [*listed(), *explained(4)]}.get(str(earlier), [])
    for text in ("next one", "and the next one?", "the following one pls"):
        _, answer = step(text, thread, resolver)
        assert isinstance(answer, str) and said in answer, (text, answer)


@pytest.mark.parametrize("follow_up", ["same for kingston", "and at S004?", "what about store 4"])
def test_a_spelt_out_follow_up_is_read_as_the_whole_request(
    follow_up: str, resolver: Resolver
) -> None:
    # one turn: the place's list, then its first exception explained (the focus's item)
    two = [{"id": LISTED[1]}, {"id": "overstock:SKU-0023@S003"}]
    explain = {"name": "explain_exception", "args": {"exception_id": LISTED[1]}, "id": "c2"}
    earlier = [
        *turn(
            "what's flagged at union?", "list_exceptions", {"location": "S003"}, {"items": two}, 1
        )[:-1],
        AIMessage("", tool_calls=[explain]),
        ToolMessage(json.dumps({"id": LISTED[1]}), tool_call_id="c2"),
        AIMessage("done"),
    ]
    _, calls = step(follow_up, earlier, resolver)
    assert isinstance(calls, list) and calls, calls
    assert calls[0].args.get("location") == "S004"
    assert not calls[0].args.get("sku")  # not the item the first answer was about


@pytest.mark.parametrize(
    "text",
    [
        "go on then, set it up",
        "fine, go ahead and sort it",
        "right then - sort that one out",
        "ok line it up",
        "cheers, set that one up please",
    ],
)
def test_everyday_go_aheads_draft_what_the_thread_is_on(text: str, resolver: Resolver) -> None:
    intent, calls = step(text, [*listed(), *explained(2)], resolver)
    assert intent.name == "draft_previous"
    assert isinstance(calls, list)
    assert [(c.name, c.args) for c in calls] == [
        ("draft_recommended_action", {"exception_id": LISTED[1]})
    ]


@pytest.mark.parametrize("text", ["sort them by priority", "set up a meeting with bob"])
def test_other_uses_of_those_verbs_draft_nothing(text: str, resolver: Resolver) -> None:
    intent, _ = step(text, [*listed(), *explained(2)], resolver)
    assert intent.name != "draft_previous"


def test_set_up_the_top_one_then_the_next_one_drafts_both(resolver: Resolver) -> None:
    _, calls = step("set up whatever the top one on that list needs", listed(), resolver)
    assert isinstance(calls, list) and calls[0].name == "draft_recommended_action"
    assert calls[0].args["exception_id"] == LISTED[0]
    drafted = turn(
        "set up whatever the top one on that list needs",
        "draft_recommended_action",
        {"exception_id": LISTED[0]},
        {"exception_id": LISTED[0], "proposal_id": "PR-1", "status": "pending_approval"},
        2,
    )
    _, calls = step("and the next one too", [*listed(), *drafted], resolver)
    assert isinstance(calls, list) and calls[0].name == "draft_recommended_action"
    assert calls[0].args["exception_id"] == LISTED[1]
