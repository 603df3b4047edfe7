"""A change of the pending draft said in percent or in case packs ("cut it 10%", "add 2 cases").

"Reduce it by 10 percent", "cut it 10%", "bump it up 25 %" change the thread's pending draft by
that share of its quantity, not by 10 or 25 units: the new quantity is the draft's quantity
times (1 ± p/100), rounded to the nearest whole unit (a half rounds up), or for a purchase
order of an item sold in cases, to the nearest whole case of the item master's case pack
(`get_item`), never below one unit or one case. "Lower it by 10 cases", "add 2 packs", "make
it 5 cases" count in the item's case pack, read from the item master (`get_item`): the answer
states the conversion ("10 cases × 12 = 120 units"); with no case pack known it asks for the
quantity in units rather than guess.

The change is made with `amend_proposal` (the pending draft is withdrawn with an audit entry
and redrafted with the new quantity, checked first); its reason, which the approver sees, says
how the quantity was worked out. Whether the planner meant to write is the central gate's
business (`safety.write_not_meant`): "would it make sense to cut it by 10%?" writes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from agents.focus import ProposalNote
from agents.offline.handlers import amend
from agents.offline.messages import Call, Request, Result, Step
from agents.offline.parsing import CHANGE_DOWN, CHANGE_UP, DRAFT_REF, PACK_WORDS

PERCENT = r"(?:%|\s*(?:per\s*cent|percent|pct)\b)"
N = r"(?P<n>\d+(?:\.\d+)?)"
_REF = r"(?:\s+" + DRAFT_REF + r")?(?:\s+(?:up|down|back))?"
_VERB = r"(?P<verb>" + CHANGE_DOWN + "|" + CHANGE_UP + "|make|set|change|adjust)(?:s|ed|ing|d)?"
SHARE = re.compile(
    # "reduce it by 10 percent", "cut it 10%", "bump it up 25 %", "increase the order by 15 pct"
    r"\b"
    + _VERB
    + _REF
    + r"\s+(?:by\s+)?(?:another\s+)?"
    + N
    + r"\s*"
    + PERCENT
    # "take 10% off it", "add 20% to it", "knock 5 percent off"
    + r"|\b(?P<verb2>add|put|take|knock|shave|chop|pull)\s+(?:on\s+)?(?:another\s+)?"
    r"(?P<n2>\d+(?:\.\d+)?)\s*"
    + PERCENT
    + r"\s*(?:more\s+|extra\s+)?(?P<prep>to|on(?:to)?|off|from)?"
    # "10% less", "20 percent more"
    + r"|(?<![\w.,-])(?P<n3>\d+(?:\.\d+)?)\s*"
    + PERCENT
    + r"\s+(?P<dir3>more|extra|less|fewer|"
    r"higher|lower|up|down)\b(?!\s+than\b)",
    re.I,
)
"""A change of the draft by a share of its quantity."""
PACKS = re.compile(
    # "lower it by 10 cases", "bump it up by 2 packs", "cut it 3 cartons"
    r"\b"
    + _VERB
    + _REF
    + r"\s+(?P<by>by\s+|to\s+)?(?:another\s+)?(?P<n>\d[\d,]*)\s*(?:x\s*)?"
    + PACK_WORDS
    + r"\b"
    # "add 2 packs", "take 1 case off", "knock off 2 cases"
    + r"|\b(?P<verb2>add|put|take|knock|shave|chop|pull)\s+(?:on\s+|off\s+)?(?:another\s+|an?\s+"
    r"extra\s+)?(?P<n2>\d[\d,]*)\s*(?:more\s+|extra\s+)?"
    + PACK_WORDS
    + r"\b\s*(?P<prep>to|on(?:to)?|off|from)?"
    # "2 more cases", "3 cases less", "2 cases fewer"
    + r"|(?<![\w.,-])(?P<n3>\d[\d,]*)\s+(?:(?P<dir3a>more|extra|additional|fewer|less)\s+"
    + PACK_WORDS
    + r"\b|"
    + PACK_WORDS
    + r"\s+(?P<dir3b>more|extra|less|fewer)\b(?!\s+than\b))",
    re.I,
)
"""A change of the draft by (or to) a number of case packs."""
TO_VERBS = re.compile(r"^(?:make|set|change|adjust)", re.I)
TAKE_WITHOUT_OFF = ("take", "pull", "knock", "shave", "chop")


@dataclass(frozen=True)
class Change:
    """A change of a draft's quantity: in percent or in case packs, by or to an amount."""

    unit: str
    """"percent" or "pack"."""
    n: float
    down: bool = False
    to: bool = False
    """A target ("make it 5 cases"), not a change by an amount."""


def _down(verb: str) -> bool:
    return re.fullmatch(CHANGE_DOWN, verb, re.I) is not None or verb.lower().startswith(
        ("dial", "bring")
    )


def _read(m: re.Match[str], unit: str) -> Change | None:
    if m.group("n") is not None:
        verb = m.group("verb")
        if TO_VERBS.match(verb):
            by = (m.groupdict().get("by") or "").strip().lower()
            if unit == "percent" or by == "by":
                return None  # "make it 10%" is no change by an amount
            return Change(unit, float(m.group("n").replace(",", "")), to=True)
        if (m.groupdict().get("by") or "").strip().lower() == "to":
            return Change(unit, float(m.group("n").replace(",", "")), to=True)
        return Change(unit, float(m.group("n").replace(",", "")), down=_down(verb))
    if m.group("n2") is not None:
        verb, prep = m.group("verb2").lower(), (m.group("prep") or "").lower()
        n = float(m.group("n2").replace(",", ""))
        if verb in ("add", "put"):
            return Change(unit, n)
        if verb in TAKE_WITHOUT_OFF and (prep in ("off", "from") or "off" in m.group(0).lower()):
            return Change(unit, n, down=True)
        return None
    direction = (m.groupdict().get("dir3") or m.groupdict().get("dir3a") or "") or (
        m.groupdict().get("dir3b") or ""
    )
    n = float(m.group("n3").replace(",", ""))
    return Change(unit, n, down=direction.lower() in ("less", "fewer", "lower", "down"))


LEAD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|then|and|but|well|please|pls|just|actually|hmm+|right|"
    r"(?:can|could|would|will)\s+(?:you|u)|let'?s|lets|pls|no|yes|yeah)\W+)*$",
    re.I,
)
"""What may come before a change said as an instruction ("ok, could you cut it 10%")."""
OF_THE_DRAFT = re.compile(r"\b" + DRAFT_REF + r"\b", re.I)


def read(text: str) -> Change | None:
    """Return the change a follow-up asks of a draft in percent or case packs, else None.

    The change must be said of the draft ("cut it 10%", "add 2 cases to the order") or as an
    instruction opening the message ("bump up 25 %"): "what if demand drops 20%" is no change
    of a draft.
    """
    for pattern, unit in ((SHARE, "percent"), (PACKS, "pack")):
        m = pattern.search(text)
        if m is None:
            continue
        if not (LEAD.match(text[: m.start()]) or OF_THE_DRAFT.search(m.group(0))):
            return None
        return _read(m, unit)
    return None


def _pending(req: Request) -> ProposalNote | None:
    pid = req.get("pid")
    for note in reversed(req.focus.proposals):
        if note.proposal_id == pid and note.status in ("pending", "pending_approval"):
            return note
    return req.focus.last_proposal(pending=True)


def _case_pack(item: Result | None) -> int | None:
    data = item.data if item is not None and isinstance(item.data, dict) else {}
    pack = data.get("case_pack")
    return int(pack) if isinstance(pack, int | float) and pack >= 1 else None


def _n(x: float) -> str:
    return f"{x:g}"


def _units(n: float) -> str:
    return "unit" if n == 1 else "units"


def _cases(n: float) -> str:
    return "case" if n == 1 else "cases"


def new_quantity(change: Change, old: int, pack: int | None, kind: str) -> tuple[int, str] | str:
    """Return the new quantity and how it was worked out, or why there is none."""
    if change.unit == "percent":
        factor = 1 - change.n / 100 if change.down else 1 + change.n / 100
        raw = old * factor
        if kind == "purchase_order" and pack and pack > 1:
            qty = max(pack, math.floor(raw / pack + 0.5) * pack)
            how = f"rounded to the nearest whole case of {pack} (item master)"
        else:
            qty = max(1, math.floor(raw + 0.5))
            how = "rounded to the nearest whole unit"
        said = (
            f"the draft's {old} units {'less' if change.down else 'plus'} {_n(change.n)} "
            f"percent is {qty} units ({how})"
        )
        if change.down and change.n >= 100:
            return (
                f"I have not changed it: taking {_n(change.n)} percent off would leave nothing, "
                "and the "
                "least a draft can hold is 1. Say **withdraw the draft** to drop it."
            )
        if qty == old:
            return (
                f"I have not changed it: the draft's {old} units "
                f"{'less' if change.down else 'plus'} {_n(change.n)} percent still rounds to "
                f"{old} ({how}). Say the new quantity, for "
                "example **make it <qty> instead**."
            )
        return qty, said
    if pack is None:
        return ""  # asked for below, with the SKU
    n = int(change.n)
    units = n * pack
    conversion = f"{n} {_cases(n)} × {pack} = {units} units (case pack, item master)"
    if change.to:
        return units, f"{conversion}, so the draft is made {units} units"
    qty = old - units if change.down else old + units
    if qty < 1:
        return (
            f"I have not changed it: {conversion}, and taking that off the draft's {old} units "
            "would leave none; the least a draft can hold is 1. Say **withdraw the draft** to "
            "drop it, or a smaller change."
        )
    sign = "−" if change.down else "+"
    return qty, f"{conversion}: {old} {sign} {units} = {qty} units"


def amend_by_unit(req: Request, results: list[Result]) -> Step:
    """Change the pending draft's quantity by a share of it or by a number of case packs."""
    change = read(req.text) or read(req.original)
    note = _pending(req)
    if change is None or note is None:
        return (
            "There is no pending proposal in this conversation to change, so I have not "
            "drafted anything."
        )
    args = note.args or {}
    sku, old = args.get("sku"), args.get("qty")
    if not isinstance(old, int | float) or isinstance(old, bool):
        return "I can't tell the draft's current quantity; say the new quantity in units."
    amended = [r for r in results if r.name == "amend_proposal"]
    if amended:
        lead = str(amended[-1].args.get("reason") or "")
        done = amend(req, results)
        if not isinstance(done, str):
            return done
        return (f"{lead[:1].upper()}{lead[1:]}.\n\n" if lead else "") + done
    needs_pack = change.unit == "pack" or note.kind == "purchase_order"
    item = next((r for r in results if r.name == "get_item"), None)
    if needs_pack and item is None and sku:
        return [Call("get_item", {"sku": sku})]
    pack = _case_pack(item)
    if change.unit == "pack" and pack is None:
        why = f" ({item.error})" if item is not None and item.error else ""
        return (
            f"I have not changed it: the item master gives no case pack for {sku}{why}, so I "
            "can't tell how many units a case is. Say the change in units, for example "
            "**make it <qty> instead**."
        )
    decided = new_quantity(change, int(old), pack, note.kind)
    if isinstance(decided, str):
        return decided
    qty, how = decided
    return [Call("amend_proposal", {"proposal_id": note.proposal_id, "qty": qty, "reason": how})]
