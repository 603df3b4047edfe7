"""Seed an empty Tryton database with a small retail network, over JSON-RPC.

One distribution centre supplies a few stores (storage locations provisioned from the DC, with
lead times between warehouses); suppliers sell every SKU with a price list and lead time; stock
was received 100 days before `as_of`; stores sold every day since (done customer moves); one
purchase order is confirmed and open, and one internal shipment is in transit. The same
arguments always give the same data (the database ids may differ).

Used by `stockpilot erp seed` (the README's "Connect to Tryton") and by the test suite, which
caches the seeded database.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from erp.tryton_rpc import TrytonClient

DC_CODE = "DC1"


def _one(client: TrytonClient, model: str, domain: list[Any]) -> int:
    ids = client.model(model, "search", domain, 0, 1, None)
    if not ids:
        raise LookupError(f"Tryton has no {model} matching {domain}")
    return int(ids[0])


def _create(client: TrytonClient, model: str, values: list[dict[str, Any]]) -> list[int]:
    return [int(i) for i in client.model(model, "create", values)]


def seed_tryton(
    client: TrytonClient,
    *,
    as_of: date,
    stores: int = 2,
    skus: int = 4,
    days: int = 90,
    seed: int = 7,
) -> dict[str, int]:
    """Fill an empty database (modules stock, purchase, stock_supply activated); return counts.

    Raises ValueError when the database already holds a company (it is not empty).
    """
    rng = np.random.default_rng(seed)
    if client.model("company.company", "search", [], 0, 1, None):
        raise ValueError(f"Tryton database {client.database!r} already has a company")

    currency = _create(
        client,
        "currency.currency",
        [
            {
                "name": "US Dollar",
                "code": "USD",
                "symbol": "$",
                "rounding": Decimal("0.01"),
                "digits": 2,
            }
        ],
    )[0]
    [company_party] = _create(client, "party.party", [{"name": "StockPilot Retail"}])
    [company] = _create(client, "company.company", [{"party": company_party, "currency": currency}])
    user_id = _one(client, "res.user", [("login", "=", client.user)])
    client.model(
        "res.user", "write", [user_id], {"companies": [["add", [company]]], "company": company}
    )
    client.login()  # the preferences now carry the company

    unit = _one(client, "product.uom", [("symbol", "=", "u")])
    lost_found = _one(client, "stock.location", [("type", "=", "lost_found")])
    customer = _one(client, "stock.location", [("type", "=", "customer")])

    # The default warehouse becomes the DC; each store is a warehouse of its own.
    dc = _one(client, "stock.location", [("type", "=", "warehouse")])
    client.model("stock.location", "write", [dc], {"code": DC_CODE, "name": "Distribution Centre"})
    [dc_row] = client.model("stock.location", "read", [dc], ["storage_location"])
    dc_storage = int(dc_row["storage_location"])
    storage: dict[str, int] = {DC_CODE: dc_storage}
    output: dict[str, int] = {}
    warehouses: dict[str, int] = {DC_CODE: dc}
    for i in range(1, stores + 1):
        code = f"S{i}"
        zones = _create(
            client,
            "stock.location",
            [
                {
                    "name": f"Store {i} {zone}",
                    "type": "storage",
                    "code": f"{code}-{zone[:3].upper()}",
                }
                for zone in ("Input", "Output", "Storage")
            ],
        )
        [wh] = _create(
            client,
            "stock.location",
            [
                {
                    "name": f"Store {i}",
                    "code": code,
                    "type": "warehouse",
                    "input_location": zones[0],
                    "output_location": zones[1],
                    "storage_location": zones[2],
                }
            ],
        )
        client.model("stock.location", "write", zones, {"parent": wh})
        client.model("stock.location", "write", [zones[2]], {"provisioning_location": dc_storage})
        storage[code] = zones[2]
        output[code] = zones[1]
        warehouses[code] = wh
        _create(
            client,
            "stock.location.lead_time",
            [{"warehouse_from": dc, "warehouse_to": wh, "lead_time": timedelta(days=1 + i % 3)}],
        )

    suppliers = _create(
        client,
        "party.party",
        [
            {
                "name": name,
                "code": code,
                "supplier_lead_time": timedelta(days=lead),
                "addresses": [["create", [{"street": "1 Supply Road"}]]],
            }
            for code, name, lead in (("SUP-A", "Acme Wholesale", 7), ("SUP-B", "Bolt Trading", 12))
        ],
    )

    products: list[int] = []
    cost: list[float] = []
    for k in range(1, skus + 1):
        unit_cost = round(float(rng.uniform(2, 20)), 2)
        cost.append(unit_cost)
        [template] = _create(
            client,
            "product.template",
            [
                {
                    "name": f"Product {k:03d}",
                    "type": "goods",
                    "default_uom": unit,
                    "purchasable": True,
                    "purchase_uom": unit,
                    "list_price": Decimal(f"{unit_cost * 1.6:.2f}"),
                    "products": [
                        [
                            "create",
                            [
                                {
                                    "suffix_code": f"SKU-{k:03d}",
                                    "cost_price": Decimal(f"{unit_cost:.2f}"),
                                }
                            ],
                        ]
                    ],
                }
            ],
        )
        [product] = client.model("product.product", "search", [("template", "=", template)])
        products.append(int(product))
        _create(
            client,
            "purchase.product_supplier",
            [
                {
                    "template": template,
                    "product": product,
                    "party": party,
                    "sequence": rank,
                    "currency": currency,
                    "company": company,
                    "lead_time": timedelta(days=5 + 3 * rank) if rank == 1 else None,
                    "prices": [
                        [
                            "create",
                            [
                                {
                                    "quantity": float(12 * rank),
                                    "unit_price": Decimal(f"{unit_cost * (1 + 0.05 * rank):.2f}"),
                                }
                            ],
                        ]
                    ],
                }
                for rank, party in enumerate(suppliers, 1)
            ],
        )

    rates = rng.uniform(0.3, 3.0, size=(stores, skus))
    sold = rng.poisson(rates[:, :, None], size=(stores, skus, days))

    # Opening stock, received 100 days before `as_of`.
    received = as_of - timedelta(days=100)
    opening = []
    for code, loc in storage.items():
        for j, product in enumerate(products):
            if code == DC_CODE:
                qty = int(rng.integers(300, 500))
            else:  # what the store sold since, and 0 to 12 units left: some run short
                qty = int(sold[int(code[1:]) - 1, j].sum()) + int(rng.integers(0, 13))
            opening.append(
                {
                    "product": product,
                    "unit": unit,
                    "quantity": float(qty),
                    "from_location": lost_found,
                    "to_location": loc,
                    "company": company,
                    "planned_date": received,
                    "effective_date": received,
                }
            )
    client.model("stock.move", "do", _create(client, "stock.move", opening))

    # Daily store sales: one done customer shipment per store and day.
    [buyer] = _create(
        client,
        "party.party",
        [
            {
                "name": "Walk-in customers",
                "customer_location": customer,
                "addresses": [["create", [{"street": "High Street"}]]],
            }
        ],
    )
    buyer_address = client.model("party.address", "search", [("party", "=", buyer)], 0, 1, None)[0]
    shipments = []
    dates = []
    for s in range(stores):
        code = f"S{s + 1}"
        for d in range(days):
            day = as_of - timedelta(days=days - 1 - d)
            moves = [
                {
                    "product": product,
                    "unit": unit,
                    "quantity": float(sold[s, j, d]),
                    "from_location": output[code],
                    "to_location": customer,
                    "company": company,
                    "unit_price": Decimal(f"{cost[j] * 1.6:.2f}"),
                    "currency": currency,
                    "planned_date": day,
                }
                for j, product in enumerate(products)
                if sold[s, j, d] > 0
            ]
            if moves:
                dates.append(day)
                shipments.append(
                    {
                        "company": company,
                        "customer": buyer,
                        "delivery_address": buyer_address,
                        "warehouse": warehouses[code],
                        "warehouse_storage": storage[code],
                        "warehouse_output": output[code],
                        "planned_date": day,
                        "outgoing_moves": [["create", moves]],
                    }
                )
    out_ids = _create(client, "stock.shipment.out", shipments)
    for step in ("wait", "assign_try"):
        client.model("stock.shipment.out", step, out_ids)
    # Each sale is dated on its day, picking included (`do` would date the moves today).
    rows = client.model(
        "stock.shipment.out", "read", out_ids, ["inventory_moves", "outgoing_moves"]
    )
    moved = {int(r["id"]): r["inventory_moves"] + r["outgoing_moves"] for r in rows}
    shipment_dates: list[Any] = []
    move_dates: list[Any] = []
    for sid, day in zip(out_ids, dates, strict=True):
        shipment_dates += [[sid], {"effective_date": day}]
        move_dates += [moved[sid], {"effective_date": day}]
    client.model("stock.shipment.out", "write", *shipment_dates)
    client.model("stock.move", "write", *move_dates)
    for step in ("pick", "pack", "do"):
        client.model("stock.shipment.out", step, out_ids)
    n_sales = int((sold > 0).sum())

    # An open purchase order: quoted and confirmed, arriving at the DC in five days.
    [po] = _create(
        client,
        "purchase.purchase",
        [
            {
                "company": company,
                "party": suppliers[0],
                "invoice_address": client.model(
                    "party.address", "search", [("party", "=", suppliers[0])], 0, 1, None
                )[0],
                "warehouse": dc,
                "currency": currency,
                "purchase_date": as_of - timedelta(days=2),
                "delivery_date": as_of + timedelta(days=5),
                "invoice_method": "manual",
                "reference": "SEED-PO-1",
                "lines": [
                    [
                        "create",
                        [
                            {
                                "type": "line",
                                "product": products[0],
                                "quantity": 120.0,
                                "unit": unit,
                                "unit_price": Decimal(f"{cost[0]:.2f}"),
                            }
                        ],
                    ]
                ],
            }
        ],
    )
    client.model("purchase.purchase", "quote", [po])
    client.model("purchase.purchase", "confirm", [po])

    # An internal shipment in transit from the DC to the first store.
    first_store = "S1"
    [shipment] = _create(
        client,
        "stock.shipment.internal",
        [
            {
                "company": company,
                "from_location": dc_storage,
                "to_location": storage[first_store],
                "planned_start_date": as_of - timedelta(days=1),
                "planned_date": as_of + timedelta(days=1),
                "reference": "SEED-TR-1",
                "moves": [
                    [
                        "create",
                        [
                            {
                                "product": products[1],
                                "unit": unit,
                                "quantity": 24.0,
                                "from_location": dc_storage,
                                "to_location": storage[first_store],
                                "company": company,
                            }
                        ],
                    ]
                ],
            }
        ],
    )
    client.model("stock.shipment.internal", "wait", [shipment])
    client.model("stock.shipment.internal", "assign_try", [shipment])
    client.model(
        "stock.shipment.internal",
        "write",
        [shipment],
        {"effective_start_date": as_of - timedelta(days=1)},
    )
    client.model("stock.shipment.internal", "pack", [shipment])
    client.model("stock.shipment.internal", "ship", [shipment])
    return {
        "warehouses": len(storage),
        "products": len(products),
        "suppliers": len(suppliers),
        "opening_moves": len(opening),
        "sales_moves": n_sales,
        "purchases": 1,
        "shipments": 1,
    }
