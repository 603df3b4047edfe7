"""Forecast many daily demand series at once (vectorised numpy, no Python loop over series).

Each series is classified on its whole history (`planning.demand`) and forecast by class:

- smooth / erratic: simple exponential smoothing (SES) of the de-seasonalised series (divided by
  its weekly profile and fitted yearly index), alpha per series from `ALPHA_GRID` by the smallest
  in-sample one-period-ahead squared error (in units, on the last `SCORE_DAYS`). Where the
  yearly index is fitted, damped-trend Holt lanes (`Periods.trend`: alpha, beta, phi; weekly
  and monthly series) run beside the SES alphas and the same error picks among all of them.
  Forecast = (level + trend·(phi + ... + phi^h)) x weekly profile x yearly index.
- intermittent / lumpy: SBA (Croston with the 1 - alpha/2 bias correction; at the origin a gap
  in progress longer than the interval estimate updates it as if it ended now) for every alpha
  of `SBA_ALPHAS` and TSB (Teunter–Syntetos–Babai: sizes by alpha, the demand probability by beta,
  updated every day so an item that stops selling fades out) for every pair of `TSB_PAIRS`, all
  run at once per series. Each lane is scored on the last `SCORE_DAYS` by the squared error of
  its rate against the mean demand of the next `AHEAD_DAYS` kept days; the series keeps its best
  lane. The demand class is the prior: SBA alpha `SBA_ALPHA` for intermittent, TSB
  `TSB_ALPHA` / `TSB_BETA` for lumpy, and any other lane must beat it by `PRIOR_MARGIN`.
  A daily series with fewer than `MIN_CHOICE_SALES` sales in the scored days (weekly and
  monthly series: `Periods.min_choice_sales`, none) keeps TSB and has no
  challengers (`planning.model_select`): on such sparse series the backtest's error is mostly
  the noise of a few sales, and choosing by it picked slow lanes that lag a decline, while
  TSB's probability decays on every day without a sale, so its rate follows the decline where
  SBA's interval waits for the next sale (generated spare parts: bias +0.37 with the choice,
  +0.04 with TSB alone).
  Of those, a series selling on fewer of its kept days than `TSB_BETA` (spare parts) takes
  the log-linear rate of its sale days instead (`planning.decline`, method "decline"): TSB's
  fixed constant moved its forecast with the days since the last sale (3.1-3.5x the truth
  within 30 days of a sale, 0.08x past 90). Its fit holds the run since the last sale, so
  it takes no end-of-life factor (`p_alive` 1): the factor counted the run-down twice
  (generated spare parts, rows it cut below 0.5: 0.02x the truth with it, 0.53x without).
  Monthly series (`Periods.decline_every`): every intermittent / lumpy series takes the
  decline's rate of its months with a sale (slope per 12 periods, no challenger), and keeps
  the end-of-life factor: a 60-month fit does not see an end a few months old (without the
  factor the generated monthly spare parts were worse on every cell, bias +0.2 to +0.7).
  Their fit weighs each month by its age (`Periods.decline_half_life`, one year): a decline
  that started inside the five-year window read as a shallower slope on all of it.
  End of life: the rate is multiplied by the probability the item still sells given the kept
  days since its last sale (Bayes: a day without a sale has probability 1 - the sale frequency
  while alive: the slower of the window's and that of the `RECENT_DAYS` up to the last sale,
  `_recent_frequency`; the item, alive at its last sale, ends on each kept day since with the
  hazard `END_HAZARD`, `_alive_after_hazard`), so a stopped item's forecast falls to about 0
  while a run the item often has costs a few %. A series whose sales in the scored days fell
  significantly below its window's frequency (`_declining`) has instead the prior
  `DECLINE_PRIOR` that it still sells before its run (`_alive_probability`): the decline is
  evidence that a run may be its end. By default (`daily_periods("fitted")`, the setting
  `forecast_decline`; "smoothed" keeps the smoothed level), a daily one's rate is not a smoothed
  level, which lags the decline, but the log-linear rate of its days up to the last sale
  extrapolated to the days ahead (method "declining", `planning.decline.rate_before_run`, the fit
  weighed with a half-life of `DECLINING_HALF_LIFE` years), and its run is judged by the slower of
  that rate over the run's days and the recent frequency: generated obsolescent items still selling
  at the origin were forecast at 0.66-0.81x the truth, smoothed levels 1.10-1.16x the truth cut by a
  factor of 0.51 on average (coverage within 0.85-0.95 on every obsolescent cell of six seeds, a few
  bias / MASE cells worse: README).
  Opt-in (`Periods.shift_segment`, off): intermittent / lumpy rates fitted on the days after
  the last significant shift of sale frequency (`planning.changepoint`); measured, not adopted.
  Weekly series (`Periods.end_hazard`, `decline_prior`) take the daily hazard and prior over
  the bucket's 7 days: a bucket without a sale spans as much time as that many days. Monthly
  series, whose rate is the decline's (a run of months is mostly its slow rate, judged here by
  the window's frequency), keep a fixed prior per month
  (`Periods.alive_prior`, 0.999 over the month's days): with the hazard, generated declining
  monthly spare parts that never end were forecast at 0.61x the truth. A declining monthly series
  keeps `DECLINE_PRIOR` itself (a prior once before the run, not per day: 0.7 over a month's days,
  2e-5, read about 38 of 200 generated spare parts per seed as ended). An unrecorded stockout looks
  the same: the factor is in the result (`p_alive`) for the planner to see. Smooth / erratic series
  get the factor only from days the inventory history records in stock (`in_stock`), and only for
  runs of at least `MIN_END_DAYS` of them: without that record a fast seller's stockout at the
  origin would read as its end of life. Monthly series (`Periods.smooth_end_of_life`) take it
  from every kept month of the run: a month without a sale is no routine stockout (generated
  monthly spare parts, 5,000 series, smooth / erratic MASE 0.03-0.06 lower, bias nearer 0).
- zero: no sale on a kept day in the fit window; mean, sigma and level are 0.

Common rules:

- Kept days: finite values, not a past promotion day (`history_uplift` != 1), on or after the
  series' first sale, and not a "closed" weekday (profile < `CLOSED_PROFILE`). Excluded days
  neither update the recursions nor count in the errors.
- Recursions run on the last `FIT_DAYS` days only (older data is burn-in at best), in float32.
- Weekly profile: multiplicative day-of-week factors (mean 1) from the last `PROFILE_DAYS` kept
  days, shrunk toward the batch's volume-weighted pooled profile with weight U / (U + 800), U the
  units in that window (so a slow mover takes the pooled shape, not its own noise); the pooled
  profile is itself shrunk toward flat by the batch's total units the same way.
- Yearly index (smooth/erratic only): with 1.5 years in the fit window, fitted by ratio to a
  centred one-year moving average and shrunk by its own noise (`planning.seasonal`; daily
  series: one index per week of the year, pooled over +-2 weeks; weekly series: 52, +-1;
  monthly: 12), and the level is fitted on the series divided by it. With less (T >= 364 +
  max(H, 28)): last year's 21-day centred mean around each future day's date (364 days back,
  same weekday) over last year's 28-day level at the origin, clipped to [1/3, 3] and shrunk
  toward 1 with weight U / (U + 100) (U: last year's units in the level window); series selling
  under 0.5 units/day last year get no yearly index.
- sigma: root mean squared one-day-ahead in-sample error in units (seasonal model, kept days of
  the last `SCORE_DAYS`); the mean error is not removed, so a biased fit widens sigma.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from planning.changepoint import last_shift
from planning.decline import DAYS_PER_YEAR, decline_rate, rate_before_run
from planning.demand import demand_stats
from planning.interval import (
    DAILY_WINDOWS,
    IntervalDemand,
    IntervalWindows,
    interval_demand,
    windows_kwargs,
)
from planning.model_select import DAILY_CHALLENGERS, Challengers, candidate_lanes, choose
from planning.seasonal import ahead_factor, seasonal_index

ALPHA_GRID = np.array([0.02, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3], np.float32)
SBA_ALPHA = 0.1
TSB_ALPHA = 0.1  # the class default's constants (the first of `TSB_PAIRS`)
TSB_BETA = 0.03
SBA_ALPHAS = np.array([SBA_ALPHA, 0.05, 0.2, 0.3], np.float32)
# (size alpha, probability beta) pairs; the first is the class default.
TSB_PAIRS = np.array(
    [(TSB_ALPHA, TSB_BETA), (0.1, 0.05), (0.1, 0.02), (0.1, 0.1), (0.2, 0.2), (0.3, 0.3)],
    np.float32,
)
# Damped-trend lanes of daily series: (alpha, beta, phi per day).
DAILY_TREND: tuple[tuple[float, float, float], ...] = ()
# Prior that an item still sells before its run: smooth / erratic items before a run of days
# known in stock (`in_stock`), monthly intermittent ones before a run of months.
ALIVE_PRIOR = 0.999
# The prior for an intermittent item whose sales have slowed significantly (`_declining`): a
# run without a sale ends it sooner. The test: sales in the scored tail against the count the
# whole window's frequency expects, z below `DECLINE_Z` (one-sided p about 0.01).
DECLINE_PRIOR = 0.7
# The probability per kept day that an intermittent item still selling ends (an expected
# selling life of about 2.7 years), for series without a significant decline.
END_HAZARD = 1.0 / 1000
DECLINE_Z = -2.33
# Smooth / erratic series: a run of fewer days known in stock without a sale is a slow spell,
# not an end of life (one such day would cut a fast seller's forecast by 5 %; the demo: 387 rows).
MIN_END_DAYS = 3
# Days up to the last sale whose sale frequency (where slower than the window's) judges the run
# since it (`_recent_frequency`).
RECENT_DAYS = 91
AHEAD_DAYS = 28  # lanes of intermittent series are scored on the mean of the next 28 days
PRIOR_MARGIN = 0.03  # a lane of the other method must beat the class default's error by 3 %
MIN_CHOICE_SALES = 40  # daily series with fewer sales in the scored days keep TSB, unchosen
FIT_DAYS = 728
SCORE_DAYS = 182
INIT_DAYS = 28
PROFILE_DAYS = 364
PROFILE_SHRINK_UNITS = 800.0
CLOSED_PROFILE = 0.05
YEAR = 364
YEARLY_LEVEL_DAYS = 28
YEARLY_HALF_WINDOW = 10
YEARLY_SHRINK_UNITS = 100.0
YEARLY_MIN_DAILY = 0.5
YEARLY_CLIP = (1.0 / 3.0, 3.0)
SALES_CHUNK_ROWS = 1 << 20  # sales rows densified at a time by `sales_matrix`
_TICKS_PER_DAY = {"h": 24, "m": 1_440, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000}
_TICKS_PER_DAY["ns"] = 86_400_000_000_000


@dataclass(frozen=True)
class Periods:
    """The forecaster's windows, counted in periods of the series (the defaults: days).

    Weekly or monthly series (`planning.buckets`) pass their own: no weekly profile, a year of
    52 or 12 periods, and score / ahead windows of about the same time span.
    """

    weekly_profile: bool = True  # day-of-week factors (daily series only)
    score: int = SCORE_DAYS
    init: int = INIT_DAYS
    ahead: int = AHEAD_DAYS
    year: int = YEAR  # periods per year of the yearly index
    yearly_level: int = YEARLY_LEVEL_DAYS
    yearly_half_window: int = YEARLY_HALF_WINDOW
    yearly_min_rate: float = YEARLY_MIN_DAILY  # units per period
    challengers: Challengers = DAILY_CHALLENGERS  # model choice (`planning.model_select`)
    # Intermittent series with fewer sales in the scored periods keep TSB, unchosen (0: none).
    min_choice_sales: int = 0
    # Damped-trend lanes (alpha, beta, phi) run beside the SES alphas of smooth / erratic series.
    trend: tuple[tuple[float, float, float], ...] = DAILY_TREND
    # A yearly index fitted over the window (`planning.seasonal`) where it holds two years;
    # `season_smooth` neighbouring periods either side pool into each period's index.
    fitted_season: bool = True
    season_smooth: int = 2
    season_positions: int = 52  # index positions per year (days: weeks of the year)
    # Prior that an intermittent item still sells before its run without a sale, for a series
    # whose sales have slowed significantly (`_declining`, `_alive_probability`).
    decline_prior: float = DECLINE_PRIOR
    # The end-of-life hazard per period of other intermittent series (`_alive_after_hazard`);
    # 0: they have the prior `alive_prior` instead.
    end_hazard: float = END_HAZARD
    alive_prior: float = ALIVE_PRIOR
    # Periods up to the last sale whose sale frequency, where slower than the window's, judges
    # the run since it (`_recent_frequency`; 0: the window's frequency alone).
    recent_days: int = 0
    # Every intermittent / lumpy series takes the decline's log-linear rate (`planning.decline`),
    # not only sparse daily ones, with its slope in `decline_per_year` periods; `decline_alive`
    # keeps the end-of-life factor on it (months: the fit cannot see an end a few months old).
    decline_every: bool = False
    decline_per_year: float = DAYS_PER_YEAR
    decline_alive: bool = False
    # The decline's fit weighs a period by 0.5 ** (its age in years / this; 0: evenly).
    decline_half_life: float = 0.0
    # A significantly declining intermittent series (`_declining`) not on the decline's rate
    # takes the log-linear rate of its periods up to its last sale, the run since judged by it
    # (`planning.decline.rate_before_run`), its fit weighed with this half-life (years; 0: off,
    # the smoothed level and the run judged by `_recent_frequency`).
    declining_half_life: float = 0.0
    # Intermittent / lumpy series fit their rate on the periods after their last significant
    # shift of sale frequency (`planning.changepoint.last_shift`, splits with at least this many
    # kept periods either side; 0: off, the whole window). Measured, not adopted (off: README).
    shift_segment: int = 0
    # Smooth / erratic series take the end-of-life factor from every kept period of their run
    # since the last sale, not only from periods the inventory history records in stock
    # (months: a month without a sale is no routine stockout).
    smooth_end_of_life: bool = False
    # How the interval's quantiles are measured in these periods (`planning.interval`).
    interval: IntervalWindows = DAILY_WINDOWS


# The half-life of a declining series' fit with "fitted" (`Periods.declining_half_life`), years.
DECLINING_HALF_LIFE = 0.5
DAILY = Periods(
    min_choice_sales=MIN_CHOICE_SALES,
    recent_days=RECENT_DAYS,
    declining_half_life=DECLINING_HALF_LIFE,
)
# How a significantly declining daily intermittent series is forecast (`daily_periods`):
# "fitted" (the default) the log-linear rate of its days up to its last sale (method
# "declining", `Periods.declining_half_life`), "smoothed" its smoothed level.
DeclineMethod = Literal["smoothed", "fitted"]
DECLINE_METHODS: tuple[str, ...] = ("smoothed", "fitted")
DEFAULT_DECLINE = "fitted"


def daily_periods(decline: str = DEFAULT_DECLINE) -> Periods:
    """Return the daily `Periods` with the declining-series method `decline` (`DECLINE_METHODS`).

    "fitted": `DAILY` itself; "smoothed": `DAILY` whose declining series keep their smoothed
    level.
    """
    if decline not in DECLINE_METHODS:
        raise ValueError(f"unknown decline method {decline!r}; one of {', '.join(DECLINE_METHODS)}")
    if decline == "fitted":
        return DAILY
    return replace(DAILY, declining_half_life=0.0)


@dataclass(frozen=True)
class BatchForecast:
    """Forecasts of n series over H days, with the fit details per series."""

    mean: np.ndarray  # (n, H) expected units for day 1..H, seasonal and promo-adjusted
    sigma: np.ndarray  # (n,) RMS of the one-day-ahead in-sample error
    level: np.ndarray  # (n,) de-seasonalised daily level (or rate) at the origin
    # (n,) "ses" | "sba" | "tsb" | "decline" | "declining" | "naive" | "adida" | "imapa" | "zero"
    method: np.ndarray
    demand_class: np.ndarray  # (n,) from DEMAND_CLASSES
    adi: np.ndarray  # (n,)
    cv2: np.ndarray  # (n,)
    alpha: np.ndarray  # (n,) smoothing constant of the level / sizes (0 for "zero")
    beta: np.ndarray  # (n,) TSB's demand-probability constant (0 for other methods)
    # (n,) probability the item still sells: intermittent / lumpy series (not "decline", whose
    # rate carries the run-down), and smooth / erratic ones whose days without a sale the
    # inventory history records in stock (1 for others)
    p_alive: np.ndarray
    interval: IntervalDemand | None = None  # P-day demand measured, when protection_days given
    # (n,) days per bucket (naive: days averaged; adida: bucket; imapa: 0 = several; else 1)
    aggregation: np.ndarray | None = None


def forecast_batch(
    history: np.ndarray,
    horizon: int,
    *,
    start: datetime.date,
    uplift: np.ndarray | None = None,
    history_uplift: np.ndarray | None = None,
    fit_days: int = FIT_DAYS,
    ses_alpha: float | None = None,
    protection_days: np.ndarray | int | None = None,
    weekday_pool: WeekdayTotals | None = None,
    periods: Periods = DAILY,
    choose_models: bool = True,
    in_stock: np.ndarray | None = None,
) -> BatchForecast:
    """Forecast each row of `history` (n, T; column 0 is `start`) for the next `horizon` days.

    `uplift` (n, H) multiplies the future mean (1.0 = none). `history_uplift` (n, T) marks past
    promotion days (factor != 1), which are left out of the baseline fit. `fit_days` bounds the
    recursion window; `ses_alpha` fixes the SES alpha instead of searching `ALPHA_GRID`.
    `protection_days` (P, scalar or per series, <= horizon) adds `interval`: the measured spread
    and quantiles of P-day demand around the forecast (`planning.interval`).
    `weekday_pool` replaces the batch's own weekday totals behind the pooled weekly profile:
    a batch that is one part of a larger one (a partition of the network) passes the whole's
    (`weekday_totals` of each part, added), and forecasts exactly as the whole batch would.
    `periods` says what one column is (default: a day; `planning.buckets` forecasts weeks and
    months with it), and then `horizon`, `fit_days` and `protection_days` count those periods.
    `choose_models` False keeps every series on its class model (no naive / ADIDA / IMAPA
    challengers, `planning.model_select`).
    `in_stock` (n, T) marks the days the inventory history records the item on hand: a run of
    such days without a sale at the origin is demand that stopped, not a stockout, and lowers
    smooth / erratic forecasts by the end-of-life factor too (None: no day is known in stock).
    """
    x, exclude, h_len = _checked(history, horizon, history_uplift)
    stocked = _checked_in_stock(in_stock, x.shape)
    n, t_len = x.shape
    adi, cv2, demand_class, first = demand_stats(x, exclude=exclude)

    w_len = min(t_len, max(int(fit_days), 1))
    w0 = t_len - w_len  # absolute column of window row 0
    xw, kw = _window(x, exclude, first, w0)  # (W, n) float32, (W, n) bool
    dow0 = start.weekday()
    dow_w = (dow0 + w0 + np.arange(w_len)) % 7
    # (n, 7) day-of-week factors by weekday, mean 1 (all 1 for weeks or months)
    profile = (
        _weekly_profile(xw, kw, dow_w, weekday_pool) if periods.weekly_profile else np.ones((n, 7))
    )
    closed = profile < CLOSED_PROFILE
    if closed.any():
        kw &= ~closed.T[dow_w]
    active = (kw & (xw > 0)).any(axis=0)

    level = np.zeros(n)
    sigma = np.zeros(n)
    alpha = np.zeros(n)
    method = np.full(n, "zero", dtype=object)
    score0 = max(0, w_len - periods.score)
    alphas = ALPHA_GRID if ses_alpha is None else np.array([ses_alpha], np.float32)
    year = periods.year
    positions = periods.season_positions or year
    per = max(year // positions, 1) if year else 1  # rows per index position

    def position(cols: np.ndarray) -> np.ndarray:
        return (cols // per) % positions if year else np.zeros(cols.size, np.int64)

    pos_w = position(w0 + np.arange(w_len))
    trend = np.zeros(n)
    phi = np.zeros(n)
    season: np.ndarray | None = None  # (year, n) fitted yearly index of smooth rows
    groups = {
        "ses": active & np.isin(demand_class, ("smooth", "erratic")),
        "croston": active & np.isin(demand_class, ("intermittent", "lumpy")),
    }
    beta = np.zeros(n)
    p_alive = np.ones(n)
    aggregation = np.ones(n, dtype=np.int64)
    for name, sel in groups.items():
        rows = np.flatnonzero(sel)
        if rows.size == 0:
            continue
        xs, ks = xw[:, rows], kw[:, rows]
        ks_life = ks  # the end-of-life rules read the whole window
        if name == "croston" and periods.shift_segment > 0:
            ks = _after_last_shift(xs, ks, periods.shift_segment)
        prof_t = np.ascontiguousarray(profile[rows].T, dtype=np.float32)  # (7, m)
        ahead = _ahead_mean(xs, ks, score0, periods.ahead)
        if name == "ses":
            p_days = prof_t[dow_w]  # (W, m)
            fac = None
            # Trend lanes only beside a fitted season: on under 1.5 years a trend lane reads
            # the season's slope as a trend and extrapolates it.
            lanes_ses = smoothing_lanes(alphas, (), periods.ahead)
            if periods.fitted_season and year and w_len >= year + year // 2:
                if ses_alpha is None:
                    lanes_ses = smoothing_lanes(alphas, periods.trend, periods.ahead)
                season = np.ones((positions, n))
                season[:, rows] = seasonal_index(
                    xs, ks, pos_w, positions, periods.season_smooth, span=year, factor=p_days
                )
                p_days = p_days * season[:, rows][pos_w].astype(np.float32)
                cols = w0 + np.arange(score0, w_len + periods.ahead)
                fac = ahead_factor(season[:, rows], position(cols), periods.ahead)
            sm = _ses_grid(xs, ks, p_days, score0, lanes_ses, ahead, periods.init, fac)
            level[rows], sigma[rows], alpha[rows], method[rows] = sm.level, sm.sigma, sm.alpha, name
            trend[rows], phi[rows], score = sm.trend, sm.phi, sm.score
        else:
            # Too few sales in the scored days to tell lanes apart: the class default stays.
            sparse = (ks[score0:] & (xs[score0:] > 0)).sum(axis=0) < periods.min_choice_sales
            lumpy = demand_class[rows] == "lumpy"
            fit = _croston_lanes(xs, ks, prof_t, dow_w, score0, lumpy, ahead, sparse)
            level[rows], sigma[rows], alpha[rows], beta[rows], method[rows] = fit[:5]
            # Sparser than TSB's own constant: the decline's log-linear rate replaces TSB's.
            if periods.decline_every:
                sparse = np.ones(rows.size, bool)  # no challenger either
                slow = np.arange(rows.size)
            else:
                slow = np.flatnonzero(sparse & _sparser_than_tsb(xs, ks))
            if slow.size:
                level[rows[slow]] = decline_rate(
                    xs[:, slow],
                    ks[:, slow],
                    periods.ahead,
                    periods.decline_per_year,
                    periods.decline_half_life,
                )
                beta[rows[slow]], method[rows[slow]] = 0.0, "decline"
            score = np.where(sparse, 0.0, fit[5])  # no challenger beats a score of 0
        if choose_models:
            lanes = candidate_lanes(xs, ks, score0, ahead, periods.challengers)
            pick = choose(lanes, score, level[rows], method[rows], alpha[rows])
            moved = pick.lane >= 0
            level[rows], alpha[rows], method[rows] = pick.rate, pick.alpha, pick.method
            beta[rows] = np.where(moved, 0.0, beta[rows])
            trend[rows] = np.where(moved, 0.0, trend[rows])
            if season is not None and name == "ses":
                season[:, rows[moved]] = 1.0  # a challenger's rate is not de-seasonalised
            aggregation[rows] = np.where(moved, lanes.days[np.maximum(pick.lane, 0)], 1)
        if name != "ses":
            flagged = _declining(xs, ks_life, score0)
            freq = _recent_frequency(xs, ks_life, periods.recent_days)
            if periods.declining_half_life > 0:
                # Not lagging the decline: the fitted rate, and the run judged by it.
                f = np.flatnonzero(flagged & (method[rows] != "decline"))
                if f.size:
                    level[rows[f]], run_freq = rate_before_run(
                        xs[:, f],
                        ks_life[:, f],
                        periods.ahead,
                        periods.decline_per_year,
                        periods.declining_half_life,
                    )
                    freq[f] = np.minimum(run_freq, freq[f])  # the slower, as `_recent_frequency`
                    beta[rows[f]], method[rows[f]] = 0.0, "declining"
            # The decline's rate already carries the run-down (its fit holds the run since the
            # last sale): the factor would count it twice.
            decline = (method[rows] == "decline") & (not periods.decline_alive)
            # A significant decline is evidence that a run may be its end (the prior
            # `decline_prior`); other series end with the hazard `end_hazard` on each day
            # (0: the prior `alive_prior`).
            if periods.end_hazard > 0:
                alive = _alive_after_hazard(xs, ks_life, periods.end_hazard, freq)
                f = np.flatnonzero(flagged)
                if f.size:
                    alive[f] = _alive_probability(
                        xs[:, f], ks_life[:, f], prior=periods.decline_prior, freq=freq[f]
                    )
            else:
                prior = np.where(flagged, periods.decline_prior, periods.alive_prior)
                alive = _alive_probability(xs, ks_life, prior=prior, freq=freq)
            p_alive[rows] = np.where(decline, 1.0, alive)
        elif periods.smooth_end_of_life:
            # A whole bucket without a sale is no routine stockout: the run since the last
            # sale judges the end of life on every kept period, history or not.
            alive = _alive_probability(xs, ks, prior=periods.alive_prior)
            # A series that sold in its last kept period keeps its level: the prior alone
            # would shave every steady seller.
            p_alive[rows] = np.where(_sold_last(xs, ks), 1.0, alive)
            trend[rows] *= p_alive[rows]
        elif stocked is not None:
            # Only the days known in stock count in the run: without the inventory history a
            # fast seller's stockout at the origin looks the same as its end of life.
            known = np.ascontiguousarray(stocked[rows, w0:].T) & ks
            p_alive[rows] = _alive_probability(xs, ks, known)
            trend[rows] *= p_alive[rows]
        level[rows] *= p_alive[rows]

    dow_f = (dow0 + t_len + np.arange(h_len)) % 7
    # Damped trend: level + trend·(phi + ... + phi^h) for h = 1..H (0 where there is none).
    cum_phi = np.cumsum(phi[:, None] ** np.arange(1, h_len + 1)[None, :], axis=1)
    mean = np.maximum(level[:, None] + trend[:, None] * cum_phi, 0.0) * profile[:, dow_f]
    ses_rows = np.flatnonzero(groups["ses"])
    if season is not None:
        mean *= season[position(t_len + np.arange(h_len))].T
    elif ses_rows.size and year and t_len >= year + max(h_len, periods.yearly_level) and h_len > 0:
        rows_x, rows_ex = x[ses_rows], exclude[ses_rows]
        mean[ses_rows] *= _yearly_index(rows_x, rows_ex, first[ses_rows], h_len, periods)
    if uplift is not None:
        up = np.asarray(uplift, dtype=np.float64)
        if up.shape != (n, h_len):
            raise ValueError(f"uplift shape {up.shape} != {(n, h_len)}")
        mean *= np.where(np.isfinite(up), np.maximum(up, 0.0), 1.0)
    mean = np.where(np.isfinite(mean), np.maximum(mean, 0.0), 0.0)
    interval = None
    if protection_days is not None:
        interval = interval_demand(
            x,
            mean,
            protection_days,
            exclude=exclude,
            alive=p_alive,
            **windows_kwargs(periods.interval),
        )
    return BatchForecast(
        mean=mean,
        sigma=np.where(np.isfinite(sigma), np.maximum(sigma, 0.0), 0.0),
        level=level,
        method=method.astype(str),
        demand_class=demand_class,
        adi=adi,
        cv2=cv2,
        alpha=alpha,
        beta=beta,
        p_alive=p_alive,
        interval=interval,
        aggregation=aggregation,
    )


@dataclass(frozen=True)
class SmoothingLanes:
    """The smoothing lanes `_ses_grid` runs at once: SES (beta 0) and damped-trend Holt lanes."""

    alpha: np.ndarray  # (g,) float32 level constant
    beta: np.ndarray  # (g,) float32 trend constant (0: SES)
    phi: np.ndarray  # (g,) float32 trend damping per period
    damp_ahead: np.ndarray  # (g,) float32 mean over h = 1..ahead of phi + ... + phi^h


def smoothing_lanes(
    alphas: np.ndarray, trend: tuple[tuple[float, float, float], ...], ahead: int
) -> SmoothingLanes:
    """Return SES lanes for `alphas` plus one damped-trend lane per (alpha, beta, phi)."""
    tr = np.array(trend, np.float64).reshape(-1, 3)
    alpha = np.concatenate([np.asarray(alphas, np.float64), tr[:, 0]])
    beta = np.concatenate([np.zeros(len(alphas)), tr[:, 1]])
    phi = np.concatenate([np.zeros(len(alphas)), tr[:, 2]])
    h = np.arange(1, max(int(ahead), 1) + 1)
    cum = np.cumsum(phi[:, None] ** h[None, :], axis=1)  # (g, A): phi + ... + phi^h
    f32 = np.float32
    return SmoothingLanes(
        alpha.astype(f32), beta.astype(f32), phi.astype(f32), cum.mean(axis=1).astype(f32)
    )


@dataclass(frozen=True)
class SmoothFit:
    """The smoothing lane each series keeps (`_ses_grid`)."""

    level: np.ndarray  # (m,) de-seasonalised level at the origin
    trend: np.ndarray  # (m,) trend per period at the origin (0: SES)
    phi: np.ndarray  # (m,) trend damping per period
    sigma: np.ndarray  # (m,) RMS one-period in-sample error in units
    alpha: np.ndarray  # (m,)
    score: np.ndarray  # (m,) squared error against the next periods' mean


@dataclass(frozen=True)
class WeekdayTotals:
    """Units and kept days per weekday (Mon=0) over a batch's profile window, all series added.

    Both are sums of whole numbers in float64, so the totals of a batch's parts add up to the
    batch's exactly, in any order.
    """

    units: np.ndarray  # (7,)
    days: np.ndarray  # (7,)

    def __add__(self, other: WeekdayTotals) -> WeekdayTotals:
        """Return the totals of both batches together."""
        return WeekdayTotals(self.units + other.units, self.days + other.days)

    @classmethod
    def zero(cls) -> WeekdayTotals:
        """Return the totals of an empty batch."""
        return cls(np.zeros(7), np.zeros(7))


def _checked(
    history: np.ndarray, horizon: int, history_uplift: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Return the history, its excluded days (non-finite, past promotions) and the horizon."""
    x = np.asarray(history)
    if x.ndim != 2:
        raise ValueError(f"history must be 2-D (n, T), got shape {x.shape}")
    h_len = int(horizon)
    if h_len < 0:
        raise ValueError("horizon must be >= 0")
    exclude = ~np.isfinite(x)
    if history_uplift is not None:
        hu = np.asarray(history_uplift, dtype=np.float64)
        if hu.shape != x.shape:
            raise ValueError(f"history_uplift shape {hu.shape} != history shape {x.shape}")
        exclude |= np.isfinite(hu) & (hu != 1.0)
    return x, exclude, h_len


def _checked_in_stock(in_stock: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray | None:
    """Return `in_stock` as a bool array of the history's shape (None stays None)."""
    if in_stock is None:
        return None
    stocked = np.asarray(in_stock, dtype=bool)
    if stocked.shape != shape:
        raise ValueError(f"in_stock shape {stocked.shape} != history shape {shape}")
    return stocked


def weekday_totals(
    history: np.ndarray,
    *,
    start: datetime.date,
    history_uplift: np.ndarray | None = None,
    fit_days: int = FIT_DAYS,
) -> WeekdayTotals:
    """Return the weekday totals `forecast_batch` pools over this batch (same arguments)."""
    x, exclude, _ = _checked(history, 0, history_uplift)
    t_len = x.shape[1]
    *_, first = demand_stats(x, exclude=exclude)
    w_len = min(t_len, max(int(fit_days), 1))
    w0 = t_len - w_len
    xw, kw = _window(x, exclude, first, w0)
    dow_w = (start.weekday() + w0 + np.arange(w_len)) % 7
    sums, counts = _weekday_sums(xw, kw, dow_w)
    return WeekdayTotals(sums.sum(axis=0), counts.sum(axis=0))


def sales_matrix(
    sales: pd.DataFrame, keys: pd.DataFrame, start: datetime.date, end: datetime.date
) -> np.ndarray:
    """Densify `sales` into (len(keys), days) units for the inclusive range `start`..`end`.

    Rows follow `keys` (columns sku, location_id); missing days are 0; duplicate sales rows add
    (in sales order); a key listed twice gets the same row twice. Categorical sku / location_id
    columns in `sales` are matched through their categories (much faster on large frames).
    """
    days = (end - start).days + 1
    n = len(keys)
    if days <= 0 or n == 0 or len(sales) == 0:
        return np.zeros((n, max(days, 0)))
    key_sku, skus = pd.factorize(keys["sku"], use_na_sentinel=False)
    key_loc, locs = pd.factorize(keys["location_id"], use_na_sentinel=False)
    code = key_sku.astype(np.int64) * len(locs) + key_loc
    uniq, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    row_of = _PairRows(key_sku[first], key_loc[first], first, len(skus), len(locs))
    sku = _Coder(sales["sku"], pd.Index(skus))
    loc = _Coder(sales["location_id"], pd.Index(locs))
    dates = pd.to_datetime(sales["date"]).to_numpy()
    origin = np.datetime64(start, "D").astype(np.int64)
    units = pd.to_numeric(sales["units"])
    raw = units.to_numpy() if isinstance(units.dtype, np.dtype) else units.to_numpy(np.float64)
    out = np.zeros(n * days)
    # Chunks keep the per-row temporaries small; np.add.at adds in sales order like bincount.
    for lo in range(0, len(sales), SALES_CHUNK_ROWS):
        part: slice | np.ndarray = slice(lo, lo + SALES_CHUNK_ROWS)
        d = _day_numbers(dates[part]) - origin
        inside = (d >= 0) & (d < days)
        if not inside.all():
            part, d = lo + np.flatnonzero(inside), d[inside]
        rows = row_of(sku(part), loc(part))
        weights = raw[part].astype(np.float64)
        if raw.dtype.kind not in "biu":
            weights = np.nan_to_num(weights)
        hit = rows >= 0
        if not hit.all():
            rows, d, weights = rows[hit], d[hit], weights[hit]
        rows *= days
        rows += d
        np.add.at(out, rows, weights)
    matrix = out.reshape(n, days)
    if uniq.size < n:
        matrix = matrix[first[inverse]]  # a repeated key copies the row of its first occurrence
    return matrix


def _day_numbers(dates: np.ndarray) -> np.ndarray:
    """Return the day number (days since 1970-01-01, floored) of each datetime64 value."""
    unit, count = np.datetime_data(dates.dtype)
    per_day = _TICKS_PER_DAY.get(unit, 0)
    if per_day and per_day % count == 0:
        # Integer floor division: the same days as a cast to datetime64[D], only faster.
        ticks = per_day // count
        days = np.asarray(dates.view(np.int64) // ticks)
        nat = np.isnat(dates)
        if nat.any():
            days[nat] = np.iinfo(np.int64).min  # as the cast gives NaT
        return days
    return np.asarray(dates.astype("datetime64[D]").view(np.int64))


class _Coder:
    """Look values up in an index (-1 where absent), slice by slice; categoricals by category."""

    def __init__(self, values: pd.Series, index: pd.Index) -> None:
        """Prepare the lookup of `values` in `index`."""
        self._index = index
        self._lookup: np.ndarray | None = None
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Category code -1 (missing) picks the appended -1.
            self._lookup = np.append(index.get_indexer(values.cat.categories), -1)
            self._values: Any = values.cat.codes.to_numpy()
        else:
            self._values = values.array

    def __call__(self, part: slice | np.ndarray) -> np.ndarray:
        """Return the index positions of the values at `part` (a slice or row positions)."""
        if self._lookup is not None:
            return self._lookup[self._values[part]]
        return self._index.get_indexer(self._values[part])


class _PairRows:
    """Map (SKU code, location code) pairs to key rows (-1: no such key)."""

    def __init__(
        self, sku: np.ndarray, loc: np.ndarray, rows: np.ndarray, n_sku: int, n_loc: int
    ) -> None:
        """Index distinct code pairs `sku`, `loc` held by key `rows` (codes < n_sku, n_loc)."""
        self._n_loc = n_loc
        self._table: np.ndarray | None = None
        if (n_sku + 1) * (n_loc + 1) <= 8 * rows.size + 1_000_000:
            # Dense table; its last row and column answer the code -1 (absent).
            self._table = np.full((n_sku + 1, n_loc + 1), -1, dtype=np.int64)
            self._table[sku, loc] = rows
        code = sku.astype(np.int64) * n_loc + loc  # distinct, so any sort order works
        order = np.argsort(code)
        self._codes, self._rows = code[order], rows[order]

    def __call__(self, sku: np.ndarray, loc: np.ndarray) -> np.ndarray:
        """Return the key row of each pair."""
        if self._table is not None:
            return np.asarray(self._table[sku, loc])
        want = np.where((sku >= 0) & (loc >= 0), sku.astype(np.int64) * self._n_loc + loc, -1)
        at = np.minimum(np.searchsorted(self._codes, want), self._codes.size - 1)
        return np.where(self._codes[at] == want, self._rows[at], -1)


def _window(
    x: np.ndarray, exclude: np.ndarray, first: np.ndarray, w0: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the fit window as time-major (W, n) float32 values and kept-day mask."""
    w_len = x.shape[1] - w0
    keep = ~exclude[:, w0:]
    keep &= (w0 + np.arange(w_len))[None, :] >= first[:, None]
    xw = np.where(keep, x[:, w0:], 0).astype(np.float32)
    np.maximum(xw, 0, out=xw)
    return np.ascontiguousarray(xw.T), np.ascontiguousarray(keep.T)


def _weekday_sums(xw: np.ndarray, kw: np.ndarray, dow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (n, 7) units and kept days by weekday (Mon=0) over the profile window."""
    w_len, n = xw.shape
    p_len = min(PROFILE_DAYS, w_len) // 7 * 7
    if p_len == 0:
        return np.zeros((n, 7)), np.zeros((n, 7))
    sl = slice(w_len - p_len, w_len)
    sums_pos = xw[sl].reshape(p_len // 7, 7, n).sum(axis=0, dtype=np.float64)
    counts_pos = kw[sl].reshape(p_len // 7, 7, n).sum(axis=0, dtype=np.float64)
    # Position k of each 7-day block falls on weekday dow[w_len - p_len + k].
    order = np.argsort(dow[w_len - p_len : w_len - p_len + 7])
    return sums_pos[order].T, counts_pos[order].T


def _weekly_profile(
    xw: np.ndarray, kw: np.ndarray, dow: np.ndarray, pool: WeekdayTotals | None = None
) -> np.ndarray:
    """Return (n, 7) day-of-week factors by weekday (Mon=0), mean 1, shrunk to the pooled one.

    The pooled profile is that of `pool` when given (the whole batch this one is part of).
    """
    w_len, n = xw.shape
    if min(PROFILE_DAYS, w_len) // 7 == 0:
        return np.ones((n, 7))
    sums, counts = _weekday_sums(xw, kw, dow)  # (n, 7) by weekday
    if pool is None:
        tot_s, tot_c = sums.sum(axis=0), counts.sum(axis=0)
    else:
        tot_s, tot_c = pool.units, pool.days
    pooled = np.where(tot_c > 0, tot_s / np.maximum(tot_c, 1), 0.0)
    pooled = pooled / pooled.mean() if pooled.mean() > 0 else np.ones(7)
    # A small batch (one series, or slow movers only) shrinks its pooled shape toward flat.
    w_pool = tot_s.sum() / (tot_s.sum() + PROFILE_SHRINK_UNITS)
    pooled = w_pool * pooled + (1 - w_pool)
    units = sums.sum(axis=1)
    mu = units / np.maximum(counts.sum(axis=1), 1)
    by_day = np.where(counts > 0, sums / np.maximum(counts, 1), mu[:, None] * pooled[None, :])
    day_mean = by_day.mean(axis=1, keepdims=True)
    raw = np.where(day_mean > 0, by_day / np.where(day_mean > 0, day_mean, 1), pooled)
    w = (units / (units + PROFILE_SHRINK_UNITS))[:, None]
    prof = w * raw + (1 - w) * pooled[None, :]
    return prof / prof.mean(axis=1, keepdims=True)


def _init_mask(ks: np.ndarray, init: int = INIT_DAYS) -> np.ndarray:
    """Mark each series' first `init` kept days (time-major)."""
    return ks & (np.cumsum(ks, axis=0, dtype=np.int32) <= init)


def _ses_grid(
    xs: np.ndarray,
    ks: np.ndarray,
    p_days: np.ndarray,
    score0: int,
    lanes: SmoothingLanes,
    ahead: tuple[np.ndarray, np.ndarray],
    init_days: int = INIT_DAYS,
    ahead_factor: np.ndarray | None = None,
) -> SmoothFit:
    """Run every smoothing lane at once; keep, per series, the lane of least one-period error.

    A lane is SES (beta 0) or Holt's damped trend (error-correction form: f = l + phi·b,
    l <- f + alpha·e, b <- phi·b + beta·e) on the series divided by its multiplicative factors
    `p_days` (W, m): the weekly profile, a fitted yearly index, or 1. `ahead_factor` (S, m) is
    the mean factor over the periods a day's ahead target covers (None: 1), so the score below
    compares like with like. Returns the kept lane's level, trend, phi, sigma, alpha and squared
    error against the next periods' mean (`SmoothFit`).
    """
    w_len, m = xs.shape
    g = lanes.alpha.size
    init = _init_mask(ks, init_days)
    den = (p_days * init).sum(axis=0, dtype=np.float64)
    num = (xs * init).sum(axis=0, dtype=np.float64)
    lvl = np.repeat((num / np.where(den > 0, den, 1.0)).astype(np.float32)[:, None], g, axis=1)
    trended = bool((lanes.beta > 0).any())
    b = np.zeros((m, g), np.float32)
    a = lanes.alpha[None, :]
    bt = lanes.beta[None, :]
    ph = lanes.phi[None, :]
    sse = np.zeros((m, g), np.float32)
    cnt = np.zeros(m, np.float32)
    sse_ahead = np.zeros((m, g), np.float32)
    target, target_ok = ahead
    d_ahead = lanes.damp_ahead[None, :]
    e = np.empty((m, g), np.float32)
    tmp = np.empty((m, g), np.float32)
    f = np.empty((m, g), np.float32)
    for t in range(w_len):
        p = p_days[t]
        kf = ks[t].astype(np.float32)
        y = xs[t] / np.maximum(p, CLOSED_PROFILE)
        if t >= score0:
            # The forecast of the next periods' mean: the level (plus the damped trend), times
            # the mean yearly index over those periods.
            ahead_fc = lvl
            if trended:
                np.multiply(b, d_ahead, out=f)
                f += lvl
                ahead_fc = f
            if ahead_factor is not None:
                np.multiply(ahead_fc, ahead_factor[t - score0][:, None], out=f)
                ahead_fc = f
            np.subtract(target[t - score0][:, None], ahead_fc, out=tmp)
            tmp *= target_ok[t - score0][:, None]
            tmp *= tmp
            sse_ahead += tmp
        one_step = lvl
        if trended:
            np.multiply(b, ph, out=b)  # phi·b
            np.add(lvl, b, out=f)  # one-step forecast
            one_step = f
        np.subtract(y[:, None], one_step, out=e)
        e *= kf[:, None]
        if t >= score0:
            np.multiply(e, p[:, None], out=tmp)
            tmp *= tmp
            sse += tmp
            cnt += kf
        np.multiply(e, a, out=tmp)
        if trended:
            np.add(one_step, tmp, out=lvl)
            np.multiply(e, bt, out=tmp)
            b += tmp
        else:
            lvl += tmp
    best = np.argmin(sse, axis=1)
    rows = np.arange(m)
    level = lvl[rows, best].astype(np.float64)
    trend = b[rows, best].astype(np.float64)
    sigma = _rms(sse[rows, best], cnt, level)
    return SmoothFit(
        level=np.maximum(level, 0.0),
        trend=np.where(level > 0, trend, 0.0),
        phi=lanes.phi[best].astype(np.float64),
        sigma=sigma,
        alpha=lanes.alpha[best].astype(np.float64),
        score=sse_ahead[rows, best].astype(np.float64),
    )


def _size_interval_init(xs: np.ndarray, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the mean non-zero size and kept days per non-zero day of each series."""
    pos = ks & (xs > 0)
    n_pos = np.maximum(pos.sum(axis=0), 1)
    size = (xs * pos).sum(axis=0, dtype=np.float64) / n_pos
    interval = ks.sum(axis=0) / n_pos
    return size.astype(np.float32), np.maximum(interval, 1.0).astype(np.float32)


def _croston_lanes(
    xs: np.ndarray,
    ks: np.ndarray,
    prof_t: np.ndarray,
    dow: np.ndarray,
    score0: int,
    lumpy: np.ndarray,
    ahead: tuple[np.ndarray, np.ndarray],
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """Fit every SBA and TSB lane per series; keep the one that best forecast the days ahead.

    Each lane is scored, on the last `SCORE_DAYS`, by the squared error of its rate at each day
    against the mean demand of the next `AHEAD_DAYS` kept days (a one-day error is mostly the
    noise of single sales and barely tells lanes apart).

    The class default (SBA alpha `SBA_ALPHA` for intermittent, TSB `TSB_ALPHA`/`TSB_BETA` for
    lumpy) is the prior: any other lane's error counts `PRIOR_MARGIN` more. Rows of `fixed`
    (too few sales to choose) keep TSB `TSB_ALPHA`/`TSB_BETA`. Returns (daily rate, sigma,
    alpha, beta, method, the kept lane's squared error against the days ahead) per series.
    """
    m = xs.shape[1]
    sba_rate, sba_sse, sba_ahead, cnt = _sba_grid(xs, ks, prof_t, dow, score0, SBA_ALPHAS, ahead)
    tsb_rate, tsb_sse, tsb_ahead, _ = _tsb_grid(xs, ks, prof_t, dow, score0, TSB_PAIRS, ahead)
    rate = np.concatenate([sba_rate, tsb_rate], axis=1)
    sse = np.concatenate([sba_sse, tsb_sse], axis=1).astype(np.float64)
    score = np.concatenate([sba_ahead, tsb_ahead], axis=1).astype(np.float64)
    g_sba = SBA_ALPHAS.size
    tsb = lumpy if fixed is None else lumpy | fixed
    default = np.where(tsb & (TSB_PAIRS.size > 0), g_sba, 0)
    rows = np.arange(m)
    penalty = np.full(score.shape, 1.0 + PRIOR_MARGIN)
    penalty[rows, default] = 1.0
    weighed = score * penalty
    if fixed is not None:  # the class default only
        weighed[fixed] = np.where(penalty[fixed] == 1.0, 0.0, np.inf)
    best = np.argmin(weighed, axis=1)
    is_tsb = best >= g_sba
    lane_alpha = np.concatenate([SBA_ALPHAS, TSB_PAIRS[:, 0]]).astype(np.float64)
    lane_beta = np.concatenate([np.zeros(g_sba), TSB_PAIRS[:, 1]]).astype(np.float64)
    level = np.maximum(rate[rows, best].astype(np.float64), 0.0)
    sigma = _rms(sse[rows, best], cnt, level)
    method = np.where(is_tsb, "tsb", "sba")
    return (
        level,
        sigma,
        lane_alpha[best],
        lane_beta[best],
        method,
        score[rows, best],
    )


def _sold_last(xs: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Return per series (time-major) whether its last kept period had a sale."""
    kept_idx = np.where(ks.any(axis=0), xs.shape[0] - 1 - np.argmax(ks[::-1], axis=0), 0)
    cols = np.arange(xs.shape[1])
    return np.asarray(ks.any(axis=0) & (xs[kept_idx, cols] > 0))


def _alive_probability(
    xs: np.ndarray,
    ks: np.ndarray,
    counted: np.ndarray | None = None,
    prior: float | np.ndarray = ALIVE_PRIOR,
    freq: np.ndarray | None = None,
) -> np.ndarray:
    """Return P(still selling | the kept days since the last sale) per series (time-major).

    Alive, a series sells on a kept day with its window's sale frequency p, so a run of q kept
    days without a sale has likelihood (1 - p)^q; ended, the run is certain. Bayes with the
    prior `ALIVE_PRIOR` gives a factor near 1 for runs the series often has and near 0 for runs
    it would almost never have (an end of life, or an unrecorded stockout). `counted` (W, m)
    limits q to those days of the run, and a series with fewer than `MIN_END_DAYS` of them
    keeps 1 (None: every kept day, and the prior's 0.999 at q = 0). `freq` (m,) is the sale
    frequency a run is judged by (None: the window's).
    """
    pos = ks & (xs > 0)
    if freq is None:
        freq = pos.sum(axis=0) / np.maximum(ks.sum(axis=0), 1)
    w_len = xs.shape[0]
    last = np.where(pos.any(axis=0), w_len - 1 - np.argmax(pos[::-1], axis=0), -1)
    after = np.arange(w_len)[:, None] > last[None, :]
    run = ((ks if counted is None else counted) & after).sum(axis=0)
    with np.errstate(divide="ignore"):
        log_like = run * np.log1p(-np.minimum(freq, 1.0 - 1e-9))
    like = prior * np.exp(log_like)
    alive = like / (like + (1.0 - prior))
    if counted is not None:
        alive = np.where(run >= MIN_END_DAYS, alive, 1.0)
    return np.asarray(alive, dtype=np.float64)


def _alive_after_hazard(
    xs: np.ndarray,
    ks: np.ndarray,
    hazard: float = END_HAZARD,
    freq: np.ndarray | None = None,
) -> np.ndarray:
    """Return P(still selling | the kept days since the last sale) per series (time-major).

    The last sale proves the item sold then. On each kept day since, an item still selling
    ends with probability `hazard` and, alive, sells with its sale frequency p (`freq`, None:
    the window's). A run of q kept days without a sale has the likelihood r^q alive
    (r = (1 - hazard)(1 - p)) and hazard (1 + r + ... + r^(q-1)) ended on one of its days, so
    the factor is 1 at q = 0 and falls the sooner the longer the run is against the item's
    usual gaps. A fixed prior that the item still sells (`_alive_probability`) does not grow
    with the run: a lumpy item selling on 5 % of days kept 0.98 two months after its last sale
    (with `END_HAZARD` 0.70).
    """
    pos = ks & (xs > 0)
    if freq is None:
        freq = pos.sum(axis=0) / np.maximum(ks.sum(axis=0), 1)
    w_len = xs.shape[0]
    last = np.where(pos.any(axis=0), w_len - 1 - np.argmax(pos[::-1], axis=0), -1)
    run = (ks & (np.arange(w_len)[:, None] > last[None, :])).sum(axis=0)
    h = min(max(float(hazard), 0.0), 1.0)
    r = (1.0 - h) * (1.0 - np.clip(np.asarray(freq, dtype=np.float64), 0.0, 1.0))
    stay = np.power(r, run)
    ended = np.where(r < 1.0, h * (1.0 - stay) / np.maximum(1.0 - r, 1e-300), h * run)
    total = stay + ended
    return np.asarray(np.where(total > 0, stay / np.where(total > 0, total, 1.0), 0.0))


def _recent_frequency(xs: np.ndarray, ks: np.ndarray, span: int) -> np.ndarray:
    """Return, per series (time-major), the sale frequency a run since its last sale is judged by.

    The slower of the window's frequency and that of the kept days among the `span` days up to
    and including the last sale (`span` <= 0: the window's). A declining item's window
    frequency is that of its better days: judged by it, a few weeks without a sale read as an
    end of life although the item still sells at its slower rate (generated obsolescent items:
    p_alive under 0.05 at 160 origins, a sale within 28 days at 14–23 % of them). A faster
    recent rate is not used: over a few sales it is mostly the noise of the last one.
    """
    pos = ks & (xs > 0)
    w_len = xs.shape[0]
    last = np.where(pos.any(axis=0), w_len - 1 - np.argmax(pos[::-1], axis=0), w_len - 1)
    t = np.arange(w_len)[:, None]
    window = pos.sum(axis=0) / np.maximum(ks.sum(axis=0), 1)
    if span <= 0:
        return np.asarray(window, dtype=np.float64)
    inside = (t <= last[None, :]) & (t > last[None, :] - span)
    recent = (pos & inside).sum(axis=0) / np.maximum((ks & inside).sum(axis=0), 1)
    return np.asarray(np.minimum(recent, window), dtype=np.float64)


def _after_last_shift(xs: np.ndarray, ks: np.ndarray, min_segment: int) -> np.ndarray:
    """Return the kept days (time-major) from each series' last significant shift of sale days.

    A series whose sale frequency shifted (`planning.changepoint.last_shift` on the kept days'
    sales, `min_segment` kept days either side) keeps only the days after it for its rate:
    the days before belong to another level, which smoothing and the backtest average in.
    The end-of-life rules still read the whole window (a fall is their evidence).
    """
    start = last_shift((xs > 0) & ks, ks, min_segment=min_segment)
    if not (start > 0).any():
        return ks
    return np.asarray(ks & (np.arange(xs.shape[0])[:, None] >= start[None, :]))


def _sparser_than_tsb(xs: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Return, per series (time-major), whether it sells on fewer kept days than `TSB_BETA`.

    Below TSB's probability constant one sale moves TSB's probability by more than the whole
    rate, and a month without one takes it below a tenth of it (`planning.decline`).
    """
    sales = (ks & (xs > 0)).sum(axis=0)
    return np.asarray(sales < TSB_BETA * np.maximum(ks.sum(axis=0), 1))


def _declining(xs: np.ndarray, ks: np.ndarray, score0: int) -> np.ndarray:
    """Return, per series (time-major), whether its sales slowed significantly in the tail.

    Under a steady sale frequency the sales of the kept days from `score0` are binomial: the
    window's sales times the tail's share of its kept days. A count below that by more than
    `DECLINE_Z` standard deviations (normal approximation) is a decline.
    """
    pos = ks & (xs > 0)
    sales = pos.sum(axis=0).astype(np.float64)
    recent = pos[score0:].sum(axis=0)
    kept = ks.sum(axis=0).astype(np.float64)
    share = ks[score0:].sum(axis=0) / np.maximum(kept, 1.0)
    expect = sales * share
    spread = np.sqrt(np.maximum(expect * (1.0 - share), 1e-9))
    return np.asarray((sales > 0) & ((recent - expect) / spread < DECLINE_Z))


def _ahead_mean(
    xs: np.ndarray, ks: np.ndarray, score0: int, ahead_days: int = AHEAD_DAYS
) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each day from `score0`, the mean units of the next `ahead_days` kept days.

    Day t's target covers days t .. t + ahead_days - 1 (fewer at the end of the window); the
    mask is 0 where none of them is kept.
    """
    tail_x, tail_k = xs[score0:], ks[score0:]
    m = xs.shape[1]
    cs = np.concatenate([np.zeros((1, m)), np.cumsum(tail_x, axis=0, dtype=np.float64)])
    cc = np.concatenate([np.zeros((1, m)), np.cumsum(tail_k, axis=0, dtype=np.float64)])
    lo = np.arange(tail_x.shape[0])
    hi = np.minimum(lo + ahead_days, tail_x.shape[0])
    units, days = cs[hi] - cs[lo], cc[hi] - cc[lo]
    mean = (units / np.maximum(days, 1)).astype(np.float32)
    return mean, (days > 0).astype(np.float32)


def _sba_grid(
    xs: np.ndarray,
    ks: np.ndarray,
    prof_t: np.ndarray,
    dow: np.ndarray,
    score0: int,
    alphas: np.ndarray,
    ahead: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run SBA for every alpha at once; return (m, g) rates, one-day and ahead errors, days."""
    w_len, m = xs.shape
    g = alphas.size
    z0, p0 = _size_interval_init(xs, ks)
    z = np.repeat(z0[None, :], g, axis=0)
    p = np.repeat(p0[None, :], g, axis=0)
    corr = (1 - alphas / 2).astype(np.float32)[:, None]
    target, target_ok = ahead
    q = np.zeros(m, np.float32)
    seen = np.zeros(m, bool)
    sse = np.zeros((g, m), np.float32)
    sse_ahead = np.zeros((g, m), np.float32)
    cnt = np.zeros(m, np.float32)
    a = alphas[:, None]
    rate = np.empty((g, m), np.float32)
    tmp = np.empty((g, m), np.float32)
    step = np.empty((g, m), np.float32)
    for t in range(w_len):
        x, k = xs[t], ks[t]
        if t >= score0:
            kf = k.astype(np.float32)
            np.divide(z, p, out=rate)
            rate *= corr
            np.multiply(rate, prof_t[dow[t]][None, :], out=tmp)
            np.subtract(x[None, :], tmp, out=tmp)
            tmp *= kf[None, :]
            tmp *= tmp
            sse += tmp
            cnt += kf
            np.subtract(target[t - score0][None, :], rate, out=tmp)
            tmp *= target_ok[t - score0][None, :]
            tmp *= tmp
            sse_ahead += tmp
        d = k & (x > 0)
        q += k
        u = d & seen
        if u.any():
            np.multiply(u.astype(np.float32)[None, :], a, out=step)
            np.subtract(x[None, :], z, out=tmp)
            tmp *= step
            z += tmp
            np.subtract(q[None, :], p, out=tmp)
            tmp *= step
            p += tmp
        q[d] = 0
        seen |= d
    # The gap in progress at the origin is part of the next interval: once it is longer than
    # the estimate, the estimate takes it in as if it ended now (Croston ignores it until the
    # next sale, which is what lags a declining item).
    np.divide(z, np.where(q[None, :] > p, p + a * (q[None, :] - p), p), out=rate)
    rate *= corr
    return rate.T, sse.T, sse_ahead.T, cnt


def _tsb_grid(
    xs: np.ndarray,
    ks: np.ndarray,
    prof_t: np.ndarray,
    dow: np.ndarray,
    score0: int,
    pairs: np.ndarray,
    ahead: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run TSB for every (alpha, beta) pair; return as `_sba_grid`."""
    w_len, m = xs.shape
    g = pairs.shape[0]
    z0, interval = _size_interval_init(xs, ks)
    z = np.repeat(z0[None, :], g, axis=0)
    prob = np.repeat((1.0 / interval).astype(np.float32)[None, :], g, axis=0)
    a, b = pairs[:, 0, None], pairs[:, 1, None]
    target, target_ok = ahead
    sse = np.zeros((g, m), np.float32)
    sse_ahead = np.zeros((g, m), np.float32)
    cnt = np.zeros(m, np.float32)
    rate = np.empty((g, m), np.float32)
    tmp = np.empty((g, m), np.float32)
    for t in range(w_len):
        x, k = xs[t], ks[t]
        if t >= score0:
            kf = k.astype(np.float32)
            np.multiply(prob, z, out=rate)
            np.multiply(rate, prof_t[dow[t]][None, :], out=tmp)
            np.subtract(x[None, :], tmp, out=tmp)
            tmp *= kf[None, :]
            tmp *= tmp
            sse += tmp
            cnt += kf
            np.subtract(target[t - score0][None, :], rate, out=tmp)
            tmp *= target_ok[t - score0][None, :]
            tmp *= tmp
            sse_ahead += tmp
        # On kept days prob += beta * (d - prob), d = 1 on a sale day; sizes update on sales.
        d = (k & (x > 0)).astype(np.float32)
        np.subtract(d[None, :], prob, out=tmp)
        tmp *= b
        if not k.all():
            tmp *= k[None, :]
        prob += tmp
        if d.any():
            np.subtract(x[None, :], z, out=tmp)
            tmp *= a
            tmp *= d[None, :]
            z += tmp
    np.multiply(prob, z, out=rate)
    return rate.T, sse.T, sse_ahead.T, cnt


def _rms(sse: np.ndarray, cnt: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Return sqrt(sse / cnt); sqrt(level) (Poisson) where no day was scored."""
    out = np.sqrt(sse.astype(np.float64) / np.maximum(cnt, 1))
    return np.where(cnt > 0, out, np.sqrt(np.maximum(level, 0.0)))


def _yearly_index(
    x: np.ndarray,
    exclude: np.ndarray,
    first: np.ndarray,
    h_len: int,
    periods: Periods = DAILY,
) -> np.ndarray:
    """Return (m, H) yearly factors from last year's same period vs last year's origin level."""
    m, t_len = x.shape
    hw, year, level_days = periods.yearly_half_window, periods.year, periods.yearly_level
    if h_len + hw > year:
        return np.ones((m, h_len))
    c0 = t_len - year - level_days  # first column used
    c1 = t_len - year + h_len + hw  # one past the last column used
    cols = np.arange(c0, c1)
    keep = ~exclude[:, c0:c1] & (cols[None, :] >= first[:, None])
    v = np.where(keep, np.nan_to_num(x[:, c0:c1].astype(np.float64)), 0.0)
    v = np.maximum(v, 0.0)
    cs = np.concatenate([np.zeros((m, 1)), np.cumsum(v, axis=1)], axis=1)
    cc = np.concatenate([np.zeros((m, 1)), np.cumsum(keep, axis=1)], axis=1)
    lv_units = cs[:, level_days]
    lv_days = cc[:, level_days]
    base = lv_units / np.maximum(lv_days, 1)
    # Future day h (1..H) was column t_len - 1 + h - year last year: local level_days - 1 + h.
    centre = level_days - 1 + np.arange(1, h_len + 1)
    lo, hi = centre - hw, centre + hw + 1
    ma_units = cs[:, hi] - cs[:, lo]
    ma_days = cc[:, hi] - cc[:, lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (ma_units / ma_days) / base[:, None]
    ok = (base >= periods.yearly_min_rate)[:, None] & (ma_days > 0) & np.isfinite(raw)
    raw = np.clip(np.where(ok, raw, 1.0), *YEARLY_CLIP)
    w = (lv_units / (lv_units + YEARLY_SHRINK_UNITS))[:, None]
    return 1.0 + w * (raw - 1.0)
