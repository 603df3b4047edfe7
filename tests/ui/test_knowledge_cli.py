import json
import shutil

import pytest
from typer.testing import CliRunner

from stockpilot.settings import PROJECT_ROOT, get_settings
from ui.cli import app

CORPUS = PROJECT_ROOT / "knowledge" / "corpus"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("STOCKPILOT_KNOWLEDGE_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("STOCKPILOT_CHROMA_URL", raising=False)
    monkeypatch.delenv("STOCKPILOT_EMBEDDING", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.fixture
def corpus(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_ingest_reports_counts_and_is_idempotent(cli, corpus):
    first = cli("knowledge", "ingest", str(corpus))
    assert first.exit_code == 0, first.output
    assert "Ingested 7 documents" in first.output
    assert "updated 0, unchanged 0, removed 0" in first.output
    again = cli("knowledge", "ingest", str(corpus), "--json")
    report = json.loads(again.stdout)
    assert (report["added"], report["updated"], report["removed"]) == (0, 0, 0)
    assert report["unchanged"] == report["chunks"] > 0
    (corpus / "supplier-escalation.md").unlink()
    third = json.loads(cli("knowledge", "ingest", str(corpus), "--json").stdout)
    assert third["removed"] > 0 and third["documents"] == 6


def test_ingest_error_names_the_file_and_exits_non_zero(cli, corpus):
    assert cli("knowledge", "ingest", str(corpus)).exit_code == 0
    before = json.loads(cli("knowledge", "status", "--json").stdout)["chunks"]
    (corpus / "bad.md").write_text("---\ntitle: [unclosed\n---\n## 1. X\ntext\n")
    result = cli("knowledge", "ingest", str(corpus))
    assert result.exit_code == 1
    assert "bad.md" in result.stderr and "nothing was changed" in result.stderr
    assert json.loads(cli("knowledge", "status", "--json").stdout)["chunks"] == before


def test_ingest_missing_folder_fails(cli, tmp_path):
    result = cli("knowledge", "ingest", str(tmp_path / "nope"))
    assert result.exit_code == 1 and "not a folder" in result.stderr


def test_search_prints_citations(cli, corpus):
    cli("knowledge", "ingest", str(corpus))
    result = cli("knowledge", "search", "who approves a 30k PO", "-k", "2")
    assert result.exit_code == 0, result.output
    assert "1. Approval matrix v2, §2" in result.stdout
    data = json.loads(cli("knowledge", "search", "negative stock", "--k", "1", "--json").stdout)
    assert len(data) == 1
    assert data[0]["citation"] == "Data-quality rules v3, §2"
    assert {"title", "section", "section_no", "version", "owner", "date", "text", "score"} <= set(
        data[0]
    )


def test_search_rejects_bad_input(cli):
    assert cli("knowledge", "search", "  ").exit_code == 1
    result = cli("knowledge", "search", "x", "--embedding", "word2vec")
    assert result.exit_code == 1 and "unknown" in result.stderr


def test_status_lists_documents(cli, corpus):
    empty = cli("knowledge", "status")
    assert empty.exit_code == 0 and "empty" in empty.stdout
    cli("knowledge", "ingest", str(corpus))
    data = json.loads(cli("knowledge", "status", "--json").stdout)
    assert data["embedding"] == "hashing" and data["collection"] == "playbook-hashing"
    assert len(data["documents"]) == 7
    titles = {d["title"] for d in data["documents"]}
    assert {"Transfer policy", "Approval matrix", "Replenishment policy"} <= titles


ZEBRA = (
    "---\ntitle: Zebra rules\nowner: Zoo Ops\nversion: 1\ndate: 2025-01-01\n---\n# Zebra rules\n"
    "## 1. Zebra crossing stock\nZebra crossings need striped pallets, always.\n"
)


def test_ingest_of_an_unrelated_folder_needs_replace(cli, corpus, tmp_path):
    assert cli("knowledge", "ingest", str(corpus)).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "zebra.md").write_text(ZEBRA)
    refused = cli("knowledge", "ingest", str(other))
    assert refused.exit_code == 1
    assert "would replace all 7 documents" in refused.stderr and "--replace" in refused.stderr
    assert len(json.loads(cli("knowledge", "status", "--json").stdout)["documents"]) == 7
    replaced = cli("knowledge", "ingest", str(other), "--replace", "--json")
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(replaced.stdout)["documents"] == 1


def test_ingest_embedding_failure_exits_1_and_changes_nothing(cli, corpus, monkeypatch):
    from knowledge import KnowledgeBase

    assert cli("knowledge", "ingest", str(corpus)).exit_code == 0
    before = json.loads(cli("knowledge", "status", "--json").stdout)
    (corpus / "zebra.md").write_text(ZEBRA)

    def broken(self, texts):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(KnowledgeBase, "_embed", broken)
    result = cli("knowledge", "ingest", str(corpus))
    assert result.exit_code == 1
    assert "embedding 1 new or edited sections" in result.stderr
    assert "model file missing" in result.stderr and "nothing was changed" in result.stderr
    assert json.loads(cli("knowledge", "status", "--json").stdout) == before


def test_ingest_write_failure_exits_1_without_claiming_nothing_changed(cli, corpus, monkeypatch):
    from chromadb.api.models.Collection import Collection

    def broken_upsert(self, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Collection, "upsert", broken_upsert)
    result = cli("knowledge", "ingest", str(corpus))
    assert result.exit_code == 1
    assert "RuntimeError: disk full" in result.stderr and "playbook-hashing" in result.stderr
    assert "may be partly updated" in result.stderr and "nothing was changed" not in result.stderr
