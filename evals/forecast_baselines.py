"""statsforecast's cheap models as backtest baselines, each a method of its own.

Where the optional package imports (`make compat`), `statsforecast_models` returns one
forecaster per model, all fitted in one `StatsForecast.forecast` call per cut-off (numba, one
process) and cached by cut-off:

- ``sf_ses``: SESOpt (simple exponential smoothing, alpha optimised per series);
- ``sf_croston_sba``: CrostonSBA (Syntetos–Boylan approximation, alpha 0.1);
- ``sf_tsb``: TSB with fixed constants `SF_TSB` (alpha 0.1, beta 0.05: StockPilot's lumpy
  default until it moved to beta 0.03; statsforecast does not fit them, and a fixed yardstick
  does not move when StockPilot's constants do — with 0.1 / 0.03 its spare-part MASE was
  0.82 / 0.43 against 0.58 / 0.32);
- ``sf_adida``: ADIDA (SESOpt on buckets of the mean inter-demand interval);
- ``sf_imapa``: IMAPA (ADIDA averaged over aggregation levels 1 .. the mean interval).

Each series is fitted on its last `MAX_DAYS` columns from its first sale (a series without a
sale forecasts 0), as the AutoETS / Croston baseline of `evals.forecast_eval` is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DAYS = 364
SF_TSB = (0.1, 0.05)  # statsforecast TSB's (alpha_d, alpha_p): a fixed yardstick
LABELS = {
    "sf_ses": "statsforecast SESOpt",
    "sf_croston_sba": "statsforecast CrostonSBA",
    "sf_tsb": "statsforecast TSB",
    "sf_adida": "statsforecast ADIDA",
    "sf_imapa": "statsforecast IMAPA",
}
_ALIASES = {
    "sf_ses": "SESOpt",
    "sf_croston_sba": "CrostonSBA",
    "sf_tsb": "TSB",
    "sf_adida": "ADIDA",
    "sf_imapa": "IMAPA",
}

# (history (n, T) units, cut-off column, H) -> (n, H)
PanelForecaster = Callable[[np.ndarray, int, int], np.ndarray]


def statsforecast_models() -> tuple[dict[str, PanelForecaster], str]:
    """Return the forecasters by method name, or none and why statsforecast is skipped."""
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import (
            ADIDA,
            IMAPA,
            TSB,
            CrostonSBA,
            SimpleExponentialSmoothingOptimized,
        )
    except Exception as exc:  # ImportError, or a broken install (numba)
        return {}, f"statsforecast models skipped: not importable ({type(exc).__name__})"
    models = [
        SimpleExponentialSmoothingOptimized(),
        CrostonSBA(),
        TSB(alpha_d=SF_TSB[0], alpha_p=SF_TSB[1]),
        ADIDA(),
        IMAPA(),
    ]
    cache: dict[tuple[int, int, int, int], dict[str, np.ndarray]] = {}

    def fit_all(history: np.ndarray, c: int, h_len: int) -> dict[str, np.ndarray]:
        key = (id(history), history.shape[0], c, h_len)
        if key in cache:
            return cache[key]
        hist = np.nan_to_num(history[:, max(0, c - MAX_DAYS) : c]).astype(np.float64)
        n, t_len = hist.shape
        pos = hist > 0
        first = np.where(pos.any(axis=1), np.argmax(pos, axis=1), t_len)
        rows = np.flatnonzero(first < t_len - 1)  # at least two days from the first sale
        out = {name: np.zeros((n, h_len)) for name in _ALIASES}
        if rows.size:
            lens = t_len - first[rows]
            ids = np.repeat(rows, lens)
            ds = np.concatenate([np.arange(f, t_len) for f in first[rows]])
            y = hist[ids, ds]
            df = pd.DataFrame({"unique_id": ids, "ds": ds, "y": y})
            fc = StatsForecast(models=models, freq=1, n_jobs=1).forecast(df=df, h=h_len)
            fc = fc.sort_values(["unique_id", "ds"])
            uid = fc["unique_id"].to_numpy().reshape(-1, h_len)[:, 0].astype(np.int64)
            for name, alias in _ALIASES.items():
                vals = fc[alias].to_numpy(np.float64).reshape(-1, h_len)
                out[name][uid] = np.where(np.isfinite(vals), vals, 0.0)
        cache.clear()  # one cut-off at a time
        cache[key] = out
        return out

    def method(name: str) -> PanelForecaster:
        def forecast(history: np.ndarray, c: int, h_len: int) -> np.ndarray:
            return fit_all(history, c, h_len)[name]

        return forecast

    return {name: method(name) for name in _ALIASES}, ""


def describe(forecasters: dict[str, Any]) -> dict[str, str]:
    """Return the report label of each statsforecast method present."""
    return {m: LABELS[m] for m in forecasters if m in LABELS}
