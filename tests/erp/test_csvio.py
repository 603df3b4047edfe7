from pathlib import Path

import pandas as pd
import pytest

from erp.csvio import ImportValidationError, read_csv_dir, write_csv_dir


def _edit(folder: Path, table: str, line: int, column: str, value: str) -> None:
    """Set one field of one data line (line numbers count the header as line 1)."""
    path = folder / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(path, index=False)


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ImportValidationError) as info:
        read_csv_dir(folder)
    return [str(e) for e in info.value.errors]


def test_round_trip_is_exact(csv_dir, network, tmp_path):
    data = read_csv_dir(csv_dir)
    for name, frame in network.frames().items():
        pd.testing.assert_frame_equal(frame, data.frames()[name])
    again = tmp_path / "again"
    write_csv_dir(data, again)
    for path in sorted(csv_dir.iterdir()):
        assert path.read_text() == (again / path.name).read_text(), path.name


def test_written_files_follow_the_contract(csv_dir):
    header = (csv_dir / "item_suppliers.csv").read_text().splitlines()[0]
    assert header == "sku,supplier_id,unit_cost,moq,lead_time_days,primary"
    rows = (csv_dir / "item_suppliers.csv").read_text().splitlines()[1:]
    assert rows[0] == "A,V1,4.0,24,,true"  # empty lead time = supplier default
    assert (csv_dir / "sales.csv").read_text().splitlines()[1] == "2026-02-01,A,S1,5"


BAD_CASES = [
    # (table, line, column, value, expected file/line/field text, message fragment)
    ("sales", 3, "units", "-4", "sales.csv, line 3, field 'units'", "must not be negative"),
    ("purchase_orders", 2, "qty", "-10", "purchase_orders.csv, line 2, field 'qty'", "at least 1"),
    ("transfers", 2, "qty", "0", "transfers.csv, line 2, field 'qty'", "at least 1"),
    ("inventory", 4, "sku", "ZZZ", "inventory.csv, line 4, field 'sku'", "unknown sku"),
    ("sales", 5, "location_id", "S9", "sales.csv, line 5, field 'location_id'", "unknown"),
    (
        "purchase_orders",
        3,
        "supplier_id",
        "V9",
        "purchase_orders.csv, line 3, field 'supplier_id'",
        "unknown supplier_id",
    ),
    (
        "item_suppliers",
        2,
        "supplier_id",
        "V9",
        "item_suppliers.csv, line 2, field 'supplier_id'",
        "unknown",
    ),
    (
        "purchase_orders",
        2,
        "expected_date",
        "2026-04-31",
        "purchase_orders.csv, line 2, field 'expected_date'",
        "YYYY-MM-DD",
    ),
    ("sales", 2, "date", "31/01/2026", "sales.csv, line 2, field 'date'", "YYYY-MM-DD"),
    (
        "inventory_history",
        2,
        "on_hand",
        "1.5",
        "inventory_history.csv, line 2, field 'on_hand'",
        "whole number",
    ),
    (
        "inventory_history",
        3,
        "stockout",
        "out",
        "inventory_history.csv, line 3, field 'stockout'",
        "true or false",
    ),
    (
        "inventory_history",
        4,
        "location_id",
        "S9",
        "inventory_history.csv, line 4, field 'location_id'",
        "unknown location_id",
    ),
    (
        "inventory_history",
        2,
        "date",
        "2026-3-10",
        "inventory_history.csv, line 2, field 'date'",
        "YYYY-MM-DD",
    ),
    (
        "inventory_history",
        3,
        "date",
        "2026-03-10",
        "inventory_history.csv, line 3, field 'date,sku,location_id'",
        "duplicate of line 2",
    ),
    ("locations", 2, "type", "warehouse", "locations.csv, line 2, field 'type'", "store | dc"),
    ("items", 2, "unit_cost", "abc", "items.csv, line 2, field 'unit_cost'", "not a number"),
    ("items", 3, "case_pack", "2.5", "items.csv, line 3, field 'case_pack'", "whole number"),
    ("items", 3, "sku", "", "items.csv, line 3, field 'sku'", "is required"),
    (
        "item_suppliers",
        3,
        "primary",
        "maybe",
        "item_suppliers.csv, line 3, field 'primary'",
        "true or false",
    ),
    (
        "suppliers",
        2,
        "on_time_rate",
        "1.4",
        "suppliers.csv, line 2, field 'on_time_rate'",
        "at most 1",
    ),
    (
        "purchase_orders",
        2,
        "status",
        "shipped",
        "purchase_orders.csv, line 2, field 'status'",
        "open | received | cancelled",
    ),
    (
        "purchase_orders",
        2,
        "expected_date",
        "2026-03-01",
        "purchase_orders.csv, line 2, field 'expected_date'",
        "before order_date",
    ),
    (
        "promotions",
        2,
        "end_date",
        "2026-04-01",
        "promotions.csv, line 2, field 'end_date'",
        "before start_date",
    ),
    (
        "locations",
        3,
        "source_location",
        "S2",
        "locations.csv, line 3, field 'source_location'",
        "must be a dc",
    ),
    (
        "lanes",
        2,
        "to_location",
        "DC1",
        "lanes.csv, line 2, field 'to_location'",
        "equals from_location",
    ),
    (
        "inventory",
        3,
        "location_id",
        "S1",
        "inventory.csv, line 3, field 'sku,location_id'",
        "duplicate of line 2",
    ),
    # Beyond 64 bits, or beyond any sane stock: refused, never wrapped or left to the database.
    (
        "inventory",
        2,
        "on_hand",
        "99999999999999999999999",
        "inventory.csv, line 2, field 'on_hand'",
        "at most 1,000,000,000",
    ),
    (
        "inventory",
        2,
        "on_hand",
        "-2000000000",
        "inventory.csv, line 2, field 'on_hand'",
        "at least -1,000,000,000",
    ),
    (
        "item_suppliers",
        2,
        "moq",
        "99999999999999999999999",
        "item_suppliers.csv, line 2, field 'moq'",
        "at most",
    ),
    ("items", 2, "case_pack", "1e23", "items.csv, line 2, field 'case_pack'", "at most 100,000"),
    ("purchase_orders", 2, "qty", "1e23", "purchase_orders.csv, line 2, field 'qty'", "at most"),
    ("transfers", 2, "qty", "inf", "transfers.csv, line 2, field 'qty'", "not a number"),
    ("sales", 2, "units", "1e10", "sales.csv, line 2, field 'units'", "at most"),
    (
        "items",
        2,
        "unit_price",
        "1e300",
        "items.csv, line 2, field 'unit_price'",
        "at most 1,000,000",
    ),
    (
        "promotions",
        2,
        "expected_uplift",
        "1000",
        "promotions.csv, line 2, field 'expected_uplift'",
        "at most 50",
    ),
    (
        "sales",
        2,
        "date",
        "0001-01-01",
        "sales.csv, line 2, field 'date'",
        "between 1900-01-01 and 2199-12-31",
    ),
    (
        "inventory",
        2,
        "as_of_date",
        "9999-12-31",
        "inventory.csv, line 2, field 'as_of_date'",
        "between",
    ),
    (
        "purchase_orders",
        2,
        "order_date",
        "1677-09-21",
        "purchase_orders.csv, line 2, field 'order_date'",
        "between",
    ),
    (
        "items",
        2,
        "description",
        "x" * 501,
        "items.csv, line 2, field 'description'",
        "longer than 500",
    ),
    ("items", 2, "sku", "S" * 65, "items.csv, line 2, field 'sku'", "longer than 64"),
    ("locations", 2, "name", "DC\x00one", "locations.csv, line 2, field 'name'", "NUL"),
]


@pytest.mark.parametrize(
    ("table", "line", "column", "value", "where", "message"),
    BAD_CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3] or 'empty'}" for c in BAD_CASES],
)
def test_bad_row_is_refused_naming_file_line_and_field(
    csv_dir, table, line, column, value, where, message
):
    _edit(csv_dir, table, line, column, value)
    problems = _problems(csv_dir)
    assert any(where in p and message in p for p in problems), problems


def test_missing_column_is_refused(csv_dir):
    df = pd.read_csv(csv_dir / "items.csv", dtype=str, keep_default_na=False)
    df.drop(columns=["unit_price"]).to_csv(csv_dir / "items.csv", index=False)
    assert "items.csv, line 1, field 'unit_price': missing column" in _problems(csv_dir)


def test_missing_required_file_is_refused(csv_dir):
    (csv_dir / "inventory.csv").unlink()
    assert any("inventory.csv" in p and "missing" in p for p in _problems(csv_dir))


def test_optional_file_may_be_absent(csv_dir):
    (csv_dir / "promotions.csv").unlink()
    assert read_csv_dir(csv_dir).promotions.empty


def test_empty_file_is_refused(csv_dir):
    (csv_dir / "lanes.csv").write_text("")
    assert any("lanes.csv, line 1" in p and "empty" in p for p in _problems(csv_dir))


def test_every_problem_is_reported_not_just_the_first(csv_dir):
    _edit(csv_dir, "sales", 2, "units", "-1")
    _edit(csv_dir, "items", 2, "unit_cost", "x")
    problems = _problems(csv_dir)
    assert any(p.startswith("items.csv, line 2") for p in problems)
    assert any(p.startswith("sales.csv, line 2") for p in problems)


def test_negative_on_hand_is_accepted_as_data(csv_dir):
    # ERPs do report negative stock; it is flagged as an inventory_anomaly, not refused.
    data = read_csv_dir(csv_dir)
    assert data.inventory["on_hand"].min() == -3


def test_a_repeated_column_header_is_refused(csv_dir):
    path = csv_dir / "inventory.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",on_hand"] + [f"{x},999" for x in lines[1:]]) + "\n")
    assert _problems(csv_dir) == [
        "inventory.csv, line 1, field 'on_hand': column header appears more than once"
    ]


def test_repeated_blank_column_headers_are_named_by_their_columns(csv_dir):
    # A blank header has no name to quote: the refusal gives its column numbers instead.
    path = csv_dir / "inventory.csv"
    lines = path.read_text().splitlines()
    n = len(lines[0].split(","))
    path.write_text("\n".join([lines[0] + ", ,"] + [f"{x},1,2" for x in lines[1:]]) + "\n")
    assert _problems(csv_dir) == [
        f"inventory.csv, line 1, field '(blank header, column {n + 1}, {n + 2})': "
        "column header appears more than once"
    ]


def test_a_row_shorter_than_the_header_names_the_first_missing_field(csv_dir):
    path = csv_dir / "suppliers.csv"
    lines = path.read_text().splitlines()
    lines[2] = ",".join(lines[2].split(",")[:3])
    path.write_text("\n".join(lines) + "\n")
    assert "suppliers.csv, line 3, field 'lead_time_std_days'" in _problems(csv_dir)[0]


def test_not_a_folder(tmp_path):
    with pytest.raises(ImportValidationError, match="is not a folder"):
        read_csv_dir(tmp_path / "nope")


def test_the_inventory_history_may_give_only_on_hand_or_only_stockout_flags(csv_dir):
    path = csv_dir / "inventory_history.csv"
    full = pd.read_csv(path, dtype=str, keep_default_na=False)
    full.drop(columns=["stockout"]).to_csv(path, index=False)
    only_on_hand = read_csv_dir(csv_dir).inventory_history
    assert only_on_hand["on_hand"].tolist()[:2] == [0.0, 4.0]
    assert not only_on_hand["stockout"].any()
    full.drop(columns=["on_hand"]).to_csv(path, index=False)
    only_flags = read_csv_dir(csv_dir).inventory_history
    assert only_flags["stockout"].tolist() == [False, False, True]
    assert only_flags["on_hand"].isna().all()


def test_an_inventory_history_without_on_hand_and_stockout_is_refused(csv_dir):
    path = csv_dir / "inventory_history.csv"
    full = pd.read_csv(path, dtype=str, keep_default_na=False)
    full.drop(columns=["on_hand", "stockout"]).to_csv(path, index=False)
    assert any(
        "inventory_history.csv, line 1, field 'on_hand or stockout'" in p
        for p in _problems(csv_dir)
    )


def test_the_inventory_history_file_is_optional(csv_dir):
    (csv_dir / "inventory_history.csv").unlink()
    assert read_csv_dir(csv_dir).inventory_history.empty
