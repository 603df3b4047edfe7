"""Load playbook files (Markdown, text, PDF), read their front-matter and chunk them by heading.

A chunk is one section (a heading and the text under it, split further when long) with the
document's front-matter. Its id is a hash of the source file name, the section path and the
chunk index, so re-ingesting the same file yields the same ids and editing one section changes
only that section's chunks. Nothing here touches Chroma.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".md", ".markdown", ".txt", ".pdf"})
REQUIRED_FIELDS: tuple[str, ...] = ("title", "owner", "version", "date")
MAX_CHUNK_WORDS = 220

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(?:§\s*)?(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
# In text and PDF files a heading is a short numbered line: "2. When to rebalance", "2.1 Scope".
_PLAIN_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+([A-Z][^.!?:;]{1,70})$")


class KnowledgeError(ValueError):
    """A playbook file or request that cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class Chunk:
    """One section (or part of a long section) of a document, ready to embed."""

    id: str
    doc_id: str
    source: str
    title: str
    version: str
    owner: str
    date: str
    section: str
    section_no: str
    section_path: str
    chunk_index: int
    text: str
    policy_refs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def embed_text(self) -> str:
        """Return the text that is embedded: document title and section heading, then the body."""
        return f"{self.title}\n{self.section}\n{self.text}"

    @property
    def content_hash(self) -> str:
        """Return a hash of everything stored for this chunk (detects an edited section)."""
        parts = (
            self.title,
            self.version,
            self.owner,
            self.date,
            self.section,
            self.section_no,
            self.text,
            ",".join(self.policy_refs),
        )
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]

    def metadata(self) -> dict[str, str | int]:
        """Return the Chroma metadata for this chunk (flat strings and ints)."""
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "version": self.version,
            "owner": self.owner,
            "date": self.date,
            "section": self.section,
            "section_no": self.section_no,
            "section_path": self.section_path,
            "chunk_index": self.chunk_index,
            "policy_refs": ",".join(self.policy_refs),
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True)
class _FrontMatter:
    title: str
    owner: str
    version: str
    date: str
    policy_refs: tuple[str, ...]


def chunk_id(source: str, section_path: str, chunk_index: int) -> str:
    """Return the stable id of a chunk: a hash of file name, section path and chunk index."""
    key = f"{source}\x1f{section_path}\x1f{chunk_index}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def find_documents(folder: Path) -> list[Path]:
    """Return the supported files under `folder` (recursively, hidden entries skipped), sorted."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: not a folder")
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
    return found


def load_folder(folder: Path) -> list[Chunk]:
    """Load and chunk every supported file under `folder`; any bad file raises KnowledgeError."""
    paths = find_documents(folder)
    if not paths:
        raise KnowledgeError(f"{folder}: no Markdown, text or PDF files to ingest")
    chunks: list[Chunk] = []
    seen_doc_ids: dict[str, str] = {}
    for path in paths:
        source = path.relative_to(folder).as_posix()
        doc_chunks = load_document(path, source=source)
        doc_id = _doc_id(source)
        if doc_id in seen_doc_ids:
            raise KnowledgeError(
                f"{source}: same document id {doc_id!r} as {seen_doc_ids[doc_id]}; rename one"
            )
        seen_doc_ids[doc_id] = source
        chunks.extend(doc_chunks)
    return chunks


def load_document(path: Path, *, source: str | None = None) -> list[Chunk]:
    """Read one Markdown, text or PDF file and return its chunks."""
    source = source or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise KnowledgeError(f"{source}: unsupported file type {suffix!r} (use .md, .txt or .pdf)")
    if suffix == ".pdf":
        raw, pdf_title = _read_pdf(path, source)
    else:
        raw, pdf_title = _read_text(path, source), None
    front, body = _split_front_matter(raw, source)
    markdown = suffix in {".md", ".markdown"}
    sections = _sections(body, markdown=markdown)
    meta = _front_matter(front, source, default_title=pdf_title or _default_title(body, path))
    doc_id = _doc_id(source)
    chunks: list[Chunk] = []
    for section, section_no, section_path, text in sections:
        for index, part in enumerate(_split_long(text)):
            chunks.append(
                Chunk(
                    id=chunk_id(source, section_path, index),
                    doc_id=doc_id,
                    source=source,
                    title=meta.title,
                    version=meta.version,
                    owner=meta.owner,
                    date=meta.date,
                    section=section,
                    section_no=section_no,
                    section_path=section_path,
                    chunk_index=index,
                    text=part,
                    policy_refs=meta.policy_refs,
                )
            )
    if not chunks:
        raise KnowledgeError(f"{source}: no text to ingest")
    return chunks


def _doc_id(source: str) -> str:
    return source.rsplit(".", 1)[0]


def _read_text(path: Path, source: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"{source}: cannot read the file ({exc.strerror})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise KnowledgeError(f"{source}, line {line}: not UTF-8 text") from exc


def _read_pdf(path: Path, source: str) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (OSError, PyPdfError, ValueError, KeyError) as exc:
        raise KnowledgeError(f"{source}: cannot read the PDF ({exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise KnowledgeError(f"{source}: the PDF has no extractable text (scanned image?)")
    return text, (str(title).strip() or None) if title else None


def _split_front_matter(raw: str, source: str) -> tuple[str | None, str]:
    """Return (the front-matter YAML, or None when there is none; the body)."""
    lines = raw.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, raw
    for i in range(1, len(lines)):
        if lines[i].strip() in {"---", "..."}:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise KnowledgeError(f"{source}, line 1: front-matter opened with '---' is never closed")


def _front_matter(text: str | None, source: str, *, default_title: str) -> _FrontMatter:
    if text is None:
        return _FrontMatter(default_title, "", "", "", ())
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise KnowledgeError(f"{source}{where}: bad front-matter: {problem}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{source}, line 2: front-matter must be a mapping of fields")
    values: dict[str, str] = {}
    for name in REQUIRED_FIELDS:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise KnowledgeError(f"{source}: front-matter field {name!r} is missing or empty")
        if isinstance(value, dict | list):
            raise KnowledgeError(f"{source}: front-matter field {name!r} must be a single value")
        values[name] = _scalar(value)
    values["date"] = _iso_date(data["date"], source)
    refs = data.get("policy_refs", [])
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not all(isinstance(r, str | int | float) for r in refs):
        raise KnowledgeError(f"{source}: front-matter field 'policy_refs' must be a list of names")
    return _FrontMatter(
        title=values["title"],
        owner=values["owner"],
        version=values["version"],
        date=values["date"],
        policy_refs=tuple(str(r) for r in refs),
    )


def _scalar(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _iso_date(value: Any, source: str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise KnowledgeError(
            f"{source}: front-matter field 'date' must be an ISO date (YYYY-MM-DD), got {value!r}"
        ) from exc


def _default_title(body: str, path: Path) -> str:
    for line in body.splitlines():
        match = _MD_HEADING.match(line.strip())
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _heading(line: str, *, markdown: bool) -> tuple[int, str] | None:
    """Return (level, heading text) when the line is a heading, else None."""
    stripped = line.strip()
    match = _MD_HEADING.match(stripped)
    if match:
        return len(match.group(1)), match.group(2).strip()
    if not markdown:
        plain = _PLAIN_HEADING.match(stripped)
        if plain:
            return 1 + plain.group(1).count(".") + 1, stripped
    return None


def _sections(body: str, *, markdown: bool) -> list[tuple[str, str, str, str]]:
    """Split a body into (section, section_no, section_path, text) by heading.

    The first level-1 heading is the document title, not a section; text before the first
    section heading becomes an "Introduction" section.
    """
    sections: list[tuple[str, str, str, str]] = []
    stack: list[tuple[int, str]] = []
    current: tuple[str, str, str] | None = None
    buffer: list[str] = []
    title_seen = False
    in_code = False

    def flush() -> None:
        text = "\n".join(buffer).strip()
        buffer.clear()
        if not text:
            return
        name, number, path = current or ("Introduction", "", "Introduction")
        sections.append((name, number, path, text))

    for line in body.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
        found = None if in_code else _heading(line, markdown=markdown)
        if found is None:
            buffer.append(line)
            continue
        level, text = found
        if level == 1 and not title_seen and markdown:
            title_seen = True
            flush()
            continue
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
        number_match = _NUMBERED.match(text)
        if number_match:
            number, name = number_match.group(1), number_match.group(2).strip()
        else:
            number, name = "", text
        current = (name, number, " / ".join(t for _, t in stack))
    flush()
    return sections


def _split_long(text: str) -> list[str]:
    """Split a section's text at paragraph breaks into parts of at most about MAX_CHUNK_WORDS."""
    paragraphs: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.strip():
            paragraphs.extend(_split_paragraph(paragraph.strip()))
    return _pack(paragraphs, "\n\n")


def _split_paragraph(paragraph: str) -> list[str]:
    """Split an over-long paragraph (PDF text often has no blank lines) at line breaks or words."""
    if len(paragraph.split()) <= MAX_CHUNK_WORDS:
        return [paragraph]
    pieces: list[str] = []
    for line in paragraph.splitlines():
        words = line.split()
        pieces.extend(
            " ".join(words[i : i + MAX_CHUNK_WORDS]) for i in range(0, len(words), MAX_CHUNK_WORDS)
        )
    return _pack(pieces, "\n")


def _pack(pieces: list[str], joiner: str) -> list[str]:
    """Join consecutive pieces greedily into parts of at most about MAX_CHUNK_WORDS words."""
    parts: list[str] = []
    current: list[str] = []
    words = 0
    for piece in pieces:
        n = len(piece.split())
        if current and words + n > MAX_CHUNK_WORDS:
            parts.append(joiner.join(current))
            current, words = [], 0
        current.append(piece)
        words += n
    if current:
        parts.append(joiner.join(current))
    return parts
