"""Censored demand: days out of stock sold what was there, not what was asked for.

A stockout day's sales are a floor of its demand, so reading them as demand pushes the forecast
down (and a long stockout can make a live item look dead). The forecast leaves such days out:
`censor` sets them to NaN, which `planning.forecast.forecast_batch` and the backtest treat as
"not measured" (neither fitted nor scored).

- `stockout_days`: the days the inventory history (`inventory_history` table: daily on hand or
  stockout flags) marks out of stock: stockout true, or on hand at or below 0;
  `inventory_days` also the days it records at all (recorded and not out: in stock, which
  tells a run without a sale at the snapshot from a stockout: `forecast_batch`'s `in_stock`).
- `suspect_stockouts`: without that history, runs of days without a sale that are too long for
  the series' own sale frequency while it sells regularly (probability under
  `SUSPECT_PROBABILITY`, at least `MIN_SUSPECT_DAYS` days) and that sales resumed after: an
  unrecorded stockout most likely. The frequency is the lower of the whole span's and those of
  the `LOCAL_DAYS` before and after the run, so the growing gaps of a declining item (whose
  sales resume at the lower rate) are not read as stockouts. A run still going at the end of
  the history is an end of life as much as a stockout, so it is reported
  (`trailing_suspect_days`) but not left out — the forecast's end-of-life factor weighs it.
- `phantom_runs`: a run without a sale up to the snapshot on days the inventory history records
  in stock, too long for the series' rate (the phantom-stock test of the `inventory_anomaly`
  exception: `exp(-rate · days) < PHANTOM_PROBABILITY`, at least `PHANTOM_MIN_DAYS`) while the
  same SKU kept selling at another store: the record is wrong (phantom stock), the shelf was
  empty, so those days are censored like a stockout — neither zero demand nor, through
  `in_stock`, evidence of an end of life. An item that stopped everywhere is left to the
  end-of-life factor.
- `empty_shelf_runs`: without that history, the inventory snapshot still tells one stockout: a
  series whose on hand at the snapshot is 0 or less sold nothing since its last sale because
  nothing was there (the last sale took the last units), so the run without a sale up to the
  snapshot is censored like a recorded stockout — neither zero demand (exponential smoothing
  took a fast seller's level to near 0 over it) nor evidence of an end of life. Only up to
  `EMPTY_SHELF_MAX_DAYS`: a shelf left empty longer, with nobody restocking it, is no longer
  waiting for stock (an item sold out and not reordered), and its run is read as before.
- `abandoned_shelf_runs`: that longer run (no inventory history, on hand 0 or less at the
  snapshot, more than `EMPTY_SHELF_MAX_DAYS` since the last sale): an item discontinued on
  purpose, sold out and not restocked. Its days are evidence that the demand ended, as days
  the inventory history records in stock are (`forecast_batch`'s `in_stock`): a fast seller's
  forecast falls to its end-of-life factor instead of the smoothing's slow decay, and the
  safety stock with it (`planning.policy.ended_safety_stock`).
- `stockout_note`: what a plan's forecast left out as stockouts, in figures and a sentence
  (the forecast tool's `plan_forecast.stockouts`, a position's `stockouts`).
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from planning.forecast import sales_matrix

SUSPECT_PROBABILITY = 1e-3  # a run this unlikely for the series' sale frequency is suspect
MIN_SUSPECT_DAYS = 7  # shorter runs are never suspect (closed days, a slow week)
LOCAL_DAYS = 91  # a run is judged by the sale frequency of the days around it
LOCAL_MIN_KEPT = 28  # ... where they hold at least this many kept days
PHANTOM_MIN_DAYS = 7  # = PlanParams.phantom_min_days: the exception's test, shared
PHANTOM_PROBABILITY = 1e-3  # = PlanParams.phantom_probability
EMPTY_SHELF_MAX_DAYS = 56  # a longer run to an empty shelf is an item nobody restocks


def stockout_days(
    history: pd.DataFrame, keys: pd.DataFrame, start: datetime.date, end: datetime.date
) -> tuple[np.ndarray, np.ndarray]:
    """Return (n, days) stockout days from `start` to `end` and (n,) keys the history covers.

    `history` is the `inventory_history` table; a row is a stockout with stockout true or
    on_hand at or below 0. Rows follow `keys` (sku, location_id).
    """
    out, recorded = inventory_days(history, keys, start, end)
    return out, np.asarray(recorded.any(axis=1))


def inventory_days(
    history: pd.DataFrame, keys: pd.DataFrame, start: datetime.date, end: datetime.date
) -> tuple[np.ndarray, np.ndarray]:
    """Return (n, days) stockout days and days with a row of the inventory history.

    A recorded day that is not a stockout is a day in stock; days without a row are not known
    either way. Rows follow `keys` (sku, location_id).
    """
    days = max((end - start).days + 1, 0)
    n = len(keys)
    if len(history) == 0 or n == 0 or days == 0:
        return np.zeros((n, days), dtype=bool), np.zeros((n, days), dtype=bool)
    on_hand = pd.to_numeric(history["on_hand"], errors="coerce").to_numpy(np.float64)
    out = history["stockout"].to_numpy(bool) | (np.nan_to_num(on_hand, nan=1.0) <= 0)
    flagged = history.assign(units=out.astype(np.float64))
    mask = np.asarray(sales_matrix(flagged, keys, start, end) > 0)
    recorded = np.asarray(sales_matrix(history.assign(units=1.0), keys, start, end) > 0)
    return mask, recorded


def _runs(stretch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the maximal runs of True in each row of `stretch` (n, T), in row-major order.

    Each run's flat start and end (exclusive) are in the (n, T + 1) layout, where a False
    column closes every row.
    """
    n, t_len = stretch.shape
    padded = np.zeros((n, t_len + 1), dtype=bool)
    padded[:, :t_len] = stretch
    flat = padded.ravel()
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    if flat[0]:
        edges = np.concatenate([[0], edges])
    return edges[::2], edges[1::2]


def suspect_stockouts(
    history: np.ndarray, *, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (n, T) suspect stockout days between sales and (n,) trailing suspect run days.

    A series sells on a kept day with frequency p (kept days from its first to its last sale);
    a run of q kept days without a sale has probability (1 - p)^q. Runs under
    `SUSPECT_PROBABILITY` and at least `MIN_SUSPECT_DAYS` long are suspect: between two sales
    they are returned as days to leave out; a run up to the end is only counted. Days not kept
    (NaN, `exclude`) neither count in a run nor end it.
    """
    x = np.asarray(history)
    n, t_len = x.shape
    if t_len == 0 or n == 0:
        return np.zeros((n, t_len), dtype=bool), np.zeros(n, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        sale = x > 0  # NaN is not a sale
    keep = np.isfinite(x)
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)
        sale &= keep
    width = t_len + 1
    starts, ends = _runs(~sale)
    # Kept days and sales cumulated over the flat (n, T + 1) layout (the last column closes rows).
    counted = np.zeros((n, width), dtype=np.int32)
    counted[:, :t_len] = keep
    total = np.concatenate([[0], np.cumsum(counted.ravel(), dtype=np.int64)])
    counted[:, :t_len] = sale
    sold = np.concatenate([[0], np.cumsum(counted.ravel(), dtype=np.int64)])
    length = total[ends] - total[starts]  # only kept days count in a run's length
    row, col0, col1 = starts // width, starts % width, ends - (starts // width) * width
    sales = sale.sum(axis=1)
    lead = np.zeros(n, dtype=np.int64)  # kept days before the first sale
    tail = np.zeros(n, dtype=np.int64)  # kept days after the last sale
    at_start, at_end = col0 == 0, col1 >= t_len
    lead[row[at_start]] = length[at_start]
    tail[row[at_end]] = length[at_end]
    kept_in = np.where(sales > 0, keep.sum(axis=1) - lead - tail, 0)
    p = np.where(kept_in > 0, sales / np.maximum(kept_in, 1), 0.0)
    # The frequency around each run: a declining item's gaps grow, and its sales resume at the
    # lower rate; a stockout's resume at the usual one. The run is judged by the lower of the
    # frequencies in the `LOCAL_DAYS` before and after it (each with at least `LOCAL_MIN_KEPT`
    # kept days), capped by the whole span's.
    p_run = p[row]
    base = row * width
    for lo, hi in (
        (base + np.maximum(col0 - LOCAL_DAYS, 0), starts),
        (ends, base + np.minimum(col1 + LOCAL_DAYS, t_len)),
    ):
        kept_local = total[hi] - total[lo]
        p_local = (sold[hi] - sold[lo]) / np.maximum(kept_local, 1)
        p_run = np.where(kept_local >= LOCAL_MIN_KEPT, np.minimum(p_run, p_local), p_run)
    with np.errstate(divide="ignore"):
        log_run = np.log1p(-np.minimum(p_run, 1.0 - 1e-12))
    shortest = np.where(
        p_run > 0, np.ceil(np.log(SUSPECT_PROBABILITY) / np.where(p_run > 0, log_run, -1.0)), np.inf
    )
    shortest = np.maximum(shortest, MIN_SUSPECT_DAYS)
    long_run = (length >= shortest) & (sales[row] > 0) & ~at_start
    between = long_run & ~at_end
    trailing = long_run & at_end
    # The flat positions of every day of the suspect runs (few), then back to (n, T).
    b_start, b_len = starts[between], ends[between] - starts[between]
    offset = np.arange(int(b_len.sum())) - np.repeat(np.cumsum(b_len) - b_len, b_len)
    flat = np.repeat(b_start, b_len) + offset
    inside = np.zeros(n * width, dtype=bool)
    inside[flat] = True
    trailing_days = np.zeros(n, dtype=np.int64)
    trailing_days[row[trailing]] = length[trailing]
    return inside.reshape(n, width)[:, :t_len] & keep, trailing_days


def trailing_run(history: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each row's days without a sale up to its end, its rate and its last sale's column.

    The rate is the units from the first to the last sale over that span (0 without a sale, whose
    run is the whole row and last column -1): what the phantom-stock test reads. A history of no
    days has no sale: a run of 0 days, a rate of 0 and last column -1 for each row.
    """
    x = np.asarray(history, dtype=float)
    n, t_len = x.shape
    if t_len == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(n), np.full(n, -1, dtype=np.int64)
    sold = x > 0
    any_sale = sold.any(axis=1)
    last = np.where(any_sale, t_len - 1 - sold[:, ::-1].argmax(axis=1), -1)
    first = sold.argmax(axis=1)
    run = t_len - 1 - last
    span = np.maximum(last - first + 1, 1)
    rate = np.where(any_sale, np.nansum(x, axis=1) / span, 0.0)
    return run, rate, last


def empty_shelf_runs(
    history: np.ndarray, on_hand: np.ndarray, *, max_days: int = EMPTY_SHELF_MAX_DAYS
) -> np.ndarray:
    """Return (n, T) the run without a sale up to the end of rows whose `on_hand` is 0 or less.

    `history` (n, T) is units per day up to the snapshot (NaN: not measured), `on_hand` (n,)
    the on hand at the snapshot (NaN: not known, left alone). A row without a sale has no
    level to censor toward and is left alone too, as is a run longer than `max_days`.
    """
    run, last, empty = _empty_since_last_sale(history, on_hand)
    keep = empty & (run > 0) & (run <= int(max_days))
    return _after_last_sale(keep, last, np.shape(history)[1])


def abandoned_shelf_runs(
    history: np.ndarray, on_hand: np.ndarray, *, max_days: int = EMPTY_SHELF_MAX_DAYS
) -> np.ndarray:
    """Return (n, T) the shelf nobody restocks: `empty_shelf_runs`' runs longer than `max_days`.

    The run without a sale up to the end of rows whose `on_hand` is 0 or less (NaN: left
    alone) and whose last sale is more than `max_days` back.
    """
    run, last, empty = _empty_since_last_sale(history, on_hand)
    return _after_last_sale(empty & (run > int(max_days)), last, np.shape(history)[1])


def _empty_since_last_sale(
    history: np.ndarray, on_hand: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each row's trailing run without a sale, its last sale's day and whether it is empty.

    Empty: `on_hand` 0 or less (NaN: not known, left alone) with a sale before (last day -1: none).
    """
    x = np.asarray(history, dtype=float)
    n = x.shape[0]
    level = np.asarray(on_hand, dtype=float)
    if level.shape != (n,):
        raise ValueError(f"on_hand must be (n,) = ({n},), got shape {level.shape}")
    run, _, last = trailing_run(x)
    with np.errstate(invalid="ignore"):
        empty = (level <= 0) & (last >= 0)
    return run, last, empty


def _after_last_sale(rows: np.ndarray, last: np.ndarray, t_len: int) -> np.ndarray:
    """Return (n, T) True on the days after the last sale of the selected `rows` (n,)."""
    return np.asarray(rows[:, None] & (np.arange(t_len)[None, :] > last[:, None]))


def phantom_runs(
    history: np.ndarray,
    in_stock: np.ndarray,
    group: np.ndarray,
    *,
    min_days: int = PHANTOM_MIN_DAYS,
    probability: float = PHANTOM_PROBABILITY,
) -> np.ndarray:
    """Return (n, T) days of phantom-stock runs: recorded in stock, no sale, the SKU sold elsewhere.

    `history` (n, T) is units per day (NaN: not measured), `in_stock` (n, T) the days the
    inventory history records in stock, `group` (n,) the SKU code of each series. A series'
    rate is its units from its first to its last sale over that span (as the phantom-stock
    exception reads it); the run after its last sale qualifies when every day of it is recorded
    in stock, it is at least `min_days` long, `exp(-rate · days) < probability`, and another
    series of the same group sold on one of its days.
    """
    x = np.nan_to_num(np.asarray(history, dtype=float), nan=0.0)
    n, t_len = x.shape
    out = np.zeros((n, t_len), dtype=bool)
    if n == 0 or t_len == 0:
        return out
    sold = x > 0
    run, rate, last = trailing_run(x)
    any_sale = sold.any(axis=1)
    days = np.arange(t_len)
    in_run = days[None, :] > last[:, None]
    recorded = np.asarray(in_stock, dtype=bool)
    all_recorded = ~(in_run & ~recorded).any(axis=1)
    improbable = (run >= min_days) & (np.exp(-rate * run) < probability)
    candidates = np.flatnonzero(any_sale & all_recorded & improbable)
    if candidates.size == 0:
        return out
    codes, inverse = np.unique(np.asarray(group), return_inverse=True)
    sellers = np.zeros((codes.size, t_len), dtype=np.int64)
    np.add.at(sellers, inverse, sold.astype(np.int64))
    # Sellers per day of the same SKU, cumulated: another store sold in the run when the count
    # after the row's last sale is positive (the row itself sold nothing there).
    cum = np.concatenate([np.zeros((codes.size, 1), np.int64), np.cumsum(sellers, axis=1)], axis=1)
    g = inverse[candidates]
    elsewhere = cum[g, t_len] - cum[g, last[candidates] + 1] > 0
    rows = candidates[elsewhere]
    out[rows] = in_run[rows]
    return out


def censor(history: np.ndarray, stockouts: np.ndarray) -> np.ndarray:
    """Return `history` as float with the stockout days set to NaN (not measured)."""
    x = np.array(history, dtype=np.float64)
    x[np.asarray(stockouts, dtype=bool)] = np.nan
    return x


# The per-row stockout evidence of a plan's forecast (`planning.engine.Plan.stockout_evidence`).
EVIDENCE = (
    "stockout_days_excluded",
    "suspect_stockout_days",
    "trailing_suspect_days",
    "inventory_history",
)


def stockout_note(
    excluded: int, suspect: int, trailing: int, from_history: bool
) -> dict[str, object] | None:
    """Return what a forecast left out as stockouts, JSON-ready (None: nothing to say).

    `excluded` stockout days were left out of the history (`suspect` of them suspected from the
    sales); `trailing` days without a sale run up to the snapshot (kept: a stockout or an end
    of life); `from_history` says the inventory history covers the series.
    """
    excluded, suspect, trailing = int(excluded), int(suspect), int(trailing)
    if not (excluded or trailing):
        return None
    notes = []
    if excluded and from_history:
        notes.append(
            f"{excluded} day(s) out of stock in the inventory history were left out of the "
            "forecast's history (their sales are not demand)."
        )
    elif suspect:
        notes.append(
            f"{suspect} day(s) without a sale look like a stockout (between regular sales, or "
            "since the last sale with nothing on hand now; no inventory history for this "
            "SKU-location) and were left out of the forecast's history."
        )
    if trailing:
        notes.append(
            f"The last {trailing} day(s) had no sale, unusually long for this series: a stockout "
            "or the end of its sales; the forecast lowers the rate by the chance it still sells."
        )
    return {
        "source": "inventory_history" if from_history else "sales_pattern",
        "stockout_days_excluded": excluded,
        "suspect_stockout_days": suspect,
        "trailing_suspect_days": trailing,
        "note": " ".join(notes),
    }
