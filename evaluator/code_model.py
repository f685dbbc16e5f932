"""Mapping free-text failure statements onto taxonomy codes with a linear
classifier learned from labelled statements (issue 19, third round).

The prototype mapping (``evaluator.cluster._prototype_scores``) compares a
statement with phrasings written from the codes' definitions; on the two
labelled corpora a phrasing pattern is nearest its own code only 75-94 %
of the time, and out-of-taxonomy statements are pulled onto codes. Here a
multinomial logistic regression is trained on labelled statements instead:

- training data: ``evaluator/data/code_statements.txt`` (``CODE<TAB>text``,
  ``.txt`` so that the package data of pyproject.toml ships it;
  ``OUTSIDE`` for failures no taxonomy code describes), written by
  ``bench/bench_diagnosis.py --write-code-statements`` from the *dev*
  phrasing patterns of the two benchmark corpora (bench/corpus; the *test*
  patterns are never in it), plus every code's prototype texts
  (``evaluator.taxonomy.prototype_texts``) so that codes the corpora do not
  cover keep their anchors. No scenario content.
- features: fit-free hashed word uni/bigrams and character 3-5-grams of the
  normalised text (as ``HashingEmbedder``), sublinear tf, each block
  L2-normalised; no vocabulary, nothing fitted on a submission.
- use: a statement maps onto the predicted code when that code is not
  ``OUTSIDE`` and its probability reaches ``ClusterParams.code_model_threshold``
  (chosen on the dev patterns, leave-patterns-out); the others go to
  density clustering as before.

The model is trained at first use (deterministic: lbfgs, sorted data; about
two seconds on one core) and cached per process; nothing is downloaded.

Opt-in (``evaluator.cluster.code_model_params``), not the default: on the
corpora's held-out test patterns it gains on corpus B but not on corpus A
(docs/benchmarks.md, "Diagnosis: reading the figures (issue 19)").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from evaluator.embed import normalise_statement
from evaluator.taxonomy import TAXONOMY, prototype_texts

OUTSIDE = "OUTSIDE"
DATA_FILE = Path(__file__).resolve().parent / "data" / "code_statements.txt"


@dataclass(frozen=True)
class CodeModelParams:
    """Chosen on the corpora's dev patterns (bench/bench_diagnosis.py
    ``--code-model-cv``)."""

    c: float = 64.0  # inverse L2 regularisation strength
    n_features: int = 2**18  # per block (words, characters)
    char_weight: float = 0.7
    prototypes: bool = True  # add the codes' prototype texts to the training data
    balanced: bool = True  # class weights inversely proportional to class sizes


def read_statements(path: Path = DATA_FILE) -> list[tuple[str, str]]:
    """(code, text) pairs of the training file; codes are checked."""
    out: list[tuple[str, str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, _, text = line.partition("\t")
        if code != OUTSIDE and code not in TAXONOMY:
            raise ValueError(f"{path.name}:{n}: unknown code {code!r}")
        out.append((code, text))
    return out


class CodeModel:
    """Multinomial logistic regression over hashed lexical features."""

    def __init__(self, pairs: list[tuple[str, str]], params: CodeModelParams) -> None:
        self.params = params
        common = dict(
            n_features=params.n_features, alternate_sign=False, norm=None, lowercase=False
        )
        self._words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common
        )
        self._chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
        data = sorted(set(pairs))
        if params.prototypes:
            data = sorted(set(data) | set(prototype_texts()))
        labels = np.array([c for c, _ in data])
        x = self.features([t for _, t in data])
        # Only the hashed columns the training data uses (a linear model
        # gives the others zero weight anyway): fewer variables, faster fit.
        self._cols = np.unique(x.indices)
        weight = "balanced" if params.balanced else None
        self._clf = LogisticRegression(C=params.c, max_iter=3000, class_weight=weight)
        self._clf.fit(x[:, self._cols], labels)
        self.classes: list[str] = [str(c) for c in self._clf.classes_]

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        norm = [normalise_statement(t) for t in texts]
        blocks = []
        for vec, w in ((self._words, 1.0), (self._chars, self.params.char_weight)):
            x = vec.transform(norm).tocsr().astype(np.float64)
            x.data = 1.0 + np.log(x.data)
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            blocks.append(sparse.diags(w / norms) @ x)
        return sparse.hstack(blocks).tocsr()

    def proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in ``classes``."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        return self._clf.predict_proba(self.features(texts)[:, self._cols])

    def predict(self, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """Most probable class per text (a code or ``OUTSIDE``) and its
        probability."""
        if not texts:
            return [], np.zeros(0)
        proba = self.proba(texts)
        best = proba.argmax(axis=1)
        return [self.classes[b] for b in best], proba[np.arange(len(texts)), best]

    def assign(self, texts: list[str], threshold: float) -> list[str | None]:
        """The code each text maps onto, or None (outside every code, or
        not confident enough)."""
        labels, prob = self.predict(texts)
        return [
            lab if lab != OUTSIDE and p >= threshold else None
            for lab, p in zip(labels, prob, strict=True)
        ]

    def assign_groups(
        self, texts: list[str], groups: np.ndarray, weights: np.ndarray, threshold: float
    ) -> list[str | None]:
        """As ``assign``, but the texts of one group (``groups[i] >= 0``;
        -1 = alone) share the decision made on their weighted mean
        probabilities: a phrasing pattern is classified as a whole."""
        proba = self.proba(texts)
        out: list[str | None] = [None] * len(texts)
        singles = np.where(groups < 0)[0]
        units = [[int(i)] for i in singles]
        for g in np.unique(groups[groups >= 0]):
            units.append([int(i) for i in np.where(groups == g)[0]])
        for idx in units:
            w = weights[idx]
            mean = (proba[idx] * w[:, None]).sum(0) / w.sum()
            best = int(mean.argmax())
            if self.classes[best] != OUTSIDE and mean[best] >= threshold:
                for i in idx:
                    out[i] = self.classes[best]
        return out


DEFAULT_PARAMS = CodeModelParams()


@lru_cache(maxsize=2)
def default_code_model(params: CodeModelParams = DEFAULT_PARAMS) -> CodeModel:
    """The model trained on the shipped statements (cached per process)."""
    return CodeModel(read_statements(), params)
