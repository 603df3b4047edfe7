"""`stockpilot knowledge ...`: ingest, search and inspect the playbook (a thin surface).

The commands only call `knowledge.KnowledgeBase`; they hold no retrieval logic. Chroma and the
embeddings are imported when a command runs, so `stockpilot --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ui.console import command_group, fail, out, print_json

if TYPE_CHECKING:
    from knowledge import KnowledgeBase

knowledge_app = command_group(
    "The planning playbook: ingest policies and SOPs, search them with citations."
)

EmbeddingOption = Annotated[
    str | None,
    typer.Option(help="Embedding: hashing or minilm (default: STOCKPILOT_EMBEDDING)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _open(embedding: str | None) -> KnowledgeBase:
    from knowledge import KnowledgeBase, KnowledgeError

    try:
        return KnowledgeBase(embedding=embedding)
    except KnowledgeError as exc:
        raise fail(str(exc)) from exc


@knowledge_app.command()
def ingest(
    folder: Annotated[Path, typer.Argument(help="Folder of Markdown, text and PDF files.")],
    embedding: EmbeddingOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Allow a folder that shares no file with the stored documents."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Chunk FOLDER by heading and make the knowledge base mirror it (stable ids, upsert)."""
    from knowledge import KnowledgeError

    kb = _open(embedding)
    try:
        report = kb.ingest(folder, replace=replace)
    except KnowledgeError as exc:
        raise fail(f"{exc} (nothing was changed)") from exc
    except Exception as exc:  # a Chroma or disk failure while writing
        raise fail(
            f"ingest of {folder} into {kb.collection_name} at {kb.location} failed: "
            f"{type(exc).__name__}: {exc} (the collection may be partly updated; "
            "run the ingest again to finish mirroring the folder)"
        ) from exc
    if as_json:
        print_json(report.to_dict())
        return
    out.print(
        f"Ingested {report.documents} documents, {report.chunks} sections from {report.folder} "
        f"into {kb.collection_name} at {kb.location} in {report.seconds:.2f} s",
        highlight=False,
    )
    out.print(
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"removed {report.removed}",
        highlight=False,
    )


@knowledge_app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question, e.g. 'who approves a 30k PO'.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="Passages to show.")] = 3,
    embedding: EmbeddingOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the playbook passages closest to QUERY, with their citations."""
    from knowledge import KnowledgeError

    kb = _open(embedding)
    try:
        passages = kb.search(query, k=k)
    except KnowledgeError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json([p.to_dict() for p in passages])
        return
    for i, p in enumerate(passages, 1):
        out.print(
            f"[bold]{i}. {p.citation}[/] — {p.section}  "
            f"[dim]({p.source}, owner {p.owner or '-'}, {p.date or 'undated'}, "
            f"score {p.score:.3f})[/]",
            highlight=False,
        )
        out.print(p.text, highlight=False, markup=False)
        out.print()


@knowledge_app.command()
def status(embedding: EmbeddingOption = None, as_json: JsonOption = False) -> None:
    """Show where the knowledge base lives and which documents it holds."""
    kb = _open(embedding)
    documents = kb.documents()
    payload = {
        "location": kb.location,
        "collection": kb.collection_name,
        "embedding": kb.embedding_name,
        "chunks": sum(d["chunks"] for d in documents),
        "documents": documents,
    }
    if as_json:
        print_json(payload)
        return
    out.print(
        f"{kb.collection_name} at {kb.location}: {payload['chunks']} sections in "
        f"{len(documents)} documents",
        highlight=False,
    )
    if not documents:
        out.print("empty: run `stockpilot knowledge ingest DIR` (or ask a policy question)")
        return
    table = Table(title_justify="left")
    for col in ("source", "title", "version", "owner", "date", "sections"):
        table.add_column(col)
    for d in documents:
        table.add_row(
            d["source"], d["title"], str(d["version"]), d["owner"], d["date"], str(d["chunks"])
        )
    out.print(table)
