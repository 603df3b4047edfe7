"""The Tryton ERP connector: read the network from a Tryton server, write drafts back to it.

Mapping (Tryton → StockPilot): a warehouse (`stock.location` of type warehouse, by `code`) is a
location; it is a DC when another warehouse's storage is provisioned from it (`stock_supply`'s
provisioning location), else a store, sourced from the warehouse that provisions it. Lanes are
the `stock.location.lead_time` records. Products are `product.product` by `code` (the SKU);
suppliers are the parties of `purchase.product_supplier` records, by party `code`; their terms
are the product-supplier lead time and price list (the smallest quantity with a price is the
MOQ). Stock on hand is each warehouse's storage quantity as of the snapshot date; sales are done
moves to customer locations; open purchase orders are lines of confirmed or processing
purchases (the quantity not yet received); transfers are shipped internal shipments.

Writes: an approved purchase order becomes a draft `purchase.purchase` with one line, an
approved transfer a draft `stock.shipment.internal` with one move; both carry the idempotency
key (the proposal id) in `reference`, and the document id is `<model>,<id>`. Tryton does not
keep `reference` unique, so a write claims its key in StockPilot's ledger (`erp_commits`) first
and keeps that claim's transaction open while it searches Tryton by reference and creates: a
racing writer waits on the claim and then reads the winner's document, and a writer killed
after Tryton created the document leaves no ledger row, so the retry finds the document by its
reference and links it instead of creating a second one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, Table, select, update
from sqlalchemy.exc import IntegrityError

from erp import models
from erp.connector import (
    ErpWriteError,
    PurchaseOrderRequest,
    TransferRequest,
    _payload,
    ledger_document,
    replayed_document,
)
from erp.csvio import ImportValidationError, RowError
from erp.store import append_commit
from erp.tryton_rpc import TrytonClient
from planning.network import NetworkData
from stockpilot.settings import Settings

Progress = Callable[[str, int, int], None]
PO_MODEL = "purchase.purchase"
TRANSFER_MODEL = "stock.shipment.internal"
SALES_PAGE = 5000
STAGES = (
    "locations",
    "products",
    "suppliers",
    "inventory",
    "purchase orders",
    "transfers",
    "sales",
)

_ledger = cast(Table, models.ErpCommit.__table__)


class RecordError(RowError):
    """A problem in one field of one Tryton record (named by model, id and name)."""

    def __str__(self) -> str:
        shown = f" (got {self.value!r})" if self.value else ""
        return f"{self.file} {self.line}, field '{self.field}': {self.message}{shown}"


def _days(value: timedelta | None) -> int | None:
    return None if value is None else max(round(value.total_seconds() / 86400), 0)


def _num(value: Any) -> float:
    return 0.0 if value is None else float(value)


@dataclass(frozen=True)
class _Warehouse:
    id: int
    code: str
    name: str
    storage: int


class TrytonConnector:
    """An `ErpConnector` over a Tryton server; `engine` holds StockPilot's ledger."""

    name = "tryton"

    def __init__(self, client: TrytonClient, engine: Engine, *, as_of: date | None = None):
        self.client = client
        self.engine = engine
        self.as_of = as_of  # the snapshot date; None: Tryton's today

    @property
    def label(self) -> str:
        """Return where the connector reads and writes: `tryton:<url>/<database>`."""
        return f"tryton:{self.client.url}/{self.client.database}"

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> TrytonConnector:
        """Return a connector for the configured Tryton server (it logs in on first use)."""
        password = settings.tryton_password
        client = TrytonClient(
            settings.tryton_url,
            settings.tryton_database,
            settings.tryton_user,
            "" if password is None else password.get_secret_value(),
            timeout=settings.tryton_timeout_s,
        )
        return cls(client, engine)

    # ----------------------------------------------------------------------------- reads

    def _today(self) -> date:
        if self.as_of is not None:
            return self.as_of
        return cast(date, self.client.call("model.ir.date.today"))

    def _search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str],
        *,
        context: dict[str, Any] | None = None,
        limit: int | None = None,
        offset: int = 0,
        order: list[list[str]] | None = None,
    ) -> list[dict[str, Any]]:
        rows = self.client.model(
            model, "search_read", domain, offset, limit, order, fields, context=context
        )
        return cast(list[dict[str, Any]], rows)

    def _warehouses(self) -> list[_Warehouse]:
        rows = self._search_read(
            "stock.location",
            [("type", "=", "warehouse")],
            ["code", "name", "storage_location"],
            order=[["code", "ASC"]],
        )
        errors: list[RowError] = [
            RecordError(
                "Tryton stock.location",
                int(r["id"]),
                "code",
                f"warehouse {r['name']!r}: is required",
            )
            for r in rows
            if not (r.get("code") or "").strip()
        ]
        if errors:
            raise ImportValidationError(errors)
        return [
            _Warehouse(
                int(r["id"]), str(r["code"]).strip(), str(r["name"]), int(r["storage_location"])
            )
            for r in rows
        ]

    def _location_owner(self, warehouses: list[_Warehouse]) -> dict[int, str]:
        """Return location id -> warehouse code for every location under a warehouse."""
        rows = self._search_read("stock.location", [], ["parent"])
        parent = {int(r["id"]): r["parent"] for r in rows}
        by_id = {w.id: w.code for w in warehouses}
        owner: dict[int, str] = {}
        for loc in parent:
            cur: int | None = loc
            for _ in range(64):  # a deeper tree than that is a loop
                if cur is None:
                    break
                if cur in by_id:
                    owner[loc] = by_id[cur]
                    break
                nxt = parent.get(cur)
                cur = None if nxt is None else int(nxt)
        return owner

    def read_network(
        self,
        *,
        sales_since: date | None = None,
        as_of: date | None = None,
        progress: Progress | None = None,
    ) -> NetworkData:
        """Read the whole network from Tryton as of a date; sales from `sales_since` on.

        The date defaults to the connector's `as_of`, else Tryton's today.
        """
        report = progress or (lambda _stage, _done, _total: None)
        total = len(STAGES)
        as_of = as_of or self._today()

        report("locations", 0, total)
        warehouses = self._warehouses()
        codes = {w.id: w.code for w in warehouses}
        storage_of = {w.storage: w.code for w in warehouses}
        owner = self._location_owner(warehouses)
        provisioned = self._search_read(
            "stock.location",
            [("id", "in", list(storage_of)), ("provisioning_location", "!=", None)],
            ["provisioning_location"],
        )
        source: dict[str, str] = {}
        for r in provisioned:
            src = owner.get(int(r["provisioning_location"]))
            dst = storage_of[int(r["id"])]
            if src and src != dst:
                source[dst] = src
        dcs = set(source.values())
        locations = pd.DataFrame(
            {
                "location_id": [w.code for w in warehouses],
                "name": [w.name for w in warehouses],
                "type": ["dc" if w.code in dcs else "store" for w in warehouses],
                "region": ["" for _ in warehouses],
                "source_location": [source.get(w.code, "") for w in warehouses],
            }
        )
        lanes = self._lanes(warehouses, source, codes)

        report("products", 1, total)
        products = self._search_read(
            "product.product",
            [("type", "=", "goods")],
            ["code", "name", "cost_price", "template"],
            order=[["code", "ASC"]],
        )
        errors: list[RowError] = [
            RecordError(
                "Tryton product.product",
                int(p["id"]),
                "code",
                f"product {p['name']!r}: is required",
            )
            for p in products
            if not (p.get("code") or "").strip()
        ]
        seen: dict[str, int] = {}
        for p in products:
            code = (p.get("code") or "").strip()
            if code and code in seen:
                errors.append(
                    RecordError(
                        "Tryton product.product",
                        int(p["id"]),
                        "code",
                        f"duplicate of product.product {seen[code]}",
                        code,
                    )
                )
            seen.setdefault(code, int(p["id"]))
        if errors:
            raise ImportValidationError(errors)
        templates = {
            int(t["id"]): t
            for t in self._search_read(
                "product.template",
                [("id", "in", sorted({int(p["template"]) for p in products}))],
                ["list_price"],
            )
        }
        sku_of = {int(p["id"]): str(p["code"]).strip() for p in products}
        items = pd.DataFrame(
            {
                "sku": [sku_of[int(p["id"])] for p in products],
                "description": [str(p["name"]) for p in products],
                "category": ["" for _ in products],
                "unit_cost": [_num(p["cost_price"]) for p in products],
                "unit_price": [_num(templates[int(p["template"])]["list_price"]) for p in products],
                "case_pack": [1 for _ in products],
            }
        )

        report("suppliers", 2, total)
        suppliers, item_suppliers = self._suppliers(products, sku_of)

        report("inventory", 3, total)
        inventory_rows = []
        for w in warehouses:
            rows = self._search_read(
                "product.product",
                [("id", "in", list(sku_of))],
                ["quantity"],
                context={"locations": [w.storage], "stock_date_end": as_of, "with_childs": True},
            )
            for r in rows:
                inventory_rows.append((sku_of[int(r["id"])], w.code, round(_num(r["quantity"]))))
        inventory = pd.DataFrame(inventory_rows, columns=["sku", "location_id", "on_hand"]).assign(
            as_of_date=pd.Timestamp(as_of)
        )

        report("purchase orders", 4, total)
        purchase_orders = self._open_purchases(sku_of, codes, as_of)

        report("transfers", 5, total)
        transfers = self._transfers(sku_of, owner, as_of)
        # StockPilot's own shipments not yet shipped: their stock is promised, not available.
        unshipped = transfers[transfers["unshipped"].astype(bool)]
        if len(unshipped):
            out = unshipped.groupby(["sku", "from_location"])["qty"].sum()
            key = pd.MultiIndex.from_frame(inventory[["sku", "location_id"]])
            inventory = inventory.assign(
                on_hand=inventory["on_hand"] - out.reindex(key, fill_value=0).to_numpy()
            )
        transfers = transfers.drop(columns="unshipped")

        report("sales", 6, total)
        sales = self._sales(sku_of, owner, sales_since, as_of)
        report("done", total, total)
        return NetworkData.from_frames(
            {
                "locations": locations,
                "lanes": lanes,
                "suppliers": suppliers,
                "items": items,
                "item_suppliers": item_suppliers,
                "inventory": inventory,
                "sales": sales,
                "purchase_orders": purchase_orders,
                "transfers": transfers,
            }
        )

    def _lanes(
        self, warehouses: list[_Warehouse], source: dict[str, str], codes: dict[int, str]
    ) -> pd.DataFrame:
        """Return one lane per provisioned store, with Tryton's first matching lead time."""
        rules = self._search_read(
            "stock.location.lead_time",
            [],
            ["warehouse_from", "warehouse_to", "lead_time"],
            order=[["sequence", "ASC"], ["id", "ASC"]],
        )
        rows = []
        for dst, src in sorted(source.items()):
            days = 0
            for rule in rules:
                wf, wt = rule["warehouse_from"], rule["warehouse_to"]
                if (wf is None or codes.get(int(wf)) == src) and (
                    wt is None or codes.get(int(wt)) == dst
                ):
                    days = _days(rule["lead_time"]) or 0
                    break
            rows.append((src, dst, days, 0.0))
        return pd.DataFrame(
            rows, columns=["from_location", "to_location", "lead_time_days", "cost_per_unit"]
        )

    def _suppliers(
        self, products: list[dict[str, Any]], sku_of: dict[int, str]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        terms = self._search_read(
            "purchase.product_supplier",
            [],
            ["template", "product", "party", "lead_time", "sequence"],
            order=[["sequence", "ASC"], ["id", "ASC"]],
        )
        prices = self._search_read(
            "purchase.product_supplier.price",
            [("product_supplier", "in", [int(t["id"]) for t in terms])],
            ["product_supplier", "quantity", "unit_price"],
        )
        party_ids = sorted({int(t["party"]) for t in terms})
        parties = {
            int(p["id"]): p
            for p in self._search_read(
                "party.party", [("id", "in", party_ids)], ["code", "name", "supplier_lead_time"]
            )
        }
        errors: list[RowError] = [
            RecordError("Tryton party.party", pid, "code", f"supplier {p['name']!r}: is required")
            for pid, p in parties.items()
            if not (p.get("code") or "").strip()
        ]
        if errors:
            raise ImportValidationError(errors)
        by_term: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for pr in prices:
            by_term[int(pr["product_supplier"])].append(
                (_num(pr["quantity"]), _num(pr["unit_price"]))
            )
        variants: dict[int, list[int]] = defaultdict(list)
        for p in products:
            variants[int(p["template"])].append(int(p["id"]))
        suppliers = pd.DataFrame(
            {
                "supplier_id": [str(parties[i]["code"]).strip() for i in party_ids],
                "name": [str(parties[i]["name"]) for i in party_ids],
                # Tryton keeps no lead-time spread or on-time record: a fixed lead time.
                "lead_time_days": [_days(parties[i]["supplier_lead_time"]) or 0 for i in party_ids],
                "lead_time_std_days": [0.0 for _ in party_ids],
                "on_time_rate": [1.0 for _ in party_ids],
            }
        )
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        for t in terms:
            targets = [int(t["product"])] if t["product"] else variants.get(int(t["template"]), [])
            ladder = sorted(by_term.get(int(t["id"]), []))
            if not ladder:
                continue  # no price: not a term StockPilot can order on
            moq, cost = ladder[0]
            supplier = str(parties[int(t["party"])]["code"]).strip()
            for pid in targets:
                sku = sku_of.get(pid)
                if sku is None or (sku, supplier) in rows:
                    continue
                primary = not any(k[0] == sku for k in rows)
                rows[(sku, supplier)] = (
                    sku,
                    supplier,
                    cost,
                    round(moq),
                    _days(t["lead_time"]),
                    primary,
                )
        item_suppliers = pd.DataFrame(
            list(rows.values()),
            columns=["sku", "supplier_id", "unit_cost", "moq", "lead_time_days", "primary"],
        )
        return suppliers, item_suppliers

    def _open_purchases(
        self, sku_of: dict[int, str], codes: dict[int, str], as_of: date
    ) -> pd.DataFrame:
        lines = self._search_read(
            "purchase.line",
            [
                [
                    "OR",
                    ("purchase.state", "in", ["confirmed", "processing"]),
                    [("purchase.state", "=", "draft"), ("purchase", "in", self._ours(PO_MODEL))],
                ],
                ("type", "=", "line"),
                ("product", "in", list(sku_of)),
            ],
            ["purchase", "product", "quantity", "moves", "warehouse", "supplier", "purchase_date"],
        )
        if not lines:
            return _empty_po()
        purchases = {
            int(p["id"]): p
            for p in self._search_read(
                PO_MODEL,
                [("id", "in", sorted({int(line["purchase"]) for line in lines}))],
                ["number", "delivery_date"],
            )
        }  # a draft StockPilot wrote has no number: its id is the document id
        move_ids = [m for line in lines for m in line["moves"]]
        moves = {
            int(m["id"]): m
            for m in (
                self.client.model(
                    "stock.move", "read", move_ids, ["state", "quantity", "planned_date"]
                )
                if move_ids
                else []
            )
        }
        parties = {
            int(p["id"]): str(p["code"] or "").strip()
            for p in self._search_read(
                "party.party",
                [("id", "in", sorted({int(line["supplier"]) for line in lines}))],
                ["code"],
            )
        }
        rows = []
        for line in lines:
            purchase = purchases[int(line["purchase"])]
            line_moves = [moves[m] for m in line["moves"] if m in moves]
            pending = [m for m in line_moves if m["state"] not in ("done", "cancelled")]
            qty = (
                sum(_num(m["quantity"]) for m in pending) if line_moves else _num(line["quantity"])
            )
            if qty <= 0 or not line["warehouse"]:
                continue
            # Tryton blanks planned dates already past; then the purchase's delivery date.
            planned = [m["planned_date"] for m in pending if m["planned_date"]]
            expected = min(planned) if planned else purchase["delivery_date"] or as_of
            ordered = line["purchase_date"] or as_of
            rows.append(
                (
                    purchase["number"] or f"{PO_MODEL},{purchase['id']}",
                    parties.get(int(line["supplier"]), ""),
                    sku_of[int(line["product"])],
                    codes.get(int(line["warehouse"]), ""),
                    round(qty),
                    pd.Timestamp(ordered),
                    pd.Timestamp(max(expected, ordered)),
                    "open",
                )
            )
        if not rows:
            return _empty_po()
        frame = pd.DataFrame(rows, columns=_PO_COLUMNS)
        return frame.groupby(["po_id", "sku", "location_id"], as_index=False).agg(
            {
                "supplier_id": "first",
                "qty": "sum",
                "order_date": "min",
                "expected_date": "min",
                "status": "first",
            }
        )[_PO_COLUMNS]

    def _ours(self, model: str) -> list[int]:
        """Return the ids of the `model` records StockPilot wrote (its ledger's documents)."""
        with self.engine.connect() as conn:
            docs = conn.execute(
                select(_ledger.c.document_id).where(_ledger.c.document_id.like(f"{model},%"))
            ).scalars()
            return [int(d.rpartition(",")[2]) for d in docs if d.rpartition(",")[2].isdigit()]

    def _transfers(
        self, sku_of: dict[int, str], owner: dict[int, str], as_of: date
    ) -> pd.DataFrame:
        """Return shipped internal shipments, and StockPilot's own not yet shipped.

        StockPilot's own are in transit from the commit on, as the built-in ERP books a
        transfer (flagged `unshipped`: `read_network` takes them off the source's stock).
        """
        shipments = self._search_read(
            TRANSFER_MODEL,
            [
                "OR",
                ("state", "=", "shipped"),
                [
                    ("state", "in", ["draft", "waiting", "assigned", "packed"]),
                    ("id", "in", self._ours(TRANSFER_MODEL)),
                ],
            ],
            [
                "number",
                "state",
                "from_location",
                "to_location",
                "effective_start_date",
                "planned_start_date",
                "planned_date",
                "incoming_moves",
                "outgoing_moves",
                "moves",
            ],
        )
        for s in shipments:  # the moves still to arrive
            if s["state"] == "shipped":
                s["pending"] = s["incoming_moves"]
            elif s["state"] == "draft":
                s["pending"] = s["moves"]
            else:
                s["pending"] = s["outgoing_moves"] or s["moves"]
        move_ids = [m for s in shipments for m in s["pending"]]
        moves = {
            int(m["id"]): m
            for m in (
                self.client.model("stock.move", "read", move_ids, ["product", "quantity", "state"])
                if move_ids
                else []
            )
        }
        rows: dict[tuple[str, str], list[Any]] = {}
        for s in shipments:
            src, dst = owner.get(int(s["from_location"])), owner.get(int(s["to_location"]))
            if not src or not dst or src == dst:
                continue
            shipped = s["effective_start_date"] or s["planned_start_date"] or as_of
            expected = max(s["planned_date"] or shipped, shipped)
            doc = s["number"] or f"{TRANSFER_MODEL},{s['id']}"
            for mid in s["pending"]:
                m = moves.get(mid)
                if m is None or m["state"] in ("done", "cancelled"):
                    continue
                sku = sku_of.get(int(m["product"]))
                if sku is None:
                    continue
                key = (doc, sku)
                if key in rows:
                    rows[key][4] += round(_num(m["quantity"]))
                else:
                    rows[key] = [
                        doc,
                        sku,
                        src,
                        dst,
                        round(_num(m["quantity"])),
                        pd.Timestamp(shipped),
                        pd.Timestamp(expected),
                        "in_transit",
                        s["state"] != "shipped",
                    ]
        frame = pd.DataFrame(
            [r for r in rows.values() if r[4] > 0],
            columns=[
                "transfer_id",
                "sku",
                "from_location",
                "to_location",
                "qty",
                "ship_date",
                "expected_date",
                "status",
                "unshipped",
            ],
        )
        return frame

    def _sales(
        self, sku_of: dict[int, str], owner: dict[int, str], since: date | None, as_of: date
    ) -> pd.DataFrame:
        domain: list[Any] = [
            ("to_location.type", "=", "customer"),
            ("state", "=", "done"),
            ("effective_date", "<=", as_of),
        ]
        if since is not None:
            domain.append(("effective_date", ">=", since))
        rows: list[tuple[Any, ...]] = []
        offset = 0
        while True:
            page = self._search_read(
                "stock.move",
                domain,
                ["product", "from_location", "quantity", "effective_date"],
                limit=SALES_PAGE,
                offset=offset,
                order=[["id", "ASC"]],
            )
            for m in page:
                sku, loc = sku_of.get(int(m["product"])), owner.get(int(m["from_location"]))
                if sku is not None and loc is not None:
                    rows.append((pd.Timestamp(m["effective_date"]), sku, loc, _num(m["quantity"])))
            if len(page) < SALES_PAGE:
                break
            offset += SALES_PAGE
        frame = pd.DataFrame(rows, columns=["date", "sku", "location_id", "units"])
        if frame.empty:
            return frame.astype({"units": "int64"})
        daily = frame.groupby(["date", "sku", "location_id"], as_index=False)["units"].sum()
        return daily.assign(units=daily["units"].round().astype("int64"))

    def on_hand(self, sku: str, location_id: str) -> int | None:
        """Return the stock of a SKU a warehouse can still ship now (live, not the snapshot's).

        Tryton's quantity today (done moves, less what is reserved by assigned moves), less
        what StockPilot's own shipments from there, written but not yet reserved, will take.
        """
        wh = self._search_read(
            "stock.location",
            [("type", "=", "warehouse"), ("code", "=", location_id)],
            ["storage_location"],
            limit=1,
        )
        if not wh:
            return None
        storage = int(wh[0]["storage_location"])
        today = self.client.call("model.ir.date.today")
        rows = self._search_read(
            "product.product",
            [("code", "=", sku)],
            ["quantity"],
            limit=1,
            context={
                "locations": [storage],
                "with_childs": True,
                "stock_date_end": today,  # without it Tryton forecasts to the end of time
                "stock_assign": True,
            },
        )
        if not rows:
            return None
        promised = 0.0
        ours = self._ours(TRANSFER_MODEL)
        if ours:
            moves = self._search_read(
                "stock.move",
                [
                    ("shipment", "in", [f"{TRANSFER_MODEL},{i}" for i in ours]),
                    ("state", "=", "draft"),
                    ("from_location", "=", storage),
                    ("product", "=", int(rows[0]["id"])),
                ],
                ["quantity"],
            )
            promised = sum(_num(m["quantity"]) for m in moves)
        return round(_num(rows[0]["quantity"]) - promised)

    def status(self) -> dict[str, Any]:
        """Return what `stockpilot erp status` shows: the server, database and record counts."""

        def count(model: str, domain: list[Any]) -> int:
            return int(self.client.model(model, "search_count", domain))

        context = self.client.context()
        return {
            "url": self.client.url,
            "database": self.client.database,
            "user": self.client.user,
            "company": context.get("company"),
            "today": self.client.call("model.ir.date.today").isoformat(),
            "warehouses": count("stock.location", [("type", "=", "warehouse")]),
            "products": count("product.product", [("type", "=", "goods")]),
            "supplier_terms": count("purchase.product_supplier", []),
            "open_purchases": count(PO_MODEL, [("state", "in", ["confirmed", "processing"])]),
            "draft_purchases_from_stockpilot": count(
                PO_MODEL, [("state", "=", "draft"), ("reference", "like", "PR-%")]
            ),
            "shipments_in_transit": count(TRANSFER_MODEL, [("state", "=", "shipped")]),
            "draft_transfers_from_stockpilot": count(
                TRANSFER_MODEL, [("state", "=", "draft"), ("reference", "like", "PR-%")]
            ),
        }

    # ----------------------------------------------------------------------------- writes

    def create_purchase_order(self, request: PurchaseOrderRequest, *, idempotency_key: str) -> str:
        """Create a draft purchase once per key; return `purchase.purchase,<id>`."""
        return self._write(request, idempotency_key)

    def create_transfer(self, request: TransferRequest, *, idempotency_key: str) -> str:
        """Create a draft internal shipment once per key; return `stock.shipment.internal,<id>`."""
        return self._write(request, idempotency_key)

    def _write(self, request: PurchaseOrderRequest | TransferRequest, key: str) -> str:
        if not key or len(key) > 200:
            raise ErpWriteError("idempotency_key must be 1 to 200 characters")
        if request.qty <= 0:
            raise ErpWriteError(f"qty must be positive (got {request.qty})")
        payload = _payload(request)
        existing = replayed_document(self.engine, key, payload)
        if existing:
            return existing
        model = PO_MODEL if isinstance(request, PurchaseOrderRequest) else TRANSFER_MODEL
        try:
            with self.engine.begin() as conn:
                # The claim: a racing writer blocks on the ledger's lock (or SQLite's) until we
                # commit, then fails on the key and reads our document.
                append_commit(
                    conn,
                    idempotency_key=key,
                    kind=request.kind.value,
                    document_id=f"claim:{key}"[:64],
                    payload=payload,
                )
                found = self._search_read(model, [("reference", "=", key)], ["id"], limit=1)
                if found:
                    record = int(found[0]["id"])  # written before a crash: link it, not again
                elif isinstance(request, PurchaseOrderRequest):
                    record = self._create_purchase(request, key)
                else:
                    record = self._create_shipment(request, key)
                doc = f"{model},{record}"
                conn.execute(
                    update(_ledger).where(_ledger.c.idempotency_key == key).values(document_id=doc)
                )
        except IntegrityError:
            existing = replayed_document(self.engine, key, payload)
            if existing:
                return existing
            raise
        return doc

    def document_for(self, idempotency_key: str) -> str | None:
        """Return the document the ledger links to a key, or None (read only: recovery asks).

        None does not mean Tryton has none: a writer killed after Tryton's commit left no
        ledger row, and the next write under the key finds the document by its reference.
        """
        return ledger_document(self.engine, idempotency_key)

    def _product(self, sku: str) -> dict[str, Any]:
        rows = self._search_read(
            "product.product", [("code", "=", sku)], ["default_uom", "template"], limit=1
        )
        if not rows:
            raise ErpWriteError(f"Tryton has no product with code {sku!r}")
        return rows[0]

    def _warehouse(self, code: str) -> dict[str, Any]:
        rows = self._search_read(
            "stock.location",
            [("type", "=", "warehouse"), ("code", "=", code)],
            ["storage_location"],
            limit=1,
        )
        if not rows:
            raise ErpWriteError(f"Tryton has no warehouse with code {code!r}")
        return rows[0]

    def _create_purchase(self, req: PurchaseOrderRequest, key: str) -> int:
        product = self._product(req.sku)
        warehouse = self._warehouse(req.location_id)
        party = self._search_read(
            "party.party", [("code", "=", req.supplier_id)], ["supplier_lead_time"], limit=1
        )
        if not party:
            raise ErpWriteError(f"Tryton has no supplier with code {req.supplier_id!r}")
        terms = self._search_read(
            "purchase.product_supplier",
            [
                ("party", "=", int(party[0]["id"])),
                [
                    "OR",
                    ("product", "=", int(product["id"])),
                    [("product", "=", None), ("template", "=", int(product["template"]))],
                ],
            ],
            ["lead_time", "currency"],
            limit=1,
            order=[["sequence", "ASC"], ["id", "ASC"]],
        )
        if not terms:
            raise ErpWriteError(
                f"supplier {req.supplier_id!r} does not supply {req.sku!r} in Tryton"
            )
        prices = self._search_read(
            "purchase.product_supplier.price",
            [("product_supplier", "=", int(terms[0]["id"])), ("quantity", "<=", req.qty)],
            ["quantity", "unit_price"],
            order=[["quantity", "DESC"]],
            limit=1,
        )
        if not prices:
            raise ErpWriteError(
                f"supplier {req.supplier_id!r} has no price for {req.qty} units of {req.sku!r} "
                "in Tryton (below its minimum quantity)"
            )
        expected = req.expected_date
        if expected is None:
            lead = _days(terms[0]["lead_time"])
            if lead is None:
                lead = _days(party[0]["supplier_lead_time"]) or 0
            expected = req.order_date + timedelta(days=lead)
        if expected < req.order_date:
            raise ErpWriteError("expected_date is before order_date")
        address = self.client.model(
            "party.address", "search", [("party", "=", int(party[0]["id"]))], 0, 1, None
        )
        context = self.client.context()
        [record] = self.client.model(
            PO_MODEL,
            "create",
            [
                {
                    "company": context.get("company"),
                    "party": int(party[0]["id"]),
                    "invoice_party": int(party[0]["id"]),
                    "invoice_address": address[0] if address else None,
                    "warehouse": int(warehouse["id"]),
                    "currency": int(terms[0]["currency"]),
                    "purchase_date": req.order_date,
                    "delivery_date": expected,
                    "reference": key,
                    "description": f"StockPilot proposal {key}",
                    "lines": [
                        [
                            "create",
                            [
                                {
                                    "type": "line",
                                    "product": int(product["id"]),
                                    "quantity": float(req.qty),
                                    "unit": int(product["default_uom"]),
                                    "unit_price": Decimal(str(prices[0]["unit_price"])),
                                    "description": req.sku,
                                }
                            ],
                        ]
                    ],
                }
            ],
        )
        return int(record)

    def _create_shipment(self, req: TransferRequest, key: str) -> int:
        if req.from_location == req.to_location:
            raise ErpWriteError("from_location and to_location are the same")
        product = self._product(req.sku)
        src = self._warehouse(req.from_location)
        dst = self._warehouse(req.to_location)
        expected = req.expected_date
        if expected is None:
            lead = 0
            for rule in self._search_read(
                "stock.location.lead_time",
                [],
                ["warehouse_from", "warehouse_to", "lead_time"],
                order=[["sequence", "ASC"], ["id", "ASC"]],
            ):
                wf, wt = rule["warehouse_from"], rule["warehouse_to"]
                if wf in (None, int(src["id"])) and wt in (None, int(dst["id"])):
                    lead = _days(rule["lead_time"]) or 0
                    break
            expected = req.ship_date + timedelta(days=lead)
        if expected < req.ship_date:
            raise ErpWriteError("expected_date is before ship_date")
        company = self.client.context().get("company")
        from_loc, to_loc = int(src["storage_location"]), int(dst["storage_location"])
        [record] = self.client.model(
            TRANSFER_MODEL,
            "create",
            [
                {
                    "company": company,
                    "from_location": from_loc,
                    "to_location": to_loc,
                    "planned_start_date": req.ship_date,
                    "planned_date": expected,
                    "reference": key,
                    "moves": [
                        [
                            "create",
                            [
                                {
                                    "product": int(product["id"]),
                                    "unit": int(product["default_uom"]),
                                    "quantity": float(req.qty),
                                    "from_location": from_loc,
                                    "to_location": to_loc,
                                    "planned_date": expected,
                                    "company": company,
                                }
                            ],
                        ]
                    ],
                }
            ],
        )
        return int(record)

    def read_document(self, document_id: str) -> dict[str, Any]:
        """Read back a document this connector wrote (`<model>,<id>`): state, reference, lines."""
        model, _, raw = document_id.rpartition(",")
        if model not in (PO_MODEL, TRANSFER_MODEL) or not raw.isdigit():
            raise ValueError(f"{document_id!r} is not a Tryton document id of this connector")
        lines_field = "lines" if model == PO_MODEL else "moves"
        [doc] = self.client.model(model, "read", [int(raw)], ["state", "reference", lines_field])
        line_model = "purchase.line" if model == PO_MODEL else "stock.move"
        lines = self.client.model(
            line_model, "read", doc[lines_field], ["product", "quantity", "unit"]
        )
        codes = {
            int(p["id"]): p["code"]
            for p in self.client.model(
                "product.product", "read", sorted({int(x["product"]) for x in lines}), ["code"]
            )
        }
        return {
            "model": model,
            "id": int(raw),
            "state": doc["state"],
            "reference": doc["reference"],
            "lines": [
                {"sku": codes[int(x["product"])], "qty": float(x["quantity"])} for x in lines
            ],
        }


_PO_COLUMNS = [
    "po_id",
    "supplier_id",
    "sku",
    "location_id",
    "qty",
    "order_date",
    "expected_date",
    "status",
]


def _empty_po() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in _PO_COLUMNS})
