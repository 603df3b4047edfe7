import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from knowledge import HashingEmbedding, KnowledgeError, MiniLMEmbedding, get_embedding
from knowledge import embeddings as emb


def _cos(a, b):
    return float(np.dot(a, b))


def test_hashing_is_deterministic_normalised_and_sized():
    e = HashingEmbedding(dim=512)
    a, b = e(["Who approves a purchase order above 25,000?", "who approves a purchase order"])
    assert a.shape == (512,) and a.dtype == np.float32
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-5)
    again = HashingEmbedding(dim=512)(["Who approves a purchase order above 25,000?"])[0]
    assert np.array_equal(a, again)
    # The vector of a text is a pure function of it (crc32 hashing, not Python's salted hash).
    assert int(np.flatnonzero(a)[0]) == int(np.flatnonzero(again)[0])
    assert _cos(a, b) > 0.5


def test_related_texts_are_closer_than_unrelated_ones():
    e = HashingEmbedding()
    query, related, unrelated = e(
        [
            "what do we do about negative stock on hand",
            "A negative on-hand quantity is counted by the store within 2 working days.",
            "Commercial agrees the promotion calendar ten weeks before the start date.",
        ]
    )
    assert _cos(query, related) > _cos(query, unrelated) + 0.1


def test_normalisation_stemming_and_abbreviations():
    assert emb.normalise("A 30k PO for 25,000 units") == "a 30000 po for 25000 units"
    assert emb.stem("approves") == emb.stem("approved") == emb.stem("approval") == "approv"
    assert emb.stem("policies") == "policy" and emb.stem("transfers") == emb.stem("transferred")
    assert emb.tokens("Which PO does the DC ship?") == [
        "purchas",
        "ord",
        "distribution",
        "centr",
        "ship",
    ]
    assert HashingEmbedding()([""])[0].shape == (4096,)  # empty text: a zero vector, no error


def test_embeddings_are_registered_and_round_trip_their_config():
    assert known_embedding_functions["stockpilot-hashing"] is HashingEmbedding
    assert known_embedding_functions["stockpilot-minilm"] is MiniLMEmbedding
    e = HashingEmbedding.build_from_config(HashingEmbedding(dim=1024).get_config())
    assert isinstance(e, HashingEmbedding) and e.dim == 1024
    assert e.default_space() == "cosine"
    with pytest.raises(KnowledgeError, match="at least 64"):
        HashingEmbedding(dim=8)


def test_get_embedding_by_name():
    assert isinstance(get_embedding(" Hashing "), HashingEmbedding)
    with pytest.raises(KnowledgeError, match="unknown; choose one of hashing, minilm"):
        get_embedding("openai")


def test_minilm_without_the_extra_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(emb, "minilm_available", lambda: False)
    with pytest.raises(KnowledgeError, match="make install-minilm"):
        get_embedding("minilm")


@pytest.mark.slow
@pytest.mark.skipif(not emb.minilm_available(), reason="minilm extra not installed")
def test_minilm_embeds_offline_and_rebuilds_from_config():
    e = MiniLMEmbedding.build_from_config(MiniLMEmbedding().get_config())
    assert "path" not in str(e.get_config())  # nothing machine-specific is persisted
    query, related, unrelated = e(
        [
            "who may approve a large purchase order",
            "An approver approves transfers and purchase orders up to 25,000 per order.",
            "Class A items are counted every quarter in every store.",
        ]
    )
    assert query.shape == (384,) and np.isclose(np.linalg.norm(query), 1.0, atol=1e-4)
    assert _cos(query, related) > _cos(query, unrelated)
