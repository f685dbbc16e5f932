"""One chat completion through litellm on behalf of an agent.

The agent's own ``model``/``api_key``/``base_url`` are ignored: the operator
picks the model (``ARENA_LLM_MODEL``) and litellm reads the provider keys
from the worker's environment. Models named ``mock/...`` are answered by
litellm's ``mock_response`` (tests, demos, offline machines): ``mock/echo``
echoes the last user message; any other ``mock/...`` returns the scripted
responses given to the gateway in turn; ``mock/policy:<module>:<function>``
answers each request with ``function(messages)`` (a scripted fake provider
that reads the conversation, e.g. ``tests/sandbox/mcp_scripted_llm.py``; the
module is imported in the gateway's process, so only the operator, who sets
``ARENA_LLM_MODEL``, chooses it).
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

# Never fetch litellm's model cost map from the internet (offline hosts, and
# the loopback-only rule): use the copy bundled with the package.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_TELEMETRY", "False")


def _litellm() -> Any:
    import litellm  # imported lazily: ~3 s, and only needed when an agent calls

    return litellm


MAX_MESSAGES = 200
MAX_MESSAGE_CHARS = 200_000
PASSTHROUGH = ("temperature", "top_p", "stop", "seed", "response_format", "n")


class BadRequest(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _content_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def validate_messages(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        raise BadRequest("invalid_request", "body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("invalid_request", "messages must be a non-empty list")
    if len(messages) > MAX_MESSAGES:
        raise BadRequest("too_many_messages", f"at most {MAX_MESSAGES} messages")
    clean: list[dict[str, Any]] = []
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in {"system", "user", "assistant", "tool"}:
            raise BadRequest("invalid_request", "each message needs a role and content")
        text = _content_text(m)
        if len(text) > MAX_MESSAGE_CHARS:
            raise BadRequest("message_too_long", f"a message exceeds {MAX_MESSAGE_CHARS} chars")
        clean.append({"role": m["role"], "content": text})
    return clean


def requested_max_tokens(body: dict[str, Any]) -> int | None:
    """The agent's ``max_tokens`` (or ``max_completion_tokens``), if a positive int."""
    for field in ("max_tokens", "max_completion_tokens"):
        value = body.get(field)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


POLICY_PREFIX = "mock/policy:"


@functools.cache
def _policy(spec: str) -> Callable[[list[dict[str, Any]]], str]:
    """``module:function`` of a scripted provider (``mock/policy:...`` models)."""
    module, _, name = spec.rpartition(":")
    if not module or not name:
        raise BadRequest("invalid_model", "mock/policy: needs module:function")
    return getattr(importlib.import_module(module), name)


class Completer:
    def __init__(self, model: str, scripted: list[str] | None = None) -> None:
        self.model = model
        self._script: Iterator[str] | None = itertools.cycle(scripted) if scripted else None
        self._lock = threading.Lock()

    def _mock_response(self, messages: list[dict[str, Any]]) -> str | None:
        if not self.model.startswith("mock/"):
            return None
        if self.model.startswith(POLICY_PREFIX):
            return str(_policy(self.model[len(POLICY_PREFIX) :])(messages))
        if self._script is not None:
            with self._lock:
                return next(self._script)
        if self.model == "mock/echo":
            users = [m["content"] for m in messages if m["role"] == "user"]
            return (users[-1] if users else "")[:2000]
        return "OK"

    def count_prompt_tokens(self, messages: list[dict[str, Any]]) -> int:
        model = "gpt-3.5-turbo" if self.model.startswith("mock/") else self.model
        try:
            return int(_litellm().token_counter(model=model, messages=messages))
        except Exception:  # unknown tokenizer: a conservative chars/4 estimate
            return sum(len(m["content"]) for m in messages) // 4 + 4 * len(messages)

    def count_text_tokens(self, text: str) -> int:
        """Tokens of a bare text (a completion), without per-message overhead."""
        model = "gpt-3.5-turbo" if self.model.startswith("mock/") else self.model
        try:
            return int(_litellm().token_counter(model=model, text=text))
        except Exception:
            return estimate_tokens(text)

    def _fit(self, text: str, max_tokens: int) -> str:
        """The longest prefix of ``text`` of at most ``max_tokens`` tokens."""
        if self.count_text_tokens(text) <= max_tokens:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.count_text_tokens(text[:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def complete(self, body: dict[str, Any], max_tokens: int) -> dict[str, Any]:
        """Returns an OpenAI-shaped chat.completion dict. ``max_tokens`` is
        what the caller reserved for the output; the agent's own
        ``max_tokens`` can only lower it. ``usage`` is the provider's, if it
        sent one (see ``usage_of``)."""
        messages = validate_messages(body)
        kwargs: dict[str, Any] = {k: body[k] for k in PASSTHROUGH if k in body}
        kwargs["n"] = 1
        requested = requested_max_tokens(body)
        if requested is not None:
            max_tokens = min(max_tokens, requested)
        mock = self._mock_response(messages)
        if mock is not None:
            mock = self._fit(mock, max_tokens)  # a provider stops at max_tokens; so does the mock
        litellm = _litellm()
        if mock is not None:
            response = litellm.completion(
                model="gpt-3.5-turbo",
                messages=messages,
                mock_response=mock,
                max_tokens=max_tokens,
                **kwargs,
            )
        else:
            response = litellm.completion(
                model=self.model, messages=messages, max_tokens=max_tokens, **kwargs
            )
        data = response.model_dump() if hasattr(response, "model_dump") else dict(response)
        data["model"] = self.model
        if mock is not None:
            # litellm's mock usage is a constant; count like a real provider would
            prompt = self.count_prompt_tokens(messages)
            completion = self.count_text_tokens(mock)
            data["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
        return data


def estimate_tokens(text: str) -> int:
    """A provider-independent estimate: one token per 4 characters (rounded up)."""
    return -(-len(text) // 4)


def _reported(usage: Any, field: str) -> int | None:
    value = usage.get(field) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def usage_of(data: dict[str, Any], prompt_estimate: int) -> tuple[int, int]:
    """(prompt, completion) tokens of a provider reply. A reply without
    ``usage`` (or with a zero or missing count) is counted by an estimate,
    never as zero: the prompt by ``prompt_estimate`` (what was reserved for
    it), the completion by ``estimate_tokens`` of the returned text."""
    usage = data.get("usage")
    prompt = _reported(usage, "prompt_tokens") or max(1, prompt_estimate)
    completion = _reported(usage, "completion_tokens")
    if completion is None:
        text = "".join(
            _content_text(choice.get("message") or {})
            for choice in data.get("choices") or []
            if isinstance(choice, dict)
        )
        completion = estimate_tokens(text)
    return prompt, completion
