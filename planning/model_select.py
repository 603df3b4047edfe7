"""Per-series model choice by rolling-origin backtest among cheap candidates (vectorised).

`forecast_batch` fits each series' class model first (SES for smooth / erratic, the SBA and TSB
lanes for intermittent / lumpy: the incumbent). `candidate_lanes` then runs, on the same
time-major fit window, the challengers for every series at once:

- ``naive``: the mean of the last k kept days (k in `NAIVE_DAYS`; the naive forecast of a
  bucket of k days), the most reactive level there is;
- ``adida``: temporal aggregation (ADIDA): kept days are summed into non-overlapping buckets of
  b days (b in `AGGREGATION_DAYS`, aligned on the origin), SES with constant a (in
  `AGGREGATE_ALPHAS`) runs over the buckets' daily rates and the level is spread back evenly
  over the days; aggregation removes most of the zeros, so SES works on intermittent demand;
- ``imapa``: the mean of the ADIDA levels over every b for one a (IMAPA: several aggregation
  levels combined).

Every lane is scored like the incumbent lanes: at origins in the scored tail of the window
(every `ORIGIN_STEP`-th day) its rate is compared to the mean demand of the next
`planning.forecast.AHEAD_DAYS` kept days (squared error: a rolling-origin backtest), weighed
up to the incumbent's daily count. `choose` keeps the incumbent unless a challenger's score is
lower by more than `PRIOR_MARGIN` (the demand class is the prior, not the only rule). A series
that moves keeps its class model's sigma (the one-day error is mostly the noise of single
days, the same whichever level is used).

Each lane also has an equivalent daily smoothing constant (`alpha`): 2 / (k + 1) for a k-day
mean, a / b for ADIDA (the mean over b for IMAPA), which the planning engine's interval error
uses the way it uses SES's alpha.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAIVE_DAYS = (7, 28, 91)
AGGREGATION_DAYS = (7, 14, 28)
AGGREGATE_ALPHAS = np.array([0.1, 0.2, 0.3, 0.5], np.float32)
PRIOR_MARGIN = 0.15  # a challenger must beat the class model's backtest error by 15 %
INIT_MIN_DAYS = 28
ORIGIN_STEP = 7  # challengers are scored from every 7th day's origin


@dataclass(frozen=True)
class Challengers:
    """The challengers' windows, in periods of the series (the defaults: days).

    Every aggregation span is a multiple of the shortest; weekly or monthly series
    (`planning.buckets`) use spans of a few of their periods, 1 among them (SES on the buckets).
    """

    naive: tuple[int, ...] = NAIVE_DAYS
    aggregation: tuple[int, ...] = AGGREGATION_DAYS
    origin_step: int = ORIGIN_STEP
    init: int = INIT_MIN_DAYS


DAILY_CHALLENGERS = Challengers()


@dataclass(frozen=True)
class Lanes:
    """Candidate lanes of m series: their rates at the origin and backtest errors."""

    method: np.ndarray  # (g,) "naive" | "adida" | "imapa"
    days: np.ndarray  # (g,) the window k (naive) or bucket b (adida; 0 for imapa)
    alpha: np.ndarray  # (g,) equivalent daily smoothing constant
    rate: np.ndarray  # (m, g) daily rate at the origin
    score: np.ndarray  # (m, g) squared error against the next days' mean, summed


@dataclass(frozen=True)
class Choice:
    """The lane each series keeps (-1: the incumbent)."""

    lane: np.ndarray  # (m,) index into the lanes, -1 for the incumbent
    rate: np.ndarray  # (m,)
    method: np.ndarray  # (m,) object
    alpha: np.ndarray  # (m,)


def candidate_lanes(
    xs: np.ndarray,
    ks: np.ndarray,
    score0: int,
    ahead: tuple[np.ndarray, np.ndarray],
    spans: Challengers = DAILY_CHALLENGERS,
) -> Lanes:
    """Run every challenger lane on the window `xs` / `ks` (W, m) and score it from `score0`.

    `ahead` holds the (S, m) target means and their mask from day `score0` on (S = W - score0).
    """
    w_len, m = xs.shape
    # Scored origins: every `ORIGIN_STEP`-th day back from the last (28-day targets overlap,
    # so daily origins add little), the last entry being the origin of the forecast itself.
    origins = np.arange(w_len, score0 - 1, -spans.origin_step)[::-1]
    scored = origins[:-1] if origins[-1] == w_len else origins
    s_len = scored.size
    # Cumulative sums from the first day a naive lane looks at (float64: long sums, exact diffs).
    c0 = max(score0 - max(spans.naive), 0)
    cs = np.zeros((w_len - c0 + 1, m))
    np.cumsum(xs[c0:], axis=0, dtype=np.float64, out=cs[1:])
    cc = np.zeros((w_len - c0 + 1, m))
    np.cumsum(ks[c0:], axis=0, dtype=np.float64, out=cc[1:])
    days = np.append(scored, w_len) - c0
    target_all, ok_all = ahead
    target = target_all[scored - score0]
    target_ok = ok_all[scored - score0]
    # The class model's score sums every day: weigh the sampled days up to the same count.
    weight = ok_all.sum(axis=0, dtype=np.float64) / np.maximum(target_ok.sum(axis=0), 1)
    methods: list[str] = []
    lane_days: list[int] = []
    alphas: list[float] = []
    rates: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    buf = np.empty((s_len, m), np.float32)

    def add(name: str, span: int, alpha: float, traj: np.ndarray) -> None:
        """Score a (S + 1, m) float32 trajectory: row i is the rate at origin `days[i]`."""
        np.subtract(target, traj[:-1], out=buf)
        np.multiply(buf, target_ok, out=buf)
        np.square(buf, out=buf)
        scores.append(buf.sum(axis=0).astype(np.float64) * weight)
        methods.append(name)
        lane_days.append(span)
        alphas.append(alpha)
        rates.append(traj[-1].astype(np.float64))

    for k in spans.naive:
        lo = np.maximum(days - k, 0)
        units, kept = cs[days] - cs[lo], cc[days] - cc[lo]
        prev = np.maximum.accumulate(np.where(kept > 0, np.arange(days.size)[:, None], 0), axis=0)
        mean = np.where(kept > 0, units / np.maximum(kept, 1), np.nan)
        # No kept day in the last k: the last k-day mean that had one (0 before any).
        mean = np.nan_to_num(np.take_along_axis(mean, prev, axis=0)).astype(np.float32)
        add("naive", k, 2.0 / (k + 1), mean)

    init = _initial_rate(xs, ks, spans.init)
    imapa = np.zeros((s_len + 1, AGGREGATE_ALPHAS.size, m), np.float32)
    base = min(spans.aggregation)
    n_base = w_len // base
    # Weekly (base) bucket sums from the window's end; longer buckets add whole base buckets.
    units = xs[w_len - n_base * base :].reshape(n_base, base, m).sum(axis=1)
    kept = ks[w_len - n_base * base :].reshape(n_base, base, m).sum(axis=1, dtype=np.int32)
    for b in spans.aggregation:
        q = b // base
        n_b = n_base // q
        b_units = units[n_base - n_b * q :].reshape(n_b, q, m).sum(axis=1)
        b_kept = kept[n_base - n_b * q :].reshape(n_b, q, m).sum(axis=1)
        traj = _adida_trajectories(b_units, b_kept, init, b, w_len, days + c0)
        imapa += traj
        for j, a in enumerate(AGGREGATE_ALPHAS.tolist()):
            add("adida", b, a / b, traj[:, j])
    imapa /= len(spans.aggregation)
    mean_inv = float(np.mean([1.0 / b for b in spans.aggregation]))
    for j, a in enumerate(AGGREGATE_ALPHAS.tolist()):
        add("imapa", 0, a * mean_inv, imapa[:, j])
    return Lanes(
        method=np.array(methods, dtype=object),
        days=np.array(lane_days),
        alpha=np.array(alphas),
        rate=np.stack(rates, axis=1),
        score=np.stack(scores, axis=1),
    )


def choose(
    lanes: Lanes,
    incumbent_score: np.ndarray,
    incumbent_rate: np.ndarray,
    incumbent_method: np.ndarray,
    incumbent_alpha: np.ndarray,
) -> Choice:
    """Keep each series' incumbent unless a lane's score is lower by more than `PRIOR_MARGIN`."""
    m = incumbent_score.shape[0]
    best = np.argmin(lanes.score, axis=1)
    rows = np.arange(m)
    challenger = lanes.score[rows, best] * (1.0 + PRIOR_MARGIN)
    switch = np.isfinite(lanes.score[rows, best]) & (challenger < incumbent_score)
    lane = np.where(switch, best, -1)
    pick = np.maximum(lane, 0)
    return Choice(
        lane=lane,
        rate=np.where(switch, lanes.rate[rows, pick], incumbent_rate),
        method=np.where(switch, lanes.method[pick], incumbent_method),
        alpha=np.where(switch, lanes.alpha[pick], incumbent_alpha),
    )


def _initial_rate(xs: np.ndarray, ks: np.ndarray, init: int) -> np.ndarray:
    """Return each series' mean rate over its first `init` kept periods."""
    first = ks & (np.cumsum(ks, axis=0, dtype=np.int32) <= init)
    kept = first.sum(axis=0)
    units = np.where(first, xs, 0).sum(axis=0, dtype=np.float64)
    return np.where(kept > 0, units / np.maximum(kept, 1), 0.0)


def _adida_trajectories(
    units: np.ndarray,
    kept: np.ndarray,
    init: np.ndarray,
    b: int,
    w_len: int,
    days: np.ndarray,
) -> np.ndarray:
    """Return (len(days), g, m) float32 ADIDA levels (daily rate) in force at each origin `days`.

    `units` / `kept` (n_b, m) are the buckets of b days ending at the window's end (`w_len`);
    a bucket's value is its kept units over its kept days (no update where none is kept). The
    level at origin t is the one after the last bucket ending at or before t.
    """
    n_b, m = units.shape
    ends = w_len - b * np.arange(n_b - 1, -1, -1)  # exclusive end column of each bucket
    value = (units / np.maximum(kept, 1)).astype(np.float32)
    has = (kept > 0).astype(np.float32)
    g = AGGREGATE_ALPHAS.size
    level = np.repeat(init.astype(np.float32)[None, :], g, axis=0)
    levels = np.empty((n_b + 1, g, m), np.float32)
    levels[0] = level
    a = AGGREGATE_ALPHAS[:, None]
    for j in range(n_b):
        level = level + a * (value[j][None, :] - level) * has[j][None, :]
        levels[j + 1] = level
    # Buckets completed by origin t: those with end <= t.
    return levels[np.searchsorted(ends, days, side="right")]
