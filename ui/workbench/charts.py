"""Build the SKU drill-down chart from the API's projection (presentation only, no planning).

One Altair chart, two panels on a shared date axis: demand (history, forecast and its interval
band) above; projected on hand against safety stock and reorder point, open POs / transfers as
markers, and the projection after the proposed action below.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

WIDTH = 760
STOCK_SERIES = {
    "projected_on_hand": "projected on hand",
    "projected_on_hand_after": "after the proposed action",
}
STOCK_COLOURS = {
    "projected on hand": "#1f77b4",
    "after the proposed action": "#2ca02c",
    "reorder point": "#d62728",
    "safety stock": "#ff7f0e",
}


def frames(data: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Return the projection as tidy frames: history, days, supply and policy levels."""
    history = pd.DataFrame(data["history"], columns=["date", "units"])
    days = pd.DataFrame(data["days"])
    supply = pd.DataFrame(
        data["supply"], columns=["kind", "document_id", "qty", "arrival_date", "in_horizon"]
    )
    if data.get("proposal") and data["proposal"].get("applied"):
        p = data["proposal"]
        marker = {
            "kind": f"proposed {p['kind'].replace('_', ' ')}",
            "document_id": p["id"],
            "qty": p["qty"] if p["effect"] == "receipt" else -p["qty"],
            "arrival_date": p["date"],
            "in_horizon": True,
        }
        supply = pd.concat([supply, pd.DataFrame([marker])], ignore_index=True)
    for frame, col in ((history, "date"), (days, "date"), (supply, "arrival_date")):
        if not frame.empty:
            frame[col] = pd.to_datetime(frame[col])
    policy = data["policy"]
    levels = pd.DataFrame(
        [
            {"level": "safety stock", "units": policy.get("safety_stock") or 0.0},
            {"level": "reorder point", "units": policy.get("reorder_point") or 0.0},
        ]
    )
    return {"history": history, "days": days, "supply": supply, "levels": levels}


def drilldown_chart(data: dict[str, Any]) -> alt.VConcatChart:
    """Return the drill-down chart of one SKU-location."""
    f = frames(data)
    history, days, supply, levels = f["history"], f["days"], f["supply"], f["levels"]
    x = alt.X("date:T", title=None)

    # Demand panel: sold units, forecast with its interval band.
    band = (
        alt.Chart(days)
        .mark_area(opacity=0.25, color="#4c78a8")
        .encode(
            x=x,
            y=alt.Y("forecast_lower:Q", title="units / day"),
            y2="forecast_upper:Q",
            tooltip=["date:T", "forecast:Q", "forecast_lower:Q", "forecast_upper:Q", "promo:N"],
        )
    )
    forecast = (
        alt.Chart(days)
        .transform_calculate(series="'forecast'")
        .mark_line(strokeDash=[4, 2])
        .encode(x=x, y="forecast:Q", color=alt.Color("series:N", title=None))
    )
    sold = (
        alt.Chart(history)
        .transform_calculate(series="'sold'")
        .mark_line()
        .encode(x=x, y="units:Q", color="series:N", tooltip=["date:T", "units:Q"])
    )
    interval = round(float(data.get("interval", 0.9)) * 100)
    demand = alt.layer(band, forecast, sold).properties(
        width=WIDTH,
        height=180,
        title=f"Demand: history, forecast and its {interval}% interval ({data['method']})",
    )

    # Stock panel: projected on hand vs safety stock and reorder point, supply markers, after.
    named = days.rename(columns=STOCK_SERIES)
    stock_cols: list[Any] = [STOCK_SERIES["projected_on_hand"]]
    if days["projected_on_hand_after"].notna().any():
        stock_cols.append(STOCK_SERIES["projected_on_hand_after"])
    # One colour scale for lines and levels: now in blue, after the proposal in green, the
    # reorder point in red and the safety stock in orange.
    palette = alt.Scale(domain=list(STOCK_COLOURS), range=list(STOCK_COLOURS.values()))
    on_hand = (
        alt.Chart(named)
        .transform_fold(stock_cols, as_=["series", "units"])
        .mark_line(interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("units:Q", title="units on hand"),
            color=alt.Color("series:N", title=None, scale=palette),
            tooltip=["date:T", "series:N", "units:Q"],
        )
    )
    rules = (
        alt.Chart(levels)
        .mark_rule(strokeDash=[6, 3])
        .encode(
            y="units:Q",
            color=alt.Color("level:N", title=None, scale=palette),
            tooltip=["level:N", "units:Q"],
        )
    )
    layers: list[Any] = [on_hand, rules]
    if not supply.empty:
        layers.append(
            alt.Chart(supply)
            .mark_point(shape="triangle-up", size=120, filled=True)
            .encode(
                x=alt.X("arrival_date:T"),
                y=alt.datum(0),
                shape=alt.Shape("kind:N", title="supply"),
                tooltip=["kind:N", "document_id:N", "qty:Q", "arrival_date:T"],
            )
        )
    stock = alt.layer(*layers).properties(
        width=WIDTH,
        height=220,
        title="Projected on hand vs safety stock and reorder point (markers: arrivals)",
    )
    return alt.vconcat(demand, stock).resolve_scale(x="shared", color="independent")


def numbers_table(data: dict[str, Any]) -> pd.DataFrame:
    """Return the day-by-day numbers behind the chart."""
    days = pd.DataFrame(data["days"])
    cols = [
        "date",
        "forecast",
        "forecast_lower",
        "forecast_upper",
        "receipts",
        "projected_on_hand",
        "unmet",
    ]
    if days["projected_on_hand_after"].notna().any():
        cols += ["receipts_after", "projected_on_hand_after", "unmet_after"]
    return days[cols]
