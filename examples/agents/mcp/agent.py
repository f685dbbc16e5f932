"""An LLM agent that talks to the tools only over MCP, as an agent written
for AssetOpsBench's MCP servers would (issue 20).

- Tools: the official ``mcp`` client (streamable HTTP), one session per
  family server at ``$ASSETOPS_API_URL/mcp/{family}/``, every request with
  the header ``X-Run-Token: $ASSETOPS_RUN_TOKEN``. The tool list (upstream
  AssetOpsBench names included: ``sensor_stats``, ``history(end, limit,
  cursor)``, ...) comes from ``list_tools``, never from a hard-coded table.
- LLM: the OpenAI-compatible gateway at ``$OPENAI_BASE_URL``
  (``/chat/completions`` with ``Authorization: Bearer $OPENAI_API_KEY``).
- Loop: ReAct in text. The model answers ``Action: <family>.<tool> {json}``
  or ``Final Answer: ...``; each action is one MCP ``call_tool`` whose
  result (or error) is the next observation.

Writes ``$ASSETOPS_OUTPUT`` with the answer, the plan (the tools called) and
the trajectory. Runs with Python 3.11 and the ``mcp`` package only (httpx
comes with it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
from typing import Any

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

FAMILIES = ("iot", "fmsr", "tsfm", "wo", "utilities")
MAX_STEPS = 10
OBS_CHARS = 1500  # observations are cut to keep the conversation inside the token budget
MAX_TOKENS = 400
ACTION_RE = re.compile(r"Action:\s*([a-z_]+)\.([A-Za-z_]+)\s*(\{.*\})?\s*$", re.S)
FINAL_RE = re.compile(r"Final Answer:\s*(.*)", re.S)

SYSTEM = """You operate an industrial plant (chillers, air-handling units) through tools.
Answer the task. Reply with exactly one of:
  Thought: <one line>
  Action: <family>.<tool> <JSON arguments on one line>
or
  Final Answer: <the answer>
Answer format: {output_format} ({output_hint}).
Tools (name(arguments), ? = optional):
{tools}"""


def _signature(tool: Any) -> str:
    schema = tool.inputSchema or {}
    required = set(schema.get("required", []))
    args = [n if n in required else f"{n}?" for n in (schema.get("properties") or {})]
    return f"{tool.name}({', '.join(args)})"


class Llm:
    def __init__(self) -> None:
        self.url = os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions"
        self.headers = {"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"}

    async def chat(self, client: httpx.AsyncClient, messages: list[dict[str, str]]) -> str | None:
        body = {"model": "default", "messages": messages, "max_tokens": MAX_TOKENS}
        try:
            r = await client.post(self.url, json=body, headers=self.headers, timeout=90)
        except httpx.HTTPError as exc:
            print(f"LLM gateway unreachable: {exc!r}", file=sys.stderr)
            return None
        if r.status_code != 200:  # 429: budget or request limit reached
            print(f"LLM gateway answered {r.status_code}: {r.text[:200]}", file=sys.stderr)
            return None
        return r.json()["choices"][0]["message"]["content"] or ""


async def run(scenario: dict[str, Any]) -> dict[str, Any]:
    base = os.environ["ASSETOPS_API_URL"].rstrip("/")
    headers = {"X-Run-Token": os.environ.get("ASSETOPS_RUN_TOKEN", "")}
    plan: list[dict[str, Any]] = []
    trajectory: list[dict[str, Any]] = []
    async with contextlib.AsyncExitStack() as stack:
        sessions: dict[str, ClientSession] = {}
        listing: list[str] = []
        for family in FAMILIES:
            read, write, _ = await stack.enter_async_context(
                streamablehttp_client(f"{base}/mcp/{family}/", headers=headers)
            )
            session = await stack.enter_async_context(ClientSession(read, write))
            await session.initialize()
            sessions[family] = session
            tools = (await session.list_tools()).tools
            listing += [f"{family}.{_signature(t)}" for t in tools]
        system = SYSTEM.format(
            output_format=scenario.get("output_format", "text"),
            output_hint=scenario.get("output_hint", ""),
            tools="\n".join(listing),
        )
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": f"Task: {scenario['task']}"},
        ]
        llm = Llm()
        answer = ""
        async with httpx.AsyncClient() as client:
            for _ in range(MAX_STEPS):
                reply = await llm.chat(client, messages)
                if reply is None:
                    answer = answer or "I could not finish: the LLM became unavailable."
                    break
                messages.append({"role": "assistant", "content": reply})
                final = FINAL_RE.search(reply)
                if final:
                    answer = final.group(1).strip()
                    break
                action = ACTION_RE.search(reply.strip().splitlines()[-1] if reply.strip() else "")
                if action is None:
                    messages.append(
                        {
                            "role": "user",
                            "content": "Reply with 'Action: <family>.<tool> {json}' or "
                            "'Final Answer: ...'.",
                        }
                    )
                    continue
                family, tool, raw = action.group(1), action.group(2), action.group(3) or "{}"
                try:
                    args = json.loads(raw)
                except ValueError:
                    args = None
                if family not in sessions or not isinstance(args, dict):
                    observation = "Error: unknown family or arguments that are not a JSON object."
                else:
                    plan.append({"agent": family, "tool": tool, "arguments": args})
                    observation = await _call(sessions[family], tool, args)
                thought = reply.split("Action:", 1)[0].replace("Thought:", "").strip()
                trajectory.append(
                    {
                        "thought": thought[:500],
                        "tool": f"{family}.{tool}",
                        "arguments": args if isinstance(args, dict) else {},
                        "observation": observation[:500],
                    }
                )
                messages.append({"role": "user", "content": f"Observation: {observation}"})
    return {"answer": answer, "plan": plan[:50], "trajectory": trajectory[:200]}


async def _call(session: ClientSession, tool: str, args: dict[str, Any]) -> str:
    try:
        result = await session.call_tool(tool, args)
    except Exception as exc:  # noqa: BLE001 - the model sees the failure and may retry
        return f"Error: {exc}"[:OBS_CHARS]
    if result.isError:
        text = "".join(getattr(c, "text", "") for c in result.content)
        return f"Error: {text}"[:OBS_CHARS]
    if result.structuredContent is not None:
        return json.dumps(result.structuredContent, separators=(",", ":"))[:OBS_CHARS]
    return "".join(getattr(c, "text", "") for c in result.content)[:OBS_CHARS]


def main() -> None:
    with open(os.environ.get("ASSETOPS_INPUT", "/input/scenario.json"), encoding="utf-8") as f:
        scenario = json.load(f)
    try:
        result = asyncio.run(run(scenario))
    except Exception as exc:  # noqa: BLE001 - always leave a result behind
        print(f"mcp agent failed: {exc!r}", file=sys.stderr)
        result = {"answer": f"I could not finish the task: {type(exc).__name__}.", "plan": []}
    out = os.environ.get("ASSETOPS_OUTPUT", "/output/result.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
