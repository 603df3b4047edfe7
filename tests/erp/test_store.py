from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from erp import models
from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
from erp.store import (
    _copy_csv,
    commit_times,
    is_empty,
    latest_import,
    ledger_mark,
    load_network,
    replace_snapshot,
    replace_snapshot_blocks,
    snapshot_as_of,
    snapshot_version,
)
from planning.network import NetworkData


def test_snapshot_round_trip(store_engine, network):
    assert is_empty(store_engine)
    summary = replace_snapshot(store_engine, network, source="test")
    assert summary.row_counts["sales"] == len(network.sales)
    loaded = load_network(store_engine)
    for name, frame in network.frames().items():
        pd.testing.assert_frame_equal(frame, loaded.frames()[name], check_exact=True)
    assert snapshot_as_of(store_engine).isoformat() == "2026-03-31"
    assert latest_import(store_engine).source == "test"


def test_reimport_replaces_the_snapshot(store_engine, network):
    replace_snapshot(store_engine, network, source="first")
    smaller = NetworkData.from_frames(
        {
            **network.frames(),
            "sales": network.sales.head(3),
            "promotions": network.promotions.head(0),
        }
    )
    replace_snapshot(store_engine, smaller, source="second")
    loaded = load_network(store_engine)
    assert len(loaded.sales) == 3
    assert loaded.promotions.empty
    assert latest_import(store_engine).source == "second"


def test_failed_replace_leaves_the_store_unchanged(store_engine, network):
    replace_snapshot(store_engine, network, source="good")
    # A sales row for an unknown location violates a foreign key half-way through the write.
    broken_sales = pd.concat(
        [network.sales, network.sales.head(1).assign(location_id="NOWHERE")], ignore_index=True
    )
    broken = NetworkData.from_frames({**network.frames(), "sales": broken_sales})
    with pytest.raises(Exception):  # noqa: B017 - the driver's integrity error
        replace_snapshot(store_engine, broken, source="bad")
    loaded = load_network(store_engine)
    pd.testing.assert_frame_equal(network.sales, loaded.sales)
    assert latest_import(store_engine).source == "good"


def test_sales_since_filters_history(store_engine, network):
    replace_snapshot(store_engine, network, source="t")
    loaded = load_network(store_engine, sales_since=pd.Timestamp("2026-03-25").date())
    assert loaded.sales["date"].min() == pd.Timestamp("2026-03-25")
    assert len(loaded.inventory) == len(network.inventory)


def test_source_location_is_stored_as_a_foreign_key(store_engine, network):
    replace_snapshot(store_engine, network, source="t")
    with store_engine.connect() as conn:
        n = conn.execute(
            select(func.count())
            .select_from(models.Location)
            .where(models.Location.source_location.is_(None))
        ).scalar_one()
    assert n == 1  # only the DC has no source


def test_daily_sales_sums_locations_per_day(store_engine, network):
    from erp.store import daily_sales

    replace_snapshot(store_engine, network, source="t")
    sales = network.sales
    sku = sales["sku"].iloc[0]
    locations = sorted(set(sales.loc[sales["sku"] == sku, "location_id"]))
    start, end = sales["date"].min().date(), sales["date"].max().date()
    got = daily_sales(store_engine, sku, locations, start=start, end=end)
    mine = sales[(sales["sku"] == sku) & sales["location_id"].isin(locations)]
    expected = mine.groupby(mine["date"].dt.date)["units"].sum()
    assert got == pytest.approx({d: float(u) for d, u in expected.items()})
    assert daily_sales(store_engine, sku, ["NOWHERE"], start=start, end=end) == {}


def test_snapshot_version_moves_with_each_import_and_each_erp_write(store_engine, network):
    assert snapshot_version(store_engine) == ("", 0)
    replace_snapshot(store_engine, network, source="first")
    imported, writes = snapshot_version(store_engine)
    assert "first" in imported and writes == 0
    BuiltinErpConnector(store_engine).create_purchase_order(
        PurchaseOrderRequest("V1", "A", "DC1", 48, date(2026, 3, 31)), idempotency_key="v-1"
    )
    assert snapshot_version(store_engine) == (imported, 1)
    assert ledger_mark(store_engine) == 1
    replace_snapshot(store_engine, network, source="first")  # the same data, a new import
    again, writes = snapshot_version(store_engine)
    assert again != imported and writes == 1  # the ledger outlives a re-import


def test_commit_times_are_utc_and_only_for_known_documents(store_engine, network):
    replace_snapshot(store_engine, network, source="t")
    doc = BuiltinErpConnector(store_engine).create_purchase_order(
        PurchaseOrderRequest("V1", "A", "DC1", 48, date(2026, 3, 31)), idempotency_key="c-1"
    )
    times = commit_times(store_engine, [doc, "PO-NOPE"])
    assert list(times) == [doc]
    assert times[doc].utcoffset().total_seconds() == 0
    assert commit_times(store_engine, []) == {}


# --- a snapshot written in SKU blocks -------------------------------------------------------------


def _sku_blocks(data: NetworkData, n: int) -> list[NetworkData]:
    """Split a network into `n` disjoint SKU blocks (each with the whole shared tables)."""
    skus = sorted(data.items["sku"])
    groups = [set(skus[i::n]) for i in range(n)]
    return [
        NetworkData.from_frames(
            {
                name: frame[frame["sku"].isin(group)] if "sku" in frame.columns else frame
                for name, frame in data.frames().items()
            }
        )
        for group in groups
    ]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), kind="stable", ignore_index=True)


def test_copy_rows_of_a_frame_whose_columns_are_chunked_differently() -> None:
    """A text column concatenated from an empty and a non-empty piece is two Arrow chunks while
    the others are one (a demo block's transfers); COPY's CSV still holds exactly the rows."""
    status = pd.concat(
        [pd.Series([], dtype="str"), pd.Series(["in_transit"], dtype="str")], ignore_index=True
    )
    frame = pd.DataFrame(
        {"transfer_id": ["TR-000021-000001"], "qty": [8], "ship_date": [pd.Timestamp("2026-11-22")]}
    ).assign(status=status)
    body, null = _copy_csv(frame)
    assert null == ""
    assert body == b'"TR-000021-000001",8,2026-11-22,"in_transit"\n'


def test_snapshot_in_blocks_is_the_whole_snapshot(store_engine, network):
    replace_snapshot(store_engine, network, source="before")
    seen = []
    summary = replace_snapshot_blocks(
        store_engine, iter(_sku_blocks(network, 2)), source="blocks", on_block=seen.append
    )
    assert len(seen) == 2 and "locations" in seen[0] and "locations" not in seen[1]
    assert summary.row_counts == {name: len(f) for name, f in network.frames().items()}
    assert summary.as_of == network.as_of
    loaded = load_network(store_engine)
    for name, frame in network.frames().items():
        pd.testing.assert_frame_equal(_sorted(frame), _sorted(loaded.frames()[name]), obj=name)
    assert latest_import(store_engine).source == "blocks"
    assert latest_import(store_engine).as_of_date == network.as_of


@pytest.mark.parametrize("defect", ["unknown_location", "repeated_sales_day"])
def test_a_bad_block_leaves_the_store_unchanged(store_engine, network, defect):
    replace_snapshot(store_engine, network, source="good")
    first, second = _sku_blocks(network, 2)
    bad_row = second.sales.head(1)
    if defect == "unknown_location":
        bad_row = bad_row.assign(location_id="NOWHERE")
    # The second block repeats a sales key of its own or names an unknown location: the keys
    # the PostgreSQL load dropped are checked when they are added back, and everything rolls back.
    second = NetworkData.from_frames(
        {**second.frames(), "sales": pd.concat([second.sales, bad_row], ignore_index=True)}
    )
    with pytest.raises(Exception):  # noqa: B017 - the driver's integrity error
        replace_snapshot_blocks(store_engine, [first, second], source="bad")
    loaded = load_network(store_engine)
    pd.testing.assert_frame_equal(_sorted(network.sales), _sorted(loaded.sales))
    assert latest_import(store_engine).source == "good"
    # The keys are back: a duplicate sales day is still refused afterwards.
    with pytest.raises(Exception):  # noqa: B017
        replace_snapshot(
            store_engine,
            NetworkData.from_frames(
                {**network.frames(), "sales": pd.concat([network.sales, network.sales.head(1)])}
            ),
            source="dup",
        )
