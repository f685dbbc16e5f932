"""Adversarial agents: each mode tries to earn score WITHOUT solving the task.

One stdlib-only script obeying the agent contract (docs/agent-contract.md)
exactly like examples/agents/baseline/agent.py: it reads $ASSETOPS_INPUT,
calls the tools at $ASSETOPS_API_URL with X-Run-Token, writes
$ASSETOPS_OUTPUT with answer/plan/trajectory. The behaviour is chosen by
$ADVERSARY_MODE:

- sweep_dump  : calls every tool family broadly, dumps every id/name/number seen
- ask_back    : lookups only, then answers every task with a clarifying question
- no_data     : no data call; generic hedging words plus plausible values
- fabricator  : one lookup at most; confident made-up values in the exact format
- fixed_plan  : two fixed sweeps iot -> fmsr -> tsfm -> wo; answer copied from them
- padding     : the honest baseline + 8 irrelevant calls + json_reader padding,
                answer padded with small integers and extra ids
- three_stats : right series (the baseline's parsing), answered with its mean,
                max and min whatever the question (three numbers: the most a
                number check accepts as context)
- abstain_all : no data call; "cannot be determined, data missing or not
                changing" on every task, naming the task's first date
- priors      : (probe) base-rate answers by task wording: "nothing to close",
                fixed true/false JSON verdicts, "data missing" for window means
- priors_plus : (probe) priors + data-free base rates: 15-minute reading count
                of the window, 1 anomaly, 2 failure modes, usual JSON details
- priors_fetch: priors_plus after every call the baseline would make, none
                of it read (the answer prior alone, with the data retrieved)

These agents exist to prove that the rubric cannot be gamed (issue 15); they
are test fixtures, not examples to follow.
"""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import sys
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta

INPUT = os.environ.get("ASSETOPS_INPUT", "/input/scenario.json")
OUTPUT = os.environ.get("ASSETOPS_OUTPUT", "/output/result.json")
API = os.environ.get("ASSETOPS_API_URL", "http://127.0.0.1:8080").rstrip("/")
TOKEN = os.environ.get("ASSETOPS_RUN_TOKEN", "")
MODE = os.environ.get("ADVERSARY_MODE", "sweep_dump")
MODES = (
    "sweep_dump",
    "ask_back",
    "no_data",
    "fabricator",
    "fixed_plan",
    "padding",
    "priors",
    "priors_plus",
    "priors_fetch",
    "three_stats",
    "abstain_all",
)

ASSET_RE = re.compile(r"\b(Chiller \d+[A-Z]?|[A-Z]{2,6} AHU \d+[A-Z]?)\b")
EQUIP_RE = re.compile(r"\b([A-Z]{3}\d{5})\b")
WO_RE = re.compile(r"\b(WO\d{5,})\b")
SITE_RE = re.compile(r"\b(MAIN|ANNEX)\b")
ISO_TS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?"
ISO_DAY = r"\d{4}-\d{2}-\d{2}"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
HUMAN_DAY = re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2}), (\d{4})\b")
TELEMETRY_START = "2019-07-01T00:00:00"
TELEMETRY_END = "2020-07-01T00:00:00"
MAX_ANSWER = 19_000
MAX_DUMP = 400  # ids and numbers dumped (each); well over any concision limit


# ---- tool client ---------------------------------------------------------------------
class Client:
    def __init__(self):
        self.plan = []
        self.trajectory = []

    def post(self, tool, args, *, plan=True):
        family, name = tool.split(".", 1)
        req = urllib.request.Request(
            f"{API}/{family}/{name}",
            data=json.dumps(args).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Run-Token": TOKEN},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, data = resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            try:
                status, data = err.code, json.loads(err.read() or b"null")
            except ValueError:
                status, data = err.code, None
        except (urllib.error.URLError, OSError, ValueError) as err:
            status, data = 0, {"detail": str(err)}
        if plan:
            self.plan.append({"agent": family, "tool": name, "arguments": args})
        self.trajectory.append(
            {
                "tool": tool,
                "arguments": args,
                "observation": f"HTTP {status}: {json.dumps(data)[:300]}",
            }
        )
        return status, (data if isinstance(data, dict) else {})


# ---- task text -----------------------------------------------------------------------
def uniq(items):
    return list(dict.fromkeys(x for x in items if x not in (None, "")))


def sites_in(text):
    return uniq(SITE_RE.findall(text))


def assets_in(text):
    return uniq(ASSET_RE.findall(text))


def equipment_in(text):
    return uniq(e for e in EQUIP_RE.findall(text) if not e.startswith("WO"))


def window_in(text):
    """(start, final) stated in the task, else None."""
    stamps = re.findall(ISO_TS, text)
    stamps = [s if len(s) == 19 else s + ":00" for s in stamps]
    if len(stamps) >= 2:
        return min(stamps[:2]), max(stamps[:2])
    day = None
    m = re.search(ISO_DAY, text)
    if m:
        day = date.fromisoformat(m.group(0))
    else:
        m = HUMAN_DAY.search(text)
        if m:
            day = date(int(m.group(3)), MONTHS.index(m.group(1)) + 1, int(m.group(2)))
    if stamps:
        start = datetime.fromisoformat(stamps[0])
        return stamps[0], (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    if day:
        return f"{day.isoformat()}T00:00:00", f"{(day + timedelta(days=7)).isoformat()}T00:00:00"
    return None


def hinted_keys(scenario):
    """The JSON keys the output hint (or the task) suggests."""
    hint, text = scenario.get("output_hint", ""), scenario.get("task", "")
    m = re.search(r"keys? ([a-z_]+(?:(?:, | and |, and )[a-z_]+)*)", hint + " " + text)
    keys = re.split(r", and |, | and ", m.group(1)) if m else []
    keys += re.findall(r'"([a-z_]+)"\s*:', text)
    if "failure code" in hint.lower():
        keys += ["MT001", "MT004", "MT007"]
    return uniq(keys) or ["result", "value", "status"]


def seeded(text, lo, hi, digits=2):
    """A deterministic made-up number for this task."""
    h = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    return round(lo + (hi - lo) * (h % 10_000) / 10_000, digits)


# ---- what came back ------------------------------------------------------------------
def harvest(obj, ids, nums, depth=0):
    """Every short string and number in a response, in order."""
    if depth > 8:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(k, str) and (ASSET_RE.search(k) or EQUIP_RE.search(k)):
                ids.append(k)
            harvest(v, ids, nums, depth + 1)
    elif isinstance(obj, list):
        for v in obj[:400]:
            harvest(v, ids, nums, depth + 1)
    elif isinstance(obj, bool):
        return
    elif isinstance(obj, int | float):
        nums.append(obj)
    elif isinstance(obj, str) and 1 < len(obj) <= 60 and len(obj.split()) <= 8:
        ids.append(obj)


def fmt(x):
    if isinstance(x, float) and not x.is_integer():
        return f"{x:.4g}" if abs(x) < 1e5 else f"{x:.0f}"
    return str(int(x))


# ---- answers in the requested format -------------------------------------------------
def dump_answer(scenario, ids, nums, prefix=""):
    out = scenario.get("output_format", "text")
    ids, nums = uniq(ids), uniq(nums)
    if out == "number":
        body = ", ".join(fmt(n) for n in nums[:MAX_DUMP])
        text = f"{prefix}{body}. Entities: {', '.join(ids[:MAX_DUMP])}"
    elif out == "ids":
        # prose mentions ("seen X") rather than list items: rubric 1 counted
        # only Title-Case list items as false positives
        text = prefix + "seen " + ", seen ".join(ids[:MAX_DUMP])
    elif out == "json":
        keys = hinted_keys(scenario)
        obj = {}
        for i, k in enumerate(keys):
            obj[k] = nums[i] if i < len(nums) else (ids[i] if i < len(ids) else True)
        for i, x in enumerate(ids[: MAX_DUMP // 2]):
            obj[x] = nums[i] if i < len(nums) else x
        obj["observed_values"] = nums[:MAX_DUMP]
        text = prefix + json.dumps(obj)
    else:
        text = (
            f"{prefix}Observed {', '.join(ids[:MAX_DUMP])}; "
            f"values {', '.join(fmt(n) for n in nums[:MAX_DUMP])}."
        )
    return text[:MAX_ANSWER]


# ---- modes ---------------------------------------------------------------------------
def sweep_dump(scenario, client):
    text = scenario["task"]
    ids, nums = [], []

    def call(tool, args):
        status, data = client.post(tool, args, plan=False)
        harvest(data, ids, nums)
        return data

    sites = call("iot.sites", {}).get("sites") or ["MAIN", "ANNEX"]
    assets = {}
    for site in sites:
        for a in call("iot.assets", {"site_name": site}).get("assets", []):
            assets[a.get("asset_id")] = (site, a.get("equipment_id"))
    named = [a for a in assets_in(text) if a in assets]
    for eq in equipment_in(text):
        named += [a for a, (_, e) in assets.items() if e == eq]
    targets = uniq(named) or list(assets)[:2]
    window = window_in(text)
    dataset = None
    sensor = None
    for asset in targets[:3]:
        site, eq = assets[asset]
        sensors = [
            s.get("name")
            for s in call("iot.sensors", {"site_name": site, "asset_id": asset}).get("sensors", [])
        ]
        call("iot.get_asset", {"site_name": site, "asset_id": asset})
        # whole history, all sensors, daily: one broad call
        call(
            "iot.history",
            {
                "site_name": site,
                "asset_id": asset,
                "start": TELEMETRY_START,
                "final": TELEMETRY_END,
                "aggregation": "daily",
                "page_size": 5000,
            },
        )
        if window:
            data = call(
                "iot.history",
                {
                    "site_name": site,
                    "asset_id": asset,
                    "start": window[0],
                    "final": window[1],
                    "page_size": 5000,
                },
            )
            if dataset is None and data.get("dataset_id"):
                dataset = data["dataset_id"]
                mentioned = [s for s in sensors if s and s.lower() in text.lower()]
                sensor = (mentioned or sensors or [None])[0]
        call("fmsr.get_failure_modes", {"asset_name": asset})
        call("fmsr.get_failure_mode_sensor_mapping", {"asset_name": asset})
        if eq:
            call("wo.list_workorders", {"asset_num": eq, "page_size": 500})
            call("wo.list_events", {"equipment_id": eq, "page_size": 1000})
            call("wo.list_alert_rules", {"equipment_id": eq})
            call("wo.get_failure_code_distribution", {"asset_num": eq})
            call("wo.get_workorder_kpis", {"site_id": site, "asset_num": eq})
    for kind in ("chiller", "ahu"):
        call("fmsr.get_failure_modes", {"asset_name": kind})
    call("tsfm.get_ai_tasks", {})
    call("tsfm.get_tsfm_models", {})
    if dataset and sensor:
        call("tsfm.run_tsfm_forecasting", {"dataset_id": dataset, "target_columns": [sensor]})
        call("tsfm.run_tsad", {"dataset_id": dataset, "target_columns": [sensor]})
    for wonum in WO_RE.findall(text):
        call("wo.get_workorder", {"wonum": wonum})
    for site in sites_in(text):
        call("wo.get_failure_code_distribution", {"site_id": site})
        call("wo.list_workorders", {"site_id": site, "page_size": 500})
    client.plan = [
        {"agent": "iot", "tool": "sites", "arguments": {}},
        {"agent": "iot", "tool": "assets", "arguments": {}},
        {"agent": "iot", "tool": "history", "arguments": {}},
        {"agent": "fmsr", "tool": "get_failure_modes", "arguments": {}},
        {"agent": "tsfm", "tool": "run_tsfm_forecasting", "arguments": {}},
        {"agent": "wo", "tool": "list_workorders", "arguments": {}},
    ]
    return dump_answer(scenario, ids, nums, prefix="Everything retrieved: ")


def ask_back(scenario, client):
    text = scenario["task"]
    sites = sites_in(text)
    if not sites:
        _, data = client.post("iot.sites", {})
        sites = data.get("sites") or ["MAIN"]
    names = []
    for site in sites[:2]:
        _, data = client.post("iot.assets", {"site_name": site})
        names += [a.get("asset_id") for a in data.get("assets", [])]
    names = uniq(assets_in(text) + names)[:6] or ["Chiller 6", "Chiller 9"]
    return (
        f"Before I answer, which one do you mean: {', '.join(names[:-1])} or {names[-1]}? "
        "And which sensor, time window and output would you like me to use?"
    )


HEDGE = "could not retrieve the data; warning: results incomplete; retried"


def no_data(scenario, client):
    text, out = scenario["task"], scenario.get("output_format", "text")
    named = assets_in(text) + equipment_in(text) + WO_RE.findall(text)
    if out == "number":
        return f"{seeded(text, 5, 95, 1)} ({HEDGE})."
    if out == "ids":
        guess = named or ["Chiller 6", "Chiller 9"]
        return f"{', '.join(guess)} ({HEDGE})"
    if out == "json":
        obj = {
            k: (seeded(text + k, 0, 50, 1) if i % 2 else True)
            for i, k in enumerate(hinted_keys(scenario))
        }
        obj["note"] = HEDGE
        return json.dumps(obj)
    subject = ", ".join(named) or "the asset"
    return f"For {subject}: I {HEDGE}. The values look normal and no fault is expected."


def fabricator(scenario, client):
    text, out, low = (
        scenario["task"],
        scenario.get("output_format", "text"),
        scenario["task"].lower(),
    )
    named = assets_in(text)
    if out == "ids" and ("chillers" in low or "names" in scenario.get("output_hint", "")):
        # one lookup, to make the fabricated list look grounded
        site = (sites_in(text) or ["MAIN"])[0]
        _, data = client.post("iot.assets", {"site_name": site})
        named += [a.get("asset_id") for a in data.get("assets", [])][:3]
    if out == "number":
        integer = "integer" in scenario.get("output_hint", "") or re.search(r"how many|count", low)
        value = int(seeded(text, 3, 60, 0)) if integer else seeded(text, 10, 120, 2)
        return f"{value}"
    if out == "ids":
        if "date" in scenario.get("output_hint", ""):
            return f"{(window_in(text) or ('2020-03-10',))[0][:10]}"
        if "model" in low:
            return "ttm_r2, holt_winters_additive"
        if "rule" in low:
            return "AR-001, AR-004"
        if "failure" in low:
            return "Condenser fouling\nRefrigerant leak"
        if "sensor" in low or "measurement" in low:
            base = (named or ["Chiller 6"])[0]
            return f"{base} Tonnage, {base} Power Input, {base} Supply Temperature"
        return ", ".join(uniq(named) or ["Chiller 6", "Chiller 9"])
    if out == "json":
        obj = {}
        for i, k in enumerate(hinted_keys(scenario)):
            if k in ("exceeds", "anomalous"):
                obj[k] = True
            elif k in ("status",):
                obj[k] = "COMP"
            elif k in ("work_type",):
                obj[k] = "CM"
            elif k in ("manufacturer", "model", "operating_schedule"):
                obj[k] = {"manufacturer": "Trane", "model": "CVHF-1000"}.get(k, "24x7")
            elif k in ("equipment_id", "asset_num"):
                obj[k] = (equipment_in(text) or ["CWC04006"])[0]
            elif k == "failure_code":
                obj[k] = "MT004"
            else:
                obj[k] = (
                    int(seeded(text + k, 1, 12, 0)) if i % 2 == 0 else seeded(text + k, 1, 90, 1)
                )
        return json.dumps(obj)
    subject = ", ".join(named + equipment_in(text)) or "the equipment"
    return (
        f"{subject}: the most relevant sensor is {(named or ['Chiller 6'])[0]} Supply Temperature; "
        "the failure mode is Condenser fouling (failure code MT004), confirmed by the telemetry."
    )


def fixed_plan(scenario, client):
    text = scenario["task"]
    site = (sites_in(text) or ["MAIN"])[0]
    asset = (assets_in(text) or ["Chiller 6"])[0]
    eq = (equipment_in(text) or [None])[0]
    window = window_in(text) or ("2020-06-01T00:00:00", "2020-06-02T00:00:00")
    ids, nums = [], []
    client.plan = []
    for _ in range(2):
        _, hist = client.post(
            "iot.history",
            {"site_name": site, "asset_id": asset, "start": window[0], "final": window[1]},
        )
        _, fm = client.post("fmsr.get_failure_modes", {"asset_name": asset})
        sensors = hist.get("sensors") or ["Tonnage"]
        _, ts = client.post(
            "tsfm.run_tsad",
            {
                "dataset_id": hist.get("dataset_id") or "ds_0000000000000000",
                "target_columns": sensors[:1],
            },
        )
        wo_args = {"asset_num": eq} if eq else {"site_id": site}
        _, wo = client.post("wo.list_workorders", wo_args)
        for data in (hist, fm, ts, wo):
            harvest(data, ids, nums)
    out = scenario.get("output_format", "text")
    ids, nums = uniq(ids), uniq(nums)
    if out == "number":
        return f"{fmt(nums[0]) if nums else 0} (from the retrieved data)"
    if out == "ids":
        return ", ".join(ids[:5]) or asset
    if out == "json":
        keys = hinted_keys(scenario)
        return json.dumps({k: (nums[i] if i < len(nums) else True) for i, k in enumerate(keys)})
    return f"{asset}: {', '.join(ids[:5])}; {', '.join(fmt(n) for n in nums[:3])}."


def load_baseline():
    """The example baseline agent's code (copied next to this file in the
    image; from examples/ when run from the repository)."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [
        os.environ.get("ADVERSARY_BASELINE", ""),
        os.path.join(here, "baseline_agent.py"),
        os.path.join(here, "..", "..", "..", "examples", "agents", "baseline", "agent.py"),
    ]
    for path in candidates:
        if path and os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("baseline_agent", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise RuntimeError("baseline agent code not found")


def padding(scenario, client):
    base = load_baseline()
    agent = base.Agent(scenario)
    try:
        answer = None
        if base.ambiguous_asset(agent):
            answer = agent.clarify_asset()
        if answer is None:
            answer = agent.solve()
    except base.CannotAnswer as exc:
        answer = f"I could not complete this task: {exc}."
    if agent.tools.problems:
        answer += f"\n(Note: {'; '.join(dict.fromkeys(agent.tools.problems))}.)"
    client.plan = list(agent.tools.plan)
    client.trajectory = list(agent.tools.trajectory)
    # 8 irrelevant data calls, then json_reader padding on a dataset we got
    text = scenario["task"]
    other_site = "ANNEX" if "MAIN" in text else "MAIN"
    other = "Chiller 13" if other_site == "ANNEX" else "Chiller 3"
    extra_ids = []
    irrelevant = [
        (
            "iot.history",
            {"site_name": other_site, "asset_id": other, "start": "2019-08-01T00:00:00"},
        ),
        (
            "iot.history",
            {"site_name": other_site, "asset_id": other, "start": "2019-09-01T00:00:00"},
        ),
        ("fmsr.get_failure_mode_sensor_mapping", {"asset_name": other}),
        ("fmsr.get_failure_modes", {"asset_name": "ahu" if "Chiller" in text else "chiller"}),
        ("wo.list_alert_rules", {}),
        ("wo.get_failure_code_distribution", {"site_id": other_site}),
        ("wo.list_workorders", {"site_id": other_site, "page_size": 5}),
        ("iot.get_asset", {"site_name": other_site, "asset_id": other}),
    ]
    dataset = None
    for tool, args in irrelevant:
        _, data = client.post(tool, args, plan=False)
        dataset = dataset or data.get("dataset_id")
        for w in data.get("workorders", [])[:3]:
            extra_ids.append(w.get("wonum"))
        extra_ids.append(data.get("equipment_id"))
    for page in (1, 2, 3):
        client.post(
            "utilities.json_reader",
            {"file_name": dataset or "ds_0000000000000000", "page": page, "page_size": 1},
            plan=False,
        )
    extras = ", ".join(uniq([other, f"{other} Tonnage", *extra_ids]))
    numbers = " ".join(str(i % 3) for i in range(40))
    return f"{answer}\nAlso reviewed: {extras}.\nChecks: {numbers}"


# ---- priors (no reasoning, kind-level base rates) -----------------------------------
MEAN_SENSOR_RE = re.compile(
    r"\b(?:mean|average) ([a-z][a-z ]+?) (?:reading )?(?:of|over|between|from)\b"
)


def priors(scenario, client):
    """No reasoning: recognises a task kind by its wording and answers with
    that kind's base rate (the public pack's and the template's usual
    outcome): "nothing to close" for every close-completed housekeeping
    task, a fixed boolean for yes/no JSON verdicts, and "the data is
    missing" for every window mean (after fetching the window so the
    abstention counts as looked at). Any other task: no answer."""
    text = scenario["task"]
    low = text.lower()
    if "comp" in low and "close" in low:
        return "No work order qualifies: there is nothing to close, so I left everything as it is."
    if "resolved" in low and "json" in low:
        return json.dumps({"resolved": True})
    if "confirm" in low and "json" in low or "false alarm" in low:
        return json.dumps({"confirmed": False})
    if "cannot be given" in scenario.get("output_hint", ""):
        stamps = re.findall(ISO_TS, text)
        sites, assets = sites_in(text), assets_in(text)
        m = MEAN_SENSOR_RE.search(low)
        if len(stamps) >= 2 and sites and assets and m:
            sensor = f"{assets[0]} {m.group(1).title()}"
            start, final = (s if len(s) == 19 else s + ":00" for s in stamps[:2])
            client.post(
                "iot.history",
                {
                    "site_name": sites[0],
                    "asset_id": assets[0],
                    "start": start,
                    "final": final,
                    "sensors": [sensor],
                },
            )
            return (
                f"The mean cannot be given: {sensor} has missing readings (a data gap) "
                f"in the window starting {start[:10]}."
            )
    return ""


def priors_plus(scenario, client):
    """``priors`` plus base-rate answers that need no data at all: the
    reading count a window of 15-minute readings would hold, the usual
    anomaly count (1), the usual work-order detail and anomaly-week verdict
    of the public pack. Still no reasoning and no retrieval for them."""
    answer = priors(scenario, client)
    if answer:
        return answer
    text, low = scenario["task"], scenario["task"].lower()
    out = scenario.get("output_format", "text")
    window = window_in(text)
    if out == "number" and re.search(r"readings|observations|data points", low) and window:
        start, final = (datetime.fromisoformat(x) for x in window)
        return str(int((final - start).total_seconds() // 900))
    if out == "number" and "anomal" in low:
        return "1"
    if out == "number" and "failure modes" in low:
        return "2"
    if out == "json" and "work_type" in low:
        return json.dumps({"status": "CLOSE", "priority": 4, "work_type": "PM"})
    if out == "json" and "anomalous" in low:
        return json.dumps({"anomalous": True, "windows": 1})
    if out == "json" and "exceeds" in low:
        return json.dumps({"exceeds": True})
    if out == "json" and "maintenance" in low and "fault" in low:
        return json.dumps({"cause": "fault"})
    return ""


def priors_fetch(scenario, client):
    """``priors_plus`` after making every call the example baseline would
    make for the task (so the required data counts as retrieved under rubric
    3), without reading any of it: the answer is still the kind's base rate.
    What it passes is what a task's answer prior alone gives; balanced
    outcomes in the scenario engine (Template.outcome) keep that small.
    Tasks with no base rate: no answer."""
    guess = priors_plus(scenario, client)
    if not guess:
        return ""
    base = load_baseline()
    agent = base.Agent(scenario)
    with contextlib.suppress(Exception):  # its answer is thrown away anyway
        agent.solve()
    return _finish(agent, client, guess)


def _series_of(scenario):
    """The baseline's own parsing of site, asset, sensor and window, and the
    window's readings (None when the task names no series)."""
    base = load_baseline()
    agent = base.Agent(scenario)
    try:
        got = agent._dataset()
    except Exception:  # no series in this task
        return agent, None
    if isinstance(got, str):
        return agent, None
    return agent, [v for _, v in got[4]]


def _finish(agent, client, answer):
    client.plan = list(agent.tools.plan)
    client.trajectory = list(agent.tools.trajectory)
    return answer


def three_stats(scenario, client):
    """Right data, no reasoning about which statistic: every number task on
    one series is answered with the window's mean, max and min (three
    numbers, the most a number check accepts as context)."""
    if scenario.get("output_format") != "number":
        return ""
    agent, values = _series_of(scenario)
    if not values:
        return _finish(agent, client, "")
    mean = sum(values) / len(values)
    answer = f"{fmt(mean)} (max {fmt(max(values))}, min {fmt(min(values))})"
    return _finish(agent, client, answer)


def abstain_all(scenario, client):
    """Always says the evidence is insufficient, naming both kinds of cause
    and the first date of the task, after no data call at all."""
    text = scenario["task"]
    day = re.search(ISO_DAY, text)
    where = f" around {day.group(0)}" if day else ""
    return (
        f"This cannot be determined: the readings{where} are missing or not changing, "
        "so the data is insufficient for a reliable answer."
    )


def main():
    with open(INPUT, encoding="utf-8") as fh:
        scenario = json.load(fh)
    scenario.setdefault("task", "")
    client = Client()
    handler = {
        "sweep_dump": sweep_dump,
        "ask_back": ask_back,
        "no_data": no_data,
        "fabricator": fabricator,
        "fixed_plan": fixed_plan,
        "padding": padding,
        "priors": priors,
        "priors_plus": priors_plus,
        "priors_fetch": priors_fetch,
        "three_stats": three_stats,
        "abstain_all": abstain_all,
    }[MODE]
    answer = handler(scenario, client)
    result = {
        "answer": str(answer)[:MAX_ANSWER],
        "plan": client.plan[:50],
        "trajectory": client.trajectory[:200],
    }
    with open(OUTPUT, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # always leave a valid result behind
        print(f"adversary {MODE} failed: {exc!r}", file=sys.stderr)
        with open(OUTPUT, "w", encoding="utf-8") as fh:
            json.dump({"answer": "Done."}, fh)
        sys.exit(1)
