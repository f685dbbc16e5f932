"""AssetOpsBench's current MCP tool surface, accepted over the same plant
(issue 20).

The upstream servers (IoT, FMSR, utilities, WO) have moved on from the 2025
names this service was built on. An agent written for them calls the same
tool names with the same argument names here, REST and MCP:

- ``UPSTREAM_TOOLS``: upstream tool names this service does not have under
  that name, each an alias of one canonical tool (``contracts.tools``) with
  the upstream argument model; the service translates the call, runs the
  canonical tool and answers in the upstream shape.
- ``UPSTREAM_ARGUMENTS``: upstream argument names accepted by a tool that
  exists here under the same name (``iot.history`` takes ``end``, ``limit``
  and ``cursor``; ``fmsr.get_failure_modes`` takes ``asset_class``...),
  with their canonical argument, or ``None`` when the argument is accepted
  and ignored (the reply lists it in ``ignored_arguments``).
- ``CONFORMANCE``: every upstream tool and what this service does with it
  (rendered into docs/tools-reference.md).

The tool log always records the canonical tool and canonical arguments, so
an upstream-style call scores exactly as the canonical call it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Upstream's history page bound (``limit`` 1..1000, default 1000).
UPSTREAM_PAGE_LIMIT = 1000


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- iot -------------------------------------------------------------------------------
class AssetIdsArgs(_Args):
    """The asset names of one site (upstream ``asset_ids``)."""

    site_name: str


class SensorNamesArgs(_Args):
    """The sensor names of one asset (upstream ``measured_sensors`` / ``installed_sensors``)."""

    site_name: str
    asset_id: str


class AssetDetailArgs(_Args):
    """Registry details of one asset (upstream ``get_asset_detail`` / ``asset_detail``)."""

    site_name: str
    asset_id: str


class FindAssetsBySensorsArgs(_Args):
    """Assets of a site that have the given sensors (upstream ``find_assets_by_sensors``).
    A sensor kind ("Tonnage") matches every asset that has it; a full name
    ("Chiller 6 Tonnage") matches that asset."""

    site_name: str
    sensors: list[str] = Field(min_length=1)
    match: Literal["all", "any"] = "all"
    substring: bool = False
    source: Literal["measured", "installed"] = "measured"


class StreamExtentArgs(_Args):
    """Count and time span of an asset's telemetry in [start, end) (upstream ``stream_extent``)."""

    site_name: str
    asset_id: str
    sensor: str | None = None
    start: str | None = None
    end: str | None = None


class SensorCoverageArgs(_Args):
    """Non-null readings per sensor over the whole stream (upstream ``sensor_coverage``)."""

    site_name: str
    asset_id: str


class SensorStatsArgs(_Args):
    """count, null_count, min, max, mean, population stddev per sensor in [start, end)
    (upstream ``sensor_stats``)."""

    site_name: str
    asset_id: str
    sensor: str | None = None
    start: str | None = None
    end: str | None = None


class LatestReadingArgs(_Args):
    """The newest reading of an asset, or of one sensor (upstream ``latest_reading``)."""

    site_name: str
    asset_id: str
    sensor: str | None = None


# ---- utilities ---------------------------------------------------------------------------
class CurrentTimeEnglishArgs(_Args):
    """The plant's 'now' as English text (upstream ``current_time_english``)."""


# ---- wo ----------------------------------------------------------------------------------
class AssignTechnicianArgs(_Args):
    """Assign an open work order to a technician (upstream ``assign_technician``);
    ``labor_code`` is the assignee."""

    wonum: str
    site_id: str | None = None
    labor_code: str
    craft: str | None = None  # accepted, ignored
    start_date: str | None = None  # accepted, ignored
    hours_planned: float | None = None  # accepted, ignored


UPSTREAM_TOOLS: dict[str, tuple[str, type[_Args]]] = {
    "iot.asset_ids": ("iot.assets", AssetIdsArgs),
    "iot.measured_sensors": ("iot.sensors", SensorNamesArgs),
    "iot.installed_sensors": ("iot.sensors", SensorNamesArgs),
    "iot.get_asset_detail": ("iot.get_asset", AssetDetailArgs),
    "iot.asset_detail": ("iot.get_asset", AssetDetailArgs),
    "iot.find_assets_by_sensors": ("iot.assets", FindAssetsBySensorsArgs),
    "iot.stream_extent": ("iot.history", StreamExtentArgs),
    "iot.sensor_coverage": ("iot.history", SensorCoverageArgs),
    "iot.sensor_stats": ("iot.history", SensorStatsArgs),
    "iot.latest_reading": ("iot.history", LatestReadingArgs),
    "utilities.current_time_english": ("utilities.current_date_time", CurrentTimeEnglishArgs),
    "wo.assign_technician": ("wo.assign_workorder", AssignTechnicianArgs),
}


# Upstream argument names of tools that exist here under the same name:
# upstream name -> canonical name (None: accepted and ignored).
UPSTREAM_ARGUMENTS: dict[str, dict[str, str | None]] = {
    "iot.assets": {"assettype": "asset_type"},
    "iot.history": {"end": "final", "limit": "page_size", "cursor": "page"},
    "fmsr.get_failure_modes": {"asset_class": "asset_name"},
    "fmsr.get_failure_mode_sensor_mapping": {"asset_class": "asset_name"},
    "tsfm.run_tsfm_forecasting": {"dataset_path": "dataset_id"},
    "tsfm.run_tsad": {"dataset_path": "dataset_id"},
    "wo.create_workorder": {
        "notes": None,
        "reported_by": None,
        "location": None,
        "wonum": None,
        "aob_source": None,
    },
    "wo.update_workorder": {"notes": None, "location": None},
    "wo.close_workorder": {"actual_hours": None},
}
# The JSON schema type of each upstream-only argument (for the tools' input schemas).
UPSTREAM_ARGUMENT_SCHEMAS: dict[str, dict] = {
    "assettype": {"type": ["string", "null"], "description": "upstream name of asset_type"},
    "end": {"type": ["string", "null"], "description": "exclusive end (upstream name of final)"},
    "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": UPSTREAM_PAGE_LIMIT,
        "description": "rows per page (upstream); continue with next_cursor",
    },
    "cursor": {"type": ["string", "null"], "description": "next_cursor of the previous page"},
    "asset_class": {"type": "string", "description": "upstream name of asset_name"},
    "dataset_path": {"type": "string", "description": "upstream name of dataset_id"},
    "notes": {"type": ["string", "null"], "description": "accepted, ignored"},
    "reported_by": {"type": ["string", "null"], "description": "accepted, ignored"},
    "location": {"type": ["string", "null"], "description": "accepted, ignored"},
    "wonum": {"type": ["string", "null"], "description": "accepted, ignored"},
    "aob_source": {"type": ["object", "null"], "description": "accepted, ignored"},
    "actual_hours": {"type": ["number", "null"], "description": "accepted, ignored"},
}
# Required canonical arguments a call under this (called) name may leave out:
# the upstream default applies.
UPSTREAM_OPTIONAL: dict[str, frozenset[str]] = {
    "iot.history": frozenset({"start"}),  # no start: from the first reading
    "wo.generate_work_order": frozenset({"priority"}),  # upstream default 3
}
UPSTREAM_GENERATE_PRIORITY = 3


@dataclass(frozen=True)
class Conformance:
    family: str
    tool: str  # upstream tool name
    arguments: str  # upstream arguments, as documented upstream
    status: Literal["same", "alias", "not offered"]
    ours: str  # the canonical tool here ("" when not offered)
    note: str


def _c(family: str, tool: str, arguments: str, status: str, ours: str, note: str) -> Conformance:
    return Conformance(family, tool, arguments, status, ours, note)  # type: ignore[arg-type]


CONFORMANCE: tuple[Conformance, ...] = (
    # ---- iot (12 upstream tools)
    _c("iot", "sites", "-", "same", "iot.sites", "Same name and arguments; also `details`."),
    _c(
        "iot",
        "asset_ids",
        "site_name",
        "alias",
        "iot.assets",
        "`assets` is the list of asset names.",
    ),
    _c(
        "iot",
        "assets",
        "site_name, assettype?",
        "same",
        "iot.assets",
        "`assettype` is accepted for `asset_type` (case-insensitive: chiller, ahu).",
    ),
    _c(
        "iot",
        "measured_sensors",
        "site_name, asset_id",
        "alias",
        "iot.sensors",
        "Sorted sensor names; every installed sensor is measured in this plant.",
    ),
    _c(
        "iot",
        "installed_sensors",
        "site_name, asset_id",
        "alias",
        "iot.sensors",
        "Sensor names in registry order.",
    ),
    _c(
        "iot",
        "get_asset_detail (asset_detail)",
        "site_name, asset_id",
        "alias",
        "iot.get_asset",
        "Our metadata plus upstream's `assettype`, `installdate`, `n_installed_sensors`.",
    ),
    _c(
        "iot",
        "find_assets_by_sensors",
        "site_name, sensors, match?, substring?, source?",
        "alias",
        "iot.assets",
        "Names are matched in full ('Chiller 6 Tonnage') or by kind ('Tonnage'); "
        "`source` accepted (measured = installed here).",
    ),
    _c(
        "iot",
        "history",
        "site_name, asset_id, start?, end?, sensors?, limit?, cursor?",
        "same",
        "iot.history",
        "`end` = `final`, `limit` (1-1000) pages, `cursor` continues; replies carry "
        "`returned`, `has_more`, `next_cursor`. Without `start` the stream is read from its "
        "first reading; one call reads at most 92 days and `has_more` continues past them. "
        "Difference: `start` without `end` reads one day here (upstream: to the last reading).",
    ),
    _c(
        "iot",
        "stream_extent",
        "site_name, asset_id, sensor?, start?, end?",
        "alias",
        "iot.history",
        "`start_time`, `end_time`, `total_records`, `exceeds_page_limit`, "
        "`approx_interval_seconds`.",
    ),
    _c(
        "iot",
        "sensor_coverage",
        "site_name, asset_id",
        "alias",
        "iot.history",
        "Per sensor `non_null_count`, `first_timestamp`, `last_timestamp` over the stream.",
    ),
    _c(
        "iot",
        "sensor_stats",
        "site_name, asset_id, sensor?, start?, end?",
        "alias",
        "iot.history",
        "Per sensor count, null_count, min, max, mean, population stddev, first/last timestamps.",
    ),
    _c(
        "iot",
        "latest_reading",
        "site_name, asset_id, sensor?",
        "alias",
        "iot.history",
        "`age_seconds` is measured from the plant's simulated now.",
    ),
    # ---- utilities
    _c(
        "utilities",
        "current_date_time",
        "-",
        "same",
        "utilities.current_date_time",
        "The plant's simulated now (keys `current_date_time`, `description`).",
    ),
    _c(
        "utilities",
        "current_time_english",
        "-",
        "alias",
        "utilities.current_date_time",
        "`english`, `iso`.",
    ),
    _c(
        "utilities",
        "json_reader",
        "file_name",
        "same",
        "utilities.json_reader",
        "`file_name` is a `dataset_id` (no file system is exposed).",
    ),
    _c(
        "utilities",
        "get_sensor_catalog / get_asset_catalog / get_failure_mode_catalog",
        "sensor? / asset?, category? / failure_mode?, category?",
        "not offered",
        "",
        "Catalogs are per asset here: iot.sensors, iot.assets, fmsr.get_failure_modes.",
    ),
    # ---- fmsr
    _c(
        "fmsr",
        "get_failure_modes",
        "asset_class",
        "same",
        "fmsr.get_failure_modes",
        "`asset_class` is accepted for `asset_name` (an asset type or an asset); "
        "the catalog is complete (`exhaustive: true`).",
    ),
    _c(
        "fmsr",
        "generate_failure_mode_sensor_mapping",
        "asset_class, failure_modes, sensors",
        "alias",
        "fmsr.get_failure_mode_sensor_mapping",
        "Deterministic relevance from the plant, not an LLM; adds `fm2sensor`, `sensor2fm`.",
    ),
    _c(
        "fmsr",
        "generate_failure_modes",
        "asset_class, max_modes?",
        "not offered",
        "",
        "The catalog here is complete: use get_failure_modes.",
    ),
    _c(
        "fmsr",
        "add_failure_modes",
        "asset_class, failure_modes, exhaustive?, source?",
        "not offered",
        "",
        "The failure-mode catalog is shared and read-only.",
    ),
    # ---- tsfm
    _c(
        "tsfm",
        "get_ai_tasks / get_tsfm_models / run_tsfm_forecasting / run_tsad",
        "dataset_path, ...",
        "same",
        "tsfm.*",
        "The earlier upstream TSFM surface; `dataset_path` is accepted for `dataset_id` "
        "(a dataset id from iot.history); aliases `forecasting`, "
        "`timeseries_anomaly_detection`.",
    ),
    _c(
        "tsfm",
        "list_tasks, discover_components, find_models, profile_series, run_recipe, ...",
        "dataset_path, recipe, ...",
        "not offered",
        "",
        "The recipe/catalog surface runs sktime models on file pointers; no files or "
        "model zoo here.",
    ),
    # ---- wo (14 upstream tools: 8 read, 6 write)
    _c(
        "wo",
        "list_workorders",
        "site_id?, status?, asset_num?, priority?, date_from?, date_to?, page_size?, page_num?",
        "same",
        "wo.list_workorders",
        "Pseudo-statuses OPEN / APPROVED_PENDING and `page_size=0` are not offered "
        "(one status; at most 500 per page).",
    ),
    _c("wo", "get_workorder", "wonum, site_id", "same", "wo.get_workorder", ""),
    _c(
        "wo",
        "get_workorder_kpis",
        "site_id, period_months?",
        "same",
        "wo.get_workorder_kpis",
        "Difference: without `period_months` the KPIs cover the whole history "
        "(upstream: 3 months).",
    ),
    _c(
        "wo",
        "get_workorder_tasks / get_workorder_costs / get_workorder_actuals_vs_planned",
        "wonum, site_id",
        "not offered",
        "",
        "The plant's work orders carry no task rows nor cost lines; costs are in "
        "get_workorder_kpis.",
    ),
    _c(
        "wo",
        "get_schedule_calendar / get_my_assigned_workorders",
        "site_id, date_from?, date_to?, group_by? / labor_code, site_id?, open_only?",
        "not offered",
        "",
        "No schedule or labor records in the plant.",
    ),
    _c(
        "wo",
        "generate_work_order",
        "description, asset_num, site_id, priority?, work_type?, reported_by?, location?, "
        "notes?, wonum?, aob_source?",
        "alias",
        "wo.create_workorder",
        "priority defaults to 3 as upstream; reported_by, location, notes, wonum, "
        "aob_source accepted and ignored (new orders are WO900001...).",
    ),
    _c(
        "wo",
        "update_workorder",
        "wonum, site_id, description?, priority?, location?, asset_num?, notes?, failure_code?",
        "same",
        "wo.update_workorder",
        "location, notes accepted and ignored; re-targeting (`asset_num`) is not offered.",
    ),
    _c("wo", "approve_workorder", "wonum, site_id", "same", "wo.approve_workorder", ""),
    _c(
        "wo",
        "assign_technician",
        "wonum, site_id, labor_code, craft?, start_date?, hours_planned?",
        "alias",
        "wo.assign_workorder",
        "`labor_code` is the assignee; craft, start_date, hours_planned ignored.",
    ),
    _c(
        "wo",
        "close_workorder",
        "wonum, site_id, actual_hours?, failure_code?, resolution_notes?",
        "same",
        "wo.close_workorder",
        "Difference: the order ends in CLOSE (upstream COMP); actual_hours ignored.",
    ),
    _c("wo", "cancel_workorder", "wonum, site_id, reason?", "same", "wo.cancel_workorder", ""),
)


_KEEP = {
    "iot.asset_ids": ("site_name",),
    "iot.measured_sensors": ("site_name", "asset_id"),
    "iot.installed_sensors": ("site_name", "asset_id"),
    "iot.get_asset_detail": ("site_name", "asset_id"),
    "iot.asset_detail": ("site_name", "asset_id"),
    "iot.find_assets_by_sensors": ("site_name",),
    "iot.stream_extent": ("site_name", "asset_id", "start"),
    "iot.sensor_stats": ("site_name", "asset_id", "start"),
    "iot.sensor_coverage": ("site_name", "asset_id"),
    "iot.latest_reading": ("site_name", "asset_id"),
    "utilities.current_time_english": (),
    "wo.assign_technician": ("wonum", "site_id"),
}
assert set(_KEEP) == set(UPSTREAM_TOOLS)


def canonical_step(tool: str, arguments: dict) -> tuple[str, dict]:
    """A call as an upstream agent writes it (qualified tool, arguments) as the
    canonical call, without the plant: for plan steps (planning track), which
    the service never sees. Names are mapped and arguments renamed as the
    service does; what only the plant can fill in (the first reading when
    ``start`` is left out, the newest reading's time) stays unset, and paging
    or ignored arguments are dropped. A canonical call comes back unchanged."""
    if not isinstance(arguments, dict):
        return tool, arguments
    if tool in UPSTREAM_TOOLS:
        target = UPSTREAM_TOOLS[tool][0]
        out = {k: arguments[k] for k in _KEEP[tool] if arguments.get(k) is not None}
        if target == "iot.history":
            if arguments.get("end") is not None and tool != "iot.latest_reading":
                out["final"] = arguments["end"]
            if arguments.get("sensor") is not None:
                out["sensors"] = [arguments["sensor"]]
        if tool == "wo.assign_technician" and arguments.get("labor_code") is not None:
            out["assignee"] = arguments["labor_code"]
        return target, out
    renames = UPSTREAM_ARGUMENTS.get(tool, {})
    if not set(arguments) & set(renames):
        return tool, arguments
    out = {}
    for key, value in arguments.items():
        if key not in renames:
            out[key] = value
        elif renames[key] is not None and key not in ("limit", "cursor"):
            out.setdefault(renames[key], value)
    return tool, out
