"""Entity resolution on the demo network: ids in any form, names, aliases, typos, ambiguity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from erp.demo import generate_demo
from planning.network import NetworkData
from tools.resolve import ResolveError, Resolver, load_aliases


@pytest.fixture(scope="module")
def data() -> NetworkData:
    return generate_demo(seed=11, stores=12, skus=40, days=120, as_of=date(2026, 5, 31)).data


@pytest.fixture(scope="module")
def res(data: NetworkData) -> Resolver:
    return Resolver.from_network(data, {"locations": {"S002": ["flagship"]}})


@pytest.mark.parametrize(
    ("kind", "text", "want"),
    [
        ("location", "S007", "S007"),
        ("location", "s007", "S007"),
        ("location", "S7", "S007"),
        ("location", "store 7", "S007"),
        ("location", "Store #7", "S007"),
        ("location", "dc south", "DC-SOUTH"),
        ("location", "South DC", "DC-SOUTH"),
        ("location", "the north warehouse", "DC-NORTH"),
        ("location", "flagship", "S002"),
        ("sku", "sku-0012", "SKU-0012"),
        ("sku", "sku 12", "SKU-0012"),
        ("sku", "SKU12", "SKU-0012"),
        ("supplier", "sup-3", "SUP-03"),
        ("supplier", "supplier 3", "SUP-03"),
        ("supplier", "Blue Ridge", "SUP-03"),
        ("supplier", "northwind traders", "SUP-02"),
        ("supplier", "Northwnd Traders", "SUP-02"),
    ],
)
def test_forms_resolve(res: Resolver, kind: str, text: str, want: str) -> None:
    assert res.require(kind, text) == want  # type: ignore[arg-type]


def test_store_names_and_descriptions_resolve(res: Resolver, data: NetworkData) -> None:
    for row in data.locations.itertuples():
        assert res.require("location", str(row.name).lower()) == row.location_id
    unique = data.items.drop_duplicates("description", keep=False)
    for row in unique.itertuples():
        assert res.require("sku", row.description) == row.sku


def test_numbers_never_match_other_numbers(res: Resolver) -> None:
    with pytest.raises(ResolveError):
        res.require("location", "S013")  # 12 stores: no S013, and never S003 or S001
    with pytest.raises(ResolveError) as err:
        res.require("sku", "SKU-0099")
    assert "nearest" in str(err.value) or "unknown SKU" in str(err.value)


def test_shared_descriptions_are_ambiguous(data: NetworkData, res: Resolver) -> None:
    shared = data.items[data.items.duplicated("description", keep=False)]
    if shared.empty:
        pytest.skip("this network has no repeated description")
    found = res.resolve("sku", str(shared.iloc[0]["description"]))
    assert found.ambiguous and "did you mean" in found.message()


def test_mentions_in_free_text(res: Resolver, data: NetworkData) -> None:
    name = str(data.locations.set_index("location_id").loc["S004", "name"])
    text = f"how much sku 12 do we hold at the {name} store vs dc north, and is Acme late?"
    got = [(m.entity.id, m.surface) for m in res.mentions(text)]
    assert got == [
        ("SKU-0012", "sku 12"),
        ("S004", f"{name} store"),
        ("DC-NORTH", "dc north"),
        ("SUP-01", "Acme"),
    ]
    assert res.mentions("what needs attention today? top 5 stockouts please") == []


def test_a_typo_in_a_store_name(res: Resolver, data: NetworkData) -> None:
    names = data.locations[data.locations["type"] == "store"]
    long = names[names["name"].str.len() >= 7].iloc[0]
    typo = str(long["name"])[:-2] + str(long["name"])[-1]  # drop one letter
    (match,) = res.mentions(f"stock at {typo} please")
    assert match.entity.id == long["location_id"]
    assert match.named() == f"{long['location_id']} ({typo})"


def test_aliases_file(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("locations:\n  S001: [main street]\nskus:\n  SKU-0001: rice\n")
    assert load_aliases(path) == {
        "locations": {"S001": ["main street"]},
        "skus": {"SKU-0001": ["rice"]},
    }
    assert load_aliases(tmp_path / "missing.yaml") == {}
    path.write_text("planets:\n  X: [y]\n")
    with pytest.raises(ValueError, match="unknown section 'planets'"):
        load_aliases(path)
    path.write_text("locations:\n  S001: 7\n")
    with pytest.raises(ValueError, match="must be a list of strings"):
        load_aliases(path)


def test_ambiguous_phrases_in_free_text(data: NetworkData, res: Resolver) -> None:
    shared = data.items[data.items.duplicated("description", keep=False)]
    if shared.empty:
        pytest.skip("this network has no repeated description")
    desc = str(shared.iloc[0]["description"])
    ids = sorted(shared[shared["description"] == desc]["sku"])
    [(phrase, candidates)] = res.ambiguous(f"how much {desc.lower()} is at S001?")
    assert phrase == desc.lower() and [c.id for c in candidates] == ids
    # A phrase a unique mention resolved, or an id, is never reported.
    assert res.ambiguous(f"stock of {ids[0]} at S001") == []


def test_a_description_tail_two_items_share_is_ambiguous(data: NetworkData) -> None:
    items = data.items.copy()
    items["description"] = [f"Plain Item Number{i}" for i in range(len(items))]
    items.loc[0, "description"] = "Family Size Dog Food"
    items.loc[1, "description"] = "Premium Dog Food"
    res = Resolver.from_network(replace(data, items=items))
    sku_a, sku_b = str(items.loc[0, "sku"]), str(items.loc[1, "sku"])
    assert res.resolve("sku", "dog food").ambiguous
    [(phrase, candidates)] = res.ambiguous("how much dog food is at S001?")
    assert phrase == "dog food" and {c.id for c in candidates} == {sku_a, sku_b}
    assert [m.entity.id for m in res.mentions("stock of family size dog food")] == [sku_a]
    assert [m.entity.id for m in res.mentions("stock of premium dog food")] == [sku_b]


def _swap_inner(name: str) -> str:
    """Swap two neighbouring letters inside a name ("Milford" -> "Milfrod")."""
    i = len(name) // 2
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def test_one_swapped_or_missing_letter_in_a_place_name(res: Resolver, data: NetworkData) -> None:
    stores = data.locations[data.locations["type"] == "store"]
    checked = 0
    for row in stores.itertuples():
        name = str(row.name)
        if len(name) < 6 or " " in name or name[len(name) // 2] == name[len(name) // 2 + 1]:
            continue
        for typo in (_swap_inner(name), name[:3] + name[4:], name.lower()[:-1]):
            found = res.mentions(f"late pos at {typo}?")
            assert [m.entity.id for m in found] == [row.location_id], (typo, found)
        checked += 1
    assert checked >= 3


def test_a_typo_never_makes_a_name_of_a_short_or_other_word(res: Resolver) -> None:
    assert res.mentions("what is on order this week overall?") == []
    assert res.mentions("show me the planner view") == []


def test_item_names_read_in_the_plural(data: NetworkData, res: Resolver) -> None:
    items = data.items.set_index("sku")["description"]
    sku = next(s for s, d in items.items() if len(str(d).split()) >= 3 and str(d)[-1] not in "sy")
    desc = str(items[sku]).lower()
    plural = f"{desc}es" if desc.endswith(("x", "ch", "sh")) else f"{desc}s"
    found = res.resolve("sku", plural)
    assert found.match is not None and found.match.entity.id == sku


def test_a_kind_word_and_a_little_word_are_not_a_typo_of_a_store_name(data: NetworkData) -> None:
    locations = data.locations.copy()
    store = locations.index[locations["type"] == "store"][0]
    locations.loc[store, "name"] = "Troy"
    res = Resolver.from_network(replace(data, locations=locations))
    assert res.mentions("is it cheaper to send it store to store?") == []
    (match,) = res.mentions("send it store to store from troy")
    assert match.entity.id == locations.loc[store, "location_id"]


@pytest.mark.parametrize("number", [3, 12, 27, 40])
@pytest.mark.parametrize("pad", [True, False])
def test_a_bare_number_in_a_sku_slot_is_the_sku_with_that_number(
    res: Resolver, number: int, pad: bool
) -> None:
    sku = f"SKU-{number:04d}"
    written = f"{number:04d}" if pad else str(number)
    got = res.resolve("sku", written)
    assert got.match is not None and got.match.entity.id == sku
    assert got.match.named() == f"{sku} ({written})"  # the answer says how it was read
    assert res.require("sku", written) == sku


def test_a_bare_number_no_sku_has_is_still_unknown(res: Resolver) -> None:
    with pytest.raises(ResolveError, match="unknown SKU '0999'"):
        res.require("sku", "0999")


@pytest.mark.parametrize(
    ("template", "number"),
    [
        ("stock of {n} at store 3", 7),
        ("move 12 {n} from DC-NORTH to S002", 21),
        ("no, the {n} one", 33),
        ("who supplies {n}?", 5),
        ("order 80 {n} from SUP-03", 40),
    ],
)
def test_a_zero_padded_number_in_free_text_is_a_sku(
    res: Resolver, template: str, number: int
) -> None:
    text = template.format(n=f"{number:04d}")
    skus = [m.entity.id for m in res.mentions(text) if m.entity.kind == "sku"]
    assert skus == [f"SKU-{number:04d}"]


@pytest.mark.parametrize(
    "text",
    [
        "move 12 of SKU-0003 to S002",
        "cover for 0030 days",
        "PO-000012 is late",
        "transfer 12 to S002",
    ],
)
def test_quantities_durations_and_document_numbers_are_not_skus(res: Resolver, text: str) -> None:
    skus = [m.entity.id for m in res.mentions(text) if m.entity.kind == "sku"]
    assert skus == (["SKU-0003"] if "SKU-0003" in text else [])


@pytest.mark.parametrize(
    "text",
    [
        "transfer 0020 SKU-0003 from DC-NORTH to S002",
        "move 0012 of SKU-0003 to S001",
        "SKU-0003: send 0010 units to S002",
    ],
)
def test_a_zero_padded_number_is_no_sku_when_a_sku_is_named(res: Resolver, text: str) -> None:
    assert [m.entity.id for m in res.mentions(text, ["sku"])] == ["SKU-0003"]


@pytest.mark.parametrize(
    "text",
    ["what's on PO 0010?", "status of transfer #0012", "is TO 0005 shipped", "PO no. 0010 please",
     "look up order 0011"],
)  # fmt: skip
def test_a_number_after_a_document_word_is_no_sku(res: Resolver, text: str) -> None:
    assert [m.entity.id for m in res.mentions(text, ["sku"])] == []


@pytest.mark.parametrize(("text", "sku"), [("how much 0016 is at S002?", "SKU-0016"),
                                           ("move 12 0002 to S001", "SKU-0002")])  # fmt: skip
def test_a_zero_padded_number_alone_is_still_its_sku(res: Resolver, text: str, sku: str) -> None:
    assert [m.entity.id for m in res.mentions(text, ["sku"])] == [sku]


# -- a name in another word order, a typo in a shared name ------------------------------------


@pytest.fixture(scope="module")
def twins(data: NetworkData) -> Resolver:
    """The network with two two-word items of one name (no shorter form of it names either)."""
    items = data.items.copy()
    items.loc[items.sku == "SKU-0003", "description"] = "Deluxe Sunscreen"
    items.loc[items.sku == "SKU-0030", "description"] = "Deluxe Sunscreen"
    items.loc[items.sku == "SKU-0031", "description"] = "Premium Sunscreen"
    return Resolver.from_network(replace(data, items=items))


def test_a_name_said_in_another_word_order_is_that_item(twins: Resolver) -> None:
    found = twins.mentions("stock of the sunscreen premium at S002", ("sku",))
    assert [(m.entity.id, m.surface) for m in found] == [("SKU-0031", "sunscreen premium")]


@pytest.mark.parametrize("text", ["how many sunscreen deluxe at S002", "deluxe sunscren at S002"])
def test_a_shared_name_in_other_words_is_asked_about_never_guessed(
    twins: Resolver, text: str
) -> None:
    assert not twins.mentions(text, ("sku",))
    ((phrase, candidates),) = twins.ambiguous(text, ("sku",))
    assert phrase in text
    assert [c.id for c in candidates] == ["SKU-0003", "SKU-0030"]


def test_a_typod_name_close_to_two_names_is_asked_about(data: NetworkData) -> None:
    # "deluxe sunscre" is as near "Deluxe Sunscreen" as "Deluxe Sunscreem": the fuzzy match's
    # close margin applies to a phrase in free text as to a tool argument (one path).
    items = data.items.copy()
    items["description"] = [f"Plain Item Number{i}" for i in range(len(items))]
    items.loc[0, "description"] = "Deluxe Sunscreen"
    items.loc[1, "description"] = "Deluxe Sunscreem"
    res = Resolver.from_network(replace(data, items=items))
    ids = {str(items.loc[0, "sku"]), str(items.loc[1, "sku"])}
    assert res.resolve("sku", "deluxe sunscre").ambiguous
    [(phrase, candidates)] = res.ambiguous("how much deluxe sunscre is at S001?")
    assert phrase == "deluxe sunscre" and {c.id for c in candidates} == ids


def test_an_ordinal_before_a_rank_is_no_dc_name(data: NetworkData) -> None:
    renamed = {"DC-NORTH": "DC-01", "DC-SOUTH": "DC-02"}
    locations = data.locations.replace({"location_id": renamed, "source_location": renamed})
    res = Resolver.from_network(replace(data, locations=locations))
    assert [m.entity.id for m in res.mentions("open supply at the first warehouse")] == ["DC-01"]
    assert res.mentions("which is the first warehouse to run out?") == []
    assert res.mentions("the second DC on the list") == []
