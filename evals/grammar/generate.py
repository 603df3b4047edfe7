"""Instantiate the planner-request grammar on the demo network into an agent dataset.

For every template of every class (`phrases`) the generator picks the entities its slots need
(seeded), writes each in a form chosen at random (`forms`), may add everyday noise (a typo in
an ordinary word, no punctuation, a lead-in, a polite ending), then calls the reference tools on
the network (`bench`) and takes the expected facts from their results: the ids or names the
answer must mention and the key figure a tool returns. Every case also carries its
`reference_calls` (tool names with arguments), which the scripted validation replays.

    python -m evals.grammar.generate --out evals/datasets/agent_grammar.jsonl

writes the dataset and its `.meta.json`; the same seed reproduces both byte for byte.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from evals.grammar import forms as fm
from evals.grammar import phrases as ph
from evals.grammar.bench import NETWORK, Bench, accepted
from stockpilot.actions import PurchaseOrderAction, TransferAction

SEED = 20261206
VERSION = "1.1.0"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "datasets" / "agent_grammar.jsonl"
NOISE = {"lead_in": 0.15, "polite": 0.15, "typo": 0.15, "no_punct": 0.15}
"""The chance of each kind of noise on a generated request (independent)."""

Fact = list[str]


@dataclass
class Instance:
    """One filled template before noise: slot texts, reference calls, facts and tags."""

    slots: dict[str, str]
    calls: list[dict[str, Any]]
    facts: list[Fact]
    trajectories: list[list[str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    expect_citation: bool = False
    proposal: dict[str, Any] | None = None
    """The pending proposal a drafting request must leave (`expected_proposal`)."""
    match: str = "strict"


class Skip(Exception):
    """The entities drawn do not suit the template (re-draw)."""


def num(x: float) -> Fact:
    """Return the ways an answer may write a figure: whole part or rounded, with or without commas.

    A substring check then accepts "3,259.22", "3259.2" or "$3,259" for 3259.22.
    """
    x = abs(float(x))
    out: list[str] = []
    for whole in (math.floor(x), round(x)):
        for text in (f"{whole:,}", str(whole)):
            if text not in out:
                out.append(text)
    return out


def dec(x: float, places: int = 1) -> Fact:
    """Return a figure with `places` decimals and rounded to a whole number."""
    out = [f"{float(x):.{places}f}", str(round(float(x)))]
    return list(dict.fromkeys(out))


def pct(rate: float) -> Fact:
    """Return a rate (0.86) as an answer may write it: 86%, 86 %, 0.86."""
    p = round(rate * 100)
    return [f"{p}%", f"{p} %", f"{p} percent", f"{rate:g}"]


class Network:
    """The network's entities with their accepted forms, and the tool calls on it."""

    def __init__(self, bench: Bench, rng: random.Random) -> None:
        self.bench = bench
        self.rng = rng
        d = bench.data
        self.as_of = bench.as_of
        locs = d.locations
        self.loc_name = dict(
            zip(locs["location_id"].astype(str), locs["name"].astype(str), strict=True)
        )
        self.stores = sorted(locs.loc[locs["type"] == "store", "location_id"].astype(str))
        self.dcs = sorted(locs.loc[locs["type"] == "dc", "location_id"].astype(str))
        items = d.items
        self.desc = dict(
            zip(items["sku"].astype(str), items["description"].astype(str), strict=True)
        )
        self.category = dict(
            zip(items["sku"].astype(str), items["category"].astype(str), strict=True)
        )
        self.skus = sorted(self.desc)
        counts: dict[str, int] = {}
        for text in self.desc.values():
            counts[text] = counts.get(text, 0) + 1
        sups = d.suppliers
        self.sup_name = dict(
            zip(sups["supplier_id"].astype(str), sups["name"].astype(str), strict=True)
        )
        self.suppliers = sorted(self.sup_name)
        self.categories = sorted(set(self.category.values()))
        self.forms: dict[tuple[str, str], list[fm.Form]] = {}
        self.dropped: list[str] = []
        for sku in self.skus:
            unique = counts[self.desc[sku]] == 1
            self._keep("sku", sku, fm.sku_forms(sku, self.desc[sku], unique))
        for s in self.stores:
            self._keep("location", s, fm.store_forms(s, self.loc_name[s]))
        for dc in self.dcs:
            self._keep("location", dc, fm.dc_forms(dc, self.loc_name[dc]))
        for sup in self.suppliers:
            self._keep("supplier", sup, fm.supplier_forms(sup, self.sup_name[sup]))
        for cat in self.categories:
            self.forms[("category", cat)] = fm.category_forms(cat, self._reads_as(cat))

    def _reads_as(self, category: str) -> Callable[[str], bool]:
        return lambda text: self.bench.category_of(text) == category

    def _keep(self, kind: str, entity: str, candidates: Iterable[fm.Form]) -> None:
        kept = []
        for f in candidates:
            if self.bench.resolves(kind, f.text, entity):  # type: ignore[arg-type]
                kept.append(f)
            else:
                self.dropped.append(f"{kind}:{f.kind}:{f.text}")
        self.forms[(kind, entity)] = kept

    def form(self, kind: str, entity: str, tags: list[str], slot: str) -> str:
        """Return the entity in a form drawn at random; tag the form."""
        f = self.rng.choice(self.forms[(kind, entity)])
        tags.append(f"form:{slot}:{f.kind}")
        return f.text

    def call(self, name: str, **args: Any) -> tuple[dict[str, Any], Any]:
        """Call a tool; return the reference call and its result."""
        return {"name": name, "args": args}, self.bench.call(name, **args)

    def sku_fact(self, sku: str) -> Fact:
        """Return what names a SKU in an answer: its id or its description."""
        return [sku, self.desc[sku]]

    def loc_fact(self, loc: str) -> Fact:
        """Return what names a location in an answer: its id or its name."""
        return [loc, self.loc_name[loc]]

    def sup_fact(self, sup: str) -> Fact:
        """Return what names a supplier in an answer: its id, name or first name word."""
        return [sup, self.sup_name[sup], self.sup_name[sup].split()[0]]

    def location_slot(self, loc: str, tags: list[str], slot: str = "loc") -> str:
        """Return a location in a form drawn at random."""
        return self.form("location", loc, tags, slot)


# -- the classes -----------------------------------------------------------------------------


Builder = Callable[[Network, str, random.Random], Instance]


def _exceptions(net: Network, **filters: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return net.call("list_exceptions", **filters)


def build_stock_pair(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A SKU at a location: get_inventory; its on hand."""
    sku, loc = rng.choice(net.skus), rng.choice(net.stores + net.dcs)
    tags: list[str] = []
    call, rows = net.call("get_inventory", sku=sku, location=loc)
    if not isinstance(rows, list) or not rows:
        raise Skip
    slots = {"sku": net.form("sku", sku, tags, "sku"), "loc": net.location_slot(loc, tags)}
    facts = [net.sku_fact(sku), net.loc_fact(loc), num(rows[0]["on_hand"])]
    return Instance(slots, [call], facts, [["get_inventory"], ["get_network_position"]], tags)


def build_stock_where(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A SKU everywhere, or where most: the largest holder (and its on hand)."""
    sku = rng.choice(net.skus)
    tags: list[str] = []
    pos_call, pos = net.call("get_network_position", sku=sku)
    inv_call, _ = net.call("get_inventory", sku=sku)
    top = pos["most_on_hand"]
    facts = [net.sku_fact(sku), net.loc_fact(top["location_id"])]
    if variant == "most":
        facts.append(num(top["on_hand"]))
        calls, trajectories = [pos_call], [["get_network_position"], ["get_inventory"]]
    else:
        calls, trajectories = [inv_call], [["get_inventory"], ["get_network_position"]]
    return Instance({"sku": net.form("sku", sku, tags, "sku")}, calls, facts, trajectories, tags)


def build_cover(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Days of cover of a SKU at a location (the stockout date below one day)."""
    sku, loc = rng.choice(net.skus), rng.choice(net.stores + net.dcs)
    tags: list[str] = []
    call, rows = net.call("get_inventory", sku=sku, location=loc)
    if not isinstance(rows, list) or not rows:
        raise Skip
    row = rows[0]
    facts = [net.sku_fact(sku), net.loc_fact(loc)]
    trajectories = [["get_inventory"], ["get_network_position"]]
    cover = row.get("days_of_cover")
    if row.get("days_of_cover_capped") or cover is None:
        raise Skip  # beyond the horizon: no one figure to demand
    if cover >= 1:
        facts.append(dec(cover))
    else:
        facts.append([str(row["projected_stockout_date"])])
        trajectories = [["get_inventory"]]
    slots = {"sku": net.form("sku", sku, tags, "sku"), "loc": net.location_slot(loc, tags)}
    return Instance(slots, [call], facts, trajectories, tags)


def build_network(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A SKU's network position: its network on hand."""
    sku = rng.choice(net.skus)
    tags: list[str] = []
    call, pos = net.call("get_network_position", sku=sku)
    if variant == "cover":
        cover = pos["network"]["days_of_cover"]
        if cover is None:
            raise Skip
        facts = [net.sku_fact(sku), dec(cover)]
    else:
        facts = [net.sku_fact(sku), num(pos["network"]["on_hand"])]
    return Instance(
        {"sku": net.form("sku", sku, tags, "sku")}, [call], facts, [["get_network_position"]], tags
    )


def build_exc_overview(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Today's exceptions, all or priority 1: the top one's SKU."""
    filters: dict[str, Any] = {"priority": 1} if variant == "urgent" else {}
    call, page = _exceptions(net, **filters)
    if not page.get("items"):
        raise Skip
    top = page["items"][0]
    facts = [net.sku_fact(top["sku"])]
    return Instance({}, [call], facts, [["list_exceptions"]], [])


def build_exc_type(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Exceptions of one type: the top one's SKU."""
    kind = rng.choice(sorted(ph.TYPE_WORDS))
    call, page = _exceptions(net, type=kind)
    if not page.get("items"):
        raise Skip
    words = rng.choice(ph.TYPE_WORDS[kind])
    tags = [f"type:{kind}"]
    facts = [net.sku_fact(page["items"][0]["sku"])]
    trajectories = [["list_exceptions"], ["summarize_exceptions", "list_exceptions"]]
    return Instance({"type": words}, [call], facts, trajectories, tags)


def build_exc_scope(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Exceptions at a location, in a DC's stores or a category: the top one's SKU."""
    tags: list[str] = []
    slots: dict[str, str] = {}
    facts: list[Fact] = []
    if variant == "location":
        loc = rng.choice(net.stores + net.dcs)
        call, page = _exceptions(net, location=loc)
        slots["loc"] = net.location_slot(loc, tags)
        facts.append(net.loc_fact(loc))
    elif variant == "region":
        dc = rng.choice(net.dcs)
        call, page = _exceptions(net, served_by=dc)
        slots["dc"] = net.location_slot(dc, tags, "dc")
        slots["region"] = dc.split("-", 1)[1].lower()
    else:
        cat = rng.choice(net.categories)
        call, page = _exceptions(net, category=cat)
        slots["category"] = net.form("category", cat, tags, "category")
    if not page.get("items"):
        raise Skip
    facts.append(net.sku_fact(page["items"][0]["sku"]))
    return Instance(slots, [call], facts, [["list_exceptions"]], tags)


def build_exc_top(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: The top N exceptions: the first and the N-th one's SKU."""
    n = rng.choice((2, 3, 4, 5))
    call, page = _exceptions(net, top=n)
    items = page["items"]
    if len(items) < n:
        raise Skip
    facts = [net.sku_fact(items[0]["sku"]), net.sku_fact(items[n - 1]["sku"])]
    return Instance({"n": str(n)}, [call], facts, [["list_exceptions"]], [f"top:{n}"])


def build_totals(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Money at risk, grouped or filtered: the total or the largest group."""
    tags: list[str] = []
    slots: dict[str, str] = {}
    if variant in ("type", "location", "category"):
        call, out = net.call("summarize_exceptions", by=variant)
        if not out.get("groups"):
            raise Skip
        top = out["groups"][0]
        key = str(top["key"])
        if variant == "type":
            first: Fact = list(ph.TYPE_FACTS[key])
            facts = [num(out["total_money_at_risk"]), first]
        elif variant == "location":
            facts = [net.loc_fact(key), num(top["money_at_risk"])]
        else:
            facts = [[key], num(top["money_at_risk"])]
        return Instance(slots, [call], facts, [["summarize_exceptions"]], tags)
    filters: dict[str, Any] = {}
    if variant == "type_money":
        kind = rng.choice(sorted(ph.TYPE_WORDS))
        filters["type"] = kind
        slots["type"] = rng.choice(ph.TYPE_WORDS[kind])
        tags.append(f"type:{kind}")
    elif variant == "location_money":
        loc = rng.choice(net.stores + net.dcs)
        filters["location"] = loc
        slots["loc"] = net.location_slot(loc, tags)
    elif variant == "category_money":
        cat = rng.choice(net.categories)
        filters["category"] = cat
        slots["category"] = net.form("category", cat, tags, "category")
    else:
        dc = rng.choice(net.dcs)
        filters["served_by"] = dc
        slots["dc"] = net.location_slot(dc, tags, "dc")
        slots["region"] = dc.split("-", 1)[1].lower()
    call, out = net.call("summarize_exceptions", **filters)
    if not out.get("count"):
        raise Skip
    facts = [num(out["total_money_at_risk"])]
    return Instance(slots, [call], facts, [["summarize_exceptions"], ["list_exceptions"]], tags)


def build_open_supply(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Open supply of a SKU, location, supplier or time window: its first line."""
    tags: list[str] = []
    slots: dict[str, str] = {}
    everything = net.bench.call("get_open_supply")["lines"]
    line = rng.choice(everything)
    trajectories = [["get_open_supply"]]
    if variant == "sku":
        call, out = net.call("get_open_supply", sku=line["sku"])
        slots["sku"] = net.form("sku", line["sku"], tags, "sku")
    elif variant == "location":
        call, out = net.call("get_open_supply", location=line["location_id"])
        slots["loc"] = net.location_slot(line["location_id"], tags)
    elif variant == "supplier":
        sup = line["supplier_id"]
        if not sup:
            raise Skip
        call, out = net.call("get_open_supply", supplier_id=sup)
        slots["supplier"] = net.form("supplier", sup, tags, "supplier")
        overview = json.dumps(net.bench.call("get_supplier_overview", supplier_id=sup))
        if all(x["document_id"] in overview for x in out["lines"][:1]):
            trajectories.append(["get_supplier_overview"])
    else:
        days = rng.choice((3, 5, 7, 10, 14))
        call, out = net.call("get_open_supply", within_days=days)
        slots["days"] = str(days)
    if not out.get("lines"):
        raise Skip
    facts = [[out["lines"][0]["document_id"]]]
    return Instance(slots, [call], facts, trajectories, tags)


def build_forecast(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A SKU-location forecast: the first (or last) day of the horizon."""
    sku, loc = rng.choice(net.skus), rng.choice(net.stores + net.dcs)
    tags: list[str] = []
    slots = {"sku": net.form("sku", sku, tags, "sku"), "loc": net.location_slot(loc, tags)}
    if variant == "horizon":
        horizon = rng.choice((7, 10, 14, 21, 30, 42))
        call, out = net.call("get_forecast", sku=sku, location=loc, horizon_days=horizon)
        slots["horizon"] = str(horizon)
        day = net.as_of + timedelta(days=horizon)
    else:
        call, out = net.call("get_forecast", sku=sku, location=loc)
        day = net.as_of + timedelta(days=1)
    if "error" in out or not out.get("forecast"):
        raise Skip
    facts = [net.sku_fact(sku), net.loc_fact(loc), [day.isoformat()]]
    return Instance(slots, [call], facts, [["get_forecast"]], tags)


def build_supplier(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A supplier's status, lead time, on-time rate; a SKU's supplier."""
    tags: list[str] = []
    if variant == "who":
        sku = rng.choice(net.skus)
        call, rows = net.call("get_supplier_status", sku=sku)
        primary = [r for r in rows if r.get("item", {}).get("primary")] or rows
        facts = [net.sup_fact(primary[0]["supplier_id"])]
        slots = {"sku": net.form("sku", sku, tags, "sku")}
        return Instance(slots, [call], facts, [["get_supplier_status"], ["get_item"]], tags)
    sup = rng.choice(net.suppliers)
    call, rows = net.call("get_supplier_status", supplier_id=sup)
    row = rows[0]
    facts = [net.sup_fact(sup)]
    if variant == "lead":
        facts.append([str(row["lead_time_days"])])
    elif variant == "on_time":
        facts.append(pct(row["on_time_rate"]))
    elif row["late_pos"]:
        facts.append([p["po_id"] for p in row["late_pos"]])
    slots = {"supplier": net.form("supplier", sup, tags, "supplier")}
    trajectories = [["get_supplier_status"], ["get_supplier_overview"]]
    return Instance(slots, [call], facts, trajectories, tags)


def build_supplier_orders(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A supplier's overview, or what to order from it now: its largest line."""
    tags: list[str] = []
    sup = rng.choice(net.suppliers)
    call, out = net.call("get_supplier_overview", supplier_id=sup)
    facts = [net.sup_fact(sup)]
    trajectories = [["get_supplier_overview"]]
    if variant == "overview":
        if out.get("skus"):
            facts.append(net.sku_fact(out["skus"][0]["sku"]))
    else:
        trajectories.append(["get_routine_orders"])
        items = out["order_now"].get("items") or []
        if items:
            facts.append(net.sku_fact(items[0]["sku"]))
            tags.append("order_now:lines")
        else:
            tags.append("order_now:nothing")
    slots = {"supplier": net.form("supplier", sup, tags, "supplier")}
    return Instance(slots, [call], facts, trajectories, tags)


def build_item(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: An item's cost, MOQ, case pack, category or primary supplier."""
    tags: list[str] = []
    sku = rng.choice(net.skus)
    call, item = net.call("get_item", sku=sku)
    primary = next((s for s in item["suppliers"] if s["primary"]), item["suppliers"][0])
    facts = [net.sku_fact(sku)]
    trajectories = [["get_item"]]
    if variant == "cost":
        facts.append([f"{item['unit_cost']:.2f}".rstrip("0").rstrip(".")])
        trajectories.append(["get_supplier_status"])
    elif variant == "moq":
        if not primary["moq"]:
            raise Skip
        facts.append(num(primary["moq"]))
        trajectories.append(["get_supplier_status"])
    elif variant == "pack":
        if item["case_pack"] <= 1:
            raise Skip
        facts.append(num(item["case_pack"]))
    elif variant == "category":
        facts.append([item["category"]])
    else:
        facts.append(net.sup_fact(item["primary_supplier"]))
    slots = {"sku": net.form("sku", sku, tags, "sku")}
    return Instance(slots, [call], facts, trajectories, tags)


def build_lanes(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Whether a lane exists between two locations: yes or no."""
    tags: list[str] = []
    everything = net.bench.call("get_lanes")["lanes"]
    if rng.random() < 0.5:
        lane = rng.choice(everything)
        src, dst = lane["from_location"], lane["to_location"]
    else:
        src, dst = rng.sample(net.stores + net.dcs, 2)
    call, out = net.call("get_lanes", from_location=src, to_location=dst)
    facts = [net.loc_fact(src), net.loc_fact(dst)]
    if out["exists"]:
        facts.append(["yes", "exists", "there is a lane", "can ship", "lane from"])
        tags.append("lane:exists")
    else:
        facts.append(
            [
                "no lane",
                "no direct",
                "not",
                "no,",
                "no.",
                "no -",
                "no:",
                "cannot",
                "can't",
                "doesn't",
            ]
        )
        tags.append("lane:none")
    slots = {"src": net.location_slot(src, tags, "src"), "dst": net.location_slot(dst, tags, "dst")}
    return Instance(slots, [call], facts, [["get_lanes"]], tags)


def build_why(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: Why a SKU-location is flagged: its type and the recommended quantity."""
    items = net.bench.call("list_exceptions", top=100)["items"]
    pairs: dict[tuple[str, str], int] = {}
    for it in items:
        pairs[(it["sku"], it["location"])] = pairs.get((it["sku"], it["location"]), 0) + 1
    unique = [it for it in items if pairs[(it["sku"], it["location"])] == 1]
    exc = rng.choice(unique)
    tags = [f"type:{exc['type']}"]
    call, out = net.call("explain_exception", exception_id=exc["id"])
    facts = [
        net.sku_fact(exc["sku"]),
        net.loc_fact(exc["location"]),
        list(ph.TYPE_FACTS[exc["type"]]),
    ]
    qty = out["recommendation"].get("qty") or 0
    if qty > 0:
        facts.append(num(qty))
    slots = {
        "sku": net.form("sku", exc["sku"], tags, "sku"),
        "loc": net.location_slot(exc["location"], tags),
    }
    trajectories = [["explain_exception"], ["list_exceptions", "explain_exception"]]
    return Instance(slots, [call], facts, trajectories, tags)


def _changed(out: dict[str, Any]) -> Fact:
    change = out["change"]
    return num(change["unmet_units_horizon"]) + num(change["lost_margin_horizon"])


def build_whatif_delay(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A supplier delay what-if: the open POs it delays."""
    tags: list[str] = []
    sup = rng.choice(net.suppliers)
    days = rng.choice((3, 5, 7, 10, 14, 21))
    call, out = net.call("run_what_if", supplier_id=sup, supplier_delay_days=days)
    lines = out.get("delayed_purchase_order_lines") or []
    if not lines:
        raise Skip
    k = len(lines)
    facts = [
        net.sup_fact(sup),
        [x["po_id"] for x in lines] + [f"{k} open PO", f"{k} PO", f"{k} purchase order"],
    ]
    slots = {"supplier": net.form("supplier", sup, tags, "supplier"), "days": str(days)}
    return Instance(slots, [call], facts, [["run_what_if"]], tags)


def _pct_text(p: int, rng: random.Random) -> str:
    return rng.choice((f"{p}%", f"{p} %", f"{p} percent", f"{p}%"))


def build_whatif_demand(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A demand change at a SKU-location, location, category or network."""
    tags: list[str] = []
    direction, scope = variant.split("_", 1)
    p = rng.choice((10, 15, 20, 25, 30, 40, 50))
    factor = round(1 + p / 100 if direction == "up" else 1 - p / 100, 2)
    slots: dict[str, str] = {"pct": _pct_text(p, rng)}
    args: dict[str, Any] = {"demand_factor": factor}
    facts: list[Fact] = []
    if scope == "skuloc":
        sku, loc = rng.choice(net.skus), rng.choice(net.stores)
        args.update(sku=sku, location=loc)
        slots["sku"] = net.form("sku", sku, tags, "sku")
        slots["loc"] = net.location_slot(loc, tags)
        facts += [net.sku_fact(sku), net.loc_fact(loc)]
    elif scope == "location":
        loc = rng.choice(net.stores + net.dcs)
        args["location"] = loc
        slots["loc"] = net.location_slot(loc, tags)
        facts.append(net.loc_fact(loc))
    elif scope == "category":
        cat = rng.choice(net.categories)
        args["category"] = cat
        slots["category"] = net.form("category", cat, tags, "category")
        facts.append([cat])
    call, out = net.call("run_what_if", **args)
    if "error" in out or not out["change"].get("anything_changed"):
        raise Skip
    facts.append(_changed(out))
    return Instance(slots, [call], facts, [["run_what_if"]], tags)


UPLIFTS = (
    (1.5, "a 50% lift"),
    (1.5, "x1.5"),
    (1.8, "1.8x uplift"),
    (2.0, "double demand"),
    (1.3, "a 30% uplift"),
    (2.2, "uplift 2.2"),
    (1.6, "+60% demand"),
)


def _day_text(day: Any, style: str) -> tuple[str, str]:
    """Return a day as the tool takes it (ISO) and as the request writes it (ISO or 'Aug 20')."""
    iso = day.isoformat()
    return iso, iso if style == "iso" else f"{day:%b} {day.day}"


def build_whatif_promo(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: A hypothetical promotion at a SKU-location with dates and an uplift."""
    tags: list[str] = []
    sku, loc = rng.choice(net.skus), rng.choice(net.stores)
    start = net.as_of + timedelta(days=rng.randint(3, 20))
    end = start + timedelta(days=rng.randint(3, 13))
    uplift, uplift_text = rng.choice(UPLIFTS)
    style = rng.choice(("iso", "month_day"))
    start_iso, start_text = _day_text(start, style)
    end_iso, end_text = _day_text(end, style)
    tags.append(f"date:{style}")
    call, out = net.call(
        "run_what_if",
        sku=sku,
        location=loc,
        promo_start=start_iso,
        promo_end=end_iso,
        promo_uplift=uplift,
    )
    if "error" in out or not out["change"].get("anything_changed"):
        raise Skip
    facts = [net.sku_fact(sku), net.loc_fact(loc), _changed(out)]
    slots = {
        "sku": net.form("sku", sku, tags, "sku"),
        "loc": net.location_slot(loc, tags),
        "start": start_text,
        "end": end_text,
        "uplift": uplift_text,
    }
    return Instance(slots, [call], facts, [["run_what_if"]], tags)


def build_proposals(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: This thread's proposals (a fresh thread has none)."""
    call, _ = net.call("list_proposals")
    facts = [["none", "nothing", "no proposal", "no draft", "no pending", "0"]]
    return Instance({}, [call], facts, [["list_proposals"]], [])


def _routine(net: Network, kind: str) -> list[dict[str, Any]]:
    items = net.bench.call("get_routine_orders", top=100)["items"]
    return [i for i in items if i["kind"] == kind]


def _stated(qty: int, rng: random.Random) -> list[int]:
    """Return quantities a planner might state for a need of `qty`, most likely first."""
    out = [qty, qty // 10 * 10, qty // 5 * 5, qty // 2, qty + 10]
    rng.shuffle(out)
    return [q for q in dict.fromkeys(out) if q > 0]


def _move(args: dict[str, Any], qty: int) -> TransferAction:
    return TransferAction(
        sku=args["sku"],
        from_location=args["from_location"],
        to_location=args["to_location"],
        qty=qty,
    )


def build_transfer(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: a transfer drafted with the planner's quantity, or with the engine's."""
    line = rng.choice(_routine(net, "transfer"))
    sku, src, dst = line["sku"], line["from_location"], line["location"]
    tags: list[str] = []
    slots = {
        "sku": net.form("sku", sku, tags, "sku"),
        "src": net.location_slot(src, tags, "src"),
        "dst": net.location_slot(dst, tags, "dst"),
    }
    proposal: dict[str, Any] = {
        "kind": "transfer",
        "sku": sku,
        "from_location": src,
        "to_location": dst,
    }
    args = {"sku": sku, "from_location": src, "to_location": dst}
    if variant == "transfer_qty":
        qty = next(
            (q for q in _stated(int(line["qty"]), rng) if accepted(net.bench, _move(args, q))),
            None,
        )
        if qty is None:
            raise Skip
        slots["qty"] = str(qty)
        proposal["qty"] = qty
        calls = [{"name": "draft_transfer", "args": {**args, "qty": qty}}]
        facts = [net.sku_fact(sku), num(qty)]
        return Instance(slots, calls, facts, [["draft_transfer"]], tags, proposal=proposal)
    look, page = net.call("get_routine_orders", sku=sku, location=dst)
    mine = [i for i in page["items"] if i["kind"] == "transfer" and i["from_location"] == src]
    if not mine:
        raise Skip
    qty = int(mine[0]["qty"])
    if not accepted(
        net.bench, TransferAction(sku=sku, from_location=src, to_location=dst, qty=qty)
    ):
        raise Skip
    calls = [look, {"name": "draft_transfer", "args": {**args, "qty": qty}}]
    trajectories = [["draft_transfer"], ["draft_recommended_action"]]
    inst = Instance(slots, calls, [net.sku_fact(sku)], trajectories, tags, proposal=proposal)
    inst.match = "superset"
    return inst


def build_purchase_order(net: Network, variant: str, rng: random.Random) -> Instance:
    """Build: a purchase order drafted with the planner's quantity, or with the engine's."""
    line = rng.choice(_routine(net, "purchase_order"))
    sku, loc, sup = line["sku"], line["location"], line["supplier_id"]
    tags: list[str] = []
    slots = {
        "sku": net.form("sku", sku, tags, "sku"),
        "loc": net.location_slot(loc, tags),
        "supplier": net.form("supplier", sup, tags, "supplier"),
    }
    proposal: dict[str, Any] = {
        "kind": "purchase_order",
        "sku": sku,
        "location_id": loc,
        "supplier_id": sup,
    }
    args = {"sku": sku, "location_id": loc, "supplier_id": sup}

    def ok(q: int) -> bool:
        return accepted(
            net.bench, PurchaseOrderAction(supplier_id=sup, sku=sku, location_id=loc, qty=q)
        )

    if variant == "po_qty":
        qty = next((q for q in _stated(int(line["qty"]), rng) if ok(q)), None)
        if qty is None:
            raise Skip
        slots["qty"] = str(qty)
        proposal["qty"] = qty
        calls = [{"name": "draft_purchase_order", "args": {**args, "qty": qty}}]
        facts = [net.sku_fact(sku), num(qty)]
        return Instance(slots, calls, facts, [["draft_purchase_order"]], tags, proposal=proposal)
    look, page = net.call("get_routine_orders", sku=sku, location=loc, supplier_id=sup)
    mine = [i for i in page["items"] if i["kind"] == "purchase_order" and i["location"] == loc]
    if not mine or not ok(int(mine[0]["qty"])):
        raise Skip
    calls = [look, {"name": "draft_purchase_order", "args": {**args, "qty": int(mine[0]["qty"])}}]
    trajectories = [["draft_purchase_order"], ["draft_recommended_action"]]
    inst = Instance(slots, calls, [net.sku_fact(sku)], trajectories, tags, proposal=proposal)
    inst.match = "superset"
    return inst


CLASSES: dict[str, tuple[ph.Templates, Builder]] = {
    "stock": (ph.STOCK_PAIR, build_stock_pair),
    "stock_where": (ph.STOCK_WHERE, build_stock_where),
    "cover": (ph.COVER, build_cover),
    "network": (ph.NETWORK, build_network),
    "exceptions": (ph.EXC_OVERVIEW, build_exc_overview),
    "exceptions_type": (ph.EXC_TYPE, build_exc_type),
    "exceptions_scope": (ph.EXC_SCOPE, build_exc_scope),
    "exceptions_top": (ph.EXC_TOP, build_exc_top),
    "totals": (ph.TOTALS, build_totals),
    "open_supply": (ph.OPEN_SUPPLY, build_open_supply),
    "forecast": (ph.FORECAST, build_forecast),
    "supplier": (ph.SUPPLIER, build_supplier),
    "supplier_orders": (ph.SUPPLIER_ORDERS, build_supplier_orders),
    "item": (ph.ITEM, build_item),
    "lanes": (ph.LANES, build_lanes),
    "why": (ph.WHY, build_why),
    "what_if_delay": (ph.WHATIF_DELAY, build_whatif_delay),
    "what_if_demand": (ph.WHATIF_DEMAND, build_whatif_demand),
    "what_if_promo": (ph.WHATIF_PROMO, build_whatif_promo),
    "proposals": (ph.PROPOSALS, build_proposals),
    "draft_transfer_qty": (ph.TRANSFER_QTY, build_transfer),
    "draft_transfer_engine": (ph.TRANSFER_ENGINE, build_transfer),
    "draft_po_qty": (ph.PO_QTY, build_purchase_order),
    "draft_po_engine": (ph.PO_ENGINE, build_purchase_order),
}
"""Request class -> (its templates, the builder that draws entities and computes facts)."""


# -- noise and assembly ----------------------------------------------------------------------


def noisy(template: str, rng: random.Random, write: bool = False) -> tuple[str, list[str]]:
    """Return the template with everyday noise drawn at random, and the noise tags.

    A write (`write`) gets a lead-in that does not turn it into a question.
    """
    tags: list[str] = []
    text = template
    if rng.random() < NOISE["typo"]:
        slipped = fm.with_typo(text, rng)
        if slipped is not None:
            text, tags = slipped, [*tags, "typo"]
    if rng.random() < NOISE["no_punct"]:
        stripped = fm.without_punctuation(text)
        if stripped != text:
            text, tags = stripped, [*tags, "no_punct"]
    if rng.random() < NOISE["lead_in"]:
        lead_ins = fm.WRITE_LEAD_INS if write else fm.LEAD_INS
        text, tags = rng.choice(lead_ins) + text, [*tags, "lead_in"]
    if rng.random() < NOISE["polite"]:
        text, tags = text.rstrip() + rng.choice(fm.POLITE), [*tags, "polite"]
    return text, tags


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill a template's slots; KeyError when a slot has no value."""
    return template.format(**slots)


def turn_dict(request: str, inst: Instance) -> dict[str, Any]:
    """Return one planner turn's request and expectations (a case's, or a conversation turn's)."""
    trajectories = inst.trajectories or [[c["name"] for c in inst.calls]]
    out: dict[str, Any] = {
        "request": request,
        "user": "alice",
        "expected_trajectory": trajectories if len(trajectories) > 1 else trajectories[0],
        "match": inst.match,
        "expected_facts": [f if len(f) > 1 else f[0] for f in inst.facts],
        "expected_proposal": inst.proposal,
        "adversarial": False,
        "expect_no_proposal": inst.proposal is None,
        "reference_calls": inst.calls,
    }
    return out


def case_dict(
    cid: str, request: str, inst: Instance, cls: str, variant: str, noise: Sequence[str]
) -> dict[str, Any]:
    """Return one case in the agent dataset's format (`evals.agent_eval.Case`)."""
    out = {"id": cid, **turn_dict(request, inst)}
    kind = "draft" if inst.proposal else "read_only"
    out["tags"] = ["grammar", kind, f"class:{cls}", f"variant:{variant}", *inst.tags, *noise]
    out["reference_calls"] = out.pop("reference_calls")
    if inst.expect_citation:
        out["expect_citation"] = True
    return out


def _policy_cases(net: Network, rng: random.Random, seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for number, (topic, question, figure) in enumerate(ph.POLICY, start=1):
        request, noise = noisy(question, rng)
        call, result = net.call("search_policies", query=request)
        passages = json.dumps(result.get("passages", []), ensure_ascii=False).lower()
        facts = [[figure]] if figure.lower() in passages else []
        inst = Instance({}, [call], facts, [["search_policies"]], [f"topic:{topic}"], True)
        if not facts:
            inst.tags.append("fact:none_found")
        seen.add(request.lower())
        out.append(case_dict(f"policy-{number:03d}", request, inst, "policy", topic, noise))
    return out


def _first(
    net: Network,
    rng: random.Random,
    seen: set[str],
    templates: ph.Templates,
    builder: Builder,
    variant: str | None = None,
) -> tuple[str, Instance, str]:
    """Draw a first turn from a class's templates (of one variant), not asked before."""
    pool = [t for t in templates if variant is None or t[0] == variant]
    for _ in range(60):
        v, template = rng.choice(pool)
        try:
            inst = builder(net, v, rng)
        except Skip:
            continue
        text, _ = noisy(template, rng, write=inst.proposal is not None)
        request = fill(text, inst.slots)
        if request.lower() not in seen:
            seen.add(request.lower())
            return request, inst, v
    raise RuntimeError(f"no first turn for {variant or 'any'} of {builder.__name__}")


def _sku_loc(inst: Instance) -> tuple[str, str]:
    args = inst.calls[0]["args"]
    return str(args["sku"]), str(args.get("location") or args.get("to_location"))


def _follow_up(net: Network, pattern: str, phrase: str, rng: random.Random, seen: set[str]) -> dict:
    """Return a two-turn conversation whose second turn is `phrase` (a follow-up)."""
    tags: list[str] = []
    if pattern == "same_for_store":
        first, inst, _ = _first(net, rng, seen, ph.STOCK_PAIR, build_stock_pair)
        sku, loc = _sku_loc(inst)
        stocked = [
            s
            for s in net.stores
            if s != loc and isinstance(net.bench.call("get_inventory", sku=sku, location=s), list)
        ]
        other = rng.choice(stocked)
        call, rows = net.call("get_inventory", sku=sku, location=other)
        second = Instance(
            {"loc": net.location_slot(other, tags)},
            [call],
            [net.loc_fact(other), num(rows[0]["on_hand"])],
            [["get_inventory"], ["get_network_position"]],
        )
    elif pattern == "other_dc":
        for _ in range(60):
            first, inst, _ = _first(net, rng, seen, ph.STOCK_PAIR, build_stock_pair)
            sku, loc = _sku_loc(inst)
            if loc in net.dcs:
                break
            seen.discard(first.lower())
        other = next(d for d in net.dcs if d != loc)
        call, rows = net.call("get_inventory", sku=sku, location=other)
        second = Instance(
            {},
            [call],
            [net.loc_fact(other), num(rows[0]["on_hand"])],
            [["get_inventory"], ["get_network_position"]],
        )
    elif pattern == "second_one":
        first, inst, _ = _first(net, rng, seen, ph.EXC_TOP, build_exc_top)
        page = net.bench.call(inst.calls[0]["name"], **inst.calls[0]["args"])
        listed = page["items"][1]
        call, _ = net.call("explain_exception", exception_id=listed["id"])
        second = Instance({}, [call], [net.sku_fact(listed["sku"])], [])
    elif pattern == "make_it":
        variant = rng.choice(("transfer_qty", "po_qty"))
        templates = ph.TRANSFER_QTY if variant == "transfer_qty" else ph.PO_QTY
        builder = build_transfer if variant == "transfer_qty" else build_purchase_order
        for _ in range(60):
            first, inst, _ = _first(net, rng, seen, templates, builder)
            assert inst.proposal is not None
            q = int(inst.proposal["qty"])
            action: TransferAction | PurchaseOrderAction
            args = inst.calls[0]["args"]
            options = [
                n for n in (q + 10, q - 10, q * 2, max(1, q // 2), 40, 25) if n > 0 and n != q
            ]
            qty = None
            for n in options:
                action = (
                    TransferAction(**{**args, "qty": n})
                    if variant == "transfer_qty"
                    else PurchaseOrderAction(**{**args, "qty": n})
                )
                if accepted(net.bench, action):
                    qty = n
                    break
            if qty is not None:
                break
            seen.discard(first.lower())
        else:
            raise RuntimeError("no amendable draft")
        call = {"name": "amend_proposal", "args": {"proposal_id": "$proposal", "qty": qty}}
        kind = "draft_transfer" if variant == "transfer_qty" else "draft_purchase_order"
        second = Instance(
            {"qty": str(qty)},
            [call],
            [num(qty)],
            [["amend_proposal"], ["withdraw_proposal", kind]],
            proposal={**inst.proposal, "qty": qty},
        )
    elif pattern == "other_supplier":
        first, inst, _ = _first(net, rng, seen, ph.SUPPLIER, build_supplier, "lead")
        sup = inst.calls[0]["args"]["supplier_id"]
        other = rng.choice([s for s in net.suppliers if s != sup])
        call, rows = net.call("get_supplier_status", supplier_id=other)
        second = Instance(
            {"supplier": net.form("supplier", other, tags, "supplier")},
            [call],
            [net.sup_fact(other), [str(rows[0]["lead_time_days"])]],
            [["get_supplier_status"], ["get_supplier_overview"]],
        )
    else:  # same_at_dc
        for _ in range(60):
            first, inst, _ = _first(net, rng, seen, ph.FORECAST, build_forecast, "default")
            sku, loc = _sku_loc(inst)
            if loc in net.stores:
                break
            seen.discard(first.lower())
        dc = str(net.bench.data.locations.set_index("location_id").loc[loc, "source_location"])
        call, _ = net.call("get_forecast", sku=sku, location=dc)
        second = Instance({}, [call], [net.loc_fact(dc)], [["get_forecast"]])
    request = fill(phrase, second.slots)
    one = turn_dict(first, inst)
    two = turn_dict(request, second)
    if pattern == "second_one":
        two.update(expected_trajectory=None, match="any_tool", expect_listed=2)
    if pattern == "make_it":
        two["pending_after"] = 1
    return {"turns": [one, two], "tags": tags}


FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "same_for_store": ph.SAME_FOR_STORE,
    "other_dc": ph.OTHER_DC,
    "second_one": ph.SECOND_ONE,
    "make_it": ph.MAKE_IT,
    "other_supplier": ph.OTHER_SUPPLIER,
    "same_at_dc": ph.SAME_AT_DC,
}
"""Follow-up patterns and their second-turn phrasings (each phrasing makes one conversation)."""


def _conversations(net: Network, rng: random.Random, seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for pattern, phrases in FOLLOW_UPS.items():
        for number, phrase in enumerate(phrases, start=1):
            conv = _follow_up(net, pattern, phrase, rng, seen)
            tags = ["grammar", "follow_up", "class:follow_up", f"variant:{pattern}", *conv["tags"]]
            out.append(
                {"id": f"follow_up-{pattern}-{number:03d}", "tags": tags, "turns": conv["turns"]}
            )
    return out


def generate(seed: int = SEED, bench: Bench | None = None) -> list[dict[str, Any]]:
    """Return the dataset's cases: every template of every class once, then policy questions."""
    own = bench is None
    bench = bench or Bench()
    try:
        rng = random.Random(seed)
        net = Network(bench, rng)
        cases: list[dict[str, Any]] = []
        seen: set[str] = set()
        for cls, (templates, builder) in CLASSES.items():
            for number, (variant, template) in enumerate(templates, start=1):
                for _ in range(40):
                    try:
                        inst = builder(net, variant, rng)
                    except Skip:
                        continue
                    text, noise = noisy(template, rng, write=inst.proposal is not None)
                    request = fill(text, inst.slots)
                    if request.lower() in seen:
                        continue
                    seen.add(request.lower())
                    cases.append(
                        case_dict(f"{cls}-{number:03d}", request, inst, cls, variant, noise)
                    )
                    break
                else:
                    raise RuntimeError(f"no entities suit {cls} template {template!r}")
        cases += _policy_cases(net, rng, seen)
        cases += _conversations(net, rng, seen)
        return cases
    finally:
        if own:
            bench.close()


def meta(cases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return the dataset's metadata: the network, the fields and the changelog."""
    classes = sorted(
        {t.split(":", 1)[1] for c in cases for t in c["tags"] if t.startswith("class:")}
    )
    return {
        "name": "agent_grammar",
        "version": VERSION,
        "description": (
            "Development requests generated from a grammar of planner phrasings "
            "(evals/grammar): every read-only question class in many structures, entity forms "
            "and everyday noise, with expected facts taken from the reference tools' results."
        ),
        "dataset": "agent_grammar.jsonl",
        "network": dict(NETWORK),
        "isolate_drafts": True,
        "default_user": "alice",
        "generated_by": "python -m evals.grammar.generate --out evals/datasets/agent_grammar.jsonl",
        "seed": SEED,
        "written_by": "StockPilot evaluation data (evals/grammar), not the offline model's authors",
        "written_from": (
            "the tools' public surface (tools/planner.py descriptions), the grader's format "
            "(evals/agent_eval.py), the knowledge corpus and the demo network; phrasings written "
            "independently of the offline model's parsing"
        ),
        "classes": classes,
        "fields": {
            "reference_calls": (
                "the tool calls (name, args) that answer the request; the facts come from their "
                "results, and `python -m evals.grammar.validate` replays them through the grader"
            ),
            "expected_facts": "strings the answer must contain (a list: any one of them)",
            "tags": (
                "grammar, class:<class>, variant:<reading>, form:<slot>:<form>, typo, no_punct, "
                "lead_in, polite"
            ),
        },
        "counts": {"cases": len(cases), "turns": sum(len(c.get("turns") or [c]) for c in cases)},
        "changelog": [
            {
                "version": "1.0.0",
                "date": "2026-12-06",
                "change": "first version: 550 single-turn read-only requests, every template of "
                "20 classes once and 27 policy questions, generated with seed 20261206",
            },
            {
                "version": "1.1.0",
                "date": "2026-12-06",
                "change": "drafting in everyday words (transfers and purchase orders, with the "
                "planner's quantity or the engine's: 4 classes of 25 templates, each drafted from "
                "a line of the planning engine's order list and accepted by the draft checks), 30 "
                "two-turn follow-ups (same for another store, the other DC, the second one of a "
                "list, 'make it N' after a draft, another supplier, the same forecast at the "
                "store's DC); 'network days of cover' asks for the network cover, not its on "
                "hand; 680 cases, 710 turns",
            },
        ],
    }


def write(cases: Sequence[dict[str, Any]], out: Path) -> None:
    """Write the dataset and its `.meta.json` beside it."""
    out.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
    )
    meta_file = out.with_name(out.stem + ".meta.json")
    meta_file.write_text(
        json.dumps(meta(cases), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the dataset from the command line."""
    parser = argparse.ArgumentParser(prog="python -m evals.grammar.generate", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    cases = generate(args.seed)
    write(cases, args.out)
    print(f"{len(cases)} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
