"""The playbook and the policy file must agree: the approval matrix and the replenishment policy.

The approval gate and the planning engine read `config/policy.yaml`; the playbook documents in
`knowledge/corpus/` state the same rules in prose and tables. These tests parse the documents'
tables (found by their header, whatever the file name) and compare them with the policy file,
so neither can change without the other. The last tests feed modified copies and show that a
disagreement fails with a message naming the field.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from stockpilot.policy import ApprovalPolicy, load_policy

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "knowledge" / "corpus"
POLICY = REPO / "config" / "policy.yaml"

ROLES_HEADER = ("Role", "May draft", "May approve", "Max order value")
USERS_HEADER = ("User", "Role")
CLASSES_HEADER = ("Class", "Share of sales value", "Target service level", "Review period (days)")
OVERSTOCK_HEADER = ("Days of cover", "Action")
MAX_COVER_HEADER = ("Class", "Max days of cover after an order")


def tables(text: str) -> dict[tuple[str, ...], list[list[str]]]:
    """Return the Markdown tables of a text: header -> rows of cells."""
    found: dict[tuple[str, ...], list[list[str]]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines) - 1:
        line, nxt = lines[i].strip(), lines[i + 1].strip()
        if line.startswith("|") and re.fullmatch(r"\|(?:\s*:?-+:?\s*\|)+", nxt):
            header = tuple(c.strip() for c in line.strip("|").split("|"))
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            found[header] = rows
        else:
            i += 1
    return found


def corpus_table(folder: Path, header: tuple[str, ...]) -> list[list[str]]:
    """Return the rows of the one table with this header in the folder's Markdown documents."""
    hits = [
        rows
        for path in sorted(folder.glob("*.md"))
        for head, rows in tables(path.read_text(encoding="utf-8")).items()
        if head == header
    ]
    assert len(hits) == 1, f"expected one table {' | '.join(header)} in {folder}, found {len(hits)}"
    return hits[0]


def number(cell: str) -> float:
    """Return the one number of a cell ("25,000", "top 80 %", "0.98")."""
    found = re.findall(r"\d[\d,]*(?:\.\d+)?", cell)
    assert len(found) == 1, f"expected one number in {cell!r}"
    return float(found[0].replace(",", ""))


def approvals_of(cell: str) -> set[str]:
    text = cell.lower()
    if text.startswith("nothing"):
        return set()
    found = {
        name
        for word, name in (("transfer", "transfer"), ("purchase order", "purchase_order"))
        if word in text
    }
    assert found, f"cannot read the approvals {cell!r}"
    return found


def disagreements(policy: ApprovalPolicy, folder: Path) -> list[str]:
    """Return each rule on which the documents and the policy file differ (empty: they agree)."""
    out: list[str] = []
    rows = corpus_table(folder, ROLES_HEADER)
    roles = {r[0]: r for r in rows}
    if set(roles) != set(policy.roles):
        out.append(f"roles: documents {sorted(roles)} vs policy {sorted(policy.roles)}")
    for name, (_, draft, approve, limit) in roles.items():
        rule = policy.roles.get(name)
        if rule is None:
            continue
        if (draft.lower() == "yes") != rule.may_draft:
            out.append(f"roles.{name}.may_draft: document says {draft!r}, policy {rule.may_draft}")
        if approvals_of(approve) != set(rule.may_approve):
            out.append(
                f"roles.{name}.may_approve: document says {approve!r}, policy "
                f"{sorted(rule.may_approve)}"
            )
        if number(limit) != rule.max_order_value:
            out.append(
                f"roles.{name}.max_order_value: document says {limit}, policy "
                f"{rule.max_order_value:,.0f}"
            )
    users = {u: r for u, r in corpus_table(folder, USERS_HEADER)}
    if users != policy.users:
        out.append(f"users: documents {users} vs policy {policy.users}")

    plan = policy.planning
    if plan is None or plan.service_levels is None:
        return [*out, "planning: the policy file has no service levels by class"]
    classes = {r[0]: r for r in corpus_table(folder, CLASSES_HEADER)}
    if set(classes) != {"A", "B", "C"}:
        out.append(f"planning classes: documents list {sorted(classes)}")
        return out
    cumulative = {"A": number(classes["A"][1]) / 100}
    cumulative["B"] = cumulative["A"] + number(classes["B"][1]) / 100
    for cls in ("A", "B"):
        if abs(cumulative[cls] - plan.abc_thresholds[cls]) > 1e-9:
            out.append(
                f"planning.abc_thresholds.{cls}: documents give a cumulative "
                f"{cumulative[cls]:.2f}, policy {plan.abc_thresholds[cls]}"
            )
    if abs(number(classes["C"][1]) / 100 - (1 - cumulative["B"])) > 1e-9:
        out.append(f"planning classes: C's share {classes['C'][1]!r} does not complete 100 %")
    for cls, (_, _, level, review) in classes.items():
        if number(level) != plan.service_levels[cls]:  # type: ignore[index]
            out.append(
                f"planning.service_levels.{cls}: document says {level}, policy "
                f"{plan.service_levels[cls]}"  # type: ignore[index]
            )
        if number(review) != plan.review_period_days:
            out.append(
                f"planning.review_period_days: document says {review} for class {cls}, policy "
                f"{plan.review_period_days}"
            )
    if plan.max_cover_days is None:
        out.append("planning.max_cover_days: the policy file gives no maximum cover by class")
    else:
        covers = {r[0]: number(r[1]) for r in corpus_table(folder, MAX_COVER_HEADER)}
        given = {str(k): float(v) for k, v in plan.max_cover_days.items()}
        for cls in sorted(set(covers) | set(given)):
            if covers.get(cls) != given.get(cls):
                out.append(
                    f"planning.max_cover_days.{cls}: document says {covers.get(cls)}, policy "
                    f"{given.get(cls)}"
                )
    first = corpus_table(folder, OVERSTOCK_HEADER)[0][0]
    start = number(re.split(r"[–-]", first)[0])
    if start != plan.overstock_days:
        out.append(
            f"planning.overstock_days: document starts at {start:g}, policy {plan.overstock_days}"
        )
    return out


def test_the_playbook_and_the_policy_file_agree():
    assert disagreements(load_policy(POLICY), CORPUS) == []


def test_the_documents_point_at_the_policy_file():
    for name, ref in (
        ("approval-matrix.md", "config/policy.yaml#roles"),
        ("replenishment-policy.md", "config/policy.yaml#planning"),
    ):
        front = (CORPUS / name).read_text(encoding="utf-8").split("---")[1]
        assert ref in yaml.safe_load(front)["policy_refs"]


def edited_policy(tmp_path: Path, edit) -> ApprovalPolicy:
    raw = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return load_policy(path)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            lambda r: r["roles"]["approver"].update(max_order_value=30000),
            "roles.approver.max_order_value",
        ),
        (
            lambda r: r["roles"]["planner"].update(may_approve=["transfer"]),
            "roles.planner.may_approve",
        ),
        (lambda r: r["roles"]["viewer"].update(may_draft=True), "roles.viewer.may_draft"),
        (lambda r: r["users"].update(victor="admin"), "users"),
        (lambda r: r["planning"]["service_levels"].update(B=0.96), "planning.service_levels.B"),
        (lambda r: r["planning"]["abc_thresholds"].update(A=0.7), "planning.abc_thresholds.A"),
        (lambda r: r["planning"].update(review_period_days=14), "planning.review_period_days"),
        (lambda r: r["planning"].update(overstock_days=90), "planning.overstock_days"),
        (lambda r: r["planning"]["max_cover_days"].update(A=60), "planning.max_cover_days.A"),
        (lambda r: r["planning"].pop("max_cover_days"), "planning.max_cover_days"),
        (lambda r: r.pop("planning"), "planning"),
    ],
)
def test_a_policy_file_that_drifts_from_the_documents_fails(tmp_path, edit, field):
    found = disagreements(edited_policy(tmp_path, edit), CORPUS)
    assert found and any(f.startswith(field) for f in found), found


def test_a_document_that_drifts_from_the_policy_file_fails(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in CORPUS.glob("*.md"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    doc = folder / "approval-matrix.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("| 25,000 |", "| 50,000 |"), "utf-8")
    replen = folder / "replenishment-policy.md"
    text = replen.read_text(encoding="utf-8").replace(
        "| C | last 5 % | 0.90 |", "| C | last 5 % | 0.85 |"
    )
    text = text.replace("| C | 120 |", "| C | 150 |")
    replen.write_text(text, encoding="utf-8")
    found = disagreements(load_policy(POLICY), folder)
    assert any("roles.approver.max_order_value: document says 50,000" in f for f in found), found
    assert any("planning.service_levels.C: document says 0.85" in f for f in found), found
    assert any("planning.max_cover_days.C: document says 150" in f for f in found), found
