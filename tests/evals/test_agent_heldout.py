"""The held-out agent splits load and every case is well formed against its network.

Checked for the first split (`agent_heldout_v1`, the default of `--split heldout`), for the v3
split (`agent_heldout_v3`), the v4 split (`agent_heldout_v4`), the v5 split (`agent_heldout_v5`),
the v6 split (`agent_heldout_v6`), the v7 split (`agent_heldout_v7`) and the fresh v8 split
(`agent_heldout_v8`), the v9 split (`agent_heldout_v9`) and the fresh v10 split (`agent_heldout_v10`) the v11 split (`agent_heldout_v11`), the v12 split (`agent_heldout_v12`) and the fresh v13 split (`agent_heldout_v13`), each on a network no earlier split used (v4's also of another shape: 16
stores, 240 SKUs, 3 DCs; v5's of a third: 24 stores, 160 SKUs, 4 DCs; v6's of a fourth: 32 stores,
180 SKUs, 2 DCs, in another season; v7's of a fifth: 27 stores, 220 SKUs, 3 DCs, in late summer;
v8's of a sixth: 16 stores, 360 SKUs, 2 DCs, in early spring; v9's of a seventh: 22 stores, 240
SKUs, 2 DCs, before the holiday peak; v10's on a new seed and date in the default shape: 20 stores,
300 SKUs, 2 DCs, early November; v11's of an eighth shape: 24 stores, 300 SKUs, 3 DCs, the weekend
after Thanksgiving; v12's of a ninth: 28 stores, 280 SKUs, 2 DCs, post-holiday January; v13's of a tenth: 18 stores, 260 SKUs, 3 DCs, early summer), and the persona set (`agent_persona_heldout`, its held-out
third, with its development part `evals/datasets/agent_persona.jsonl`: four personas' requests on
a seed-88 network of 16 stores, 240 SKUs and 2 DCs, as of 2026-12-01). The development set
`evals/datasets/agent_capabilities.jsonl` (seed 263, 16 stores, 240 SKUs, 3 DCs) is checked for form too. Only the form is
checked here: the split is scored with `stockpilot eval --suite agent --split
heldout`, never by the test suite against a baseline (see evals/datasets/heldout/README.md).
"""

from __future__ import annotations

import json
import re

import pytest

from erp.demo import generate_demo
from evals.agent_eval import (
    HELDOUT_DATASET,
    MATCH_MODES,
    SPLITS,
    Case,
    Dataset,
    Decide,
    Turn,
    is_aggregate_only,
    load_dataset,
    score_case,
)
from tools.planner import TOOLS

TOOL_NAMES = {t.name for t in TOOLS}
IDS = re.compile(r"\b(SKU-\d{4}|S\d{3}|DC-[A-Z0-9]+|SUP-\d{2}|PO-\d{6}|TR-\d{6})\b")


V3_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v3.jsonl"
V4_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v4.jsonl"
V5_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v5.jsonl"
V6_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v6.jsonl"
V7_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v7.jsonl"
V8_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v8.jsonl"
V9_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v9.jsonl"
V10_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v10.jsonl"
V11_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v11.jsonl"
V12_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v12.jsonl"
V13_DATASET = HELDOUT_DATASET.parent / "agent_heldout_v13.jsonl"
CHECKED = [
    HELDOUT_DATASET,
    V3_DATASET,
    V4_DATASET,
    V5_DATASET,
    V6_DATASET,
    V7_DATASET,
    V8_DATASET,
    V9_DATASET,
    V10_DATASET,
    V11_DATASET,
    V12_DATASET,
    V13_DATASET,
]
SHAPE = ("stores", "skus", "dcs")
PERSONA_HELDOUT = HELDOUT_DATASET.parent / "agent_persona_heldout.jsonl"
PERSONA_DEV = HELDOUT_DATASET.parents[1] / "agent_persona.jsonl"
PERSONAS = ("store_manager", "buyer_email", "non_native", "terse_senior")
# A second writer's development set aimed at five capabilities (seed 263, 16 stores, 3 DCs).
CAPABILITIES_DEV = HELDOUT_DATASET.parents[1] / "agent_capabilities.jsonl"
CAPABILITIES = ("buy_now", "open_supply", "what_if", "policy", "thread")
# Every file whose form is checked: the held-out splits, the persona set's two parts and the
# capabilities development set.
FORMED = [*CHECKED, PERSONA_HELDOUT, PERSONA_DEV, CAPABILITIES_DEV]


@pytest.fixture(scope="module", params=CHECKED, ids=lambda p: p.stem)
def split(request: pytest.FixtureRequest) -> Dataset:
    return load_dataset(request.param)


@pytest.fixture(scope="module")
def network(split: Dataset):  # type: ignore[no-untyped-def]
    return generate_demo(**split.network).data


@pytest.fixture(scope="module", params=FORMED, ids=lambda p: p.stem)
def formed(request: pytest.FixtureRequest) -> Dataset:
    return load_dataset(request.param)


@pytest.fixture(scope="module")
def formed_network(formed: Dataset):  # type: ignore[no-untyped-def]
    return generate_demo(**formed.network).data


def test_the_split_is_selected_by_name_and_sized(split: Dataset) -> None:
    assert SPLITS["heldout"] == HELDOUT_DATASET and SPLITS["dev"] != HELDOUT_DATASET
    assert split.meta["dataset"] == split.path.name
    assert split.meta["split"] == "heldout" and split.version
    assert len(split.cases) >= 60
    conversations = [c for c in split.cases if len(c.requests) > 1]
    assert len(conversations) >= 15
    assert sum(c.adversarial for c in split.cases) >= 10
    assert any(isinstance(s, Decide) for c in split.cases for s in c.steps)
    tags = {t for c in split.cases for t in c.tags}
    for needed in (
        "alias",
        "typo",
        "follow_up",
        "ordinal",
        "amend",
        "status",
        "totals",
        "comparison",
        "open_supply",
        "network",
        "category",
        "buy_now",
        "what_if",
        "promotion",
        "policy",
        "drafting",
        "impossible_lane",
        "prompt_injection",
        "self_approval",
        "skip_approval",
    ):
        assert needed in tags, needed


def test_every_turn_is_well_formed(formed: Dataset) -> None:
    for case in formed.cases:
        assert case.tags, case.id
        steps = case.steps
        for i, step in enumerate(steps):
            if isinstance(step, Decide):
                before = [s for s in steps[:i] if isinstance(s, Case)]
                assert before and before[-1].expected_proposal is not None, case.id
                continue
            assert step.request.strip(), step.id
            assert step.match in MATCH_MODES, step.id
            for tools in (step.expected_trajectory or (), *step.alternatives):
                assert set(tools) <= TOOL_NAMES, (step.id, tools)
            if step.adversarial:
                assert step.expect_no_proposal and step.expected_proposal is None, step.id
            # Engine quantities are never pinned: a quantity is exact (the planner's) or free.
            p = step.expected_proposal
            if p is not None and p.qty_min is not None:
                assert p.qty_min == p.qty_max and str(p.qty_min) in step.request, step.id


def test_ids_and_proposals_exist_in_the_network(formed: Dataset, formed_network) -> None:  # type: ignore[no-untyped-def]
    split, network = formed, formed_network
    known = (
        set(network.items["sku"])
        | set(network.locations["location_id"])
        | set(network.suppliers["supplier_id"])
        | set(network.purchase_orders["po_id"])
        | set(network.transfers["transfer_id"])
    )
    lanes = set(zip(network.lanes["from_location"], network.lanes["to_location"], strict=True))
    sells = set(
        zip(network.item_suppliers["sku"], network.item_suppliers["supplier_id"], strict=True)
    )
    for case in split.cases:
        for step in case.requests:
            if "prompt_injection" in case.tags:
                continue
            named = set(IDS.findall(step.request.upper()))
            for fact in step.expected_facts:
                named |= {i for option in fact for i in IDS.findall(option)}
            assert named <= known, (step.id, named - known)
            p = step.expected_proposal
            if p is None:
                continue
            assert p.sku in known, step.id
            if p.kind == "transfer":
                assert p.to_location in known, step.id
                if p.from_location is not None:
                    assert (p.from_location, p.to_location) in lanes, step.id
            else:
                assert p.location_id in known, step.id
                if p.supplier_id is not None:
                    assert (p.sku, p.supplier_id) in sells, step.id


def test_v3_runs_on_a_network_no_earlier_split_used() -> None:
    folder = HELDOUT_DATASET.parent
    v3 = load_dataset(V3_DATASET).network
    for earlier in ("agent_heldout_v1.jsonl", "agent_heldout_v2.jsonl"):
        network = load_dataset(folder / earlier).network
        assert network["seed"] != v3["seed"] and network["as_of"] != v3["as_of"], earlier
    assert set(load_dataset(SPLITS["dev"]).network.items()) != set(v3.items())


def test_v4_runs_on_a_network_no_earlier_split_used() -> None:
    folder = HELDOUT_DATASET.parent
    v4 = load_dataset(V4_DATASET).network
    for earlier in ("agent_heldout_v1.jsonl", "agent_heldout_v2.jsonl", "agent_heldout_v3.jsonl"):
        network = load_dataset(folder / earlier).network
        assert network["seed"] != v4["seed"] and network["as_of"] != v4["as_of"], earlier
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v4["seed"] and dev.get("as_of") != v4["as_of"]


def test_v5_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    folder = HELDOUT_DATASET.parent
    v5 = load_dataset(V5_DATASET).network
    earlier = [f"agent_heldout_v{n}.jsonl" for n in range(1, 5)]
    for name in earlier:
        network = load_dataset(folder / name).network
        assert network["seed"] != v5["seed"] and network["as_of"] != v5["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v5.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v5["seed"] and dev.get("as_of") != v5["as_of"]


def test_v5_is_sized_for_a_fresh_measure() -> None:
    v5 = load_dataset(V5_DATASET)
    turns = [step for case in v5.cases for step in case.requests]
    assert len(v5.cases) >= 85 and len(turns) >= 110
    assert sum(len(case.requests) > 1 for case in v5.cases) >= 25
    assert sum(case.adversarial for case in v5.cases) >= 15
    # Each DC of the network is asked about, so the fourth DC's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-03", "DC-04"} <= dcs


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("You have **10 exceptions** (P1 or more urgent) open right now.", True),
        ("There are 10 P1s open.", True),
        ("Here are the top 10 exceptions by money at risk.", False),
        ("You have **9 exceptions** at P1.", False),
    ],
)
def test_v5_p1_count_accepts_the_count_in_bold_with_its_noun(answer: str, accepted: bool) -> None:
    """The count bolded with its noun answers "how many P1s"; a "top 10" list does not."""
    (case,) = [c for c in load_dataset(V5_DATASET).cases if c.id == "h5-p1-count"]
    checks = score_case(case, Turn(request=case.request, answer=answer))["checks"]
    assert checks["facts"] is accepted


def test_v6_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    folder = HELDOUT_DATASET.parent
    v6 = load_dataset(V6_DATASET).network
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 6)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v6["seed"] and network["as_of"] != v6["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v6.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v6["seed"] and dev.get("as_of") != v6["as_of"]


def test_v6_is_sized_for_a_fresh_measure() -> None:
    v6 = load_dataset(V6_DATASET)
    turns = [step for case in v6.cases for step in case.requests]
    assert len(v6.cases) >= 75 and len(turns) >= 100
    assert sum(len(case.requests) > 1 for case in v6.cases) >= 22
    assert sum(case.adversarial for case in v6.cases) >= 12
    assert sum(isinstance(s, Decide) for case in v6.cases for s in case.steps) >= 3
    # Both DCs of the network are asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH"} <= dcs
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}


def test_v7_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    folder = HELDOUT_DATASET.parent
    v7 = load_dataset(V7_DATASET).network
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 7)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v7["seed"] and network["as_of"] != v7["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v7.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v7["seed"] and dev.get("as_of") != v7["as_of"]


def test_v7_is_sized_for_a_fresh_measure() -> None:
    v7 = load_dataset(V7_DATASET)
    turns = [step for case in v7.cases for step in case.requests]
    assert len(v7.cases) >= 100 and len(turns) >= 130
    # Follow-ups were the weakest area: at least 30 conversations of several turns.
    assert sum(len(case.requests) > 1 for case in v7.cases) >= 30
    assert sum(case.adversarial for case in v7.cases) >= 15
    assert sum(isinstance(s, Decide) for case in v7.cases for s in case.steps) >= 4
    # Each of the three DCs is asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH", "DC-03"} <= dcs
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}


def test_v7_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V7_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v8_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    folder = HELDOUT_DATASET.parent
    v8 = load_dataset(V8_DATASET).network
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 8)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v8["seed"] and network["as_of"] != v8["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v8.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v8["seed"] and dev.get("as_of") != v8["as_of"]


def test_v8_is_sized_for_a_fresh_measure() -> None:
    v8 = load_dataset(V8_DATASET)
    turns = [step for case in v8.cases for step in case.requests]
    assert len(v8.cases) >= 90 and len(turns) >= 130
    assert sum(len(case.requests) > 1 for case in v8.cases) >= 32
    assert sum(case.adversarial for case in v8.cases) >= 14
    decisions = {s.decision for case in v8.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    assert sum("engine_figure" in case.tags for case in v8.cases) >= 15
    # Both DCs of the network are asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH"} <= dcs
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}


def test_v8_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V8_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v9_runs_on_a_network_of_a_new_seed_and_shape() -> None:
    folder = HELDOUT_DATASET.parent
    v9 = load_dataset(V9_DATASET).network
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 9)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v9["seed"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v9.get(k) for k in SHAPE), name
        # v3's network has the same as-of date (2026-11-24) on another seed and shape.
        if name != "agent_heldout_v3.jsonl":
            assert network["as_of"] != v9["as_of"], name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v9["seed"] and dev.get("as_of") != v9["as_of"]


def test_v9_is_sized_for_a_fresh_measure() -> None:
    v9 = load_dataset(V9_DATASET)
    turns = [step for case in v9.cases for step in case.requests]
    assert len(v9.cases) >= 95 and len(turns) >= 130
    assert sum(len(case.requests) > 1 for case in v9.cases) >= 30
    assert sum(case.adversarial for case in v9.cases) >= 15
    decisions = {s.decision for case in v9.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    assert sum("engine_figure" in case.tags for case in v9.cases) >= 20
    # Both DCs of the network are asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH"} <= dcs
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}
    # Approvers of both kinds decide between turns: an approver and an admin.
    deciders = {s.user for case in v9.cases for s in case.steps if isinstance(s, Decide)}
    assert {"bob", "carol"} <= deciders


def test_v9_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V9_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v10_runs_on_a_network_of_a_new_seed_and_date() -> None:
    """v10 keeps the default shape (20 stores, 300 SKUs, 2 DCs) on a seed and date no split used."""
    folder = HELDOUT_DATASET.parent
    v10 = load_dataset(V10_DATASET).network
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 10)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v10["seed"] and network["as_of"] != v10["as_of"], name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v10["seed"] and dev.get("as_of") != v10["as_of"]


def test_v10_is_sized_for_a_fresh_measure() -> None:
    v10 = load_dataset(V10_DATASET)
    turns = [step for case in v10.cases for step in case.requests]
    assert len(v10.cases) >= 64 and len(turns) >= 100
    assert sum(len(case.requests) > 1 for case in v10.cases) >= 25
    assert sum(case.adversarial for case in v10.cases) >= 12
    decisions = {s.decision for case in v10.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    deciders = {s.user for case in v10.cases for s in case.steps if isinstance(s, Decide)}
    assert {"bob", "carol"} <= deciders
    # Both DCs of the network are asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH"} <= dcs
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}
    # Hedged questions ("would it make sense to ...") must write nothing.
    hedged = [s for c in v10.cases if "hedged" in c.tags for s in c.requests]
    assert hedged and any(s.expect_no_proposal for s in hedged)


def test_v10_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V10_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v11_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    """v11: 24 stores, 300 SKUs, 3 DCs on a seed and date no split (nor the dev set) used."""
    folder = HELDOUT_DATASET.parent
    v11 = load_dataset(V11_DATASET).network
    assert v11["dcs"] == 3
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 11)]:
        network = load_dataset(folder / name).network
        assert network["seed"] != v11["seed"] and network["as_of"] != v11["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v11.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v11["seed"] and dev.get("as_of") != v11["as_of"]


def test_v11_network_is_built_with_its_three_dcs() -> None:
    """The harness builds the network from the meta's `network` dict, `dcs` included."""
    data = generate_demo(**load_dataset(V11_DATASET).network).data
    dcs = data.locations[data.locations["type"] == "dc"]
    assert sorted(dcs["location_id"]) == ["DC-03", "DC-NORTH", "DC-SOUTH"]
    assert (data.locations["type"] == "store").sum() == 24


def test_v11_is_sized_for_a_fresh_measure() -> None:
    v11 = load_dataset(V11_DATASET)
    turns = [step for case in v11.cases for step in case.requests]
    assert len(v11.cases) >= 80 and len(turns) >= 120
    assert sum(len(case.requests) > 1 for case in v11.cases) >= 30
    assert sum(case.adversarial for case in v11.cases) >= 12
    decisions = {s.decision for case in v11.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    deciders = {s.user for case in v11.cases for s in case.steps if isinstance(s, Decide)}
    assert {"bob", "carol"} <= deciders
    # Each of the three DCs is asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH", "DC-03"} <= dcs
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}
    hedged = [s for c in v11.cases if "hedged" in c.tags for s in c.requests]
    assert hedged and any(s.expect_no_proposal for s in hedged)


def test_v11_reference_calls_cover_every_planner_turn() -> None:
    """agent_heldout_v11.reference.json holds each planner turn's reference calls, real tools."""
    v11 = load_dataset(V11_DATASET)
    ref = json.loads(V11_DATASET.with_name("agent_heldout_v11.reference.json").read_text())
    assert set(ref["calls"]) == {c.id for c in v11.cases}
    for case in v11.cases:
        assert len(ref["calls"][case.id]) == len(case.requests), case.id
        for calls in ref["calls"][case.id]:
            assert {call["name"] for call in calls} <= TOOL_NAMES, case.id


def test_v11_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V11_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v12_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    """v12: 28 stores, 280 SKUs, 2 DCs in January on a seed and date no split (nor a dev set) used."""
    folder = HELDOUT_DATASET.parent
    v12 = load_dataset(V12_DATASET).network
    assert v12["dcs"] == 2
    earlier = [f"agent_heldout_v{n}.jsonl" for n in range(1, 12)] + ["agent_persona_heldout.jsonl"]
    for name in earlier:
        network = load_dataset(folder / name).network
        assert network["seed"] != v12["seed"] and network["as_of"] != v12["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v12.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v12["seed"] and dev.get("as_of") != v12["as_of"]


def test_v12_network_is_built_with_its_shape() -> None:
    """The harness builds the network from the meta's `network` dict: 28 stores under two DCs."""
    data = generate_demo(**load_dataset(V12_DATASET).network).data
    dcs = data.locations[data.locations["type"] == "dc"]
    assert sorted(dcs["location_id"]) == ["DC-NORTH", "DC-SOUTH"]
    assert (data.locations["type"] == "store").sum() == 28
    assert len(data.items) == 280


def test_v12_is_sized_for_a_fresh_measure() -> None:
    v12 = load_dataset(V12_DATASET)
    turns = [step for case in v12.cases for step in case.requests]
    assert len(v12.cases) >= 64 and len(turns) >= 90
    assert sum(len(case.requests) > 1 for case in v12.cases) >= 20
    assert sum(case.adversarial for case in v12.cases) >= 12
    decisions = {s.decision for case in v12.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    deciders = {s.user for case in v12.cases for s in case.steps if isinstance(s, Decide)}
    assert {"bob", "carol"} <= deciders
    # Both DCs are asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH"} <= dcs
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}
    hedged = [s for c in v12.cases if "hedged" in c.tags for s in c.requests]
    assert hedged and any(s.expect_no_proposal for s in hedged)
    # Every adversarial turn must draft nothing (the grader also checks no ERP write).
    assert all(s.expect_no_proposal for s in turns if s.adversarial)


def test_v12_reference_calls_cover_every_planner_turn() -> None:
    """agent_heldout_v12.reference.json holds each planner turn's reference calls, real tools."""
    v12 = load_dataset(V12_DATASET)
    ref = json.loads(V12_DATASET.with_name("agent_heldout_v12.reference.json").read_text())
    assert set(ref["calls"]) == {c.id for c in v12.cases}
    for case in v12.cases:
        assert len(ref["calls"][case.id]) == len(case.requests), case.id
        for calls in ref["calls"][case.id]:
            assert {call["name"] for call in calls} <= TOOL_NAMES, case.id


def test_v12_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V12_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_v13_runs_on_a_network_of_a_new_seed_date_and_shape() -> None:
    """v13: 18 stores, 260 SKUs, 3 DCs in June on a seed and date no split (nor a dev set) used."""
    folder = HELDOUT_DATASET.parent
    v13 = load_dataset(V13_DATASET).network
    assert v13["dcs"] == 3
    earlier = [f"agent_heldout_v{n}.jsonl" for n in range(1, 13)] + ["agent_persona_heldout.jsonl"]
    for name in earlier:
        network = load_dataset(folder / name).network
        assert network["seed"] != v13["seed"] and network["as_of"] != v13["as_of"], name
        shape = tuple(network.get(k) for k in SHAPE)
        assert shape != tuple(v13.get(k) for k in SHAPE), name
    dev = load_dataset(SPLITS["dev"]).network
    assert dev.get("seed") != v13["seed"] and dev.get("as_of") != v13["as_of"]


def test_v13_network_is_built_with_its_three_dcs() -> None:
    """The harness builds the network from the meta's `network` dict: 18 stores under three DCs."""
    data = generate_demo(**load_dataset(V13_DATASET).network).data
    dcs = data.locations[data.locations["type"] == "dc"]
    assert sorted(dcs["location_id"]) == ["DC-03", "DC-NORTH", "DC-SOUTH"]
    assert (data.locations["type"] == "store").sum() == 18
    assert len(data.items) == 260


def test_v13_is_sized_and_phrased_for_a_harder_measure() -> None:
    v13 = load_dataset(V13_DATASET)
    turns = [step for case in v13.cases for step in case.requests]
    assert len(v13.cases) >= 60 and len(turns) >= 90
    assert sum(len(case.requests) > 1 for case in v13.cases) >= 20
    assert sum(case.adversarial for case in v13.cases) >= 10
    decisions = {s.decision for case in v13.cases for s in case.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    deciders = {s.user for case in v13.cases for s in case.steps if isinstance(s, Decide)}
    assert {"bob", "carol"} <= deciders
    # Each of the three DCs is asked about, so each one's ids resolve in the grader too.
    dcs = {i for step in turns for f in step.expected_facts for o in f for i in IDS.findall(o)}
    dcs |= {i for step in turns for i in IDS.findall(step.request.upper())}
    assert {"DC-NORTH", "DC-SOUTH", "DC-03"} <= dcs
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}
    hedged = [s for c in v13.cases if "hedged" in c.tags for s in c.requests]
    assert hedged and any(s.expect_no_proposal for s in hedged)
    assert all(s.expect_no_proposal for s in turns if s.adversarial)
    # At least a fifth of the turns are e-mails (greeting, context, signature on several lines)
    # and a fifth sit in conversations written in non-native English.
    assert sum("\n" in s.request for s in turns) >= 0.2 * len(turns)
    non_native = [s for c in v13.cases if "non_native" in c.tags for s in c.requests]
    assert len(non_native) >= 0.2 * len(turns)
    assert sum("store_manager" in c.tags for c in v13.cases) >= 10


def test_v13_reference_calls_cover_every_planner_turn() -> None:
    """agent_heldout_v13.reference.json holds each planner turn's reference calls, real tools."""
    v13 = load_dataset(V13_DATASET)
    ref = json.loads(V13_DATASET.with_name("agent_heldout_v13.reference.json").read_text())
    assert set(ref["calls"]) == {c.id for c in v13.cases}
    assert ref["network"] == v13.meta["network"]
    for case in v13.cases:
        assert len(ref["calls"][case.id]) == len(case.requests), case.id
        for calls in ref["calls"][case.id]:
            assert {call["name"] for call in calls} <= TOOL_NAMES, case.id
    for case_id, words in ref["answer_words"].items():
        assert len(words) == len(ref["calls"][case_id]), case_id


def test_v13_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(V13_DATASET).cases
    ]
    first = commits.index(True)
    assert all(commits[first:]), "a conversation without a commit follows one with a commit"


def test_every_file_of_the_held_out_folder_is_reported_as_aggregates_only() -> None:
    folder = HELDOUT_DATASET.parent
    assert is_aggregate_only(HELDOUT_DATASET)
    assert is_aggregate_only(folder / "agent_heldout_v2.jsonl")
    assert is_aggregate_only(V3_DATASET)
    assert is_aggregate_only(V4_DATASET)
    assert is_aggregate_only(V5_DATASET)
    assert is_aggregate_only(V6_DATASET)
    assert is_aggregate_only(V7_DATASET)
    assert is_aggregate_only(V8_DATASET)
    assert is_aggregate_only(V9_DATASET)
    assert is_aggregate_only(V10_DATASET)
    assert is_aggregate_only(PERSONA_HELDOUT)
    assert is_aggregate_only(V11_DATASET)
    assert is_aggregate_only(V11_DATASET.with_name("agent_heldout_v11.reference.json"))
    assert is_aggregate_only(V12_DATASET)
    assert is_aggregate_only(V12_DATASET.with_name("agent_heldout_v12.reference.json"))
    assert is_aggregate_only(V13_DATASET)
    assert is_aggregate_only(V13_DATASET.with_name("agent_heldout_v13.reference.json"))
    assert not is_aggregate_only(SPLITS["dev"])
    assert not is_aggregate_only(PERSONA_DEV)
    assert not is_aggregate_only(CAPABILITIES_DEV)


def test_persona_set_runs_on_a_network_no_split_used() -> None:
    """The persona set's network (seed 88) is new: no held-out split nor the dev set used it."""
    dev, held = load_dataset(PERSONA_DEV).network, load_dataset(PERSONA_HELDOUT).network
    assert dev == held
    folder = HELDOUT_DATASET.parent
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 11)]:
        assert load_dataset(folder / name).network["seed"] != held["seed"], name
    assert load_dataset(SPLITS["dev"]).network.get("seed") != held["seed"]


def test_persona_set_is_split_a_third_held_out_and_sized() -> None:
    dev, held = load_dataset(PERSONA_DEV), load_dataset(PERSONA_HELDOUT)
    both = [*dev.cases, *held.cases]
    turns = [step for case in both for step in case.requests]
    assert len(both) >= 85 and len(turns) >= 125
    assert sum(len(case.requests) > 1 for case in both) >= 30
    assert sum(case.adversarial for case in both) >= 10
    # The held-out part is about a third of the conversations, of every persona.
    assert 0.28 <= len(held.cases) / len(both) <= 0.38
    for persona in PERSONAS:
        mine = [c for c in both if persona in c.tags]
        assert 0.2 <= len(mine) / len(both) <= 0.3, persona
        assert any(persona in c.tags for c in held.cases), persona
    assert {c.id for c in dev.cases}.isdisjoint(c.id for c in held.cases)
    # No conversation is in both parts (short follow-ups such as "status?" may recur).
    assert {c.request for c in dev.cases}.isdisjoint(c.request for c in held.cases)
    for split in (dev, held):
        assert sum(case.adversarial for case in split.cases) >= 3, split.name
        assert any(isinstance(s, Decide) for c in split.cases for s in c.steps), split.name
        assert any("hedged" in c.tags for c in split.cases), split.name
    decisions = {s.decision for c in both for s in c.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    # Every user kind of the policy file asks something: planner, viewer and an unknown user.
    assert {"alice", "victor", "mallory"} <= {step.user for step in turns}


def test_persona_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    for path in (PERSONA_DEV, PERSONA_HELDOUT):
        commits = [
            any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
            for case in load_dataset(path).cases
        ]
        if True in commits:
            first = commits.index(True)
            assert all(commits[first:]), path.name


def test_persona_reference_calls_cover_every_planner_turn() -> None:
    """The `.reference.json` beside each part holds the reference calls of each planner turn."""
    for path in (PERSONA_DEV, PERSONA_HELDOUT):
        calls = json.loads(path.with_name(path.stem + ".reference.json").read_text())["calls"]
        cases = load_dataset(path).cases
        assert set(calls) == {c.id for c in cases}, path.name
        for case in cases:
            assert len(calls[case.id]) == len(case.requests), case.id
            for turn in calls[case.id]:
                assert {c["name"] for c in turn} <= TOOL_NAMES, case.id


def test_capabilities_set_runs_on_a_network_no_split_used() -> None:
    """The capabilities set's network (seed 263, 3 DCs) is new: no split nor dev set used it."""
    mine = load_dataset(CAPABILITIES_DEV).network
    assert mine["dcs"] == 3
    folder = HELDOUT_DATASET.parent
    for name in [f"agent_heldout_v{n}.jsonl" for n in range(1, 12)]:
        assert load_dataset(folder / name).network["seed"] != mine["seed"], name
    for dev in (SPLITS["dev"], PERSONA_DEV):
        assert load_dataset(dev).network.get("seed") != mine["seed"], dev.name


def test_capabilities_set_covers_each_capability_and_style() -> None:
    data = load_dataset(CAPABILITIES_DEV)
    assert data.meta["split"] == "dev" and len(data.cases) >= 40
    for capability in CAPABILITIES:
        assert sum(capability in c.tags for c in data.cases) >= 9, capability
    n = len(data.cases)
    assert sum("email" in c.tags for c in data.cases) >= 0.25 * n
    assert sum("non_native" in c.tags for c in data.cases) >= 0.2 * n
    assert sum(c.adversarial for c in data.cases) >= 6
    tags = {t for c in data.cases for t in c.tags}
    assert {"prompt_injection", "self_approval", "skip_approval"} <= tags
    decisions = {s.decision for c in data.cases for s in c.steps if isinstance(s, Decide)}
    assert decisions == {"approve", "reject", "edit"}
    policy = [s for c in data.cases if "policy" in c.tags for s in c.requests]
    assert policy and all(s.expect_citation for s in policy)


def test_capabilities_conversations_that_commit_come_last() -> None:
    """An approved or edited draft is written to the ERP: no later conversation may see it."""
    commits = [
        any(isinstance(s, Decide) and s.decision != "reject" for s in case.steps)
        for case in load_dataset(CAPABILITIES_DEV).cases
    ]
    first = commits.index(True)
    assert all(commits[first:])


def test_capabilities_reference_calls_cover_every_planner_turn() -> None:
    calls = json.loads(CAPABILITIES_DEV.with_name("agent_capabilities.reference.json").read_text())
    cases = load_dataset(CAPABILITIES_DEV).cases
    assert set(calls["calls"]) == {c.id for c in cases}
    for case in cases:
        assert len(calls["calls"][case.id]) == len(case.requests), case.id
        for turn in calls["calls"][case.id]:
            assert {c["name"] for c in turn} <= TOOL_NAMES, case.id
