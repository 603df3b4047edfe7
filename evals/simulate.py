"""Closed-loop simulation (a digital twin) of the demo network, its costs and its metrics.

The demo network is generated for `history_days + horizon_days` days. The first `history_days`
are the visible history; the last `horizon_days` are the realised future demand. The demo's
sales are unconstrained negative-binomial draws (`erp.demo._Demand.sample_sales`), so they are
demand, not censored sales — except the few planted "phantom stock" SKU-stores, whose last
14-21 days are forced to zero (in this setup they fall at the end of the horizon and simply read
as zero demand). The demo's on hand (sized by the planning rules, with its planted breakages) is
the starting stock of every policy; the pipeline starts empty.

Timeline of day `t` (1..H): arrivals due on `t` are received; store demand arrives; sales are
min(on hand, demand) and the rest is lost (or backordered with `lost_sales=False`); end-of-day
on hand is charged holding cost. On review days (`t % review_period_days == 0`, including day 0,
before the first demand) a policy sees the past only (history, simulated sales, stock, open
supply) and acts (between reviews, a policy with `on_receipt` may act at the end of a day, seeing
what arrived that day): a transfer leaves the source at once and arrives after the lane lead time; a
purchase order arrives after a lead time drawn per (SKU-location, order day) from the
distribution its supplier's data describes (`planning.leadtime`: on time with probability
on_time_rate, else late by a delay whose spread gives lead_time_std_days), the distribution the
engine plans with. The draws are fixed by the seed, so every policy faces the same demand and
the same lead times. A DC has no demand of its own: its demand is what its stores pull. The
snapshot a policy sees lists the history's received purchase orders and the twin's own receipts
(`expected_date` = the day they arrived), from which the engine learns lead times, and the
stores' stock history: the demo's up to day 0, then the twin's own end-of-day on hand with
`stockout` on the days demand went unmet (so the engine censors them, as it would an ERP's).

Costs: holding `holding_rate_per_year / 365 × unit_cost` per unit on hand per day (in transit is
not charged), lost margin (price − cost) per lost unit, `order_cost` per purchase order line,
`transfer_fixed_cost` per transfer line plus the lane's cost per unit. Arrivals after the horizon
are not received; what was ordered still paid its ordering cost. The horizon is finite, so the
stock a run leaves behind is valued the same way for every policy and the oracle: the lane cost
already paid on the store stock on hand or on its way on the last day is credited back
(`end_stock_credit`, `total_cost_end_credited`; `total_cost` is the charged total). The opening
stock is the same for all, so only the end differs. The fill is also given on the demand some
policy could serve (`fill_rate_servable`): the opening stock of a SKU cannot reach the demand
that falls before any order placed on day 0 can land (`unservable_units`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from erp.connector import (
    ErpWriteError,
    IdempotencyConflictError,
    PurchaseOrderRequest,
    TransferRequest,
    _payload,
    document_id,
    write_action,
)
from erp.demo import generate_demo
from planning.network import NetworkData, coerce_frame
from stockpilot.leadtime import draw_lead_times
from stockpilot.vocabulary import ActionKind

Progress = Callable[[str, int, int], None]
DEFAULT_POLICIES: tuple[str, ...] = ("stockpilot", "min_max", "po_only", "naive_cover")


Pairs = tuple[tuple[str, float], ...]


def _policy_planning() -> tuple[Pairs | None, Pairs]:
    """Return the configured policy file's service levels by class and ABC thresholds."""
    from stockpilot.policy import DEFAULT_ABC_THRESHOLDS, load_policy

    rules = load_policy().planning
    if rules is None:
        return None, tuple(sorted(DEFAULT_ABC_THRESHOLDS.items()))
    levels = None if rules.service_levels is None else tuple(sorted(rules.service_levels.items()))
    return levels, tuple(sorted(rules.abc_thresholds.items()))


def _policy_costs() -> dict[str, float]:
    """Return the cost model: the policy file's costs over the engine's defaults."""
    from planning.params import PlanParams
    from stockpilot.policy import load_policy

    defaults = PlanParams()
    costs = {
        "holding_rate_per_year": defaults.holding_rate_per_year,
        "purchase_order_line_cost": defaults.purchase_order_line_cost,
        "transfer_line_cost": defaults.transfer_line_cost,
        "markdown_rate_per_year": defaults.markdown_rate_per_year,
    }
    rules = load_policy().planning
    return costs | ({} if rules is None else rules.costs.given())


@dataclass(frozen=True)
class SimConfig:
    """One simulation run: the demo network, the horizon, the cost model and the policies."""

    seed: int = 7
    stores: int = 3
    skus: int = 12
    history_days: int = 120
    horizon_days: int = 90
    end_date: date = date(2025, 6, 30)
    lost_sales: bool = True
    backorder_cost_rate: float = 0.1  # backorders: cost per unit-day as a share of the margin
    # The cost model: by default the policy file's (config/policy.yaml `planning.costs`), the
    # one the engine plans with; `sim_params` hands the same numbers to the engine.
    holding_rate_per_year: float = field(
        default_factory=lambda: _policy_costs()["holding_rate_per_year"]
    )
    order_cost: float = field(default_factory=lambda: _policy_costs()["purchase_order_line_cost"])
    transfer_fixed_cost: float = field(
        default_factory=lambda: _policy_costs()["transfer_line_cost"]
    )
    markdown_rate_per_year: float = field(
        default_factory=lambda: _policy_costs()["markdown_rate_per_year"]
    )
    # Line costs (transfer and PO lines alike) at which StockPilot and the oracle run again.
    line_cost_scenarios: tuple[float, ...] = (1.0, 5.0)
    review_period_days: int = 7
    service_level: float = 0.95  # every SKU's level when `service_levels` is None
    # Service level per ABC class and the class thresholds: by default those of the policy file
    # (config/policy.yaml `planning`), as the production planner uses them.
    service_levels: Pairs | None = field(default_factory=lambda: _policy_planning()[0])
    abc_thresholds: Pairs = field(default_factory=lambda: _policy_planning()[1])
    policies: tuple[str, ...] = DEFAULT_POLICIES
    graph_path: bool = True
    oracle_grid: int = 120  # most levels searched per SKU-location
    oracle_factor: float = 2.0  # grid top: factor × max demand over lead time + review

    @property
    def start(self) -> date:
        """Return the last history day (day 0 of the simulation)."""
        return self.end_date - timedelta(days=self.horizon_days)


@dataclass
class World:
    """The static network, the realised demand and the lead-time draws (shared by policies)."""

    config: SimConfig
    data: NetworkData  # master data, history sales (to day 0), promotions; no stock or supply
    sku: np.ndarray
    location: np.ndarray
    is_dc: np.ndarray
    source_row: np.ndarray  # store: its DC's row, else -1
    lane_lead: np.ndarray  # store: lane lead time from its DC, else 0
    lane_cost: np.ndarray
    unit_cost: np.ndarray
    unit_price: np.ndarray
    case_pack: np.ndarray
    supplier_id: np.ndarray  # primary supplier per row
    supplier_lead: np.ndarray  # its nominal lead time
    supplier_std: np.ndarray
    supplier_on_time: np.ndarray
    supplier_moq: np.ndarray
    demand: np.ndarray  # (n, H) store demand per day 1..H; DC rows 0
    on_hand0: np.ndarray
    draw_u: np.ndarray  # (n, H + 1) uniform: the quantile of a PO's lead time
    hist_tail: np.ndarray  # (n, 28) history sales of the last 28 days to day 0
    rows: dict[tuple[str, str], int] = field(default_factory=dict)
    lanes: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    terms: dict[tuple[str, str], tuple[int, float, int]] = field(default_factory=dict)
    suppliers: dict[str, tuple[float, float]] = field(default_factory=dict)  # std, on-time

    @property
    def n(self) -> int:
        """Return the number of SKU-locations."""
        return len(self.sku)

    @property
    def horizon(self) -> int:
        """Return the number of simulated days."""
        return int(self.demand.shape[1])

    @property
    def margin(self) -> np.ndarray:
        """Return the margin per unit (price − cost, at least 0)."""
        return np.maximum(self.unit_price - self.unit_cost, 0.0)

    @property
    def holding_per_day(self) -> np.ndarray:
        """Return the holding cost per unit-day."""
        return self.config.holding_rate_per_year / 365.0 * self.unit_cost

    def draw_lead(self, row: int, day: int, nominal: int, std: float, on_time: float) -> int:
        """Return the realised lead time of an order placed at `row` on `day` (at least 1).

        Drawn from the distribution the supplier data describes (`planning.leadtime`), the one
        the engine plans with.
        """
        return int(draw_lead_times(nominal, std, on_time, self.draw_u[row, day]))

    def lead_matrix(self) -> np.ndarray:
        """Return (n, H + 1) realised lead times of a primary-supplier PO (DC) or lane (store)."""
        po = draw_lead_times(
            self.supplier_lead[:, None],
            self.supplier_std[:, None],
            self.supplier_on_time[:, None],
            self.draw_u,
        )
        lane = np.maximum(self.lane_lead, 1)[:, None] * np.ones_like(po)
        return np.where(self.is_dc[:, None] | (self.source_row[:, None] < 0), po, lane).astype(
            np.int64
        )


def build_world(config: SimConfig, data: NetworkData | None = None) -> World:
    """Split a network into history, realised demand and start stock.

    The network is the demo generator's unless `data` is given: an imported history is then
    replayed, its last `horizon_days` of sales standing for the demand to come (`config` must
    then carry `end_date = data.as_of`; `run_simulation` sees to that).
    """
    h = config.horizon_days
    if data is None:
        data = generate_demo(
            seed=config.seed,
            stores=config.stores,
            skus=config.skus,
            days=config.history_days + h,
            as_of=config.end_date,
        ).data
    d = data
    t0 = pd.Timestamp(config.start)
    inv = d.inventory.sort_values(["location_id", "sku"], kind="stable").reset_index(drop=True)
    keys = inv[["sku", "location_id"]].astype(str)
    n = len(keys)
    locs = d.locations.set_index("location_id")
    sku = keys["sku"].to_numpy(object)
    loc = keys["location_id"].to_numpy(object)
    rows = {(s, lc): i for i, (s, lc) in enumerate(zip(sku, loc, strict=True))}
    is_dc = keys["location_id"].map(locs["type"]).to_numpy(object) == "dc"
    source = keys["location_id"].map(locs["source_location"]).fillna("").to_numpy(object)
    source_row = np.array([rows.get((s, src), -1) for s, src in zip(sku, source, strict=True)])
    lanes = {
        (str(f), str(t)): (int(lt), float(c))
        for f, t, lt, c in d.lanes[
            ["from_location", "to_location", "lead_time_days", "cost_per_unit"]
        ].itertuples(index=False)
    }
    lane = [lanes.get((str(src), str(lc)), (0, 0.0)) for src, lc in zip(source, loc, strict=True)]
    items = d.items.set_index("sku")
    sups = d.suppliers.set_index("supplier_id")
    isup = d.item_suppliers.copy()
    isup["lead"] = isup["lead_time_days"].fillna(isup["supplier_id"].map(sups["lead_time_days"]))
    terms = {
        (str(r.sku), str(r.supplier_id)): (int(r.lead), float(r.unit_cost), int(r.moq))
        for r in isup.itertuples()
    }
    prim = isup[isup["primary"]].drop_duplicates("sku").set_index("sku")
    sup_id = keys["sku"].map(prim["supplier_id"]).to_numpy(object)
    # Realised demand: the sales of days 1..H (store rows).
    fut = d.sales[d.sales["date"] > t0]
    day = (fut["date"] - t0).dt.days.to_numpy(np.int64) - 1
    frow = pd.MultiIndex.from_arrays([fut["sku"].astype(str), fut["location_id"].astype(str)])
    idx = pd.MultiIndex.from_frame(keys).get_indexer(frow)
    ok = (idx >= 0) & (day >= 0) & (day < h)
    demand = np.zeros((n, h))
    np.add.at(demand, (idx[ok], day[ok]), fut["units"].to_numpy(float)[ok])
    rng = np.random.default_rng([config.seed, 20250])
    hist = d.sales[d.sales["date"] <= t0]
    tail = hist[hist["date"] > t0 - pd.Timedelta(days=28)]
    tday = 27 - (t0 - tail["date"]).dt.days.to_numpy(np.int64)
    trow = pd.MultiIndex.from_frame(keys).get_indexer(
        pd.MultiIndex.from_arrays([tail["sku"].astype(str), tail["location_id"].astype(str)])
    )
    hist_tail = np.zeros((n, 28))
    okt = trow >= 0
    np.add.at(hist_tail, (trow[okt], tday[okt]), tail["units"].to_numpy(float)[okt])
    static = NetworkData.from_frames(
        {
            **{k: v for k, v in d.frames().items() if k not in ("inventory", "sales")},
            "sales": hist.assign(
                sku=hist["sku"].astype(str), location_id=hist["location_id"].astype(str)
            ),
            "purchase_orders": d.purchase_orders[
                (d.purchase_orders["status"] == "received")
                & (d.purchase_orders["expected_date"] <= t0)
            ],
            "transfers": d.transfers.iloc[:0],
            # The stock history up to day 0 only: the twin writes its own from day 1 on.
            "inventory_history": d.inventory_history[d.inventory_history["date"] <= t0],
        }
    )
    return World(
        config=config,
        data=static,
        sku=sku,
        location=loc,
        is_dc=is_dc,
        source_row=source_row.astype(np.int64),
        lane_lead=np.array([x[0] for x in lane], np.int64),
        lane_cost=np.array([x[1] for x in lane], float),
        unit_cost=keys["sku"].map(items["unit_cost"]).to_numpy(float),
        unit_price=keys["sku"].map(items["unit_price"]).to_numpy(float),
        case_pack=keys["sku"].map(items["case_pack"]).to_numpy(np.int64),
        supplier_id=sup_id,
        supplier_lead=np.array(
            [terms[(s, p)][0] for s, p in zip(sku, sup_id, strict=True)], np.int64
        ),
        supplier_std=pd.Series(sup_id).map(sups["lead_time_std_days"]).to_numpy(float),
        supplier_on_time=pd.Series(sup_id).map(sups["on_time_rate"]).to_numpy(float),
        supplier_moq=np.array([terms[(s, p)][2] for s, p in zip(sku, sup_id, strict=True)]),
        demand=demand,
        on_hand0=np.maximum(inv["on_hand"].to_numpy(float), 0.0),
        draw_u=rng.random((n, h + 1)),
        hist_tail=hist_tail,
        rows=rows,
        lanes=lanes,
        terms=terms,
        suppliers={
            str(s): (float(r.lead_time_std_days), float(r.on_time_rate)) for s, r in sups.iterrows()
        },
    )


class Twin:
    """The state of one policy's run: stock, pipeline, records and costs (vectorised by row)."""

    def __init__(self, world: World):
        """Start from the world's opening stock with an empty pipeline."""
        self.world = world
        n, h = world.n, world.horizon
        self.day = 0
        self.on_hand = world.on_hand0.copy()
        self.backlog = np.zeros(n)
        self.arrivals = np.zeros((n, h + 2))
        self.pipeline = np.zeros(n)
        self.open: list[dict[str, Any]] = []  # documents: kind, row, qty, day, arrive, expected
        self.end_on_hand = np.zeros((n, h))
        self.sold = np.zeros((n, h))
        self.lost = np.zeros((n, h))
        self.pulled = np.zeros((n, h + 1))  # units shipped out of a location on each day
        self.sim_sales: list[pd.DataFrame] = []
        self.order_cost = 0.0
        self.transfer_cost = 0.0
        self.backorder_cost = 0.0
        self.purchase_orders = 0
        self.transfers = 0
        self.rejected = 0

    def step(self) -> None:
        """Simulate the next day: arrivals, demand, sales, lost sales or backorders."""
        w = self.world
        self.day += 1
        t = self.day
        got = self.arrivals[:, t]
        self.on_hand += got
        self.pipeline -= got
        want = w.demand[:, t - 1] + self.backlog
        sold = np.minimum(self.on_hand, want)
        self.on_hand -= sold
        short = want - sold
        if w.config.lost_sales:
            self.lost[:, t - 1] = short
        else:
            fresh_short = np.maximum(w.demand[:, t - 1] - sold, 0.0)
            self.lost[:, t - 1] = fresh_short  # demand not served the day it came
            self.backlog = short
            self.backorder_cost += float(np.sum(short * w.margin * w.config.backorder_cost_rate))
        self.sold[:, t - 1] = sold
        self.end_on_hand[:, t - 1] = self.on_hand
        hit = np.flatnonzero(sold > 0)
        if hit.size:
            self.sim_sales.append(
                pd.DataFrame(
                    {
                        "date": pd.Timestamp(w.config.start + timedelta(days=t)),
                        "sku": w.sku[hit],
                        "location_id": w.location[hit],
                        "units": sold[hit].astype(np.int64),
                    }
                )
            )

    def _schedule(self, row: int, qty: float, arrive: int) -> None:
        self.pipeline[row] += qty
        if arrive <= self.world.horizon:
            self.arrivals[row, arrive] += qty

    def purchase(self, sku: str, location: str, supplier_id: str, qty: int) -> int:
        """Place a PO at the end of today; return its arrival day."""
        w = self.world
        row = w.rows.get((sku, location))
        term = w.terms.get((sku, supplier_id))
        if row is None or term is None or qty <= 0:
            raise ErpWriteError(f"cannot buy {qty} of {sku} at {location} from {supplier_id}")
        std, on_time = w.suppliers[supplier_id]
        arrive = self.day + w.draw_lead(row, self.day, term[0], std, on_time)
        self._schedule(row, qty, arrive)
        self.open.append(
            {
                "kind": ActionKind.PURCHASE_ORDER,
                "row": row,
                "qty": qty,
                "day": self.day,
                "arrive": arrive,
                "expected": self.day + term[0],
                "supplier_id": supplier_id,
                "from_row": -1,
            }
        )
        self.order_cost += w.config.order_cost
        self.purchase_orders += 1
        return arrive

    def transfer(self, sku: str, from_location: str, to_location: str, qty: int) -> int:
        """Ship a transfer now from the source's on hand; return its arrival day."""
        w = self.world
        src, dst = w.rows.get((sku, from_location)), w.rows.get((sku, to_location))
        lane = w.lanes.get((from_location, to_location))
        if src is None or dst is None or lane is None or qty <= 0:
            raise ErpWriteError(f"no transfer of {sku} from {from_location} to {to_location}")
        if self.on_hand[src] < qty:
            raise ErpWriteError(
                f"{from_location} holds {self.on_hand[src]:.0f} of {sku}, not {qty}"
            )
        self.on_hand[src] -= qty
        self.pulled[src, self.day] += qty
        arrive = self.day + max(lane[0], 1)
        self._schedule(dst, qty, arrive)
        self.open.append(
            {
                "kind": ActionKind.TRANSFER,
                "row": dst,
                "qty": qty,
                "day": self.day,
                "arrive": arrive,
                "expected": arrive,
                "supplier_id": "",
                "from_row": src,
            }
        )
        self.transfer_cost += w.config.transfer_fixed_cost + qty * lane[1]
        self.transfers += 1
        return arrive

    @property
    def position(self) -> np.ndarray:
        """Return on hand plus everything ordered and not yet received."""
        return self.on_hand + self.pipeline

    def sales_history(self) -> pd.DataFrame:
        """Return the visible sales: the history plus the simulated sales so far."""
        return pd.concat([self.world.data.sales, *self.sim_sales], ignore_index=True)

    def stock_history(self) -> pd.DataFrame:
        """Return the stores' stock history of the simulated days so far (`inventory_history`).

        End-of-day on hand per store row and day 1..today; `stockout` where demand went unmet,
        so the engine reads those days' sales as censored, as it would an ERP's history.
        """
        w = self.world
        rows = np.flatnonzero(~w.is_dc)
        t = self.day
        dates = pd.date_range(pd.Timestamp(w.config.start) + pd.Timedelta(days=1), periods=t)
        return pd.DataFrame(
            {
                "date": np.tile(dates.to_numpy(), len(rows)),
                "sku": np.repeat(w.sku[rows], t),
                "location_id": np.repeat(w.location[rows], t),
                "on_hand": np.round(self.end_on_hand[rows, :t]).astype(np.int64).ravel(),
                "stockout": (self.lost[rows, :t] > 0).ravel(),
            }
        )

    def snapshot(self) -> NetworkData:
        """Return the network as an ERP would show it today (no future demand in it)."""
        w = self.world
        today = pd.Timestamp(w.config.start + timedelta(days=self.day))
        inv = pd.DataFrame(
            {
                "sku": w.sku,
                "location_id": w.location,
                "on_hand": np.round(self.on_hand).astype(np.int64),
                "as_of_date": today,
            }
        )
        live = [d for d in self.open if d["arrive"] > self.day]
        po = [d for d in live if d["kind"] == ActionKind.PURCHASE_ORDER]
        tr = [d for d in live if d["kind"] == ActionKind.TRANSFER]

        base = pd.Timestamp(w.config.start)
        received = [
            d
            for d in self.open
            if d["kind"] == ActionKind.PURCHASE_ORDER and d["arrive"] <= self.day
        ]
        pos = pd.DataFrame(
            {
                "po_id": [f"PO-SIM-{i:06d}" for i in range(len(po))]
                + [f"PO-SIM-R{i:06d}" for i in range(len(received))],
                "supplier_id": [d["supplier_id"] for d in po + received],
                "sku": [w.sku[d["row"]] for d in po + received],
                "location_id": [w.location[d["row"]] for d in po + received],
                "qty": [int(d["qty"]) for d in po + received],
                "order_date": [base + pd.Timedelta(days=d["day"]) for d in po + received],
                "expected_date": [base + pd.Timedelta(days=d["expected"]) for d in po]
                + [base + pd.Timedelta(days=d["arrive"]) for d in received],
                "status": ["open"] * len(po) + ["received"] * len(received),
            }
        )
        pos = pd.concat([w.data.purchase_orders, pos], ignore_index=True)
        trs = pd.DataFrame(
            {
                "transfer_id": [f"TR-SIM-{i:06d}" for i in range(len(tr))],
                "sku": [w.sku[d["row"]] for d in tr],
                "from_location": [w.location[d["from_row"]] for d in tr],
                "to_location": [w.location[d["row"]] for d in tr],
                "qty": [int(d["qty"]) for d in tr],
                "ship_date": [base + pd.Timedelta(days=d["day"]) for d in tr],
                "expected_date": [base + pd.Timedelta(days=d["expected"]) for d in tr],
                "status": "in_transit",
            }
        )
        frames = w.data.frames()
        frames.update(
            inventory=coerce_frame("inventory", inv),
            inventory_history=coerce_frame(
                "inventory_history",
                pd.concat([w.data.inventory_history, self.stock_history()], ignore_index=True),
            ),
            sales=coerce_frame("sales", self.sales_history()),
            purchase_orders=coerce_frame("purchase_orders", pos),
            transfers=coerce_frame("transfers", trs),
        )
        return NetworkData(**frames)


class View:
    """What a policy may see on a review day: the past and the current state, never the future."""

    STATIC = (
        "sku",
        "location",
        "is_dc",
        "source_row",
        "unit_cost",
        "unit_price",
        "case_pack",
        "supplier_id",
        "supplier_lead",
        "supplier_moq",
        "lanes",
        "terms",
        "rows",
        "n",
        "config",
    )

    def __init__(self, twin: Twin):
        """Wrap `twin` read-only."""
        self._twin = twin

    def __getattr__(self, name: str) -> Any:
        """Return a static network attribute of the world (not its demand or draws)."""
        if name in View.STATIC:
            return getattr(self._twin.world, name)
        raise AttributeError(name)

    @property
    def day(self) -> int:
        """Return today's day index (0: the last history day)."""
        return self._twin.day

    @property
    def on_hand(self) -> np.ndarray:
        """Return on hand per row (a copy)."""
        return self._twin.on_hand.copy()

    @property
    def position(self) -> np.ndarray:
        """Return the inventory position per row (on hand + open supply)."""
        return self._twin.position.copy()

    @property
    def received(self) -> np.ndarray:
        """Return the units each row received today."""
        return self._twin.arrivals[:, self._twin.day].copy()

    def recent_sales(self, days: int = 28) -> np.ndarray:
        """Return units sold per row over the last `days` visible days (history + simulation)."""
        t = self._twin.day
        sim = self._twin.sold[:, max(t - days, 0) : t].sum(axis=1)
        k = max(days - t, 0)
        return sim + (self._twin.world.hist_tail[:, 28 - min(k, 28) :].sum(axis=1) if k else 0.0)

    def snapshot(self) -> NetworkData:
        """Return the network as an ERP would show it today."""
        return self._twin.snapshot()


class SimulatorConnector:
    """An ErpConnector that writes into a twin: POs and transfers become scheduled arrivals.

    Idempotent per key: the same key and request return the same document and change nothing;
    the same key with a different request is refused. A refused write (no stock to ship, no
    lane, unknown supplier) raises `ErpWriteError` and is counted by the twin.
    """

    name = "simulator"

    def __init__(self, twin: Twin):
        """Write into `twin`."""
        self.twin = twin
        self._done: dict[str, tuple[str, str]] = {}

    def _once(
        self, request: PurchaseOrderRequest | TransferRequest, key: str, write: Callable[[], int]
    ) -> str:
        payload = _payload(request)
        if key in self._done:
            doc, seen = self._done[key]
            if seen != payload:
                raise IdempotencyConflictError(f"idempotency key {key!r} reused ({doc})")
            return doc
        try:
            write()
        except ErpWriteError:
            self.twin.rejected += 1
            raise
        doc = document_id(request.kind, key)
        self._done[key] = (doc, payload)
        return doc

    def create_purchase_order(self, request: PurchaseOrderRequest, *, idempotency_key: str) -> str:
        """Place a PO in the twin once per key; return its document id."""
        return self._once(
            request,
            idempotency_key,
            lambda: self.twin.purchase(
                request.sku, request.location_id, request.supplier_id, int(request.qty)
            ),
        )

    def create_transfer(self, request: TransferRequest, *, idempotency_key: str) -> str:
        """Ship a transfer in the twin once per key; return its document id."""
        return self._once(
            request,
            idempotency_key,
            lambda: self.twin.transfer(
                request.sku, request.from_location, request.to_location, int(request.qty)
            ),
        )

    def on_hand(self, sku: str, location_id: str) -> int | None:
        """Return the twin's stock of a SKU-location today (None when it has no such row)."""
        row = self.twin.world.rows.get((sku, location_id))
        return None if row is None else int(self.twin.on_hand[row])


def execute(connector: SimulatorConnector, actions: list[Any], key_prefix: str) -> int:
    """Write orders (evals.policies.Order) through the connector; return how many succeeded."""
    today = connector.twin.world.config.start + timedelta(days=connector.twin.day)
    done = 0
    for i, a in enumerate(actions):
        try:
            write_action(connector, a.action, on=today, idempotency_key=f"{key_prefix}-{i}")
            done += 1
        except ErpWriteError:
            continue
    return done


def run_down_days(world: World) -> np.ndarray:
    """Return per row the days at the end of the run left out of the going-concern cover.

    `L + R`: L the row's own replenishment lead time (a store on a lane: the lane's; a DC or
    a store without a source: its primary supplier's quoted one), R the review period. An order
    placed in a row's last L + R days may land after the horizon, so a hindsight policy may let
    that row's stock run down there (the oracle's level for it may even be 0); a going concern
    cannot.
    """
    lead = np.where(world.source_row >= 0, world.lane_lead, world.supplier_lead)
    return np.asarray(lead, dtype=np.int64) + int(world.config.review_period_days)


def going_concern_tail_days(world: World) -> int:
    """Return the tail a going-concern yardstick adds: the longest `run_down_days`, in whole weeks.

    Any order placed on a day of the run lands within it, so no row's run-down falls inside
    the run any more.
    """
    if world.n == 0:
        return 0
    longest = int(run_down_days(world).max())
    return -(-longest // 7) * 7


def extend_world(world: World, days: int) -> World:
    """Return `world` run `days` days longer: the same run, then a tail beyond its horizon.

    The tail's store demand repeats the run's last 28 days (whole weeks, so weekdays stay
    aligned) and its lead-time draws are new, seeded draws; days 1..H are unchanged. A policy
    that never sees the future acts the same over days 1..H in either world; a hindsight one
    (the oracle) chooses its levels for the longer run, so what it holds over days 1..H is
    no longer shaped by the run's end (`evals.policies.oracle_tail_cover`).
    """
    if days <= 0:
        return world
    h = world.horizon
    recent = world.demand[:, max(h - 28, 0) :]
    if recent.shape[1] == 0:
        recent = np.zeros((world.n, 1))
    reps = -(-days // recent.shape[1])
    tail = np.tile(recent, (1, reps))[:, :days]
    draws = np.random.default_rng([world.config.seed, 20251]).random((world.n, days))
    return replace(
        world,
        demand=np.concatenate([world.demand, tail], axis=1),
        draw_u=np.concatenate([world.draw_u, draws], axis=1),
    )


def echelon_cover(world: World, end_on_hand: np.ndarray) -> dict[str, float | None]:
    """Return the days of cover held per echelon (stores, DCs).

    An echelon's cover is its average stock value over the network's daily store demand value,
    both at cost, so SKUs of any price add up. `..._before_run_down` is the same with each row's
    stock averaged over the days before its last `run_down_days` (rows whose window spans the
    whole run left out; None when no row of the echelon is left): the going-concern yardstick,
    the same for every policy and the oracle, reported beside the full-run figure.
    """
    store = ~world.is_dc
    daily = float((world.demand[store].sum(axis=1) * world.unit_cost[store]).sum())
    daily /= max(world.horizon, 1)
    value = end_on_hand.mean(axis=1) * world.unit_cost
    keep = end_on_hand.shape[1] - run_down_days(world)
    kept = np.arange(end_on_hand.shape[1])[None, :] < keep[:, None]
    early = np.where(kept, end_on_hand, 0.0).sum(axis=1) / np.maximum(keep, 1) * world.unit_cost

    def before(rows: np.ndarray) -> float | None:
        if daily <= 0 or not (rows & (keep > 0)).any():
            return None
        return round(float(early[rows & (keep > 0)].sum()) / daily, 2)

    if daily <= 0:
        return {
            "store_days_of_cover": 0.0,
            "dc_days_of_cover": 0.0,
            "store_days_of_cover_before_run_down": None,
            "dc_days_of_cover_before_run_down": None,
        }
    return {
        "store_days_of_cover": round(float(value[store].sum()) / daily, 2),
        "dc_days_of_cover": round(float(value[world.is_dc].sum()) / daily, 2),
        "store_days_of_cover_before_run_down": before(store),
        "dc_days_of_cover_before_run_down": before(world.is_dc),
    }


def unservable_units(world: World) -> float:
    """Return the store demand no policy can serve from the opening stock (a lower bound).

    Per SKU: the stores' demand before anything ordered on day 0 can land — days 1..E − 1, E
    the shortest quoted lead time of any of the SKU's suppliers (a purchase order placed on
    day 0 straight to a store lands on day E and sells that day; lateness only delays it) —
    less every unit of the SKU the network holds on day 0, at stores and DCs alike, as if any
    of it could reach any store at once. What is left is lost whatever the policy does (the
    opening stock is the demo's snapshot, planted shortages included), so `fill_rate_servable`
    judges the fill on the rest, the same way for every policy and the oracle.
    """
    first: dict[str, int] = {}
    for (sku, _supplier), (lead, _cost, _moq) in world.terms.items():
        first[sku] = min(first.get(sku, lead), lead)
    store = ~world.is_dc
    out = 0.0
    for sku in np.unique(world.sku):
        rows = world.sku == sku
        e = first.get(str(sku))
        days = world.horizon if e is None else max(e - 1, 0)
        wanted = float(world.demand[rows & store, :days].sum())
        out += max(wanted - float(world.on_hand0[rows].sum()), 0.0)
    return out


def servable_fill(world: World, sold: float) -> float:
    """Return the fill on the demand some policy could serve (`unservable_units` left out)."""
    servable = float(world.demand[~world.is_dc].sum()) - unservable_units(world)
    return round(min(sold / servable, 1.0), 4) if servable > 0 else 1.0


def end_stock_credit(world: World, on_hand: np.ndarray, in_transit: np.ndarray) -> float:
    """Return the lane cost already paid on the store stock a run leaves at the horizon's end.

    Every unit a store holds (or has on its way) on the last day was charged its lane's cost per
    unit when it shipped, but is sold after the horizon: the finite-horizon yardstick credits
    that freight back, the same way for every policy and the oracle (`total_cost_end_credited`).
    Stock at DCs carries no per-unit cost in the cost model, so it earns no credit.
    """
    store = ~world.is_dc
    units = np.maximum(on_hand, 0.0) + np.maximum(in_transit, 0.0)
    return float((units * world.lane_cost)[store].sum())


def metrics(twin: Twin) -> dict[str, Any]:
    """Return the cost and service metrics of a finished run."""
    w = twin.world
    store = ~w.is_dc
    demand = float(w.demand[store].sum())
    sold = float(twin.sold[store].sum())
    lost = twin.lost[store].sum(axis=1)
    value = (twin.end_on_hand * w.unit_cost[:, None]).sum(axis=0)
    holding = float((twin.end_on_hand.sum(axis=1) * w.holding_per_day).sum())
    lost_margin = float((lost * w.margin[store]).sum()) if w.config.lost_sales else 0.0
    total = holding + lost_margin + twin.order_cost + twin.transfer_cost + twin.backorder_cost
    end_credit = end_stock_credit(w, twin.on_hand, twin.pipeline)
    actions = twin.purchase_orders + twin.transfers
    return {
        "fill_rate": round(sold / demand, 4) if demand else 1.0,
        "fill_rate_servable": servable_fill(w, sold),
        "unservable_units": unservable_units(w),
        "demand_units": demand,
        "sold_units": sold,
        "lost_sales_units": float(lost.sum()),
        "lost_margin": round(lost_margin, 2),
        "backorder_cost": round(twin.backorder_cost, 2),
        "avg_inventory_value": round(float(value.mean()), 2),
        **echelon_cover(w, twin.end_on_hand),
        "holding_cost": round(holding, 2),
        "ordering_cost": round(twin.order_cost, 2),
        "transfer_cost": round(twin.transfer_cost, 2),
        "total_cost": round(total, 2),
        "end_stock_credit": round(end_credit, 2),
        "total_cost_end_credited": round(total - end_credit, 2),
        "actions": actions,
        "purchase_orders": twin.purchase_orders,
        "transfers": twin.transfers,
        "transfer_share": round(twin.transfers / actions, 4) if actions else 0.0,
        "rejected_writes": twin.rejected,
    }


def run_policy(world: World, policy: Any, progress: Progress | None = None) -> Twin:
    """Run one policy over the horizon; return its finished twin."""
    twin = Twin(world)
    conn = SimulatorConnector(twin)
    policy.start(world, conn)
    r = world.config.review_period_days
    h = world.horizon
    for t in range(h + 1):
        if t >= 1:
            twin.step()
        if t < h and t % r == 0:
            acts = policy.decide(t, View(twin))
            if acts:
                execute(conn, acts, f"{policy.name}-d{t}")
        elif 1 <= t < h and hasattr(policy, "on_receipt"):
            acts = policy.on_receipt(t, View(twin))
            if acts:
                execute(conn, acts, f"{policy.name}-r{t}")
        if progress is not None:
            progress(policy.name, t, h)
    policy.finish()
    return twin
