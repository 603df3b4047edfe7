"""Replenishment policies for the digital twin: StockPilot, three baselines and an oracle.

Every policy has `start(world, connector)`, `decide(day, view) -> list[Order]` and `finish()`;
`view` (`evals.simulate.View`) shows the past and the current state only. The runner writes the
returned actions through the simulator connector; StockPilot on the graph path writes them
itself, through the copilot graph's approval gate and commit node, and returns none.

- `stockpilot`: on each review day, plan the snapshot (`planning.engine.plan`) and place its
  order list (`planning.replenish.plan_orders`: routine orders added to the exceptions' transfer
  and purchase-order recommendations, an exception's action winning for its SKU-location);
  between reviews, on the day a DC receives stock, forward it to its stores that would run
  short before the next review's shipment lands (`planning.replenish.receipt_transfers`).
- `po_only`: the same, but stores never receive transfers: the plan sees every location buying
  from its suppliers (no source DC, no lanes).
- `min_max`: (s, S) = (reorder point, order-up-to) per SKU-location computed once from the
  history at the start; each review day a location below s orders up to S (stores from their DC,
  as far as the DC's on hand goes; DCs from the primary supplier, MOQ and case pack respected).
- `naive_cover`: order when the position covers fewer than X = 14 days of the trailing 28-day
  mean sales, up to Y = 28 days (DC: the sum of its stores' means).
- `oracle_base_stock`: per SKU-location, the best stationary order-up-to level S chosen in
  hindsight on the realised demand (same lead-time draws, same review days). It is a lower bound
  on that policy class only — not on all policies (MOQ, case packs and DC shortages at the stores
  are relaxed; a policy using forecasts of non-stationary demand can beat it).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.scripted import ScriptedChatModel
from evals.simulate import (
    SimConfig,
    SimulatorConnector,
    View,
    World,
    echelon_cover,
    end_stock_credit,
    extend_world,
    going_concern_tail_days,
    servable_fill,
    unservable_units,
)
from planning.engine import Plan, plan
from planning.network import NetworkData
from planning.params import PlanParams
from planning.policy import round_up_to_pack
from planning.replenish import plan_orders, receipt_transfers
from stockpilot.actions import Action, PurchaseOrderAction, TransferAction
from stockpilot.vocabulary import GATE_NAME, ActionKind, Decision

NAIVE_REORDER_DAYS = 14
NAIVE_UP_TO_DAYS = 28
ORACLE_BLOCK = 1000  # SKU-locations the oracle searches at once (bounds its memory)
CHUNK = 12  # drafts per copilot turn (the graph's recursion limit is 40 steps)
DRAFTER, APPROVER = "alice", "carol"


@dataclass(frozen=True)
class Order:
    """One order a policy places: the typed action, and the exception it answers (or why).

    The action's own fields read through (`order.qty`, `order.supplier_id` of a PO, ...);
    `location` is where the stock arrives.
    """

    action: Action
    exception_id: str = ""
    reason: str = ""
    part: int = 0  # a split's further action (1, 2, ...): drafted with the exception's first

    @property
    def location(self) -> str:
        """Return where the stock arrives (a transfer's destination, a PO's location)."""
        return self.action.destination

    def __getattr__(self, name: str) -> Any:
        return getattr(self.action, name)


def _action(kind: str, sku: str, to: str, qty: int, *, source: str, supplier_id: str) -> Action:
    """Build the typed action of a plan row: a transfer from `source`, else a PO."""
    if kind == ActionKind.TRANSFER:
        return TransferAction(sku=sku, from_location=source, to_location=to, qty=qty)
    return PurchaseOrderAction(supplier_id=supplier_id, sku=sku, location_id=to, qty=qty)


class Policy(Protocol):
    """A replenishment policy the twin can run."""

    name: str

    def start(self, world: World, connector: SimulatorConnector) -> None:
        """Prepare for a run."""
        ...

    def decide(self, day: int, view: View) -> list[Order]:
        """Return today's orders (or write them through the connector and return none)."""
        ...

    def finish(self) -> None:
        """Release what the run held."""
        ...


# --- StockPilot -----------------------------------------------------------------------------


def _without_sources(data: NetworkData) -> NetworkData:
    """Return the network with no source DCs and no lanes: every location buys directly."""
    return replace(
        data,
        locations=data.locations.assign(source_location=""),
        lanes=data.lanes.iloc[:0],
        transfers=data.transfers.iloc[:0],
    )


def plan_actions(result: Plan, data: NetworkData, *, transfers: bool = True) -> list[Order]:
    """Return the exceptions' recommended orders plus routine orders, one per SKU-location.

    The plan's order list (`planning.replenish.plan_orders`: an exception's action wins for its
    SKU-location; routine transfers are cut to what the DC can still ship) as typed orders.
    """
    return [
        Order(
            _action(
                o.kind,
                o.sku,
                o.location_id,
                int(o.qty),
                source=o.from_location,
                supplier_id=o.supplier_id,
            ),
            exception_id=o.exception_id,
            reason=o.exception_type or "routine replenishment",
            part=int(o.part),
        )
        for o in plan_orders(result, data, transfers=transfers).itertuples()
    ]


class _Script:
    """The scripted planner: one queued draft per turn, then plain answers."""

    def __init__(self) -> None:
        self.queue: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def call(self, name: str, **args: Any) -> dict[str, Any]:
        return {"name": name, "args": args, "id": f"sim-{next(self._ids)}", "type": "tool_call"}

    def __call__(self, messages: Sequence[BaseMessage]) -> AIMessage | str:
        last = messages[-1]
        if isinstance(last, HumanMessage) and last.name == GATE_NAME:
            return "Done."
        if self.queue:
            return AIMessage("", tool_calls=[self.queue.pop(0)])
        return "Drafted; waiting for approval."


def sim_params(config: SimConfig, history_days: int | None = None) -> PlanParams:
    """Return the engine parameters of a simulation: its review period and service levels."""
    return PlanParams(
        history_days=config.history_days if history_days is None else history_days,
        review_period_days=config.review_period_days,
        service_level=config.service_level,
        service_levels=config.service_levels,
        abc_thresholds=config.abc_thresholds,
        holding_rate_per_year=config.holding_rate_per_year,
        purchase_order_line_cost=config.order_cost,
        transfer_line_cost=config.transfer_fixed_cost,
        markdown_rate_per_year=config.markdown_rate_per_year,
    )


class GraphPath:
    """Drive actions through the production path: store, tools, approval gate, commit."""

    def __init__(self, config: SimConfig, connector: SimulatorConnector, folder: Path):
        """Open a temporary store and a copilot whose commits write into `connector`."""
        from langgraph.checkpoint.memory import InMemorySaver

        from graph.service import Copilot
        from stockpilot.settings import Settings
        from tools.workspace import Workspace

        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{folder / 'store.db'}",
            plan_cache_dir=None,
            checkpoint_url=f"sqlite:///{folder / 'checkpoints.db'}",
            history_days=max(config.history_days, 56),
            review_period_days=config.review_period_days,
            service_level=config.service_level,
        )
        params = sim_params(config, history_days=settings.history_days)
        self.workspace = Workspace.open(settings, connector=connector, params=params)
        self.script = _Script()
        self.copilot = Copilot(
            self.workspace,
            checkpointer=InMemorySaver(),
            model=ScriptedChatModel(respond=self.script),
        )
        self.stats = {
            "drafted": 0,
            "draft_refused": 0,
            "committed": 0,
            "gate_refused": 0,
            "commit_failed": 0,
        }

    def _call(self, order: Order) -> dict[str, Any]:
        if order.exception_id:
            return self.script.call("draft_recommended_action", exception_id=order.exception_id)
        match order.action:
            case TransferAction() as a:
                return self.script.call(
                    "draft_transfer",
                    sku=a.sku,
                    from_location=a.from_location,
                    to_location=a.to_location,
                    qty=a.qty,
                    reason=order.reason,
                )
            case PurchaseOrderAction() as a:
                return self.script.call(
                    "draft_purchase_order",
                    sku=a.sku,
                    location_id=a.location_id,
                    supplier_id=a.supplier_id,
                    qty=a.qty,
                    reason=order.reason,
                )

    def run(self, day: int, data: NetworkData, actions: list[Order]) -> None:
        """Load today's snapshot, draft every action, approve them at the gate, commit."""
        from erp.store import replace_snapshot

        replace_snapshot(self.workspace.engine, data, source=f"simulation:day={day}")
        # A split's further actions are drafted by draft_recommended_action with its first.
        parts: dict[str, int] = {}
        for a in actions:
            if a.part:
                parts[a.exception_id] = parts.get(a.exception_id, 0) + 1
        actions = [a for a in actions if a.part == 0]
        for k in range(0, len(actions), CHUNK):
            chunk = actions[k : k + CHUNK]
            self.script.queue = [self._call(a) for a in chunk]
            thread = f"sim-d{day:03d}-{k // CHUNK:03d}"
            turn = self.copilot.ask(
                f"Draft the {len(chunk)} orders of the day-{day} review.",
                user=DRAFTER,
                thread_id=thread,
            )
            wanted = sum(1 + parts.get(a.exception_id, 0) if a.exception_id else 1 for a in chunk)
            self.stats["drafted"] += len(turn.pending)
            self.stats["draft_refused"] += wanted - len(turn.pending)
            if not turn.pending:
                continue
            done = self.copilot.decide(thread, user=APPROVER, decision=Decision.APPROVE)
            for o in done.outcomes:
                key = {"committed": "committed", "refused": "gate_refused"}.get(
                    str(o.get("outcome")), "commit_failed"
                )
                self.stats[key] += 1


class StockPilotPolicy:
    """Plan the snapshot each review day and order what the plan says (see module doc)."""

    def __init__(
        self, config: SimConfig, *, name: str = "stockpilot", transfers: bool = True
    ) -> None:
        """Use the engine with the simulation's review period and service level."""
        self.name = name
        self.config = config
        self.transfers = transfers
        self.graph_path = config.graph_path and transfers
        self.params = sim_params(config)
        self.graph: GraphPath | None = None
        self._folder: Path | None = None
        self.stats: dict[str, Any] = {}
        self.last_plan: Plan | None = None
        self._lanes = pd.DataFrame(columns=["from_location", "to_location", "lead_time_days"])

    def start(self, world: World, connector: SimulatorConnector) -> None:
        """Open the production path (temporary store and copilot) when asked to."""
        if self.graph_path:
            self._folder = Path(tempfile.mkdtemp(prefix="stockpilot-sim-"))
            self.graph = GraphPath(self.config, connector, self._folder)
            self.stats = self.graph.stats

    def decide(self, day: int, view: View) -> list[Order]:
        """Plan today's snapshot; return its actions, or write them through the graph."""
        data = view.snapshot()
        if not self.transfers:
            data = _without_sources(data)
        self.last_plan = plan(data, params=self.params)
        self._lanes = data.lanes
        actions = plan_actions(self.last_plan, data, transfers=self.transfers)
        if self.graph is None:
            return actions
        self.graph.run(day, data, actions)
        return []

    def on_receipt(self, day: int, view: View) -> list[Order]:
        """Forward what a DC received today to stores that would run short before the review.

        `planning.replenish.receipt_transfers` with the last plan's levels and today's stock:
        the stores that would run short before the next review's shipment lands get it now.
        On the production path the transfers are written through the graph.
        """
        if self.last_plan is None or not self.transfers:
            return []
        received = view.received
        if not received[view.is_dc].any():
            return []
        pos = self.last_plan.positions
        idx = np.array(
            [view.rows.get(k, -1) for k in zip(pos["sku"], pos["location_id"], strict=True)]
        )
        pos = pos[idx >= 0]
        idx = idx[idx >= 0]
        state = pos.assign(
            on_hand=view.on_hand[idx], position=view.position[idx], received=received[idx]
        )
        r = self.config.review_period_days
        orders = receipt_transfers(state, self._lanes, r - day % r, self.config.transfer_fixed_cost)
        actions = [
            Order(
                _action(
                    o.kind, o.sku, o.location_id, int(o.qty), source=o.from_location, supplier_id=""
                ),
                reason="receipt forwarding",
            )
            for o in orders.itertuples()
        ]
        if self.graph is None or not actions:
            return actions
        self.graph.run(day, view.snapshot(), actions)
        return []

    def finish(self) -> None:
        """Keep the stats; drop the temporary store unless a caller still reads it."""
        if self.graph is not None:
            self.stats = dict(self.graph.stats)

    def cleanup(self) -> None:
        """Delete the temporary store."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


# --- baselines ------------------------------------------------------------------------------


def _route(view: View, need_of: Callable[[np.ndarray], np.ndarray]) -> list[Order]:
    """Return orders for `need_of(position)` units per row: stores from their DC, others buy.

    A store ships what its DC holds (no PO fallback); a DC's need is computed again on its
    position after what it ships now.
    """
    acts: list[Order] = []
    dc_left = view.on_hand
    pos = view.position
    need = need_of(pos)
    shipped = np.zeros(view.n)
    fed = (view.source_row >= 0) & ~view.is_dc
    for r in np.flatnonzero((need >= 1) & fed):
        src = int(view.source_row[r])
        qty = int(min(need[r], np.floor(dc_left[src])))
        if qty < 1:
            continue
        dc_left[src] -= qty
        shipped[src] += qty
        transfer = TransferAction(view.sku[r], view.location[src], view.location[r], qty)
        acts.append(Order(transfer))
    dc_need = np.where(fed, 0.0, need_of(pos - shipped))
    for r in np.flatnonzero(dc_need >= 1):
        qty = int(round_up_to_pack(dc_need[r], view.case_pack[r], view.supplier_moq[r]))
        acts.append(
            Order(PurchaseOrderAction(view.supplier_id[r], view.sku[r], view.location[r], qty))
        )
    return acts


class MinMaxPolicy:
    """Static (s, S) from the history at the start; order up to S below s on review days."""

    name = "min_max"

    def __init__(self, config: SimConfig, scale: float = 1.0):
        """Use the engine's levels once (times `scale`), with the simulation's review period."""
        self.params = sim_params(config)
        self.scale = float(scale)
        self.s: np.ndarray | None = None
        self.big_s: np.ndarray | None = None

    def start(self, world: World, connector: SimulatorConnector) -> None:
        """Forget the levels of an earlier run."""
        self.s = self.big_s = None

    def levels(self, view: View) -> tuple[np.ndarray, np.ndarray]:
        """Return (s, S) per row, computed on the first call."""
        if self.s is None or self.big_s is None:
            p = plan(view.snapshot(), params=self.params)
            idx = pd.MultiIndex.from_frame(p.positions[["sku", "location_id"]])
            rows = idx.get_indexer(pd.MultiIndex.from_arrays([view.sku, view.location]))
            ok = rows >= 0
            self.s, self.big_s = np.zeros(view.n), np.zeros(view.n)
            self.s[ok] = p.positions["reorder_point"].to_numpy(float)[rows[ok]] * self.scale
            self.big_s[ok] = p.positions["order_up_to"].to_numpy(float)[rows[ok]] * self.scale
        return self.s, self.big_s

    def decide(self, day: int, view: View) -> list[Order]:
        """Order up to S where the position is below s."""
        s, big_s = self.levels(view)
        return _route(view, lambda pos: np.where(pos < s - 1e-9, np.ceil(big_s - pos - 1e-9), 0.0))

    def finish(self) -> None:
        """Nothing to release."""


class NaiveCoverPolicy:
    """Order up to Y days of trailing mean sales when cover falls below X days."""

    name = "naive_cover"

    def __init__(
        self, config: SimConfig, x: float = NAIVE_REORDER_DAYS, y: float = NAIVE_UP_TO_DAYS
    ):
        """Use X and Y days of cover."""
        self.x, self.y = x, y

    def start(self, world: World, connector: SimulatorConnector) -> None:
        """Nothing to prepare."""

    def decide(self, day: int, view: View) -> list[Order]:
        """Order where days of cover < X."""
        mean = view.recent_sales(28) / 28.0
        dc_mean = np.zeros(view.n)
        src = view.source_row
        st = np.flatnonzero((src >= 0) & ~view.is_dc)
        np.add.at(dc_mean, src[st], mean[st])
        mean = np.where(view.is_dc, dc_mean, mean)
        x, y = self.x, self.y
        return _route(
            view,
            lambda pos: np.where(
                (mean > 0) & (pos < x * mean), np.ceil(y * mean - pos - 1e-9), 0.0
            ),
        )

    def finish(self) -> None:
        """Nothing to release."""


def make_policy(name: str, config: SimConfig, scale: float = 1.0) -> Any:
    """Return a policy by name.

    `scale` multiplies a baseline's levels (min-max: s and S; naive cover: X and Y days): how
    the inventory it needs at a matched fill is found.
    """
    if name == "stockpilot":
        return StockPilotPolicy(config)
    if name == "po_only":
        return StockPilotPolicy(config, name="po_only", transfers=False)
    if name == "min_max":
        return MinMaxPolicy(config, scale=scale)
    if name == "naive_cover":
        return NaiveCoverPolicy(config, x=NAIVE_REORDER_DAYS * scale, y=NAIVE_UP_TO_DAYS * scale)
    raise ValueError(f"unknown policy {name!r}")


SCALABLE_POLICIES: tuple[str, ...] = ("min_max", "naive_cover")
"""The baselines whose levels `make_policy(..., scale=k)` scales (the oracle scales too)."""


# --- oracle ---------------------------------------------------------------------------------


def simulate_base_stock(
    demand: np.ndarray,
    on_hand0: np.ndarray,
    levels: np.ndarray,
    lead: np.ndarray,
    *,
    review: int,
    hold: np.ndarray,
    margin: np.ndarray,
    fixed: np.ndarray,
    per_unit: np.ndarray,
) -> dict[str, np.ndarray]:
    """Simulate order-up-to `levels` (m, G) per row under lost sales; return (m, G) costs.

    Same timeline as the twin: orders on review days (day % review == 0, day 0 included) after
    the day's sales, arriving after `lead[row, day]` days. Also returns the order quantities
    per day (m, G, H) and the end-of-day on hand (m, G, H).
    """
    m, h = demand.shape
    g = levels.shape[1]
    oh = np.repeat(on_hand0[:, None], g, axis=1).astype(float)
    pipe = np.zeros((m, g))
    arr = np.zeros((m, g, h + 2))
    ordered = np.zeros((m, g, h + 1))
    end = np.zeros((m, g, h))
    lost = np.zeros((m, g))
    orders = np.zeros((m, g))
    rows = np.arange(m)[:, None]
    cols = np.arange(g)[None, :]
    for t in range(h + 1):
        if t >= 1:
            oh += arr[:, :, t]
            pipe -= arr[:, :, t]
            d = demand[:, t - 1][:, None]
            sold = np.minimum(oh, d)
            oh -= sold
            lost += d - sold
            end[:, :, t - 1] = oh
        if t < h and t % review == 0:
            q = np.maximum(np.ceil(levels - oh - pipe - 1e-9), 0.0)
            arrive = np.minimum(t + lead[:, t], h + 1)[:, None] * np.ones((1, g), np.int64)
            arr[rows, cols, arrive] += q
            pipe += q
            ordered[:, :, t] = q
            orders += q > 0
    holding = end.sum(axis=2) * hold[:, None]
    lost_cost = lost * margin[:, None]
    order_cost = orders * fixed[:, None] + ordered.sum(axis=2) * per_unit[:, None]
    return {
        "total": holding + lost_cost + order_cost,
        "holding": holding,
        "lost": lost,
        "lost_cost": lost_cost,
        "orders": orders,
        "order_cost": order_cost,
        "ordered": ordered,
        "end": end,
        "pipeline": pipe,
    }


def level_grid(demand: np.ndarray, lead: np.ndarray, review: int, size: int, factor: float):
    """Return (m, G) candidate levels: 0..max demand over lead time + review × factor."""
    m, h = demand.shape
    span = np.clip(np.ceil(lead.mean(axis=1)).astype(np.int64) + review, 1, h)
    cum = np.concatenate([np.zeros((m, 1)), np.cumsum(demand, axis=1)], axis=1)
    top = np.zeros(m)
    for k in np.unique(span):
        sel = span == k
        top[sel] = (cum[sel, k:] - cum[sel, :-k]).max(axis=1) if k <= h else cum[sel, -1]
    top = np.ceil(np.maximum(top * factor, 1.0))
    steps = np.linspace(0.0, 1.0, size)[None, :]
    grid = np.round(top[:, None] * steps)
    small = top + 1 <= size
    ints = np.minimum(np.arange(size)[None, :], top[:, None])
    return np.where(small[:, None], ints, grid)


def _best(levels: np.ndarray, sim: dict[str, np.ndarray]) -> np.ndarray:
    """Return the index of the cheapest level per row (ties: the lowest level)."""
    return np.argmin(sim["total"] + 1e-9 * levels, axis=1)


def oracle_base_stock(world: World) -> dict[str, Any]:
    """Return the hindsight-best stationary order-up-to level per SKU-location and its costs.

    Stores are solved first (assumed always supplied by their DC over the lane); each DC then
    faces what its stores' best policies pull and buys from the primary supplier (DC shortages
    are charged the margin, as the store sales they would cost). MOQ and case packs are relaxed.
    A lower bound on this policy class only, not on all policies.
    """
    cfg = world.config
    r = cfg.review_period_days
    lead = world.lead_matrix()
    hold = world.holding_per_day
    margin = world.margin
    store = np.flatnonzero(~world.is_dc)
    dc = np.flatnonzero(world.is_dc)
    via_lane = world.source_row >= 0
    fixed = np.where(via_lane, cfg.transfer_fixed_cost, cfg.order_cost)
    per_unit = np.where(via_lane, world.lane_cost, 0.0)
    h = world.horizon
    demand = world.demand.copy()

    def solve(rows: np.ndarray) -> dict[str, np.ndarray]:
        # Rows are independent: solve them in blocks so the (rows, levels, days) arrays stay small.
        parts = [_solve(rows[k : k + ORACLE_BLOCK]) for k in range(0, len(rows), ORACLE_BLOCK)]
        if not parts:
            return _solve(rows)
        return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}

    def _solve(rows: np.ndarray) -> dict[str, np.ndarray]:
        lv = level_grid(demand[rows], lead[rows], r, cfg.oracle_grid, cfg.oracle_factor)
        args = {
            "review": r,
            "hold": hold[rows],
            "margin": margin[rows],
            "fixed": fixed[rows],
            "per_unit": per_unit[rows],
        }
        sim = simulate_base_stock(demand[rows], world.on_hand0[rows], lv, lead[rows], **args)
        best = _best(lv, sim)
        level = lv[np.arange(len(rows)), best][:, None]
        out = simulate_base_stock(demand[rows], world.on_hand0[rows], level, lead[rows], **args)
        out = {k: v[:, 0] for k, v in out.items()}
        out["level"] = level[:, 0]
        return out

    st = solve(store)
    # DC demand: its stores' orders (day 0 orders are pulled on day 1).
    pulls = st["ordered"]
    pulls = np.concatenate([pulls[:, :1] + pulls[:, 1:2], pulls[:, 2:]], axis=1)[:, :h]
    src = world.source_row[store]
    lane = src >= 0
    np.add.at(demand, src[lane], pulls[lane])
    dcs = solve(dc) if len(dc) else None
    parts = [st] + ([dcs] if dcs is not None else [])
    sel = [store] + ([dc] if dcs is not None else [])
    end_value = sum(
        (p["end"] * world.unit_cost[rows][:, None]).sum(axis=0)
        for p, rows in zip(parts, sel, strict=True)
    )
    end_on_hand = np.zeros((world.n, h))
    for p, rows in zip(parts, sel, strict=True):
        end_on_hand[rows] = p["end"]
    st_demand = float(world.demand[store].sum())
    lost_st = float(st["lost"].sum())
    lost_dc = float(dcs["lost"].sum()) if dcs is not None else 0.0
    holding = sum(float(p["holding"].sum()) for p in parts)
    lost_margin = sum(float(p["lost_cost"].sum()) for p in parts)
    n_orders = sum(float(p["orders"].sum()) for p in parts)
    transfers = float(st["orders"][lane].sum())
    transfer_cost = float(st["order_cost"][lane].sum())
    ordering = sum(float(p["order_cost"].sum()) for p in parts) - transfer_cost
    total = holding + lost_margin + ordering + transfer_cost
    last_on_hand, in_transit = np.zeros(world.n), np.zeros(world.n)
    for p, rows in zip(parts, sel, strict=True):
        last_on_hand[rows] = p["end"][:, -1] if h else world.on_hand0[rows]
        in_transit[rows] = p["pipeline"]
    end_credit = end_stock_credit(world, last_on_hand, in_transit)
    metrics = {
        "fill_rate": round(1.0 - lost_st / st_demand, 4) if st_demand else 1.0,
        "fill_rate_servable": servable_fill(world, st_demand - lost_st),
        "unservable_units": unservable_units(world),
        "demand_units": st_demand,
        "sold_units": st_demand - lost_st,
        "lost_sales_units": lost_st,
        "dc_short_units": lost_dc,
        "lost_margin": round(lost_margin, 2),
        "avg_inventory_value": round(float(np.mean(end_value)), 2),
        **echelon_cover(world, end_on_hand),
        "holding_cost": round(holding, 2),
        "ordering_cost": round(ordering, 2),
        "transfer_cost": round(transfer_cost, 2),
        "total_cost": round(total, 2),
        "end_stock_credit": round(end_credit, 2),
        "total_cost_end_credited": round(total - end_credit, 2),
        "actions": int(n_orders),
        "purchase_orders": int(n_orders - transfers),
        "transfers": int(transfers),
        "transfer_share": round(transfers / n_orders, 4) if n_orders else 0.0,
    }
    levels = np.zeros(world.n)
    levels[store] = st["level"]
    if dcs is not None:
        levels[dc] = dcs["level"]
    return {
        "metrics": metrics,
        "levels": levels,
        "inventory_value": np.asarray(end_value),
        "end_on_hand": end_on_hand,
    }


def oracle_tail_cover(world: World, tail_days: int | None = None) -> dict[str, Any]:
    """Return the oracle's days of cover over the run when it is solved for a longer one.

    The going-concern yardstick for the oracle (docs/planning.md, "How the rules are
    measured"): the oracle's levels are chosen and run on `evals.simulate.extend_world` (the
    same run, then `tail_days` more, by default `going_concern_tail_days`) and its stock is
    measured over the run's own days only, so a level cannot gain from the run's end. A policy
    that never sees the future holds the same over the run either way, so its own figures stand
    against this one unchanged. Informational, beside the target's figure, never instead of it.
    """
    days = going_concern_tail_days(world) if tail_days is None else int(tail_days)
    longer = oracle_base_stock(extend_world(world, days))
    cover = echelon_cover(world, longer["end_on_hand"][:, : world.horizon])
    return {
        "tail_days": days,
        "store_days_of_cover": cover["store_days_of_cover"],
        "dc_days_of_cover": cover["dc_days_of_cover"],
    }


def oracle_scaled(world: World, levels: np.ndarray, scale: float) -> dict[str, Any]:
    """Return fill and inventory of the oracle's levels times `scale` (stores, then their DCs).

    Stores run `scale ×` their hindsight levels; each DC then faces what those stores pull and
    runs `scale ×` its own level. Used to read the oracle's inventory at another policy's fill.
    """
    cfg = world.config
    lead = world.lead_matrix()
    store, dc = np.flatnonzero(~world.is_dc), np.flatnonzero(world.is_dc)
    via_lane = world.source_row >= 0
    fixed = np.where(via_lane, cfg.transfer_fixed_cost, cfg.order_cost)
    per_unit = np.where(via_lane, world.lane_cost, 0.0)
    h = world.horizon
    demand = world.demand.copy()
    end_on_hand = np.zeros((world.n, h))

    def run(rows: np.ndarray) -> dict[str, np.ndarray]:
        level = np.round(levels[rows] * scale)[:, None]
        out = simulate_base_stock(
            demand[rows], world.on_hand0[rows], level, lead[rows],
            review=cfg.review_period_days, hold=world.holding_per_day[rows],
            margin=world.margin[rows], fixed=fixed[rows], per_unit=per_unit[rows],
        )  # fmt: skip
        end_on_hand[rows] = out["end"][:, 0]
        return out

    st = run(store)
    pulls = st["ordered"][:, 0]
    pulls = np.concatenate([pulls[:, :1] + pulls[:, 1:2], pulls[:, 2:]], axis=1)[:, :h]
    src = world.source_row[store]
    lane = src >= 0
    np.add.at(demand, src[lane], pulls[lane])
    if len(dc):
        run(dc)
    st_demand = float(world.demand[store].sum())
    lost = float(st["lost"].sum())
    value = (end_on_hand * world.unit_cost[:, None]).sum(axis=0)
    return {
        "fill_rate": round(1.0 - lost / st_demand, 4) if st_demand else 1.0,
        "avg_inventory_value": round(float(np.mean(value)), 2),
        **echelon_cover(world, end_on_hand),
    }
