import socket
import subprocess
import sys

import chromadb
import pytest
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from knowledge import KnowledgeBase, KnowledgeError, Passage, store
from stockpilot.settings import PROJECT_ROOT, Settings

from .conftest import CORPUS


def _ids(kb: KnowledgeBase) -> set[str]:
    return set(kb.collection.get()["ids"])


def test_ingest_twice_keeps_the_same_ids_and_duplicates_nothing(make_kb, corpus_copy):
    kb = make_kb()
    first = kb.ingest(corpus_copy)
    assert first.documents == 7 and first.added == first.chunks > 0
    ids = _ids(kb)
    second = kb.ingest(corpus_copy)
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == first.chunks == kb.count()
    assert _ids(kb) == ids
    # A different client on the same folder sees the same ids.
    assert _ids(make_kb()) == ids


def test_editing_one_section_updates_only_that_section(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    before = kb.collection.get(include=["metadatas", "documents"])
    path = corpus_copy / "transfer-policy.md"
    text = path.read_text()
    assert "less than 150 at cost" in text
    path.write_text(text.replace("less than 150 at cost", "less than 200 at cost"))
    report = kb.ingest(corpus_copy)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    after = kb.collection.get(include=["metadatas", "documents"])
    assert after["ids"] == before["ids"] or set(after["ids"]) == set(before["ids"])
    changed = {
        i
        for i, doc in zip(after["ids"], after["documents"], strict=True)
        if doc != dict(zip(before["ids"], before["documents"], strict=True))[i]
    }
    assert len(changed) == 1
    hit = kb.search("minimum transfer value", k=1)[0]
    assert "less than 200 at cost" in hit.text and hit.section_no == "3"


def test_deleting_a_file_removes_its_chunks(make_kb, corpus_copy):
    kb = make_kb()
    first = kb.ingest(corpus_copy)
    (corpus_copy / "promotion-playbook.md").unlink()
    report = kb.ingest(corpus_copy)
    assert report.removed > 0 and report.added == report.updated == 0
    assert kb.count() == first.chunks - report.removed
    assert "promotion-playbook.md" not in {d["source"] for d in kb.documents()}
    assert all(p.source != "promotion-playbook.md" for p in kb.search("promotion pre-build", k=5))


def test_renamed_heading_replaces_its_section(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    path = corpus_copy / "approval-matrix.md"
    path.write_text(path.read_text().replace("## 3. Named users", "## 3. Users and their roles"))
    report = kb.ingest(corpus_copy)
    assert (report.added, report.removed) == (1, 1)


def test_a_bad_file_changes_nothing_and_names_the_file(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    ids = _ids(kb)
    (corpus_copy / "transfer-policy.md").unlink()  # would be removed...
    (corpus_copy / "broken.md").write_text("---\ntitle: Broken\nowner: x\nversion: 1\n---\n# B\n")
    with pytest.raises(KnowledgeError, match=r"broken\.md.*'date'"):
        kb.ingest(corpus_copy)
    assert _ids(kb) == ids  # ...but nothing changed


def test_an_empty_folder_is_refused_rather_than_wiping_the_store(make_kb, corpus_copy, tmp_path):
    kb = make_kb()
    kb.ingest(corpus_copy)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KnowledgeError, match="no Markdown, text or PDF"):
        kb.ingest(empty)
    with pytest.raises(KnowledgeError, match="not a folder"):
        kb.ingest(tmp_path / "missing")
    assert kb.count() > 0


def test_a_persisted_collection_reopens_without_passing_the_embedding(make_kb, tmp_path):
    kb = make_kb("persisted")
    kb.ingest(CORPUS)
    expected = kb.search("who may approve a purchase order of 30,000", k=3)
    SharedSystemClient.clear_system_cache()
    client = chromadb.PersistentClient(
        path=str(tmp_path / "persisted"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_collection(kb.collection_name)  # no embedding_function given
    assert collection.configuration["embedding_function"].name() == "stockpilot-hashing"
    result = collection.query(
        query_texts=["who may approve a purchase order of 30,000"], n_results=3
    )
    assert result["ids"][0] and len(result["ids"][0]) == 3
    top = result["metadatas"][0][0]
    assert (top["source"], top["section_no"]) == (expected[0].source, expected[0].section_no)
    # And a fresh KnowledgeBase on the same folder finds the same passages.
    SharedSystemClient.clear_system_cache()
    again = make_kb("persisted").search("who may approve a purchase order of 30,000", k=3)
    assert [p.citation for p in again] == [p.citation for p in expected]


def test_search_returns_cited_passages(playbook_kb):
    passages = playbook_kb.search("when should we rebalance stock between stores instead of buying")
    assert len(passages) == 3 and all(isinstance(p, Passage) for p in passages)
    assert passages[0].source == "transfer-policy.md"
    top = next(p for p in passages if p.section_no == "2")
    assert (top.title, top.version, top.section_no) == ("Transfer policy", "3", "2")
    assert top.section == "When to rebalance vs buy"
    assert top.citation == "Transfer policy v3, §2"
    assert top.owner == "Inventory Control Manager" and top.date == "2025-11-03"
    assert top.source == "transfer-policy.md" and top.doc_id == "transfer-policy"
    assert "true surplus" in top.text
    assert passages[0].score >= passages[1].score >= passages[2].score
    assert top.to_dict()["citation"] == "Transfer policy v3, §2"


def test_citation_without_version_or_number():
    bare = Passage("d", "Cash handling", "", "", "", "Introduction", "", "text", "d.txt", 0.5)
    assert bare.citation == "Cash handling, Introduction"


def test_search_k_and_bad_queries(playbook_kb):
    assert len(playbook_kb.search("negative stock", k=1)) == 1
    assert len(playbook_kb.search("negative stock", k=1000)) == playbook_kb.count()
    with pytest.raises(KnowledgeError, match="empty"):
        playbook_kb.search("   ")
    with pytest.raises(KnowledgeError, match="k must be"):
        playbook_kb.search("negative stock", k=0)


def test_first_search_on_a_fresh_machine_ingests_the_configured_playbook(make_kb, corpus_copy):
    kb = make_kb(knowledge_corpus_dir=corpus_copy)
    assert kb.count() == 0
    hit = kb.search("what do we do about negative stock", k=1)[0]
    assert hit.source == "data-quality-rules.md"
    count = kb.count()
    kb.ensure_ingested()  # not empty: nothing happens
    assert kb.count() == count


def test_unknown_embedding_and_bad_server_url_are_clear_errors(tmp_path):
    with pytest.raises(KnowledgeError, match="unknown"):
        KnowledgeBase(Settings(knowledge_dir=tmp_path), embedding="word2vec")
    kb = KnowledgeBase(Settings(knowledge_dir=tmp_path, chroma_url="localhost:8000"))
    with pytest.raises(KnowledgeError, match="CHROMA_URL"):
        kb.count()


def test_chroma_url_selects_the_http_client(monkeypatch, tmp_path):
    calls = {}

    def fake_http_client(**kwargs):
        calls.update(kwargs)
        raise ConnectionError("no server in tests")

    monkeypatch.setattr(chromadb, "HttpClient", fake_http_client)
    kb = KnowledgeBase(
        Settings(knowledge_dir=tmp_path / "unused", chroma_url="https://chroma.internal:9000")
    )
    with pytest.raises(ConnectionError):
        kb.count()
    assert (calls["host"], calls["port"], calls["ssl"]) == ("chroma.internal", 9000, True)
    assert not (tmp_path / "unused").exists()


def test_ingest_and_search_work_with_the_network_blocked(monkeypatch, make_kb, corpus_copy):
    real_connect = socket.socket.connect
    attempts = []

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and self.family != socket.AF_UNIX
        ):
            attempts.append(address)
            raise OSError(f"network blocked in test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded)
    kb = make_kb("offline")
    report = kb.ingest(corpus_copy)
    assert report.added > 0
    assert kb.search("who approves a purchase order", k=1)[0].source == "approval-matrix.md"
    assert attempts == []


ZEBRA = (
    "---\ntitle: Zebra rules\nowner: Zoo Ops\nversion: 1\ndate: 2025-01-01\n---\n# Zebra rules\n"
    "## 1. Zebra crossing stock\nZebra crossings need striped pallets, always.\n"
)
_CHILD = (
    "import sys; from pathlib import Path; from knowledge import KnowledgeBase;"
    "from stockpilot.settings import Settings;"
    "print(KnowledgeBase(Settings(knowledge_dir=Path(sys.argv[1]))).ingest(sys.argv[2]).removed)"
)


def test_an_open_knowledge_base_sees_an_ingest_done_by_another_process(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    assert kb.search("promotion pre-build", k=1)[0].source == "promotion-playbook.md"
    (corpus_copy / "promotion-playbook.md").unlink()
    (corpus_copy / "zebra.md").write_text(ZEBRA)
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(kb.settings.knowledge_dir), str(corpus_copy)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    assert int(child.stdout.split()[-1]) > 0  # the other process removed the promotion sections
    passages = kb.search("zebra striped pallets promotion pre-build", k=5)
    assert passages[0].source == "zebra.md" and passages[0].title == "Zebra rules"
    assert all(p.title and p.text and p.source != "promotion-playbook.md" for p in passages)
    assert kb.count() == len(kb.search("stock", k=1000))


def test_own_ingest_does_not_reopen_and_the_marker_changes_per_ingest(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    marker = kb.generation_file
    assert marker is not None and marker.read_text().strip()
    first, client = marker.read_text(), kb._client
    kb.search("negative stock")
    (corpus_copy / "zebra.md").write_text(ZEBRA)
    kb.ingest(corpus_copy)
    assert marker.read_text() != first
    assert kb.search("zebra striped pallets", k=1)[0].source == "zebra.md"
    assert kb._client is client  # its own writes are already in its index
    unchanged = marker.read_text()
    kb.ingest(corpus_copy)  # nothing changed: no new generation
    assert marker.read_text() == unchanged


def test_search_skips_index_entries_whose_record_is_gone(make_kb, corpus_copy, monkeypatch):
    kb = make_kb()
    kb.ingest(corpus_copy)
    real_query = kb.collection.query

    def query_with_a_ghost(**kwargs):
        result = real_query(**kwargs)
        result["documents"][0][0] = None
        result["metadatas"][0][1] = None
        return result

    monkeypatch.setattr(kb.collection, "query", query_with_a_ghost)
    passages = kb.search("who approves a purchase order", k=4)
    # The two ghosts of the candidate pool are skipped; the rest of the pool fills the four.
    assert len(passages) == 4 and all(p.title and p.text for p in passages)


class _FailingOn:
    """Wrap an embedding so that its `n`-th call raises."""

    def __init__(self, inner, n):
        self.inner, self.n, self.calls = inner, n, 0

    def __call__(self, texts):
        self.calls += 1
        if self.calls == self.n:
            raise RuntimeError("embedding backend fell over")
        return self.inner(texts)


def test_an_embedding_failure_in_a_later_batch_changes_nothing(make_kb, corpus_copy, monkeypatch):
    monkeypatch.setattr(store, "_BATCH", 4)
    kb = make_kb()
    kb.ingest(corpus_copy)
    before = kb.collection.get(include=["documents", "metadatas"])
    marker = kb.generation_file.read_text()
    (corpus_copy / "zebra.md").write_text(
        ZEBRA + "".join(f"## {n}. Part {n}\nx{n}\n" for n in range(2, 12))
    )
    (corpus_copy / "approval-matrix.md").unlink()
    failing = _FailingOn(kb._embedding, 2)
    kb._embedding = failing
    with pytest.raises(KnowledgeError, match=r"embedding 11 new or edited sections.*fell over"):
        kb.ingest(corpus_copy)
    assert failing.calls == 2  # the first batch was embedded, then the second failed
    after = kb.collection.get(include=["documents", "metadatas"])
    assert kb.count() == len(before["ids"])
    assert sorted(zip(after["ids"], after["documents"], strict=True)) == sorted(
        zip(before["ids"], before["documents"], strict=True)
    )
    assert kb.generation_file.read_text() == marker


def test_a_folder_sharing_no_file_is_refused_unless_replace(make_kb, corpus_copy, tmp_path):
    kb = make_kb()
    first = kb.ingest(corpus_copy)
    other = tmp_path / "other"
    other.mkdir()
    (other / "zebra.md").write_text(ZEBRA)
    with pytest.raises(KnowledgeError, match=r"would replace all 7 documents of approval-matrix"):
        kb.ingest(other)
    assert kb.count() == first.chunks
    report = kb.ingest(other, replace=True)
    assert report.removed == first.chunks and report.added == 1
    assert [d["source"] for d in kb.documents()] == ["zebra.md"]


def test_reingesting_with_files_added_and_removed_needs_no_replace(make_kb, corpus_copy):
    kb = make_kb()
    kb.ingest(corpus_copy)
    for name in ("approval-matrix.md", "transfer-policy.md", "promotion-playbook.md"):
        (corpus_copy / name).unlink()
    (corpus_copy / "zebra.md").write_text(ZEBRA)
    report = kb.ingest(corpus_copy)
    assert report.documents == 5 and report.added == 1 and report.removed > 0
