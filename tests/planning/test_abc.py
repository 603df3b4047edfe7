"""ABC classification by 12-month sales value, and service levels by class in the engine."""

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from planning.abc import class_service_level, classify_abc, sales_value
from planning.engine import plan
from planning.params import PlanParams
from tests.conftest import small_network

LEVELS = {"A": 0.98, "B": 0.95, "C": 0.90}


def classes(values: dict[str, float], **cut: float) -> dict[str, str]:
    thresholds = {"A": 0.80, "B": 0.95, **cut}
    return classify_abc(pd.Series(values, dtype=float), thresholds).to_dict()


# -- the pure function ---------------------------------------------------------------------------


def test_classes_follow_the_cumulative_share_of_value():
    # Shares 50, 25, 10, 8, 4, 3 %: value above each is 0, 50, 75, 85, 93, 97 %.
    got = classes({"a": 50, "b": 25, "c": 10, "d": 8, "e": 4, "f": 3})
    assert got == {"a": "A", "b": "A", "c": "A", "d": "B", "e": "B", "f": "C"}


def test_the_sku_crossing_a_threshold_is_in_the_higher_class():
    # One SKU holds 94 %: it is A although it alone passes 80 %; the other one starts at 94 %.
    assert classes({"big": 94, "small": 6}) == {"big": "A", "small": "B"}


def test_a_share_exactly_at_the_threshold_belongs_to_the_next_class():
    assert classes({"x": 80, "y": 20}) == {"x": "A", "y": "B"}
    assert classes({"x": 95, "y": 5}) == {"x": "A", "y": "C"}


def test_equal_values_share_a_class_whatever_their_order():
    values = {"a": 70, "t1": 10, "t2": 10, "t3": 10}
    assert set(classes(values).values()) == {"A"}
    shuffled = dict(reversed(list(values.items())))
    assert classes(shuffled) == classes(values)
    # A tie straddling the A line (75 % above both): both A, although together they reach 95 %.
    got = classes({"a": 75, "t1": 10, "t2": 10, "z": 5})
    assert got == {"a": "A", "t1": "A", "t2": "A", "z": "C"}


def test_zero_missing_and_negative_values_are_class_c():
    got = classes({"a": 100, "zero": 0, "nan": float("nan"), "neg": -5})
    assert got == {"a": "A", "zero": "C", "nan": "C", "neg": "C"}


def test_no_sales_at_all_makes_everything_c():
    assert set(classes({"a": 0, "b": 0}).values()) == {"C"}
    assert classify_abc(pd.Series([], dtype=float)).empty


def test_thresholds_are_validated():
    with pytest.raises(ValueError, match="0 < A < B <= 1"):
        classes({"a": 1}, A=0.9, B=0.8)


def test_sales_value_sums_units_times_price_per_sku():
    value = sales_value(["x", "y", "x"], [10, 5, np.nan], [2.0, 3.0, 2.0])
    assert value.to_dict() == {"x": 20.0, "y": 15.0}


def test_class_service_level_maps_or_falls_back():
    assert class_service_level(["A", "C"], LEVELS, 0.95).tolist() == [0.98, 0.90]
    assert class_service_level(["A", "C"], None, 0.95).tolist() == [0.95, 0.95]
    with pytest.raises(ValueError, match="class B"):
        class_service_level(["B"], {"A": 0.98}, 0.95)


def test_plan_params_store_class_mappings_as_sorted_pairs():
    p = PlanParams(service_levels={"C": 0.9, "A": 0.98, "B": 0.95})
    assert p.service_levels == (("A", 0.98), ("B", 0.95), ("C", 0.9))
    assert p == PlanParams(service_levels=LEVELS)
    assert p.class_service_levels() == LEVELS
    assert PlanParams().class_service_levels() is None
    assert PlanParams().abc_cutoffs() == {"A": 0.80, "B": 0.95}


# -- in the engine -------------------------------------------------------------------------------


EXACT = {"economic_service_level": False}  # the class levels are the targets, not floors


@pytest.fixture(scope="module")
def base():
    return plan(small_network(), params=PlanParams(**EXACT))


def by_row(p) -> pd.DataFrame:
    return p.positions.set_index(["sku", "location_id"])


def test_positions_and_exceptions_carry_the_class_and_level_used(base):
    pos = by_row(base)
    # Sales value: A sells 8/day at 10.00, B 1/day at 5.00 -> A holds 94 %.
    assert pos.loc[("A", "S1"), "abc_class"] == "A" and pos.loc[("B", "S1"), "abc_class"] == "B"
    assert pos.loc[("A", "DC1"), "abc_class"] == "A"  # the class is network-wide, per SKU
    assert set(pos["service_level"]) == {0.95}  # no class levels: one level for all
    record = base.exception_records()[0]
    assert record["evidence"]["abc_class"] in ("A", "B")
    assert record["evidence"]["service_level"] == 0.95


def test_no_class_levels_is_the_old_single_level_behaviour(base):
    same = plan(
        small_network(),
        params=PlanParams(service_levels={"A": 0.95, "B": 0.95, "C": 0.95}, **EXACT),
    )
    cols = ["safety_stock", "reorder_point", "order_up_to"]
    np.testing.assert_allclose(same.positions[cols], base.positions[cols], rtol=1e-12)
    assert same.exception_records() == base.exception_records()


def test_a_higher_class_level_raises_safety_stock_only_for_that_class(base):
    up = plan(small_network(), params=PlanParams(service_levels={**LEVELS, "B": 0.95}, **EXACT))
    old, new = by_row(base), by_row(up)
    a_rows = old["abc_class"] == "A"
    assert (new.loc[a_rows, "service_level"] == 0.98).all()
    # A store's safety stock rises with its class level; the DC holds the echelon's pooled
    # error beyond its stores' (its suppliers' lead-time spread is not in it).
    assert new.loc[("A", "S1"), "safety_stock"] > old.loc[("A", "S1"), "safety_stock"] > 0
    assert new.loc[("A", "DC1"), "safety_stock"] >= old.loc[("A", "DC1"), "safety_stock"]
    assert (new.loc[a_rows, "safety_stock"] >= old.loc[a_rows, "safety_stock"]).all()
    assert (new.loc[a_rows, "reorder_point"] >= old.loc[a_rows, "reorder_point"]).all()
    pd.testing.assert_series_equal(
        new.loc[~a_rows, "safety_stock"], old.loc[~a_rows, "safety_stock"]
    )


def test_safety_stock_grows_monotonically_with_the_class_level():
    ss = []
    for level in (0.80, 0.90, 0.95, 0.98, 0.995):
        p = plan(
            small_network(),
            params=PlanParams(service_levels={"A": level, "B": 0.9, "C": 0.9}, **EXACT),
        )
        ss.append(float(by_row(p).loc[("A", "DC1"), "safety_stock"]))
    assert ss == sorted(ss) and len(set(ss)) == len(ss)


def test_the_class_uses_the_last_twelve_months_only():
    data = small_network()
    old = data.sales["date"].min() - timedelta(days=320)  # 378 to 438 days before T
    burst = pd.DataFrame(
        {
            "date": pd.date_range(old - timedelta(days=60), old),
            "sku": "B",
            "location_id": "S1",
            "units": 10_000,
        }
    )
    frames = data.frames()
    frames["sales"] = pd.concat([data.sales, burst], ignore_index=True)
    data = type(data).from_frames(frames)
    pos = by_row(plan(data))
    assert pos.loc[("A", "S1"), "abc_class"] == "A" and pos.loc[("B", "S1"), "abc_class"] == "B"
    wide = by_row(plan(data, params=PlanParams(abc_window_days=730)))
    assert wide.loc[("B", "S1"), "abc_class"] == "A"  # with two years, the burst counts


def test_the_economic_critical_ratio_lifts_the_level_and_the_class_level_is_its_floor():
    # A: price 10, cost 4 -> margin 6, less the 0.3 per unit the DC1 -> S1 lane costs (a sale
    # lost saves it): 5.7. Holding over R = 7 days at 0.25/365 per day on the landed value:
    # 4 + 0.3 at the store, 4 at the DC (whose stores' lanes both cost 0.3). Critical ratios
    # about 0.9966, above the class levels (0.98 / 0.95 / 0.90).
    loose = PlanParams(service_levels=LEVELS, service_level_cap=0.9999)
    pos = by_row(plan(small_network(), params=loose))
    h_store, h_dc = 0.25 / 365 * 4.3 * 7, 0.25 / 365 * 4.0 * 7
    assert pos.loc[("A", "S1"), "service_level"] == pytest.approx(5.7 / (5.7 + h_store), rel=1e-9)
    assert pos.loc[("A", "DC1"), "service_level"] == pytest.approx(5.7 / (5.7 + h_dc), rel=1e-9)
    # The default cap (0.995) bounds the ratio; a class floor above it wins.
    capped = by_row(plan(small_network(), params=PlanParams(service_levels=LEVELS)))
    assert capped.loc[("A", "S1"), "service_level"] == pytest.approx(0.995)
    high = PlanParams(service_levels={"A": 0.999, "B": 0.95, "C": 0.9})
    assert by_row(plan(small_network(), params=high)).loc[
        ("A", "S1"), "service_level"
    ] == pytest.approx(0.999)
