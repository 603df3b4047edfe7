"""The knowledge base against a real Chroma server (`chroma run`) over HTTP."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from knowledge import KnowledgeBase
from stockpilot.settings import Settings
from tests.support.serve import free_port


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "chroma run exited during start-up"
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, knowledge_dir=tmp_path / "unused", chroma_url=chroma_url)
    kb = KnowledgeBase(settings)
    report = kb.ingest(settings.knowledge_corpus_dir)
    assert report.added == report.chunks > 0
    assert not (tmp_path / "unused").exists()  # nothing is written locally
    hits = kb.search("who approves a 30k purchase order")
    assert hits[0].citation == "Approval matrix v2, §2"
    # Another client (think: another API worker) sees the same collection without re-ingesting.
    other = KnowledgeBase(settings)
    assert other.count() == report.chunks
    assert other.ingest(settings.knowledge_corpus_dir).unchanged == report.chunks
    assert [p.doc_id for p in other.search("negative stock")] == [
        p.doc_id for p in kb.search("negative stock")
    ]
