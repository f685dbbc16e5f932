"""A scripted fake LLM provider for the MCP example agent (issue 20): the
gateway answers each chat request with ``respond(messages)`` when the
operator's model is ``mock/policy:mcp_scripted_llm:respond``.

It reads the conversation the agent sends (the task, then observations)
and replies in the agent's ReAct format with AssetOpsBench's current tool
names and argument shapes (``iot.sensor_stats(..., end)``,
``iot.history(..., end, limit)``, ``iot.stream_extent``,
``iot.installed_sensors``, ``iot.assets(assettype)``). It knows a handful
of public-pack task kinds and gives up honestly on the others, so an agent
driven by it solves some scenarios and no more: enough to tell a working
MCP agent from a no-op one, without a paid API.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

ASSET = r"(Chiller \d+|CQP\w* AHU \w+)"
GIVE_UP = "Final Answer: I cannot answer this task with the tools I know how to use."


def _task(messages: list[dict[str, Any]]) -> str:
    for m in messages:
        if m["role"] == "user" and m["content"].startswith("Task: "):
            return m["content"][len("Task: ") :]
    return ""


def _observations(messages: list[dict[str, Any]]) -> list[str]:
    return [
        m["content"][len("Observation: ") :]
        for m in messages
        if m["role"] == "user" and m["content"].startswith("Observation: ")
    ]


def _json(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _action(tool: str, args: dict[str, Any]) -> str:
    return f"Thought: call {tool}\nAction: {tool} {json.dumps(args)}"


def _plan(task: str) -> tuple[str, dict[str, Any], Any] | None:
    """(tool, arguments, answer(observation) -> str | None) for a task kind it knows."""
    m = re.search(r"Which (chillers|air[- ]handling units|AHUs) are installed at site (\w+)", task)
    if m:
        kind = "chiller" if m.group(1) == "chillers" else "AHU"

        def names(obs: dict[str, Any]) -> str | None:
            found = [a["asset_id"] for a in obs.get("assets", []) if isinstance(a, dict)]
            return ", ".join(found) or None

        return "iot.assets", {"site_name": m.group(2), "assettype": kind}, names
    m = re.search(rf"measurement points are available for {ASSET} at the (\w+) site", task)
    if m:

        def sensors(obs: dict[str, Any]) -> str | None:
            return ", ".join(obs.get("sensors", [])) or None

        return "iot.installed_sensors", {"site_name": m.group(2), "asset_id": m.group(1)}, sensors
    m = re.search(
        rf"On (\w+ \d+, \d{{4}}), what (maximum|minimum) reading did {ASSET} at (\w+) "
        r"record for (.+?)\?",
        task,
    )
    if m:
        day = datetime.strptime(m.group(1), "%B %d, %Y")
        field = "max" if m.group(2) == "maximum" else "min"
        args = {
            "site_name": m.group(4),
            "asset_id": m.group(3),
            "sensor": f"{m.group(3)} {m.group(5)}",
            "start": day.strftime("%Y-%m-%dT%H:%M:%S"),
            "end": (day + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        }

        def stat(obs: dict[str, Any]) -> str | None:
            rows = obs.get("stats") or []
            value = rows[0].get(field) if rows else None
            return None if value is None else f"{value} ({m.group(2)} of {args['sensor']})"

        return "iot.sensor_stats", args, stat
    m = re.search(rf"I need the {ASSET} (.+?) measurement taken at (\S+) \(site (\w+)\)", task)
    if m:
        at = datetime.fromisoformat(m.group(3))
        sensor = f"{m.group(1)} {m.group(2)}"
        args = {
            "site_name": m.group(4),
            "asset_id": m.group(1),
            "start": at.isoformat(),
            "end": (at + timedelta(minutes=15)).isoformat(),
            "sensors": [sensor],
            "limit": 1,
        }

        def reading(obs: dict[str, Any]) -> str | None:
            rows = obs.get("observations") or []
            value = rows[0].get(sensor) if rows else None
            return None if value is None else f"{value} ({sensor} at {m.group(3)})"

        return "iot.history", args, reading
    m = re.search(
        rf"How many readings of {ASSET} (.+?) were recorded at site (\w+) between (\S+) and (\S+?)"
        r"[ ?(]",
        task,
    )
    if m:
        args = {
            "site_name": m.group(3),
            "asset_id": m.group(1),
            "sensor": f"{m.group(1)} {m.group(2)}",
            "start": m.group(4),
            "end": m.group(5),
        }

        def count(obs: dict[str, Any]) -> str | None:
            n = obs.get("total_records")
            return None if n is None else f"{n} readings"

        return "iot.stream_extent", args, count
    return None


def respond(messages: list[dict[str, Any]]) -> str:
    plan = _plan(_task(messages))
    if plan is None:
        return GIVE_UP
    tool, args, answer = plan
    observations = _observations(messages)
    if not observations:
        return _action(tool, args)
    last = observations[-1]
    data = _json(last)
    result = answer(data) if data is not None else None
    if result is None:
        # an error, a timeout or an empty result: try again (at most twice)
        if len(observations) < 3:
            return _action(tool, args)
        return f"Final Answer: I could not get the data: the tool {tool} kept failing."
    if data is not None and data.get("warning"):
        result += f" (the tool warned: {data['warning']})"
    return f"Final Answer: {result}"
