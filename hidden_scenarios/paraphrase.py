"""Paraphrase assistant for pack authors (authoring time only).

``python -m hidden_scenarios pack paraphrase PATH --template ID --model M``
asks the operator's model (through litellm) for new phrasings of one
template, keeps those that use only the kind's slots, keep every slot the
existing phrasings share, and repeat none, and writes them to
``PATH/proposals/<template id>.yaml`` for review. Nothing reads that
directory: a proposal becomes part of the pack only when the author moves it
into a template file, so no model is ever called at evaluation time and a
scored pack is exactly what its author reviewed.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hidden_scenarios.templates.base import Template

MAX_PROPOSALS = 20
MAX_PHRASING_CHARS = 400
_FMT = string.Formatter()

_PROMPT = """You write task phrasings for an industrial asset-operations benchmark.
Propose {n} new ways to word the task below. Each must ask exactly the same
question, use ONLY these placeholders in curly braces: {slots}, and differ from
the examples in sentence structure (question vs. instruction vs. a request set in
an operator's situation; entity first or last), not only in word choice.
Keep every placeholder the examples all use: {required}.
Answer with a JSON list of strings and nothing else.

Examples:
{examples}
"""


@dataclass
class Proposal:
    text: str
    accepted: bool
    reason: str  # "ok" or why it was dropped


def _fields(text: str) -> set[str] | None:
    try:
        return {f for _, f, _, _ in _FMT.parse(text) if f is not None}
    except ValueError:
        return None


def required_slots(template: Template) -> set[str]:
    """Slots every existing phrasing uses (a proposal must keep them)."""
    sets = [_fields(p) or set() for p in template.phrasings]
    return set.intersection(*sets) if sets else set()


def review(template: Template, candidates: list[Any]) -> list[Proposal]:
    """Keep candidates a pack would accept and that add something."""
    seen = {" ".join(p.casefold().split()) for p in template.phrasings}
    required = required_slots(template)
    out: list[Proposal] = []
    for raw in candidates[:MAX_PROPOSALS]:
        if not isinstance(raw, str) or not raw.strip():
            continue
        text = " ".join(raw.split())
        key = text.casefold()
        fields = _fields(text)
        if len(text) > MAX_PHRASING_CHARS:
            out.append(Proposal(text[:80], False, "too long"))
        elif fields is None or any(not f for f in fields):
            out.append(Proposal(text, False, "malformed placeholder"))
        elif bad := sorted(fields - set(template.slots)):
            out.append(Proposal(text, False, f"unknown slot {{{bad[0]}}}"))
        elif missing := sorted(required - fields):
            out.append(Proposal(text, False, f"drops {{{missing[0]}}}"))
        elif key in seen:
            out.append(Proposal(text, False, "duplicate"))
        else:
            seen.add(key)
            out.append(Proposal(text, True, "ok"))
    return out


def _parse_list(content: str) -> list[Any]:
    match = re.search(r"\[.*\]", content, re.DOTALL)
    if match is None:
        return []
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return []
    return value if isinstance(value, list) else []


def propose(
    template: Template,
    model: str,
    n: int = 5,
    *,
    completion: Callable[..., Any] | None = None,
    **litellm_kwargs: Any,
) -> list[Proposal]:
    """Ask ``model`` for ``n`` phrasings of ``template`` and review them.
    ``litellm_kwargs`` go to ``litellm.completion`` (tests pass
    ``mock_response``)."""
    if completion is None:
        import litellm

        completion = litellm.completion
    prompt = _PROMPT.format(
        n=n,
        slots=", ".join("{" + s + "}" for s in template.slots),
        required=", ".join("{" + s + "}" for s in sorted(required_slots(template))) or "none",
        examples="\n".join(f"- {p}" for p in template.phrasings),
    )
    response = completion(
        model=model, messages=[{"role": "user", "content": prompt}], **litellm_kwargs
    )
    content = response.choices[0].message.content or ""
    return review(template, _parse_list(content))
