"""The tool catalog: qualified names and argument models of every tool the
asset-data service exposes (REST ``POST /{family}/{tool}`` with the
arguments as JSON body, and MCP tools of the same name on the family's MCP
server). Names and arguments follow AssetOpsBench's MCP servers where they
overlap so agents written for that benchmark transfer.

Conventions:
- ``asset_id`` is the asset's name as listed by iot.assets ("Chiller 6",
  "CQPA AHU 1"); ``asset_num`` / ``equipment_id`` is the equipment id
  ("CWC04006"). Tools that take one accept only that one.
- Timestamps are ISO 8601 (``2020-06-01T00:00:00``), naive, plant local time.
- Bulk results carry a ``dataset_id`` that TSFM tools and
  utilities.json_reader accept (upstream passes file paths instead).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Page numbers are echoed in responses: bounded so that a huge one is a 422,
# not a response that cannot be serialised (found by the OpenAPI fuzz test).
MAX_PAGE = 2**31 - 1


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- iot -------------------------------------------------------------------
class SitesArgs(_Args):
    pass


class AssetsArgs(_Args):
    site_name: str
    asset_type: Literal["chiller", "ahu"] | None = None


class SensorsArgs(_Args):
    site_name: str
    asset_id: str


class GetAssetArgs(_Args):
    site_name: str
    asset_id: str


class HistoryArgs(_Args):
    site_name: str
    asset_id: str
    start: str
    final: str | None = None  # exclusive end; default start + 1 day
    sensors: list[str] | None = None  # default: all sensors of the asset
    aggregation: Literal["none", "hourly", "daily"] = "none"
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=500, ge=1, le=5000)


# ---- utilities ---------------------------------------------------------------
class CurrentDateTimeArgs(_Args):
    pass


class JsonReaderArgs(_Args):
    file_name: str  # a dataset_id
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=5000, ge=1, le=5000)


# Text bounds of the ask-operator and work-order write tools. They are checked
# by the tools (422 with a stable code), so the schema only documents them.
MAX_QUESTION_CHARS = 500
MAX_DESCRIPTION_CHARS = 500
MAX_NOTE_CHARS = 500  # resolution notes, cancel reasons
MAX_ASSIGNEE_CHARS = 100


def _text(lo: int, hi: int, description: str) -> dict:
    return {"json_schema_extra": {"minLength": lo, "maxLength": hi}, "description": description}


class AskOperatorArgs(_Args):
    """Ask the operator who wrote the task what they meant (issue 17). A question
    that names what is ambiguous (which asset, sensor, window, unit, work order, or
    a candidate) gets the specific answer; a vague one gets a vague answer; on a
    task that is clear as stated the answer says so (and asking costs credit)."""

    question: str = Field(**_text(1, MAX_QUESTION_CHARS, "the question, 1-500 characters"))


# ---- fmsr ------------------------------------------------------------------
class GetFailureModesArgs(_Args):
    asset_name: str  # an asset ("Chiller 6") or an asset type ("chiller", "ahu")


class FailureModeSensorMappingArgs(_Args):
    asset_name: str
    failure_modes: list[str] | None = None  # codes or names; default all
    sensors: list[str] | None = None  # default all sensors of the asset/type


# ---- tsfm ------------------------------------------------------------------
class GetAiTasksArgs(_Args):
    pass


class GetTsfmModelsArgs(_Args):
    pass


class ForecastingArgs(_Args):
    dataset_id: str
    target_columns: list[str]
    forecast_horizon: int = Field(default=96, ge=1, le=2880)  # steps of the dataset cadence
    timestamp_column: str = "timestamp"
    model_checkpoint: str | None = None


class TsadArgs(_Args):
    dataset_id: str
    target_columns: list[str]
    timestamp_column: str = "timestamp"
    false_alarm: float = Field(default=0.01, gt=0, lt=0.5)
    ad_model_type: str | None = None


# ---- wo --------------------------------------------------------------------
class ListWorkordersArgs(_Args):
    site_id: str | None = None
    asset_num: str | None = None
    status: str | None = None
    priority: int | None = None
    work_type: Literal["PM", "CM"] | None = None
    failure_code: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    page_size: int = Field(default=50, ge=1, le=500)
    page_num: int = Field(default=1, ge=1, le=MAX_PAGE)


class GetWorkorderArgs(_Args):
    wonum: str
    site_id: str | None = None  # upstream passes it; must match the work order's site


class ListEventsArgs(_Args):
    equipment_id: str
    date_from: str | None = None
    date_to: str | None = None
    event_type: Literal["alert", "anomaly", "workorder"] | None = None
    page_size: int = Field(default=100, ge=1, le=1000)
    page_num: int = Field(default=1, ge=1, le=MAX_PAGE)


class ListAlertRulesArgs(_Args):
    equipment_id: str | None = None


class WorkorderKpisArgs(_Args):
    site_id: str
    asset_num: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    period_months: int | None = Field(default=None, ge=1, le=120)  # upstream: last N months


class FailureCodeDistributionArgs(_Args):
    site_id: str | None = None
    asset_num: str | None = None
    date_from: str | None = None
    date_to: str | None = None


class GetFailureCodesArgs(_Args):
    """The failure-code catalog (the codes work orders carry), as upstream's get_failure_codes."""

    code: str | None = None  # one code, case-insensitive; default all


# ---- wo writes (issue 17) ------------------------------------------------------
# Modelled on the upstream work-order server (generate_work_order,
# update_workorder, approve_workorder, assign_technician, close_workorder,
# cancel_workorder). Writes are per run: they live in the run's own overlay,
# never in the shared plant, and only that run's reads see them.
class CreateWorkorderArgs(_Args):
    """Create a work order (status WAPPR) on one asset. Give the asset as
    ``asset_num`` (equipment id; a name or alias is accepted too) or
    ``asset_name``."""

    asset_num: str | None = None
    asset_name: str | None = None
    site_id: str | None = None  # optional; must be the asset's site when given
    priority: int = Field(
        json_schema_extra={"minimum": 1, "maximum": 5}, description="1 (highest) .. 5"
    )
    work_type: Literal["CM", "PM"] = "CM"
    failure_code: str | None = None  # from the catalog (wo.get_failure_codes)
    description: str = Field(**_text(1, MAX_DESCRIPTION_CHARS, "what is to be done and why"))


class UpdateWorkorderArgs(_Args):
    """Change priority, failure code and/or description of an open work order."""

    wonum: str
    site_id: str | None = None
    priority: int | None = Field(
        default=None, json_schema_extra={"minimum": 1, "maximum": 5}, description="1 .. 5"
    )
    failure_code: str | None = None
    description: str | None = Field(
        default=None, **_text(1, MAX_DESCRIPTION_CHARS, "replaces the description")
    )


class AssignWorkorderArgs(_Args):
    """Assign an open work order to a technician or crew (status unchanged)."""

    wonum: str
    assignee: str = Field(**_text(1, MAX_ASSIGNEE_CHARS, "technician or crew"))
    site_id: str | None = None


class ApproveWorkorderArgs(_Args):
    """Approve a work order waiting for approval (WAPPR -> APPR)."""

    wonum: str
    site_id: str | None = None


class CloseWorkorderArgs(_Args):
    """Close an approved, in-progress or completed work order (-> CLOSE)."""

    wonum: str
    site_id: str | None = None
    resolution_notes: str | None = Field(default=None, **_text(1, MAX_NOTE_CHARS, "what was done"))
    failure_code: str | None = None  # the failure code found, if any


class CancelWorkorderArgs(_Args):
    """Cancel an open work order (WAPPR, APPR or INPRG -> CAN)."""

    wonum: str
    site_id: str | None = None
    reason: str | None = Field(default=None, **_text(1, MAX_NOTE_CHARS, "why it is cancelled"))


TOOL_ARGS: dict[str, type[_Args]] = {
    "iot.sites": SitesArgs,
    "iot.assets": AssetsArgs,
    "iot.sensors": SensorsArgs,
    "iot.get_asset": GetAssetArgs,
    "iot.history": HistoryArgs,
    "utilities.current_date_time": CurrentDateTimeArgs,
    "utilities.json_reader": JsonReaderArgs,
    "utilities.ask_operator": AskOperatorArgs,
    "fmsr.get_failure_modes": GetFailureModesArgs,
    "fmsr.get_failure_mode_sensor_mapping": FailureModeSensorMappingArgs,
    "tsfm.get_ai_tasks": GetAiTasksArgs,
    "tsfm.get_tsfm_models": GetTsfmModelsArgs,
    "tsfm.run_tsfm_forecasting": ForecastingArgs,
    "tsfm.run_tsad": TsadArgs,
    "wo.list_workorders": ListWorkordersArgs,
    "wo.get_workorder": GetWorkorderArgs,
    "wo.list_events": ListEventsArgs,
    "wo.list_alert_rules": ListAlertRulesArgs,
    "wo.get_workorder_kpis": WorkorderKpisArgs,
    "wo.get_failure_code_distribution": FailureCodeDistributionArgs,
    "wo.get_failure_codes": GetFailureCodesArgs,
    "wo.create_workorder": CreateWorkorderArgs,
    "wo.update_workorder": UpdateWorkorderArgs,
    "wo.assign_workorder": AssignWorkorderArgs,
    "wo.approve_workorder": ApproveWorkorderArgs,
    "wo.close_workorder": CloseWorkorderArgs,
    "wo.cancel_workorder": CancelWorkorderArgs,
}

# The work-order tools that change state (per run; see WO_WRITE_TOOLS users in
# services.assetdata.workorder_writes and the evaluator's action checks).
WO_WRITE_TOOLS: frozenset[str] = frozenset(
    {
        "wo.create_workorder",
        "wo.update_workorder",
        "wo.assign_workorder",
        "wo.approve_workorder",
        "wo.close_workorder",
        "wo.cancel_workorder",
    }
)

# AssetOpsBench names accepted as aliases (MCP and REST), mapped to ours.
TOOL_ALIASES: dict[str, str] = {
    "fmsr.generate_failure_mode_sensor_mapping": "fmsr.get_failure_mode_sensor_mapping",
    "tsfm.timeseries_anomaly_detection": "tsfm.run_tsad",
    "tsfm.forecasting": "tsfm.run_tsfm_forecasting",
    "wo.generate_work_order": "wo.create_workorder",
}


def family_of(tool: str) -> str:
    return tool.split(".", 1)[0]


# AssetOpsBench's current names (issue 20, contracts.upstream): each upstream
# tool this service has under another name is an alias of its canonical tool
# (with its own upstream argument model, translated by the service).
from contracts.upstream import UPSTREAM_TOOLS  # noqa: E402

TOOL_ALIASES.update({alias: target for alias, (target, _model) in UPSTREAM_TOOLS.items()})
