"""Defect agents for the diagnosis benchmark (issue 19).

The honest rule-based baseline (examples/agents/baseline/agent.py) with ONE
known defect, chosen by $DEFECT_MODE. Like tests/adversarial/agents/
adversary.py it is a stdlib-only script obeying the agent contract
(docs/agent-contract.md): it loads the baseline's code, patches the one
behaviour the defect names, and runs the baseline's ``main``.

The defects are what participants' agents really get wrong; the benchmark
(bench/bench_diagnosis.py) checks that the failure clusters of each
variant's submission name its defect. The list and the expected diagnosis
of each one are in bench/diagnosis/defects.yaml. These agents are bench
fixtures, not examples to follow.
"""

import calendar
import importlib.util
import json
import os
import re
import sys

MODE = os.environ.get("DEFECT_MODE", "")
HERE = os.path.dirname(os.path.abspath(__file__))


def load_baseline():
    candidates = [
        os.environ.get("DEFECT_BASELINE", ""),
        os.path.join(HERE, "baseline_agent.py"),
        os.path.join(HERE, "..", "..", "..", "examples", "agents", "baseline", "agent.py"),
    ]
    for path in candidates:
        if path and os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("baseline_agent", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise RuntimeError("baseline agent code not found")


b = load_baseline()
ORIGINAL_CALL = b.Tools.call
ORIGINAL_POST = b.Tools._post
DATA_FAMILIES = ("iot", "fmsr", "tsfm", "wo")
LOOKUPS = ("iot.sites", "iot.assets", "iot.sensors")


class Bail(Exception):
    """Stop solving; ``answer`` is what the defective agent says instead."""

    def __init__(self, answer):
        super().__init__(answer)
        self.answer = answer


def _ok(status, data):
    return status == 200 and isinstance(data, dict)


def _record(tools, tool, args, status, data):
    family, name = tool.split(".", 1)
    step = {"agent": family, "tool": name, "arguments": args}
    if step not in tools.plan:
        tools.plan.append(step)
    tools.trajectory.append(
        {"tool": tool, "arguments": args, "observation": f"HTTP {status}: {json.dumps(data)[:600]}"}
    )


def _guess(fmt):
    """A plausible value in the requested format (no data behind it)."""
    return {
        "number": "42",
        "ids": "Chiller 1, Chiller 2",
        "json": json.dumps({"status": "COMP", "exceeds": False, "value": 42}),
    }.get(fmt, "Everything looks normal; the value is 42.")


# ---- the defects ---------------------------------------------------------------------
def never_retries(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; a failure or an empty result is taken as is and
    never mentioned."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        return data
    raise Bail("I could not complete this task.")


def claims_success(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; when a step fails it reports success anyway."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data) and (not expect_rows or b._nonempty(data, expect_rows)):
        return data
    raise Bail("Done: all steps completed successfully. Result: " + _guess(CURRENT["fmt"]))


def retries_identically(tools, tool, args, expect_rows=None, lookup=False):
    """Asks for everything at once (a page size over the tool's limit) and,
    when the tool rejects the request and says why, sends it again unchanged."""
    if "page_size" in args or tool in ("iot.history", "wo.list_workorders", "wo.list_events"):
        args = {**args, "page_size": 20000}
    for _ in range(3):
        status, data = tools._post(tool, args)
        _record(tools, tool, args, status, data)
        if _ok(status, data):
            return data
    raise Bail("I could not complete this task.")


def ignores_warnings(tools, tool, args, expect_rows=None, lookup=False):
    """Uses data a tool flagged with a warning as if it were clean."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    tools.problems = [p for p in tools.problems if "warning" not in p]
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("warning", "warnings")}
    return data


def repeats_calls(tools, tool, args, expect_rows=None, lookup=False):
    """Every data call is sent three times (only the last answer is used)."""
    if tool not in LOOKUPS:
        for _ in range(2):
            status, data = tools._post(tool, args)
            _record(tools, tool, args, status, data)
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def first_family_only(tools, tool, args, expect_rows=None, lookup=False):
    """Stops after the first tool family it used and answers from that."""
    family = tool.split(".", 1)[0]
    seen = CURRENT.setdefault("families", [])
    if tool not in LOOKUPS and family not in seen:
        if seen:
            last = CURRENT.get("last") or {}
            raise Bail("Result: " + _first_value(last))
        seen.append(family)
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    CURRENT["last"] = data
    return data


def _first_value(data):
    """Something from the data at hand, stated as the answer."""
    for key in ("equipment_id", "dataset_id", "total", "total_observations"):
        if key in data:
            return str(data[key])
    return json.dumps(data)[:200]


def no_data(tools, tool, args, expect_rows=None, lookup=False):
    """Answers without retrieving anything."""
    raise Bail(_guess(CURRENT["fmt"]))


def wrong_asset(tools, tool, args, expect_rows=None, lookup=False):
    """Queries a sibling asset of the one the task names."""
    swapped = dict(args)
    target = swapped.get("asset_id")
    if isinstance(target, str) and tool not in LOOKUPS:
        other = _sibling(tools, swapped.get("site_name"), target)
        if other:
            swapped = json.loads(json.dumps(swapped).replace(target, other))
    for key in ("asset_num", "equipment_id"):
        value = swapped.get(key)
        if isinstance(value, str) and re.fullmatch(r"[A-Z]{3}\d{5}", value):
            n = int(value[-3:])
            swapped[key] = f"{value[:-3]}{(n % 9) + 1:03d}" if n != 1 else value[:-3] + "002"
    return ORIGINAL_CALL(tools, tool, swapped, expect_rows=expect_rows, lookup=lookup)


def _sibling(tools, site, asset):
    if not site:
        return None
    status, data = tools._post("iot.assets", {"site_name": site})
    names = [a.get("asset_id") for a in (data or {}).get("assets", [])] if status == 200 else []
    kind = "AHU" if "AHU" in asset else "Chiller"
    same = [n for n in names if n and kind in n and n != asset]
    return same[0] if same else None


def wrong_window(tools, tool, args, expect_rows=None, lookup=False):
    """Asks for the month after the one the task names."""
    shifted = dict(args)
    for key in ("start", "final", "date_from", "date_to"):
        value = shifted.get(key)
        if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
            day = b.date.fromisoformat(value[:10]) + b.timedelta(days=31)
            shifted[key] = day.isoformat() + value[10:]
    return ORIGINAL_CALL(tools, tool, shifted, expect_rows=expect_rows, lookup=lookup)


def acts_before_verifying(tools, tool, args, expect_rows=None, lookup=False):
    """Runs the analysis or work-order step first on inputs guessed from the
    task, and only then retrieves the data it depends on."""
    if not CURRENT.get("acted") and tool not in LOOKUPS:
        CURRENT["acted"] = True
        asset = b.find_asset(CURRENT["task"]) or "the asset"
        guess = {
            "tsfm.run_tsfm_forecasting": {"dataset_id": asset, "target_columns": [asset]},
            "tsfm.run_tsad": {"dataset_id": asset, "target_columns": [asset]},
            "wo.list_workorders": {"asset_num": asset},
            "wo.list_events": {"equipment_id": asset},
        }
        first = next(
            (t for t in ("tsfm.run_tsfm_forecasting", "tsfm.run_tsad") if t[5:] in CURRENT["low"]),
            None,
        ) or ("wo.list_workorders" if "work order" in CURRENT["low"] else "tsfm.run_tsad")
        status, data = tools._post(first, guess.get(first, {}))
        _record(tools, first, guess.get(first, {}), status, data)
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects (issue 19, second round) -----------------------------------
# Written, with their expected diagnosis in defects.yaml, before the second
# round of evaluator changes; never looked at while tuning.
def retries_elsewhere(tools, tool, args, expect_rows=None, lookup=False):
    """When a call fails, retries it twice with the asset and site names
    mangled (another request, never the right one), then gives up."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        return data
    other = {
        k: f"{v}-retry" if k in ("asset_id", "site_name", "asset_num", "equipment_id") else v
        for k, v in args.items()
    }
    for _ in range(2):
        status, data = tools._post(tool, other)
        _record(tools, tool, other, status, data)
        if _ok(status, data):
            return data
    raise Bail("I could not complete this task: the data service did not return the data.")


def first_page_only(tools, tool, args, expect_rows=None, lookup=False):
    """Reads only the first, small page of a paged result and computes
    from it as if it were everything."""
    if tool == "iot.history" or "page_size" in args:
        args = {**args, "page_size": 40, "page": 1}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def off_by_one_day(tools, tool, args, expect_rows=None, lookup=False):
    """Starts every time window one day late (the first day is lost)."""
    shifted = dict(args)
    for key in ("start", "date_from"):
        value = shifted.get(key)
        if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
            day = b.date.fromisoformat(value[:10]) + b.timedelta(days=1)
            shifted[key] = day.isoformat() + value[10:]
    return ORIGINAL_CALL(tools, tool, shifted, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, third round (issue 19) -----------------------------------
# Written, with their expected diagnosis in defects.yaml (half "fresh2"),
# before the third round of evaluator changes (a learned code mapping);
# measured once, after them.
def stops_after_lookups(tools, tool, args, expect_rows=None, lookup=False):
    """Resolves the site, asset and sensor names, then answers before the
    first data call, saying the value was not found."""
    if tool not in LOOKUPS:
        what = b.find_asset(CURRENT["task"]) or "the equipment"
        raise Bail(f"I located {what}, but the requested value was not found.")
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def errors_as_empty(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; a failed call is read as an empty result and
    the answer is computed from nothing, without a word about the error."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        return data
    return {expect_rows: []} if expect_rows else {}


def short_window(tools, tool, args, expect_rows=None, lookup=False):
    """Ends every time window one day after it starts (the rest of the
    window asked for is never read)."""
    shifted = dict(args)
    for start_key, end_key in (("start", "final"), ("date_from", "date_to")):
        start, end = shifted.get(start_key), shifted.get(end_key)
        dated = isinstance(start, str) and re.match(r"\d{4}-\d{2}-\d{2}", start)
        if dated and isinstance(end, str):
            day = b.date.fromisoformat(start[:10]) + b.timedelta(days=1)
            shifted[end_key] = day.isoformat() + end[10:]
    return ORIGINAL_CALL(tools, tool, shifted, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, fourth round (issue 19) ----------------------------------
# Written, with their expected diagnosis in defects.yaml (half "fresh3"),
# before the fourth round of evaluator changes (catalog re-identification of
# paraphrased novel failures); measured once, after them.
def reversed_window(tools, tool, args, expect_rows=None, lookup=False):
    """Sends every time window with its start and end swapped."""
    swapped = dict(args)
    for start_key, end_key in (("start", "final"), ("date_from", "date_to")):
        start, end = swapped.get(start_key), swapped.get(end_key)
        if isinstance(start, str) and isinstance(end, str) and start != end:
            swapped[start_key], swapped[end_key] = end, start
    return ORIGINAL_CALL(tools, tool, swapped, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, fifth round (issue 19) -----------------------------------
# Written, with their expected diagnosis in defects.yaml (half "fresh4"),
# before the fifth round of evaluator changes (catalog exemplars, a window
# detector); measured once, after them.
def wrong_site(tools, tool, args, expect_rows=None, lookup=False):
    """Data calls name the other site of the plant (MAIN for ANNEX and back);
    the name lookups use the right one."""
    site = args.get("site_name")
    if tool not in LOOKUPS and isinstance(site, str) and site:
        other = {"MAIN": "ANNEX", "ANNEX": "MAIN"}.get(site.upper())
        if other:
            args = {**args, "site_name": other}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, sixth round (issue 19) -----------------------------------
# Written, with their expected diagnosis in defects.yaml (half "fresh5"),
# before the sixth round of evaluator changes; measured once, after them.
DATE_KEYS = ("start", "final", "date_from", "date_to")
US_DATE_RE = r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?"


def us_date_format(tools, tool, args, expect_rows=None, lookup=False):
    """Sends every date and time in the US style (MM/DD/YYYY HH:MM) instead
    of the ISO 8601 the tools document."""
    changed = dict(args)
    for key in DATE_KEYS:
        value = changed.get(key)
        m = isinstance(value, str) and re.match(US_DATE_RE, value)
        if m:
            y, mo, d, hm = m.groups()
            changed[key] = f"{mo}/{d}/{y}" + (f" {hm}" if hm else "")
    return ORIGINAL_CALL(tools, tool, changed, expect_rows=expect_rows, lookup=lookup)


TSFM_SWAP = {
    "tsfm.run_tsfm_forecasting": "tsfm.run_tsad",
    "tsfm.run_tsad": "tsfm.run_tsfm_forecasting",
}


def swaps_analysis_tool(tools, tool, args, expect_rows=None, lookup=False):
    """Runs anomaly detection when a forecast is asked for and a forecast
    when anomalies are, and answers from whatever came back."""
    other = TSFM_SWAP.get(tool)
    if other is None:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    kept = {k: v for k, v in args.items() if k in ("dataset_id", "target_columns")}
    status, data = tools._post(other, kept)
    _record(tools, other, kept, status, data)
    return data if isinstance(data, dict) else {}


class Crash(BaseException):
    """An exception the agent never catches: the process dies before it
    writes its result file."""


def crashes_on_tool_error(tools, tool, args, expect_rows=None, lookup=False):
    """No error handling at all: the first tool error, timeout, empty
    result or warning raises an exception that kills the agent before it
    writes its result file."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    flagged = isinstance(data, dict) and (data.get("warning") or data.get("warnings"))
    empty = expect_rows and _ok(status, data) and not b._nonempty(data, expect_rows)
    if not _ok(status, data) or flagged or empty:
        raise Crash(f"KeyError: unexpected response from {tool} (HTTP {status})")
    return data


# ---- fresh held-out defects, seventh round (issue 19) ---------------------------------
# Written, with their expected diagnosis in defects.yaml (half "fresh6"),
# before the seventh round of evaluator changes; measured once, after them.
def split_names(tools, tool, args, expect_rows=None, lookup=False):
    """Data calls send the asset name cut at its first space ("Chiller" for
    "Chiller 6"), as a whitespace-split argument parser leaves it; the name
    lookups use it whole."""
    name = args.get("asset_id")
    if tool not in LOOKUPS and isinstance(name, str) and " " in name.strip():
        args = {**args, "asset_id": name.split()[0]}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def timezone_shift(tools, tool, args, expect_rows=None, lookup=False):
    """Every timestamp with a time of day is sent five hours early (local
    US Eastern time written as if it were UTC); plain dates are kept."""
    shifted = dict(args)
    for key in DATE_KEYS:
        value = shifted.get(key)
        m = isinstance(value, str) and re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})", value)
        if m:
            when = b.datetime.fromisoformat(m.group(0)) - b.timedelta(hours=5)
            shifted[key] = when.strftime("%Y-%m-%dT%H:%M") + value[len(m.group(0)) :]
    return ORIGINAL_CALL(tools, tool, shifted, expect_rows=expect_rows, lookup=lookup)


def open_window(tools, tool, args, expect_rows=None, lookup=False):
    """Every time window is sent without its end (only the start), so the
    tool reads on past the end of the window asked for."""
    kept = {k: v for k, v in args.items() if k not in ("final", "date_to")}
    return ORIGINAL_CALL(tools, tool, kept, expect_rows=expect_rows, lookup=lookup)


def prior_year(tools, tool, args, expect_rows=None, lookup=False):
    """Every date is sent one year early (the year of a worked example kept
    in its prompt), month, day and time unchanged."""
    shifted = dict(args)
    for key in DATE_KEYS:
        value = shifted.get(key)
        if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
            year = int(value[:4]) - 1
            day = value[5:10] if value[5:10] != "02-29" else "02-28"
            shifted[key] = f"{year:04d}-{day}{value[10:]}"
    return ORIGINAL_CALL(tools, tool, shifted, expect_rows=expect_rows, lookup=lookup)


def empty_means_none(tools, tool, args, expect_rows=None, lookup=False):
    """An empty result is never retried: the agent answers at once, as a
    fact, that no such records exist (errors are still retried)."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data) and (not expect_rows or b._nonempty(data, expect_rows)):
        return data
    if _ok(status, data):
        raise Bail("No matching records exist for this request, so there is nothing to report.")
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, eighth round (issue 19) ----------------------------------
# Written by a second author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh7"), before the eighth round
# of evaluator changes was measured; measured once, after them.
WO_ID_KEYS = ("asset_num", "equipment_id")


def asset_name_as_equipment_id(tools, tool, args, expect_rows=None, lookup=False):
    """Work-order calls get the asset's display name ("Chiller 9") where the
    tool expects its equipment id ("CWC04009"); the id is still looked up
    first, then not used."""
    asset = b.find_asset(CURRENT["task"])
    if asset and tool.startswith("wo."):
        args = {k: asset if k in WO_ID_KEYS and isinstance(v, str) else v for k, v in args.items()}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


FILTER_KEYS = ("work_type", "event_type", "status", "asset_type", "severity")


def drops_filters(tools, tool, args, expect_rows=None, lookup=False):
    """The filter arguments of list calls (work type, event type, status,
    asset type) are left out, so what comes back is every kind of record."""
    if not lookup:
        args = {k: v for k, v in args.items() if k not in FILTER_KEYS}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


ANALYSIS_SETTINGS = ("forecast_horizon", "model_checkpoint", "ad_model_type", "false_alarm")


def default_analysis_settings(tools, tool, args, expect_rows=None, lookup=False):
    """Forecasts and anomaly scans run with the tool's defaults: the horizon,
    model and false-alarm rate the task gives are never sent."""
    if tool.startswith("tsfm."):
        args = {k: v for k, v in args.items() if k not in ANALYSIS_SETTINGS}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def invents_dataset_id(tools, tool, args, expect_rows=None, lookup=False):
    """The analysis call names a dataset id the agent composed from the
    asset and sensor names instead of the id the history call returned."""
    if tool.startswith("tsfm.") and "dataset_id" in args:
        asset = b.find_asset(CURRENT["task"]) or "asset"
        column = (args.get("target_columns") or ["data"])[0]
        made_up = re.sub(r"[^a-z0-9]+", "_", f"{asset} {column}".lower()).strip("_")
        args = {**args, "dataset_id": made_up}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


STEP_LIMIT = 2
STEP_LIMIT_ANSWER = "Agent stopped due to iteration limit or time limit."


def step_budget(tools, tool, args, expect_rows=None, lookup=False):
    """An iteration cap set too low: after two tool calls the agent loop
    stops and its framework's stop message is the answer."""
    CURRENT["steps"] = CURRENT.get("steps", 0) + 1
    if CURRENT["steps"] > STEP_LIMIT:
        raise Bail(STEP_LIMIT_ANSWER)
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def error_text_as_answer(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; when a call fails, the tool's raw error body is
    passed on as the final answer."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        return data
    raise Bail(json.dumps(data) if data is not None else f"HTTP {status}")


def simplifies_on_retry(tools, tool, args, expect_rows=None, lookup=False):
    """When a call fails or comes back empty, it is retried without its time
    window (a "lighter" request: the tool's default range), and the answer
    is computed from that without a word about the change."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data) and (not expect_rows or b._nonempty(data, expect_rows)):
        return data
    lighter = {k: v for k, v in args.items() if k not in DATE_KEYS}
    for _ in range(2):
        status, data = tools._post(tool, lighter)
        _record(tools, tool, lighter, status, data)
        if _ok(status, data):
            return data
    raise Bail("I could not complete this task.")


# ---- fresh held-out defects, ninth round (issue 19) -----------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh8"), before the ninth round
# of evaluator changes was measured; measured once, after them.
def horizon_in_hours(tools, tool, args, expect_rows=None, lookup=False):
    """The forecast horizon is sent in hours, not in the tool's 15-minute
    steps (96 readings asked for, 24 sent), and the answer is computed from
    that shorter forecast."""
    steps = args.get("forecast_horizon")
    if tool == "tsfm.run_tsfm_forecasting" and isinstance(steps, int):
        args = {**args, "forecast_horizon": max(1, steps * 15 // 60)}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


SPELLED_OUT = {
    "CM": "Corrective",
    "PM": "Preventive",
    "WAPPR": "Waiting on approval",
    "APPR": "Approved",
    "INPRG": "In progress",
    "COMP": "Completed",
    "CLOSE": "Closed",
    "CAN": "Cancelled",
}


def spelled_out_codes(tools, tool, args, expect_rows=None, lookup=False):
    """Work-type and status codes are sent spelled out in words ("Corrective"
    for CM, "Completed" for COMP) instead of the codes the tools take."""
    changed = dict(args)
    for key in ("work_type", "status"):
        value = changed.get(key)
        if isinstance(value, str) and value.upper() in SPELLED_OUT:
            changed[key] = SPELLED_OUT[value.upper()]
    return ORIGINAL_CALL(tools, tool, changed, expect_rows=expect_rows, lookup=lookup)


def discards_retry_result(tools, tool, args, expect_rows=None, lookup=False):
    """A failed or empty call is retried (as the baseline does), but the
    result kept is the first attempt's: the retry's data is fetched and
    never used."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data) and (not expect_rows or b._nonempty(data, expect_rows)):
        return data
    first = data if _ok(status, data) else {}
    ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    return first


def estimates_after_failure(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; when a call fails or comes back empty, the
    answer says which call failed and then gives an estimate anyway."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data) and (not expect_rows or b._nonempty(data, expect_rows)):
        return data
    what = (
        args.get("asset_id")
        or args.get("asset_name")
        or args.get("asset_num")
        or args.get("equipment_id")
        or args.get("dataset_id")
        or "the data"
    )
    how = "came back empty" if _ok(status, data) else f"failed (HTTP {status})"
    raise Bail(
        f"The {tool} call for {what} {how}, so that data could not be retrieved. "
        f"Estimated from typical operating values: {_estimate(CURRENT['fmt'])}"
    )


def _estimate(fmt):
    """What such an agent gives as its "estimate" (nothing behind it)."""
    return {
        "number": "57.5",
        "ids": "Chiller 6, Chiller 9",
        "json": json.dumps({"exceeds": True, "peak_forecast": 57.5, "confirmed": True}),
    }.get(fmt, "about 57.5, which is within the normal range.")


# ---- fresh held-out defects, tenth round (issue 19) -----------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh9"), before the tenth round
# of evaluator changes was measured; measured once, after them.
def hourly_aggregation(tools, tool, args, expect_rows=None, lookup=False):
    """Every history call asks for hourly aggregation (the tool's hourly
    means), unasked, and the agent computes from those means as if they were
    the readings."""
    if tool == "iot.history" and "aggregation" not in args:
        args = {**args, "aggregation": "hourly"}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def server_error_as_rejection(tools, tool, args, expect_rows=None, lookup=False):
    """A server error or timeout (5xx, 408, 429, no response) is classified
    as a client rejection: not retried, the task ends saying the tool
    rejected the request. Empty results are still retried, and warnings
    noted, as the baseline does."""
    for attempt in range(b.RETRIES):
        status, data = tools._post(tool, args)
        _record(tools, tool, args, status, data)
        if _ok(status, data):
            if data.get("warning") or data.get("warnings"):  # as the baseline notes it
                tools.problems.append(f"{tool} returned a warning, so its data may be incomplete")
            if expect_rows and not b._nonempty(data, expect_rows) and attempt < b.RETRIES - 1:
                tools.problems.append("a tool returned an empty result and was retried")
                continue
            return data
        raise b.CannotAnswer(f"{tool} rejected the request ({status})")
    return data


def swapped_site_asset(tools, tool, args, expect_rows=None, lookup=False):
    """Its data calls send the site in the asset field and the asset in the
    site field (two positional arguments passed in the wrong order)."""
    if tool in LOOKUPS or "site_name" not in args or "asset_id" not in args:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    changed = {**args, "site_name": args["asset_id"], "asset_id": args["site_name"]}
    return ORIGINAL_CALL(tools, tool, changed, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, eleventh round (issue 19) --------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh10"), before the eleventh
# round of evaluator changes was measured; measured once, after them.
def sensors_as_string(tools, tool, args, expect_rows=None, lookup=False):
    """The history call's sensor list is sent as one comma-joined string
    ("Supply Temperature") instead of a list of names."""
    if tool == "iot.history" and isinstance(args.get("sensors"), list):
        args = {**args, "sensors": ",".join(args["sensors"])}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def reuses_previous_result_on_error(tools, tool, args, expect_rows=None, lookup=False):
    """One attempt per call; when a call fails, the response of the previous
    successful call is used in its place (a shared response variable that
    is not reset), and nothing is said about the failure."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        CURRENT["last_ok"] = data
        return data
    return CURRENT.get("last_ok", {})


def zero_length_window(tools, tool, args, expect_rows=None, lookup=False):
    """Every time window is sent with its end equal to its start."""
    if tool not in LOOKUPS:
        for lo, hi in (("start", "final"), ("date_from", "date_to")):
            if lo in args and hi in args:
                args = {**args, hi: args[lo]}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def workorder_count_all_years(tools, tool, args, expect_rows=None, lookup=False):
    """Work-order list and KPI calls are sent without the year window the
    task gives (date_from/date_to left out), so every year is counted."""
    if tool.startswith("wo.") and ("date_from" in args or "date_to" in args):
        args = {k: v for k, v in args.items() if k not in ("date_from", "date_to")}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def sensor_kind_as_name(tools, tool, args, expect_rows=None, lookup=False):
    """Its history calls name each sensor by its kind from the sensor list
    ("Supply Temperature") instead of its name ("Chiller 13 Supply
    Temperature"), after looking the sensors up."""
    if tool == "iot.history" and isinstance(args.get("sensors"), list):
        kinds = CURRENT.setdefault("kinds", {})
        args = {**args, "sensors": [kinds.get(x, x) for x in args["sensors"]]}
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if tool == "iot.sensors" and isinstance(data, dict):
        for row in data.get("sensors") or []:
            if isinstance(row, dict) and row.get("name") and row.get("kind"):
                CURRENT.setdefault("kinds", {})[row["name"]] = row["kind"]
    return data


SWAPPED_WORK_TYPES = {"PM": "CM", "CM": "PM"}


def work_type_swapped(tools, tool, args, expect_rows=None, lookup=False):
    """The work-type filter is sent inverted: CM (corrective) when the task
    asks for preventive work, PM when it asks for corrective (a mapping
    table with its two entries crossed)."""
    if args.get("work_type") in SWAPPED_WORK_TYPES:
        args = {**args, "work_type": SWAPPED_WORK_TYPES[args["work_type"]]}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


ROW_KEYS = ("observations", "workorders", "failure_modes", "events", "alerts", "sensors", "rows")


def rows_counted_twice(tools, tool, args, expect_rows=None, lookup=False):
    """Every list of records a data call returns is merged with itself (a
    page-merge bug that appends the first page to a buffer already holding
    it), so each record appears, and is counted, twice."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if lookup or tool in LOOKUPS or not isinstance(data, dict):
        return data
    out = dict(data)
    for key in ROW_KEYS:
        if isinstance(out.get(key), list):
            out[key] = out[key] + out[key]
    return out


# ---- fresh held-out defects, twelfth round (issue 19) ---------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh11"), before the twelfth
# round of evaluator changes was measured; measured once, after them.


def site_qualified_asset(tools, tool, args, expect_rows=None, lookup=False):
    """Its data calls send the asset as a path qualified by its site
    ("MAIN/Chiller 9"), composed from the lookup hierarchy, instead of the
    asset id alone."""
    if tool not in LOOKUPS and isinstance(args.get("asset_id"), str) and args.get("site_name"):
        args = {**args, "asset_id": f"{args['site_name']}/{args['asset_id']}"}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def unknown_argument_added(tools, tool, args, expect_rows=None, lookup=False):
    """Every data call carries an extra "limit" argument (a parameter
    carried over from another API's schema), next to the page_size it
    already sends."""
    if tool not in LOOKUPS:
        args = {**args, "limit": 100}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def epoch_window(tools, tool, args, expect_rows=None, lookup=False):
    """Every timestamp bound of a window is sent as Unix epoch seconds (an
    integer) instead of an ISO 8601 string."""
    if tool not in LOOKUPS:
        changed = dict(args)
        for key in ("start", "final", "date_from", "date_to"):
            value = changed.get(key)
            if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
                when = b.datetime.fromisoformat(value if "T" in value else value + "T00:00:00")
                changed[key] = calendar.timegm(when.timetuple())
        args = changed
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def daily_chunks_keep_last(tools, tool, args, expect_rows=None, lookup=False):
    """A history window longer than a day is fetched one day at a time, and
    each day's response overwrites the last (the loop variable reused), so
    only the final day's readings are used."""
    start, final = args.get("start"), args.get("final")
    if tool != "iot.history" or not (isinstance(start, str) and isinstance(final, str)):
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    lo = b.datetime.fromisoformat(start[:19])
    hi = b.datetime.fromisoformat(final[:19])
    data = None
    while True:
        step = min(lo + b.timedelta(days=1), hi)
        chunk = {**args, "start": b.iso(lo), "final": b.iso(step)}
        data = ORIGINAL_CALL(tools, tool, chunk, expect_rows=expect_rows, lookup=lookup)
        if step >= hi:
            return data
        lo = step


def partial_page_as_error(tools, tool, args, expect_rows=None, lookup=False):
    """A list result with fewer records than the page size it asked for is
    taken for a transfer cut off by an error: the call is sent again, twice,
    and then the task ends saying the tool returned incomplete data."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    size = args.get("page_size")
    rows = data.get(expect_rows) if isinstance(data, dict) and expect_rows else None
    if isinstance(size, int) and isinstance(rows, list) and len(rows) < size:
        for _ in range(2):
            status, again = tools._post(tool, args)
            _record(tools, tool, args, status, again)
        raise b.CannotAnswer(f"{tool} returned an incomplete page of data")
    return data


# ---- fresh held-out defects, thirteenth round (issue 19) ------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh12"), before the thirteenth
# round of evaluator changes was measured; measured once, after them.
ENUM_PROSE = {"chiller": "Chiller", "ahu": "AHU", "alert": "Alert", "anomaly": "Anomaly"}
ENUM_PROSE.update(workorder="Workorder", none="None", hourly="Hourly", daily="Daily")
ENUM_KEYS = ("asset_type", "event_type", "aggregation")


def enum_values_capitalised(tools, tool, args, expect_rows=None, lookup=False):
    """The enumerated arguments (asset type, event type, aggregation) are
    sent capitalised as prose writes them ("Chiller", "AHU", "Alert",
    "Daily") instead of the lower-case values the tools take."""
    if any(isinstance(args.get(k), str) and args[k] in ENUM_PROSE for k in ENUM_KEYS):
        args = {
            k: ENUM_PROSE.get(v, v) if k in ENUM_KEYS and isinstance(v, str) else v
            for k, v in args.items()
        }
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


PAGED_LISTS = ("wo.list_workorders", "wo.list_events")


def total_pages_as_count(tools, tool, args, expect_rows=None, lookup=False):
    """Asked how many work orders or alerts, it reads the list response's
    page count (total_pages) where it means its record count (total)."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if tool in PAGED_LISTS and isinstance(data, dict) and isinstance(data.get("total_pages"), int):
        return {**data, "total": data["total_pages"]}
    return data


def caches_failed_response(tools, tool, args, expect_rows=None, lookup=False):
    """Every tool response is memoised by tool and arguments, failures and
    empty results included: the baseline's retries are answered from the
    memo, so the first, failed response is replayed to every retry (each
    logged in its trajectory as another attempt) and the tool is never
    called again."""
    memo = CURRENT.setdefault("memo", {})
    post = type(tools)._post

    def memoised(name, arguments):
        key = (name, json.dumps(arguments, sort_keys=True, default=str))
        if key not in memo:
            memo[key] = post(tools, name, arguments)
        return memo[key]

    tools._post = memoised
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def forecast_lower_bound(tools, tool, args, expect_rows=None, lookup=False):
    """Reads the forecast response's lower 95 % band ("lower_95") where it
    means the point forecast ("forecast"), and computes from that."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if tool == "tsfm.run_tsfm_forecasting" and isinstance(data, dict) and data.get("lower_95"):
        return {**data, "forecast": data["lower_95"]}
    return data


# ---- fresh held-out defects, fourteenth round (issue 19) ------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh13"), before the fourteenth
# round of evaluator changes was measured; measured once, after them.
PAGE_KEYS = {"iot.history": "page", "wo.list_workorders": "page_num", "wo.list_events": "page_num"}


def page_advanced_on_retry(tools, tool, args, expect_rows=None, lookup=False):
    """Its paging cursor advances with every request sent, failed or empty
    ones included: each retry of a paged call asks for the next page (page
    2, then 3) instead of the page that failed."""
    key = PAGE_KEYS.get(tool)
    if key is None:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    post = tools._post
    sent = []

    def advancing(name, arguments):
        if name == tool:
            arguments = {**arguments, key: arguments.get(key, 1) + len(sent)}
            sent.append(arguments)
        return post(name, arguments)

    tools._post = advancing
    try:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    finally:
        del tools._post
        # its trajectory logs the arguments as sent
        steps = [s for s in tools.trajectory if s.get("tool") == tool][-len(sent) :] if sent else []
        for step, arguments in zip(steps, sent, strict=False):
            step["arguments"] = arguments


OBSERVATION_CHARS = 600


def _salvaged(data, limit=OBSERVATION_CHARS):
    """What of ``data`` is complete within the first ``limit`` characters of
    its JSON text: the members before the cut, and of a list cut through,
    its whole items."""
    out = {}
    for key, value in data.items():
        trial = {**out, key: value}
        if len(json.dumps(trial)) <= limit:
            out = trial
            continue
        if isinstance(value, list):
            kept = []
            for item in value:
                if len(json.dumps({**out, key: [*kept, item]})) > limit:
                    break
                kept.append(item)
            out[key] = kept
        break
    return out


def reads_truncated_observation(tools, tool, args, expect_rows=None, lookup=False):
    """Works from the observation text it logged (the response's JSON cut at
    600 characters) instead of the full response: it keeps what parses of
    the cut text, the members and whole records before the cut."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    return _salvaged(data) if isinstance(data, dict) else data


def zero_based_page(tools, tool, args, expect_rows=None, lookup=False):
    """Numbers the pages of its paged calls from 0 (a zero-based page index)
    where the tools count from 1: the first request asks for page 0."""
    key = PAGE_KEYS.get(tool)
    if key is not None and key not in args:
        args = {**args, key: 0}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def horizon_from_first_number(tools, tool, args, expect_rows=None, lookup=False):
    """Takes the forecast horizon from the first number in the task text (a
    regular expression without context), so the number of the asset's name
    ("4" of "Chiller 4") becomes the horizon."""
    first = re.search(r"\d+", CURRENT.get("task", ""))
    if tool == "tsfm.run_tsfm_forecasting" and first:
        args = {**args, "forecast_horizon": int(first.group(0))}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


ANALYSIS_TOOLS = ("tsfm.run_tsfm_forecasting", "tsfm.run_tsad")


def timestamp_in_target_columns(tools, tool, args, expect_rows=None, lookup=False):
    """Sends the dataset's column list, its timestamp column included
    (["timestamp", sensor], a dataframe's columns passed whole), as the
    target columns of its forecasts and anomaly scans."""
    if tool in ANALYSIS_TOOLS and isinstance(args.get("target_columns"), list):
        args = {**args, "target_columns": ["timestamp", *args["target_columns"]]}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, fifteenth round (issue 19) --------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh14"), before the fifteenth
# round of evaluator changes was measured; measured once, after them.
REMEMBERED_MODELS = {
    "tsfm.run_tsfm_forecasting": ("model_checkpoint", "chronos-t5-small"),
    "tsfm.run_tsad": ("ad_model_type", "isolation_forest"),
}


def model_from_memory(tools, tool, args, expect_rows=None, lookup=False):
    """When the task names no model, fills the model argument with one it
    knows from elsewhere (a public forecasting checkpoint, a scikit-learn
    detector) instead of leaving the tool's default or reading the model
    list."""
    key, remembered = REMEMBERED_MODELS.get(tool, (None, None))
    if key and not args.get(key):
        args = {**args, key: remembered}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


ASSUMED_STATUS = "COMP"


def adds_unasked_status_filter(tools, tool, args, expect_rows=None, lookup=False):
    """Adds status COMP ("completed work only") to its work-order list
    calls, a filter the task never asked for."""
    if tool == "wo.list_workorders" and "status" not in args:
        args = {**args, "status": ASSUMED_STATUS}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


FMSR_TOOLS = ("fmsr.get_failure_modes", "fmsr.get_failure_mode_sensor_mapping")


def failure_modes_by_type(tools, tool, args, expect_rows=None, lookup=False):
    """Sends the asset's type ("chiller", "ahu") instead of the asset the
    task names to its failure-mode and sensor-mapping calls."""
    name = args.get("asset_name", "")
    if tool in FMSR_TOOLS and b.ASSET_RE.fullmatch(name):
        args = {**args, "asset_name": "chiller" if name.lower().startswith("chiller") else "ahu"}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


# ---- fresh held-out defects, sixteenth round (issue 19) --------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh15"), before the sixteenth
# round of evaluator changes was measured; measured once, after them.
EQUIPMENT_ID_RE = re.compile(r"([A-Z]{3})(\d{5})")


def equipment_id_as_integer(tools, tool, args, expect_rows=None, lookup=False):
    """Reads the number of an equipment id as an integer and writes it back
    ("CWC4003" for "CWC04003"), as a spreadsheet or a typed id field does,
    in every work-order and event call."""
    if tool.startswith("wo."):
        changed = dict(args)
        for key in WO_ID_KEYS:
            m = isinstance(changed.get(key), str) and EQUIPMENT_ID_RE.fullmatch(changed[key])
            if m:
                changed[key] = f"{m.group(1)}{int(m.group(2))}"
        args = changed
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


ASK_PERMISSION = (
    "I have retrieved the data of {what}. Running the {model} is a compute-intensive step: "
    "shall I go ahead and run it? Please confirm and I will continue."
)


def asks_permission_for_models(tools, tool, args, expect_rows=None, lookup=False):
    """Retrieves the telemetry, then, instead of running the forecast or
    anomaly model the task asks for, asks the user for permission to run it
    and ends the task with that question."""
    if tool in ANALYSIS_TOOLS:
        what = ", ".join(args.get("target_columns") or []) or "the asset"
        model = "forecasting model" if tool.endswith("forecasting") else "anomaly detection model"
        raise Bail(ASK_PERMISSION.format(what=what, model=model))
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


NO_WO_ACCESS = (
    "I don't have access to the work-order system, so I can't look up the maintenance "
    "records (work orders, events, KPIs or alert rules) this question needs. Please check "
    "them in the maintenance management system or ask the maintenance team."
)


def claims_no_access_to_work_orders(tools, tool, args, expect_rows=None, lookup=False):
    """Believes it has no access to the work-order tools: the first
    work-order, event, KPI or alert-rule call it would make ends the task
    with a statement that it cannot reach the maintenance records."""
    if tool.startswith("wo."):
        raise Bail(NO_WO_ACCESS)
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


DEFAULT_FALSE_ALARM = 0.01  # its own default, 1 %


def false_alarm_as_percent(tools, tool, args, expect_rows=None, lookup=False):
    """Sends the anomaly scan's false-alarm rate as a percentage where the
    tool takes a fraction: 1 for its default of 1 %, 0.1 for 0.001."""
    if tool == "tsfm.run_tsad":
        rate = args.get("false_alarm", DEFAULT_FALSE_ALARM)
        args = {**args, "false_alarm": round(rate * 100, 6)}
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def retry_drops_run_token(tools, tool, args, expect_rows=None, lookup=False):
    """Its retry path builds a fresh request without the run-token header
    (only the first attempt carries it), so every retry of a failed, timed
    out or empty call is refused as unauthorised (401)."""
    post = tools._post
    sent = []

    def posting(name, arguments):
        sent.append(name)
        if len(sent) == 1:
            return post(name, arguments)
        token, b.TOKEN = b.TOKEN, ""  # the retry's request has no X-Run-Token
        try:
            return post(name, arguments)
        finally:
            b.TOKEN = token

    tools._post = posting
    try:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    finally:
        del tools._post


def _send(tools, tool, args, lookup):
    status, data = tools._post(tool, args)
    family, name = tool.split(".", 1)
    step = {"agent": family, "tool": name, "arguments": args}
    if not lookup and step not in tools.plan:
        tools.plan.append(step)
    tools.trajectory.append(
        {"tool": tool, "arguments": args, "observation": f"HTTP {status}: {json.dumps(data)[:600]}"}
    )
    return status, data


ESCALATE_QUESTION = (
    "The {tool} call failed ({reason}) while I was working on your task. How should I proceed?"
)
ESCALATED = (
    "I could not retrieve the data: {tool} failed ({reason}). I asked the operator how to "
    'proceed; the reply was: "{reply}". I will wait for further instructions before trying again.'
)


def escalates_errors_to_operator(tools, tool, args, expect_rows=None, lookup=False):
    """Never retries a failed, timed-out or empty call: asks the operator
    (utilities.ask_operator) how to proceed instead, and ends the task with
    the failure and the operator's reply."""
    status, data = _send(tools, tool, args, lookup)
    if _ok(status, data):
        if data.get("warning") or data.get("warnings"):
            tools.problems.append(f"{tool} returned a warning, so its data may be incomplete")
        if not expect_rows or b._nonempty(data, expect_rows):
            return data
        reason = "it returned no records"
    elif 400 <= status < 500 and status not in (408, 429):
        detail = data.get("detail") if isinstance(data, dict) else None
        raise b.CannotAnswer(f"{tool} rejected the request ({status}): {detail}")
    else:
        reason = f"HTTP {status}" if status else "no response"
    question = ESCALATE_QUESTION.format(tool=tool, reason=reason)
    q_status, reply = _send(tools, "utilities.ask_operator", {"question": question}, False)
    answer = reply.get("answer") if _ok(q_status, reply) else None
    raise Bail(ESCALATED.format(tool=tool, reason=reason, reply=answer or "no reply"))


# ---- fresh held-out defects, seventeenth round (issue 19) ------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh16"), before the seventeenth
# round of evaluator changes was measured; measured once, after them.
COUNT_RE = re.compile(r"\b(?:how many|count|number of)\b")
COUNTING_TOOLS = (  # what the task counts, the catalog's tool, the tool the agent imagines
    ("anomal", "tsfm.run_tsad", "tsfm.count_anomalies"),
    ("reading", "iot.history", "iot.count_readings"),
    ("failure mode", "fmsr.get_failure_modes", "fmsr.count_failure_modes"),
    ("alert", "wo.list_events", "wo.count_events"),
    ("work order", "wo.list_workorders", "wo.count_workorders"),
)


def _counting_tool(low):
    """(catalog tool, imagined counting tool) of a how-many task, else Nones."""
    if COUNT_RE.search(low):
        for word, real, imagined in COUNTING_TOOLS:
            if word in low:
                return real, imagined
    return None, None


def invents_count_tool(tools, tool, args, expect_rows=None, lookup=False):
    """For a how-many question calls a counting tool the catalog does not
    have, named after what it counts (wo.count_workorders for
    wo.list_workorders), with the real tool's arguments; the unknown tool is
    refused (404)."""
    real, imagined = _counting_tool(CURRENT.get("low", ""))
    if tool == real:
        tool = imagined
    return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)


def tool_call_object_as_body(tools, tool, args, expect_rows=None, lookup=False):
    """Posts the whole tool-call object its model produced ({"name": ...,
    "arguments": {...}}) as the request body instead of the arguments alone;
    the tools refuse the unknown fields (422)."""
    post = tools._post

    def posting(name, arguments):
        return post(name, {"name": name, "arguments": arguments})

    tools._post = posting
    try:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    finally:
        del tools._post


def retries_previous_call(tools, tool, args, expect_rows=None, lookup=False):
    """Its retry re-sends the call made before the failed one (history[-2]
    where history[-1] was meant) and takes that response as the failed
    call's result."""
    history = CURRENT.setdefault("calls", [])
    history.append((tool, args))
    previous = history[-2] if len(history) > 1 else history[-1]  # meant: history[-1]
    post = tools._post
    sent = []

    def posting(name, arguments):
        sent.append(name)
        if len(sent) == 1:
            return post(name, arguments)
        return post(*previous)

    tools._post = posting
    try:
        return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    finally:
        del tools._post


LEGACY_FIELDS = {  # a field the tools return now -> the name its old parser reads
    "total": "count",
    "total_windows": "anomaly_count",
    "total_observations": "observation_count",
    "mean_response_hours": "mean_response_time",
    "mttr_hours": "mttr",
}


def _legacy_view(data):
    """A response as a parser written for an older version of the tools sees
    it: each field read under its old name, a missing one as 0."""
    if isinstance(data, list):
        return [_legacy_view(x) for x in data]
    if not isinstance(data, dict):
        return data
    out = {k: _legacy_view(v) for k, v in data.items()}
    for field, old in LEGACY_FIELDS.items():
        if field in out:
            out[field] = out.get(old, 0)
    return out


def legacy_field_names(tools, tool, args, expect_rows=None, lookup=False):
    """Reads every response through a parser for an older version of the
    tools (count for total, anomaly_count for total_windows, ...), which
    takes a field it cannot find as 0."""
    return _legacy_view(ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup))


def ignores_single_point_anomalies(tools, tool, args, expect_rows=None, lookup=False):
    """Drops every anomalous window of a single reading from the anomaly
    scan's result as noise, unasked, before the windows are counted."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if tool != "tsfm.run_tsad" or not isinstance(data, dict):
        return data
    results = []
    for r in data.get("results") or []:
        kept = [w for w in r.get("windows", []) if w.get("points", 1) > 1]
        points = sum(w.get("points", 1) for w in kept)
        results.append(
            {**r, "windows": kept, "total_windows": len(kept), "anomalous_points": points}
        )
    return {**data, "results": results}


# ---- fresh held-out defects, nineteenth round (issue 19) -------------------------------
# Written by another author who has not read the detectors, with their
# expected diagnosis in defects.yaml (half "fresh17"), before the nineteenth
# round of evaluator changes was measured; measured once, after them.
JOB_DONE = ("completed", "complete", "done", "succeeded", "finished")
POLLS = 4
POLL_SECONDS = 0.1
STILL_RUNNING = (
    "The {what} job I started ({tool} on {target}) has not reported completion after "
    "{polls} status checks, so it is probably still running. Please ask again in a few "
    "minutes and I will give you its result."
)


def polls_for_job_status(tools, tool, args, expect_rows=None, lookup=False):
    """Takes the forecasting and anomaly tools for asynchronous jobs: a
    result without a job status is "not finished yet", so the identical call
    is sent again to poll for completion, and after four polls the task ends
    saying the job is still running (the result it had is never used)."""
    data = ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
    if tool not in ANALYSIS_TOOLS:
        return data
    for _ in range(POLLS):
        if isinstance(data, dict) and str(data.get("status", "")).lower() in JOB_DONE:
            return data
        b.time.sleep(POLL_SECONDS)
        status, data = tools._post(tool, args)
        _record(tools, tool, args, status, data)
    what = "forecasting" if tool.endswith("forecasting") else "anomaly detection"
    target = ", ".join(args.get("target_columns") or []) or args.get("dataset_id", "the data")
    raise Bail(STILL_RUNNING.format(what=what, tool=tool, target=target, polls=POLLS))


OPTIONAL_ARGUMENTS = {  # the catalog's optional arguments of each tool (docs/tools-reference.md)
    "iot.assets": ("asset_type",),
    "iot.history": ("final", "sensors", "aggregation", "page", "page_size"),
    "utilities.json_reader": ("page", "page_size"),
    "fmsr.get_failure_mode_sensor_mapping": ("failure_modes", "sensors"),
    "tsfm.run_tsfm_forecasting": ("forecast_horizon", "timestamp_column", "model_checkpoint"),
    "tsfm.run_tsad": ("timestamp_column", "false_alarm", "ad_model_type"),
    "wo.list_workorders": (
        "site_id",
        "asset_num",
        "status",
        "priority",
        "work_type",
        "failure_code",
        "date_from",
        "date_to",
        "page_size",
        "page_num",
    ),
    "wo.get_workorder": ("site_id",),
    "wo.list_events": ("date_from", "date_to", "event_type", "page_size", "page_num"),
    "wo.list_alert_rules": ("equipment_id",),
    "wo.get_workorder_kpis": ("asset_num", "date_from", "date_to", "period_months"),
    "wo.get_failure_code_distribution": ("site_id", "asset_num", "date_from", "date_to"),
}


def null_optional_arguments(tools, tool, args, expect_rows=None, lookup=False):
    """Every optional argument it has no value for is sent as null, as a
    function-calling model emits the unset fields of a tool's schema."""
    filled = {**{k: None for k in OPTIONAL_ARGUMENTS.get(tool, ())}, **args}
    return ORIGINAL_CALL(tools, tool, filled, expect_rows=expect_rows, lookup=lookup)


RAW_READER = "utilities.json_reader"


def falls_back_to_raw_reader(tools, tool, args, expect_rows=None, lookup=False):
    """When a call fails or times out it is not repeated: the raw-data
    reader (utilities.json_reader) is asked instead, with the request's
    dataset id or, without one, the failed tool's name, and what it returns
    is taken as the failed call's result."""
    status, data = tools._post(tool, args)
    _record(tools, tool, args, status, data)
    if _ok(status, data):
        if expect_rows and not b._nonempty(data, expect_rows):
            return ORIGINAL_CALL(tools, tool, args, expect_rows=expect_rows, lookup=lookup)
        if data.get("warning") or data.get("warnings"):
            tools.problems.append(f"{tool} returned a warning, so its data may be incomplete")
        return data
    if 400 <= status < 500 and status not in (408, 429):
        detail = data.get("detail") if isinstance(data, dict) else None
        raise b.CannotAnswer(f"{tool} rejected the request ({status}): {detail}")
    reader = {"file_name": args.get("dataset_id") or tool}
    r_status, raw = tools._post(RAW_READER, reader)
    _record(tools, RAW_READER, reader, r_status, raw)
    if _ok(r_status, raw):
        return raw  # the reader's rows, taken for the failed call's response
    raise b.CannotAnswer(
        f"{tool} failed (HTTP {status}) and the raw-data reader had no file for it either"
    )


def filters_as_lists(tools, tool, args, expect_rows=None, lookup=False):
    """Every filter argument of a list call is sent as a one-item list
    ("work_type": ["PM"]) instead of a single value."""
    listed = {k: [v] if k in FILTER_KEYS and isinstance(v, str) else v for k, v in args.items()}
    return ORIGINAL_CALL(tools, tool, listed, expect_rows=expect_rows, lookup=lookup)


PATCHED_CALLS = {
    "never_retries": never_retries,
    "claims_success": claims_success,
    "retries_identically": retries_identically,
    "ignores_warnings": ignores_warnings,
    "repeats_calls": repeats_calls,
    "first_family_only": first_family_only,
    "no_data": no_data,
    "wrong_asset": wrong_asset,
    "wrong_window": wrong_window,
    "acts_before_verifying": acts_before_verifying,
    "retries_elsewhere": retries_elsewhere,
    "first_page_only": first_page_only,
    "off_by_one_day": off_by_one_day,
    "stops_after_lookups": stops_after_lookups,
    "errors_as_empty": errors_as_empty,
    "short_window": short_window,
    "reversed_window": reversed_window,
    "wrong_site": wrong_site,
    "us_date_format": us_date_format,
    "swaps_analysis_tool": swaps_analysis_tool,
    "crashes_on_tool_error": crashes_on_tool_error,
    "split_names": split_names,
    "prior_year": prior_year,
    "timezone_shift": timezone_shift,
    "open_window": open_window,
    "empty_means_none": empty_means_none,
    "asset_name_as_equipment_id": asset_name_as_equipment_id,
    "drops_filters": drops_filters,
    "default_analysis_settings": default_analysis_settings,
    "invents_dataset_id": invents_dataset_id,
    "step_budget": step_budget,
    "error_text_as_answer": error_text_as_answer,
    "simplifies_on_retry": simplifies_on_retry,
    "horizon_in_hours": horizon_in_hours,
    "spelled_out_codes": spelled_out_codes,
    "discards_retry_result": discards_retry_result,
    "estimates_after_failure": estimates_after_failure,
    "swapped_site_asset": swapped_site_asset,
    "hourly_aggregation": hourly_aggregation,
    "server_error_as_rejection": server_error_as_rejection,
    "sensors_as_string": sensors_as_string,
    "reuses_previous_result_on_error": reuses_previous_result_on_error,
    "zero_length_window": zero_length_window,
    "workorder_count_all_years": workorder_count_all_years,
    "sensor_kind_as_name": sensor_kind_as_name,
    "work_type_swapped": work_type_swapped,
    "rows_counted_twice": rows_counted_twice,
    "site_qualified_asset": site_qualified_asset,
    "unknown_argument_added": unknown_argument_added,
    "epoch_window": epoch_window,
    "daily_chunks_keep_last": daily_chunks_keep_last,
    "partial_page_as_error": partial_page_as_error,
    "enum_values_capitalised": enum_values_capitalised,
    "total_pages_as_count": total_pages_as_count,
    "caches_failed_response": caches_failed_response,
    "forecast_lower_bound": forecast_lower_bound,
    "page_advanced_on_retry": page_advanced_on_retry,
    "reads_truncated_observation": reads_truncated_observation,
    "zero_based_page": zero_based_page,
    "horizon_from_first_number": horizon_from_first_number,
    "timestamp_in_target_columns": timestamp_in_target_columns,
    "model_from_memory": model_from_memory,
    "adds_unasked_status_filter": adds_unasked_status_filter,
    "failure_modes_by_type": failure_modes_by_type,
    "equipment_id_as_integer": equipment_id_as_integer,
    "asks_permission_for_models": asks_permission_for_models,
    "claims_no_access_to_work_orders": claims_no_access_to_work_orders,
    "false_alarm_as_percent": false_alarm_as_percent,
    "escalates_errors_to_operator": escalates_errors_to_operator,
    "retry_drops_run_token": retry_drops_run_token,
    "invents_count_tool": invents_count_tool,
    "tool_call_object_as_body": tool_call_object_as_body,
    "retries_previous_call": retries_previous_call,
    "legacy_field_names": legacy_field_names,
    "ignores_single_point_anomalies": ignores_single_point_anomalies,
    "polls_for_job_status": polls_for_job_status,
    "null_optional_arguments": null_optional_arguments,
    "falls_back_to_raw_reader": falls_back_to_raw_reader,
    "filters_as_lists": filters_as_lists,
}
CURRENT = {}


# ---- defects of the answer -------------------------------------------------------------
def wrong_format(answer):
    """A fixed report envelope whatever format was asked for: prose for a
    JSON answer, a JSON record with run metadata for anything else."""
    if CURRENT["fmt"] == "json":
        text = re.sub(r"[{}\[\]\"]", "", answer).replace(":", " is").replace(",", " and")
        return f"Here is a summary of what I found in the data: {text}."
    lines = [x.strip() for x in re.split(r"[,\n]", answer) if x.strip()]
    return json.dumps(
        {
            "status": "ok",
            "findings": [{"rank": i + 1, "item": x} for i, x in enumerate(lines)],
            "confidence": 0.87,
            "tool_calls": len(CURRENT["tools"].trajectory),
            "elapsed_ms": 1234,
        }
    )


def unit_confusion(answer):
    """Numbers converted to another unit (degF read as degC, tons as kW)."""

    def convert(m):
        x = float(m.group(0))
        return b.fmt(x * 3.517) if abs(x) > 100 else b.fmt((x - 32) * 5 / 9)

    # the reported quantity (the answer's first number), not names or dates
    if re.match(r"-?\d+(?:\.\d+)?\b(?!-)", answer):
        return re.sub(r"^-?\d+(?:\.\d+)?", convert, answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak)[a-z_]*": )(-?\d+(?:\.\d+)?)',
        lambda m: m.group(1) + convert(re.match(r".*", m.group(2))),
        answer,
    )


def leaks_reasoning(answer):
    """The scratchpad goes into the answer."""
    steps = [
        f"Thought: I should call {s['tool']} with {json.dumps(s['arguments'])}. "
        f"Observation: {s['observation'][:160]}"
        for s in CURRENT["tools"].trajectory[:6]
    ]
    return (
        "<thinking>\n"
        + "\n".join(steps)
        + "\nThe user probably wants the number, let me check the units... ok.\n</thinking>\n"
        + answer
    )


def rounds_values(answer):
    """The reported quantity rounded to a whole number."""
    number = r"-?\d+\.\d+"
    if re.match(number, answer):
        return re.sub("^" + number, lambda m: str(round(float(m.group(0)))), answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + str(round(float(m.group(2)))),
        answer,
    )


def empty_on_json(answer):
    """A serialisation bug: when JSON was asked for, the answer is empty."""
    return "" if CURRENT["fmt"] == "json" else answer


def first_id_only(answer):
    """When a list of ids was asked for, only the first one is given."""
    if CURRENT["fmt"] != "ids":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    first = head.split(",")[0].strip()
    return first + (sep + note if sep else "")


def sign_flip(answer):
    """The reported quantity with its sign flipped."""
    number = r"-?\d+(?:\.\d+)?"

    def flip(text):
        return text[1:] if text.startswith("-") else "-" + text

    if re.match(number + r"\b(?!-)", answer):
        return re.sub("^" + number, lambda m: flip(m.group(0)), answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min|count|total)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + flip(m.group(2)),
        answer,
    )


def camel_case_json(answer):
    """JSON answers with every key renamed to camelCase."""
    if CURRENT["fmt"] != "json":
        return answer

    def camel(m):
        parts = m.group(1).split("_")
        return '"' + parts[0] + "".join(p.title() for p in parts[1:]) + '":'

    return re.sub(r'"([a-z]+(?:_[a-z0-9]+)+)":', camel, answer)


def percent_scale(answer):
    """The reported quantity divided by 100, as if it were a percentage."""
    number = r"-?\d+(?:\.\d+)?"

    def scale(text):
        return b.fmt(float(text) / 100)

    if re.match(number + r"\b(?!-)", answer):
        return re.sub("^" + number, lambda m: scale(m.group(0)), answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min|count|total)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + scale(m.group(2)),
        answer,
    )


def extra_id(answer):
    """When a list of ids was asked for, one more id that no tool returned
    is added at the end."""
    if CURRENT["fmt"] != "ids":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    invented = "AHU 99" if "AHU" in head else "Chiller 99"
    return head.rstrip() + ", " + invented + (sep + note if sep else "")


def json_as_string(answer):
    """JSON answers encoded twice: the object sent as one JSON string."""
    if CURRENT["fmt"] != "json":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    return json.dumps(head) + (sep + note if sep else "")


def decimal_comma(answer):
    """Numbers written with a decimal comma (12,5 for 12.5)."""
    number = r"-?\d+\.\d+"
    if re.match(number, answer):
        return re.sub("^" + number, lambda m: m.group(0).replace(".", ","), answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + '"' + m.group(2).replace(".", ",") + '"',
        answer,
    )


# fifth round ("fresh4")
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"]
_TEENS += ["sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words(n):
    """An integer 0 <= n < 10**6 in English words."""
    if n < 10:
        return _ONES[n]
    if n < 20:
        return _TEENS[n - 10]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + (" and " + _words(rest) if rest else "")
    rest = n % 1000
    return _words(n // 1000) + " thousand" + (" " + _words(rest) if rest else "")


def _number_in_words(text):
    x = float(text)
    if abs(x) >= 1e6:
        return text
    whole, _, frac = text.lstrip("-").partition(".")
    out = ("minus " if x < 0 else "") + _words(int(whole))
    if frac:
        out += " point " + " ".join(_ONES[int(c)] for c in frac)
    return out


def _rewrite_reported_number(answer, rewrite):
    """``rewrite`` applied to the reported number: the answer's leading
    number, or else the value fields of a JSON answer (quoted: the result
    is text)."""
    number = r"-?\d+(?:\.\d+)?"
    if re.match(number + r"\b(?!-)", answer):
        return re.sub("^" + number, lambda m: rewrite(m.group(0)), answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min|count|total)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + '"' + rewrite(m.group(2)) + '"',
        answer,
    )


def number_words(answer):
    """The reported number written out in English words."""
    return _rewrite_reported_number(answer, _number_in_words)


def truncated_answer(answer):
    """The answer cut off after the first half of its characters (an output
    buffer flushed too early)."""
    return answer[: max(1, len(answer) // 2)]


def refuses_after_data(answer):
    """After retrieving everything it needs, declines to state a result."""
    if not CURRENT["tools"].trajectory:
        return answer
    return (
        "I have gathered the relevant records, but I am not in a position to give a "
        "definitive figure or list for this request; please consult an engineer."
    )


def count_not_value(answer):
    """The reported quantity replaced by how many records the last data
    call returned (a count of rows instead of their statistic)."""
    count = None
    for step in reversed(CURRENT["tools"].trajectory):
        if step["tool"] in LOOKUPS:
            continue
        m = re.search(r'"(?:total|total_observations|count)": (\d+)', step["observation"])
        if m:
            count = m.group(1)
            break
    if count is None:
        count = str(len(CURRENT["tools"].trajectory))
    number = r"-?\d+(?:\.\d+)?"
    if re.match(number + r"\b(?!-)", answer):
        return re.sub("^" + number, count, answer, count=1)
    return re.sub(
        r'("[a-z_]*(?:forecast|value|peak|mean|max|min)[a-z_]*": )(' + number + ")",
        lambda m: m.group(1) + count,
        answer,
        count=1,
    )


def bare_answer(answer):
    """Only the result itself: every word of context, source and caveat
    that the baseline adds is dropped."""
    head = answer.partition("\n(Note:")[0].strip()
    if CURRENT["fmt"] in ("json", "ids"):
        return head
    m = re.match(r"-?\d+(?:\.\d+)?", head)
    return m.group(0) if m else head.split(" (")[0].split(";")[0]


def echoes_question(answer):
    """The task copied back at the top of the answer, then the result."""
    return f"You asked: {CURRENT['task']}\nMy answer: {answer}"


# sixth round ("fresh5")
def json_wrapped(answer):
    """JSON answers wrapped in an envelope object ({"result": {...}})."""
    if CURRENT["fmt"] != "json":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    try:
        obj = json.loads(head)
    except ValueError:
        return answer
    return json.dumps({"result": obj}) + (sep + note if sep else "")


def _hedge(text):
    x = float(text)
    lo, hi = sorted((x * 0.9, x * 1.1))
    return f"somewhere between {b.fmt(lo)} and {b.fmt(hi)}"


def hedged_range(answer):
    """The reported number given as a range around it (10 % either side)
    instead of the value itself."""
    return _rewrite_reported_number(answer, _hedge)


TYPICAL = " For reference, typical readings for this kind of equipment lie between 40 and 55."


def adds_typical_range(answer):
    """A sentence of "background knowledge" with figures no tool returned is
    added after every answer that states a result."""
    if not answer.strip() or answer.startswith("I could not"):
        return answer
    head, sep, note = answer.partition("\n(Note:")
    return head.rstrip() + TYPICAL + (sep + note if sep else "")


def unfilled_template(answer):
    """The answer template's placeholders are sent unfilled: the reported
    quantity (the first number, the id list, every JSON value) is replaced
    by its placeholder."""
    head, sep, note = answer.partition("\n(Note:")
    if not head.strip() or head.startswith("I could not"):
        return answer
    fmt_ = CURRENT["fmt"]
    if fmt_ == "ids":
        out = "{asset_ids}"
    elif fmt_ == "json":
        try:
            obj = json.loads(head)
        except ValueError:
            obj = None
        out = (
            json.dumps({k: "{" + str(k) + "}" for k in obj})
            if isinstance(obj, dict)
            else "{result}"
        )
    else:
        out, n = re.subn(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w-])", "{value}", head, count=1)
        if not n:
            out = "{result}"
    return out + (sep + note if sep else "")


# seventh round ("fresh6")
def id_numbers_only(answer):
    """When a list of ids is asked for, only the number of each id is given
    ("1, 2" for "Chiller 1, Chiller 2"), as a digit-extracting regex leaves
    it."""
    if CURRENT["fmt"] != "ids":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    ids = [x.strip() for x in head.split(",") if x.strip()]
    nums = [m.group(0) for x in ids if (m := re.search(r"\d+[A-Z]?$", x))]
    if not nums:
        return answer
    return ", ".join(nums) + (sep + note if sep else "")


def _json_head(answer):
    head, sep, note = answer.partition("\n(Note:")
    try:
        obj = json.loads(head)
    except ValueError:
        return None, sep + note if sep else ""
    return (obj if isinstance(obj, dict) else None), (sep + note if sep else "")


def json_missing_field(answer):
    """JSON answers without their last field (an off-by-one in the loop
    that writes the fields)."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj or len(obj) < 2:
        return answer
    return json.dumps(dict(list(obj.items())[:-1])) + tail


def inverted_boolean(answer):
    """JSON answers with every true/false field negated (a condition tested
    the wrong way round)."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj or not any(isinstance(v, bool) for v in obj.values()):
        return answer
    return json.dumps({k: (not v) if isinstance(v, bool) else v for k, v in obj.items()}) + tail


# eighth round ("fresh7")
def python_repr_json(answer):
    """JSON answers written as a Python dict's repr (single quotes, True,
    False, None): ``str(obj)`` where ``json.dumps(obj)`` was meant."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    return str(obj) + tail


def duplicated_answer(answer):
    """The answer written twice, back to back (a streamed reply whose
    chunks were appended to a buffer that already held the whole text)."""
    head, sep, note = answer.partition("\n(Note:")
    if not head.strip():
        return answer
    return head + head + (sep + note if sep else "")


def json_values_shifted(answer):
    """JSON answers with every value moved to the next key (the values
    zipped against the keys one position off)."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj or len(obj) < 2:
        return answer
    keys, values = list(obj), list(obj.values())
    return json.dumps(dict(zip(keys, values[-1:] + values[:-1], strict=True))) + tail


# ninth round ("fresh8")
QUALITATIVE = (
    "The {what} looks normal: in line with what this equipment usually shows, "
    "nothing unusual and no cause for concern."
)


def qualitative_only(answer):
    """A numeric answer replaced by a qualitative judgement with no figure
    ("looks normal, nothing unusual")."""
    head, sep, note = answer.partition("\n(Note:")
    m = re.match(r"-?\d+(?:\.\d+)?\b(?!-)(?: \(([^)]*)\))?", head)
    if CURRENT["fmt"] not in ("number", "text") or not m:
        return answer
    what = m.group(1) or "value"
    return QUALITATIVE.format(what=what) + (sep + note if sep else "")


EXAMPLE_VALUE = "44.6"
EXAMPLE_IDS = "Chiller 6, Chiller 9"


def copies_prompt_example(answer):
    """After the data calls, the answer is the worked example of the
    agent's own prompt: its number, its id list, its JSON values."""
    head, sep, note = answer.partition("\n(Note:")
    if not head.strip() or head.startswith("I could not"):
        return answer
    fmt_ = CURRENT["fmt"]
    if fmt_ == "ids":
        out = EXAMPLE_IDS
    elif fmt_ == "json":
        obj, _ = _json_head(head)
        if not obj:
            return answer
        out = json.dumps(
            {
                k: float(EXAMPLE_VALUE)
                if isinstance(v, int | float) and not isinstance(v, bool)
                else v
                for k, v in obj.items()
            }
        )
    else:
        out, n = re.subn(r"^-?\d+(?:\.\d+)?\b(?!-)", EXAMPLE_VALUE, head, count=1)
        if not n:
            return answer
    return out + (sep + note if sep else "")


def json_as_pairs(answer):
    """JSON answers written as an array of [key, value] pairs (the object's
    items serialised, ``json.dumps(list(obj.items()))``), not as an object."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    return json.dumps([[k, v] for k, v in obj.items()]) + tail


# tenth round ("fresh9")
def _yaml_scalar(v):
    if isinstance(v, bool):
        return str(v).lower()
    if v is None:
        return "null"
    return str(v)


def json_as_yaml(answer):
    """JSON answers written as YAML ("key: value" lines, nested objects
    indented) instead of a JSON object."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    lines = []
    for k, v in obj.items():
        if isinstance(v, dict):
            lines.append(f"{k}:")
            lines += [f"  {kk}: {_yaml_scalar(vv)}" for kk, vv in v.items()]
        else:
            lines.append(f"{k}: {_yaml_scalar(v)}")
    return "\n".join(lines) + tail


def _as_strings(v):
    if isinstance(v, dict):
        return {k: _as_strings(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_as_strings(x) for x in v]
    return _yaml_scalar(v)


def json_values_as_strings(answer):
    """JSON answers with every number, true/false and null written as a
    string ("12.5", "true", "null")."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    return json.dumps(_as_strings(obj)) + tail


def json_trailing_comma(answer):
    """JSON answers with a comma after the last member ({"a": 1, "b": 2,}),
    as a hand-built serialiser that writes a comma after every field does."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    body = "".join(f"{json.dumps(k)}: {json.dumps(v)}, " for k, v in obj.items())
    return "{" + body.rstrip(" ") + "}" + tail


REPORT_HEADER = "Report {day} (asset operations assistant)"


def dated_header(answer):
    """Every answer starts with a report header line that carries the date
    of the run, before the result."""
    import datetime as _dt

    day = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return REPORT_HEADER.format(day=day) + "\n" + answer


def note_replaces_answer(answer):
    """When a call needed a retry or came back flagged, the answer is only
    the note about that: the result before it is dropped."""
    head, sep, note = answer.partition("\n(Note:")
    if not sep:
        return answer
    return "Note:" + note.rstrip(")").rstrip(".") + "."


COUNT_WORDS = re.compile(r"\b(?:how many|count|number of)\b")


def count_as_last_index(answer):
    """Asked how many, it reports the zero-based index of the last item
    counted (one less than the count), a len()/index mix-up."""
    m = re.match(r"\d+\b(?![.,]\d)", answer)
    if CURRENT["fmt"] != "number" or not COUNT_WORDS.search(CURRENT["low"]) or not m:
        return answer
    n = int(m.group(0))
    return str(max(n - 1, 0)) + answer[m.end() :] if n else answer


INTERIM = "Working on it: I will query {what} and report the result shortly."


def interim_status_answer(answer):
    """The answer is the interim status message it sent before its first
    data call ("Working on it ..."); the result, though computed, never
    replaces it."""
    tools = CURRENT.get("tools")
    steps = [f"{p['agent']}.{p['tool']}" for p in (tools.plan if tools else [])]
    what = ", then ".join(dict.fromkeys(steps)) or "the asset data"
    return INTERIM.format(what=what)


# eleventh round ("fresh10")
def json_with_comments(answer):
    """JSON answers annotated with a // comment line after every member,
    so they do not parse."""
    if CURRENT["fmt"] != "json":
        return answer
    obj, tail = _json_head(answer)
    if not obj:
        return answer
    last = len(obj) - 1
    body = "\n".join(
        f"  {json.dumps(k)}: {json.dumps(v)}{',' if i < last else ''}  // {k.replace('_', ' ')}"
        for i, (k, v) in enumerate(obj.items())
    )
    return "{\n" + body + "\n}" + tail


def answer_base64(answer):
    """The answer is sent base64-encoded (the transport encoding of a
    response body left in place), whatever format was asked for."""
    import base64

    return base64.b64encode(answer.encode("utf-8")).decode("ascii")


def tool_call_as_answer(answer):
    """The answer is the function-call object of its last planned tool call
    ({"tool": ..., "arguments": ...}), emitted as the final message instead
    of the result."""
    tools = CURRENT.get("tools")
    plan = tools.plan if tools else []
    if not plan:
        return answer
    step = plan[-1]
    return json.dumps({"tool": f"{step['agent']}.{step['tool']}", "arguments": step["arguments"]})


# twelfth round ("fresh11")
def html_escaped_answer(answer):
    """The answer is rendered for a chat page: HTML-escaped (quotes become
    &quot;), line breaks as <br>, wrapped in a <p> element."""
    import html

    return "<p>" + html.escape(answer).replace("\n", "<br>") + "</p>"


IDENT_RE = re.compile(r"\b(Chiller |[A-Z]{2,6} AHU |[A-Z]{3}|WO|EV)(\d+[A-Z]?)\b")


def redacted_identifiers(answer):
    """An over-eager privacy filter masks the digits of every asset name,
    equipment id, work-order and event number in the answer ("Chiller *",
    "CWC*****")."""
    return IDENT_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)), answer)


def ids_joined_without_separator(answer):
    """When a list of ids is asked for, the ids are concatenated with no
    separator ("Chiller 6Chiller 9"), a join with an empty string."""
    if CURRENT["fmt"] != "ids":
        return answer
    head, sep, tail = answer.partition("\n")
    return "".join(part.strip() for part in head.split(",")) + sep + tail


# thirteenth round ("fresh12")
ZERO_RE = re.compile(r"^-?0(?:\.0+)?\b(?![.,]\d)")


def falsy_as_null(answer):
    """Every zero or false result is reported as null ("None" in a text
    answer): the value passed through a ``value or None`` idiom."""
    head, sep, note = answer.partition("\n(Note:")
    tail = sep + note if sep else ""
    if CURRENT["fmt"] == "json":
        obj, _ = _json_head(head)
        if not obj:
            return answer
        nulled = {
            k: None if (v is False or (isinstance(v, int | float) and v == 0)) else v
            for k, v in obj.items()
        }
        return json.dumps(nulled) + tail
    return ZERO_RE.sub("None", head, count=1) + tail


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value)
    return _yaml_scalar(value).replace("|", "\\|").replace("\n", " ")


def markdown_table_answer(answer):
    """Every answer is rendered as a two-column Markdown table (| Field |
    Value |): a JSON object one row per key, any other answer one row."""
    head, sep, note = answer.partition("\n(Note:")
    if not head.strip():
        return answer
    obj, _ = _json_head(head)
    rows = list(obj.items()) if obj else [("answer", head.strip())]
    lines = ["| Field | Value |", "| --- | --- |"] + [f"| {k} | {_cell(v)} |" for k, v in rows]
    return "\n".join(lines) + (sep + note if sep else "")


SCRIPT_ANSWER = """Here is a script that computes this from the data I retrieved:

```python
import json
import os
import urllib.request


def call(tool, args):
    family, name = tool.split(".", 1)
    url = os.environ["ASSETOPS_API_URL"] + f"/{family}/{name}"
    req = urllib.request.Request(url, data=json.dumps(args).encode(), method="POST")
    return json.load(urllib.request.urlopen(req))


data = call(__TOOL__, __ARGS__)
# compute the requested figure from `data` and print it
print(json.dumps(data, indent=2))
```
Run it to get the result."""


def script_instead_of_answer(answer):
    """After its data calls, it answers with a Python script that would
    fetch the data and compute the result, instead of the result itself
    (clarifying questions and failures are kept as they are)."""
    head = answer.partition("\n(Note:")[0]
    tools = CURRENT.get("tools")
    plan = tools.plan if tools else []
    if not plan or "?" in head or head.startswith("I could not"):
        return answer
    step = plan[-1]
    tool = json.dumps(f"{step['agent']}.{step['tool']}")
    return SCRIPT_ANSWER.replace("__TOOL__", tool).replace(
        "__ARGS__", json.dumps(step["arguments"])
    )


SECOND_THOUGHT = "Wait, on second thought I misread the data; the correct answer is "


def _revised(text):
    return b.fmt(float(text) * 1.1)


def second_thoughts(answer):
    """After the result it adds a "second thoughts" correction that changes
    it, with nothing behind the change: the reported number revised up by
    10 %, an id list without its last id, a JSON answer's numbers revised."""
    head, sep, note = answer.partition("\n(Note:")
    tail = sep + note if sep else ""
    if not head.strip() or head.startswith("I could not") or "?" in head:
        return answer
    fmt_ = CURRENT["fmt"]
    if fmt_ == "ids":
        ids = [x.strip() for x in head.split(",") if x.strip()]
        if len(ids) < 2:
            return answer
        fixed = ", ".join(ids[:-1])
    elif fmt_ == "json":
        obj, _ = _json_head(head)
        if not obj:
            return answer
        fixed = json.dumps(
            {
                k: float(_revised(v))
                if isinstance(v, int | float) and not isinstance(v, bool)
                else v
                for k, v in obj.items()
            }
        )
        if fixed == json.dumps(obj):
            return answer
    else:
        m = re.match(r"-?\d+(?:\.\d+)?\b(?!-)", head)
        if not m or float(m.group(0)) == 0:
            return answer
        fixed = _revised(m.group(0))
    return f"{head.rstrip()}\n{SECOND_THOUGHT}{fixed}.{tail}"


# fourteenth round ("fresh13")
def sensor_names_shortened(answer):
    """Writes every sensor of the asset the task names by its short display
    name, the asset prefix stripped ("Supply Fan Power" for "CQPB AHU 1
    Supply Fan Power")."""
    asset = b.find_asset(CURRENT.get("task", ""))
    if not asset:
        return answer
    return re.sub(re.escape(asset) + r" (?=[A-Z%])", "", answer)


# fifteenth round ("fresh14")
def json_extra_fields(answer):
    """Adds fields nobody asked for to a JSON answer: "source" (the data
    tool its last result came from) and "retrieved": true."""
    if CURRENT["fmt"] != "json":
        return answer
    head, sep, note = answer.partition("\n(Note:")
    try:
        obj = json.loads(head)
    except ValueError:
        return answer
    if not isinstance(obj, dict):
        return answer
    steps = [s["tool"] for s in CURRENT["tools"].trajectory if s["tool"] not in LOOKUPS]
    obj.update(source=steps[-1] if steps else None, retrieved=bool(steps))
    return json.dumps(obj) + sep + note


ANSWER_DEFECTS = {
    "wrong_format": wrong_format,
    "unit_confusion": unit_confusion,
    "leaks_reasoning": leaks_reasoning,
    "rounds_values": rounds_values,
    "empty_on_json": empty_on_json,
    "first_id_only": first_id_only,
    "sign_flip": sign_flip,
    "camel_case_json": camel_case_json,
    "percent_scale": percent_scale,
    "extra_id": extra_id,
    "json_as_string": json_as_string,
    "decimal_comma": decimal_comma,
    "number_words": number_words,
    "truncated_answer": truncated_answer,
    "refuses_after_data": refuses_after_data,
    "count_not_value": count_not_value,
    "bare_answer": bare_answer,
    "echoes_question": echoes_question,
    "json_wrapped": json_wrapped,
    "hedged_range": hedged_range,
    "adds_typical_range": adds_typical_range,
    "unfilled_template": unfilled_template,
    "id_numbers_only": id_numbers_only,
    "json_missing_field": json_missing_field,
    "inverted_boolean": inverted_boolean,
    "python_repr_json": python_repr_json,
    "duplicated_answer": duplicated_answer,
    "json_values_shifted": json_values_shifted,
    "qualitative_only": qualitative_only,
    "copies_prompt_example": copies_prompt_example,
    "json_as_pairs": json_as_pairs,
    "json_as_yaml": json_as_yaml,
    "json_values_as_strings": json_values_as_strings,
    "json_trailing_comma": json_trailing_comma,
    "dated_header": dated_header,
    "note_replaces_answer": note_replaces_answer,
    "count_as_last_index": count_as_last_index,
    "interim_status_answer": interim_status_answer,
    "json_with_comments": json_with_comments,
    "answer_base64": answer_base64,
    "tool_call_as_answer": tool_call_as_answer,
    "html_escaped_answer": html_escaped_answer,
    "redacted_identifiers": redacted_identifiers,
    "ids_joined_without_separator": ids_joined_without_separator,
    "falsy_as_null": falsy_as_null,
    "markdown_table_answer": markdown_table_answer,
    "script_instead_of_answer": script_instead_of_answer,
    "second_thoughts": second_thoughts,
    "sensor_names_shortened": sensor_names_shortened,
    "json_extra_fields": json_extra_fields,
}


def wrong_aggregation_patch():
    """Averages when asked for a maximum or a minimum, and the maximum when
    asked for an average."""
    original = b.stat_word

    def stat_word(text):
        stat = original(text)
        return {"max": "mean", "min": "mean", "mean": "max"}.get(stat, stat)

    b.stat_word = stat_word
    original_forecast = b.Agent.forecast

    def forecast(self):
        self.low = self.low.replace("mean", "highest").replace("average", "highest")
        return original_forecast(self)

    b.Agent.forecast = forecast


# ---- dialog defects ----------------------------------------------------------------------
def never_asks_back_patch():
    """Picks the first candidate instead of asking which one was meant."""
    b.ambiguous_asset = lambda agent: False

    def clarify_sensor(self, site, asset):
        rows = self.sensors(site, asset)
        sensor = rows[0]["name"] if rows else None
        if sensor is None:
            raise b.CannotAnswer("no sensor")
        ts = re.search(b.ISO_TS, self.text)
        if ts:
            start = b.norm_ts(ts.group(0))
            _, got = self.series(site, asset, sensor, start, None)
            return f"{got[0][1] if got else 'n/a'} ({sensor})"
        return sensor

    b.Agent.clarify_sensor = clarify_sensor
    original_which = b.Agent.which_workorder

    def which_workorder(self):
        text = original_which(self)
        m = re.search(r"\((WO\d+)", text)
        return f"Work order {m.group(1)} is the one; it was completed." if m else text

    b.Agent.which_workorder = which_workorder


def asks_back_always_patch():
    """Answers every task with a question back, after looking the names up."""

    def solve(self):
        site = b.find_site(self.text) or "the site"
        asset = b.find_asset(self.text)
        if asset and site != "the site":
            self.sensors(site, asset, lookup=False)
        what = asset or "the equipment"
        return f"Before I answer: which time window and which measurement of {what} do you mean?"

    b.Agent.solve = solve


def wrong_sensor_patch():
    """Reads the sensor listed after the one the task names."""
    original = b.Agent.sensor

    def sensor(self, site, asset):
        name = original(self, site, asset)
        rows = [r["name"] for r in self.sensors(site, asset)]
        if name in rows and len(rows) > 1:
            return rows[(rows.index(name) + 1) % len(rows)]
        return name

    b.Agent.sensor = sensor


def first_reading_patch():
    """Uses only the first observation of every series it retrieves (the
    whole series is fetched; the computation reads row 0)."""
    original = b.Agent.series

    def series(self, *args, **kwargs):
        data, rows = original(self, *args, **kwargs)
        return data, rows[:1]

    b.Agent.series = series


def history_for_forecast_patch():
    """A forecast question is answered from the last stretch of the input
    series (as many readings as forecast steps) instead of the forecast the
    tool returned: the wrong array is read after the forecast call."""
    original_series = b.Agent.series
    original_values = b.Agent._forecast_values

    def series(self, *args, **kwargs):
        data, rows = original_series(self, *args, **kwargs)
        CURRENT["history"] = [v for _, v in rows]
        return data, rows

    def forecast_values(self):
        sensor, values = original_values(self)
        history = CURRENT.get("history")
        if values and history:
            return sensor, history[-len(values) :]
        return sensor, values

    b.Agent.series = series
    b.Agent._forecast_values = forecast_values


def _three_stats(values):
    mean = sum(values) / len(values)
    return f"min {b.fmt(min(values))}, mean {b.fmt(mean)}, max {b.fmt(max(values))}"


def all_statistics_patch():
    """Asked for one statistic of a series or a forecast, it gives the
    minimum, the mean and the maximum, in that order, without saying which
    one was asked for."""

    def daily_stat(self):
        got = self._dataset()
        if isinstance(got, str):
            return got
        _, _, sensor, _, rows = got
        if not rows:
            return f"No readings of {sensor} in that period."
        values = [v for _, v in rows]
        return f"{_three_stats(values)} ({len(values)} readings of {sensor})"

    def forecast(self):
        sensor, values = self._forecast_values()
        if values is None:
            return sensor
        if not values:
            return "The forecast came back empty."
        return f"{_three_stats(values)} ({len(values)} forecast steps for {sensor})"

    b.Agent.daily_stat = daily_stat
    b.Agent.forecast = forecast


# ninth round ("fresh8")
def reports_timestamp_patch():
    """Asked for the maximum or minimum of a day, or for the reading at an
    instant, it reports the timestamp of the reading it picked instead of
    its value (the wrong field of the row)."""

    original_stat = b.Agent.daily_stat

    def daily_stat(self):
        stat = b.stat_word(self.text)
        if stat not in ("max", "min"):
            return original_stat(self)
        got = self._dataset()
        if isinstance(got, str):
            return got
        _, _, sensor, _, rows = got
        if not rows:
            return f"No readings of {sensor} in that period."
        ts, _ = (max if stat == "max" else min)(rows, key=lambda r: r[1])
        return f"{ts} ({stat} of {len(rows)} readings of {sensor})"

    original_at = b.Agent.reading_at

    def reading_at(self):
        text = original_at(self)
        m = re.match(r"(-?\d+(?:\.\d+)?) \(reading of (.+) at (\S+)\)$", text)
        return f"{m.group(3)} (reading of {m.group(2)})" if m else text

    b.Agent.daily_stat = daily_stat
    b.Agent.reading_at = reading_at


TRIM = 0.05


def _trimmed(rows):
    """The rows without the lowest and highest 5 % of their values (at
    least one at each end once there are three or more)."""
    if len(rows) < 3:
        return rows
    k = max(1, int(len(rows) * TRIM))
    ranked = sorted(range(len(rows)), key=lambda i: rows[i][1])
    dropped = set(ranked[:k]) | set(ranked[-k:])
    return [r for i, r in enumerate(rows) if i not in dropped]


def drops_outliers_patch():
    """Every series is "cleaned" before use: the lowest and highest 5 % of
    its readings are dropped as outliers, although nobody asked for that."""
    original = b.Agent.series

    def series(self, *args, **kwargs):
        data, rows = original(self, *args, **kwargs)
        return data, _trimmed(rows)

    b.Agent.series = series


def asks_then_answers_anyway_patch():
    """On an ambiguous request it asks which one was meant, and in the same
    reply answers for the first candidate anyway."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor
    original_wo = b.Agent.which_workorder

    def clarify_asset(self):
        question = original_asset(self)
        m = question and re.search(r": (.+?)\. Which one", question)
        if not m:
            return question
        first = m.group(1).split(", ")[0]
        text = re.sub(
            r"\bthe (?:\w+ )?(?:chiller|ahu|air-handling unit)\b",
            first,
            self.text,
            count=1,
            flags=re.I,
        )
        other = b.Agent({"task": text, "output_format": self.fmt})
        other.tools = self.tools
        try:
            guess = other.solve()
        except b.CannotAnswer:
            return question
        return f"{question} Assuming {first}: {guess}"

    def clarify_sensor(self, site, asset):
        question = original_sensor(self, site, asset)
        m = re.search(r"sensors: (.+?)\. Which one", question)
        if not m:
            return question
        first = m.group(1).split(", ")[0]
        ts = re.search(b.ISO_TS, self.text)
        if not ts:
            return f"{question} Assuming {first}."
        start = b.norm_ts(ts.group(0))
        _, rows = self.series(site, asset, first, start, None)
        at = [v for t, v in rows if t == start] or [v for _, v in rows[:1]]
        return f"{question} Assuming {first}: {at[0] if at else 'n/a'}."

    def which_workorder(self):
        text = original_wo(self)
        m = re.search(r"\((WO\d+)", text)
        if not m or "Which one" not in text:
            return text
        return f"{text} Assuming {m.group(1)}: it was completed."

    b.Agent.clarify_asset = clarify_asset
    b.Agent.clarify_sensor = clarify_sensor
    b.Agent.which_workorder = which_workorder


FOLLOW_UP = "Follow-up inspection after the agent's review of {what}."


def raises_follow_up_patch():
    """After answering, it opens a follow-up work order (CM, priority 3) on
    the asset or equipment the task names, although the task asks for no
    write, and says so in its answer."""
    original = b.Agent.solve

    def solve(self):
        answer = original(self)
        if not isinstance(answer, str) or answer.startswith("I could not") or "?" in answer:
            return answer
        eq = b.EQUIP_RE.search(self.text)
        asset = b.find_asset(self.text)
        if eq:
            args = {"asset_num": eq.group(1)}
        elif asset:
            args = {"asset_name": asset, "site_id": b.find_site(self.text)}
        else:
            return answer
        what = eq.group(1) if eq else asset
        args = {**args, "priority": 3, "work_type": "CM"}
        args["description"] = FOLLOW_UP.format(what=what)
        try:
            created = self.tools.call("wo.create_workorder", args)
        except b.CannotAnswer:
            return answer  # the write was attempted; the answer stands
        wonum = created.get("wonum", "a new work order") if isinstance(created, dict) else ""
        stop = "" if answer.rstrip().endswith(".") else "."
        note = f"I have also opened {wonum} for a follow-up inspection of {what}."
        return f"{answer.rstrip()}{stop} {note}"

    b.Agent.solve = solve


# tenth round ("fresh9")
def last_forecast_step_patch():
    """Whatever statistic of a forecast is asked for (its peak, mean or
    minimum, or whether it exceeds a threshold), it uses the forecast's
    last step only."""

    def forecast(self):
        sensor, values = self._forecast_values()
        if values is None:
            return sensor
        if not values:
            return "The forecast came back empty."
        return f"{b.fmt(values[-1])} (forecast for {sensor}, {len(values)} steps ahead)"

    def forecast_threshold(self):
        thr = re.search(r"(?:exceed|above) (-?\d+(?:\.\d+)?)", self.text)
        _, values = self._forecast_values()
        if not values:
            return json.dumps({"exceeds": False, "peak_forecast": None})
        last = values[-1]
        return json.dumps({"exceeds": last > float(thr.group(1)), "peak_forecast": round(last, 4)})

    b.Agent.forecast = forecast
    b.Agent.forecast_threshold = forecast_threshold


def skips_first_row_patch():
    """Every retrieved series loses its first observation, read as a header
    row (an off-by-one in the row parser), before counting or computing."""
    original = b.Agent.series

    def series(self, *args, **kwargs):
        data, rows = original(self, *args, **kwargs)
        return data, rows[1:]

    b.Agent.series = series


# eleventh round ("fresh10")


# twelfth round ("fresh11")
def readings_shifted_one_row_patch():
    """Each timestamp of a retrieved series is paired with the next row's
    reading (values and timestamps read from lists one position apart)."""
    original = b.Agent.series

    def series(self, *args, **kwargs):
        data, rows = original(self, *args, **kwargs)
        return data, [(t, v) for (t, _), (_, v) in zip(rows, rows[1:], strict=False)]

    b.Agent.series = series


def readings_as_int_patch():
    """Every reading is parsed with int() (the decimals cut off) before
    counting or computing."""
    original = b.Agent.series

    def series(self, *args, **kwargs):
        data, rows = original(self, *args, **kwargs)
        return data, [(t, int(v) if isinstance(v, float) else v) for t, v in rows]

    b.Agent.series = series


# thirteenth round ("fresh12")
class _DelayInMilliseconds:
    """The time module as the baseline's retry loop sees it under this
    defect: its back-off delays are meant in milliseconds (200, 400 ms) but
    handed to sleep() as seconds."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def sleep(self, seconds):
        self._module.sleep(seconds * 1000)


def retry_delay_ms_as_seconds_patch():
    """The retry back-off is written in milliseconds but passed to sleep()
    as seconds: after a failed call the agent waits 200 s before retrying
    (50 s after an empty result), so a run with a tool error hits its
    wall-clock limit before it answers."""
    if not isinstance(b.time, _DelayInMilliseconds):
        b.time = _DelayInMilliseconds(b.time)


AMBIGUOUS_RE = r"\bthe (?:\w+ )?(?:chiller|ahu|air-handling unit)\b"


def answers_every_candidate_patch():
    """On an ambiguous request it answers for every candidate (each asset,
    sensor or work order that fits, one after another) instead of asking
    which one was meant."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor

    def clarify_asset(self):
        question = original_asset(self)
        m = question and re.search(r": (.+?)\. Which one", question)
        if not m:
            return question
        parts = []
        for name in m.group(1).split(", "):
            text = re.sub(AMBIGUOUS_RE, name, self.text, count=1, flags=re.I)
            other = b.Agent({"task": text, "output_format": self.fmt})
            other.tools = self.tools
            try:
                parts.append(f"{name}: {other.solve()}")
            except b.CannotAnswer as exc:
                parts.append(f"{name}: not available ({exc})")
        return "; ".join(parts)

    def clarify_sensor(self, site, asset):
        question = original_sensor(self, site, asset)
        m = re.search(r"sensors: (.+?)\. Which one", question)
        ts = re.search(b.ISO_TS, self.text)
        if not m or not ts:
            return question
        start = b.norm_ts(ts.group(0))
        parts = []
        for name in m.group(1).split(", "):
            _, rows = self.series(site, asset, name, start, None)
            at = [v for t, v in rows if t == start]
            parts.append(f"{name}: {at[0] if at else 'n/a'}")
        return f"At {start}: " + "; ".join(parts)

    def which_workorder(self):
        eq = b.EQUIP_RE.search(self.text)
        date_from, date_to = b.month_window(self.text)
        data = self.tools.call(
            "wo.list_workorders",
            {
                "asset_num": eq.group(1),
                "work_type": "CM",
                "date_from": date_from,
                "date_to": date_to,
                "page_size": 500,
            },
        )
        wos = data.get("workorders", [])
        return (
            "; ".join(
                f"Work order {wo['wonum']} ({wo.get('status')}): {wo.get('description')}; "
                f"failure code {wo.get('failure_code')}"
                for wo in wos
            )
            or "No corrective work order in that month."
        )

    b.Agent.clarify_asset = clarify_asset
    b.Agent.clarify_sensor = clarify_sensor
    b.Agent.which_workorder = which_workorder


class _Restart(Exception):
    """A data call returned: the agent's memory of it is dropped."""


RESTARTS = 3
MAX_ITERATIONS_ANSWER = "Agent stopped due to max iterations."


def restarts_after_each_result_patch():
    """Its memory is trimmed to the task after every step (the tool results
    are dropped), so each data call's result is lost and the agent starts
    the task over: the same first data call again and again, until its
    loop's cap of three passes ends the run with the framework's stop
    message."""
    original_call = b.Tools.call
    original_solve = b.Agent.solve

    def call(self, tool, args, *, expect_rows=None, lookup=False):
        data = original_call(self, tool, args, expect_rows=expect_rows, lookup=lookup)
        if not lookup and tool not in LOOKUPS:
            raise _Restart(tool)
        return data

    def solve(self):
        for _ in range(RESTARTS):
            fresh = b.Agent({"task": self.text, "output_format": self.fmt})  # nothing kept
            fresh.tools = self.tools
            try:
                return original_solve(fresh)
            except _Restart:
                continue
        return MAX_ITERATIONS_ANSWER

    b.Tools.call = call
    b.Agent.solve = solve


# fourteenth round ("fresh13")
def asks_without_candidates_patch():
    """On an ambiguous request it asks which one was meant without naming
    the candidates it found (the chillers, sensors or work orders)."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor
    original_wo = b.Agent.which_workorder

    def vague(question):
        if not question or "Which one do you mean?" not in question:
            return question
        return re.sub(r"(?:: | \()[^.]*?\)?\. Which one", ". Which one", question, count=1)

    b.Agent.clarify_asset = lambda self: vague(original_asset(self))
    b.Agent.clarify_sensor = lambda self, site, asset: vague(original_sensor(self, site, asset))
    b.Agent.which_workorder = lambda self: vague(original_wo(self))


def retries_off_by_one_patch():
    """Its retry loop runs range(1, RETRIES): two attempts per call instead
    of the three it means, so a call that fails twice is given up."""
    b.RETRIES = 2


def guessed_equipment_id_patch():
    """Composes an asset's equipment id from its name ("CWC00009" for
    Chiller 9, "AHU00002" for CQPA AHU 2B) instead of looking it up."""

    def equipment(self, site, asset):
        number = re.search(r"(\d+)[A-Z]?$", asset)
        prefix = "CWC" if asset.lower().startswith("chiller") else "AHU"
        return f"{prefix}{int(number.group(1)) if number else 0:05d}"

    b.Agent.equipment = equipment


def failure_mode_fallback_first_patch():
    """Looks the failure mode named in the task up in the sensor mapping
    with the task lower-cased but the catalog's names as they are, finds
    none, and falls back to the mapping's first failure mode without saying
    so."""

    def mode_in_text(self, mapping):
        modes = list(mapping.get("fm_to_sensors", {}))
        hits = [m for m in modes if m in self.low]
        return max(hits, key=len) if hits else (modes[0] if modes else None)

    b.Agent._mode_in_text = mode_in_text


def failure_mode_filters_ignored_patch():
    """Answers a failure-mode question from the asset's whole catalog: the
    component the task restricts the modes to, or the sensor that must
    detect them, is left out of the answer (the filtered call is still
    made)."""
    original_modes = b.Agent.failure_modes

    def failure_modes(self):
        comp = re.search(r"component '([^']+)'", self.text)
        if comp:
            self.text = self.text.replace(comp.group(0), "its components")
            self.low = self.text.lower()
        return original_modes(self)

    def modes_for_sensor(self):
        asset = b.find_asset(self.text)
        full = self._mapping(asset, lookup=True)
        sensor = b.longest_match(self.text, list(full.get("sensor_to_fms", {})))
        if not sensor:
            raise b.CannotAnswer("sensor not found in the mapping")
        self._mapping(asset, sensors=[sensor])
        return "\n".join(full.get("fm_to_sensors", {})) or "No failure modes found."

    b.Agent.failure_modes = failure_modes
    b.Agent.modes_for_sensor = modes_for_sensor


# fifteenth round ("fresh14")
def stats_over_all_columns_patch():
    """Asks its history calls for every sensor of the asset and computes
    from all the values of each row (a whole frame's max, mean or count),
    not from the column of the sensor the task names."""

    def series(self, site, asset, sensor, start, final, **extra):
        args = {
            "site_name": site,
            "asset_id": asset,
            "start": start,
            "final": final,
            "page_size": 5000,
            **extra,
        }
        data = self.tools.call("iot.history", args, expect_rows="observations")
        rows = [
            (r["timestamp"], v)
            for r in data.get("observations", [])
            for k, v in r.items()
            if k != "timestamp" and isinstance(v, int | float) and not isinstance(v, bool)
        ]
        return data, rows

    b.Agent.series = series


def _quantity(name):
    return name.split()[-1].lower() if name else ""


def over_clarifies_by_quantity_patch():
    """Takes a task as ambiguous whenever other sensors of the asset measure
    the same quantity (the last word of the name: Temperature, Flow) as the
    one it names, and asks which sensor was meant."""
    original = b.Agent.sensor

    def sensor(self, site, asset):
        name = original(self, site, asset)
        if not name:
            return name
        names = [r["name"] for r in self.sensors(site, asset)]
        same = [n for n in names if n != name and _quantity(n) == _quantity(name)]
        return None if same else name

    b.Agent.sensor = sensor


def ranking_reversed_patch():
    """Its rankings are sorted ascending where it means descending (a sort
    without reverse=True): the least relevant sensor comes first, and the
    day or failure code reported as the highest (lowest) is the lowest
    (highest)."""

    def ranked_sensors(self, asset):
        full = self._mapping(asset)
        fm = self._mode_in_text(full)
        if not fm:
            raise b.CannotAnswer("failure mode not found in the catalog")
        return fm, sorted(full["fm_to_sensors"][fm], key=lambda x: x["relevance"])

    def peak_day(self):
        got = self._dataset(aggregation="daily")
        if isinstance(got, str):
            return got
        site, asset, sensor, _, rows = got
        if not rows:
            return f"No readings of {sensor} that week."
        ranked = sorted(rows, key=lambda r: r[1])  # meant: highest first
        lowest = any(w in self.low for w in ("lowest", "minimum"))
        ts, v = ranked[-1] if lowest else ranked[0]
        return f"{ts[:10]} (daily mean {b.fmt(v)})"

    def top_failure_code(self):
        dist = self._distribution()
        if not dist:
            return "No work orders with a failure code were found in that period."
        code, n = sorted(dist.items(), key=lambda kv: kv[1])[0]  # meant: most first
        return f"{code} was the most frequent failure code ({n} work orders)."

    b.Agent._ranked_sensors = ranked_sensors
    b.Agent.peak_day = peak_day
    b.Agent.top_failure_code = top_failure_code


ASK_EQUIPMENT_ID = (
    "To look up the work orders and events I need the equipment id of {asset} "
    "(site {site}). Could you tell me its equipment id?"
)


def asks_user_for_equipment_id_patch():
    """When the task names an asset but not its equipment id, asks the user
    for the id instead of looking it up (iot.get_asset), and stops there."""

    def equipment(self, site, asset):
        raise Bail(ASK_EQUIPMENT_ID.format(asset=asset, site=site))

    b.Agent.equipment = equipment


def fiscal_year_window_patch():
    """Reads a year in the task as a fiscal year, October of the year before
    to September of that year, in its work-order, KPI and failure-code
    windows."""

    def year_window(text):
        m = re.search(r"\b(19|20)(\d{2})\b", text)
        if not m:
            return None, None
        y = int(m.group(0))
        return f"{y - 1}-10-01", f"{y}-09-30"

    b.year_window = year_window


QUANTITIES = ("temperature", "flow", "power", "pressure", "position", "speed", "humidity")


def clarifies_with_guessed_candidates_patch():
    """On an ambiguous request asks which one was meant offering candidates
    it guessed, not those the tools list: "Chiller 1 or Chiller 2" without
    listing the site's chillers, a Supply and a Return sensor of the
    quantity the task names."""

    def clarify_asset(self):
        site = self.site()
        if "chiller" in self.low:
            return f"Site {site} has several chillers: Chiller 1, Chiller 2. Which one do you mean?"
        return f"Site {site} has several AHUs: AHU 1, AHU 2. Which one do you mean?"

    def clarify_sensor(self, site, asset):
        word = next((q for q in QUANTITIES if q in self.low), "reading")
        guessed = [f"{asset} {side} {word.title()}" for side in ("Supply", "Return")]
        return f"{asset} has several matching sensors: {', '.join(guessed)}. Which one do you mean?"

    b.Agent.clarify_asset = clarify_asset
    b.Agent.clarify_sensor = clarify_sensor


def workorders_counted_from_events_patch():
    """Counts an equipment's work orders from its event log (wo.list_events,
    event type workorder) instead of listing them (wo.list_workorders): the
    work type and status of the orders play no part in the count."""
    original_corrective = b.Agent.asset_corrective

    def _from_events(self, eq):
        date_from, date_to = b.year_window(self.text)
        args = {"equipment_id": eq, "event_type": "workorder", "page_size": 1000}
        if date_from:
            args.update(date_from=date_from, date_to=date_to)
        return self.tools.call("wo.list_events", args, expect_rows="events").get("total", 0)

    def workorder_count(self):
        eq = b.EQUIP_RE.search(self.text)
        if not eq:
            raise b.CannotAnswer("no equipment id")
        return f"{_from_events(self, eq.group(1))} work orders"

    def asset_corrective(self):
        asset = b.find_asset(self.text)
        if not asset:
            return original_corrective(self)
        eq = self.equipment(self.site(), asset)
        return f"{_from_events(self, eq)} corrective work orders for {asset} ({eq})"

    b.Agent.workorder_count = workorder_count
    b.Agent.asset_corrective = asset_corrective


LONGEST_WINDOW = 1  # day
DECLINE = (
    "The period from {start} to {final} holds more data than I can process at once. "
    "Could you ask for a shorter window, one day at most?"
)


def declines_long_windows_patch():
    """Declines every telemetry window longer than a day before fetching it:
    it answers that the period holds too much data and asks for a shorter
    one."""
    original = b.Agent.series

    def series(self, site, asset, sensor, start, final, **extra):
        span = b.datetime.fromisoformat(final) - b.datetime.fromisoformat(start)
        if span > b.timedelta(days=LONGEST_WINDOW):
            raise Bail(DECLINE.format(start=start, final=final))
        return original(self, site, asset, sensor, start, final, **extra)

    b.Agent.series = series


# sixteenth round ("fresh15")
def forecast_joined_to_history_patch():
    """Appends the forecast to the input series it was trained on and
    computes the asked statistic over the joined series."""
    original_series = b.Agent.series
    original_values = b.Agent._forecast_values

    def series(self, *args, **extra):
        data, rows = original_series(self, *args, **extra)
        self._inputs = [v for _, v in rows]
        return data, rows

    def _forecast_values(self):
        sensor, values = original_values(self)
        if values is None:  # a clarifying question
            return sensor, values
        return sensor, [*getattr(self, "_inputs", []), *values]  # meant: values alone

    b.Agent.series = series
    b.Agent._forecast_values = _forecast_values


SMOOTHING = 4  # readings (one hour at a 15-minute cadence)


def _rolling_mean(rows, n=SMOOTHING):
    """rows (timestamp, value) smoothed with a trailing mean of ``n``
    readings; the first n - 1 incomplete windows are dropped."""
    return [
        (rows[i][0], sum(v for _, v in rows[i - n + 1 : i + 1]) / n)
        for i in range(n - 1, len(rows))
    ]


def smooths_series_patch():
    """Smooths every retrieved series with a rolling mean of four readings,
    unasked, before counting or computing from it."""
    original = b.Agent.series

    def series(self, *args, **extra):
        data, rows = original(self, *args, **extra)
        return data, _rolling_mean(rows)

    b.Agent.series = series


def clarifies_the_wrong_detail_patch():
    """On an ambiguous request looks the candidates up as the baseline does,
    then asks about another detail (the statistic, an instant or an average,
    what "outcome" means) instead of which asset, sensor or work order."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor
    original_which = b.Agent.which_workorder

    def clarify_asset(self):
        if original_asset(self) is None:
            return None
        day = b.parse_day(self.text)
        when = f" on {day.isoformat()}" if day else ""
        return (
            f"Which figure do you want{when}: the average, the minimum or the maximum, "
            "or every reading of the day?"
        )

    def clarify_sensor(self, site, asset):
        original_sensor(self, site, asset)
        stamp = re.search(b.ISO_TS, self.text)
        at = stamp.group(0) if stamp else "that time"
        return f"Do you want the reading at exactly {at}, or the average over the hour around it?"

    def which_workorder(self):
        answer = original_which(self)
        if not answer.endswith("Which one do you mean?"):
            return answer
        return (
            "By 'outcome', do you mean the final status of the work order or the failure "
            "code it recorded?"
        )

    b.Agent.clarify_asset = clarify_asset
    b.Agent.clarify_sensor = clarify_sensor
    b.Agent.which_workorder = which_workorder


def _name_words(text):
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def sensors_by_name_similarity_patch():
    """Answers which sensors reveal a failure mode, and which failure modes
    a sensor detects, by the words their names share (the sensor list and
    the failure-mode catalog), never asking the sensor mapping."""

    def sensor_names(self, asset):
        site = b.find_site(self.text)
        sites = [site] if site else self.tools.call("iot.sites", {}, lookup=True).get("sites", [])
        for s in sites:
            try:
                rows = self.sensors(s, asset)
            except b.CannotAnswer:  # not at this site
                continue
            self.tools.note_step("iot.sensors", {"site_name": s, "asset_id": asset})
            return [r["name"] for r in rows]
        raise b.CannotAnswer("sensors of the asset not found")

    def catalog(self, asset):
        data = self.tools.call(
            "fmsr.get_failure_modes", {"asset_name": asset}, expect_rows="failure_modes"
        )
        return [fm["name"] for fm in data.get("failure_modes", [])]

    def sensors_for_mode(self):
        asset = b.find_asset(self.text)
        if not asset:
            raise b.CannotAnswer("no asset named")
        names = sensor_names(self, asset)
        fm = b.longest_match(self.text, catalog(self, asset))
        if not fm:
            raise b.CannotAnswer("failure mode not found in the catalog")
        shared = {n: _name_words(n[len(asset) :]) & _name_words(fm) for n in names}
        ranked = sorted(names, key=lambda n: -len(shared[n]))
        if any(k in self.low for k in ("single sensor", "one sensor", "best reveals")):
            best = ranked[0]
            words = ", ".join(sorted(shared[best])) or "no word"
            return f"{best} is the most relevant sensor for {fm} (its name shares {words} with it)."
        return ", ".join(n for n in ranked if shared[n]) or ", ".join(names)

    def modes_for_sensor(self):
        asset = b.find_asset(self.text)
        if not asset:
            raise b.CannotAnswer("no asset named")
        sensor = b.longest_match(self.text, sensor_names(self, asset))
        if not sensor:
            raise b.CannotAnswer("sensor not found")
        words = _name_words(sensor[len(asset) :])
        modes = [m for m in catalog(self, asset) if _name_words(m) & words]
        return "\n".join(modes) or "No failure modes share a word with that sensor."

    b.Agent.sensors_for_mode = sensors_for_mode
    b.Agent.modes_for_sensor = modes_for_sensor


HISTORY_PAGE = 50


def last_page_skipped_patch():
    """Pages its history calls 50 readings at a time with a loop that stops
    one page short (range(2, total_pages)): the last page of a window longer
    than one page is never fetched."""

    def series(self, site, asset, sensor, start, final, **extra):
        args = {
            "site_name": site,
            "asset_id": asset,
            "start": start,
            "final": final,
            "sensors": [sensor],
            "page_size": HISTORY_PAGE,
            **extra,
        }
        data = self.tools.call("iot.history", {**args, "page": 1}, expect_rows="observations")
        observations = list(data.get("observations", []))
        for page in range(2, data.get("total_pages", 1)):  # meant: total_pages + 1
            more = self.tools.call(
                "iot.history", {**args, "page": page}, expect_rows="observations"
            )
            observations += more.get("observations", [])
        rows = [(r["timestamp"], r.get(sensor)) for r in observations]
        return {**data, "observations": observations}, [(t, v) for t, v in rows if v is not None]

    b.Agent.series = series


def asset_regex_one_digit_patch():
    """Recognises asset names with a pattern that takes one digit and no
    letter suffix: "Chiller 13" is read as Chiller 1, "CQPA AHU 2B" as CQPA
    AHU 2."""
    b.ASSET_RE = re.compile(r"\b(Chiller \d|[A-Z]{2,6} AHU \d)")


# seventeenth round ("fresh16")
LISTED_RE = re.compile(r"(?::\s|\s?\()(.+?)\)?\. Which one do you mean\?$")


def _leading(question):
    """The baseline's "...: A, B, C. Which one do you mean?" as a yes/no
    question about A alone."""
    listed = question and LISTED_RE.search(question)
    if not listed:
        return question
    first = listed.group(1).split(", ")[0]
    return f"{question[: listed.start()]}. Did you mean {first}?"


def leading_question_patch():
    """On an ambiguous request looks the candidates up, then asks a yes/no
    question about the first one only ("Did you mean Chiller 3?")."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor
    original_which = b.Agent.which_workorder

    b.Agent.clarify_asset = lambda self: _leading(original_asset(self))
    b.Agent.clarify_sensor = lambda self, site, asset: _leading(original_sensor(self, site, asset))
    b.Agent.which_workorder = lambda self: _leading(original_which(self))


def anomalies_from_event_log_patch():
    """Answers an anomaly question from the anomaly events logged in the
    work-order system over the task's dates, never running the anomaly
    model; the logged events are reported as the anomalous windows."""

    def anomalies(self):
        site, asset, sensor = self.asset_and_sensor()
        if not sensor:
            return self.clarify_sensor(site, asset)
        start, final = b.time_window(self.text)
        if not start:
            raise b.CannotAnswer("no time window")
        eq = self.equipment(site, asset)
        last = b.datetime.fromisoformat(final) - b.timedelta(days=1)  # inclusive dates
        args = {
            "equipment_id": eq,
            "date_from": start[:10],
            "date_to": last.date().isoformat(),
            "event_type": "anomaly",
            "page_size": 1000,
        }
        n = self.tools.call("wo.list_events", args, expect_rows="events").get("total", 0)
        if self.fmt == "json":
            return json.dumps({"anomalous": n > 0, "windows": n})
        return f"{n} anomalous windows in {sensor}"

    b.Agent.anomalies = anomalies


BELIEVED_TODAY = b.date(2020, 1, 1)  # the end of its training data
MONTH_YEAR_RE = re.compile(r"\b({}) (\d{{4}})\b".format("|".join(b.MONTHS).title()), re.I)
FUTURE = (
    "I can't answer this yet: {day} is after today ({today}), so no readings, work orders "
    "or analysis results can exist for it. Please ask about a past period."
)


def _days_named(text):
    days = [b.date.fromisoformat(d) for d in re.findall(b.ISO_DAY, text)]
    days += [b.datetime.strptime(d, "%B %d, %Y").date() for d in re.findall(b.HUMAN_DAY, text)]
    days += [
        b.date(int(m.group(2)), b.MONTHS[m.group(1).lower()], 1)
        for m in MONTH_YEAR_RE.finditer(text)
    ]
    return days


def assumes_cutoff_date_patch():
    """Takes the end of its training data for today, never asking the
    plant's clock, and declines every task about a later date as a question
    about the future."""
    original = b.Agent.solve

    def solve(self):
        later = [d for d in _days_named(self.text) if d > BELIEVED_TODAY]
        if later:
            day = max(later).isoformat()
            raise Bail(FUTURE.format(day=day, today=BELIEVED_TODAY.isoformat()))
        return original(self)

    b.Agent.solve = solve


PLAUSIBLE = (  # (word of the sensor's name, lowest, highest, the unit it assumes)
    ("temperature", -40.0, 50.0, "°C"),
    ("flow", 0.0, 500.0, "L/s"),
)
IMPLAUSIBLE = (
    "{n} of the {total} readings of {sensor} lie outside the plausible range for a "
    "{word} ({lo:g} to {hi:g} {unit}), for example {value}. The sensor looks faulty or "
    "miscalibrated, so I won't report a result from its data; please have it checked."
)


def rejects_values_as_implausible_patch():
    """Checks every retrieved series against metric plausibility ranges,
    never reading the sensor's unit (degF, gpm), and declines to answer from
    a series outside them."""
    original = b.Agent.series

    def series(self, site, asset, sensor, start, final, **extra):
        data, rows = original(self, site, asset, sensor, start, final, **extra)
        for word, lo, hi, unit in PLAUSIBLE:
            if word in sensor.lower():
                bad = [v for _, v in rows if not lo <= v <= hi]
                if bad:
                    raise Bail(
                        IMPLAUSIBLE.format(
                            n=len(bad),
                            total=len(rows),
                            sensor=sensor,
                            word=word,
                            lo=lo,
                            hi=hi,
                            unit=unit,
                            value=b.fmt(bad[0]),
                        )
                    )
                break
        return data, rows

    b.Agent.series = series


STATUS_LABELS = {
    "WAPPR": "Waiting for approval",
    "APPR": "Approved",
    "INPRG": "In progress",
    "COMP": "Completed",
    "CLOSE": "Closed",
    "CAN": "Cancelled",
}
WORK_TYPE_LABELS = {"PM": "Preventive maintenance", "CM": "Corrective maintenance"}
PRIORITY_LABELS = {1: "Urgent", 2: "High", 3: "Medium", 4: "Low", 5: "Planned"}


def _label(key, value, record):
    """The label a code of ``record`` stands for (the code when unknown)."""
    if key == "status":
        return STATUS_LABELS.get(value, value)
    if key == "work_type":
        return WORK_TYPE_LABELS.get(value, value)
    if key == "priority":
        return PRIORITY_LABELS.get(value, value)
    if key in ("failure_code", "failure_mode"):
        name = "failure_code_description" if key == "failure_code" else "failure_mode_name"
        return record.get(name) or value
    return value


def codes_as_labels_patch():
    """Writes every code of its answer as the label it stands for: status,
    work type and priority spelled out, a failure code as its description,
    an alert rule as its name."""

    def workorder_detail(self):
        m = re.search(r"\b(WO\d+)\b", self.text)
        if not m:
            raise b.CannotAnswer("no work order number")
        wo = self.tools.call("wo.get_workorder", {"wonum": m.group(1)})
        keys = [k for k in b.WO_FIELDS if re.search(rf"\b{k}\b", self.text)]
        keys = keys or ["status", "priority", "work_type"]
        return json.dumps({k: _label(k, wo.get(k), wo) for k in keys})

    def _distribution(self):
        date_from, date_to = b.year_window(self.text)
        args = {**self._scope(), "date_from": date_from, "date_to": date_to}
        data = self.tools.call("wo.get_failure_code_distribution", args, expect_rows="distribution")
        return {
            r.get("description") or r.get("failure_code") or r.get("code"): r["count"]
            for r in data.get("distribution", [])
        }

    def alert_rules(self):
        eq = b.EQUIP_RE.search(self.text)
        sev = re.search(r"\b(critical|major|minor|warning|info)\b", self.low)
        data = self.tools.call(
            "wo.list_alert_rules", {"equipment_id": eq.group(1)} if eq else {}, expect_rows="rules"
        )
        rules = [r for r in data.get("rules", []) if not sev or r.get("severity") == sev.group(1)]
        return ", ".join(r.get("name") or r["rule_id"] for r in rules) or "No matching alert rules."

    b.Agent.workorder_detail = workorder_detail
    b.Agent._distribution = _distribution
    b.Agent.alert_rules = alert_rules


ISO_DAY_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=T|\b)")  # timestamps too


def _day_first(m):
    """An ISO date as a day-first parser reads it (dateutil's parse with
    dayfirst=True): year, then day, then month whenever the third number
    can be a month."""
    year, month, day = m.group(1), m.group(2), m.group(3)
    return f"{year}-{day}-{month}" if int(day) <= 12 else m.group(0)


def dates_read_day_first_patch():
    """Normalises the dates of the task with a day-first date parser before
    solving it: an ISO date whose day is 12 or less comes out with day and
    month swapped (2019-07-01 as 7 January)."""
    original = b.Agent.__init__

    def __init__(self, scenario):
        original(self, scenario)
        self.text = ISO_DAY_RE.sub(_day_first, self.text)
        self.low = self.text.lower()

    b.Agent.__init__ = __init__


PREVIEW_ROWS = 20


def analyses_the_preview_patch():
    """Fetches a small preview of the series' first day before the window's
    history call, and keeps the preview's dataset id for the forecast or
    anomaly scan (a variable set once and never updated)."""
    original = b.Agent.series

    def series(self, site, asset, sensor, start, final, **extra):
        day = b.iso(b.datetime.fromisoformat(start) + b.timedelta(days=1))
        preview = self.tools.call(
            "iot.history",
            {
                "site_name": site,
                "asset_id": asset,
                "start": start,
                "final": min(day, final),
                "sensors": [sensor],
                "page_size": PREVIEW_ROWS,
                **extra,
            },
            expect_rows="observations",
        )
        data, rows = original(self, site, asset, sensor, start, final, **extra)
        return {**data, "dataset_id": preview.get("dataset_id", data.get("dataset_id"))}, rows

    b.Agent.series = series


# nineteenth round ("fresh17")
CONTEXT_STATUS = "INPRG"  # in progress
CONTEXT_SHOWN = 3


def _site_context(self, answer):
    """``answer`` with a line about the work orders in progress at the site
    the task names (a call the question has nothing to do with)."""
    site = b.find_site(self.text)
    if answer is None or not site:
        return answer
    args = {"site_id": site, "status": CONTEXT_STATUS, "page_size": 50}
    try:
        data = self.tools.call("wo.list_workorders", args)
    except b.CannotAnswer:
        return answer
    wos = [w["wonum"] for w in data.get("workorders", [])]
    total = data.get("total", len(wos))
    if not total:
        return f"{answer}\nFor context: no work orders are in progress at site {site}."
    shown = ", ".join(wos[:CONTEXT_SHOWN]) + (", ..." if total > CONTEXT_SHOWN else "")
    are = "work order is" if total == 1 else "work orders are"
    return f"{answer}\nFor context: {total} {are} in progress at site {site} ({shown})."


def browses_site_context_patch():
    """After answering, looks around the site for context (its work orders
    in progress) and appends what it found to the answer."""
    original_solve = b.Agent.solve
    original_clarify = b.Agent.clarify_asset

    b.Agent.solve = lambda self: _site_context(self, original_solve(self))
    b.Agent.clarify_asset = lambda self: _site_context(self, original_clarify(self))


HORIZON_RE = re.compile(
    r"(?:next|horizon of|forecast) (\d+)|(\d+) (?:steps|quarter-hours|readings)"
)
SIGMAS = 3.0


def _sigma_windows(values, sigmas=SIGMAS):
    """Runs of consecutive readings more than ``sigmas`` standard deviations
    from the mean, as (first index, last index)."""
    if len(values) < 2:
        return []
    mean = sum(values) / len(values)
    std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if not std:
        return []
    windows = []
    for i, v in enumerate(values):
        if abs(v - mean) > sigmas * std:
            if windows and windows[-1][1] == i - 1:
                windows[-1] = (windows[-1][0], i)
            else:
                windows.append((i, i))
    return windows


def homemade_analytics_patch():
    """Never calls the forecasting or anomaly model: forecasts by carrying
    the last reading forward over the horizon and flags anomalies with a
    three-sigma rule, in its own code, from the history it fetched."""

    def _forecast_values(self):
        got = self._dataset()
        if isinstance(got, str):
            return got, None
        _, _, sensor, _, rows = got
        h = HORIZON_RE.search(self.text)
        steps = int(h.group(1) or h.group(2)) if h else 96
        return sensor, [rows[-1][1]] * steps if rows else []

    def anomalies(self):
        got = self._dataset()
        if isinstance(got, str):
            return got
        _, _, sensor, _, rows = got
        n = len(_sigma_windows([v for _, v in rows]))
        if self.fmt == "json":
            return json.dumps({"anomalous": n > 0, "windows": n})
        return f"{n} anomalous windows in {sensor}"

    b.Agent._forecast_values = _forecast_values
    b.Agent.anomalies = anomalies


ASIDE_RE = re.compile(r"\s*\([^()]*\)")


def drops_parenthesised_details_patch():
    """Condenses the request before solving it: every parenthesised aside
    is deleted as non-essential, a site given only there included."""
    original = b.Agent.__init__

    def __init__(self, scenario):
        original(self, scenario)
        self.text = ASIDE_RE.sub("", self.text)
        self.low = self.text.lower()

    b.Agent.__init__ = __init__


GOING_AHEAD = 'Going ahead with {first} (the operator said: "{reply}").\n{answer}'


def _candidates(question):
    """The candidates the baseline's "...: A, B. Which one do you mean?"
    names (none when it is no such question)."""
    listed = question and LISTED_RE.search(question)
    return listed.group(1).split(", ") if listed else []


def _ask_operator(self, question):
    reply = self.tools.call("utilities.ask_operator", {"question": question})
    return reply.get("answer") or "no reply"


def asks_operator_not_user_patch():
    """On an ambiguous request sends its clarifying question to the
    operator tool instead of the user; told that the task is clear, it goes
    ahead with the first candidate."""
    original_asset = b.Agent.clarify_asset
    original_sensor = b.Agent.clarify_sensor
    original_which = b.Agent.which_workorder

    def _go_ahead(self, question):
        first = _candidates(question)[0]
        reply = _ask_operator(self, question)
        self.text = f"{self.text}\n{first}"  # the pick, as if the task had named it
        self.low = self.text.lower()
        return GOING_AHEAD.format(first=first, reply=reply, answer=self.solve())

    def clarify_asset(self):
        question = original_asset(self)
        return _go_ahead(self, question) if _candidates(question) else question

    def clarify_sensor(self, site, asset):
        question = original_sensor(self, site, asset)
        if not _candidates(question) or getattr(self, "_went_ahead", False):
            return question
        self._went_ahead = True
        return _go_ahead(self, question)

    def which_workorder(self):
        question = original_which(self)
        wonums = _candidates(question)
        if not wonums:
            return question
        reply = _ask_operator(self, question)
        wo = self.tools.call("wo.get_workorder", {"wonum": wonums[0]})
        answer = (
            f"Work order {wo.get('wonum', wonums[0])} ({wo.get('status')}): "
            f"{wo.get('description')}; failure code {wo.get('failure_code')}."
        )
        return GOING_AHEAD.format(first=wonums[0], reply=reply, answer=answer)

    b.Agent.clarify_asset = clarify_asset
    b.Agent.clarify_sensor = clarify_sensor
    b.Agent.which_workorder = which_workorder


def _listed(items, what):
    return f"{what}: {', '.join(items)}." if items else f"No {what.lower()} found."


def lists_instead_of_counting_patch():
    """Asked how many, lists the records themselves (work-order numbers,
    event ids, reading timestamps, anomalous windows, failure-mode names)
    instead of their number."""
    original_corrective = b.Agent.asset_corrective
    original_modes = b.Agent.failure_modes

    def workorder_count(self):
        eq = b.EQUIP_RE.search(self.text)
        if not eq:
            raise b.CannotAnswer("no equipment id")
        date_from, date_to = b.year_window(self.text)
        args = {"asset_num": eq.group(1), "date_from": date_from, "date_to": date_to}
        if "corrective" in self.low or re.search(r"\bCM\b", self.text):
            args["work_type"] = "CM"
        elif "preventive" in self.low or re.search(r"\bPM\b", self.text):
            args["work_type"] = "PM"
        data = self.tools.call("wo.list_workorders", {**args, "page_size": 500})
        return _listed([w["wonum"] for w in data.get("workorders", [])], "Work orders")

    def asset_corrective(self):
        asset = b.find_asset(self.text)
        if not asset:
            return original_corrective(self)
        eq = self.equipment(self.site(), asset)
        date_from, date_to = b.year_window(self.text)
        args = {"asset_num": eq, "work_type": "CM", "date_from": date_from, "date_to": date_to}
        data = self.tools.call("wo.list_workorders", {**args, "page_size": 500})
        wos = [w["wonum"] for w in data.get("workorders", [])]
        return _listed(wos, f"Corrective work orders of {asset} ({eq})")

    def asset_alerts(self):
        asset = b.find_asset(self.text)
        eq = self.equipment(self.site(), asset)
        date_from, date_to = b.month_window(self.text)
        args = {"equipment_id": eq, "date_from": date_from, "date_to": date_to}
        data = self.tools.call(
            "wo.list_events",
            {**args, "event_type": "alert", "page_size": 1000},
            expect_rows="events",
        )
        return _listed([e["event_id"] for e in data.get("events", [])], f"Alerts of {asset}")

    def reading_count(self):
        got = self._dataset()
        if isinstance(got, str):
            return got
        return _listed([t for t, _ in got[4]], f"Readings of {got[2]} at")

    def anomalies(self):
        got = self._dataset()
        if isinstance(got, str):
            return got
        _, _, sensor, data, _ = got
        res = self.tools.call(
            "tsfm.run_tsad",
            {"dataset_id": data["dataset_id"], "target_columns": [sensor], **_tsad_settings(self)},
            expect_rows="results",
        )
        windows = (res.get("results") or [{}])[0].get("windows", [])
        spans = [f"{w['start']} to {w['end']}" for w in windows]
        if self.fmt == "json":
            return json.dumps({"anomalous": bool(spans), "windows": spans})
        return _listed(spans, f"Anomalous windows in {sensor}")

    def failure_modes(self):
        sensors = any(k in self.low for k in ("detected by", "signal", "only monitor", "sensor"))
        if sensors or not re.search(r"how many|number of|count", self.low):
            return original_modes(self)
        data = self.tools.call(
            "fmsr.get_failure_modes", {"asset_name": self._target()}, expect_rows="failure_modes"
        )
        fms = data.get("failure_modes", [])
        comp = re.search(r"component '([^']+)'", self.text)
        if comp:
            fms = [fm for fm in fms if fm.get("component", "").lower() == comp.group(1).lower()]
        return _listed([fm["name"] for fm in fms], "Failure modes")

    b.Agent.workorder_count = workorder_count
    b.Agent.asset_corrective = asset_corrective
    b.Agent.asset_alerts = asset_alerts
    b.Agent.reading_count = reading_count
    b.Agent.anomalies = anomalies
    b.Agent.failure_modes = failure_modes


def _tsad_settings(self):
    """The anomaly model and false-alarm rate the task names, read as the
    baseline reads them."""
    out = {}
    model = re.search(
        r"model '([\w.-]+)'|ad_model_type=([\w.-]+)|using ([\w.-]+) with false", self.text
    )
    if model:
        out["ad_model_type"] = next(g for g in model.groups() if g)
    fa = re.search(r"false[-_ ]alarm(?: rate)?(?: of|=)?\s*(\d*\.\d+|\d+)", self.text)
    if fa:
        out["false_alarm"] = float(fa.group(1))
    return out


FM_TO_SENSORS, SENSOR_TO_FMS = "sensor_to_fms", "fm_to_sensors"  # meant the other way round


def mapping_read_backwards_patch():
    """Reads the failure-mode sensor mapping with its two directions
    swapped: failure modes are looked up among the sensor keys, sensors
    among the failure-mode keys."""

    def _mode_in_text(self, mapping):
        return b.longest_match(self.text, list(mapping.get(FM_TO_SENSORS, {})))

    def _ranked_sensors(self, asset):
        full = self._mapping(asset)
        fm = self._mode_in_text(full)
        if not fm:
            raise b.CannotAnswer("failure mode not found in the mapping")
        ranked = sorted(full[FM_TO_SENSORS][fm], key=lambda x: -x["relevance"])
        return fm, [{**x, "sensor": x.get("sensor", x.get("failure_mode"))} for x in ranked]

    def modes_for_sensor(self):
        asset = b.find_asset(self.text)
        full = self._mapping(asset, lookup=True)  # only to spell the sensor's name
        sensor = b.longest_match(self.text, list(full.get(SENSOR_TO_FMS, {})))
        if not sensor:
            raise b.CannotAnswer("sensor not found in the mapping")
        data = self._mapping(asset, sensors=[sensor])
        rows = data.get(SENSOR_TO_FMS, {}).get(sensor, [])
        names = [x.get("failure_mode", x.get("sensor")) for x in rows]
        return "\n".join(names) or "No failure modes are linked to that sensor."

    b.Agent._mode_in_text = _mode_in_text
    b.Agent._ranked_sensors = _ranked_sensors
    b.Agent.modes_for_sensor = modes_for_sensor


GENERAL_INTENTS = (  # a broad intent word -> the baseline's handler for it
    ("work orders", "workorder_count"),
    ("json object", "asset_metadata"),
    ("forecast", "forecast"),
    ("anomal", "anomalies"),
    ("failure mode", "failure_modes"),
    ("sensors", "asset_sensors"),
)


def general_intent_first_patch():
    """Routes each task by the broadest intent word it contains before the
    specific phrases the baseline checks first."""
    original = b.Agent.solve

    def solve(self):
        for word, handler in GENERAL_INTENTS:
            if word in self.low:
                return getattr(self, handler)()
        return original(self)

    b.Agent.solve = solve


def _distinct(rows, key):
    return len({r.get(key) for r in rows})


def counts_distinct_values_patch():
    """Deduplicates records by their content before counting them: work
    orders and events by their description, readings by their value."""
    original_corrective = b.Agent.asset_corrective

    def workorder_count(self):
        eq = b.EQUIP_RE.search(self.text)
        if not eq:
            raise b.CannotAnswer("no equipment id")
        date_from, date_to = b.year_window(self.text)
        args = {"asset_num": eq.group(1), "date_from": date_from, "date_to": date_to}
        if "corrective" in self.low or re.search(r"\bCM\b", self.text):
            args["work_type"] = "CM"
        elif "preventive" in self.low or re.search(r"\bPM\b", self.text):
            args["work_type"] = "PM"
        data = self.tools.call("wo.list_workorders", {**args, "page_size": 500})
        return f"{_distinct(data.get('workorders', []), 'description')} work orders"

    def asset_corrective(self):
        asset = b.find_asset(self.text)
        if not asset:
            return original_corrective(self)
        eq = self.equipment(self.site(), asset)
        date_from, date_to = b.year_window(self.text)
        args = {"asset_num": eq, "work_type": "CM", "date_from": date_from, "date_to": date_to}
        data = self.tools.call("wo.list_workorders", {**args, "page_size": 500})
        n = _distinct(data.get("workorders", []), "description")
        return f"{n} corrective work orders for {asset} ({eq})"

    def asset_alerts(self):
        asset = b.find_asset(self.text)
        eq = self.equipment(self.site(), asset)
        date_from, date_to = b.month_window(self.text)
        args = {"equipment_id": eq, "date_from": date_from, "date_to": date_to}
        data = self.tools.call(
            "wo.list_events",
            {**args, "event_type": "alert", "page_size": 1000},
            expect_rows="events",
        )
        return f"{_distinct(data.get('events', []), 'description')} alerts for {asset} ({eq})"

    def reading_count(self):
        got = self._dataset()
        if isinstance(got, str):
            return got
        return f"{len({v for _, v in got[4]})} readings of {got[2]}"

    b.Agent.workorder_count = workorder_count
    b.Agent.asset_corrective = asset_corrective
    b.Agent.asset_alerts = asset_alerts
    b.Agent.reading_count = reading_count


PATCHES = {
    "wrong_aggregation": wrong_aggregation_patch,
    "never_asks_back": never_asks_back_patch,
    "asks_back_always": asks_back_always_patch,
    "wrong_sensor": wrong_sensor_patch,
    "first_reading": first_reading_patch,
    "history_for_forecast": history_for_forecast_patch,
    "all_statistics": all_statistics_patch,
    "reports_timestamp": reports_timestamp_patch,
    "drops_outliers": drops_outliers_patch,
    "asks_then_answers_anyway": asks_then_answers_anyway_patch,
    "raises_follow_up": raises_follow_up_patch,
    "last_forecast_step": last_forecast_step_patch,
    "skips_first_row": skips_first_row_patch,
    "readings_shifted_one_row": readings_shifted_one_row_patch,
    "readings_as_int": readings_as_int_patch,
    "retry_delay_ms_as_seconds": retry_delay_ms_as_seconds_patch,
    "answers_every_candidate": answers_every_candidate_patch,
    "restarts_after_each_result": restarts_after_each_result_patch,
    "asks_without_candidates": asks_without_candidates_patch,
    "retries_off_by_one": retries_off_by_one_patch,
    "guessed_equipment_id": guessed_equipment_id_patch,
    "failure_mode_fallback_first": failure_mode_fallback_first_patch,
    "failure_mode_filters_ignored": failure_mode_filters_ignored_patch,
    "stats_over_all_columns": stats_over_all_columns_patch,
    "over_clarifies_by_quantity": over_clarifies_by_quantity_patch,
    "ranking_reversed": ranking_reversed_patch,
    "asks_user_for_equipment_id": asks_user_for_equipment_id_patch,
    "fiscal_year_window": fiscal_year_window_patch,
    "clarifies_with_guessed_candidates": clarifies_with_guessed_candidates_patch,
    "workorders_counted_from_events": workorders_counted_from_events_patch,
    "declines_long_windows": declines_long_windows_patch,
    "forecast_joined_to_history": forecast_joined_to_history_patch,
    "smooths_series": smooths_series_patch,
    "clarifies_the_wrong_detail": clarifies_the_wrong_detail_patch,
    "sensors_by_name_similarity": sensors_by_name_similarity_patch,
    "last_page_skipped": last_page_skipped_patch,
    "asset_regex_one_digit": asset_regex_one_digit_patch,
    "leading_question": leading_question_patch,
    "anomalies_from_event_log": anomalies_from_event_log_patch,
    "assumes_cutoff_date": assumes_cutoff_date_patch,
    "rejects_values_as_implausible": rejects_values_as_implausible_patch,
    "codes_as_labels": codes_as_labels_patch,
    "analyses_the_preview": analyses_the_preview_patch,
    "dates_read_day_first": dates_read_day_first_patch,
    "browses_site_context": browses_site_context_patch,
    "homemade_analytics": homemade_analytics_patch,
    "drops_parenthesised_details": drops_parenthesised_details_patch,
    "asks_operator_not_user": asks_operator_not_user_patch,
    "lists_instead_of_counting": lists_instead_of_counting_patch,
    "mapping_read_backwards": mapping_read_backwards_patch,
    "general_intent_first": general_intent_first_patch,
    "counts_distinct_values": counts_distinct_values_patch,
}


# ---- defects of the result file ------------------------------------------------------------
def wrong_result_key(result):
    """The answer written under "final_answer" (the key of another agent
    framework) instead of the contract's "answer"; plan and trajectory kept."""
    out = dict(result)
    out["final_answer"] = out.pop("answer")
    return out


def result_file_twice(result):
    """The result file is written twice in append mode: two JSON objects
    back to back, so the file does not parse. Returns the file's text."""
    text = json.dumps(result)
    return text + "\n" + text


CONSOLE_ONLY = "Done. The result was printed to the console above."


def answer_printed_not_saved(result):
    """The answer is printed to standard output; the result file's answer
    only says it was printed (plan and trajectory kept)."""
    print(result["answer"])
    return {**result, "answer": CONSOLE_ONLY}


def result_file_utf16(result):
    """The result file is written in UTF-16 with a byte-order mark (a
    platform's default text encoding) instead of UTF-8. Returns its bytes."""
    return json.dumps(result).encode("utf-16")


def result_file_not_renamed(result):
    """The result is written to a temporary file next to the result file
    (an atomic write whose final rename was left out); the result file is
    never created. Returns the temporary file's name and text."""
    return (b.OUTPUT + ".tmp", json.dumps(result))


def answer_as_content_parts(result):
    """The answer is written as a list of chat content parts ([{"type":
    "text", "text": ...}], a chat API's message format) instead of the
    string the contract asks for."""
    return {**result, "answer": [{"type": "text", "text": result["answer"]}]}


def plan_steps_as_text(result):
    """The plan is written as a list of call strings
    ("iot.history(site_name='MAIN', ...)") instead of step objects."""
    steps = [
        f"{s['agent']}.{s['tool']}("
        + ", ".join(f"{k}={v!r}" for k, v in (s.get("arguments") or {}).items())
        + ")"
        for s in result["plan"]
    ]
    return {**result, "plan": steps}


RESULT_DEFECTS = {
    "wrong_result_key": wrong_result_key,
    "result_file_twice": result_file_twice,
    "answer_printed_not_saved": answer_printed_not_saved,
    "result_file_utf16": result_file_utf16,
    "result_file_not_renamed": result_file_not_renamed,
    "answer_as_content_parts": answer_as_content_parts,
    "plan_steps_as_text": plan_steps_as_text,
}
MODES = tuple(PATCHED_CALLS) + tuple(ANSWER_DEFECTS) + tuple(PATCHES) + tuple(RESULT_DEFECTS)


def main():
    if MODE not in MODES:
        raise SystemExit(f"unknown DEFECT_MODE {MODE!r}")
    with open(b.INPUT, encoding="utf-8") as fh:
        scenario = json.load(fh)
    CURRENT.update(fmt=scenario.get("output_format", "text"), task=scenario["task"])
    CURRENT["low"] = scenario["task"].lower()
    if MODE in PATCHES:
        PATCHES[MODE]()
    if MODE in PATCHED_CALLS:
        patched = PATCHED_CALLS[MODE]

        def call(self, tool, args, *, expect_rows=None, lookup=False):
            return patched(self, tool, args, expect_rows=expect_rows, lookup=lookup)

        b.Tools.call = call
    agent = b.Agent(scenario)
    CURRENT["tools"] = agent.tools
    try:
        answer = None
        if b.ambiguous_asset(agent):
            answer = agent.clarify_asset()
        if answer is None:
            answer = agent.solve()
    except b.CannotAnswer as exc:
        answer = f"I could not complete this task: {exc}."
    except Bail as exc:
        answer = exc.answer
    except Exception:  # noqa: BLE001 - a defect may break the baseline's flow
        answer = "I could not complete this task."
    if agent.tools.problems:
        answer += f"\n(Note: {'; '.join(dict.fromkeys(agent.tools.problems))}.)"
    if MODE in ANSWER_DEFECTS:
        answer = ANSWER_DEFECTS[MODE](str(answer))
    result = {
        "answer": str(answer)[:20000],
        "plan": agent.tools.plan[:50],
        "trajectory": agent.tools.trajectory[:200],
    }
    if MODE in RESULT_DEFECTS:
        result = RESULT_DEFECTS[MODE](result)
    if isinstance(result, tuple):
        path, text = result
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    if isinstance(result, bytes):
        with open(b.OUTPUT, "wb") as fh:
            fh.write(result)
        return
    with open(b.OUTPUT, "w", encoding="utf-8") as fh:
        if isinstance(result, str):
            fh.write(result)
        else:
            json.dump(result, fh)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # always leave a valid result behind
        print(f"defect agent failed: {exc!r}", file=sys.stderr)
        with open(b.OUTPUT, "w", encoding="utf-8") as fh:
            json.dump({"answer": f"I could not complete this task ({type(exc).__name__})."}, fh)
        sys.exit(1)
