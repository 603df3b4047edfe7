"""Corrections in a thread: the previous request again with the one entity the planner fixes.

"actually <new>, not <old>", "sorry I meant <new>", "no, the <number> one", "not that SKU,
the <n> one": the entity said wrongly is taken back and the previous look-up is re-run with the
new one; a SKU may be said by its bare zero-padded number. A correction never writes: after a
draft it drafts nothing, and "not <place>" alone replaces nothing.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.offline import parse
from tools.resolve import Resolver


def said(*requests: str) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for request in requests:
        out += [HumanMessage(request), AIMessage("done")]
    return out


PLACE_LEADS = (
    "actually {new}, not {old}",
    "sorry I meant {new}",
    "sry, {new} not {old}",
    "no, {new}",
    "oops - I meant {new}",
    "{new}, not {old}",
)


def place_forms(resolver: Resolver, loc: str) -> list[str]:
    return [loc, f"store {int(loc[1:])}", resolver.get("location", loc).name]  # type: ignore[union-attr]


@pytest.mark.parametrize("lead", PLACE_LEADS)
@pytest.mark.parametrize("form", [0, 1, 2])
def test_a_place_corrected_reruns_the_look_up_there(
    resolver: Resolver, lead: str, form: int
) -> None:
    old_name = resolver.get("location", "S002").name  # type: ignore[union-attr]
    earlier = said(f"how much SKU-0012 is at {old_name}?")
    new = place_forms(resolver, "S003")[form]
    intent, req = parse(lead.format(new=new, old=old_name), earlier, resolver)
    assert not intent.writes
    assert intent.name != "unknown"
    assert "S003" in req.text and "SKU-0012" in req.text and "S002" not in req.text


SKU_LEADS = ("not that SKU, the {new} one", "I meant {new}", "no, the {new}", "sorry, {new}")


@pytest.mark.parametrize("lead", SKU_LEADS)
@pytest.mark.parametrize("new", ["0014", "sku 14", "SKU-0014", "sku14"])
def test_an_item_corrected_reruns_the_look_up_for_it(
    resolver: Resolver, lead: str, new: str
) -> None:
    earlier = said("stok of SKU-0021 at S004")
    intent, req = parse(lead.format(new=new), earlier, resolver)
    assert not intent.writes
    assert intent.name != "unknown"
    assert "SKU-0014" in req.text and "S004" in req.text and "SKU-0021" not in req.text


@pytest.mark.parametrize("text", ["not S003", "not that store", "no"])
def test_taking_back_alone_replaces_nothing(resolver: Resolver, text: str) -> None:
    earlier = said("how much SKU-0012 is at S002?")
    _, req = parse(text, earlier, resolver)
    assert "S003" not in req.text or text == "not S003"
    assert "SKU-0012" not in req.text or "S002" in req.text


@pytest.mark.parametrize("lead", PLACE_LEADS)
def test_a_correction_after_a_draft_never_writes(resolver: Resolver, lead: str) -> None:
    earlier = said("transfer 10 SKU-0012 from DC-NORTH to S002")
    intent, _ = parse(lead.format(new="S003", old="S002"), earlier, resolver)
    assert not intent.writes
