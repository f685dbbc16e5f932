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
- ``conformance()``: every upstream tool and what this service does with it
  (data: ``contracts/data/upstream_conformance.yaml``, rendered into
  docs/tools-reference.md).

The tool log always records the canonical tool and canonical arguments, so
an upstream-style call scores exactly as the canonical call it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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


CONFORMANCE_FILE = Path(__file__).resolve().parent / "data" / "upstream_conformance.yaml"
STATUSES = ("same", "alias", "not offered")


@lru_cache(maxsize=1)
def conformance() -> tuple[Conformance, ...]:
    """The conformance table (data/upstream_conformance.yaml), read on first
    use: only the docs generator and the compatibility tests need it."""
    import yaml

    raw = yaml.safe_load(CONFORMANCE_FILE.read_text(encoding="utf-8"))
    rows = tuple(
        Conformance(family=family, **row) for family, tools in raw.items() for row in tools
    )
    bad = [f"{r.family}.{r.tool}: {r.status!r}" for r in rows if r.status not in STATUSES]
    if bad:
        raise ValueError(f"{CONFORMANCE_FILE.name}: unknown status in {', '.join(bad)}")
    return rows


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
