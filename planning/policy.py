"""Compute inventory policy numbers: safety stock, reorder point, order-up-to, projections.

Everything here is vectorised over SKU-locations (axis 0) and, for horizon arrays, days (axis 1).
Day `j` (1-based) of a horizon array is column `j - 1`; receipts of day `j` are available for sale
on day `j`.

SciPy's normal distribution functions load on first use: importing SciPy's special functions
costs a one-shot command (`stockpilot ask` on a cached plan) more than it ever uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
T = TypeVar("T")

MAX_UNITS = float(2**53)
"""The largest whole quantity a plan holds exactly (a float's integer range, well inside int64)."""


def z_value(service_level: float) -> float:
    """Return the standard normal quantile for a cycle service level in (0, 1)."""
    if not 0.0 < service_level < 1.0:
        raise ValueError(f"service level must be in (0, 1), got {service_level}")
    from scipy.special import ndtri

    return float(ndtri(service_level))


def z_values(service_levels: ArrayLike) -> FloatArray:
    """Return the standard normal quantile of each cycle service level in (0, 1)."""
    levels = np.asarray(service_levels, dtype=float)
    if not np.all((levels > 0.0) & (levels < 1.0)):
        bad = levels[~((levels > 0.0) & (levels < 1.0))]
        raise ValueError(f"service levels must be in (0, 1), got {bad[:3].tolist()}")
    from scipy.special import ndtri

    return np.asarray(ndtri(levels), dtype=float)


def safety_stock(
    d: ArrayLike,
    sigma: ArrayLike,
    lead_time: ArrayLike,
    lead_time_std: ArrayLike,
    z: float | FloatArray,
) -> FloatArray:
    """Return `z * sqrt(L * sigma^2 + d^2 * sigma_L^2)` (z: one value, or one per row)."""
    return z * lead_time_sigma(d, sigma, lead_time, lead_time_std)


def ended_safety_stock(safety: ArrayLike, alive: ArrayLike, service: ArrayLike) -> FloatArray:
    """Return `safety`, 0 where an item has ended more likely than its service level allows.

    `alive` is the forecaster's probability that the item still sells (`p_alive`). Demand over
    the protection interval is then a mixture: none with probability 1 - alive, else the live
    item's; its quantile at the service level is 0 where 1 - alive >= service, so an item that
    has most likely ended (sold out and not restocked, or stopped on the shelf) needs no
    buffer: its one-day error, measured while it sold, kept a safety stock that reordered it.
    """
    ended = np.asarray(alive, float) <= 1.0 - np.asarray(service, float)
    return np.where(ended, 0.0, np.asarray(safety, float))


def lead_time_sigma(
    d: ArrayLike, sigma: ArrayLike, lead_time: ArrayLike, lead_time_std: ArrayLike
) -> FloatArray:
    """Return the standard deviation of lead-time demand, `sqrt(L * sigma^2 + d^2 * sigma_L^2)`."""
    d_, s_ = np.asarray(d, float), np.asarray(sigma, float)
    lt, lts = np.asarray(lead_time, float), np.asarray(lead_time_std, float)
    return np.sqrt(lt * s_**2 + d_**2 * lts**2)


def reorder_point(d: ArrayLike, lead_time: ArrayLike, ss: ArrayLike) -> FloatArray:
    """Return `d * L + SS`."""
    return np.asarray(d, float) * np.asarray(lead_time, float) + np.asarray(ss, float)


def order_up_to(d: ArrayLike, lead_time: ArrayLike, review: ArrayLike, ss: ArrayLike) -> FloatArray:
    """Return `d * (L + R) + SS`."""
    lt = np.asarray(lead_time, float) + np.asarray(review, float)
    return np.asarray(d, float) * lt + np.asarray(ss, float)


def protection_days(lead_time: ArrayLike, review: ArrayLike) -> IntArray:
    """Return the protection interval `L + R − 1` days (at least 1).

    An order placed at a review arrives on day L (receipts of a day sell that day); the next
    review's order arrives on day L + R and sells that day. So this order must carry the
    demand of days 1..L + R − 1. The simulation's twin follows the same timeline.
    """
    days = np.asarray(lead_time, dtype=np.int64) + np.asarray(review, dtype=np.int64) - 1
    return np.maximum(days, 1)


def interval_sigma(sigma: ArrayLike, alpha: ArrayLike, days: ArrayLike) -> FloatArray:
    """Return the std of the error of a `days`-day forecast sum, `sigma·sqrt(k·(1 + k·a/(2−a)))`.

    One-day errors add up as `sigma²·k`; a smoothed level (smoothing constant a) is itself an
    estimate whose error repeats on every day of the interval, adding `sigma²·k²·a/(2 − a)`.
    """
    k = np.asarray(days, dtype=float)
    a = np.clip(np.nan_to_num(np.asarray(alpha, dtype=float)), 0.0, 1.0)
    return np.asarray(sigma, dtype=float) * np.sqrt(k * (1.0 + k * a / (2.0 - a)))


def economic_service_level(
    margin: ArrayLike, holding_per_day: ArrayLike, review: ArrayLike, cap: float
) -> FloatArray:
    """Return the critical ratio `margin / (margin + holding per day · R)`, capped at `cap`.

    A unit short loses its margin; a unit too many is carried one more review period.
    """
    m = np.maximum(np.asarray(margin, dtype=float), 0.0)
    over = np.maximum(np.asarray(holding_per_day, dtype=float), 0.0) * np.asarray(review, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m + over > 0, m / (m + over), 0.0)
    return np.minimum(ratio, cap)


def order_cycle_days(
    review: ArrayLike, lot: ArrayLike, daily_demand: ArrayLike, min_order: ArrayLike = 0.0
) -> FloatArray:
    """Return the days one order lasts: `max(R + lot / d, min_order / d)` (R where d is 0).

    An (R, s, S) order brings the lot `S − s` plus about a review's demand; a minimum order
    (the supplier's MOQ) can bring more. Stock runs short at most once per order, so this,
    not R, is the period a unit of safety stock is carried per exposure (the economic service
    level's overage period: Hadley and Whitin's lost-sales (s, Q) rule, `P(short) =
    h·Q / (h·Q + π·D)`, per day).
    """
    r = np.asarray(review, dtype=float)
    d = np.maximum(np.asarray(daily_demand, dtype=float), 0.0)
    lot = np.maximum(np.nan_to_num(np.asarray(lot, dtype=float)), 0.0)
    least = np.maximum(np.nan_to_num(np.asarray(min_order, dtype=float)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        days = np.where(d > 0, np.maximum(r + lot / np.where(d > 0, d, 1.0), least / d), r)
    return np.maximum(days, r)


def economic_order_quantity(
    line_cost: ArrayLike, daily_demand: ArrayLike, holding_per_day: ArrayLike
) -> FloatArray:
    """Return `sqrt(2·K·D / h)`: K the cost of one order line, D units per day, h per unit-day."""
    k = np.maximum(np.asarray(line_cost, dtype=float), 0.0)
    d = np.maximum(np.asarray(daily_demand, dtype=float), 0.0)
    h = np.asarray(holding_per_day, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(h > 0, np.sqrt(2.0 * k * d / np.where(h > 0, h, 1.0)), 0.0)


def lot_scale_within(tolerance: float) -> float:
    """Return the smallest lot, as a share of the EOQ, whose cost is within `tolerance` of it.

    A lot `f · EOQ` costs `(f + 1/f) / 2` times the EOQ's ordering plus cycle holding, so the
    smallest share within `1 + t` is `f = (1 + t) − sqrt((1 + t)² − 1)` (t = 0.05: 0.730),
    computed as `1 / ((1 + t) + sqrt((1 + t)² − 1))`, the same value without the cancellation
    that takes a large tolerance's share to 0. Scaling every lot by one share is also the
    cheapest way to hold a given cycle stock value (the EOQ under a budget on average stock:
    Hadley and Whitin's Lagrangian, which raises every row's holding rate by the same
    multiplier). 1 for a tolerance of 0 or less, or one that is not a finite number.
    """
    t = float(tolerance)
    if not np.isfinite(t) or t <= 0:
        return 1.0
    a = 1.0 + t
    return float(1.0 / (a + np.sqrt(a * a - 1.0)))


def mean_first_days(demand: FloatArray, days: ArrayLike) -> FloatArray:
    """Return the mean of each row of `demand` over its first `days` days (clipped to 1..H)."""
    n, h = demand.shape
    k = np.clip(np.asarray(days, dtype=np.int64), 1, max(h, 1))
    k = np.broadcast_to(k, (n,))
    if h == 0:
        return np.zeros(n)
    return window_sum(demand, k) / k


def window_sum(values: FloatArray, days: ArrayLike) -> FloatArray:
    """Return the sum of each row of `values` over its first `days` days (0 when days <= 0)."""
    n, h = values.shape
    k = np.broadcast_to(np.clip(np.asarray(days, dtype=np.int64), 0, h), (n,))
    out = np.zeros(n)
    cols = np.arange(h)
    for lo, hi in chunks(n):
        out[lo:hi] = np.where(cols < k[lo:hi, None], values[lo:hi], 0.0).sum(axis=1)
    return out


CHUNK_ROWS = 16_384


def chunks(n: int, size: int = CHUNK_ROWS) -> list[tuple[int, int]]:
    """Return `(start, stop)` row ranges of at most `size` rows covering `0..n`."""
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def project_block(
    start: FloatArray,
    receipts: FloatArray,
    demand: FloatArray,
    out: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Return end-of-day on hand and unmet demand of one row block (see `project_on_hand`).

    `out`, when given, receives the two results (C-contiguous, each shaped like `demand`).
    Running sums and minima go day by day, one vector operation across the block per day: numpy
    accumulates a short row axis row by row, which is several times slower; the order of the
    operations, and so every result bit, is the same as `np.cumsum` / `np.minimum.accumulate`.
    """
    m, h = demand.shape
    net = np.asarray(receipts, dtype=float) - demand
    x, u = out if out is not None else (np.empty((m, h)), np.empty((m, h)))
    if not (m and h):
        return x, u
    x[:, 0] = net[:, 0]
    for j in range(1, h):
        np.add(x[:, j - 1], net[:, j], out=x[:, j])
    x += start[:, None]
    low = np.minimum(x, 0.0)
    for j in range(1, h):
        np.minimum(low[:, j - 1], low[:, j], out=low[:, j])
    x -= low
    # Day-over-day differences on the flattened block; day 1 of each row is then overwritten.
    if not (x.flags.c_contiguous and u.flags.c_contiguous):
        raise ValueError("project_block needs C-contiguous output blocks")
    xf, uf = x.reshape(-1), u.reshape(-1)
    uf[0] = 0.0
    np.subtract(xf[1:], xf[:-1], out=uf[1:])
    uf -= net.reshape(-1)
    u[:, 0] = x[:, 0] - start - net[:, 0]
    np.maximum(u, 0.0, out=u)
    return x, u


def first_unmet_day(unmet: FloatArray) -> IntArray:
    """Return the 1-based first day of each row with unmet demand above 1e-9 (0: none)."""
    n, h = unmet.shape
    if not h:
        return np.zeros(n, dtype=np.int64)
    short = unmet > 1e-9
    day = short.argmax(axis=1)
    hit = np.take_along_axis(short, day[:, None], axis=1)[:, 0]
    return np.where(hit, day + 1, 0).astype(np.int64)


def map_blocks(fn: Callable[[tuple[int, int]], T], n: int, size: int = CHUNK_ROWS) -> list[T]:
    """Apply `fn` to the row blocks of `0..n` on two threads; return the results in block order.

    numpy releases the GIL inside its loops, so two blocks really run at the same time.
    """
    blocks = chunks(n, size)
    if len(blocks) < 2:
        return [fn(b) for b in blocks]
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(fn, blocks))


@dataclass(frozen=True)
class Projection:
    """A lost-sales projection: end-of-day on hand, unmet demand, first day with unmet demand."""

    on_hand: FloatArray  # (n, H) end of day
    unmet: FloatArray  # (n, H)
    first_unmet_day: IntArray  # (n,) 1-based, 0 = none within the horizon


def project_on_hand(on_hand: ArrayLike, receipts: FloatArray, demand: FloatArray) -> Projection:
    """Project on hand day by day: add receipts, sell min(available, demand), the rest is lost.

    The recursion `x_j = max(x_(j-1) + r_j - d_j, 0)` is evaluated in closed form,
    `x_j = S_j - min(0, min_(k<=j) S_k)` with `S_j = x_0 + sum_(i<=j) (r_i - d_i)`, on row blocks
    small enough to stay in cache, two blocks at a time (numpy releases the GIL).
    """
    n, h = demand.shape
    start = np.broadcast_to(np.maximum(np.asarray(on_hand, dtype=float), 0.0), (n,))
    oh = np.empty((n, h))
    unmet = np.empty((n, h))
    first = np.zeros(n, dtype=np.int64)

    def block(bounds: tuple[int, int]) -> None:
        lo, hi = bounds
        out = (oh[lo:hi], unmet[lo:hi])
        project_block(start[lo:hi], receipts[lo:hi], demand[lo:hi], out=out)
        first[lo:hi] = first_unmet_day(unmet[lo:hi])

    if h:
        map_blocks(block, n)
    return Projection(on_hand=oh, unmet=unmet, first_unmet_day=first)


def days_of_cover(stock: ArrayLike, demand: FloatArray, *, extrapolate: bool = False) -> FloatArray:
    """Return the (fractional) days until cumulative demand exceeds `stock`.

    Capped at the horizon H, unless `extrapolate`: then stock left after day H is divided by the
    mean daily demand over the horizon (infinite when that mean is zero).
    """
    n, h = demand.shape
    x = np.asarray(stock, dtype=float)
    x = np.broadcast_to(x, (n,))
    if h == 0:
        return np.zeros(n)
    cum = np.cumsum(demand, axis=1)
    full = (cum <= x[:, None]).sum(axis=1)  # whole days covered (cum is non-decreasing)
    rows = np.arange(n)
    prev = np.where(full > 0, cum[rows, np.maximum(full - 1, 0)], 0.0)
    nxt = demand[rows, np.minimum(full, h - 1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(nxt > 0, (x - prev) / nxt, 0.0)
    cover = np.where(full >= h, float(h), full + np.clip(frac, 0.0, 1.0))
    cover = np.where(x <= 0, 0.0, cover)
    if extrapolate:
        rate = cum[:, -1] / h
        with np.errstate(divide="ignore", invalid="ignore"):
            beyond = np.where(rate > 0, h + (x - cum[:, -1]) / rate, np.inf)
        cover = np.where((full >= h) & (x > 0), beyond, cover)
    return cover


def normal_loss(x: ArrayLike) -> FloatArray:
    """Return the standard normal loss `G(x) = phi(x) - x * (1 - Phi(x))`."""
    from scipy.special import ndtr

    x_ = np.asarray(x, dtype=float)
    pdf = np.exp(-0.5 * x_**2) / np.sqrt(2.0 * np.pi)
    return pdf - x_ * (1.0 - ndtr(x_))


def spare_stock(on_hand: ArrayLike, safety_stock: ArrayLike, to_own_store: ArrayLike) -> FloatArray:
    """Return the whole units a location may ship now (the one hold-back rule).

    A DC shipping to one of its own stores may ship all it holds: its stock is there to serve
    them and its own order refills its safety stock (holding it back while stores ran out lost
    fill and cost in the closed-loop simulation). Any other move keeps the source's safety stock.
    """
    held_back = np.where(np.asarray(to_own_store, dtype=bool), 0.0, np.asarray(safety_stock, float))
    return np.floor(np.maximum(np.asarray(on_hand, dtype=float) - held_back, 0.0) + 1e-9)


def round_up_to_pack(qty: ArrayLike, case_pack: ArrayLike, moq: ArrayLike) -> IntArray:
    """Return `max(qty, moq)` rounded up to a whole number of case packs (0 when qty <= 0)."""
    q = np.asarray(qty, dtype=float)
    pack = np.maximum(np.nan_to_num(np.asarray(case_pack, dtype=float), nan=1.0), 1.0)
    m = np.nan_to_num(np.asarray(moq, dtype=float), nan=0.0)
    want = np.maximum(np.ceil(q - 1e-9), m)
    out = np.ceil(want / pack - 1e-9) * pack
    # Saturate instead of wrapping: a float beyond int64 casts to a negative order otherwise.
    out = np.minimum(out, MAX_UNITS)
    return np.where(q > 0, out, 0).astype(np.int64)


def moq_wait_costs(
    qty: ArrayLike,
    position: ArrayLike,
    daily: ArrayLike,
    sigma: ArrayLike,
    lead_time: ArrayLike,
    lead_time_std: ArrayLike,
    review: int,
    holding_per_day: ArrayLike,
    shortage_cost: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Return the two costs `moq_order_beats_waiting` compares: (waiting, holding).

    Waiting: the margin lost by skipping one review, priced as the expected units short on
    today's `position` over days L + R..L + 2R − 1 (the normal loss against the demand over
    `L + 2R − 1` days less that over `L + R − 1`; `d·t` mean, `sqrt(σ²·t + d²·σ_L²)` std),
    each unit at `shortage_cost`. That is not the receipt's delay alone: skipped, the receipt
    lands on day L + R instead of L, so one stocking point with nothing else on the way loses
    days L..L + R − 1 (`t = L + R − 1` less `t = L − 1`). E.g. L = 2, R = 7, 10 a day, no
    error: at position 30 the delay loses days 4..8, 50 units, at 90 none; this window counts
    70 and 60. Measured side by side (docs/planning.md, "MOQ round-up or skip: the waiting
    window"), the delay's window waited more and lost more margin than the holding it saved
    (10 × 60 seed 3, every line costing 1: credited 1.032× → 1.046× the oracle; full size at
    the policy's costs 0.8924× → 0.8926×), so this window stays, a measured choice rather
    than a derived one: the rule judges a DC on its echelon (its stores' positions pooled
    with its own, one pooled error), where a store runs out while the echelon still holds
    stock elsewhere, which the pooled normal loss over the delay's days does not see (not
    isolated). Holding: `h·qty·R`, the holding of all `qty` units over the R days the skip
    saves (the two paths stand at the same position once the skipped order is placed).
    """
    q = np.asarray(qty, dtype=float)
    d = np.maximum(np.nan_to_num(np.asarray(daily, dtype=float)), 0.0)
    sig = np.maximum(np.nan_to_num(np.asarray(sigma, dtype=float)), 0.0)
    sig_l = np.maximum(np.nan_to_num(np.asarray(lead_time_std, dtype=float)), 0.0)
    pos = np.asarray(position, dtype=float)
    now = protection_days(np.maximum(np.asarray(lead_time, dtype=float), 1.0), review)

    def short(days: NDArray[np.int64]) -> FloatArray:
        t = days.astype(float)
        std = np.sqrt(sig**2 * t + d**2 * sig_l**2)
        mean = d * t
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(std > 0, (pos - mean) / np.where(std > 0, std, 1.0), 0.0)
        return np.where(std > 0, std * normal_loss(x), np.maximum(mean - pos, 0.0))

    extra = np.maximum(short(now + int(review)) - short(now), 0.0)
    waiting = np.nan_to_num(np.asarray(shortage_cost, dtype=float)) * extra
    holding = np.asarray(holding_per_day, dtype=float) * q * float(review)
    return np.asarray(waiting, dtype=float), np.asarray(holding, dtype=float)


def moq_order_beats_waiting(
    qty: ArrayLike,
    lot: ArrayLike,
    position: ArrayLike,
    daily: ArrayLike,
    sigma: ArrayLike,
    lead_time: ArrayLike,
    lead_time_std: ArrayLike,
    review: int,
    holding_per_day: ArrayLike,
    shortage_cost: ArrayLike,
) -> NDArray[np.bool_]:
    """Return where ordering `qty` (the MOQ) now costs less than skipping to the next review.

    Only rows whose order is raised by the MOQ (`qty` above `lot`, the need in whole case packs)
    are in question; every other row orders (True). Skipping one review delays the receipt by
    R days: it saves the holding of the `qty` units over those days and loses the margin of the
    units short meanwhile (`moq_wait_costs`). Order when the shortage costs at least the holding.
    """
    waiting, holding = moq_wait_costs(
        qty, position, daily, sigma, lead_time, lead_time_std, review, holding_per_day,
        shortage_cost,
    )  # fmt: skip
    waits = (np.asarray(qty, dtype=float) > np.asarray(lot, dtype=float)) & (waiting < holding)
    return np.asarray(~waits, dtype=bool)
