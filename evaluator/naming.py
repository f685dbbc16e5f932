"""Optional LLM naming of novel failure clusters (litellm). The c-TF-IDF
label stays the fallback and the catalog key never depends on the LLM's
wording, so naming cannot change which entry a cluster maps to."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from evaluator.cluster import StatementCluster
from evaluator.models import FailureStatement
from evaluator.scrub import scrub

MAX_EXAMPLES = 8
MAX_LABEL_CHARS = 60

_PROMPT = """These are short descriptions of one recurring failure of AI agents.
Give it a generic title of at most 6 words. Answer with JSON only: {"title": "..."}
Descriptions:
%s
"""


def name_clusters(
    clusters: list[StatementCluster],
    statements: list[FailureStatement],
    *,
    model: str,
    completion: Callable[..., Any] | None = None,
    mock_response: str | None = None,
) -> list[StatementCluster]:
    """Relabel novel clusters in place (and return them). Errors keep the
    c-TF-IDF label."""
    if completion is None:
        import litellm

        completion = litellm.completion
    for cl in clusters:
        if cl.code is not None:
            continue
        examples = list(dict.fromkeys(statements[i].text for i in cl.members))[:MAX_EXAMPLES]
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": [
                {"role": "user", "content": _PROMPT % "\n".join(f"- {e}" for e in examples)}
            ],
            "temperature": 0,
        }
        if mock_response is not None:
            kwargs["mock_response"] = mock_response
        try:
            content = completion(**kwargs).choices[0].message.content or ""
            title = str(json.loads(content[content.find("{") : content.rfind("}") + 1])["title"])
        except Exception:  # noqa: BLE001 - naming is cosmetic; keep the c-TF-IDF label
            continue
        title = scrub(title)[:MAX_LABEL_CHARS].strip()
        if len(title) >= 3:
            cl.label = title
    return clusters
