"""Snapshot administration: import and export the network as CSV, seed the demo network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from erp.connector import ErpConnector, NetworkSource
from erp.csvio import read_csv_dir, validate_network, write_csv_dir
from erp.store import (
    SnapshotSummary,
    is_empty,
    latest_import,
    load_network,
    replace_snapshot,
    replace_snapshot_blocks,
)
from tools.plan_runs import carry_forward

DEMO_SOURCE_PREFIX = "demo:"


class StoreNotEmptyError(RuntimeError):
    """Raised when a demo would overwrite a snapshot that did not come from the demo."""


class ErpSyncError(RuntimeError):
    """Raised when the configured ERP is not one a snapshot can be synced from."""


class SnapshotAdmin:
    """Replace, export and inspect the store's network snapshot."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # The SKUs the last `import_dir` re-planned in the carried plan run (None: none carried).
        self.last_replanned: list[str] | None = None

    def is_empty(self) -> bool:
        """Return True when no snapshot has been loaded."""
        return is_empty(self.engine)

    def import_dir(self, folder: Path | str) -> SnapshotSummary:
        """Validate a CSV folder completely, then replace the snapshot with it atomically.

        When the store holds a complete plan run and the import changes only some SKUs' rows
        (`tools.plan_runs.carry_forward`), those SKUs are re-planned and the run moves to the
        new import in the same transaction: reads see the previous plan until then, and no
        full run is needed. `last_replanned` holds those SKUs (None: a full run is needed).
        """
        data = read_csv_dir(folder)
        carried = carry_forward(self.engine, data)
        self.last_replanned = None if carried is None else carried.skus
        return replace_snapshot(
            self.engine,
            data,
            source=f"import:{Path(folder).resolve()}",
            within=None if carried is None else carried.write,
        )

    def sync_erp(
        self,
        connector: ErpConnector,
        *,
        as_of: date | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> SnapshotSummary:
        """Read the network from an ERP, validate it as an import, then replace the snapshot.

        Raises ErpSyncError when the ERP is the built-in store, ImportValidationError naming each
        bad row (nothing changes), ErpUnavailableError when the ERP cannot be read.
        """
        if not isinstance(connector, NetworkSource):
            raise ErpSyncError(
                f"STOCKPILOT_ERP is {connector.name}: the store is the ERP, there is nothing to "
                "sync (set STOCKPILOT_ERP=tryton, or use `stockpilot import`)"
            )
        data = connector.read_network(as_of=as_of, progress=progress)
        checked = validate_network(data, source=f"{connector.name} snapshot")
        return replace_snapshot(self.engine, checked, source=f"erp:{connector.label}")

    def export_dir(self, folder: Path | str) -> dict[str, int]:
        """Write the whole snapshot as CSV files."""
        return write_csv_dir(load_network(self.engine), folder)

    def seed_demo(
        self,
        *,
        seed: int = 7,
        stores: int = 20,
        skus: int = 300,
        days: int = 730,
        as_of: date | None = None,
        replace: bool = False,
        dcs: int | None = None,
        block_skus: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> SnapshotSummary:
        """Generate the demo network into the store; refuse to overwrite imported data.

        With `block_skus`, the network is generated and written `block_skus` SKUs at a time
        (`erp.demo.generate_demo_blocks`: memory bounded by one block, one transaction) and
        `progress(skus written, skus)` is called after each block.
        """
        last = latest_import(self.engine)
        if (
            not replace
            and not self.is_empty()
            and (last is None or not last.source.startswith(DEMO_SOURCE_PREFIX))
        ):
            raise StoreNotEmptyError(
                "the store holds an imported snapshot; pass --replace to overwrite it with "
                "the demo network"
            )
        from erp.demo import generate_demo, generate_demo_blocks  # loads only to seed a demo

        source = f"{DEMO_SOURCE_PREFIX}seed={seed},stores={stores},skus={skus},days={days}"
        if dcs is not None:
            source += f",dcs={dcs}"
        if block_skus is None:
            demo = generate_demo(
                seed=seed, stores=stores, skus=skus, days=days, dcs=dcs, as_of=as_of
            )
            return replace_snapshot(self.engine, demo.data, source=source)
        blocks = generate_demo_blocks(
            seed=seed,
            stores=stores,
            skus=skus,
            days=days,
            dcs=dcs,
            as_of=as_of,
            block_skus=block_skus,
        )
        written = 0

        def block_done(counts: dict[str, int]) -> None:
            nonlocal written
            written += counts["items"]
            if progress is not None:
                progress(written, skus)

        return replace_snapshot_blocks(
            self.engine,
            (block.data for block in blocks),
            source=f"{source},blocks={block_skus}",
            on_block=block_done,
        )
