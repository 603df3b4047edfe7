"""Fixtures for the knowledge base: a copy of the playbook, fresh stores, tiny PDFs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from stockpilot.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "knowledge" / "corpus"


def pdf_bytes(lines: list[str], title: str | None = None) -> bytes:
    """Return a one-page PDF (Helvetica) with one text line per entry, built by hand."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 72 760 Td 14 TL " + " ".join(f"({esc(x)}) Tj T*" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    if title:
        objects.append(f"<< /Title ({esc(title)}) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    info = f" /Info {len(objects)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """Return a writable copy of the shipped playbook."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., KnowledgeBase]:
    """Return a factory of knowledge bases persisted under this test's tmp_path."""

    def factory(name: str = "kb", **settings: object) -> KnowledgeBase:
        values: dict[str, object] = {"knowledge_dir": tmp_path / name, **settings}
        return KnowledgeBase(Settings(**values))  # type: ignore[arg-type]

    return factory


@pytest.fixture(scope="module")
def playbook_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """Return a knowledge base with the shipped playbook ingested (shared by a module)."""
    kb = KnowledgeBase(Settings(knowledge_dir=tmp_path_factory.mktemp("playbook")))
    kb.ingest(CORPUS)
    return kb
