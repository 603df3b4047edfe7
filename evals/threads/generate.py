"""Generate the multi-turn conversations of `agent_threads.jsonl` from the templates.

A seeded grammar picks, per follow-up class, the turns (templates), the entities (SKUs,
stores, DCs, suppliers, exceptions of the demo network, written as ids, aliases or names) and
the approvers' decisions between turns. Each conversation is then played on the agent
evaluation's own harness with the reference model (`evals.reference`), which makes the
turn's reference tool calls, so every expected fact is read from a tool result, never written by
hand, and a conversation whose tools do not give what it needs (a draft cut below the stated
quantity, an empty list to pick from) is drawn again. Proposal ids and ERP document ids are
random per run, so facts name a document by its prefix only: the output is the same, byte for
byte, on every run with the same seed.

    python -m evals.threads.generate --out evals/datasets/agent_threads.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from evals.agent_eval import Case, Dataset, Decide, ExpectedProposal, Turn
from evals.reference import PROPOSAL
from evals.threads import templates as T
from evals.threads.reference import ReferenceHarness
from stockpilot.actions import TransferAction
from stockpilot.vocabulary import Decision
from tools import insight

SEED = 2606
NETWORK: dict[str, Any] = {
    "generator": "erp.demo.generate_demo",
    "seed": 404,
    "stores": 14,
    "skus": 200,
    "days": 400,
    "dcs": 2,
    "as_of": "2026-08-12",
}
CLASS_COUNTS: dict[str, int] = {
    "focus_carry": 18,
    "ordinals": 12,
    "draft_amend": 14,
    "approval": 10,
    "confirm": 10,
    "correction": 8,
    "topic_return": 8,
    "what_if": 8,
}
ATTEMPTS = 12
DRAFTABLE = ("transfer", "purchase_order")
NONE_WORDS = ["nothing", "no open", "none", "no inbound", "no supply", "no lines", "not any"]
TYPE_WORDS = {
    "stockout_risk": "stockout risks",
    "overstock": "overstocks",
    "late_po": "late POs",
    "below_safety_stock": "positions below safety stock",
    "promo_uncovered": "uncovered promos",
    "forecast_bias": "forecast bias flags",
    "inventory_anomaly": "inventory anomalies",
}

Facts = Callable[[list[Any]], list[Any]]


class Redraw(Exception):
    """The tools did not give what the conversation needs: draw it again."""


@dataclass
class Ask:
    """A planner turn: its request, reference calls and how its expectations are read."""

    request: str
    calls: list[dict[str, Any]]
    facts: Facts = lambda results: []
    proposal: Callable[[list[Any]], dict[str, Any] | None] | None = None
    pending_after: int | None = None
    no_proposal: bool = False
    listed: int | None = None
    trajectory: list[str] | None = None
    match: str = "any_tool"
    tags: list[str] = field(default_factory=list)


@dataclass
class Approver:
    """An approver's decision between two planner turns."""

    user: str
    decision: str
    qty: int | None = None
    message: str | None = None


Step = Ask | Approver


# -- small helpers -------------------------------------------------------------------------------


def num(value: float) -> list[str]:
    """Return an integer figure as the answer may write it (plain or with thousands commas)."""
    n = round(float(value))
    return list(dict.fromkeys([str(n), f"{n:,}"]))


def money(value: float) -> list[str]:
    """Return a money figure with two decimals, plain or with thousands commas."""
    return list(dict.fromkeys([f"{float(value):.2f}", f"{float(value):,.2f}"]))


def call(name: str, **args: Any) -> dict[str, Any]:
    """Return one reference tool call."""
    return {"name": name, "args": args}


def first(results: list[Any]) -> Any:
    """Return a turn's first tool result, unwrapping a one-row list."""
    if not results:
        raise Redraw("no tool result")
    out = results[0]
    if isinstance(out, list):
        if not out:
            raise Redraw("empty tool result")
        out = out[0]
    if isinstance(out, dict) and out.get("error"):
        raise Redraw(str(out["error"]))
    return out


def last(results: list[Any]) -> Any:
    """Return a turn's last tool result."""
    if not results:
        raise Redraw("no tool result")
    return results[-1]


class World:
    """The demo network as the grammar draws from it, and the planner's ways of naming things."""

    def __init__(self, harness: ReferenceHarness, rng: random.Random):
        self.rng = rng
        self.harness = harness
        self.k = 0
        """The number of the conversation being drawn in its class (variants take turns)."""
        net = harness.network
        locs = net.locations
        self.names = dict(zip(locs["location_id"], locs["name"], strict=True))
        self.region = dict(zip(locs["location_id"], locs["region"], strict=True))
        self.source = dict(zip(locs["location_id"], locs["source_location"], strict=True))
        self.stores = sorted(
            i for i, t in zip(locs["location_id"], locs["type"], strict=True) if t == "store"
        )
        self.dcs = sorted(
            i for i, t in zip(locs["location_id"], locs["type"], strict=True) if t == "dc"
        )
        items = net.items
        self.skus = sorted(items["sku"])
        descriptions = list(items["description"])
        self.description = {
            s: d
            for s, d in zip(items["sku"], descriptions, strict=True)
            if descriptions.count(d) == 1
        }
        inv = net.inventory
        self.stocked = {
            (str(a), str(b)) for a, b in zip(inv["sku"], inv["location_id"], strict=True)
        }
        self.case_pack = dict(zip(items["sku"], items["case_pack"], strict=True))
        sup = net.suppliers
        self.supplier_name = dict(zip(sup["supplier_id"], sup["name"], strict=True))
        pos = net.purchase_orders
        self.po_suppliers = sorted(set(pos["supplier_id"]))
        self.exceptions: list[dict[str, Any]] = _exception_items(harness)

    # entity forms: (text, form tag)
    def sku(self, sku: str, allow_name: bool = True) -> tuple[str, str]:
        """Return a SKU as the planner writes it, and the form's tag."""
        number = int(sku.split("-")[1])
        forms = [(sku, "id"), (f"sku {number}", "alias"), (sku.split("-")[1], "short")]
        if allow_name and sku in self.description:
            forms.append((self.description[sku].lower(), "name"))
        return self.rng.choice(forms)

    def loc(self, loc: str) -> tuple[str, str]:
        """Return a location as the planner writes it, and the form's tag."""
        if loc.startswith("DC-"):
            side = loc.split("-")[1].lower()
            return self.rng.choice([(loc, "id"), (f"the {side} DC", "alias")])
        number = int(loc[1:])
        return self.rng.choice(
            [(loc, "id"), (f"store {number}", "alias"), (self.names[loc], "name")]
        )

    def loc_facts(self, loc: str) -> list[str]:
        """Return a location as an answer may name it: its id or its name."""
        return [loc, self.names[loc]]

    def sku_at(self, loc: str) -> str:
        """Return a SKU the location stocks."""
        return str(self.pick([s for s in self.skus if (s, loc) in self.stocked]))

    def pick(self, values: list[Any]) -> Any:
        """Return one of `values`, drawn with the grammar's seeded generator."""
        return self.rng.choice(values)

    def fill(self, template: str, **slots: Any) -> tuple[str, list[str]]:
        """Fill a template; return the request and its tags (`typo` for a "~" template)."""
        tags = []
        if template.startswith("~"):
            template = template[1:]
            tags.append("typo")
        return template.format(**slots), tags


# -- the classes ---------------------------------------------------------------------------------


def _inventory_facts(sku: str, loc: str, w: World) -> Facts:
    def facts(results: list[Any]) -> list[Any]:
        row = first(results)
        return [[sku], w.loc_facts(loc), num(row["on_hand"])]

    return facts


def focus_carry(w: World) -> tuple[list[str], list[Step]]:
    """Draw a question on a SKU at a location, then follow-ups that carry the SKU and place."""
    at_dc = w.rng.random() < 0.25
    loc = w.pick(w.dcs) if at_dc else w.pick(w.stores)
    sku = w.sku_at(loc)
    sku_text, sku_form = w.sku(sku)
    loc_text, loc_form = w.loc(loc)
    request, tags = w.fill(w.pick(T.FOCUS_OPEN), sku=sku_text, loc=loc_text)
    steps: list[Step] = [
        Ask(
            request,
            [call("get_inventory", sku=sku, location=loc)],
            _inventory_facts(sku, loc, w),
            tags=["opener", f"sku:{sku_form}", f"loc:{loc_form}", *tags],
        )
    ]
    kinds = [k for k in T.FOCUS_FOLLOW if k != "other_dc"]
    chosen = (["other_dc"] if at_dc else []) + w.rng.sample(kinds, 2 - at_dc)
    here = loc
    for kind in chosen:
        slots: dict[str, Any] = {}
        calls: list[dict[str, Any]]
        facts: Facts
        if kind == "other_dc":
            here = next(d for d in w.dcs if d != loc)
            calls = [call("get_inventory", sku=sku, location=here)]
            facts = _inventory_facts(sku, here, w)
        elif kind == "store":
            here = w.pick([s for s in w.stores if s != here])
            slots["loc2"], _ = w.loc(here)
            calls = [call("get_inventory", sku=sku, location=here)]
            facts = _inventory_facts(sku, here, w)
        elif kind == "region":
            region = w.region.get(here) or w.pick(["North", "South"])
            dc = next(d for d in w.dcs if region.lower() in d.lower())
            slots["region"] = region.lower()
            calls = [call("list_exceptions", sku=sku, served_by=dc)]

            def facts(results: list[Any]) -> list[Any]:
                page = first(results)
                if not page["items"]:
                    return [["no exception", "none", "nothing", "no open", "0 exception"]]
                top = page["items"][0]
                return [[top["location"], w.names[top["location"]]]]
        elif kind == "cover":
            calls = [call("get_inventory", sku=sku, location=here)]

            def facts(results: list[Any], here: str = here) -> list[Any]:
                row = first(results)
                if row.get("days_of_cover_capped") or row.get("days_of_cover") is None:
                    raise Redraw("capped cover")
                d = float(row["days_of_cover"])
                return [[f"{d:.1f}", f"{round(d)} day"]]
        elif kind in ("supplier", "lead_time"):
            calls = [call("get_supplier_status", sku=sku)]

            def facts(results: list[Any], kind: str = kind) -> list[Any]:
                rows = results[0] if results and isinstance(results[0], list) else []
                primary = [r for r in rows if (r.get("item") or {}).get("primary")]
                if len(primary) != 1:
                    raise Redraw("no single primary supplier")
                p = primary[0]
                if kind == "supplier":
                    return [[p["supplier_id"], p["name"]]]
                lt = int(p["item"]["lead_time_days"])
                return [[f"{lt} day", f"{lt}-day", f"{lt}d"]]
        elif kind == "inbound":
            calls = [call("get_open_supply", sku=sku, location=here)]

            def facts(results: list[Any]) -> list[Any]:
                out = first(results)
                if not out["lines"]:
                    return [NONE_WORDS]
                return [[out["lines"][0]["document_id"]]]
        else:  # forecast
            if here.startswith("DC-"):
                raise Redraw("forecast at a DC")
            calls = [call("get_forecast", sku=sku, location=here, horizon_days=28)]

            def facts(results: list[Any], here: str = here) -> list[Any]:
                first(results)
                return [[sku], w.loc_facts(here)]

        request, tags = w.fill(w.pick(T.FOCUS_FOLLOW[kind]), **slots)
        steps.append(
            Ask(request, calls, facts, tags=["follow_up", f"follow:{kind}", "pronoun", *tags])
        )
    return ["focus_carry"], steps


def _exception_page(results: list[Any], n: int) -> list[dict[str, Any]]:
    page = first(results)
    items = page["items"]
    if len(items) < n:
        raise Redraw("short list")
    return list(items)


def ordinals(w: World, harness: ReferenceHarness) -> tuple[list[str], list[Step]]:
    """Draw a list of exceptions, then follow-ups that name its items by position."""
    n = w.pick([3, 4, 5])
    kind = w.pick(list(T.LIST_OPEN))
    args: dict[str, Any] = {"top": n}
    slots: dict[str, Any] = {"n": n}
    if kind == "type":
        typ = w.pick(sorted(TYPE_WORDS))
        args["type"] = typ
        slots["type_words"] = TYPE_WORDS[typ]
    elif kind == "location":
        loc = w.pick(w.stores + w.dcs)
        args["location"] = loc
        slots["loc"], _ = w.loc(loc)
    request, tags = w.fill(w.pick(T.LIST_OPEN[kind]), **slots)
    # The list the planner will read, from the tool's own query: the follow-ups name its items.
    shown = _exception_items(harness, **args)
    if len(shown) < max(n, 3):
        raise Redraw("short list")

    def list_facts(results: list[Any]) -> list[Any]:
        items = _exception_page(results, 3)
        if [i["id"] for i in items] != [i["id"] for i in shown]:
            raise Redraw("the list differs from the one drawn")
        return [[items[0]["sku"]], [items[1]["sku"]]]

    steps: list[Step] = [
        Ask(
            request,
            [call("list_exceptions", **args)],
            list_facts,
            tags=["opener", f"list:{kind}", *tags],
        )
    ]
    # The list's items are read at generation time: the follow-ups name them by position.
    follow = w.rng.sample(["explain_nth", "last", "most", "fix_nth"], 2)
    follow.sort(key=lambda k: k == "fix_nth")
    pending = 0
    for fk in follow:
        nth = {"last": n, "most": 1}.get(fk) or w.pick([1, 2, 3])
        text, ftags = w.fill(w.pick(T.LIST_FOLLOW[fk]), nth=nth, ordinal=T.ORDINALS[nth])
        ref = shown[nth - 1]["id"]
        if fk == "fix_nth":
            pending += 1

            def proposal(results: list[Any]) -> dict[str, Any]:
                body = last(results)
                if body.get("status") != "pending_approval" or body.get("split"):
                    raise Redraw("the fix does not draft one proposal")
                return _expected(body["action"], body["args"], qty=False)

            steps.append(
                Ask(text, [call("draft_recommended_action", exception_id=ref)], lambda r: [],
                    proposal=proposal, pending_after=pending, listed=nth,
                    trajectory=["draft_recommended_action"], match="superset",
                    tags=["follow_up", "follow:fix_nth", "ordinal", *ftags])
            )  # fmt: skip
        else:

            def facts(results: list[Any]) -> list[Any]:
                exc = first(results)
                return [money(exc["money_at_risk"])]

            steps.append(
                Ask(text, [call("explain_exception", exception_id=ref)], facts,
                    listed=nth, trajectory=None if fk == "most" else ["explain_exception"],
                    match="superset", tags=["follow_up", f"follow:{fk}", "ordinal", *ftags])
            )  # fmt: skip
    return ["ordinals"], steps


def _expected(kind: str, args: dict[str, Any], qty: bool) -> dict[str, Any]:
    places = (
        ("from_location", "to_location") if kind == "transfer" else ("location_id", "supplier_id")
    )
    out: dict[str, Any] = {"kind": kind, "sku": args["sku"], **{p: args[p] for p in places}}
    if qty:
        out["qty"] = int(args["qty"])
    return out


def transfer_ok(w: World, sku: str, src: str, dst: str, qty: int) -> bool:
    """Return True when the draft checks accept the transfer at exactly `qty`."""
    check = w.harness.workspace.drafts.check(
        TransferAction(sku=sku, from_location=src, to_location=dst, qty=int(qty))
    )
    return bool(check.ok) and "requested_qty" not in (check.evidence or {})


def lane_sources(w: World, dst: str) -> list[str]:
    """Return the locations with a transfer lane into `dst` (the get_lanes tool's own query)."""
    lanes = w.harness.network.lanes
    return sorted(str(s) for s in lanes[lanes["to_location"] == dst]["from_location"])


def _transfer_pick(w: World) -> tuple[str, str, str, int]:
    for _ in range(40):
        dst = w.pick(w.stores)
        src = w.source[dst] if w.rng.random() < 0.75 else w.pick(lane_sources(w, dst))
        sku, qty = w.pick(w.skus), w.pick([6, 8, 10, 12, 15, 18, 20, 24])
        if transfer_ok(w, sku, src, dst, qty):
            return sku, src, dst, qty
    raise Redraw("no acceptable transfer drawn")


def _draft_step(w: World, templates: list[str], tags: list[str]) -> tuple[Ask, dict[str, Any]]:
    sku, src, dst, qty = _transfer_pick(w)
    sku_text, sku_form = w.sku(sku, allow_name=False)
    loc_text, loc_form = w.loc(dst)
    src_text, _ = w.loc(src)
    text, ttags = w.fill(w.pick(templates), qty=qty, sku=sku_text, src=src_text, loc=loc_text)
    action = {"sku": sku, "from_location": src, "to_location": dst, "qty": qty}
    ask = Ask(
        text,
        [call("draft_transfer", **action)],
        lambda r: [],
        proposal=partial(_checked, kind="transfer", action=action),
        pending_after=1,
        trajectory=["draft_transfer"],
        match="superset",
        tags=["opener", "draft", f"sku:{sku_form}", f"loc:{loc_form}", *tags, *ttags],
    )
    return ask, action


def _stated(results: list[Any], qty: int) -> list[Any]:
    """Return the facts of an amended quantity: the quantity the planner stated."""
    return [num(qty)]


def _item_facts(results: list[Any], field_: str) -> list[Any]:
    """Return an item master field as the answer may write it."""
    item = first(results)
    return [num(item[field_]) if field_ == "case_pack" else money(item[field_])]


def _checked(results: list[Any], kind: str, action: dict[str, Any]) -> dict[str, Any]:
    """Return the expected proposal of a stated action; redraw unless it was drafted as stated."""
    body = last(results)
    if not isinstance(body, dict) or body.get("status") != "pending_approval":
        raise Redraw(f"draft not accepted: {body}")
    if int(body["args"]["qty"]) != int(action["qty"]) or body.get("cut"):
        raise Redraw("draft cut")
    return _expected(kind, {**body["args"]}, qty=True)


def _po_step(w: World, harness: ReferenceHarness) -> tuple[Ask, dict[str, Any]]:
    net = harness.network
    links = net.item_suppliers
    row = links.iloc[w.rng.randrange(len(links))]
    sku, sup = str(row["sku"]), str(row["supplier_id"])
    pack = int(w.case_pack[sku])
    moq = float(row.get("moq", 0) or 0)
    qty = max(pack, int(-(-moq // pack)) * pack) if moq else pack * w.pick([10, 20])
    dc = w.pick(w.dcs)
    sku_text, sku_form = w.sku(sku, allow_name=False)
    sup_text = w.pick([sup, w.supplier_name[sup]])
    loc_text, loc_form = w.loc(dc)
    text, ttags = w.fill(
        w.pick(T.DRAFT_OPEN["purchase_order"]), qty=qty, sku=sku_text, sup=sup_text, loc=loc_text
    )
    action = {"sku": sku, "location_id": dc, "supplier_id": sup, "qty": qty}
    ask = Ask(
        text,
        [call("draft_purchase_order", **action)],
        lambda r: [],
        proposal=partial(_checked, kind="purchase_order", action=action),
        pending_after=1,
        trajectory=["draft_purchase_order"],
        match="superset",
        tags=["opener", "draft", "po", f"sku:{sku_form}", f"loc:{loc_form}", *ttags],
    )
    return ask, action


def draft_amend(w: World, harness: ReferenceHarness) -> tuple[list[str], list[Step]]:
    """Draft a transfer or PO, then amend its quantity or source, and maybe withdraw it."""
    po = w.rng.random() < 0.3
    if po:
        first_ask, action = _po_step(w, harness)
        kind = "purchase_order"
        step = int(w.case_pack[action["sku"]])
    else:
        first_ask, action = _draft_step(w, T.DRAFT_OPEN["transfer"], [])
        kind = "transfer"
        step = 1
    steps: list[Step] = [first_ask]
    qty = int(action["qty"])
    if po:
        new = qty + step * w.pick([1, 2, 3, 4])
    else:
        options = [q for q in (4, 5, 7, 9, 11, 14, 16, 22, 25, 30) if q != qty]
        w.rng.shuffle(options)
        new = next(
            (q for q in options if transfer_ok(w, action["sku"], action["from_location"],
                                               action["to_location"], q)), 0
        )  # fmt: skip
        if not new:
            raise Redraw("no acceptable amended quantity")
    text, ttags = w.fill(w.pick(T.DRAFT_FOLLOW["amend"]), qty=new)
    amended = {**action, "qty": new}
    steps.append(
        Ask(text, [call("amend_proposal", proposal_id=PROPOSAL, qty=new)],
            partial(_stated, qty=new),
            proposal=partial(_checked, kind=kind, action=amended), pending_after=1,
            trajectory=["amend_proposal"], match="superset",
            tags=["follow_up", "follow:amend", "pronoun", *ttags])
    )  # fmt: skip
    if not po and w.rng.random() < 0.5:
        others = [
            s for s in lane_sources(w, action["to_location"])
            if s != action["from_location"]
            and transfer_ok(w, action["sku"], s, action["to_location"], new)
        ]  # fmt: skip
        if not others:
            raise Redraw("no other source")
        other = w.pick(others)
        src_text, _ = w.loc(other)
        text, ttags = w.fill(w.pick(T.DRAFT_FOLLOW["source"]), src=src_text)
        moved = {**amended, "from_location": other}
        steps.append(
            Ask(text, [call("withdraw_proposal", proposal_id=PROPOSAL),
                       call("draft_transfer", **moved)],
                lambda r: [],
                proposal=partial(_checked, kind="transfer", action=moved), pending_after=1,
                trajectory=None, tags=["follow_up", "follow:source", *ttags])
        )  # fmt: skip
    if w.rng.random() < 0.6:
        text, ttags = w.fill(w.pick(T.DRAFT_FOLLOW["withdraw"]))

        def withdrawn(results: list[Any]) -> list[Any]:
            body = last(results)
            if body.get("status") != "withdrawn":
                raise Redraw("not withdrawn")
            return [["withdrawn", "withdrew", "cancelled", "canceled", "scrapped", "removed"]]

        steps.append(
            Ask(text, [call("withdraw_proposal", proposal_id=PROPOSAL)], withdrawn,
                pending_after=0, no_proposal=True, trajectory=["withdraw_proposal"],
                match="superset", tags=["follow_up", "follow:withdraw", "pronoun", *ttags])
        )  # fmt: skip
    return ["draft_amend", "po" if po else "transfer"], steps


REJECT_REASONS = [
    ("wait for the promo calendar", "promo calendar"),
    ("store is full, no backroom space", "backroom"),
    ("duplicate of last week's order", "duplicate"),
    ("budget freeze until Monday", "budget freeze"),
]


def approval(w: World) -> tuple[list[str], list[Step]]:
    """Draft a transfer, an approver decides between turns, then the planner asks what happened."""
    ask, action = _draft_step(w, T.APPROVAL_OPEN, [])
    decision = ("approve", "reject", "edit")[w.k % 3]
    qty = int(action["qty"])
    approver = Approver("bob", decision)
    reason_word = ""
    if decision == "reject":
        approver.message, reason_word = w.pick(REJECT_REASONS)
    if decision == "edit":
        approver.qty = max(6, qty - w.pick([4, 6, 10]))
    text, ttags = w.fill(w.pick(T.APPROVAL_FOLLOW[decision]))
    asks_why = "why" in text or "what happened" in text

    def facts(results: list[Any]) -> list[Any]:
        out = first(results)
        rows = out.get("proposals") or []
        if not rows:
            raise Redraw("no proposal listed")
        p = rows[0]
        if decision == "reject":
            if p["status"] != "rejected":
                raise Redraw(f"status {p['status']}")
            said = [["rejected", "not approved", "declined"]]
            # The approver's note is the answer to "why"; a status question needs the status.
            return [*said, [reason_word]] if asks_why else said
        if p["status"] != "committed" or not p.get("document_id"):
            raise Redraw(f"status {p['status']}")
        prefix = str(p["document_id"]).split("-SP-")[0] + "-SP-"
        got = [["committed", "approved"], [prefix]]
        if decision == "edit":
            got.append(num(p["args"]["qty"]))
        return got

    return ["approval", f"decision:{decision}"], [
        ask,
        approver,
        Ask(text, [call("list_proposals")], facts, pending_after=0, no_proposal=True,
            tags=["follow_up", f"after:{decision}", *ttags]),
    ]  # fmt: skip


def confirm(w: World) -> tuple[list[str], list[Step]]:
    """Draw an explained recommendation, then the planner's yes (draft it) or no (nothing)."""
    cands = [e for e in w.exceptions if (e.get("recommendation") or {}).get("kind") in DRAFTABLE]
    exc = w.pick(cands)
    sku_text, sku_form = w.sku(exc["sku"])
    loc_text, loc_form = w.loc(exc["location"])
    text, tags = w.fill(w.pick(T.CONFIRM_OPEN), exc=exc["id"], sku=sku_text, loc=loc_text)

    def opened(results: list[Any]) -> list[Any]:
        body = first(results)
        rec = body["recommendation"]
        if len(rec.get("actions") or []) != 1:
            raise Redraw("split recommendation")
        words = ["transfer"] if rec["kind"] == "transfer" else ["purchase order", "PO"]
        return [words, num(rec["qty"])]

    yes = w.k % 3 != 0
    steps: list[Step] = [
        Ask(text, [call("explain_exception", exception_id=exc["id"])], opened,
            tags=["opener", f"sku:{sku_form}", f"loc:{loc_form}", *tags])
    ]  # fmt: skip
    reply, rtags = w.fill(w.pick(T.CONFIRM_FOLLOW["yes" if yes else "no"]))
    if yes:

        def proposal(results: list[Any]) -> dict[str, Any]:
            body = last(results)
            if body.get("status") != "pending_approval" or body.get("split"):
                raise Redraw("not one draft")
            return _expected(body["action"], body["args"], qty=False)

        steps.append(
            Ask(reply, [call("draft_recommended_action", exception_id=exc["id"])], lambda r: [],
                proposal=proposal, pending_after=1, trajectory=["draft_recommended_action"],
                match="superset", tags=["follow_up", "follow:yes", *rtags])
        )  # fmt: skip
    else:
        steps.append(
            Ask(reply, [], lambda r: [], pending_after=0, no_proposal=True, trajectory=None,
                tags=["follow_up", "follow:no", "negation", *rtags])
        )  # fmt: skip
    return ["confirm", "yes" if yes else "no"], steps


def correction(w: World) -> tuple[list[str], list[Step]]:
    """Draw a question on a SKU at a store, then a correction of the store or the SKU."""
    loc = w.pick(w.stores)
    sku = w.sku_at(loc)
    sku_text, sku_form = w.sku(sku)
    loc_text, loc_form = w.loc(loc)
    text, tags = w.fill(w.pick(T.FOCUS_OPEN), sku=sku_text, loc=loc_text)
    steps: list[Step] = [
        Ask(text, [call("get_inventory", sku=sku, location=loc)], _inventory_facts(sku, loc, w),
            tags=["opener", f"sku:{sku_form}", f"loc:{loc_form}", *tags])
    ]  # fmt: skip
    what = w.pick(["location", "location_more", "sku"])
    if what == "sku":
        sku2 = w.pick([s for s in w.skus if s != sku and (s, loc) in w.stocked])
        short2 = sku2.split("-")[1]
        text, ctags = w.fill(
            w.pick(T.CORRECTION_FOLLOW["sku"]),
            short2=short2,
            sku2=w.pick([sku2, f"sku {int(short2)}"]),
        )
        steps.append(
            Ask(text, [call("get_inventory", sku=sku2, location=loc)],
                _inventory_facts(sku2, loc, w), tags=["follow_up", "follow:correct_sku", *ctags])
        )  # fmt: skip
    else:
        loc2 = w.pick([s for s in w.stores if s != loc and (sku, s) in w.stocked])
        loc2_text, _ = w.loc(loc2)
        text, ctags = w.fill(w.pick(T.CORRECTION_FOLLOW[what]), loc2=loc2_text, loc=loc_text)
        steps.append(
            Ask(text, [call("get_inventory", sku=sku, location=loc2)],
                _inventory_facts(sku, loc2, w),
                tags=["follow_up", "follow:correct_location", *ctags])
        )  # fmt: skip
    return ["correction"], steps


def topic_return(w: World) -> tuple[list[str], list[Step]]:
    """Draw a question at a store, two unrelated ones, then "back to the first store"."""
    with_exc = sorted({e["location"] for e in w.exceptions if e["location"] in w.stores})
    loc = w.pick(with_exc)
    sku = w.sku_at(loc)
    sku_text, sku_form = w.sku(sku)
    loc_text, loc_form = w.loc(loc)
    text, tags = w.fill(w.pick(T.SWITCH["open"]), sku=sku_text, loc=loc_text)
    steps: list[Step] = [
        Ask(text, [call("get_inventory", sku=sku, location=loc)], _inventory_facts(sku, loc, w),
            tags=["opener", f"sku:{sku_form}", f"loc:{loc_form}", *tags])
    ]  # fmt: skip
    for kind in w.rng.sample(["detour_supplier", "detour_item", "detour_lanes"], 2):
        sku2 = w.pick([s for s in w.skus if s != sku])
        loc2 = w.pick([s for s in w.stores if s != loc])
        sku2_text, _ = w.sku(sku2, allow_name=False)
        loc2_text, _ = w.loc(loc2)
        text, dtags = w.fill(w.pick(T.SWITCH[kind]), sku2=sku2_text, loc2=loc2_text)
        if kind == "detour_supplier":
            calls = [call("get_supplier_status", sku=sku2)]

            def facts(results: list[Any]) -> list[Any]:
                rows = results[0] if results and isinstance(results[0], list) else []
                primary = [r for r in rows if (r.get("item") or {}).get("primary")]
                if len(primary) != 1:
                    raise Redraw("no single primary")
                return [[primary[0]["supplier_id"], primary[0]["name"]]]
        elif kind == "detour_item":
            calls = [call("get_item", sku=sku2)]
            field_ = "case_pack" if "case pack" in text else "unit_cost"

            facts = partial(_item_facts, field_=field_)
        else:
            calls = [call("get_lanes", to_location=loc2)]

            def facts(results: list[Any]) -> list[Any]:
                out = first(results)
                if not out.get("source_dc"):
                    raise Redraw("no source DC")
                return [[out["source_dc"]]]

        steps.append(Ask(text, calls, facts, tags=["switch", f"follow:{kind}", *dtags]))
    text, rtags = w.fill(w.pick(T.SWITCH["return"]), loc_word="the first store")

    def back(results: list[Any]) -> list[Any]:
        page = first(results)
        if not page["items"]:
            raise Redraw("nothing at the store")
        return [w.loc_facts(loc), [page["items"][0]["sku"]]]

    steps.append(
        Ask(text, [call("list_exceptions", location=loc)], back,
            tags=["follow_up", "follow:return", *rtags])
    )  # fmt: skip
    return ["topic_return"], steps


def what_if(w: World) -> tuple[list[str], list[Step]]:
    """Draw a what-if, then a follow-up that only changes its size."""
    if w.k % 2:
        sup = w.pick(w.po_suppliers)
        d1, d2 = w.rng.sample([5, 7, 10, 14, 20, 28], 2)
        sup_text = w.pick([sup, w.supplier_name[sup]])
        text, tags = w.fill(w.pick(T.WHAT_IF["delay_open"]), sup=sup_text, days=d1)
        text2, tags2 = w.fill(w.pick(T.WHAT_IF["delay_follow"]), days=d2)

        def facts(results: list[Any]) -> list[Any]:
            out = first(results)
            lines = out.get("delayed_purchase_order_lines") or []
            if not lines:
                raise Redraw("no PO delayed")
            return [[sup, w.supplier_name[sup]], [lines[0]["po_id"]]]

        return ["what_if", "delay"], [
            Ask(text, [call("run_what_if", supplier_id=sup, supplier_delay_days=d1)], facts,
                trajectory=["run_what_if"], match="superset", tags=["opener", *tags]),
            Ask(text2, [call("run_what_if", supplier_id=sup, supplier_delay_days=d2)], facts,
                trajectory=["run_what_if"], match="superset",
                tags=["follow_up", "follow:resize_delay", *tags2]),
        ]  # fmt: skip
    loc = w.pick(w.stores)
    sku = w.sku_at(loc)
    p1, p2 = w.rng.sample([10, 20, 25, 30, 40, 50], 2)
    sku_text, sku_form = w.sku(sku, allow_name=False)
    loc_text, loc_form = w.loc(loc)
    text, tags = w.fill(w.pick(T.WHAT_IF["demand_open"]), sku=sku_text, loc=loc_text, pct=p1)
    text2, tags2 = w.fill(w.pick(T.WHAT_IF["demand_follow"]), pct=p2)

    def dfacts(results: list[Any]) -> list[Any]:
        out = first(results)
        day = (out.get("with_scenario") or {}).get("first_stockout_date")
        if not day:
            raise Redraw("no stockout under the scenario")
        return [[day]]

    return ["what_if", "demand"], [
        Ask(text, [call("run_what_if", sku=sku, location=loc, demand_factor=1 + p1 / 100)], dfacts,
            trajectory=["run_what_if"], match="superset",
            tags=["opener", f"sku:{sku_form}", f"loc:{loc_form}", *tags]),
        Ask(text2, [call("run_what_if", sku=sku, location=loc, demand_factor=1 + p2 / 100)], dfacts,
            trajectory=["run_what_if"], match="superset",
            tags=["follow_up", "follow:resize_demand", *tags2]),
    ]  # fmt: skip


BUILDERS: dict[str, Callable[..., tuple[list[str], list[Step]]]] = {
    "focus_carry": focus_carry,
    "ordinals": ordinals,
    "draft_amend": draft_amend,
    "approval": approval,
    "confirm": confirm,
    "correction": correction,
    "topic_return": topic_return,
    "what_if": what_if,
}
NEEDS_HARNESS = {"draft_amend", "ordinals"}


# -- playing and writing -------------------------------------------------------------------------


def play(harness: ReferenceHarness, cid: str, steps: list[Step], thread: str) -> dict[str, Any]:
    """Play a drawn conversation with the reference model; return its dataset line's turns."""
    asks = [s for s in steps if isinstance(s, Ask)]
    case_steps: list[Case | Decide] = []
    for number, s in enumerate(steps, start=1):
        if isinstance(s, Ask):
            case_steps.append(
                Case(id=f"{cid}#{number}", request=s.request, expected_trajectory=None)
            )
        else:
            case_steps.append(
                Decide(user=s.user, decision=Decision(s.decision), qty=s.qty, message=s.message)
            )

    harness.script.load([a.calls for a in asks], lambda i, r: "Noted.")
    conv = Case(id=cid, request=asks[0].request, expected_trajectory=None, turns=tuple(case_steps))
    played = harness.converse(conv, thread_id=thread)
    turns: list[dict[str, Any]] = []
    for s, got in zip(steps, played, strict=True):
        if isinstance(s, Approver):
            if got is not None:
                raise Redraw(f"decision failed: {got}")
            d: dict[str, Any] = {"user": s.user, "decision": s.decision}
            if s.qty is not None:
                d["qty"] = s.qty
            if s.message:
                d["message"] = s.message
            turns.append({"decide": d})
            continue
        assert isinstance(got, Turn)
        if got.error:
            raise Redraw(got.error)
        results = got.tool_results
        facts = s.facts(results)
        line: dict[str, Any] = {
            "request": s.request,
            "expected_trajectory": s.trajectory,
            "match": s.match if s.trajectory is not None or s.match == "any_tool" else "strict",
        }
        if s.trajectory is None and s.match != "any_tool":
            line["match"] = "strict"
        if not s.calls:
            line["match"] = "strict"
        if facts:
            line["expected_facts"] = facts
        if s.proposal is not None:
            expected = s.proposal(results)
            if expected is None:
                raise Redraw("no proposal")
            if not any(
                not ExpectedProposal.from_dict(expected).mismatches(p["kind"], p["args"])
                for p in got.pending
            ):
                raise Redraw("the drafted proposal is not the expected one")
            line["expected_proposal"] = expected
        if s.no_proposal:
            line["expect_no_proposal"] = True
            if got.proposals:
                raise Redraw("a proposal was drafted")
        if s.pending_after is not None:
            if got.pending_total != s.pending_after:
                raise Redraw(f"pending {got.pending_total} != {s.pending_after}")
            line["pending_after"] = s.pending_after
        if s.listed is not None:
            line["expect_listed"] = s.listed
        line["tags"] = s.tags
        line["reference_calls"] = s.calls
        turns.append(line)
    return {"turns": turns}


def generate(seed: int = SEED, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Draw and play every conversation; return the dataset's lines in order."""
    counts = counts or CLASS_COUNTS
    rng = random.Random(seed)
    meta = {"network": NETWORK, "isolate_drafts": True}
    lines: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="stockpilot-threads-") as tmp:
        harness = ReferenceHarness(
            Path(tmp), Dataset(path=Path("agent_threads.jsonl"), meta=meta, cases=())
        )
        try:
            w = World(harness, rng)
            for cls, count in counts.items():
                for k in range(1, count + 1):
                    w.k = k
                    cid = f"thr-{cls.replace('_', '-')}-{k:02d}"
                    for attempt in range(ATTEMPTS):
                        builder = BUILDERS[cls]
                        try:
                            tags, steps = (
                                builder(w, harness) if cls in NEEDS_HARNESS else builder(w)
                            )
                            body = play(harness, cid, steps, thread=f"gen-{cid}-{attempt}")
                        except Redraw as why:
                            if os.environ.get("THREADS_DEBUG"):
                                print(cid, attempt, why, file=sys.stderr)
                            continue
                        lines.append({"id": cid, "tags": ["conversation", *tags], **body})
                        break
                    else:
                        raise RuntimeError(f"{cid}: no valid draw in {ATTEMPTS} attempts")
        finally:
            harness.close()
    return lines


def _exception_items(harness: ReferenceHarness, **args: Any) -> list[dict[str, Any]]:
    """Return the exceptions list_exceptions shows for `args` (its own query), in its order."""
    wanted: dict[str, Any] = {
        "top": 100, "offset": 0, "compact_mode": True, "sort": "money_at_risk", "type": None,
        "category": None, "priority": None, "locations": None, "sku": None, "location": None,
    }  # fmt: skip
    wanted.update(args)
    return list(insight.exception_page(harness.workspace, **wanted)["items"])


def write(lines: list[dict[str, Any]], out: Path) -> None:
    """Write the dataset (one JSON object a line, keys in a fixed order)."""
    out.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate the dataset from the command line."""
    parser = argparse.ArgumentParser(prog="python -m evals.threads.generate", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("evals/datasets/agent_threads.jsonl"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    lines = generate(args.seed)
    write(lines, args.out)
    turns = sum(1 for line in lines for t in line["turns"] if "request" in t)
    print(f"wrote {len(lines)} conversations, {turns} planner turns to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
