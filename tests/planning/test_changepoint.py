import numpy as np
import pytest

from planning.changepoint import block_cumsum, last_shift, split_ratio


def test_split_ratio_is_zero_for_equal_rates_and_grows_with_the_gap() -> None:
    same = split_ratio(np.array([10.0]), np.array([100.0]), np.array([20.0]), np.array([200.0]))
    assert same[0] == pytest.approx(0.0, abs=1e-9)
    small = split_ratio(np.array([10.0]), np.array([100.0]), np.array([30.0]), np.array([200.0]))
    large = split_ratio(np.array([10.0]), np.array([100.0]), np.array([60.0]), np.array([200.0]))
    assert 0 < small[0] < large[0]
    # By hand: 2 (10 log 0.1 + 60 log 0.3 - 70 log(70 / 300)).
    want = 2 * (10 * np.log(0.1) + 60 * np.log(0.3) - 70 * np.log(70 / 300))
    assert large[0] == pytest.approx(want)


def test_split_ratio_is_zero_where_a_side_has_no_kept_row() -> None:
    out = split_ratio(np.array([0.0]), np.array([0.0]), np.array([5.0]), np.array([50.0]))
    assert out[0] == 0.0


def test_block_cumsum_adds_the_head_rows_to_the_first_block() -> None:
    values = np.arange(10, dtype=np.float64)[:, None]  # rows 0..9, blocks of 4 from the end
    out = block_cumsum(values, 4)
    # Blocks: rows 2..5 with the head rows 0..1, then rows 6..9.
    assert out[:, 0].tolist() == [0.0, 15.0, 45.0]


def test_a_shift_of_sale_frequency_is_found_near_where_it_happened() -> None:
    rng = np.random.default_rng(3)
    w_len, m = 728, 400
    t = np.arange(w_len)[:, None]
    p = np.where(t >= w_len - 200, 0.24, 0.08)  # x3, 200 days before the origin
    events = (rng.random((w_len, m)) < p).astype(np.float64)
    start = last_shift(events, np.ones((w_len, m), bool))
    found = start > 0
    assert found.mean() > 0.85  # twice the log ratio about 27 here: under 16 now and then
    assert np.median(np.abs(start[found] - (w_len - 200))) <= 14


def test_the_last_of_two_shifts_is_returned() -> None:
    rng = np.random.default_rng(4)
    w_len, m = 728, 300
    t = np.arange(w_len)[:, None]
    p = np.select([t < 250, t < w_len - 150], [0.05, 0.3], 0.1)
    events = (rng.random((w_len, m)) < p).astype(np.float64)
    start = last_shift(events, np.ones((w_len, m), bool))
    assert np.median(start) == pytest.approx(w_len - 150, abs=14)


def test_a_steady_rate_is_rarely_split() -> None:
    rng = np.random.default_rng(5)
    w_len, m = 728, 2000
    p = rng.uniform(0.02, 0.45, m)[None, :]
    events = (rng.random((w_len, m)) < p).astype(np.float64)
    start = last_shift(events, np.ones((w_len, m), bool))
    assert (start > 0).mean() < 0.005


def test_rows_not_kept_count_nothing_and_too_short_windows_keep_everything() -> None:
    w_len = 300
    events = np.zeros((w_len, 1))
    events[200:] = 1.0  # a burst, but on rows that are not kept
    kept = np.ones((w_len, 1), bool)
    kept[200:] = False
    events[:200:5] = 1.0
    assert last_shift(events, kept)[0] == 0
    assert last_shift(np.ones((10, 2)), np.ones((10, 2), bool)).tolist() == [0, 0]
