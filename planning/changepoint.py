"""Level shifts in many series at once: where the last significant change of rate starts.

A series whose rate jumped (a new listing nearby, a lost customer, a range change) is forecast
from the history before the jump as well as after it: smoothing with a small constant, Croston's
interval and a backtest that scores mostly pre-jump days all lag it. `last_shift` finds, per
series, the start of the segment after the last significant shift of its event rate (sale days
of intermittent series, units of fast ones), so the fit can use that segment alone.

The test is the likelihood ratio of one Poisson rate against two, split at a candidate row
(`split_ratio`; Poisson counts on kept rows, closed form from cumulative sums), maximised over
candidate rows every `step` rows with at least `min_segment` kept rows either side. A split is
kept where twice the log ratio exceeds `threshold` (the maximum over ~100 candidates of a
chi-square(1) statistic: 16 is rare under a constant rate, `tests/planning/test_changepoint.py`).
Binary segmentation toward the origin: after a shift, the segment after it is searched again,
up to `max_shifts` times, so the last of several shifts is the one returned. Every step is a
few whole-array passes over (candidates, series); no Python loop over series.
"""

from __future__ import annotations

import numpy as np

MIN_SEGMENT = 56  # kept rows either side of a split
MIN_EVENTS = 4  # events on the shorter side of a split (fewer: no evidence either way)
STEP = 7  # candidate rows every `STEP` rows back from the origin
THRESHOLD = 16.0  # twice the log likelihood ratio a split needs
MAX_SHIFTS = 3
_TINY = 1e-12


def split_ratio(
    events_before: np.ndarray,
    kept_before: np.ndarray,
    events_after: np.ndarray,
    kept_after: np.ndarray,
) -> np.ndarray:
    """Return twice the log likelihood ratio of two Poisson rates against one (elementwise).

    Each side's events over its kept rows; 0 where a side has no kept row.
    """
    e1, n1 = np.asarray(events_before, np.float64), np.asarray(kept_before, np.float64)
    e2, n2 = np.asarray(events_after, np.float64), np.asarray(kept_after, np.float64)
    e, n = e1 + e2, n1 + n2

    def xlogr(k: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Return k * log(k / days), 0 where k is 0 (k is 0 where days is)."""
        with np.errstate(invalid="ignore"):  # sides before the segment: masked by the caller
            return np.asarray(k * np.log((k + _TINY) / (days + _TINY)))

    stat = 2.0 * (xlogr(e1, n1) + xlogr(e2, n2) - xlogr(e, n))
    return np.asarray(np.where((n1 > 0) & (n2 > 0), np.maximum(stat, 0.0), 0.0))


def best_split(
    cum_events: np.ndarray,
    cum_kept: np.ndarray,
    start: np.ndarray,
    candidates: np.ndarray,
    min_segment: int = MIN_SEGMENT,
    min_events: int = MIN_EVENTS,
) -> tuple[np.ndarray, np.ndarray]:
    """Return, per series, the best split row of its segment [start, W) and its statistic.

    `cum_events` / `cum_kept` (B + 1, m): cumulative events and kept rows by row or block (row
    0 zeros); `start` (m,) the segment's first row; `candidates` (c,) rows a split may start
    at. A candidate needs `min_segment` kept rows either side and `min_events` events on at
    least one (else its statistic is 0). Returns (split row, statistic), the row -1 where no
    candidate qualifies.
    """
    w_len = cum_events.shape[0] - 1
    m = cum_events.shape[1]
    cols = np.arange(m)
    e0, k0 = cum_events[start, cols], cum_kept[start, cols]
    e_end, k_end = cum_events[w_len], cum_kept[w_len]
    e_at, k_at = cum_events[candidates], cum_kept[candidates]  # (c, m)
    e1, k1 = e_at - e0[None, :], k_at - k0[None, :]
    e2, k2 = e_end[None, :] - e_at, k_end[None, :] - k_at
    stat = split_ratio(e1, k1, e2, k2)
    ok = (candidates[:, None] > start[None, :]) & (k1 >= min_segment) & (k2 >= min_segment)
    ok &= np.maximum(e1, e2) >= min_events
    stat = np.where(ok, stat, 0.0)
    if candidates.size == 0:
        return np.full(m, -1), np.zeros(m)
    best = np.argmax(stat, axis=0)
    value = stat[best, cols]
    return np.where(value > 0, candidates[best], -1), value


def last_shift(
    events: np.ndarray,
    kept: np.ndarray,
    *,
    min_segment: int = MIN_SEGMENT,
    min_events: int = MIN_EVENTS,
    step: int = STEP,
    threshold: float = THRESHOLD,
    max_shifts: int = MAX_SHIFTS,
) -> np.ndarray:
    """Return, per series (time-major (W, m)), the first row after its last significant shift.

    `events` counts per row (sale days or units; rows not `kept` count nothing). 0 where no
    split passes `threshold`: the whole window is one level. Candidate rows are every `step`
    rows back from the origin (the window summed in blocks of `step` rows first, so the test
    runs on (W / step, m) arrays).
    """
    ev = np.where(kept, np.asarray(events, np.float64), 0.0)
    w_len, m = ev.shape
    step = max(int(step), 1)
    n_blocks = w_len // step
    if n_blocks < 2 or m == 0:
        return np.zeros(m, dtype=np.int64)
    head = w_len - n_blocks * step  # rows before the first whole block join it
    cum_e, cum_k = block_cumsum(ev, step), block_cumsum(np.asarray(kept, np.float64), step)
    blocks = np.arange(1, n_blocks)  # block boundaries a split may start at
    start = np.zeros(m, dtype=np.int64)
    live = np.arange(m)  # series whose last segment is still searched
    for _ in range(max(int(max_shifts), 0)):
        split, stat = best_split(
            cum_e[:, live], cum_k[:, live], start[live], blocks, min_segment, min_events
        )
        moved = (split > 0) & (stat > threshold)
        if not moved.any():
            break
        live = live[moved]
        start[live] = split[moved]
    return np.where(start > 0, head + start * step, 0)


def block_cumsum(values: np.ndarray, step: int) -> np.ndarray:
    """Return (B + 1, m) cumulative sums of time-major `values` (W, m) over blocks of `step` rows.

    Blocks end at the last row; the rows before the first whole block join it. Row 0 is zeros.
    """
    w_len, m = values.shape
    n_blocks = w_len // step
    head = w_len - n_blocks * step
    sums = values[head:].reshape(n_blocks, step, m).sum(axis=1)
    if head:
        sums[0] += values[:head].sum(axis=0)
    out = np.zeros((n_blocks + 1, m))
    np.cumsum(sums, axis=0, out=out[1:])
    return out
