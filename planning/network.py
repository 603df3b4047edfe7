"""Define the network tables the planning engine reads (the same columns as the CSV contract).

Every table is a pandas DataFrame whose columns are exactly those listed in `TABLES`, in that
order. Date columns hold `datetime64[ns]` values at midnight; text columns hold `str`
(an optional text field is the empty string, never NaN); an optional number is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["str", "int", "float", "date", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a network table."""

    name: str
    kind: Kind
    required: bool = True  # False: the value may be empty
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    max_length: int = 64  # text only: the store's column width
    header_optional: bool = False  # the file may leave the column out (its values are empty)


# The sane range of every quantity, money amount and date in a snapshot (the README's CSV table
# lists them per field). Quantities stay far inside the store's 32-bit integers and money at risk
# (quantity x price) inside what a float adds exactly; dates inside what pandas can hold.
MAX_UNITS = 1_000_000_000
MAX_MONEY = 1_000_000
MAX_CASE_PACK = 100_000
MAX_FACTOR = 50
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class Table:
    """One network table: its name (also its CSV file stem), columns and primary key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        """Return the column names in contract order."""
        return [c.name for c in self.columns]


def _c(name: str, kind: Kind, **kw: object) -> Column:
    return Column(name, kind, **kw)  # type: ignore[arg-type]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "locations",
            (
                _c("location_id", "str"),
                _c("name", "str", max_length=200),
                _c("type", "str", choices=("store", "dc"), max_length=8),
                _c("region", "str", required=False, max_length=100),
                _c("source_location", "str", required=False),
            ),
            ("location_id",),
        ),
        Table(
            "lanes",
            (
                _c("from_location", "str"),
                _c("to_location", "str"),
                _c("lead_time_days", "int", min_value=0, max_value=365),
                _c("cost_per_unit", "float", min_value=0, max_value=MAX_MONEY),
            ),
            ("from_location", "to_location"),
        ),
        Table(
            "suppliers",
            (
                _c("supplier_id", "str"),
                _c("name", "str", max_length=200),
                _c("lead_time_days", "int", min_value=0, max_value=365),
                _c("lead_time_std_days", "float", min_value=0, max_value=365),
                _c("on_time_rate", "float", min_value=0, max_value=1),
            ),
            ("supplier_id",),
        ),
        Table(
            "items",
            (
                _c("sku", "str"),
                _c("description", "str", required=False, max_length=500),
                _c("category", "str", required=False, max_length=100),
                _c("unit_cost", "float", min_value=0, max_value=MAX_MONEY),
                _c("unit_price", "float", min_value=0, max_value=MAX_MONEY),
                _c("case_pack", "int", min_value=1, max_value=MAX_CASE_PACK),
            ),
            ("sku",),
        ),
        Table(
            "item_suppliers",
            (
                _c("sku", "str"),
                _c("supplier_id", "str"),
                _c("unit_cost", "float", min_value=0, max_value=MAX_MONEY),
                _c("moq", "int", min_value=0, max_value=MAX_UNITS),
                _c("lead_time_days", "int", required=False, min_value=0, max_value=365),
                _c("primary", "bool"),
            ),
            ("sku", "supplier_id"),
        ),
        Table(
            "inventory",
            (
                # on_hand may be negative: a real ERP reports it, and it is an anomaly to flag.
                _c("sku", "str"),
                _c("location_id", "str"),
                _c("on_hand", "int", min_value=-MAX_UNITS, max_value=MAX_UNITS),
                _c("as_of_date", "date"),
            ),
            ("sku", "location_id"),
        ),
        Table(
            "sales",
            (
                _c("date", "date"),
                _c("sku", "str"),
                _c("location_id", "str"),
                _c("units", "int", min_value=0, max_value=MAX_UNITS),
            ),
            ("date", "sku", "location_id"),
        ),
        Table(
            "purchase_orders",
            (
                _c("po_id", "str"),
                _c("supplier_id", "str"),
                _c("sku", "str"),
                _c("location_id", "str"),
                _c("qty", "int", min_value=1, max_value=MAX_UNITS),
                _c("order_date", "date"),
                _c("expected_date", "date"),
                _c("status", "str", choices=("open", "received", "cancelled"), max_length=16),
            ),
            ("po_id", "sku", "location_id"),
        ),
        Table(
            "transfers",
            (
                _c("transfer_id", "str"),
                _c("sku", "str"),
                _c("from_location", "str"),
                _c("to_location", "str"),
                _c("qty", "int", min_value=1, max_value=MAX_UNITS),
                _c("ship_date", "date"),
                _c("expected_date", "date"),
                _c("status", "str", choices=("in_transit", "received"), max_length=16),
            ),
            ("transfer_id", "sku"),
        ),
        Table(
            "promotions",
            (
                _c("promo_id", "str"),
                _c("sku", "str"),
                _c("location_id", "str"),
                _c("start_date", "date"),
                _c("end_date", "date"),
                _c("expected_uplift", "float", min_value=0, max_value=MAX_FACTOR),
                _c("discount_pct", "float", min_value=0, max_value=100),
            ),
            ("promo_id", "sku", "location_id"),
        ),
        Table(
            # Optional: the stock history behind the sales. A day with stockout true, or on_hand
            # at or below 0, is a stockout: its sales are not demand (`planning.censoring`).
            "inventory_history",
            (
                _c("date", "date"),
                _c("sku", "str"),
                _c("location_id", "str"),
                _c(
                    "on_hand",
                    "int",
                    required=False,
                    header_optional=True,
                    min_value=-MAX_UNITS,
                    max_value=MAX_UNITS,
                ),
                _c("stockout", "bool", required=False, header_optional=True),
            ),
            ("date", "sku", "location_id"),
        ),
    )
}

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


def empty_frame(table: str) -> pd.DataFrame:
    """Return an empty DataFrame with the table's columns and dtypes."""
    return coerce_frame(table, pd.DataFrame({c: [] for c in TABLES[table].column_names}))


def coerce_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` with exactly the table's columns, in order, cast to the contract dtypes.

    The frame must already hold valid values (validation lives with the I/O that reads them).
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in TABLES[table].columns:
        s = df[col.name].reset_index(drop=True)
        if col.kind == "str":
            out[col.name] = _text(s)
        elif col.kind == "int" and col.required:
            out[col.name] = s.astype("int64")
        elif col.kind in ("int", "float"):
            out[col.name] = pd.to_numeric(s).astype("float64")
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(s).astype("datetime64[ns]")
        else:
            out[col.name] = s.astype(bool)
    return out


def _text(s: pd.Series) -> pd.Series:
    """Return `s` as text, a missing value as the empty string (categoricals by their codes)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # pandas 2 refuses fillna("") on a categorical without "" among its categories.
        names = np.append(np.asarray(s.cat.categories.astype(str), dtype=object), "")
        s = pd.Series(names[s.cat.codes.to_numpy()], index=s.index)  # code -1 picks the ""
    return s.fillna("").astype(str)


@dataclass(frozen=True)
class NetworkData:
    """One snapshot of the whole network: every table of the CSV contract as a DataFrame."""

    locations: pd.DataFrame
    lanes: pd.DataFrame
    suppliers: pd.DataFrame
    items: pd.DataFrame
    item_suppliers: pd.DataFrame
    inventory: pd.DataFrame
    sales: pd.DataFrame
    purchase_orders: pd.DataFrame
    transfers: pd.DataFrame
    promotions: pd.DataFrame
    inventory_history: pd.DataFrame = field(
        default_factory=lambda: empty_frame("inventory_history")
    )

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> NetworkData:
        """Build a snapshot from per-table frames (missing tables are empty)."""
        return cls(
            **{
                name: coerce_frame(name, frames[name]) if name in frames else empty_frame(name)
                for name in TABLE_ORDER
            }
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name, in contract order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def as_of(self) -> date:
        """Return the snapshot date: the latest inventory `as_of_date` (else the last sale)."""
        if len(self.inventory):
            return pd.Timestamp(self.inventory["as_of_date"].max()).date()
        if len(self.sales):
            return pd.Timestamp(self.sales["date"].max()).date()
        raise ValueError("the network has no inventory and no sales: nothing to plan")


@dataclass(frozen=True)
class SupplyLine:
    """One order StockPilot drafted or wrote for a target since the snapshot.

    `status` is the proposal's (pending, approved or committed); `document_id` is set once it
    was written to the ERP (a plan computed after that write already holds it as open supply);
    `arrives` is the date the draft check expected it.
    """

    proposal_id: str
    status: str
    kind: str
    qty: float
    document_id: str | None = None
    arrives: date | None = None

    def describe(self) -> str:
        """Return the line as a planner reads it ("PR-1 (pending transfer of 40)")."""
        what = f"{self.status} {self.kind.replace('_', ' ')} of {self.qty:g}"
        if self.document_id:
            what += f", {self.document_id}"
        return f"{self.proposal_id} ({what})"


# Tables every SKU plans with whole: a change there reaches every SKU.
SHARED_TABLES: tuple[str, ...] = ("locations", "lanes", "suppliers")


def _differing_rows(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Return the rows found in one frame and not in the other (as a multiset of rows)."""
    both = pd.concat([old.assign(_side=0), new.assign(_side=1)], ignore_index=True).reset_index(
        drop=True
    )
    columns = [c for c in both.columns if c != "_side"]
    both["_n"] = both.groupby([*columns, "_side"], dropna=False, sort=False).cumcount()
    return both.drop_duplicates(subset=[*columns, "_n"], keep=False)


def changed_skus(old: NetworkData, new: NetworkData) -> set[str] | None:
    """Return the SKUs whose rows differ between two snapshots (None: more than SKUs changed).

    None when the snapshot date, the set of SKUs, the locations, lanes or suppliers differ, or
    received purchase orders do (suppliers' lateness is learned from them network-wide): then
    only a full plan run is right. Otherwise the SKUs with a row added, removed or changed in
    any table (sales included).
    """
    try:
        if old.as_of != new.as_of:
            return None
    except ValueError:  # an empty side
        return None
    for name in SHARED_TABLES:
        if len(_differing_rows(getattr(old, name), getattr(new, name))):
            return None
    if set(old.items["sku"]) != set(new.items["sku"]):
        return None
    changed: set[str] = set()
    for name in TABLE_ORDER:
        if name in SHARED_TABLES:
            continue
        rows = _differing_rows(getattr(old, name), getattr(new, name))
        if name == "purchase_orders" and (rows["status"] == "received").any():
            return None
        changed.update(rows["sku"].astype(str))
    return changed


# A forecast override as the engine reads it (`planning.overrides`) and the store returns it
# (`erp.overrides`): the store's `forecast_overrides` rows still in force.
OVERRIDE_COLUMNS: tuple[str, ...] = (
    "id",
    "sku",
    "location_id",
    "start_date",
    "end_date",
    "kind",
    "value",
)


def empty_overrides() -> pd.DataFrame:
    """Return an overrides frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in OVERRIDE_COLUMNS})
