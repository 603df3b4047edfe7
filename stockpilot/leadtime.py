"""The supplier lead-time distribution the data describes (shared by the planner and the twin).

A supplier's row gives its quoted lead time L0 (`lead_time_days`), the standard deviation of its
lead time (`lead_time_std_days`) and the share of orders on time (`on_time_rate`, q). Read
together they describe one distribution, used by the planning engine, by the demo generator's
receipt history and by the simulation's twin:

- with probability q an order arrives on its quoted day (lead time L0);
- otherwise it is late by D = max(1, ceil(c·|z|)) days, z standard normal, where the scale c is
  chosen so that the lead time's standard deviation is the stated one.

So the mean lead time is L0 + (1 − q)·E[D], longer than quoted when the supplier is ever late.

SciPy's normal quantile loads on first use (importing SciPy's special functions costs a one-shot
command more than it ever uses them).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

GRID = 4_000  # quantile points of |z| used for the exact moments


@cache
def _half_normal() -> FloatArray:
    """Return the GRID equally likely |z| quantiles."""
    from scipy.special import ndtri

    return np.asarray(ndtri(0.5 + 0.5 * (np.arange(GRID) + 0.5) / GRID), dtype=float)


def _delays(scale: FloatArray) -> FloatArray:
    """Return (m, GRID) late delays max(1, ceil(c·|z|)) at equally likely |z| quantiles."""
    return np.maximum(1.0, np.ceil(scale[:, None] * _half_normal()[None, :] - 1e-9))


def _moments(scale: FloatArray, late: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the mean and std of the delay (0 when on time) for 1-D scales and late shares."""
    d = _delays(scale)
    m1, m2 = d.mean(axis=1), (d**2).mean(axis=1)
    mean = late * m1
    return mean, np.sqrt(np.maximum(late * m2 - mean**2, 0.0))


def delay_scale(std: ArrayLike, on_time: ArrayLike) -> FloatArray:
    """Return the scale c of the late delay that gives the stated lead-time std (0: never late).

    The result has the broadcast shape of the inputs; each distinct pair is solved once.
    """
    target, on = np.broadcast_arrays(np.asarray(std, float), np.asarray(on_time, float))
    pairs, back = np.unique(
        np.stack([target.ravel(), on.ravel()], axis=1), axis=0, return_inverse=True
    )
    want, late = pairs[:, 0], 1.0 - np.clip(pairs[:, 1], 0.0, 1.0)
    lo, hi = np.zeros(len(pairs)), np.maximum(want, 1.0) * 40.0
    for _ in range(40):  # bisection: the std grows with the scale
        mid = (lo + hi) / 2
        _, got = _moments(mid, late)
        lo, hi = np.where(got < want, mid, lo), np.where(got < want, hi, mid)
    scale = np.where((late > 0) & (want > 0), (lo + hi) / 2, 0.0)
    return scale[np.ravel(back)].reshape(target.shape)


def described_moments(
    nominal: ArrayLike, std: ArrayLike, on_time: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Return the mean and std of the lead time the supplier data describes."""
    nominal_, std_, on_ = np.broadcast_arrays(
        np.asarray(nominal, float), np.asarray(std, float), np.asarray(on_time, float)
    )
    scale = delay_scale(std_, on_).ravel()
    late = 1.0 - np.clip(on_.ravel(), 0.0, 1.0)
    mean_delay, delay_std = _moments(scale, late)
    never = scale <= 0
    mean = nominal_.ravel() + np.where(never, 0.0, mean_delay)
    return mean.reshape(nominal_.shape), np.where(never, 0.0, delay_std).reshape(nominal_.shape)


def draw_lead_times(
    nominal: ArrayLike, std: ArrayLike, on_time: ArrayLike, uniform: ArrayLike
) -> IntArray:
    """Return lead times drawn from the described distribution by inverse CDF of `uniform`.

    `uniform` in [0, 1): below the on-time rate the order is on time; above it, the position
    within the late share picks the delay's |z| quantile.
    """
    nominal_, std_, q, u = np.broadcast_arrays(
        np.asarray(nominal, float),
        np.asarray(std, float),
        np.clip(np.asarray(on_time, float), 0.0, 1.0),
        np.asarray(uniform, float),
    )
    from scipy.special import ndtri

    scale = delay_scale(std_, q)
    late = (u >= q) & (scale > 0)
    within = np.clip((u - q) / np.maximum(1.0 - q, 1e-12), 0.0, 1.0 - 1e-12)
    delay = np.maximum(1.0, np.ceil(scale * ndtri(0.5 + 0.5 * within) - 1e-9))
    return np.maximum(nominal_ + np.where(late, delay, 0.0), 1).astype(np.int64)


def expected_review_pulls(
    nominal: ArrayLike, std: ArrayLike, on_time: ArrayLike, review: ArrayLike
) -> FloatArray:
    """Return E[ceil(L' / R)]: the reviews a DC's stores pull at before its order lands.

    L' is drawn from the described distribution (`draw_lead_times`, the twin's draw): on time
    (L0) with the on-time rate, else L0 + max(1, ceil(c·|z|)), at least 1 day. An order placed
    at a review lands on day L', the next review's order on day R + L''; this order carries the
    pulls of the reviews on days R, 2R, ... before the next one lands: ceil(L'' / R) of them,
    whose mean over the supplier's lateness is returned (exact over GRID equally likely |z|).
    """
    nominal_, std_, on_, review_ = np.broadcast_arrays(
        np.asarray(nominal, float),
        np.asarray(std, float),
        np.clip(np.asarray(on_time, float), 0.0, 1.0),
        np.maximum(np.asarray(review, float), 1.0),
    )
    flat = np.stack([a.ravel() for a in (nominal_, std_, on_, review_)], axis=1)
    keys, back = np.unique(flat, axis=0, return_inverse=True)
    lead0, r = np.maximum(keys[:, 0], 1.0), keys[:, 3]
    on_time_pulls = np.ceil(lead0 / r - 1e-9)
    scale = delay_scale(keys[:, 1], keys[:, 2])
    late_lead = np.maximum(keys[:, :1] + _delays(scale), 1.0)
    late_pulls = np.ceil(late_lead / r[:, None] - 1e-9).mean(axis=1)
    q = np.where(scale > 0, keys[:, 2], 1.0)
    out = q * on_time_pulls + (1.0 - q) * late_pulls
    return out[np.ravel(back)].reshape(nominal_.shape)


def review_pulls_quantile(
    nominal: ArrayLike, std: ArrayLike, on_time: ArrayLike, review: ArrayLike, level: ArrayLike
) -> FloatArray:
    """Return the smallest k with P(ceil(L' / R) <= k) >= `level`: the pulls at a service level.

    The same distribution as `expected_review_pulls` (L' on time at L0 with the on-time rate,
    else L0 + max(1, ceil(c·|z|)), at least 1 day; exact over GRID equally likely |z|), read at
    its quantile instead of its mean: an order that slips past a review leaves a whole review's
    pull to this one, so the count covers that slip in `level` of the orders. A supplier never
    late (or without spread) gives ceil(L0 / R) at every level.
    """
    nominal_, std_, on_, review_, level_ = np.broadcast_arrays(
        np.asarray(nominal, float),
        np.asarray(std, float),
        np.clip(np.asarray(on_time, float), 0.0, 1.0),
        np.maximum(np.asarray(review, float), 1.0),
        np.clip(np.asarray(level, float), 0.0, 1.0),
    )
    flat = np.stack([a.ravel() for a in (nominal_, std_, on_, review_, level_)], axis=1)
    keys, back = np.unique(flat, axis=0, return_inverse=True)
    lead0, r = np.maximum(keys[:, 0], 1.0), keys[:, 3]
    on_time_pulls = np.ceil(lead0 / r - 1e-9)
    scale = delay_scale(keys[:, 1], keys[:, 2])
    late_lead = np.maximum(keys[:, :1] + _delays(scale), 1.0)
    late_pulls = np.ceil(late_lead / r[:, None] - 1e-9)  # (m, GRID), ascending along GRID
    q = np.where(scale > 0, keys[:, 2], 1.0)
    # A late count is never below the on-time one: the on-time count if it reaches the level,
    # else the late counts' quantile at the share of the late orders the level still needs.
    target = keys[:, 4]
    on_time_cdf = q + (1.0 - q) * (late_pulls <= on_time_pulls[:, None]).mean(axis=1)
    need = (target - q) / np.maximum(1.0 - q, 1e-12)
    at = np.clip(np.ceil(need * GRID - 1e-9).astype(np.int64) - 1, 0, GRID - 1)
    late_quantile = np.take_along_axis(late_pulls, at[:, None], axis=1)[:, 0]
    out = np.where(on_time_cdf >= target - 1e-12, on_time_pulls, late_quantile)
    return out[np.ravel(back)].reshape(nominal_.shape)
