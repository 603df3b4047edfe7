"""Write and read whole network snapshots in the built-in ERP store.

The network tables follow the CSV contract (`planning.network.TABLES`); this module maps them
to the SQL tables in `erp.models` and moves them in bulk (executemany on SQLite, COPY on
PostgreSQL), always inside one transaction so a snapshot is replaced atomically.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Engine, Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from erp import models
from planning.network import TABLE_ORDER, TABLES, NetworkData, coerce_frame

# Contract table name -> SQL table.
SQL_TABLES: dict[str, Table] = {
    "locations": models.Location.__table__,  # type: ignore[dict-item]
    "lanes": models.Lane.__table__,  # type: ignore[dict-item]
    "suppliers": models.Supplier.__table__,  # type: ignore[dict-item]
    "items": models.Item.__table__,  # type: ignore[dict-item]
    "item_suppliers": models.ItemSupplier.__table__,  # type: ignore[dict-item]
    "inventory": models.InventoryBalance.__table__,  # type: ignore[dict-item]
    "sales": models.DailySale.__table__,  # type: ignore[dict-item]
    "purchase_orders": models.PurchaseOrder.__table__,  # type: ignore[dict-item]
    "transfers": models.Transfer.__table__,  # type: ignore[dict-item]
    "promotions": models.Promotion.__table__,  # type: ignore[dict-item]
    "inventory_history": models.InventoryHistory.__table__,  # type: ignore[dict-item]
}
# Tables big enough that PostgreSQL checks their foreign keys set-wise after loading.
SET_CHECKED_TABLES = frozenset({"sales"})
# Contract column -> SQL column, where they differ.
RENAMES: dict[str, dict[str, str]] = {"item_suppliers": {"primary": "is_primary"}}


@dataclass(frozen=True)
class SnapshotSummary:
    """What a snapshot write put into the store."""

    import_id: int
    as_of: date | None
    row_counts: dict[str, int]


def _sql_columns(table: str) -> list[str]:
    renames = RENAMES.get(table, {})
    return [renames.get(c, c) for c in TABLES[table].column_names]


def _to_sql_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with SQL column names and None for empty optional values."""
    out = df.rename(columns=RENAMES.get(table, {})).copy()
    if table == "locations":
        out["source_location"] = out["source_location"].replace("", None)
    return out


def _rows(df: pd.DataFrame, *, iso_dates: bool) -> list[tuple[Any, ...]]:
    """Return plain Python tuples (NaN as None) for a DBAPI executemany.

    With `iso_dates`, dates are passed as `YYYY-MM-DD` text (how SQLAlchemy stores a Date on
    SQLite), which avoids the driver's per-value date adapter.
    """
    cols: list[Sequence[Any]] = []
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            if iso_dates:
                cols.append(s.dt.strftime("%Y-%m-%d").tolist())
            else:
                cols.append([d.date() for d in s.dt.to_pydatetime()])
        elif pd.api.types.is_float_dtype(s):
            arr = s.to_numpy(dtype=object)
            arr[s.isna().to_numpy()] = None
            cols.append(arr.tolist())
        elif pd.api.types.is_bool_dtype(s):
            cols.append(s.astype(bool).tolist())
        elif pd.api.types.is_integer_dtype(s):
            cols.append(s.astype(np.int64).tolist())
        else:
            cols.append(s.astype(object).where(s.notna(), None).tolist())
    return list(zip(*cols, strict=True))


def _copy_text(df: pd.DataFrame) -> str:
    """Render the frame as CSV for PostgreSQL COPY (NULL written as a backslash-N)."""
    out = df.copy()
    for name in out.columns:
        s = out[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[name] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            out[name] = np.where(s.to_numpy(), "true", "false")
    buf = io.StringIO()
    out.to_csv(buf, header=False, index=False, na_rep="\\N", float_format="%.17g")
    return buf.getvalue()


def _copy_csv(df: pd.DataFrame) -> tuple[bytes, str]:
    """Render the frame as CSV for PostgreSQL COPY; return it and the COPY's NULL marker.

    Arrow's C++ writer (dates as `YYYY-MM-DD`, floats in their shortest exact form, every text
    value quoted, NULL as an unquoted empty field) is several times faster than pandas' on the
    millions of sales rows of a large network; a frame Arrow cannot type falls back to pandas.
    Columns chunked differently (pandas' Arrow-backed text concatenated from pieces, an empty
    one included) are made one chunk each first: Arrow's writer renders such a table's rows
    from the wrong memory (NUL bytes or another table's values).
    """
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
        if any(column.num_chunks > 1 for column in table.columns):
            table = table.combine_chunks()
        for i, field in enumerate(table.schema):
            if pa.types.is_timestamp(field.type) or pa.types.is_date64(field.type):
                table = table.set_column(i, field.name, table.column(i).cast(pa.date32()))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return _copy_text(df).encode(), "\\N"
    buf = io.BytesIO()
    pa_csv.write_csv(table, buf, pa_csv.WriteOptions(include_header=False))
    return buf.getvalue(), ""


def _bulk_insert(conn: Connection, table: Table, df: pd.DataFrame) -> None:
    if df.empty:
        return
    columns = list(df.columns)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if conn.dialect.name == "postgresql":
        cols = ", ".join(f'"{c}"' for c in columns)
        body, null = _copy_csv(df)
        sql = f"COPY {table.name} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '{null}')"
        with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]
            copy.write(body)
        return
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        cur = dbapi.cursor()
        cur.executemany(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
            _rows(df, iso_dates=True),
        )
        cur.close()
        return
    rows = _rows(df, iso_dates=False)
    conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])


def _insert_then_check_keys(conn: Connection, table: Table, df: pd.DataFrame) -> None:
    """Load a large table without per-row foreign-key triggers, then validate them at once.

    PostgreSQL checks a foreign key added to a filled table with one anti-join, much faster than
    a trigger per row; the DDL is part of the transaction, so a bad key still aborts it all.
    """
    fks = list(table.foreign_key_constraints)
    for fk in fks:
        conn.execute(DropConstraint(fk))
    _bulk_insert(conn, table, df)
    for fk in fks:
        conn.execute(AddConstraint(fk))


def _delete_snapshot(conn: Connection) -> None:
    children_first = [SQL_TABLES[name] for name in reversed(TABLE_ORDER)]
    if conn.dialect.name == "postgresql":
        conn.execute(text("TRUNCATE " + ", ".join(t.name for t in children_first)))
        return
    conn.execute(update(SQL_TABLES["locations"]).values(source_location=None))
    for table in children_first:
        conn.execute(table.delete())


def _write_tables(
    conn: Connection, data: NetworkData, names: Sequence[str], *, keys_checked_later: bool
) -> None:
    """Insert `names` of `data` (contract order); big tables check their keys set-wise.

    With `keys_checked_later`, the caller has dropped the big tables' keys and adds them back.
    """
    frames = data.frames()
    for name in names:
        frame = _to_sql_frame(name, frames[name])
        if name == "locations":
            # Sources first would need a topological order; insert, then link.
            _bulk_insert(conn, SQL_TABLES[name], frame.assign(source_location=None))
            links = frame.dropna(subset=["source_location"])
            if len(links):
                loc = SQL_TABLES[name]
                conn.execute(
                    update(loc)
                    .where(loc.c.location_id == bindparam("lid"))
                    .values(source_location=bindparam("src")),
                    [
                        {"lid": lid, "src": src}
                        for lid, src in zip(
                            links["location_id"], links["source_location"], strict=True
                        )
                    ],
                )
            continue
        if (
            name in SET_CHECKED_TABLES
            and conn.dialect.name == "postgresql"
            and not keys_checked_later
        ):
            _insert_then_check_keys(conn, SQL_TABLES[name], frame)
        else:
            _bulk_insert(conn, SQL_TABLES[name], frame)


def _record_import(
    conn: Connection, source: str, as_of: date | None, counts: dict[str, int]
) -> int:
    snap: Table = models.SnapshotImport.__table__  # type: ignore[assignment]
    import_id = conn.execute(
        snap.insert()
        .values(source=source[:500], as_of_date=as_of, row_counts=json.dumps(counts))
        .returning(snap.c.id)
    ).scalar_one()
    return int(import_id)


def replace_snapshot(
    engine: Engine,
    data: NetworkData,
    *,
    source: str,
    within: Callable[[Connection, int], None] | None = None,
) -> SnapshotSummary:
    """Replace every network table with `data` in one transaction (all or nothing).

    `within(conn, import_id)` runs last inside that transaction (a plan run carried over to the
    new import commits with it).
    """
    counts = {name: len(df) for name, df in data.frames().items()}
    as_of = data.as_of if counts["inventory"] or counts["sales"] else None
    with engine.begin() as conn:
        _delete_snapshot(conn)
        _write_tables(conn, data, TABLE_ORDER, keys_checked_later=False)
        import_id = _record_import(conn, source, as_of, counts)
        if within is not None:
            within(conn, import_id)
    return SnapshotSummary(import_id=import_id, as_of=as_of, row_counts=counts)


# Tables every block of a network carries whole (written once, from the first block).
SHARED_TABLES = ("locations", "lanes", "suppliers")


def replace_snapshot_blocks(
    engine: Engine,
    blocks: Iterable[NetworkData],
    *,
    source: str,
    on_block: Callable[[dict[str, int]], None] | None = None,
) -> SnapshotSummary:
    """Replace the snapshot with the union of `blocks`, disjoint SKU blocks of one network.

    One transaction, all or nothing, holding one block in memory at a time (`blocks` may be a
    generator). The first block's locations, lanes and suppliers are written; every block's
    other tables are appended (COPY on PostgreSQL). On PostgreSQL the sales table's primary key
    and foreign keys are dropped for the load and added back once at the end: one index build
    and one anti-join per key instead of a B-tree insert and a trigger per row. `on_block` is
    called after each block with its row counts (progress).
    """
    counts = dict.fromkeys(TABLE_ORDER, 0)
    as_of: date | None = None
    sales: Table = SQL_TABLES["sales"]
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        _delete_snapshot(conn)
        keys = list(sales.foreign_key_constraints)
        if postgres:
            assert sales.primary_key.name is not None
            keys.insert(0, sales.primary_key)  # type: ignore[arg-type]
            for key in keys:
                conn.execute(DropConstraint(key))
        first = True
        for data in blocks:
            names = TABLE_ORDER if first else [n for n in TABLE_ORDER if n not in SHARED_TABLES]
            _write_tables(conn, data, names, keys_checked_later=True)
            block_counts = {name: len(data.frames()[name]) for name in names}
            for name, n in block_counts.items():
                counts[name] += n
            if block_counts.get("inventory") or block_counts.get("sales"):
                as_of = max(as_of, data.as_of) if as_of else data.as_of
            first = False
            if on_block is not None:
                on_block(block_counts)
        if postgres:
            # One sort of the whole sales table: in memory rather than in many temporary runs.
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            for key in keys:
                conn.execute(AddConstraint(key))
        import_id = _record_import(conn, source, as_of, counts)
    if postgres:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE " + ", ".join(t.name for t in SQL_TABLES.values())))
            conn.commit()
    return SnapshotSummary(import_id=import_id, as_of=as_of, row_counts=counts)


def _arrow_type(kind: str, required: bool) -> pa.DataType:
    if kind == "int":
        return pa.int64() if required else pa.float64()  # a missing int reads as NaN
    return {"str": pa.string(), "float": pa.float64(), "date": pa.date32(), "bool": pa.bool_()}[
        kind
    ]


def _copy_out(dbapi: Any, sql: str, table: str) -> pd.DataFrame:
    """Run `sql` through PostgreSQL COPY TO STDOUT and parse the CSV with Arrow's reader.

    Arrow parses the bytes and the dates in C++ (about 3x less client CPU than `pandas.read_csv`
    with the dates cast afterwards: benchmarks/bench_copy_read.py); text stays text (a NULL or
    an empty string both read as ""), a missing number or date as NaN / NaT.
    """
    buf = io.BytesIO()
    with dbapi.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for chunk in copy:
            buf.write(chunk)
    return parse_copy_csv(buf.getvalue(), table)


def parse_copy_csv(raw: bytes, table: str) -> pd.DataFrame:
    """Return the rows of PostgreSQL's COPY CSV output of `table`'s contract columns."""
    columns = TABLES[table].columns
    names = [c.name for c in columns]
    if not raw:
        return pd.DataFrame({n: [] for n in names})
    parsed = pa_csv.read_csv(
        pa.BufferReader(raw),
        read_options=pa_csv.ReadOptions(column_names=names),
        convert_options=pa_csv.ConvertOptions(
            column_types={c.name: _arrow_type(c.kind, c.required) for c in columns},
            strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )
    return parsed.to_pandas(date_as_object=False)


def _literal(value: str) -> str:
    """Return `value` as an SQL string literal (quotes doubled; both dialects' standard)."""
    return "'" + value.replace("'", "''") + "'"


def _read_frame(
    conn: Connection,
    table: str,
    *,
    sales_since: date | None = None,
    sku_range: tuple[str, str] | None = None,
    where: str = "",
) -> pd.DataFrame:
    """Read one table in contract form, through the raw driver for speed (sales is millions).

    `sku_range` (first, last; inclusive, in the store's order) reads only those SKUs' rows of
    a table with a `sku` column, through its SKU-leading index; `where` adds a condition.
    """
    sql_table = SQL_TABLES[table]
    names = TABLES[table].column_names
    select_list = ", ".join(f'"{c}"' for c in _sql_columns(table))
    conditions = [where] if where else []
    if table in ("sales", "inventory_history") and sales_since is not None:
        conditions.append(f"date >= '{sales_since.isoformat()}'")  # a date: no injection
    if sku_range is not None and "sku" in names:
        first, last = sku_range
        conditions.append(f"sku >= {_literal(first)} AND sku <= {_literal(last)}")
    clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT {select_list} FROM {sql_table.name}{clause}"
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if conn.dialect.name == "postgresql":
        df = _copy_out(dbapi, sql, table)
    elif conn.dialect.name == "sqlite":
        cur = dbapi.cursor()
        rows = cur.execute(sql).fetchall()
        cur.close()
        df = pd.DataFrame(rows, columns=names) if rows else pd.DataFrame({n: [] for n in names})
    else:
        rows = [tuple(r) for r in conn.execute(text(sql)).fetchall()]
        df = pd.DataFrame(rows, columns=names) if rows else pd.DataFrame({n: [] for n in names})
    return coerce_frame(table, df)


def load_network(engine: Engine, *, sales_since: date | None = None) -> NetworkData:
    """Read the whole network snapshot (sales from `sales_since` on, when given)."""
    with engine.connect() as conn:
        return NetworkData.from_frames(
            {name: _read_frame(conn, name, sales_since=sales_since) for name in TABLE_ORDER}
        )


def load_skus(
    engine: Engine,
    first: str,
    last: str,
    *,
    sales_since: date | None = None,
    with_sales: bool = True,
) -> NetworkData:
    """Read the SKUs `first`..`last` (inclusive, in the store's order) with all they plan with.

    Their rows of every table with a SKU (sales from `sales_since` on; none without
    `with_sales`), and all the locations, lanes and suppliers: a partition of the network by
    SKU, read by indexed range scans.
    """
    names = [n for n in TABLE_ORDER if with_sales or n != "sales"]
    with engine.connect() as conn:
        return NetworkData.from_frames(
            {
                name: _read_frame(conn, name, sales_since=sales_since, sku_range=(first, last))
                for name in names
            }
        )


def load_supplier_history(engine: Engine) -> NetworkData:
    """Read what suppliers' lateness is learned from: suppliers, SKU terms, received POs."""
    with engine.connect() as conn:
        return NetworkData.from_frames(
            {
                "suppliers": _read_frame(conn, "suppliers"),
                "item_suppliers": _read_frame(conn, "item_suppliers"),
                "purchase_orders": _read_frame(
                    conn, "purchase_orders", where="status = 'received'"
                ),
            }
        )


def latest_import(engine: Engine) -> models.SnapshotImport | None:
    """Return the record of the snapshot in the store, or None when it was never loaded."""
    snap = models.SnapshotImport
    with Session(engine, expire_on_commit=False) as session:
        return session.scalars(select(snap).order_by(snap.id.desc()).limit(1)).first()


def is_empty(engine: Engine) -> bool:
    """Return True when the store holds no locations and no items."""
    with engine.connect() as conn:
        n_loc = conn.execute(select(func.count()).select_from(models.Location)).scalar_one()
        n_items = conn.execute(select(func.count()).select_from(models.Item)).scalar_one()
    return n_loc == 0 and n_items == 0


def snapshot_as_of(engine: Engine) -> date | None:
    """Return the latest inventory date in the store (the snapshot date), or None."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(models.InventoryBalance.as_of_date))).scalar_one()
    return value


def load_series(
    engine: Engine, sku: str, location_id: str, *, since: date | None = None
) -> pd.DataFrame:
    """Read the daily sales of one SKU-location (contract columns), oldest first."""
    sales = SQL_TABLES["sales"]
    stmt = select(sales.c.date, sales.c.sku, sales.c.location_id, sales.c.units).where(
        sales.c.sku == sku, sales.c.location_id == location_id
    )
    if since is not None:
        stmt = stmt.where(sales.c.date >= since)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt.order_by(sales.c.date)).fetchall()]
    return coerce_frame(
        "sales",
        pd.DataFrame(rows, columns=TABLES["sales"].column_names)
        if rows
        else pd.DataFrame({c: [] for c in TABLES["sales"].column_names}),
    )


def daily_sales(
    engine: Engine, sku: str, location_ids: list[str], *, start: date, end: date
) -> dict[date, float]:
    """Return the units of `sku` sold per day at `location_ids` together, start..end (sold days)."""
    sales = SQL_TABLES["sales"]
    stmt = (
        select(sales.c.date, func.sum(sales.c.units))
        .where(sales.c.sku == sku, sales.c.location_id.in_(location_ids))
        .where(sales.c.date >= start, sales.c.date <= end)
        .group_by(sales.c.date)
    )
    with engine.connect() as conn:
        return {pd.Timestamp(d).date(): float(u) for d, u in conn.execute(stmt)}


def on_hand(engine: Engine, sku: str, location_id: str) -> int | None:
    """Return the on-hand stock of one SKU-location now (None when there is no balance row)."""
    bal = SQL_TABLES["inventory"]
    with engine.connect() as conn:
        value = conn.execute(
            select(bal.c.on_hand).where(bal.c.sku == sku, bal.c.location_id == location_id)
        ).scalar_one_or_none()
    return None if value is None else int(value)


def snapshot_version(engine: Engine) -> tuple[str, int]:
    """Return what a plan of the store depends on: the import record and the ERP commit mark.

    The import record (id, time, source, row counts) is "" when nothing was ever imported; the
    mark is the last connector ledger row's number (`ledger_mark`). One connection, two
    index-only queries.
    """
    snap = models.SnapshotImport
    latest = (
        select(snap.id, snap.imported_at, snap.source, snap.row_counts)
        .order_by(snap.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        last = conn.execute(latest).first()
        commits = conn.execute(_LAST_COMMIT).scalar_one()
    return ("|".join(str(v) for v in last) if last else ""), int(commits)


_LEDGER: Table = models.ErpCommit.__table__  # type: ignore[assignment]
_LAST_COMMIT = select(func.coalesce(func.max(_LEDGER.c.seq), 0))


def append_commit(conn: Connection, **values: Any) -> None:
    """Insert a connector ledger row, numbered after every commit that landed before it.

    PostgreSQL would hand out numbers (and `created_at`) when rows are inserted, not when they
    commit: an ERP write numbered 7 could commit while 6 is still open, and a plan caught up
    to 7 would never see 6. The table's write lock (readers pass) makes writers take turns until
    they commit, so `max + 1` grows in commit order. SQLite's one writer does the same already.
    A writer racing on the same idempotency key waits here, then fails on the key.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE erp_commits IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(_LEDGER.insert().values(seq=_LAST_COMMIT.scalar_subquery() + 1, **values))


def ledger_size(engine: Engine) -> int:
    """Return how many documents the connector's ledger holds (every write ever made)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_LEDGER)).scalar_one())


def ledger_mark(engine: Engine) -> int:
    """Return the number of the latest ERP commit in the connector's ledger, 0 for none.

    Numbers grow in commit order (`append_commit`), so a plan that includes every commit up to
    this mark re-plans exactly the SKUs of the commits numbered above it later.
    """
    with engine.connect() as conn:
        return int(conn.execute(_LAST_COMMIT).scalar_one())


def commit_times(engine: Engine, document_ids: Sequence[str]) -> dict[str, datetime]:
    """Return when the connector's ledger recorded each document (UTC); unknown ids are left out."""
    if not document_ids:
        return {}
    table = models.ErpCommit
    with engine.connect() as conn:
        rows = conn.execute(
            select(table.document_id, table.created_at).where(
                table.document_id.in_(list(document_ids))
            )
        ).all()
    return {
        doc: at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        for doc, at in rows
        if at is not None
    }


# --- targeted reads (what one answer needs, not the whole snapshot) -----------------------------


def sku_exists(engine: Engine, sku: str) -> bool:
    """Return True when the item master holds `sku` (a primary-key lookup)."""
    with engine.connect() as conn:
        found = conn.execute(select(models.Item.sku).where(models.Item.sku == sku)).first()
    return found is not None


def location_exists(engine: Engine, location_id: str) -> bool:
    """Return True when the store holds the location `location_id` (a primary-key lookup)."""
    loc = models.Location
    with engine.connect() as conn:
        found = conn.execute(select(loc.location_id).where(loc.location_id == location_id)).first()
    return found is not None


def skus_in_category(engine: Engine, category: str) -> set[str]:
    """Return the SKUs of one item category."""
    with engine.connect() as conn:
        rows = conn.execute(select(models.Item.sku).where(models.Item.category == category))
        return {str(r[0]) for r in rows}


def load_sku_reference(engine: Engine, sku: str) -> NetworkData:
    """Read one SKU's master data, stock and open supply without sales.

    All the locations, lanes and suppliers, and the SKU's own rows of every other table (its
    item, sourcing terms, inventory, purchase orders, transfers, promotions): what checking or
    explaining one SKU needs, read by indexed lookups whatever the network's size.
    """
    with engine.connect() as conn:
        frames = {
            name: _read_frame(conn, name, sku_range=(sku, sku), where="1 = 0")
            if name in ("sales", "inventory_history")
            else _read_frame(conn, name, sku_range=(sku, sku))
            for name in TABLE_ORDER
        }
    return NetworkData.from_frames(frames)


ORDER_REFERENCE_TABLES = ("locations", "lanes", "suppliers", "items", "item_suppliers")


def load_order_reference(engine: Engine, skus: Collection[str]) -> NetworkData:
    """Read what routine orders need for `skus`: their items and terms, the lanes and suppliers.

    All the locations, lanes and suppliers (a few per location or supplier), and the items and
    item-supplier terms of `skus` alone, read by the SKU-leading index over their range (the
    rest empty): what `planning.replenish.plan_orders` needs for one part of the network.
    """
    wanted = sorted(set(skus))
    with engine.connect() as conn:
        frames = {
            name: _read_frame(
                conn,
                name,
                sku_range=(wanted[0], wanted[-1]) if wanted else None,
                where="" if wanted or name not in ("items", "item_suppliers") else "1 = 0",
            )
            if name in ORDER_REFERENCE_TABLES
            else _read_frame(conn, name, where="1 = 0")
            for name in TABLE_ORDER
        }
    for name in ("items", "item_suppliers"):
        frames[name] = frames[name][frames[name]["sku"].isin(wanted)].reset_index(drop=True)
    return NetworkData.from_frames(frames)


ENTITY_TABLES = ("items", "locations", "suppliers")


def load_entities(engine: Engine) -> NetworkData:
    """Read the snapshot's named things only: items, locations, suppliers (the rest empty).

    What resolving a planner's words to ids needs: the master tables (one row per SKU, location
    or supplier), not the stock, open supply or promotions of every SKU-location.
    """
    with engine.connect() as conn:
        frames = {
            name: _read_frame(conn, name)
            if name in ENTITY_TABLES
            else _read_frame(conn, name, where="1 = 0")
            for name in TABLE_ORDER
        }
    return NetworkData.from_frames(frames)


@dataclass(frozen=True)
class OpenOrders:
    """Open purchase-order lines per supplier, and the oldest late lines of each."""

    per_supplier: dict[str, tuple[int, float, int]]  # supplier: (lines, units, late lines)
    late: pd.DataFrame  # po_id, supplier_id, sku, location_id, qty, expected_date


def open_purchase_orders(
    engine: Engine,
    as_of: date,
    *,
    supplier_ids: Sequence[str] | None = None,
    sku: str | None = None,
    late_per_supplier: int = 20,
) -> OpenOrders:
    """Summarise open PO lines per supplier (of `sku` only, when given), aggregated in SQL.

    A line is late when its expected date is on or before `as_of`; `late` holds the
    `late_per_supplier` oldest late lines of each supplier (by expected date, then PO id).
    """
    po = SQL_TABLES["purchase_orders"]
    conditions = [po.c.status == "open"]
    if supplier_ids is not None:
        conditions.append(po.c.supplier_id.in_(list(supplier_ids)))
    if sku is not None:
        conditions.append(po.c.sku == sku)
    late = po.c.expected_date <= as_of
    totals = (
        select(
            po.c.supplier_id,
            func.count(),
            func.coalesce(func.sum(po.c.qty), 0),
            func.count().filter(late),
        )
        .where(*conditions)
        .group_by(po.c.supplier_id)
    )
    rank = (
        func.row_number()
        .over(partition_by=po.c.supplier_id, order_by=(po.c.expected_date, po.c.po_id, po.c.id))
        .label("rank")
    )
    ranked = (
        select(
            po.c.po_id,
            po.c.supplier_id,
            po.c.sku,
            po.c.location_id,
            po.c.qty,
            po.c.expected_date,
            rank,
        )
        .where(*conditions, late)
        .subquery()
    )
    oldest = (
        select(*(c for c in ranked.c if c.name != "rank"))
        .where(ranked.c.rank <= late_per_supplier)
        .order_by(ranked.c.supplier_id, ranked.c.rank)
    )
    with engine.connect() as conn:
        per_supplier = {str(s): (int(n), float(u), int(k)) for s, n, u, k in conn.execute(totals)}
        rows = [tuple(r) for r in conn.execute(oldest)]
    columns = ["po_id", "supplier_id", "sku", "location_id", "qty", "expected_date"]
    frame = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    frame["expected_date"] = pd.to_datetime(frame["expected_date"])
    return OpenOrders(per_supplier, frame)


def load_suppliers(engine: Engine) -> pd.DataFrame:
    """Read the supplier master (contract columns; one row per supplier)."""
    with engine.connect() as conn:
        return _read_frame(conn, "suppliers")


SUPPLY_LINE_COLUMNS = (
    "kind",
    "doc_id",
    "sku",
    "location_id",
    "supplier_id",
    "from_location",
    "qty",
    "expected_date",
)


@dataclass(frozen=True)
class OpenSupply:
    """Open supply lines of a scope: totals per kind, and the lines that can arrive soonest."""

    totals: dict[str, tuple[int, float]]  # kind ("purchase_order", "transfer"): (lines, units)
    lines: pd.DataFrame  # SUPPLY_LINE_COLUMNS; every line due by T + 1, and the next ones


def open_supply_lines(
    engine: Engine,
    as_of: date,
    *,
    sku: str | None = None,
    location: str | None = None,
    supplier_id: str | None = None,
    until: date | None = None,
    soonest: int = 50,
) -> OpenSupply:
    """Read the open POs and in-transit transfers of a SKU / location / supplier (or all).

    A transfer counts at its destination; with a supplier only its POs count. Totals are
    aggregated in SQL. The lines read are those that can be among the `soonest` arrivals,
    whatever their planned arrival day: every line expected by T + 1 (late POs arrive after
    a supplier-dependent delay, late transfers on day 1) and the next `soonest` of each kind by
    expected date. A network's answer reads a bounded number of rows, not all its orders.
    `until` keeps the lines expected on or before that day (totals included).
    """
    po, tr = SQL_TABLES["purchase_orders"], SQL_TABLES["transfers"]
    kinds: list[tuple[str, Any, Any, list[Any]]] = []
    po_where = [po.c.status == "open"]
    po_where += [] if sku is None else [po.c.sku == sku]
    po_where += [] if location is None else [po.c.location_id == location]
    po_where += [] if supplier_id is None else [po.c.supplier_id == supplier_id]
    po_where += [] if until is None else [po.c.expected_date <= until]
    po_cols = [
        po.c.po_id.label("doc_id"),
        po.c.sku,
        po.c.location_id,
        po.c.supplier_id,
        text("'' AS from_location"),
        po.c.qty,
        po.c.expected_date,
    ]
    kinds.append(("purchase_order", po, po_cols, po_where))
    if supplier_id is None:
        tr_where = [tr.c.status == "in_transit"]
        tr_where += [] if sku is None else [tr.c.sku == sku]
        tr_where += [] if location is None else [tr.c.to_location == location]
        tr_where += [] if until is None else [tr.c.expected_date <= until]
        tr_cols = [
            tr.c.transfer_id.label("doc_id"),
            tr.c.sku,
            tr.c.to_location.label("location_id"),
            text("'' AS supplier_id"),
            tr.c.from_location,
            tr.c.qty,
            tr.c.expected_date,
        ]
        kinds.append(("transfer", tr, tr_cols, tr_where))
    due = as_of + timedelta(days=1)
    totals: dict[str, tuple[int, float]] = {"purchase_order": (0, 0.0), "transfer": (0, 0.0)}
    frames = []
    with engine.connect() as conn:
        for kind, table, cols, where in kinds:
            n, units = conn.execute(
                select(func.count(), func.coalesce(func.sum(table.c.qty), 0)).where(*where)
            ).one()
            totals[kind] = (int(n), float(units))
            doc = cols[0].element
            for stmt in (
                select(*cols).where(*where, table.c.expected_date <= due),
                select(*cols)
                .where(*where, table.c.expected_date > due)
                .order_by(table.c.expected_date, doc, table.c.id)
                .limit(soonest),
            ):
                rows = [tuple(r) for r in conn.execute(stmt)]
                frames.append(
                    pd.DataFrame(rows, columns=list(SUPPLY_LINE_COLUMNS[1:])).assign(kind=kind)
                )
    lines = pd.concat(frames, ignore_index=True)[list(SUPPLY_LINE_COLUMNS)]
    lines["qty"] = lines["qty"].astype(float)
    lines["expected_date"] = pd.to_datetime(lines["expected_date"])
    return OpenSupply(totals, lines)


def load_lanes(engine: Engine) -> pd.DataFrame:
    """Read the transfer lanes (contract columns; a few per location, not per SKU)."""
    with engine.connect() as conn:
        return _read_frame(conn, "lanes")


def supplier_item_terms(engine: Engine, supplier_id: str) -> pd.DataFrame:
    """Read a supplier's item terms (its `item_suppliers` rows, contract form), by SKU."""
    with engine.connect() as conn:
        found = _read_frame(conn, "item_suppliers", where=f"supplier_id = {_literal(supplier_id)}")
    return found.sort_values("sku", kind="stable").reset_index(drop=True)
