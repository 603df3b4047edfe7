"""The order list's MOQ-waiting fields (`GET /v1/orders`, `get_routine_orders`) are documented
where the README lists the order list's fields and in the tool's description."""

from __future__ import annotations

import re
from pathlib import Path

from api.routers.orders import OrderPage

README = Path(__file__).resolve().parents[2] / "README.md"


def _waiting_fields() -> list[str]:
    fields = [f for f in OrderPage.model_fields if f.startswith("waiting_for_moq")]
    assert "waiting_for_moq_note" in fields
    return fields


def test_the_readme_orders_row_and_tool_paragraph_name_every_moq_waiting_field() -> None:
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| orders |"))
    start = text.index("(`get_routine_orders`:")
    paragraph = text[start : text.index("forecasts with intervals", start)]
    for field in _waiting_fields():
        assert f"`{field}`" in row, field
        assert f"`{field}`" in paragraph, field


def test_the_tool_description_names_every_moq_waiting_field() -> None:
    from tools.planner import get_routine_orders

    doc = getattr(get_routine_orders, "description", None) or get_routine_orders.__doc__ or ""
    words = set(re.findall(r"\w+", doc))
    for field in _waiting_fields():
        assert field in words, field
