"""A partition's sales read from PostgreSQL: COPY's CSV parsed by pandas vs by Arrow's reader.

`load_skus` reads each table of a SKU range with `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)`,
parses the bytes (`erp.store._copy_out`) and casts them to the contract dtypes (`coerce_frame`).
This times, for each partition of a small generated store, side by side in one process
(repeated): fetching the COPY bytes; parsing them with pandas then casting (the former parse);
parsing them with Arrow's reader, dates parsed by Arrow (`erp.store.parse_copy_csv`, today's),
then casting; and the whole read as the store does it (`load`). It checks both parses give the
same frame. Figures: medians per partition, and the load average.

Usage: python benchmarks/bench_copy_read.py --database-url postgresql+psycopg://... [--stores N]
       [--skus N] [--days N] [--partitions N] [--repeats N] [--skip-generate]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import time
from datetime import timedelta
from typing import Any

import pandas as pd

from erp import plan_store
from erp.db import make_engine, migrate
from erp.demo import generate_demo
from erp.store import (
    SQL_TABLES,
    _copy_out,
    _literal,
    _sql_columns,
    parse_copy_csv,
    replace_snapshot,
    snapshot_as_of,
)
from planning.network import TABLES, coerce_frame
from planning.params import PlanParams


def _sql(first: str, last: str, since: Any) -> str:
    cols = ", ".join(f'"{c}"' for c in _sql_columns("sales"))
    return (
        f"SELECT {cols} FROM {SQL_TABLES['sales'].name} WHERE date >= '{since.isoformat()}'"
        f" AND sku >= {_literal(first)} AND sku <= {_literal(last)}"
    )


def _fetch(dbapi: Any, sql: str) -> bytes:
    buf = io.BytesIO()
    with dbapi.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for chunk in copy:
            buf.write(chunk)
    return buf.getvalue()


def _pandas(raw: bytes) -> pd.DataFrame:
    """Parse as the store did before: `pandas.read_csv`, dates cast by `coerce_frame`."""
    columns = TABLES["sales"].columns
    names = [c.name for c in columns]
    numeric = [c.name for c in columns if c.kind in ("int", "float")]
    df = pd.read_csv(
        io.BytesIO(raw),
        names=names,
        header=None,
        dtype={c.name: str for c in columns if c.name not in numeric},
        keep_default_na=False,
        na_values={n: [""] for n in numeric},
    )
    return coerce_frame("sales", df)


def _arrow(raw: bytes) -> pd.DataFrame:
    return coerce_frame("sales", parse_copy_csv(raw, "sales"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database-url", required=True, help="a PostgreSQL store (it is replaced)")
    ap.add_argument("--stores", type=int, default=10)
    ap.add_argument("--skus", type=int, default=150)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-generate", action="store_true")
    args = ap.parse_args()
    engine = make_engine(args.database_url)
    migrate(engine)
    if not args.skip_generate:
        started = time.perf_counter()
        demo = generate_demo(seed=7, stores=args.stores, skus=args.skus, days=args.days)
        replace_snapshot(engine, demo.data, source="bench")
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    as_of = snapshot_as_of(engine)
    assert as_of is not None
    params = PlanParams()
    since = as_of - timedelta(params.history_days + params.bias_window_days)
    parts = plan_store.split_by_weight(plan_store.sku_weights(engine), args.partitions)
    rows = []
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        for i, part in enumerate(p for p in parts if p):
            sql = _sql(part[0][0], part[-1][0], since)
            times: dict[str, list[float]] = {"fetch": [], "pandas": [], "arrow": [], "load": []}
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                raw = _fetch(dbapi, sql)
                t1 = time.perf_counter()
                a = _pandas(raw)
                t2 = time.perf_counter()
                b = _arrow(raw)
                t3 = time.perf_counter()
                coerce_frame("sales", _copy_out(dbapi, sql, "sales"))
                t4 = time.perf_counter()
                times["fetch"].append(t1 - t0)
                times["pandas"].append(t2 - t1)
                times["arrow"].append(t3 - t2)
                times["load"].append(t4 - t3)
            pd.testing.assert_frame_equal(a, b)
            med = {k: round(statistics.median(v), 3) for k, v in times.items()}
            rows.append({"partition": i, "rows": len(a), "mb": round(len(raw) / 1e6, 1), **med})
            print(json.dumps(rows[-1]), flush=True)
    pandas_s = sum(r["pandas"] for r in rows)
    arrow_s = sum(r["arrow"] for r in rows)
    print(
        json.dumps(
            {
                "rows": sum(r["rows"] for r in rows),
                "fetch_s": round(sum(r["fetch"] for r in rows), 3),
                "parse_pandas_s": round(pandas_s, 3),
                "parse_arrow_s": round(arrow_s, 3),
                "ratio_pandas_over_arrow": round(pandas_s / arrow_s, 2),
                "loadavg": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
