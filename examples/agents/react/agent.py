"""ReAct agent: an LLM decides which asset-data tool to call next.

Talks to the arena's OpenAI-compatible gateway (OPENAI_BASE_URL +
OPENAI_API_KEY, a per-run key with a token budget) and to the tools
(ASSETOPS_API_URL, header X-Run-Token) with urllib only. The loop:

    Thought: ...
    Action: <family.tool> <JSON arguments>
    Observation: <tool result, truncated>
    ...
    Final Answer: <answer in the requested format>

A reply without an Action line is taken as the final answer, so the agent
also terminates with models that ignore the format (e.g. the mock model).
"""

import json
import os
import re
import sys
import urllib.error
import urllib.request

INPUT = os.environ.get("ASSETOPS_INPUT", "/input/scenario.json")
OUTPUT = os.environ.get("ASSETOPS_OUTPUT", "/output/result.json")
API = os.environ.get("ASSETOPS_API_URL", "http://127.0.0.1:8080").rstrip("/")
TOKEN = os.environ.get("ASSETOPS_RUN_TOKEN", "")
LLM = os.environ.get("OPENAI_BASE_URL", API + "/v1").rstrip("/")
KEY = os.environ.get("OPENAI_API_KEY", "")
MAX_STEPS = int(os.environ.get("REACT_MAX_STEPS", "8"))
OBS_CHARS = 1500
FAMILIES = {"iot", "fmsr", "tsfm", "wo", "utilities"}

TOOLS = """\
iot.sites {} | iot.assets {site_name, asset_type?: chiller|ahu} |
iot.sensors {site_name, asset_id} | iot.get_asset {site_name, asset_id} |
iot.history {site_name, asset_id, start, final?, sensors?, aggregation?: none|hourly|daily} |
utilities.current_date_time {} | utilities.json_reader {file_name: dataset_id} |
fmsr.get_failure_modes {asset_name} |
fmsr.get_failure_mode_sensor_mapping {asset_name, failure_modes?, sensors?} |
tsfm.get_ai_tasks {} | tsfm.get_tsfm_models {} |
tsfm.run_tsfm_forecasting {dataset_id, target_columns, forecast_horizon?} |
tsfm.run_tsad {dataset_id, target_columns} |
wo.list_workorders {site_id?, asset_num?, status?, work_type?: PM|CM, date_from?, date_to?} |
wo.get_workorder {wonum} | wo.list_events {equipment_id, date_from?, date_to?, event_type?} |
wo.list_alert_rules {equipment_id?} | wo.get_workorder_kpis {site_id, asset_num?} |
wo.get_failure_code_distribution {site_id?, asset_num?}"""

SYSTEM = f"""You operate chillers and air-handling units through tools.
Tools (family.tool {{arguments}}): {TOOLS}
Answer step by step. Each reply is either
Thought: <reasoning>
Action: <family.tool> <JSON object of arguments>
or
Final Answer: <the answer>
Timestamps are ISO 8601. Cite the ids and values you retrieved."""

ACTION_RE = re.compile(r"Action:\s*([a-z_]+\.[a-z_]+)\s*(\{.*\})?", re.S)
FINAL_RE = re.compile(r"Final Answer:\s*(.*)", re.S)


def post_json(url, body, headers, timeout=120):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers=dict(headers, **{"Content-Type": "application/json"}),
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        try:
            return err.code, json.loads(err.read() or b"null")
        except ValueError:
            return err.code, None
    except (urllib.error.URLError, OSError, ValueError) as err:
        return 0, {"error": str(err)}


def chat(messages):
    status, data = post_json(
        LLM + "/chat/completions",
        {"model": "arena", "messages": messages, "temperature": 0},
        {"Authorization": "Bearer " + KEY},
    )
    if status != 200 or not isinstance(data, dict):
        return None, status
    return data["choices"][0]["message"].get("content") or "", status


def call_tool(tool, args):
    family, name = tool.split(".", 1)
    status, data = post_json(f"{API}/{family}/{name}", args, {"X-Run-Token": TOKEN}, timeout=60)
    return status, data


def main():
    with open(INPUT, encoding="utf-8") as fh:
        scenario = json.load(fh)
    task = scenario["task"]
    if scenario.get("output_hint"):
        task += f"\n(Answer format: {scenario['output_format']}; {scenario['output_hint']})"
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": task}]
    plan, trajectory, answer = [], [], ""
    for _ in range(MAX_STEPS):
        reply, status = chat(messages)
        if reply is None:  # budget exhausted (429) or gateway error: stop honestly
            answer = answer or f"Could not complete the task: LLM unavailable (HTTP {status})."
            break
        messages.append({"role": "assistant", "content": reply})
        action = ACTION_RE.search(reply)
        final = FINAL_RE.search(reply)
        if final and (not action or final.start() < action.start()):
            answer = final.group(1).strip()
            trajectory.append({"thought": reply[:4000]})
            break
        if not action:
            answer = reply.strip()
            trajectory.append({"thought": reply[:4000]})
            break
        tool, raw_args = action.group(1), action.group(2) or "{}"
        try:
            args = json.loads(raw_args)
            if not isinstance(args, dict):
                raise ValueError("arguments must be an object")
        except ValueError as err:
            observation = f"invalid arguments: {err}"
            args = {}
        else:
            status, data = call_tool(tool, args)
            observation = json.dumps(data)[:OBS_CHARS]
            if status != 200:
                observation = f"HTTP {status}: {observation}"
            if tool.split(".", 1)[0] in FAMILIES:
                plan.append(
                    {
                        "agent": tool.split(".", 1)[0],
                        "tool": tool.split(".", 1)[1],
                        "arguments": args,
                    }
                )
        trajectory.append(
            {
                "thought": reply[:4000],
                "tool": tool,
                "arguments": args,
                "observation": observation[:8000],
            }
        )
        messages.append({"role": "user", "content": "Observation: " + observation})
    result = {"answer": answer[:20000], "plan": plan[:50], "trajectory": trajectory[:200]}
    with open(OUTPUT, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # still leave a valid result behind
        print(f"react agent failed: {exc!r}", file=sys.stderr)
        with open(OUTPUT, "w", encoding="utf-8") as fh:
            json.dump({"answer": f"Agent error: {type(exc).__name__}"}, fh)
        sys.exit(1)
