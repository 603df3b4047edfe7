"""One filter for exception records: every criterion, in rank order, cut after filtering."""

from planning.filters import filter_exceptions

RECORDS = [
    {"id": "1", "type": "stockout_risk", "sku": "A", "location": "S1", "money_at_risk": 900.0},
    {"id": "2", "type": "overstock", "sku": "B", "location": "S1", "money_at_risk": 500.0},
    {"id": "3", "type": "stockout_risk", "sku": "B", "location": "S2", "money_at_risk": 120.0},
    {"id": "4", "type": "late_po", "sku": "A", "location": "DC1", "money_at_risk": 0.0},
]


def ids(records):
    return [r["id"] for r in records]


def test_no_criterion_keeps_all_in_order():
    assert ids(filter_exceptions(RECORDS)) == ["1", "2", "3", "4"]
    assert filter_exceptions([]) == []


def test_each_criterion_and_their_combination():
    assert ids(filter_exceptions(RECORDS, type="stockout_risk")) == ["1", "3"]
    assert ids(filter_exceptions(RECORDS, location="S1")) == ["1", "2"]
    assert ids(filter_exceptions(RECORDS, sku="A")) == ["1", "4"]
    assert ids(filter_exceptions(RECORDS, skus={"B"})) == ["2", "3"]
    assert ids(filter_exceptions(RECORDS, skus=set())) == []
    assert ids(filter_exceptions(RECORDS, min_money=500)) == ["1", "2"]
    assert ids(filter_exceptions(RECORDS, type="stockout_risk", sku="B", location="S2")) == ["3"]
    assert filter_exceptions(RECORDS, type="promo_uncovered") == []


def test_top_cuts_after_filtering():
    assert ids(filter_exceptions(RECORDS, sku="B", top=1)) == ["2"]
    assert ids(filter_exceptions(RECORDS, top=0)) == []
    assert ids(filter_exceptions(RECORDS, top=-3)) == []
    assert ids(filter_exceptions(RECORDS, top=10)) == ["1", "2", "3", "4"]
