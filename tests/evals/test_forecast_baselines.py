"""Tests for evals.forecast_baselines (statsforecast's models as backtest methods)."""

from __future__ import annotations

import numpy as np
import pytest

from evals.forecast_baselines import LABELS, statsforecast_models


def test_each_model_forecasts_every_series_from_its_first_sale() -> None:
    pytest.importorskip("statsforecast.models")
    rng = np.random.default_rng(2)
    smooth = rng.poisson(5.0, 400).astype(float)
    late = np.concatenate([np.zeros(300), rng.poisson(2.0, 100)]).astype(float)
    history = np.vstack([smooth, late, np.zeros(400)])
    models, why = statsforecast_models()
    assert why == "" and sorted(models) == sorted(LABELS)
    for name, model in models.items():
        fc = model(history, 380, 14)
        assert fc.shape == (3, 14), name
        assert (fc[2] == 0).all(), name  # no sale: 0
        assert fc[0].mean() == pytest.approx(5.0, rel=0.3), name
        assert fc[1].mean() == pytest.approx(2.0, rel=0.5), name


def test_missing_package_is_reported() -> None:
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        models, why = statsforecast_models()
        assert models == {} and "not importable" in why
    else:
        pytest.skip("statsforecast is installed")
