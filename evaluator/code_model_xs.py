"""Code mapping that reads the sentence encoder's vectors as well as the
words (issue 19, twelfth round: "xs", cross-style).

``evaluator.code_model`` maps free-text statements onto taxonomy codes with
a logistic regression over hashed word and character n-grams; trained on
the corpora's dev phrasing patterns it is perfect on them and generalises
poorly to new wordings (a phrasing shares few n-grams with another). Here
the same multinomial logistic regression sees, next to those lexical
features, the embedder's own vector of the statement (MiniLM: paraphrases
land near each other), and is trained on three sources at once:

- the labelled statements of ``evaluator/data/code_statements.txt`` (dev
  patterns of both corpora; the test patterns are never in it);
- every code's prototype texts including the reviewer-style paraphrase
  families (``evaluator.taxonomy.prototype_texts(True)``);
- every code's own detector statement and description
  (``evaluator.taxonomy.TAXONOMY``), so that codes the corpora do not cover
  keep their anchors.

Features: ``emb_weight`` x the embedder's L2-normalised vector, next to
``lex_weight`` x the fit-free hashed lexical blocks of ``CodeModel`` (word
uni/bigrams and character 3-5-grams of the normalised text, sublinear tf,
each block L2-normalised). Nothing is fitted on a submission. Classes: the
taxonomy codes and ``OUTSIDE``. A statement maps onto its most probable
class when that is a code and its probability reaches the threshold
(``ClusterParams.code_model_threshold``); the rest (abstention) goes to
density clustering as before.

The model is trained at first use per embedder (its training texts are
embedded once: about 1,700 texts, ~20 s with MiniLM on two cores) and
cached per process; nothing is downloaded. Hyper-parameters were chosen by
cross-validation on the corpora's *dev* patterns only
(``bench.diagnosis.corpora.xs_cv``): the model trained on half of each
type's dev patterns and scored on the other half, and trained on one
corpus's dev patterns and scored on the other corpus's (style transfer).

Opt-in (``evaluator.cluster.xs_params``, corpora representation
``minilm+tfidf+xs``); not a default: dev cross-validation 0.79 (halves) /
0.64-0.87 (cross-corpus), but on the held-out test patterns, measured once,
free-text ARI A 0.696 and B 0.627 (the default MiniLM + TF-IDF: 0.678 /
0.612). It keeps out-of-taxonomy statements off the codes and gives fewer
wrong codes, but abstains on a fifth of the unseen in-taxonomy phrasings
(bench/diagnosis/xs-cv-round12.json).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from evaluator.code_model import OUTSIDE, read_statements
from evaluator.embed import Embedder, normalise_statement
from evaluator.taxonomy import TAXONOMY, prototype_texts


@dataclass(frozen=True)
class XSParams:
    """Chosen on the corpora's dev patterns (cross-validation, see the
    module docstring)."""

    c: float = 16.0  # inverse L2 regularisation strength
    emb_weight: float = 2.0  # scale of the embedder's vector block
    lex_weight: float = 1.0  # scale of the hashed lexical blocks (0 = none)
    n_features: int = 2**18  # per lexical block
    char_weight: float = 0.7
    prototypes: bool = True  # every code's prototype texts as training texts
    sentence_prototypes: bool = True  # ... with the paraphrase families
    definitions: bool = True  # every code's statement and description too
    balanced: bool = True  # class weights inversely proportional to class sizes


def anchor_texts(params: XSParams) -> list[tuple[str, str]]:
    """(code, text) training anchors from the taxonomy itself."""
    out: set[tuple[str, str]] = set()
    if params.prototypes:
        out |= set(prototype_texts(params.sentence_prototypes))
    if params.definitions:
        for code, m in TAXONOMY.items():
            out |= {(code, m.statement), (code, m.description)}
    return sorted(out)


class EmbeddingCodeModel:
    """Multinomial logistic regression over the embedder's vector and
    hashed lexical features (see the module docstring)."""

    def __init__(
        self, pairs: list[tuple[str, str]], embedder: Embedder, params: XSParams | None = None
    ) -> None:
        self.params = params or XSParams()
        self.embedder_id = embedder.id
        common = dict(
            n_features=self.params.n_features, alternate_sign=False, norm=None, lowercase=False
        )
        self._words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common
        )
        self._chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
        data = sorted(set(pairs) | set(anchor_texts(self.params)))
        texts = [t for _, t in data]
        labels = np.array([c for c, _ in data])
        self._cols: np.ndarray | None = None
        x = self.features(texts, embedder.embed(texts))
        # Only the columns the training data uses (a linear model gives the
        # others zero weight anyway): fewer variables, faster fit.
        self._cols = np.unique(x.indices)
        weight = "balanced" if self.params.balanced else None
        self._clf = LogisticRegression(C=self.params.c, max_iter=3000, class_weight=weight)
        self._clf.fit(x[:, self._cols], labels)
        self.classes: list[str] = [str(c) for c in self._clf.classes_]

    def features(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        """Rows of [emb_weight * vector | lex_weight * words | lex_weight *
        char_weight * characters]; ``vectors`` are the embedder's rows for
        ``texts``."""
        p = self.params
        blocks = []
        if p.emb_weight > 0:
            blocks.append(sparse.csr_matrix(p.emb_weight * np.asarray(vectors, dtype=np.float64)))
        if p.lex_weight > 0:
            norm = [normalise_statement(t) for t in texts]
            for vec, w in ((self._words, 1.0), (self._chars, p.char_weight)):
                x = vec.transform(norm).tocsr().astype(np.float64)
                x.data = 1.0 + np.log(x.data)
                norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
                norms[norms == 0] = 1.0
                blocks.append(sparse.diags(p.lex_weight * w / norms) @ x)
        x = sparse.hstack(blocks).tocsr()
        return x if self._cols is None else x[:, self._cols]

    def proba(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per text, columns in ``classes``."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        return self._clf.predict_proba(self.features(texts, vectors))

    def assign(self, texts: list[str], vectors: np.ndarray, threshold: float) -> list[str | None]:
        """The code each text maps onto, or None (most probably outside
        every code, or not confident enough: abstention)."""
        if not texts:
            return []
        proba = self.proba(texts, vectors)
        best = proba.argmax(axis=1)
        out: list[str | None] = []
        for j, b in enumerate(best):
            lab = self.classes[b]
            out.append(lab if lab != OUTSIDE and proba[j, b] >= threshold else None)
        return out


_CACHE: dict[tuple[str, XSParams], EmbeddingCodeModel] = {}


def xs_code_model(embedder: Embedder, params: XSParams | None = None) -> EmbeddingCodeModel:
    """The model trained on the shipped statements in ``embedder``'s space
    (cached per process and embedder id)."""
    params = params or XSParams()
    key = (embedder.id, params)
    if key not in _CACHE:
        _CACHE[key] = EmbeddingCodeModel(read_statements(), embedder, params)
    return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()
