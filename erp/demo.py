"""Generate a realistic, deterministic demo retail network with planted exceptions.

`generate_demo` builds every table of the network contract (`planning.network.TABLES`) for a chain
of stores served by distribution centres (DCs): locations, lanes, suppliers, items, sourcing,
two years of daily store sales, promotions, on-hand inventory, the daily store stock history of
the last `HISTORY_DAYS` (`inventory_history`, with a few past stockout spells), purchase orders and
transfers.

Demand per SKU-store is a negative-binomial (gamma-Poisson) draw around
base rate x weekly profile x yearly seasonality x trend x promotion uplift, sampled with numpy for
all days at once. On hand is set from the rules of `docs/planning.md` (between what the lead time
plus review period needs and a little above the order-up-to level), so most SKU-locations are
healthy. A handful of SKU-locations are then deliberately broken, one mix per exception type, and
listed in `DemoNetwork.planted`. The same arguments always give identical frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtr

from planning.network import NetworkData
from stockpilot.leadtime import draw_lead_times
from stockpilot.vocabulary import ExceptionType

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

Z_95 = 1.6448536269514722  # service level 95 %
REVIEW_DAYS = 7
HISTORY_DAYS = 91  # days of daily store stock history (`inventory_history`) up to as_of
PAST_STOCKOUT_SHARE = 0.04  # share of regular-selling SKU-stores given one past stockout spell
PAST_STOCKOUT_DAYS = (4, 15)  # its length in days (upper bound exclusive)
FUTURE_DAYS = 70  # future days modelled (covers the 56-day horizon and the latest promotion end)
CHUNK_PAIRS = 2048  # SKU-stores sampled at once (fixed: the draws must not depend on memory)
PLANTED_COLUMNS = ("type", "sku", "location_id", "note")
# Mean-1 weekly profile, Monday first: busy Friday to Sunday.
WEEKLY = np.array([0.88, 0.85, 0.88, 0.95, 1.08, 1.25, 1.11])
WEEKLY = WEEKLY / WEEKLY.mean()

_CITIES = (
    "Springfield", "Riverside", "Fairview", "Madison", "Georgetown", "Clinton", "Franklin",
    "Greenville", "Bristol", "Salem", "Ashland", "Burlington", "Manchester", "Oxford", "Dover",
    "Hudson", "Kingston", "Milford", "Newport", "Auburn", "Dayton", "Lexington", "Milton",
    "Marion", "Jackson", "Arlington", "Cleveland", "Portland", "Lancaster", "Hamilton",
    "Chester", "Plymouth", "Monroe", "Jefferson", "Troy", "Florence", "Columbia", "Lebanon",
    "Warren", "Princeton", "Bedford", "Camden", "Danville", "Easton", "Glendale", "Hanover",
    "Jamestown", "Lakewood", "Mount Vernon", "Norwood", "Oakland", "Peru", "Quincy", "Rochester",
    "Shelby", "Trenton", "Union", "Vernon", "Westfield", "York", "Aurora", "Brighton", "Canton",
    "Denton", "Elgin", "Fremont", "Gardner", "Hartford", "Irving", "Joliet", "Kent", "Lowell",
    "Medford", "Naples", "Orange", "Pasadena", "Reno", "Stockton", "Tyler", "Vista",
)  # fmt: skip

# (name, kind): kind sets the lead-time profile (see `_SUPPLIER_KINDS`).
_SUPPLIERS = (
    ("Acme Foods Co.", "domestic"),
    ("Northwind Traders", "domestic"),
    ("Blue Ridge Household Supply", "domestic"),
    ("Sunrise Personal Care", "domestic"),
    ("Pacific Rim Imports", "overseas"),
    ("Voltix Electronics", "overseas"),
    ("Threadline Apparel Group", "overseas"),
    ("GreenThumb Garden Supply", "domestic"),
    ("Harbor Wholesale", "wholesale"),
    ("Metro Distributors", "wholesale"),
)
# kind: (lead time days low, high), (lead-time std low, high), (on-time rate low, high)
_SUPPLIER_KINDS = {
    "domestic": ((7, 21), (0.5, 3.0), (0.82, 0.98)),
    "overseas": ((30, 45), (5.0, 8.0), (0.55, 0.78)),
    "wholesale": ((5, 9), (0.5, 1.5), (0.90, 0.98)),
}
_WHOLESALERS = (8, 9)


@dataclass(frozen=True)
class _Category:
    name: str
    share: float
    price: tuple[float, float]
    slow_share: float
    packs: tuple[int, ...]
    suppliers: tuple[int, ...]  # possible primary suppliers (index into _SUPPLIERS)
    nouns: tuple[str, ...]
    seasonal: str = ""  # "", "garden" (summer peak) or "toys" (Christmas peak)


_CATEGORIES = (
    _Category("Grocery", 0.24, (1.5, 12.0), 0.15, (6, 12, 24), (0, 1),
              ("Pasta", "Basmati Rice", "Ground Coffee", "Olive Oil", "Breakfast Cereal",
               "Peanut Butter", "Tomato Sauce", "Green Tea", "Granola Bars", "Sparkling Water")),
    _Category("Household", 0.14, (2.0, 25.0), 0.28, (4, 6, 12), (2, 1),
              ("Dish Soap", "Laundry Detergent", "Paper Towels", "Trash Bags",
               "All-Purpose Cleaner", "Sponges", "LED Bulb", "Storage Box")),
    _Category("Personal Care", 0.13, (2.0, 20.0), 0.28, (6, 12), (3, 1),
              ("Shampoo", "Toothpaste", "Body Wash", "Deodorant", "Hand Cream", "Razor Blades",
               "Sunscreen")),
    _Category("Electronics", 0.09, (10.0, 250.0), 0.6, (1, 4), (5, 4),
              ("USB-C Cable", "Wireless Earbuds", "Power Bank", "Bluetooth Speaker",
               "HDMI Cable", "Smart Plug", "Phone Charger")),
    _Category("Apparel", 0.12, (8.0, 60.0), 0.4, (1, 4, 6), (6, 4),
              ("Cotton T-Shirt", "Denim Jeans", "Wool Socks", "Rain Jacket", "Hoodie",
               "Baseball Cap")),
    _Category("Toys", 0.10, (5.0, 60.0), 0.2, (1, 4, 6), (4, 1),
              ("Building Blocks Set", "Plush Bear", "1000-Piece Puzzle", "Remote Control Car",
               "Board Game", "Doll House"), "toys"),
    _Category("Garden", 0.10, (3.0, 80.0), 0.15, (1, 4, 6), (7, 1),
              ("Potting Soil", "Garden Hose", "Flower Seeds", "Pruning Shears", "Plant Food",
               "Patio Lantern"), "garden"),
    _Category("Pet", 0.08, (2.0, 40.0), 0.25, (4, 6, 12), (1, 2),
              ("Dog Food", "Cat Litter", "Chew Toy", "Bird Seed", "Pet Shampoo")),
)  # fmt: skip
_ADJECTIVES = (
    "Classic", "Premium", "Organic", "Value", "Deluxe", "Eco", "Family Size", "Compact", "Ultra",
    "Everyday",
)  # fmt: skip


@dataclass(frozen=True)
class DemoNetwork:
    """A generated network and the exceptions deliberately planted in it."""

    data: NetworkData
    planted: pd.DataFrame  # columns: type, sku, location_id, note


@dataclass
class _Net:
    """Working state of one generation run (indexes, not ids, until the frames are built)."""

    rng: np.random.Generator
    as_of: dt.date
    days: int
    start: dt.date
    n_dc: int
    n_st: int
    n_sku: int
    dc_ids: list[str] = field(default_factory=list)
    st_ids: list[str] = field(default_factory=list)
    st_dc: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    st_lead: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    neighbours: list[list[int]] = field(default_factory=list)
    sku_ids: list[str] = field(default_factory=list)
    sku_offset: int = 0


def generate_demo(
    *,
    seed: int = 7,
    stores: int = 20,
    skus: int = 300,
    days: int = 730,
    dcs: int | None = None,
    as_of: dt.date | None = None,
    sku_offset: int = 0,
) -> DemoNetwork:
    """Generate a demo network of `stores` stores, `skus` SKUs and `days` days of sales to `as_of`.

    `dcs` defaults to 2 up to 30 stores, else `stores // 15`; `as_of` defaults to today.
    Each exception type is planted 2-6 times (scaling with stores x SKUs) on steady fast sellers;
    a tiny network without enough of them gets fewer planted cases.

    With `sku_offset` > 0 the SKUs are numbered from `sku_offset + 1` and drawn from a random
    stream of their own, while locations, lanes and suppliers still come from `seed` alone: calls
    with disjoint offsets build disjoint SKU blocks of one network (`generate_demo_blocks`).
    """
    if stores < 1 or skus < 1:
        raise ValueError("stores and skus must be at least 1")
    if days < 120:
        raise ValueError("days must be at least 120 (the forecast needs some history)")
    as_of = as_of or dt.date.today()
    n_dc = dcs if dcs is not None else (2 if stores <= 30 else stores // 15)
    n_dc = max(1, min(int(n_dc), stores))
    net = _Net(
        rng=np.random.default_rng(seed),
        as_of=as_of,
        days=days,
        start=as_of - dt.timedelta(days=days - 1),
        n_dc=n_dc,
        n_st=stores,
        n_sku=skus,
        sku_offset=sku_offset,
    )
    frames: dict[str, pd.DataFrame] = {}
    frames["locations"], frames["lanes"] = _locations_and_lanes(net)
    frames["suppliers"], sup_lead, sup_std = _suppliers(net)
    if sku_offset:
        net.rng = np.random.default_rng([seed, sku_offset])
    items, cat = _items(net)
    frames["items"] = items
    frames["item_suppliers"], sku_lead, sku_std = _item_suppliers(
        net, cat, items["unit_cost"].to_numpy(), sup_lead, sup_std
    )
    demand = _Demand(net, cat, items["unit_price"].to_numpy())
    plan = _Planter(net, demand, sku_lead, sku_std)
    plan.choose()
    demand.finalise(plan)
    frames["promotions"] = demand.promotions_frame(net)
    frames["sales"] = demand.sample_sales(net, plan)
    stock = _Stock(
        net,
        demand,
        plan,
        sku_lead,
        sku_std,
        items["case_pack"].to_numpy(),
        frames["item_suppliers"],
        frames["suppliers"].set_index("supplier_id")["on_time_rate"],
    )
    frames["inventory"] = stock.inventory_frame()
    frames["purchase_orders"] = stock.purchase_orders_frame()
    frames["transfers"] = stock.transfers_frame()
    # A stream of its own: every frame above stays as it was before the history existed.
    past = _StockHistory(net, demand, plan, stock, np.random.default_rng([seed, 14, sku_offset]))
    frames["sales"] = past.censor_sales(frames["sales"])
    frames["inventory_history"] = past.frame()
    planted = pd.DataFrame(plan.planted, columns=list(PLANTED_COLUMNS))
    return DemoNetwork(NetworkData.from_frames(frames), planted.reset_index(drop=True))


# Document id columns and their prefixes ("PO-000123"), renumbered per block.
_DOCUMENT_IDS = {"purchase_orders": "po_id", "transfers": "transfer_id", "promotions": "promo_id"}


def generate_demo_blocks(
    *,
    seed: int = 7,
    stores: int = 20,
    skus: int = 300,
    days: int = 730,
    dcs: int | None = None,
    as_of: dt.date | None = None,
    block_skus: int = 100,
) -> Iterator[DemoNetwork]:
    """Yield a network of `skus` SKUs as blocks of at most `block_skus` SKUs, one at a time.

    Memory is bounded by one block, whatever `skus` is. Every block carries the same locations,
    lanes and suppliers (from `seed`) and its own SKUs' items, sourcing, inventory, sales,
    purchase orders, transfers and promotions; document ids are unique across blocks
    ("PO-000101-000012": the block's first SKU number, then the block's own number). A SKU's plan
    depends only on its own rows, so the blocks together are one consistent network.
    """
    if block_skus < 1:
        raise ValueError("block_skus must be at least 1")
    as_of = as_of or dt.date.today()
    for offset in range(0, skus, block_skus):
        block = generate_demo(
            seed=seed,
            stores=stores,
            skus=min(block_skus, skus - offset),
            days=days,
            dcs=dcs,
            as_of=as_of,
            sku_offset=offset,
        )
        if offset:
            frames = block.data.frames()
            for table, column in _DOCUMENT_IDS.items():
                ids = frames[table][column].astype(str)
                frames[table] = frames[table].assign(
                    **{column: ids.str[:3] + f"{offset + 1:06d}-" + ids.str[3:]}
                )
            block = DemoNetwork(NetworkData.from_frames(frames), block.planted)
        yield block


# --- network ------------------------------------------------------------------------------------


def _locations_and_lanes(net: _Net) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the locations and lanes: DCs, their stores, DC<->DC and nearby store<->store."""
    rng = net.rng
    regions = (["North", "South"] + [f"Region {i + 1:02d}" for i in range(2, net.n_dc)])[: net.n_dc]
    net.dc_ids = ["DC-NORTH", "DC-SOUTH"][: net.n_dc] + [
        f"DC-{i + 1:02d}" for i in range(2, net.n_dc)
    ]
    width = max(3, len(str(net.n_st)))
    net.st_ids = [f"S{i + 1:0{width}d}" for i in range(net.n_st)]
    net.st_dc = (np.arange(net.n_st) * net.n_dc) // net.n_st
    cities = [_CITIES[i] for i in rng.permutation(len(_CITIES))]
    st_names = [
        cities[i % len(cities)] + ("" if i < len(cities) else f" {i // len(cities) + 1}")
        for i in range(net.n_st)
    ]
    locations = pd.DataFrame(
        {
            "location_id": net.dc_ids + net.st_ids,
            "name": [f"{r} Distribution Center" for r in regions] + st_names,
            "type": ["dc"] * net.n_dc + ["store"] * net.n_st,
            "region": [""] * net.n_dc + [regions[d] for d in net.st_dc],
            "source_location": [""] * net.n_dc + [net.dc_ids[d] for d in net.st_dc],
        }
    )

    net.st_lead = rng.integers(1, 4, size=net.n_st)
    lanes = [
        pd.DataFrame(
            {
                "from_location": [net.dc_ids[d] for d in net.st_dc],
                "to_location": net.st_ids,
                "lead_time_days": net.st_lead,
                "cost_per_unit": np.round(rng.uniform(0.15, 0.60, net.n_st), 2),
            }
        )
    ]
    a, b = np.triu_indices(net.n_dc, k=1)
    if a.size:
        lt = rng.integers(3, 6, size=a.size)
        cost = np.round(rng.uniform(0.25, 0.70, size=a.size), 2)
        lanes.append(
            pd.DataFrame(
                {
                    "from_location": [net.dc_ids[i] for i in np.r_[a, b]],
                    "to_location": [net.dc_ids[i] for i in np.r_[b, a]],
                    "lead_time_days": np.r_[lt, lt],
                    "cost_per_unit": np.r_[cost, cost],
                }
            )
        )
    # Lateral lanes: each store to its two nearest stores of the same region (kept symmetric).
    xy = rng.uniform(0, 100, size=(net.n_st, 2))
    net.neighbours = [[] for _ in range(net.n_st)]
    for d in range(net.n_dc):
        members = np.flatnonzero(net.st_dc == d)
        for i in members:
            others = members[members != i]
            dist = np.hypot(*(xy[others] - xy[i]).T)
            for j in others[np.argsort(dist, kind="stable")[:2]]:
                if j not in net.neighbours[i]:
                    net.neighbours[i].append(int(j))
                    net.neighbours[int(j)].append(int(i))
    ea = np.array([i for i in range(net.n_st) for j in net.neighbours[i] if i < j], np.int64)
    eb = np.array([j for i in range(net.n_st) for j in net.neighbours[i] if i < j], np.int64)
    if ea.size:
        lt = rng.integers(1, 3, size=ea.size)
        cost = np.round(rng.uniform(0.70, 1.50, size=ea.size), 2)
        lanes.append(
            pd.DataFrame(
                {
                    "from_location": [net.st_ids[i] for i in np.r_[ea, eb]],
                    "to_location": [net.st_ids[i] for i in np.r_[eb, ea]],
                    "lead_time_days": np.r_[lt, lt],
                    "cost_per_unit": np.r_[cost, cost],
                }
            )
        )
    return locations, pd.concat(lanes, ignore_index=True)


def _suppliers(net: _Net) -> tuple[pd.DataFrame, IntArray, FloatArray]:
    """Return the suppliers, their lead times and lead-time standard deviations."""
    rng = net.rng
    lead, std, ontime = [], [], []
    for _, kind in _SUPPLIERS:
        (l0, l1), (s0, s1), (o0, o1) = _SUPPLIER_KINDS[kind]
        lead.append(int(rng.integers(l0, l1 + 1)))
        std.append(round(float(rng.uniform(s0, s1)), 1))
        ontime.append(round(float(rng.uniform(o0, o1)), 2))
    frame = pd.DataFrame(
        {
            "supplier_id": [f"SUP-{i + 1:02d}" for i in range(len(_SUPPLIERS))],
            "name": [name for name, _ in _SUPPLIERS],
            "lead_time_days": lead,
            "lead_time_std_days": std,
            "on_time_rate": ontime,
        }
    )
    return frame, np.array(lead, np.int64), np.array(std, np.float64)


def _items(net: _Net) -> tuple[pd.DataFrame, IntArray]:
    """Return the items and each SKU's category index."""
    rng = net.rng
    n = net.n_sku
    shares = np.array([c.share for c in _CATEGORIES])
    cat = rng.choice(len(_CATEGORIES), size=n, p=shares / shares.sum())
    lo = np.array([_CATEGORIES[c].price[0] for c in cat])
    hi = np.array([_CATEGORIES[c].price[1] for c in cat])
    price = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    price = np.maximum(np.ceil(price * 2) / 2 - 0.01, 0.99)
    margin = rng.uniform(0.20, 0.60, size=n)
    cost = np.round(price * (1 - margin), 2)
    pick = rng.random((n, 3))
    packs = [
        c.packs[int(u * len(c.packs))]
        for c, u in zip((_CATEGORIES[c] for c in cat), pick[:, 0], strict=True)
    ]
    desc = [
        f"{_ADJECTIVES[int(a * len(_ADJECTIVES))]} "
        f"{_CATEGORIES[c].nouns[int(b * len(_CATEGORIES[c].nouns))]}"
        for c, a, b in zip(cat, pick[:, 1], pick[:, 2], strict=True)
    ]
    net.sku_ids = [f"SKU-{net.sku_offset + i + 1:04d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "sku": net.sku_ids,
            "description": desc,
            "category": [_CATEGORIES[c].name for c in cat],
            "unit_cost": cost,
            "unit_price": price,
            "case_pack": packs,
        }
    )
    return frame, cat.astype(np.int64)


def _item_suppliers(
    net: _Net, cat: IntArray, cost: FloatArray, sup_lead: IntArray, sup_std: FloatArray
) -> tuple[pd.DataFrame, IntArray, FloatArray]:
    """Return the sourcing table and each SKU's primary lead time and lead-time std."""
    rng = net.rng
    n = net.n_sku
    u = rng.random((n, 8))
    prim = np.array(
        [
            _CATEGORIES[c].suppliers[int(x * len(_CATEGORIES[c].suppliers))]
            for c, x in zip(cat, u[:, 0], strict=True)
        ],
        dtype=np.int64,
    )
    p_lead = np.where(
        u[:, 1] < 0.2, np.clip(sup_lead[prim] + rng.integers(-3, 7, size=n), 5, 45), np.nan
    )
    moq_choices = np.array([0, 0, 12, 24, 48, 100, 200])
    p_moq = moq_choices[(u[:, 2] * len(moq_choices)).astype(np.int64)]
    # A secondary source is a wholesaler: faster, and 4-18 % dearer.
    k = np.flatnonzero(u[:, 3] < 0.4)
    sec = np.array(_WHOLESALERS)[(u[k, 4] * len(_WHOLESALERS)).astype(np.int64)]
    s_lead = np.where(u[k, 5] < 0.15, np.clip(sup_lead[sec] - 2, 3, 45), np.nan)
    s_moq = np.array([0, 6, 12, 24])[(u[k, 6] * 4).astype(np.int64)]
    s_cost = np.round(cost[k] * (1.04 + 0.14 * u[k, 7]), 2)
    frame = pd.DataFrame(
        {
            "sku": [net.sku_ids[i] for i in range(n)] + [net.sku_ids[i] for i in k],
            "supplier_id": [f"SUP-{s + 1:02d}" for s in np.r_[prim, sec]],
            "unit_cost": np.r_[cost, s_cost],
            "moq": np.r_[p_moq, s_moq],
            "lead_time_days": np.r_[p_lead, s_lead],
            "primary": np.r_[np.ones(n, bool), np.zeros(k.size, bool)],
        }
    )
    lead = np.where(np.isnan(p_lead), sup_lead[prim], p_lead).astype(np.int64)
    return frame, lead, sup_std[prim]


# --- demand -------------------------------------------------------------------------------------


def _expand(p: IntArray, t0: IntArray, t1: IntArray, m: FloatArray) -> tuple[IntArray, ...]:
    """Return (pair, day, multiplier) flattened over the day ranges [t0, t1) of each segment."""
    lens = np.maximum(np.asarray(t1) - np.asarray(t0), 0)
    seg = np.repeat(np.arange(lens.size), lens)
    offs = np.arange(seg.size) - np.repeat(np.cumsum(lens) - lens, lens)
    return p[seg], t0[seg] + offs, m[seg]  # type: ignore[return-value]


@dataclass
class _Promo:
    """One promotion event: a SKU at some stores over [start, start + length) (day index)."""

    sku: int
    stores: list[int]
    start: int  # index on the generation time axis (day `days - 1` is as_of)
    length: int
    discount: float
    expected: float
    actual: float
    planted: bool = False


class _Demand:
    """The demand model: SKU shapes, SKU-store levels, promotions and planted level changes."""

    def __init__(self, net: _Net, cat: IntArray, price: FloatArray) -> None:
        self.net = net
        rng = net.rng
        n, n_st = net.n_sku, net.n_st
        slow_share = np.array([_CATEGORIES[c].slow_share for c in cat])
        self.slow = rng.random(n) < slow_share * 1.05
        kind = np.array([_CATEGORIES[c].seasonal for c in cat])
        self.seasonal = ~self.slow & (kind != "")
        self.trend = ~self.seasonal & (rng.random(n) < 0.25)
        growth = np.where(self.trend, rng.uniform(-0.30, 0.45, n), 0.0)
        fast = np.clip(np.exp(rng.normal(np.log(4.5), 0.6, n)) * (8.0 / price) ** 0.35, 1.0, 40)
        self.sku_base = np.where(self.slow, rng.uniform(0.06, 0.30, n), fast)
        # Gamma shape of the daily noise: mild over-dispersion for fast movers, lumpy slow ones.
        self.shape = np.where(self.slow, rng.uniform(1.0, 4.0, n), rng.uniform(10.0, 40.0, n))

        t_all = net.days + FUTURE_DAYS
        dates = pd.date_range(net.start, periods=t_all, freq="D")
        doy = dates.day_of_year.to_numpy().astype(np.float64)
        self.dow = dates.day_of_week.to_numpy()
        curve = np.ones((n, t_all))
        garden = self.seasonal & (kind == "garden")
        amp = rng.uniform(0.35, 0.55, n)
        curve[garden] = 1 + amp[garden, None] * np.cos(2 * np.pi * (doy - 160) / 365.25)[None, :]
        toys = self.seasonal & (kind == "toys")
        delta = (doy - 352 + 182) % 365 - 182
        bump = np.exp(-0.5 * (delta / 20.0) ** 2)
        amp = rng.uniform(0.6, 1.2, n)
        curve[toys] = (1 + amp[toys, None] * bump[None, :]) / (1 + amp[toys, None] * bump.mean())
        t_rel = (np.arange(t_all) - (net.days - 1)) / 365.25
        self.curve = curve * np.exp(growth[:, None] * t_rel[None, :])

        p_store = rng.uniform(0.78, 0.93, n_st)
        self.carried = rng.random((n, n_st)) < p_store[None, :]
        none = np.flatnonzero(~self.carried.any(axis=1))
        self.carried[none, rng.integers(0, n_st, none.size)] = True
        size = np.clip(np.exp(rng.normal(0.0, 0.3, n_st)), 0.6, 2.0)
        base = self.sku_base[:, None] * size[None, :] * np.exp(rng.normal(0.0, 0.25, (n, n_st)))
        self.base_full = np.where(self.slow[:, None], np.maximum(base, 0.04), base)
        # Rate around as_of (weekly mean), used to pick planted cases.
        self.rate_now = (
            self.base_full * self.curve[:, net.days - 8 : net.days + 7].mean(axis=1)[:, None]
        )
        self.promos: list[_Promo] = []

    def finalise(self, plan: _Planter) -> None:
        """Fix the SKU-store pairs (after planted assortment changes) and all demand changes."""
        net = self.net
        ps, pst = np.nonzero(self.carried)  # SKU-major order
        self.pair_sku, self.pair_st = ps.astype(np.int64), pst.astype(np.int64)
        self.pidx = np.full(self.carried.shape, -1, np.int64)
        self.pidx[ps, pst] = np.arange(ps.size)
        self.base = self.base_full[ps, pst]
        self.k = self.shape[ps]
        self._past_promos(plan)
        self._future_promos(plan)
        learned = np.full(net.n_sku, np.nan)
        for s in {pr.sku for pr in self.promos if not pr.planted and pr.start < net.days}:
            learned[s] = np.mean([pr.actual for pr in self.promos if pr.sku == s])

        d = net.days
        hp, h0, h1, hm = [], [], [], []  # history changes
        fp, f0, f1, fm, fs = [], [], [], [], []  # future changes (truth, stock sizing)
        self.promo_end = np.zeros(ps.size, np.int64)  # last future promo day to cover (0: none)
        for pr in self.promos:
            rows = self.pidx[pr.sku, pr.stores]
            n = rows.size
            if pr.start < d:
                hp.append(rows)
                h0.append(np.full(n, pr.start))
                h1.append(np.full(n, min(pr.start + pr.length, d)))
                hm.append(np.full(n, pr.actual))
            else:
                fp.append(rows)
                f0.append(np.full(n, pr.start - d))
                f1.append(np.full(n, min(pr.start + pr.length - d, FUTURE_DAYS)))
                fm.append(np.full(n, pr.expected))
                up = pr.expected if np.isnan(learned[pr.sku]) else learned[pr.sku]
                fs.append(np.full(n, max(pr.expected, up)))
                if not pr.planted:
                    self.promo_end[rows] = pr.start + pr.length - d
        self.stock_mult = np.ones(ps.size)
        level = np.ones(ps.size)
        self.zero_days = np.zeros(ps.size, np.int64)
        for case in plan.cases:
            if case.type == ExceptionType.FORECAST_BIAS:
                p = np.array([self.pidx[case.sku, case.store]])
                hp.append(p)
                h0.append(np.array([d - 28]))
                h1.append(np.array([d]))
                hm.append(np.array([case.mult]))
                fp.append(p)
                f0.append(np.array([0]))
                f1.append(np.array([FUTURE_DAYS]))
                fm.append(np.array([case.mult]))
                fs.append(np.array([case.mult]))
                # Size the stock for the higher of the old and new level.
                self.stock_mult[p] = max(1.0, 1.0 / case.mult)
                level[p] = case.mult
            elif case.type == ExceptionType.INVENTORY_ANOMALY and case.variant == "phantom":
                self.zero_days[self.pidx[case.sku, case.store]] = case.zero_days

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

        self.hist_mods = _expand(
            cat(hp, np.int64), cat(h0, np.int64), cat(h1, np.int64), cat(hm, float)
        )
        fut_idx = (cat(fp, np.int64), cat(f0, np.int64), cat(f1, np.int64))
        wk = WEEKLY[self.dow[d : d + FUTURE_DAYS]]
        self.fut = self.base[:, None] * wk[None, :] * self.curve[ps, d : d + FUTURE_DAYS]
        fut_stock = self.fut.copy()
        p, t, m = _expand(*fut_idx, cat(fm, float))
        np.multiply.at(self.fut, (p, t), m)
        p, t, m = _expand(*fut_idx, cat(fs, float))
        np.multiply.at(fut_stock, (p, t), m)
        # The level of the last four weeks: a forecast lags a season, so stock covers both.
        recent = self.base * self.curve[ps, d - 28 : d].mean(axis=1) * level
        fut_stock = np.maximum(fut_stock, recent[:, None] * wk[None, :])
        self.fut_stock = fut_stock * self.stock_mult[:, None]
        # A DC sees a store's dropped level only partly at first (its forecast lags).
        dc_mult = np.where(level < 1, (1 + 1 / level) / 2, 1.0)
        self.fut_dc = fut_stock * dc_mult[:, None]
        self.recent = recent
        self.recent_dc = recent * dc_mult

    def _past_promos(self, plan: _Planter) -> None:
        """Draw past promotions: 7-14 days, 10-40 % off, on regions' stores of some SKUs."""
        net = self.net
        rng = net.rng
        d = net.days
        slot = 56
        first, last = 28, d - 40  # none in the last 40 days: keep the bias window clean
        n_slots = max((last - first) // slot, 0)
        if n_slots == 0:
            return
        lucky = ~self.slow & (rng.random(net.n_sku) < 0.35)
        # SKUs with a planted promotion have no history: the plan uses their expected uplift.
        lucky[[c.sku for c in plan.cases if c.type == ExceptionType.PROMO_UNCOVERED]] = False
        for s in np.flatnonzero(lucky):
            k = min(1 + int(rng.poisson(0.8 * d / 730)), n_slots)
            for sl in np.sort(rng.choice(n_slots, size=k, replace=False)):
                region = int(rng.integers(net.n_dc))
                stores = np.flatnonzero(self.carried[s] & (net.st_dc == region))
                stores = stores[rng.random(stores.size) < 0.8]
                if stores.size == 0:
                    continue
                disc = float(rng.choice([10, 15, 20, 25, 30, 35, 40]))
                exp_up = round(float(np.clip(1 + disc / 100 * rng.uniform(2.5, 4.0), 1.3, 2.5)), 2)
                # The real lift misses the plan by 5-18 %, either way.
                miss = rng.uniform(0.05, 0.18) * (1 if rng.random() < 0.5 else -1)
                self.promos.append(
                    _Promo(
                        sku=int(s),
                        stores=[int(x) for x in stores],
                        start=first + int(sl) * slot + int(rng.integers(0, slot - 14)),
                        length=int(rng.integers(7, 15)),
                        discount=disc,
                        expected=exp_up,
                        actual=exp_up * (1 + miss),
                    )
                )

    def _future_promos(self, plan: _Planter) -> None:
        """Add a few announced promotions starting in 3-30 days, and the planted ones."""
        net = self.net
        rng = net.rng
        taken = {c.sku for c in plan.cases}
        pool = [s for s in np.flatnonzero(~self.slow & ~self.seasonal) if s not in taken]
        n_ev = min(max(1, round(net.n_sku / 60)), len(pool))
        for s in rng.choice(pool, size=n_ev, replace=False) if n_ev else []:
            region = int(rng.integers(net.n_dc))
            stores = np.flatnonzero(self.carried[s] & (net.st_dc == region))
            if stores.size == 0:
                continue
            disc = float(rng.choice([15, 20, 25, 30]))
            exp_up = round(float(np.clip(1 + disc / 100 * rng.uniform(2.5, 4.0), 1.3, 2.5)), 2)
            self.promos.append(
                _Promo(
                    sku=int(s),
                    stores=[int(x) for x in stores],
                    start=net.days - 1 + int(rng.integers(3, 31)),
                    length=int(rng.integers(7, 15)),
                    discount=disc,
                    expected=exp_up,
                    actual=exp_up,
                )
            )
        for c in plan.cases:
            if c.type == ExceptionType.PROMO_UNCOVERED:
                self.promos.append(
                    _Promo(
                        sku=c.sku,
                        stores=[c.store],
                        start=net.days - 1 + c.promo_start,
                        length=c.promo_len,
                        discount=30.0,
                        expected=2.2,
                        actual=2.2,
                        planted=True,
                    )
                )
        self.promos.sort(key=lambda pr: (pr.start, pr.sku))

    def promotions_frame(self, net: _Net) -> pd.DataFrame:
        """Return the promotions table (one row per promotion and store)."""
        rows = [
            (f"PR-{i + 1:05d}", net.sku_ids[pr.sku], net.st_ids[st], pr.start, pr.length, pr)
            for i, pr in enumerate(self.promos)
            for st in pr.stores
        ]
        start = np.datetime64(net.start, "D")
        t0 = np.array([r[3] for r in rows], np.int64)
        t1 = t0 + np.array([r[4] for r in rows], np.int64) - 1
        return pd.DataFrame(
            {
                "promo_id": [r[0] for r in rows],
                "sku": [r[1] for r in rows],
                "location_id": [r[2] for r in rows],
                "start_date": start + t0.astype("timedelta64[D]"),
                "end_date": start + t1.astype("timedelta64[D]"),
                "expected_uplift": [r[5].expected for r in rows],
                "discount_pct": [r[5].discount for r in rows],
            }
        )

    def sample_sales(self, net: _Net, plan: _Planter) -> pd.DataFrame:
        """Draw daily units for every SKU-store and return the non-zero rows as the sales table."""
        rng = net.rng
        d = net.days
        wk = WEEKLY[self.dow[:d]]
        hp, ht, hm = self.hist_mods
        out_p, out_t, out_u = [], [], []
        for c0 in range(0, self.pair_sku.size, CHUNK_PAIRS):
            c1 = min(c0 + CHUNK_PAIRS, self.pair_sku.size)
            rate = self.base[c0:c1, None] * wk[None, :] * self.curve[self.pair_sku[c0:c1], :d]
            sel = (hp >= c0) & (hp < c1)
            np.multiply.at(rate, (hp[sel] - c0, ht[sel]), hm[sel])
            k = np.broadcast_to(self.k[c0:c1, None], rate.shape)
            units = rng.poisson(rate * rng.gamma(k, 1.0 / k))
            for r in np.flatnonzero(self.zero_days[c0:c1]):
                units[r, d - self.zero_days[c0 + r] :] = 0
            rr, tt = np.nonzero(units)
            out_p.append(rr.astype(np.int32) + np.int32(c0))
            out_t.append(tt.astype(np.int32))
            out_u.append(units[rr, tt].astype(np.int32))
        p = np.concatenate(out_p)
        t = np.concatenate(out_t)
        day0 = np.datetime64(net.start, "D")
        return pd.DataFrame(
            {
                "date": (day0 + t.astype("timedelta64[D]")).astype("datetime64[ns]"),
                "sku": pd.Categorical.from_codes(self.pair_sku[p], categories=net.sku_ids),
                "location_id": pd.Categorical.from_codes(self.pair_st[p], categories=net.st_ids),
                "units": np.concatenate(out_u),
            }
        )


# --- planted exceptions -------------------------------------------------------------------------


@dataclass
class _Case:
    """One planted exception (indexes; quantities are set when the stock is built)."""

    type: ExceptionType
    sku: int
    store: int = -1  # -1: the case sits at `dc`
    dc: int = -1
    variant: str = ""
    other: int = -1  # paired store: the surplus neighbour of a stockout, or the reverse
    mult: float = 1.0  # forecast_bias: new level / old level over the last 28 days
    zero_days: int = 0  # phantom stock: trailing days without a sale
    promo_start: int = 0  # promo_uncovered: first promotion day (days after as_of)
    promo_len: int = 0


class _Planter:
    """Choose the SKU-locations to break, one mix per exception type."""

    def __init__(self, net: _Net, demand: _Demand, sku_lead: IntArray, sku_std: FloatArray) -> None:
        self.net = net
        self.demand = demand
        self.sku_lead = sku_lead
        self.sku_std = sku_std
        self.cases: list[_Case] = []
        self.planted: list[tuple[str, str, str, str]] = []
        self.used_pairs: set[tuple[int, int]] = set()
        self.used_dc: set[tuple[int, int]] = set()
        self.sku_uses = np.zeros(net.n_sku, np.int64)
        self.n_each = int(np.clip(round(net.n_st * net.n_sku / 1500), 2, 6))

    def _pick(
        self,
        min_rate: float,
        *,
        lock_dc: bool = False,
        store_ok: np.ndarray | None = None,
        sku_score: np.ndarray | None = None,
    ) -> tuple[int, int] | None:
        """Return a (sku, store) to plant at: a steady fast seller, preferring unused SKUs."""
        dm, net = self.demand, self.net
        ok = dm.carried & ~dm.slow[:, None] & ~dm.seasonal[:, None]
        if store_ok is not None:
            ok &= store_ok[None, :]
        rate = np.where(ok, dm.rate_now, 0.0)
        s_idx, st_idx = np.nonzero(rate > 0)
        if s_idx.size == 0:
            return None
        r = rate[s_idx, st_idx]
        free = np.array(
            [
                (s, st) not in self.used_pairs
                and not (lock_dc and (s, int(net.st_dc[st])) in self.used_dc)
                for s, st in zip(s_idx, st_idx, strict=True)
            ]
        )
        if not free.any():
            return None
        score = np.where(r >= min_rate, 0.0, 10.0)  # fast enough comes first
        score += self.sku_uses[s_idx] * 2.0  # prefer fresh SKUs
        score += 4.0 * (dm.trend[s_idx])
        if sku_score is not None:
            score += sku_score[s_idx]
        score = np.where(free, score, np.inf)
        jitter = net.rng.random(score.size) * 0.5
        best = int(np.argmin(score + jitter - 1e-6 * r))
        s, st = int(s_idx[best]), int(st_idx[best])
        self.used_pairs.add((s, st))
        self.sku_uses[s] += 1
        if lock_dc:
            self.used_dc.add((s, int(net.st_dc[st])))
        return s, st

    def choose(self) -> None:
        """Choose every planted case (and change the assortment where a case needs it)."""
        net, dm, n = self.net, self.demand, self.n_each
        rng = net.rng
        # Stockouts: a surplus neighbour, no source at all (a PO), or a DC with surplus.
        variants = ["neighbour", "none", "dc", "none", "dc", "neighbour"][:n]
        # Relative room between "healthy" and "no surplus" at a DC (see _Stock): prefer wide.
        lt, sd = self.sku_lead.astype(float), np.maximum(self.sku_std, 0.5)
        room = np.minimum(Z_95 * sd, REVIEW_DAYS) / (lt + REVIEW_DAYS + Z_95 * sd)
        room_score = np.clip((0.15 - room) * 20, 0, 3)
        late_ok = 1.44 * (2 + np.ceil(sd) + Z_95 * sd) < lt + REVIEW_DAYS
        n_paired = 0
        for v in variants:
            if v == "neighbour":
                has_nb = np.array([len(nb) > 0 for nb in net.neighbours])
                got = self._pick(4.0, store_ok=has_nb)
                if got is None:
                    continue
                s, st = got
                nbs = [
                    j
                    for j in net.neighbours[st]
                    if dm.carried[s, j] and (s, j) not in self.used_pairs
                ]
                if not nbs:
                    v = "dc"
                    self.used_dc.add((s, int(net.st_dc[st])))
                else:
                    j = nbs[0]
                    self.used_pairs.add((s, j))
                    self.cases.append(
                        _Case(ExceptionType.OVERSTOCK, s, store=j, variant="paired", other=st)
                    )
                    n_paired += 1
                    self.cases.append(
                        _Case(ExceptionType.STOCKOUT_RISK, s, store=st, variant=v, other=j)
                    )
                    continue
            else:
                got = self._pick(3.0, lock_dc=True, sku_score=room_score if v == "none" else None)
                if got is None:
                    continue
                s, st = got
            if v == "none":
                # No neighbour carries the SKU, and the DC holds no surplus: only a PO helps.
                for j in net.neighbours[st]:
                    dm.carried[s, j] = False
                    self.used_pairs.add((s, j))
            self.cases.append(
                _Case(ExceptionType.STOCKOUT_RISK, s, store=st, dc=int(net.st_dc[st]), variant=v)
            )

        over = ["dc"] + ["store"] * n
        for v in over[: max(n - n_paired, 0)]:
            got = self._pick(1.0, lock_dc=v == "dc")
            if got is None:
                continue
            s, st = got
            if v == "dc":
                self.cases.append(
                    _Case(ExceptionType.OVERSTOCK, s, dc=int(net.st_dc[st]), variant="dc")
                )
            else:
                self.cases.append(_Case(ExceptionType.OVERSTOCK, s, store=st, variant="store"))

        for _ in range(n):
            got = self._pick(1.5, lock_dc=True, sku_score=np.where(late_ok, 0.0, 3.0))
            if got is not None:
                self.cases.append(_Case(ExceptionType.LATE_PO, got[0], dc=int(net.st_dc[got[1]])))

        long_lane = net.st_lead >= 2
        for i in range(n):
            if i % 2 == 0 and long_lane.any():
                got = self._pick(2.0, store_ok=long_lane)
                if got is not None:
                    self.cases.append(
                        _Case(
                            ExceptionType.BELOW_SAFETY_STOCK, got[0], store=got[1], variant="store"
                        )
                    )
            else:
                got = self._pick(2.0, lock_dc=True)
                if got is not None:
                    dc = int(net.st_dc[got[1]])
                    self.cases.append(
                        _Case(ExceptionType.BELOW_SAFETY_STOCK, got[0], dc=dc, variant="dc")
                    )

        for _ in range(n):
            got = self._pick(1.5)
            if got is not None:
                # Starts after L + R: the stock is healthy until then, short during it.
                start = int(net.st_lead[got[1]]) + REVIEW_DAYS + int(rng.integers(2, 9))
                self.cases.append(
                    _Case(
                        ExceptionType.PROMO_UNCOVERED,
                        got[0],
                        store=got[1],
                        promo_start=min(start, 30),
                        promo_len=int(rng.integers(10, 15)),
                    )
                )

        for i in range(n):
            drop = i % 2 == 0
            got = self._pick(4.5 if drop else 2.5)
            if got is not None:
                self.cases.append(
                    _Case(
                        ExceptionType.FORECAST_BIAS,
                        got[0],
                        store=got[1],
                        variant="drop" if drop else "jump",
                        mult=0.4 if drop else 1.75,
                    )
                )

        for i in range(n):
            phantom = i % 2 == 1
            got = self._pick(2.0 if phantom else 0.5)
            if got is not None:
                self.cases.append(
                    _Case(
                        ExceptionType.INVENTORY_ANOMALY,
                        got[0],
                        store=got[1],
                        variant="phantom" if phantom else "negative",
                        zero_days=int(rng.integers(14, 22)) if phantom else 0,
                    )
                )
        for c in self.cases:
            if c.store >= 0:
                c.dc = int(net.st_dc[c.store])


# --- stock, orders and transfers ----------------------------------------------------------------


def _pair_ids(demand: _Demand, pairs: set[tuple[int, int]]) -> list[int]:
    """Return the SKU-store pair indexes of (sku, store) index tuples that are carried."""
    ids = (int(demand.pidx[s, st]) for s, st in pairs if st >= 0)
    return [i for i in ids if i >= 0]


class _StockHistory:
    """Daily store on hand over the last `HISTORY_DAYS`, consistent with the sales and the stock.

    Built backward from each SKU-store's on hand at as_of: the day before holds today's stock
    plus today's sales, less today's receipt. Each store receives once a week (its own weekday):
    a receipt tops the stock up from at most the SKU-store's safety stock (at least 1 unit), so
    the stock cycles between about its safety stock and a week's sales above it and never runs
    out where the sales say demand was met. A few regular sellers outside the planted cases
    (`PAST_STOCKOUT_SHARE`) get one past stockout spell (`PAST_STOCKOUT_DAYS`, ending at least
    five weeks before as_of): no sales and nothing on hand on its days, the shelf emptied the
    day before it and restocked the day after it. A planted stock of 0 or below at as_of stays
    what it is (a stockout or a negative record); the days before it count back from 0.
    """

    def __init__(
        self, net: _Net, demand: _Demand, plan: _Planter, stock: _Stock, rng: np.random.Generator
    ) -> None:
        self.net, self.dm = net, demand
        n = demand.pair_sku.size
        d = min(HISTORY_DAYS, net.days)
        self.days = d
        planted_skus = np.array(sorted({c.sku for c in plan.cases}), np.int64)
        used = np.array(_pair_ids(demand, plan.used_pairs), np.int64)
        regular = (stock.lam >= 0.5) & ~np.isin(demand.pair_sku, planted_skus)
        regular[used] = False
        pick = np.flatnonzero(regular & (rng.random(n) < PAST_STOCKOUT_SHARE))
        length = rng.integers(*PAST_STOCKOUT_DAYS, pick.size)
        # Spells end at least five weeks before as_of (before the horizon a backtest scores).
        first = rng.integers(1, d - 35 - PAST_STOCKOUT_DAYS[1] + 2, pick.size)
        self.out = np.zeros((n, d), bool)
        for p, f, ln in zip(pick, first, length, strict=True):
            self.out[p, f : f + ln] = True
        self.oh_now = stock.oh.astype(np.int64)
        self.floor = np.maximum(np.round(stock.ss), 1.0).astype(np.int64)
        self.receipt_dow = np.asarray(demand.pair_st % 7, np.int64)

    def censor_sales(self, sales: pd.DataFrame) -> pd.DataFrame:
        """Drop the sales of the past stockout days; keep the dense sales of the window."""
        net, dm, d = self.net, self.dm, self.days
        day = (sales["date"].to_numpy("datetime64[D]") - np.datetime64(net.start, "D")).astype(
            np.int64
        )
        local = day - (net.days - d)
        pair = dm.pidx[sales["sku"].cat.codes.to_numpy(), sales["location_id"].cat.codes.to_numpy()]
        inside = local >= 0
        hit = np.zeros(len(sales), bool)
        hit[inside] = self.out[pair[inside], local[inside]]
        self.sold = np.zeros((dm.pair_sku.size, d), np.int64)
        keep = inside & ~hit
        np.add.at(self.sold, (pair[keep], local[keep]), sales["units"].to_numpy(np.int64)[keep])
        return sales.loc[~hit].reset_index(drop=True)

    def frame(self) -> pd.DataFrame:
        """Return the `inventory_history` rows: date, sku, location_id, on_hand, stockout."""
        net, dm, d = self.net, self.dm, self.days
        n = dm.pair_sku.size
        on_hand = np.zeros((n, d), np.int64)
        level = np.maximum(self.oh_now, 0)
        dow0 = (net.as_of - dt.timedelta(days=d - 1)).weekday()
        restock = np.zeros((n, d), bool)
        restock[:, 1:] = self.out[:, :-1] & ~self.out[:, 1:]
        for t in range(d - 1, -1, -1):
            on_hand[:, t] = level
            sold = self.sold[:, t]
            before = level + sold
            weekly = self.receipt_dow == (dow0 + t) % 7
            # The stock at the end of the day before: topped up to here by today's receipt.
            level = np.where(weekly, np.minimum(before, np.maximum(self.floor, 0)), before)
            # A spell day has nothing; the day after it, the restock refills from 0.
            level = np.where(restock[:, t] | self.out[:, t], 0, level)
        on_hand[:, -1] = self.oh_now
        on_hand[self.out] = 0
        pair = np.repeat(np.arange(n), d)
        local = np.tile(np.arange(d), n)
        day0 = np.datetime64(net.as_of, "D") - (d - 1)
        flat = on_hand.ravel()
        return pd.DataFrame(
            {
                "date": (day0 + local.astype("timedelta64[D]")).astype("datetime64[ns]"),
                "sku": pd.Categorical.from_codes(dm.pair_sku[pair], categories=net.sku_ids),
                "location_id": pd.Categorical.from_codes(
                    dm.pair_st[pair] + net.n_dc, categories=net.dc_ids + net.st_ids
                ),
                "on_hand": flat,
                "stockout": flat <= 0,
            }
        )


def _round_pack(qty: FloatArray, pack: IntArray, moq: IntArray) -> IntArray:
    """Return max(qty, moq) rounded up to whole case packs (at least one pack)."""
    want = np.maximum(np.maximum(np.ceil(qty), moq), 1)
    return (np.ceil(want / pack) * pack).astype(np.int64)


class _Stock:
    """On hand per SKU-location from the planning rules, then the planted breakages."""

    def __init__(
        self,
        net: _Net,
        demand: _Demand,
        plan: _Planter,
        sku_lead: IntArray,
        sku_std: FloatArray,
        case_pack: IntArray,
        sourcing: pd.DataFrame,
        on_time: pd.Series | None = None,
    ) -> None:
        self.net, self.dm, self.plan = net, demand, plan
        self.sku_lead, self.sku_std, self.pack = sku_lead, sku_std, case_pack.astype(np.int64)
        primary = sourcing[sourcing["primary"]].set_index("sku").loc[net.sku_ids]
        self.moq = primary["moq"].to_numpy(np.int64)
        self.supplier = primary["supplier_id"].to_numpy(object)
        rates = on_time if on_time is not None else pd.Series(dtype=float)
        self.on_time = rates.reindex(self.supplier).fillna(1.0).to_numpy(float)
        self.t = np.datetime64(net.as_of, "D")
        self._store_levels()
        self._dc_levels()
        # (sku, location, qty, ship/order offset, expected offset, status, supplier) rows
        self.po_rows: list[tuple[int, str, int, int, int, str]] = []
        self.tr_rows: list[tuple[int, str, str, int, int, int, str]] = []
        self._apply_cases()

    def _store_levels(self) -> None:
        """Set store on hand between what L + R needs and a little above order-up-to."""
        dm, net = self.dm, self.net
        n = dm.pair_sku.size
        rows = np.arange(n)
        self.lt = net.st_lead[dm.pair_st]
        lr = self.lt + REVIEW_DAYS
        cum = np.cumsum(dm.fut_stock, axis=1)
        self.cum = np.cumsum(dm.fut, axis=1)
        self.lam = self.cum[rows, lr - 1] / lr
        self.sigma = 1.15 * np.sqrt(self.lam + self.lam**2 / dm.k)
        self.ss = Z_95 * np.sqrt(self.lt) * self.sigma
        need = np.maximum(cum[rows, lr - 1], cum[rows, self.lt - 1] + self.ss)
        promo = dm.promo_end > 0
        # Stock for an announced promotion is built before it starts.
        end = np.clip(dm.promo_end, 1, FUTURE_DAYS) - 1
        need = np.where(promo, np.maximum(need, 1.15 * cum[rows, end] + self.ss), need)
        oh = np.ceil(1.2 * need + 1)
        # Slow movers: never hold so much that the cover reaches the overstock limit.
        oh = np.minimum(
            oh, np.maximum(np.ceil(need), np.floor(80 * np.minimum(self.lam, dm.recent)))
        )
        self.s_store = self.cum[rows, lr - 1] + self.ss
        self.oh = np.maximum(oh, 1).astype(np.int64)

    def _dc_levels(self) -> None:
        """Set DC on hand for its stores' demand over the supplier lead time + review + safety."""
        dm, net = self.dm, self.net
        key = dm.pair_sku * net.n_dc + net.st_dc[dm.pair_st]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        self.dc_key = key[starts]
        self.dc_sku = self.dc_key // net.n_dc
        self.dc_dc = self.dc_key % net.n_dc
        m = self.dc_key.size
        rows = np.arange(m)
        fut = np.add.reduceat(dm.fut_dc, starts, axis=0)
        self.dc_cum = np.cumsum(np.add.reduceat(self.dm.fut, starts, axis=0), axis=1)
        cum = np.cumsum(fut, axis=1)
        self.dc_lt = self.sku_lead[self.dc_sku]
        lr = self.dc_lt + REVIEW_DAYS
        sig = np.sqrt(np.add.reduceat(self.sigma**2, starts))
        self.dc_d = self.dc_cum[rows, self.dc_lt - 1] / self.dc_lt
        std = self.sku_std[self.dc_sku]
        self.dc_ss = Z_95 * np.sqrt(self.dc_lt * sig**2 + self.dc_d**2 * std**2)
        self.dc_need = np.maximum(
            self.dc_cum[rows, lr - 1], self.dc_cum[rows, self.dc_lt - 1] + self.dc_ss
        )
        self.dc_s = self.dc_cum[rows, lr - 1] + self.dc_ss
        s_stock = cum[rows, lr - 1] + self.dc_ss
        oh = np.ceil(1.12 * s_stock + 2)
        need = np.maximum(cum[rows, lr - 1], cum[rows, self.dc_lt - 1] + self.dc_ss)
        recent = np.add.reduceat(dm.recent_dc, starts)
        cap = np.floor(85 * np.minimum(self.dc_d, recent))
        self.dc_oh = np.minimum(oh, np.maximum(np.ceil(1.03 * need), cap))
        self.dc_oh = np.maximum(self.dc_oh, 1).astype(np.int64)
        self.dc_row = {
            (int(s), int(d)): int(i)
            for i, (s, d) in enumerate(zip(self.dc_sku, self.dc_dc, strict=True))
        }

    def _apply_cases(self) -> None:
        """Break the planted SKU-locations and record a note for each."""
        dm, net, plan = self.dm, self.net, self.plan
        rng = net.rng
        self.no_transit: set[int] = set()
        self.no_po: set[int] = set()
        for c in plan.cases:
            p = int(dm.pidx[c.sku, c.store]) if c.store >= 0 else -1
            r = self.dc_row.get((c.sku, c.dc), -1)
            loc = net.st_ids[c.store] if c.store >= 0 else net.dc_ids[c.dc]
            dc_id = net.dc_ids[c.dc]
            if p >= 0:
                self.no_transit.add(p)
            if c.store < 0 or (
                c.type == ExceptionType.STOCKOUT_RISK and c.variant in ("dc", "none")
            ):
                self.no_po.add(r)
            note = ""
            if c.type == ExceptionType.STOCKOUT_RISK:
                self.oh[p] = int(0.3 * dm.fut[p, 0])
                need = float(np.ceil(self.s_store[p] - self.oh[p]))
                head = (
                    f"sells ~{self.lam[p]:.1f}/day, {self.oh[p]} on hand, nothing inbound "
                    f"(lane lead time {self.lt[p]} d)"
                )
                if c.variant == "neighbour":
                    note = f"{head}; neighbour {net.st_ids[c.other]} holds a surplus to transfer"
                elif c.variant == "dc":
                    self.dc_oh[r] = max(self.dc_oh[r], int(np.ceil(1.12 * self.dc_s[r] + 2 * need)))
                    note = f"{head}; {dc_id} holds a surplus to transfer"
                else:
                    self.dc_oh[r] = round((self.dc_need[r] + self.dc_s[r]) / 2)
                    note = f"{head}; no neighbour carries it and {dc_id} has no surplus: buy"
            elif c.type == ExceptionType.OVERSTOCK:
                cover = float(rng.uniform(300, 420))
                if c.variant == "dc":
                    self.dc_oh[r] = int(np.ceil(cover * self.dc_d[r]))
                    note = f"{self.dc_oh[r]} on hand, ~{cover:.0f} days of the stores' demand"
                else:
                    self.oh[p] = int(np.ceil(cover * self.lam[p]))
                    note = f"{self.oh[p]} on hand vs ~{self.lam[p]:.1f}/day: ~{cover:.0f} days"
                    if c.variant == "paired":
                        q = int(dm.pidx[c.sku, c.other])
                        extra = int(np.ceil(self.s_store[p] + 2 * self.s_store[q]))
                        self.oh[p] = max(int(self.oh[p]), extra)
                        note += f"; neighbour {net.st_ids[c.other]} is short of it"
            elif c.type == ExceptionType.LATE_PO:
                lr = self.dc_lt[r] + REVIEW_DAYS
                arr = 1 + int(np.ceil(self.sku_std[c.sku]))
                cover_to = min(arr, lr) - 1
                oh = np.ceil(1.15 * (self.dc_cum[r, cover_to] + self.dc_ss[r]))
                if oh >= 0.9 * self.dc_cum[r, lr - 1]:
                    oh = np.ceil(1.02 * (self.dc_cum[r, cover_to] + self.dc_ss[r]))
                self.dc_oh[r] = int(oh)
                qty = self._pack(c.sku, max(1.15 * self.dc_s[r] - oh, self.dc_d[r] * REVIEW_DAYS))
                late = int(rng.integers(5, 16))
                self.po_rows.append((c.sku, dc_id, qty, -late - int(self.dc_lt[r]), -late, "open"))
                note = (
                    f"open PO of {qty} was due {late} days ago; {self.dc_oh[r]} on hand "
                    f"covers ~{self.dc_oh[r] / max(self.dc_d[r], 1e-9):.0f} of "
                    f"{lr} days (lead time + review)"
                )
            elif c.type == ExceptionType.BELOW_SAFETY_STOCK and c.variant == "store":
                f1 = float(dm.fut[p, 0])
                self.oh[p] = int(np.ceil(1.35 * f1))
                qty = int(np.ceil(1.3 * self.s_store[p]))
                self.tr_rows.append((c.sku, dc_id, loc, qty, 2 - int(self.lt[p]), 2, "in_transit"))
                note = (
                    f"{self.oh[p]} on hand (~{f1:.1f} sold tomorrow, safety stock "
                    f"~{self.ss[p]:.0f}); a transfer of {qty} arrives in 2 days"
                )
            elif c.type == ExceptionType.BELOW_SAFETY_STOCK:
                self.dc_oh[r] = int(np.ceil(1.3 * self.dc_cum[r, 0]))
                qty = self._pack(c.sku, 1.3 * self.dc_s[r])
                self.po_rows.append((c.sku, dc_id, qty, 2 - int(self.dc_lt[r]), 2, "open"))
                note = (
                    f"{self.dc_oh[r]} on hand (~{self.dc_d[r]:.1f}/day, safety stock "
                    f"~{self.dc_ss[r]:.0f}); a PO of {qty} arrives in 2 days"
                )
            elif c.type == ExceptionType.PROMO_UNCOVERED:
                pr = next(
                    i
                    for i, x in enumerate(dm.promos)
                    if x.planted and x.sku == c.sku and x.stores == [c.store]
                )
                note = (
                    f"promotion PR-{pr + 1:05d} (uplift 2.2) starts in {c.promo_start} days for "
                    f"{c.promo_len} days; {self.oh[p]} on hand covers ~"
                    f"{self.oh[p] / max(self.lam[p], 1e-9):.0f} days at ~{self.lam[p]:.1f}/day"
                )
            elif c.type == ExceptionType.FORECAST_BIAS:
                old = self.lam[p] / c.mult
                note = (
                    f"sales over the last 28 days {'dropped' if c.mult < 1 else 'jumped'} "
                    f"{c.mult - 1:+.0%} (~{old:.1f}/day to ~{self.lam[p]:.1f}/day)"
                )
            elif c.variant == "negative":
                self.oh[p] = -int(rng.integers(2, 13))
                note = f"on hand {self.oh[p]}: a negative stock record"
            else:
                note = (
                    f"sells ~{self.lam[p]:.1f}/day but no sale in the last {c.zero_days} days "
                    f"while {self.oh[p]} are on hand: phantom stock"
                )
            plan.planted.append((c.type.value, net.sku_ids[c.sku], loc, note))

    def _pack(self, sku: int, qty: float) -> int:
        """Return `qty` rounded up to the SKU's case pack and primary supplier MOQ."""
        return int(_round_pack(np.array([qty]), self.pack[[sku]], self.moq[[sku]])[0])

    def inventory_frame(self) -> pd.DataFrame:
        """Return the inventory table: every SKU-store carried, every SKU at each DC serving it."""
        net, dm = self.net, self.dm
        sku = np.r_[dm.pair_sku, self.dc_sku]
        loc = np.r_[dm.pair_st + net.n_dc, self.dc_dc]
        return pd.DataFrame(
            {
                "sku": pd.Categorical.from_codes(sku, categories=net.sku_ids),
                "location_id": pd.Categorical.from_codes(loc, categories=net.dc_ids + net.st_ids),
                "on_hand": np.r_[self.oh, self.dc_oh],
                "as_of_date": np.full(sku.size, self.t),
            }
        )

    def purchase_orders_frame(self) -> pd.DataFrame:
        """Return the POs: received and cancelled history, open ones on order, planted ones."""
        net, rng = self.net, self.net.rng
        m = self.dc_sku.size
        lt = self.dc_lt
        # Open, on time: expected within the lead time, ordered L days before that.
        pick = np.flatnonzero(rng.random(m) < 0.15)
        pick = np.array([r for r in pick if r not in self.no_po], np.int64)
        if pick.size:
            exp_off = rng.integers(1, lt[pick] + 1)
            qty = _round_pack(
                self.dc_d[pick] * 14, self.pack[self.dc_sku[pick]], self.moq[self.dc_sku[pick]]
            )
            ok = self.dc_oh[pick] + qty <= 100 * self.dc_d[pick]
            for r, e, q in zip(pick[ok], exp_off[ok], qty[ok], strict=True):
                self.po_rows.append((int(self.dc_sku[r]), net.dc_ids[self.dc_dc[r]], int(q),
                                     int(e - lt[r]), int(e), "open"))  # fmt: skip
        # History: one PO every 2-4 weeks per SKU-DC over the last year.
        period = rng.integers(14, 29, size=m)
        span = min(net.days, 365)
        count = np.maximum(span // period - 1, 0)
        row = np.repeat(np.arange(m), count)
        j = np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)
        order = -lt[row] - 1 - j * period[row] - rng.integers(0, 4, size=row.size)
        # Arrivals from the lead-time distribution the supplier data describes (the one the
        # engine plans with and the simulation draws from).
        quantile = ndtr(rng.normal(0, 1, size=row.size))
        sku = self.dc_sku[row]
        lead = draw_lead_times(lt[row], self.sku_std[sku], self.on_time[sku], quantile)
        expected = np.clip(order + lead, order, -1)
        qty = _round_pack(
            self.dc_d[row] * period[row] * rng.uniform(0.8, 1.2, size=row.size),
            self.pack[self.dc_sku[row]],
            self.moq[self.dc_sku[row]],
        )
        status = np.where(rng.random(row.size) < 0.03, "cancelled", "received")
        open_rows = pd.DataFrame(
            self.po_rows, columns=["_sku", "location_id", "qty", "_order", "_exp", "status"]
        )
        hist = pd.DataFrame(
            {
                "_sku": self.dc_sku[row],
                "location_id": [net.dc_ids[d] for d in self.dc_dc[row]],
                "qty": qty,
                "_order": order,
                "_exp": expected,
                "status": status,
            }
        )
        po = pd.concat([hist, open_rows], ignore_index=True)
        po = po.astype({"_sku": np.int64, "qty": np.int64, "_order": np.int64, "_exp": np.int64})
        po = po.sort_values(["_order", "location_id", "_sku"], kind="stable", ignore_index=True)
        po["po_id"] = [f"PO-{i + 1:06d}" for i in range(len(po))]
        po["supplier_id"] = self.supplier[po["_sku"].to_numpy()]
        po["sku"] = [net.sku_ids[s] for s in po["_sku"]]
        po["order_date"] = self.t + po["_order"].to_numpy().astype("timedelta64[D]")
        po["expected_date"] = self.t + po["_exp"].to_numpy().astype("timedelta64[D]")
        return po

    def transfers_frame(self) -> pd.DataFrame:
        """Return the transfers: DC->store in transit now, received history, planted ones."""
        net, dm, rng = self.net, self.dm, self.net.rng
        n = dm.pair_sku.size
        fast = ~self.dm.slow[dm.pair_sku]
        pick = np.flatnonzero(fast & (rng.random(n) < 0.03))
        pick = np.array([p for p in pick if p not in self.no_transit], np.int64)
        rows = list(self.tr_rows)
        if pick.size:
            e = rng.integers(1, self.lt[pick] + 1)
            qty = np.maximum(1, np.round(self.lam[pick] * REVIEW_DAYS)).astype(np.int64)
            for pp, ee, q in zip(pick, e, qty, strict=True):
                st = int(dm.pair_st[pp])
                rows.append((int(dm.pair_sku[pp]), net.dc_ids[net.st_dc[st]], net.st_ids[st],
                             int(q), int(ee - self.lt[pp]), int(ee), "in_transit"))  # fmt: skip
        # History: a few received replenishments over the last four months.
        hist = np.flatnonzero(fast & (rng.random(n) < 0.08))
        count = rng.integers(1, 4, size=hist.size)
        p = np.repeat(hist, count)
        ship = -rng.integers(5, min(net.days, 120), size=p.size)
        qty = np.maximum(1, np.round(self.lam[p] * REVIEW_DAYS * rng.uniform(0.7, 1.3, p.size)))
        frame = pd.concat(
            [
                pd.DataFrame(
                    {
                        "_sku": dm.pair_sku[p],
                        "from_location": [net.dc_ids[net.st_dc[s]] for s in dm.pair_st[p]],
                        "to_location": [net.st_ids[s] for s in dm.pair_st[p]],
                        "qty": qty.astype(np.int64),
                        "_ship": ship,
                        "_exp": ship + self.lt[p],
                        "status": "received",
                    }
                ),
                pd.DataFrame(
                    rows,
                    columns=[
                        "_sku",
                        "from_location",
                        "to_location",
                        "qty",
                        "_ship",
                        "_exp",
                        "status",
                    ],
                ),
            ],
            ignore_index=True,
        )
        frame = frame.astype(
            {"_sku": np.int64, "qty": np.int64, "_ship": np.int64, "_exp": np.int64}
        )
        frame = frame.sort_values(
            ["_ship", "to_location", "_sku"], kind="stable", ignore_index=True
        )
        frame["transfer_id"] = [f"TR-{i + 1:06d}" for i in range(len(frame))]
        frame["sku"] = [net.sku_ids[s] for s in frame["_sku"]]
        frame["ship_date"] = self.t + frame["_ship"].to_numpy().astype("timedelta64[D]")
        frame["expected_date"] = self.t + frame["_exp"].to_numpy().astype("timedelta64[D]")
        return frame
