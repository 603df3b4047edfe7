"""Fitted yearly seasonal indices of weekly or monthly series (vectorised, all series at once).

`seasonal_index` estimates, per series, a multiplicative index for each period of the year
(52 weeks or 12 months) by classical ratio-to-moving-average decomposition over the fit window:

- the level of period t is the centred moving average over one year (a 2 x year average: half
  weights on both ends, so an even year is centred), from kept periods only; it is measured
  where at least `MIN_LEVEL_SHARE` of its periods were kept;
- the raw index of a period of the year is the sum of its kept values over the sum of their
  levels (a ratio of sums, so a large season weighs more than a small one), optionally pooled
  over `smooth` neighbouring periods either side (weekly data: two or three years give two or
  three weeks per position, too few on their own), then normalised to mean 1;
- the index is shrunk toward 1 by an empirical-Bayes weight w = max(0, 1 - noise / spread),
  spread the mean squared deviation of the raw index from 1 and noise the mean variance of a
  raw index from the scatter of the single ratios around their period's index (a series
  without spare degrees of freedom takes the batch's pooled scatter). A flat series whose
  index is only noise gets w ≈ 0 (no season); a series with a real season keeps most of it;
- clipped to `INDEX_CLIP`; a series with under `MIN_YEARS` years of measured levels (or none)
  gets a flat index.

The index multiplies the level of the smoothing model fitted on the de-seasonalised series
(`planning.forecast`), which is how an ETS(M, Ad, M) model with a fixed season forecasts.
"""

from __future__ import annotations

import numpy as np

MIN_LEVEL_SHARE = 0.75  # kept share of a year for its moving average to count
MIN_YEARS = 0.5  # years of measured levels (ratios) before a series gets an index
INDEX_CLIP = (0.2, 5.0)
# The index keeps 1 - NOISE_MARGIN · noise / spread of its raw deviations: a pure-noise index
# (spread ≈ noise) is dropped but for about 2 % of flat series.
NOISE_MARGIN = 1.0
PRIOR_DOF = 12.0  # weight of the Poisson variance in each series' ratio scatter


def seasonal_index(
    xs: np.ndarray,
    ks: np.ndarray,
    pos: np.ndarray,
    year: int,
    smooth: int = 0,
    *,
    span: int | None = None,
    factor: np.ndarray | None = None,
) -> np.ndarray:
    """Return (year, m) multiplicative indices (mean 1, shrunk) of time-major `xs` / `ks`.

    `xs` (W, m) values, `ks` (W, m) kept mask, `pos` (W,) the period of the year (0..year-1)
    of each row. `span` is the rows in a year (default `year`; daily rows: 364 rows, 52 weekly
    positions) and `factor` (W, m) any other multiplicative factor of each row (a weekly
    profile), divided out of the ratios.
    """
    w_len, m = xs.shape
    flat = np.ones((year, m))
    rows_per_year = int(span or year)
    if w_len < rows_per_year + 2 or year < 2:
        return flat
    x = np.where(ks, xs, 0).astype(np.float64)
    k = ks.astype(np.float64)
    cs = np.zeros((w_len + 1, m))
    np.cumsum(x, axis=0, out=cs[1:])
    cc = np.zeros((w_len + 1, m))
    np.cumsum(k, axis=0, out=cc[1:])
    span_len = rows_per_year
    even = int(span_len % 2 == 0)
    half = span_len // 2
    # Centre t: the windows [t - half, t - half + span) and [t - half + 1, t - half + 1 + span)
    # averaged (the 2 x span moving average for an even span; twice the same for an odd one).
    lo = np.arange(half, w_len - half - even)
    if lo.size == 0:
        return flat
    a0, a1 = lo - half, lo - half + span_len
    b0, b1 = a0 + even, a1 + even
    u_a, d_a = cs[a1] - cs[a0], cc[a1] - cc[a0]
    u_b, d_b = cs[b1] - cs[b0], cc[b1] - cc[b0]
    with np.errstate(invalid="ignore", divide="ignore"):
        level = 0.5 * (u_a / d_a + u_b / d_b)
    if factor is not None:
        level = level * factor[lo]
    ok = (np.minimum(d_a, d_b) >= MIN_LEVEL_SHARE * span_len) & ks[lo] & (level > 0)
    level = np.where(ok, level, 0.0)
    value = np.where(ok, x[lo], 0.0)
    okf = ok.astype(np.float64)
    p = pos[lo]
    num, den, cnt = (_by_position(v, p, year) for v in (value, level, okf))
    if smooth > 0:  # pool neighbouring periods of the year (circular)
        num, den, cnt = (_circular_sum(v, smooth) for v in (num, den, cnt))
    raw = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    # The ratios are to the year's average level: over a whole year they average 1 up to
    # noise, which normalising removes; a year seen in part keeps its ratios as they are.
    whole = (cnt > 0).all(axis=0, keepdims=True)
    mean = raw.mean(axis=0, keepdims=True)
    raw = np.where(whole & (mean > 0), raw / np.where(mean > 0, mean, 1.0), raw)
    # Scatter of the single ratios around their period's raw index (the index's noise).
    ratio = np.where(ok, value / np.where(ok, level, 1.0), 0.0)
    resid = np.where(ok, ratio - raw[p], 0.0)
    ss = (resid**2).sum(axis=0)
    n_obs = okf.sum(axis=0)
    dof = np.maximum(n_obs - year, 0.0)
    # A ratio's variance is at least Poisson's (1 / level): each series' own scatter is shrunk
    # toward it with `PRIOR_DOF` degrees of freedom (per series only, so a series' index does
    # not depend on the batch it is forecast in: a partition plans as the whole network does).
    pois = np.where(ok, 1.0 / np.where(ok, level, 1.0), 0.0).sum(axis=0) / np.maximum(n_obs, 1)
    scatter = (ss + PRIOR_DOF * pois) / (dof + PRIOR_DOF)
    noise = (scatter[None, :] / np.maximum(cnt, 1.0)).mean(axis=0)
    spread = ((raw - 1.0) ** 2).mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(spread > 0, np.clip(1.0 - NOISE_MARGIN * noise / spread, 0.0, 1.0), 0.0)
    w = np.where(n_obs >= MIN_LEVEL_SHARE * MIN_YEARS * span_len, w, 0.0)
    index = np.clip(1.0 + w[None, :] * (raw - 1.0), *INDEX_CLIP)
    return np.asarray(np.where(whole, index / index.mean(axis=0, keepdims=True), index))


def ahead_factor(index: np.ndarray, pos: np.ndarray, ahead: int) -> np.ndarray:
    """Return (len(pos) - ahead, m) float32: row i the mean index over rows i .. i + ahead - 1.

    `index` (P, m) by position, `pos` the position of each row from the first scored one.
    """
    cs = np.zeros((pos.size + 1, index.shape[1]), np.float64)
    np.cumsum(index[pos], axis=0, out=cs[1:])
    s_len = pos.size - ahead
    return ((cs[ahead : ahead + s_len] - cs[:s_len]) / ahead).astype(np.float32)


def _by_position(values: np.ndarray, pos: np.ndarray, year: int) -> np.ndarray:
    """Return (year, m) sums of the rows of `values` (L, m) by their position `pos` (L,).

    Rows are gathered in position order and reduced per run (no BLAS: a matrix product
    with a one-hot matrix starts threads that spin on a loaded machine).
    """
    order = np.argsort(pos, kind="stable")
    sorted_pos = pos[order]
    starts = np.flatnonzero(np.r_[True, sorted_pos[1:] != sorted_pos[:-1]])
    out = np.zeros((year, values.shape[1]))
    out[sorted_pos[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out


def _circular_sum(values: np.ndarray, half: int) -> np.ndarray:
    """Return (P, m) sums over each row's `half` neighbours either side, wrapping around."""
    out = np.array(values, dtype=np.float64)
    for shift in range(1, half + 1):
        out += np.roll(values, shift, axis=0) + np.roll(values, -shift, axis=0)
    return out
