"""``utilities.ask_operator``: the operator who wrote the task answers a
clarifying question from the run's hidden ``contracts.toollog.Clarification``
(issue 17).

- no clarification in the run's plan (a clear task, or open mode) -> "the task
  is clear as stated", recorded as ``unneeded``;
- a question naming what is ambiguous (one of the clarification's
  ``keywords`` as a whole word or phrase, case-insensitive, punctuation and
  spacing ignored: "Which chiller?", "which CH-6 ...") -> ``answer``,
  recorded as ``specific``;
- any other question -> ``vague_answer``, recorded as ``vague``.
"""

from __future__ import annotations

import re
from typing import Literal

from contracts.toollog import Clarification

UNNEEDED_ANSWER = "The task is clear as stated; please proceed."

Kind = Literal["specific", "vague", "unneeded"]
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefolded words separated by single spaces, padded with a space on both
    sides, so a phrase matches only at word boundaries."""
    words = _NON_WORD.sub(" ", text.casefold()).split()
    return f" {' '.join(words)} " if words else ""


def is_specific(question: str, keywords: list[str]) -> bool:
    q = normalise(question)
    for kw in keywords:
        k = normalise(kw)
        if k and k in q:
            return True
    return False


def answer(question: str, clarification: Clarification | None) -> tuple[str, Kind]:
    """The operator's answer to ``question`` and how it was classified."""
    if clarification is None:
        return UNNEEDED_ANSWER, "unneeded"
    if is_specific(question, clarification.keywords):
        return clarification.answer, "specific"
    return clarification.vague_answer, "vague"
