import pytest

from knowledge import KnowledgeError, load_document, load_folder
from knowledge.documents import chunk_id

from .conftest import CORPUS, pdf_bytes

POLICY = """---
title: Transfer policy
owner: Inventory Control Manager
version: 3
date: 2025-11-03
policy_refs: [config/policy.yaml#roles]
---

# Transfer policy

Opening words before the first section.

## 1. Purpose

Why we move stock.

## 2. When to rebalance vs buy

Rebalance when another store has true surplus.

### 2.1 Partial transfers

Only when no purchase order arrives in time.

## Glossary

Lane: an approved route.
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_is_chunked_by_numbered_heading_with_front_matter(tmp_path):
    chunks = load_document(_write(tmp_path, "transfer-policy.md", POLICY))
    got = [(c.section_no, c.section) for c in chunks]
    assert got == [
        ("", "Introduction"),
        ("1", "Purpose"),
        ("2", "When to rebalance vs buy"),
        ("2.1", "Partial transfers"),
        ("", "Glossary"),
    ]
    sub = chunks[3]
    assert sub.section_path == "2. When to rebalance vs buy / 2.1 Partial transfers"
    assert (sub.title, sub.version, sub.owner, sub.date) == (
        "Transfer policy",
        "3",
        "Inventory Control Manager",
        "2025-11-03",
    )
    assert sub.policy_refs == ("config/policy.yaml#roles",)
    assert sub.doc_id == "transfer-policy" and sub.source == "transfer-policy.md"
    assert sub.text == "Only when no purchase order arrives in time."
    assert sub.id == chunk_id("transfer-policy.md", sub.section_path, 0)
    assert "Transfer policy" in sub.embed_text and "Partial transfers" in sub.embed_text


def test_ids_are_stable_and_only_the_edited_section_changes(tmp_path):
    path = _write(tmp_path, "t.md", POLICY)
    first = load_document(path)
    assert [c.id for c in load_document(path)] == [c.id for c in first]
    path.write_text(POLICY.replace("true surplus", "real surplus"), encoding="utf-8")
    second = load_document(path)
    assert [c.id for c in second] == [c.id for c in first]
    changed = [
        a.section_no for a, b in zip(first, second, strict=True) if a.content_hash != b.content_hash
    ]
    assert changed == ["2"]


def test_long_sections_split_at_paragraphs(tmp_path):
    paragraph = " ".join(["word"] * 100)
    text = (
        "---\ntitle: T\nowner: O\nversion: 1\ndate: 2026-01-01\n---\n## 1. Long\n\n"
        + "\n\n".join([paragraph] * 4)
    )
    chunks = load_document(_write(tmp_path, "long.md", text))
    assert [c.chunk_index for c in chunks] == [0, 1]
    assert len({c.id for c in chunks}) == 2
    assert all(c.section_no == "1" for c in chunks)
    one_block = "\n".join(" ".join(["line"] * 30) for _ in range(20))  # 600 words, no blank line
    text = text.split("## 1. Long")[0] + "## 1. Long\n" + one_block
    parts = load_document(_write(tmp_path, "block.md", text))
    assert len(parts) == 3 and all(len(p.text.split()) <= 220 for p in parts)


@pytest.mark.parametrize(
    ("front", "pattern"),
    [
        ("title: T\nowner: O\nversion: 1\n", r"bad\.md: front-matter field 'date' is missing"),
        (
            "title: T\nowner: O\nversion: 1\ndate: soon\n",
            r"bad\.md: front-matter field 'date' must be an ISO date",
        ),
        ("title: ''\nowner: O\nversion: 1\ndate: 2026-01-01\n", r"'title' is missing or empty"),
        (
            "title: T\nowner: [a, b]\nversion: 1\ndate: 2026-01-01\n",
            r"'owner' must be a single value",
        ),
        (
            "title: T\nowner: O\nversion: 1\ndate: 2026-01-01\npolicy_refs: {a: 1}\n",
            r"'policy_refs'",
        ),
        ("title: T\nowner: O\n  version: : 1\n", r"bad\.md, line \d+: bad front-matter"),
        ("- just\n- a list\n", r"must be a mapping"),
    ],
)
def test_bad_front_matter_names_the_file_and_field(tmp_path, front, pattern):
    path = _write(tmp_path, "bad.md", f"---\n{front}---\n## 1. A\ntext\n")
    with pytest.raises(KnowledgeError, match=pattern):
        load_document(path)


def test_unclosed_front_matter_and_non_utf8_are_named(tmp_path):
    with pytest.raises(KnowledgeError, match=r"open\.md, line 1: front-matter .* never closed"):
        load_document(_write(tmp_path, "open.md", "---\ntitle: T\n## 1. A\n"))
    path = tmp_path / "latin.txt"
    path.write_bytes(b"1. Scope\nfirst line\nCaf\xe9 rules\n")
    with pytest.raises(KnowledgeError, match=r"latin\.txt, line 3: not UTF-8"):
        load_document(path)


def test_text_file_with_numbered_headings_and_no_front_matter(tmp_path):
    text = "Store cash handling\n\n1. Scope\nApplies to all tills.\n\n2. Counting the till\nTwo people count the float.\n1. First person counts.\n"
    chunks = load_document(_write(tmp_path, "cash-handling.txt", text))
    assert [(c.section_no, c.section) for c in chunks] == [
        ("", "Introduction"),
        ("1", "Scope"),
        ("2", "Counting the till"),
    ]
    assert chunks[2].text.endswith("1. First person counts.")  # a numbered step is not a heading
    assert (chunks[0].title, chunks[0].version) == ("Cash handling", "")


def test_pdf_is_read_with_its_title_and_numbered_headings(tmp_path):
    path = tmp_path / "returns-sop.pdf"
    path.write_bytes(
        pdf_bytes(
            [
                "1. Purpose",
                "Customer returns are checked the same day.",
                "2. Restocking returned items",
                "Resaleable items go back to the shelf within 24 hours.",
            ],
            title="Returns SOP",
        )
    )
    chunks = load_document(path)
    assert [(c.section_no, c.section) for c in chunks] == [
        ("1", "Purpose"),
        ("2", "Restocking returned items"),
    ]
    assert chunks[0].title == "Returns SOP"
    assert "within 24 hours" in chunks[1].text


def test_broken_pdf_and_unsupported_files(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(KnowledgeError, match=r"broken\.pdf"):
        load_document(bad)
    with pytest.raises(KnowledgeError, match="unsupported file type"):
        load_document(_write(tmp_path, "notes.docx", "x"))


def test_folder_loading_skips_hidden_and_other_files_and_refuses_clashing_ids(tmp_path):
    _write(tmp_path, "a.md", POLICY)
    _write(tmp_path, "readme.docx", "ignored")
    (tmp_path / ".git").mkdir()
    _write(tmp_path / ".git", "HEAD.md", POLICY)
    sub = tmp_path / "sops"
    sub.mkdir()
    _write(sub, "b.txt", "1. Scope\nAll stores.\n")
    chunks = load_folder(tmp_path)
    assert sorted({c.source for c in chunks}) == ["a.md", "sops/b.txt"]
    _write(tmp_path, "a.txt", "1. Scope\nclash\n")
    with pytest.raises(KnowledgeError, match="same document id 'a'"):
        load_folder(tmp_path)


def test_the_shipped_playbook_is_complete():
    chunks = load_folder(CORPUS)
    docs = {c.source: c for c in chunks}
    assert set(docs) == {
        "approval-matrix.md",
        "data-quality-rules.md",
        "overstock-markdown-policy.md",
        "promotion-playbook.md",
        "replenishment-policy.md",
        "supplier-escalation.md",
        "transfer-policy.md",
    }
    for path in CORPUS.glob("*.md"):
        words = len(path.read_text().split())
        assert 400 <= words <= 1200, (path.name, words)
    assert all(c.title and c.owner and c.version and c.date for c in chunks)
    assert all(c.section_no for c in chunks), "every playbook section is numbered"
    assert docs["transfer-policy.md"].version == "3"
