"""Per-submission clustering space: TF-IDF weighted by the submission's
own document frequencies.

Why: failure statements written by different LLMs (or phrasing patterns)
share boilerplate ("Issue -", "which led to a wrong answer", "the agent
...") that dominates fit-free lexical vectors, so density clustering groups
statements by boilerplate instead of by failure. Inverse document frequency
computed over the statements being clustered pushes that boilerplate down
and keeps the words that separate failure types (BERTopic's c-TF-IDF uses
the same idea for labels).

This space is used only to *decide* clusters (prototype mapping, HDBSCAN,
merging). Centroids, catalog matching and keys still use the embedder's
fixed vectors, which are never fitted on a submission, so catalog entries
stay comparable across submissions.

Terms are hashed (word uni/bigrams and character 3-5-grams of the
normalised text, like ``HashingEmbedder``) into a fixed number of columns
so that 10,000 statements fit in a small dense matrix; IDF uses sublinear
tf and drops terms present in more than ``max_df`` of the texts.
Deterministic: no randomness, and the result does not depend on input order
beyond the (sorted) order the caller supplies.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from evaluator.embed import normalise_statement

MIN_DROP_DF = 30  # a term is dropped only if more texts than this contain it
N_FEATURES = 2048  # per block (words, chars): 10k texts -> 10k x 4096 float32


def _hashed(norm: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    common = dict(n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=False)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
    w = words.transform(norm).tocsr()
    c = chars.transform(norm).tocsr()
    return w, c


def _tfidf(x: sparse.csr_matrix, fit_rows: int, max_df: float) -> sparse.csr_matrix:
    """Sublinear tf x smooth idf, idf from the first ``fit_rows`` rows;
    columns present in more than ``max_df`` of them are dropped."""
    x = x.astype(np.float64)
    df = np.asarray((x[:fit_rows] > 0).sum(axis=0)).ravel()
    n = max(1, fit_rows)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    # Only drop terms with enough evidence that they are boilerplate: in a
    # dozen statements, two sharing a word says nothing about the rest.
    idf[df > max(max_df * n, MIN_DROP_DF)] = 0.0
    x = x.copy()
    x.data = 1.0 + np.log(x.data)
    x = x @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


def batch_tfidf_space(
    texts: list[str],
    extra: list[str],
    char_weight: float = 0.7,
    max_df: float = 0.1,
    word_weight: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Dense L2-normalised vectors for ``texts`` (the submission's unique
    free-text statements, which define the document frequencies) and for
    ``extra`` (taxonomy prototypes, projected with the same weights)."""
    norm = [normalise_statement(t) for t in texts + extra]
    w, c = _hashed(norm)
    x = sparse.hstack(
        [
            word_weight * _tfidf(w, len(texts), max_df),
            char_weight * _tfidf(c, len(texts), max_df),
        ]
    )
    dense = np.asarray(x.todense(), dtype=np.float32)
    # hstack of two unit blocks: renormalise the concatenation.
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    dense /= norms
    return dense[: len(texts)], dense[len(texts) :]
