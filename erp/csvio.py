"""Read and write the CSV interchange format: one folder, one file per table, ISO dates.

`read_csv_dir` validates every file completely before returning anything, so a caller that
writes only after it returns never writes a partly valid snapshot. Each problem is reported
with its file, line (the header is line 1) and field.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planning.network import (
    FIRST_DATE,
    LAST_DATE,
    TABLE_ORDER,
    TABLES,
    Column,
    NetworkData,
    Table,
)

# Tables a snapshot cannot do without; the others are empty when their file is absent.
REQUIRED_FILES = ("locations", "items", "suppliers", "item_suppliers", "inventory", "sales")
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f"})
MAX_REPORTED = 50


@dataclass(frozen=True)
class RowError:
    """One problem in one field of one line of one file."""

    file: str
    line: int
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" (got {self.value!r})" if self.value else ""
        return f"{self.file}, line {self.line}, field '{self.field}': {self.message}{shown}"


class ImportValidationError(ValueError):
    """Raised when a CSV folder does not satisfy the interchange contract."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        lines = [str(e) for e in errors[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more problems")
        super().__init__(f"{self.total} problem(s) in the import:\n" + "\n".join(lines))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add_mask(
        self, file: str, field: str, mask: np.ndarray, values: pd.Series, message: str
    ) -> None:
        """Record one error per True position of `mask` (line = position + 2)."""
        idx = np.flatnonzero(mask)
        self.total += len(idx)
        room = MAX_REPORTED * 4 - len(self.errors)
        for i in idx[: max(room, 0)]:
            self.errors.append(RowError(file, int(i) + 2, field, message, str(values.iloc[i])))

    def add(self, err: RowError) -> None:
        self.total += 1
        self.errors.append(err)


def _parse_column(
    col: Column, raw: pd.Series, file: str, errs: _Collector
) -> tuple[pd.Series, np.ndarray]:
    """Parse one text column; return the values and a mask of rows that are valid."""
    empty = (raw == "").to_numpy()
    ok = np.ones(len(raw), dtype=bool)
    if col.required:
        errs.add_mask(file, col.name, empty, raw, "is required")
        ok &= ~empty
    values: pd.Series
    if col.kind == "str":
        long = (raw.str.len() > col.max_length).to_numpy()
        errs.add_mask(file, col.name, long, raw, f"is longer than {col.max_length} characters")
        nul = raw.str.contains("\x00", regex=False).to_numpy()
        errs.add_mask(file, col.name, nul, raw, "contains a NUL character")
        ok &= ~long & ~nul
        values = raw
    elif col.kind in ("int", "float"):
        num = pd.to_numeric(raw.where(~empty, None), errors="coerce").astype("float64")
        arr = num.to_numpy()
        bad = ~empty & ~np.isfinite(arr)
        errs.add_mask(file, col.name, bad, raw, "is not a number")
        ok &= ~bad
        if col.kind == "int":
            frac = ~empty & ~bad & (np.floor(np.nan_to_num(arr)) != np.nan_to_num(arr))
            errs.add_mask(file, col.name, frac, raw, "is not a whole number")
            ok &= ~frac
        checkable = ~empty & ok
        if col.min_value is not None:
            low = checkable & (np.nan_to_num(arr) < col.min_value)
            msg = (
                "must not be negative"
                if col.min_value == 0
                else f"must be at least {_number(col.min_value)}"
            )
            errs.add_mask(file, col.name, low, raw, msg)
            ok &= ~low
        if col.max_value is not None:
            high = checkable & (np.nan_to_num(arr) > col.max_value)
            errs.add_mask(file, col.name, high, raw, f"must be at most {_number(col.max_value)}")
            ok &= ~high
        values = num
    elif col.kind == "date":
        # A well-formed ISO date compares as text; out of range ones never reach pandas.
        iso = raw.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy()
        first, last = FIRST_DATE.isoformat(), LAST_DATE.isoformat()
        far = ~empty & iso & ((raw < first) | (raw > last)).to_numpy()
        errs.add_mask(file, col.name, far, raw, f"must be between {first} and {last}")
        ok &= ~far
        parsed = pd.to_datetime(raw.where(~empty & ~far, None), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & ~far & (~iso | parsed.isna().to_numpy())
        errs.add_mask(file, col.name, bad, raw, "is not a date in YYYY-MM-DD form")
        ok &= ~bad
        values = parsed
    else:
        low = raw.str.lower()
        truthy = low.isin(TRUE_WORDS).to_numpy()
        bad = ~empty & ~truthy & ~low.isin(FALSE_WORDS).to_numpy()
        errs.add_mask(file, col.name, bad, raw, "is not true or false")
        ok &= ~bad
        values = pd.Series(truthy, index=raw.index)
    if col.choices:
        bad = ~empty & ~raw.isin(col.choices).to_numpy()
        errs.add_mask(file, col.name, bad, raw, "must be one of " + " | ".join(col.choices))
        ok &= ~bad
    return values, ok


def _header(path: Path) -> list[str]:
    """Return the header row's names as written (pandas would rename a repeated one)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [name.strip() for name in next(csv.reader(f), [])]


def _column_label(name: str, positions: list[int]) -> str:
    """Return a header name as a refusal names it: a blank one by its column numbers."""
    if name:
        return name
    return "(blank header, column " + ", ".join(str(i + 1) for i in positions) + ")"


def _has_nul(path: Path, chunk: int = 1 << 24) -> bool:
    """Return whether the file holds a NUL byte anywhere."""
    with path.open("rb") as f:
        while block := f.read(chunk):
            if b"\x00" in block:
                return True
    return False


def _read_table(path: Path, table: Table, errs: _Collector) -> pd.DataFrame | None:
    file = path.name
    try:
        header = _header(path)
        # pandas 2's C parser cuts a field at a NUL byte; the Python parser keeps it for the check.
        engine = "python" if _has_nul(path) else "c"
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            engine=engine,
        )
    except pd.errors.EmptyDataError:
        errs.add(RowError(file, 1, "(header)", "the file is empty: a header row is required"))
        return None
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error, OSError) as exc:
        errs.add(RowError(file, 1, "(file)", f"cannot be read as UTF-8 CSV: {exc}"))
        return None
    repeated = sorted({name for name in header if header.count(name) > 1})
    for name in repeated:
        where = [i for i, n in enumerate(header) if n == name]
        label = _column_label(name, where)
        errs.add(RowError(file, 1, label, "column header appears more than once"))
    if repeated:
        return None
    raw.columns = header
    missing_field = raw.isna()  # a row with fewer fields than the header
    for i in np.flatnonzero(missing_field.any(axis=1).to_numpy())[:MAX_REPORTED]:
        at = int(np.argmax(missing_field.iloc[i].to_numpy()))
        first = _column_label(header[at], [at])
        errs.add(
            RowError(file, int(i) + 2, first, "is missing: the row is shorter than the header")
        )
    if missing_field.any(axis=None):
        return None
    optional = [c.name for c in table.columns if c.header_optional]
    missing = [c for c in table.column_names if c not in raw.columns and c not in optional]
    for name in missing:
        errs.add(RowError(file, 1, name, "missing column"))
    if optional and not any(c in raw.columns for c in optional):
        errs.add(RowError(file, 1, " or ".join(optional), "missing column: one of them is needed"))
        return None
    if missing:
        return None
    for name in optional:
        if name not in raw.columns:
            raw[name] = ""
    parsed: dict[str, pd.Series] = {}
    for col in table.columns:
        values, _ok = _parse_column(col, raw[col.name].str.strip(), file, errs)
        parsed[col.name] = values
    df = pd.DataFrame(parsed)
    dup = df.duplicated(list(table.key), keep="first").to_numpy()
    if dup.any():
        first_line = (
            df.reset_index()
            .groupby(list(table.key), sort=False)["index"]
            .transform("min")
            .to_numpy()
        )
        for i in np.flatnonzero(dup)[:MAX_REPORTED]:
            key = ", ".join(f"{k}={_text(df[k].iloc[i])}" for k in table.key)
            errs.add(
                RowError(
                    file,
                    int(i) + 2,
                    ",".join(table.key),
                    f"duplicate of line {int(first_line[i]) + 2} ({key})",
                )
            )
    return df


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _text(value: object) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)


def _check_refs(
    frames: dict[str, pd.DataFrame],
    table: str,
    field: str,
    target: str,
    target_field: str,
    errs: _Collector,
    *,
    optional: bool = False,
) -> None:
    if table not in frames or target not in frames:
        return
    values = frames[table][field]
    known = set(frames[target][target_field])
    bad = ~values.isin(known).to_numpy()
    if optional:
        bad &= (values != "").to_numpy()
    errs.add_mask(
        f"{table}.csv", field, bad, values, f"unknown {target_field} (not in {target}.csv)"
    )


def _check_rules(frames: dict[str, pd.DataFrame], errs: _Collector) -> None:
    for t, f in (
        ("inventory", "sku"),
        ("sales", "sku"),
        ("purchase_orders", "sku"),
        ("transfers", "sku"),
        ("promotions", "sku"),
        ("item_suppliers", "sku"),
    ):
        _check_refs(frames, t, f, "items", "sku", errs)
    for t, f in (
        ("inventory", "location_id"),
        ("sales", "location_id"),
        ("purchase_orders", "location_id"),
        ("promotions", "location_id"),
        ("lanes", "from_location"),
        ("lanes", "to_location"),
        ("transfers", "from_location"),
        ("transfers", "to_location"),
    ):
        _check_refs(frames, t, f, "locations", "location_id", errs)
    _check_refs(
        frames, "locations", "source_location", "locations", "location_id", errs, optional=True
    )
    for t in ("item_suppliers", "purchase_orders"):
        _check_refs(frames, t, "supplier_id", "suppliers", "supplier_id", errs)

    def pair(table: str, earlier: str, later: str, message: str) -> None:
        if table in frames:
            df = frames[table]
            bad = (df[later] < df[earlier]).to_numpy()
            errs.add_mask(f"{table}.csv", later, bad, df[later].dt.strftime("%Y-%m-%d"), message)

    pair("purchase_orders", "order_date", "expected_date", "is before order_date")
    pair("transfers", "ship_date", "expected_date", "is before ship_date")
    pair("promotions", "start_date", "end_date", "is before start_date")
    _check_refs(frames, "inventory_history", "sku", "items", "sku", errs)
    _check_refs(frames, "inventory_history", "location_id", "locations", "location_id", errs)
    if "locations" in frames:
        loc = frames["locations"]
        kinds = dict(zip(loc["location_id"], loc["type"], strict=True))
        src = loc["source_location"]
        self_src = (src == loc["location_id"]).to_numpy()
        errs.add_mask("locations.csv", "source_location", self_src, src, "is the location itself")
        not_dc = np.array([s != "" and kinds.get(s, "dc") != "dc" for s in src], dtype=bool)
        errs.add_mask("locations.csv", "source_location", not_dc, src, "must be a dc")
    if "lanes" in frames:
        lanes = frames["lanes"]
        loop = (lanes["from_location"] == lanes["to_location"]).to_numpy()
        errs.add_mask(
            "lanes.csv", "to_location", loop, lanes["to_location"], "equals from_location"
        )
    if "transfers" in frames:
        tr = frames["transfers"]
        loop = (tr["from_location"] == tr["to_location"]).to_numpy()
        errs.add_mask(
            "transfers.csv", "to_location", loop, tr["to_location"], "equals from_location"
        )


def read_csv_dir(folder: Path | str) -> NetworkData:
    """Read and validate a CSV folder; raise ImportValidationError listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportValidationError([RowError(str(folder), 0, "(folder)", "is not a folder")])
    errs = _Collector()
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        path = folder / f"{name}.csv"
        if not path.exists():
            if name in REQUIRED_FILES:
                errs.add(RowError(f"{name}.csv", 0, "(file)", "is missing from the folder"))
            continue
        df = _read_table(path, TABLES[name], errs)
        if df is not None:
            frames[name] = df
    _check_rules(frames, errs)
    if errs.total:
        order = {f"{name}.csv": i for i, name in enumerate(TABLE_ORDER)}
        errs.errors.sort(key=lambda e: (order.get(e.file, -1), e.line))
        raise ImportValidationError(errs.errors, errs.total)
    return NetworkData.from_frames(frames)


def _render(df: pd.DataFrame, table: str) -> pd.DataFrame:
    out = df.copy()
    for col in TABLES[table].columns:
        s = out[col.name]
        if col.kind == "date":
            out[col.name] = s.dt.strftime("%Y-%m-%d")
        elif col.kind == "bool":
            out[col.name] = np.where(s.to_numpy(dtype=bool), "true", "false")
        elif col.kind == "int" and not col.required:
            out[col.name] = s.astype("Int64")
    return out


def write_csv_dir(data: NetworkData, folder: Path | str) -> dict[str, int]:
    """Write every table as `<table>.csv` into `folder`; return the row counts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, df in data.frames().items():
        _render(df, name).to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
        counts[name] = len(df)
    return counts


def validate_network(data: NetworkData, *, source: str) -> NetworkData:
    """Check a snapshot read from elsewhere (an ERP) against the import contract.

    The tables go through exactly the checks `read_csv_dir` applies (types, ranges, keys,
    references, date order); a problem names the table and row as `<source> <table>.csv, line N`
    (line 2 is the first row). Returns the snapshot as the import would read it.
    """
    with tempfile.TemporaryDirectory(prefix="stockpilot-validate-") as folder:
        write_csv_dir(data, folder)
        try:
            return read_csv_dir(folder)
        except ImportValidationError as exc:
            errors = [
                RowError(f"{source} {e.file}", e.line, e.field, e.message, e.value)
                for e in exc.errors
            ]
            raise ImportValidationError(errors, exc.total) from None
