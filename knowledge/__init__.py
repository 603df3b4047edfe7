"""The planning playbook: policies and SOPs, embedded and searchable with citations."""

from knowledge.documents import Chunk, KnowledgeError, load_document, load_folder
from knowledge.embeddings import EMBEDDINGS, HashingEmbedding, MiniLMEmbedding, get_embedding
from knowledge.store import IngestReport, KnowledgeBase, Passage

__all__ = [
    "EMBEDDINGS",
    "Chunk",
    "HashingEmbedding",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeError",
    "MiniLMEmbedding",
    "Passage",
    "get_embedding",
    "load_document",
    "load_folder",
]
