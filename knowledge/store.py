"""The knowledge base: playbook chunks in a Chroma collection, searchable with citations.

`KnowledgeBase` opens a Chroma `PersistentClient` under `settings.knowledge_dir`, or an
`HttpClient` when `settings.chroma_url` is set. Each embedding has its own collection
(`playbook-hashing`, `playbook-minilm`), so switching embeddings never mixes vector spaces.
Ingest mirrors a folder: new and edited sections are upserted under stable ids, unchanged ones
are left alone, and sections of files no longer in the folder are deleted. Everything that can
fail before a write (reading, parsing, embedding) happens before the first write.

A `PersistentClient` keeps its vector index in memory, so a long-running process (the API) would
not see an ingest done by another process (the CLI). Each ingest therefore writes a generation
marker (`<knowledge_dir>/GENERATION`, a fresh uuid written atomically); reads stat it and, when it
changed, reopen the client. A Chroma server (`chroma_url`) is authoritative and needs no marker.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import EmbeddingFunction
from chromadb.config import Settings as ChromaSettings

from knowledge.documents import Chunk, KnowledgeError, load_folder
from knowledge.embeddings import get_embedding
from knowledge.rerank import combined_scores, expand_query
from knowledge.spelling import vocabulary
from stockpilot.settings import Settings, get_settings

COLLECTION_PREFIX = "playbook"
GENERATION_FILE = "GENERATION"
POOL = 24
"""Candidates the embedding finds for the lexical re-rank (`knowledge.rerank`) to order."""
_BATCH = 256


@dataclass(frozen=True)
class Passage:
    """A retrieved section of a playbook document, with what is needed to cite it."""

    doc_id: str
    title: str
    version: str
    owner: str
    date: str
    section: str
    section_no: str
    text: str
    source: str
    score: float

    @property
    def citation(self) -> str:
        """Return the citation, e.g. "Transfer policy v3, §2"."""
        head = f"{self.title} v{self.version}" if self.version else self.title
        where = f"§{self.section_no}" if self.section_no else self.section
        return f"{head}, {where}"

    def to_dict(self) -> dict[str, Any]:
        """Return the passage as a JSON-ready dict (the citation included)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "version": self.version,
            "owner": self.owner,
            "date": self.date,
            "section": self.section,
            "section_no": self.section_no,
            "citation": self.citation,
            "text": self.text,
            "source": self.source,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class IngestReport:
    """What an ingest changed, counted in chunks (sections or parts of long sections)."""

    folder: str
    documents: int
    chunks: int
    added: int
    updated: int
    unchanged: int
    removed: int
    seconds: float
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        """Return True when the ingest added, updated or removed anything."""
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "folder": self.folder,
            "documents": self.documents,
            "chunks": self.chunks,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
            "sources": list(self.sources),
        }


def _open_client(settings: Settings) -> ClientAPI:
    import chromadb

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise KnowledgeError(
                "STOCKPILOT_CHROMA_URL must look like http://host:port, "
                f"got {settings.chroma_url!r}"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        return chromadb.HttpClient(
            host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
        )
    path = Path(settings.knowledge_dir)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _forget_persistent_system(path: Path) -> None:
    """Drop Chroma's process-wide cached system for `path`, so the next client reads the disk.

    Chroma shares one system (and its in-memory index) per persist directory in a process; only
    this directory's entry is dropped, so clients of other directories keep working.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    refcounts = getattr(SharedSystemClient, "_identifier_to_refcount", None)
    if isinstance(systems, dict) and isinstance(refcounts, dict):
        systems.pop(str(path), None)
        refcounts.pop(str(path), None)
    else:  # a Chroma without these internals: clear every cached system
        SharedSystemClient.clear_system_cache()


class KnowledgeBase:
    """The playbook in Chroma: ingest a folder, search with citations.

    Construction is cheap: the Chroma client and collection open on first use.
    """

    def __init__(self, settings: Settings | None = None, *, embedding: str | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedding_name = (embedding or self.settings.embedding).strip().lower()
        self._embedding: EmbeddingFunction[Any] | None = None
        self._client: ClientAPI | None = None
        self._collection: Collection | None = None
        # (stat signature, contents) of the generation marker when the client was opened.
        self._generation: tuple[tuple[int, int, int], str] | None = None
        # Validate the name now (unknown names, a missing extra) without loading any model.
        self._embedding = get_embedding(self.embedding_name)

    @property
    def collection_name(self) -> str:
        """Return the Chroma collection this knowledge base uses."""
        return f"{COLLECTION_PREFIX}-{self.embedding_name}"

    @property
    def location(self) -> str:
        """Return where the collection lives (a folder, or the Chroma server URL)."""
        return self.settings.chroma_url or str(self.settings.knowledge_dir)

    @property
    def generation_file(self) -> Path | None:
        """Return the marker that ingests rewrite, or None with a Chroma server."""
        if self.settings.chroma_url:
            return None
        return Path(self.settings.knowledge_dir) / GENERATION_FILE

    @property
    def collection(self) -> Collection:
        """Return the Chroma collection, opening the client on first use."""
        if self._collection is None:
            if self._client is None:
                # Read the marker before opening: an ingest in between only causes a reopen.
                self._generation = self._read_generation()
                self._client = _open_client(self.settings)
            self._collection = self._client.get_or_create_collection(
                self.collection_name,
                embedding_function=self._embedding,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"description": "StockPilot planning playbook"},
            )
        return self._collection

    def count(self) -> int:
        """Return the number of chunks stored."""
        self._reopen_if_stale()
        return int(self.collection.count())

    def ingest(self, folder: Path | str, *, replace: bool = False) -> IngestReport:
        """Make the collection mirror `folder`: upsert new and edited sections, drop removed ones.

        Every file is read and checked, and every new or edited section embedded, before anything
        is written, so a bad file or a failing embedding raises KnowledgeError and changes
        nothing. A folder that shares no file with a non-empty collection would replace all of
        it; that is refused unless `replace` is True.
        """
        started = time.perf_counter()
        folder = Path(folder)
        chunks = load_folder(folder)
        self._reopen_if_stale()
        by_id: dict[str, Chunk] = {}
        for chunk in chunks:
            if chunk.id in by_id:  # two headings with the same path in one file
                raise KnowledgeError(
                    f"{chunk.source}: section {chunk.section_path!r} appears twice; "
                    "headings must be unique within a document"
                )
            by_id[chunk.id] = chunk
        existing, stored_sources = self._stored()
        sources = {c.source for c in chunks}
        if stored_sources and not (sources & stored_sources) and not replace:
            listed = ", ".join(sorted(stored_sources)[:5])
            more = f" and {len(stored_sources) - 5} more" if len(stored_sources) > 5 else ""
            raise KnowledgeError(
                f"{folder} shares no file with the knowledge base: ingesting it would replace "
                f"all {len(stored_sources)} documents of {listed}{more} with {folder}; "
                "pass replace=True / --replace to do that"
            )
        new = [c for c in chunks if c.id not in existing]
        edited = [c for c in chunks if c.id in existing and existing[c.id] != c.content_hash]
        gone = [i for i in existing if i not in by_id]
        to_write = new + edited
        embeddings: list[Any] = []
        for start in range(0, len(to_write), _BATCH):
            texts = [c.embed_text for c in to_write[start : start + _BATCH]]
            try:
                embeddings.extend(self._embed(texts))
            except Exception as exc:
                raise KnowledgeError(
                    f"embedding {len(to_write)} new or edited sections with "
                    f"{self.embedding_name!r} failed at section {start + 1}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        for start in range(0, len(to_write), _BATCH):
            batch = to_write[start : start + _BATCH]
            self.collection.upsert(
                ids=[c.id for c in batch],
                documents=[c.text for c in batch],
                embeddings=embeddings[start : start + _BATCH],
                metadatas=[c.metadata() for c in batch],
            )
        for start in range(0, len(gone), _BATCH):
            self.collection.delete(ids=gone[start : start + _BATCH])
        if to_write or gone:
            self._write_generation()
        return IngestReport(
            folder=str(folder),
            documents=len(sources),
            chunks=len(chunks),
            added=len(new),
            updated=len(edited),
            unchanged=len(chunks) - len(new) - len(edited),
            removed=len(gone),
            seconds=time.perf_counter() - started,
            sources=tuple(sorted({c.source for c in chunks})),
        )

    def ensure_ingested(self) -> None:
        """Ingest the configured playbook (`settings.knowledge_corpus_dir`) when empty."""
        if self.count() == 0:
            self.ingest(self.settings.knowledge_corpus_dir)

    def search(self, query: str, k: int = 3) -> list[Passage]:
        """Return the `k` passages closest to `query`, best first.

        On first use of an empty collection the configured playbook is ingested.
        """
        if not query or not query.strip():
            raise KnowledgeError("search query is empty")
        if k < 1:
            raise KnowledgeError(f"k must be at least 1, got {k}")
        self._reopen_if_stale()
        self.ensure_ingested()
        expanded = expand_query(query)
        result = self.collection.query(
            query_embeddings=self._embed([expanded]),
            n_results=min(max(k, POOL), self.count()),
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result.get("documents") or [[]])[0]
        metadatas = (result.get("metadatas") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        passages = []
        for i in range(len(ids)):
            meta = metadatas[i] if i < len(metadatas) else None
            text = documents[i] if i < len(documents) else None
            if not meta or text is None:  # an index entry whose record is gone: not a passage
                continue
            passages.append(
                Passage(
                    doc_id=str(meta.get("doc_id", "")),
                    title=str(meta.get("title", "")),
                    version=str(meta.get("version", "")),
                    owner=str(meta.get("owner", "")),
                    date=str(meta.get("date", "")),
                    section=str(meta.get("section", "")),
                    section_no=str(meta.get("section_no", "")),
                    text=text,
                    source=str(meta.get("source", "")),
                    score=1.0 - float(distances[i]),
                )
            )
        # The embedding's pool, re-ranked with the lexical score; `score` is the combined one.
        scores = combined_scores(expanded, passages)
        best = sorted(range(len(passages)), key=lambda i: -scores[i])[:k]
        return [replace(passages[i], score=scores[i]) for i in best]

    def vocabulary(self) -> frozenset[str]:
        """Return the stored playbook's words: titles, section headings and text."""
        self._reopen_if_stale()
        self.ensure_ingested()
        data = self.collection.get(include=["metadatas", "documents"])
        texts = [str(d) for d in data.get("documents") or [] if d]
        for meta in data.get("metadatas") or []:
            if meta:
                texts.append(f"{meta.get('title', '')} {meta.get('section', '')}")
        return vocabulary(texts)

    def documents(self) -> list[dict[str, Any]]:
        """Return one entry per stored document: source, title, version, owner, date, chunks."""
        self._reopen_if_stale()
        data = self.collection.get(include=["metadatas"])
        docs: dict[str, dict[str, Any]] = {}
        for meta in data.get("metadatas") or []:
            if not meta:
                continue
            source = str(meta.get("source", ""))
            entry = docs.setdefault(
                source,
                {
                    "source": source,
                    "title": meta.get("title", ""),
                    "version": meta.get("version", ""),
                    "owner": meta.get("owner", ""),
                    "date": meta.get("date", ""),
                    "chunks": 0,
                },
            )
            entry["chunks"] += 1
        return [docs[s] for s in sorted(docs)]

    def _stored(self) -> tuple[dict[str, str], set[str]]:
        """Return the stored chunks' content hashes by id, and the stored source files."""
        data = self.collection.get(include=["metadatas"])
        metadatas = data.get("metadatas") or []
        hashes: dict[str, str] = {}
        sources: set[str] = set()
        for id_, meta in zip(data["ids"], metadatas, strict=False):
            hashes[id_] = str((meta or {}).get("content_hash", ""))
            if meta and meta.get("source"):
                sources.add(str(meta["source"]))
        return hashes, sources

    def _read_generation(self) -> tuple[tuple[int, int, int], str] | None:
        path = self.generation_file
        if path is None:
            return None
        try:
            st = path.stat()
            signature = (st.st_mtime_ns, st.st_ino, st.st_size)
            if self._generation is not None and self._generation[0] == signature:
                return self._generation
            return signature, path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None

    def _write_generation(self) -> None:
        """Record a new generation, atomically, so other processes reopen on their next read."""
        path = self.generation_file
        if path is None:
            return
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        tmp.write_text(uuid.uuid4().hex + "\n", encoding="utf-8")
        os.replace(tmp, path)
        self._generation = self._read_generation()

    def _reopen_if_stale(self) -> None:
        """Drop the client when another process ingested since it was opened (a cheap stat)."""
        if self._client is None or self.generation_file is None:
            return
        current = self._read_generation()
        if current == self._generation or (
            current is not None
            and self._generation is not None
            and current[1] == self._generation[1]
        ):
            self._generation = current
            return
        self._collection = None
        self._client = None
        _forget_persistent_system(Path(self.settings.knowledge_dir))

    def _embed(self, texts: list[str]) -> Any:
        assert self._embedding is not None
        return self._embedding(texts)
