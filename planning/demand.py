"""Classify daily demand series by ADI and CV² (Syntetos–Boylan).

ADI is the average number of days per non-zero day, counted from a series' first sale to the
end of its history (days before the first sale are "not yet listed", not zero demand). CV² is
the squared coefficient of variation (population variance / mean²) of the non-zero sizes.
Cut-offs 1.32 (ADI) and 0.49 (CV²) split the four classes.
"""

from __future__ import annotations

import numpy as np

DEMAND_CLASSES = ("smooth", "erratic", "intermittent", "lumpy")
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


def first_sale_index(positive: np.ndarray) -> np.ndarray:
    """Return the column of the first True per row, or the row length when there is none."""
    if positive.shape[1] == 0:
        return np.zeros(positive.shape[0], dtype=np.int64)
    first = np.argmax(positive, axis=1)
    return np.where(positive.any(axis=1), first, positive.shape[1])


def classify_demand(
    history: np.ndarray, *, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classify each row of `history` (n, T) units/day; return (adi, cv2, demand_class).

    `exclude` (n, T) bool marks days to ignore (promotion days, missing data); NaN values are
    ignored too. An all-zero series gets adi=inf, cv2=0 and class "intermittent"; a single
    non-zero day gives cv2=0.
    """
    adi, cv2, demand_class, _ = demand_stats(history, exclude=exclude)
    return adi, cv2, demand_class


def demand_stats(
    history: np.ndarray, *, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (adi, cv2, demand_class, first_sale) as `classify_demand`, plus each first sale.

    `first_sale` is the column of the first kept non-zero day (T when there is none).
    """
    x = np.asarray(history)
    if x.ndim != 2:
        raise ValueError(f"history must be 2-D (n, T), got shape {x.shape}")
    keep = np.isfinite(x)
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)
    positive = keep & (x > 0)
    n_pos = np.count_nonzero(positive, axis=1)
    first = first_sale_index(positive)
    from_first = np.arange(x.shape[1])[None, :] >= first[:, None]
    active_days = np.count_nonzero(keep & from_first, axis=1)
    xp = np.where(positive, x, 0)
    size_sum = xp.sum(axis=1, dtype=np.float64)
    size_sq = np.square(xp).sum(axis=1, dtype=np.float64)
    has = n_pos > 0
    count = np.maximum(n_pos, 1)
    mean_size = size_sum / count
    var_size = np.maximum(size_sq / count - np.square(mean_size), 0.0)
    adi = np.where(has, active_days / count, np.inf).astype(np.float64)
    cv2 = np.where(has, var_size / np.where(has, np.square(mean_size), 1.0), 0.0)
    frequent = adi < ADI_CUTOFF
    variable = cv2 >= CV2_CUTOFF
    code = np.where(frequent, np.where(variable, 1, 0), np.where(variable, 3, 2))
    return adi, cv2.astype(np.float64), np.array(DEMAND_CLASSES)[code], first
