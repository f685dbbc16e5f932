"""Ground truth for templates: a thin, memoising view of the plant over
``services.assetdata.library`` (the same pure functions the tools call), so
an expected answer is exactly what a correct tool-using agent would see.
Telemetry values and forecasts are rounded the way the tools round them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from services.assetdata import catalog as C
from services.assetdata import library as L
from services.assetdata.plant import Plant

HISTORY_DECIMALS = 4  # iot.history rounds readings to 4 decimals
FORECAST_DECIMALS = 3  # tsfm.run_tsfm_forecasting rounds to 3 decimals

KPI_LABELS: dict[str, str] = {
    "mttr_hours": "mean time to repair in hours (MTTR, corrective work orders)",
    "mean_response_hours": "mean response time in hours (reported to started, corrective)",
    "pm_ratio": "preventive-maintenance ratio PM / (PM + CM)",
    "pm_on_time_rate": "on-time rate of preventive work orders",
    "mtbf_days": "mean time between failures in days (MTBF)",
    "total_cost": "total maintenance cost (USD)",
    "labor_hours": "total labor hours",
}


@dataclass(frozen=True)
class FailureMode:
    code: str
    name: str
    failure_code: str
    component: str
    asset_type: str


class PlantContext:
    def __init__(self, plant: Plant) -> None:
        self.plant = plant
        # Per-instance memo (bound methods cannot share an lru_cache safely).
        self._memo: dict[tuple[Any, ...], Any] = {}

    def cached(self, key: tuple[Any, ...], fn: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    # ---- structure ----------------------------------------------------------
    def sites(self) -> list[str]:
        return L.site_names(self.plant)

    def assets(self, site: str | None = None, asset_type: str | None = None) -> list[C.AssetSpec]:
        return [
            a
            for a in self.plant.assets
            if (site is None or a.site == site)
            and (asset_type is None or a.asset_type == asset_type)
        ]

    def asset(self, name: str) -> C.AssetSpec:
        return L.find_asset(self.plant, name)

    def sensors(self, asset_name: str) -> list[str]:
        return self.cached(
            ("sensors", asset_name),
            lambda: [s["name"] for s in L.sensors(self.plant, self.asset(asset_name))],
        )

    def half_resolution(self, sensor: str) -> float:
        """Half the display resolution of a sensor (its catalog decimals):
        the absolute tolerance of numeric answers about it."""
        asset = next(a for a in self.plant.assets if sensor.startswith(a.name + " "))
        kind = sensor[len(asset.name) + 1 :]
        spec = next(k for k in C.SENSOR_KINDS[asset.asset_type] if k.kind == kind)
        return 0.5 * 10.0 ** (-spec.decimals)

    def asset_record(self, asset_name: str) -> dict[str, Any]:
        return L.asset_info(self.plant, self.asset(asset_name))

    # ---- time ---------------------------------------------------------------
    def telemetry_days(self) -> list[date]:
        start = self.plant.start.astype("datetime64[D]").item()
        end = self.plant.end.astype("datetime64[D]").item()
        return [start + timedelta(days=i) for i in range((end - start).days)]

    def week_starts(self) -> list[date]:
        days = self.telemetry_days()
        return [d for d in days if d.weekday() == 0 and d + timedelta(days=7) <= days[-1]]

    def workorder_years(self) -> list[int]:
        first = C.WORKORDER_START.year
        return list(range(first, self.plant.now.year + 1))

    def event_months(self) -> list[tuple[int, int]]:
        """Months covered by telemetry (alerts and anomaly events exist there)."""
        return sorted({(d.year, d.month) for d in self.telemetry_days()})

    def recent_month_starts(self) -> list[str]:
        now = self.plant.now
        out = []
        for back in range(1, 7):
            y, m = now.year, now.month - back
            while m < 1:
                y, m = y - 1, m + 12
            out.append(f"{y}-{m:02d}-01")
        return out

    # ---- telemetry ----------------------------------------------------------
    def readings(
        self, asset_name: str, sensor: str, start: str, final: str
    ) -> tuple[list[str], list[float]]:
        times, values = L.series(self.plant, self.asset(asset_name), sensor, start, final)
        ok = np.isfinite(values)
        return (
            L.iso_many(times[ok]),
            [round(float(v), HISTORY_DECIMALS) for v in values[ok]],
        )

    def daily_means(self, asset_name: str, sensor: str, start: str, final: str) -> dict[str, float]:
        times, values = L.series(
            self.plant, self.asset(asset_name), sensor, start, final, aggregation="daily"
        )
        return {
            t[:10]: round(float(v), HISTORY_DECIMALS)
            for t, v in zip(L.iso_many(times), values, strict=True)
            if np.isfinite(v)
        }

    # ---- failure modes ------------------------------------------------------
    def failure_modes(self, asset_or_type: str) -> list[FailureMode]:
        return self.cached(
            ("fms", asset_or_type),
            lambda: [
                FailureMode(
                    r["code"], r["name"], r["failure_code"], r["component"], r["asset_type"]
                )
                for r in L.failure_modes(self.plant, asset_or_type)
            ],
        )

    def failure_mode(self, code: str) -> FailureMode:
        spec = next(f for f in C.FAILURE_MODES if f.code == code)
        return FailureMode(spec.code, spec.name, spec.failure_code, spec.component, spec.asset_type)

    def sensor_relevance(self, asset_name: str, fm_name: str) -> dict[str, float]:
        pairs = L.fm_sensor_relevance(self.plant, asset_name, failure_modes=[fm_name])
        return {p["sensor"]: p["relevance"] for p in pairs}

    def modes_for_sensor(self, asset_name: str, sensor: str) -> list[str]:
        pairs = L.fm_sensor_relevance(self.plant, asset_name, sensors=[sensor])
        return list(dict.fromkeys(p["failure_mode_name"] for p in pairs))

    # ---- analytics ----------------------------------------------------------
    def tsfm_models(self) -> list[dict[str, Any]]:
        return [dict(m) for m in C.TSFM_MODELS]

    def ad_models(self) -> list[str]:
        return list(C.AD_MODELS)

    def forecast(
        self,
        asset_name: str,
        sensor: str,
        start: str,
        final: str,
        horizon: int,
        model: str | None = None,
    ) -> list[float] | None:
        try:
            _, fc = L.forecast_series(
                self.plant,
                self.asset(asset_name),
                sensor,
                start,
                final,
                horizon,
                model=model or "holt_winters_additive",
            )
        except L.LibraryError:
            return None
        vals = [float(v) for v in fc.mean]
        if not all(np.isfinite(vals)):
            return None
        return [round(v, FORECAST_DECIMALS) for v in vals]

    def anomalies(
        self,
        asset_name: str,
        sensor: str,
        start: str,
        final: str,
        false_alarm: float = 0.01,
        model: str | None = None,
    ) -> list[dict[str, Any]] | None:
        try:
            times, _, det = L.detect_series(
                self.plant,
                self.asset(asset_name),
                sensor,
                start,
                final,
                false_alarm=false_alarm,
                method=model or "conformal_residual",
            )
        except L.LibraryError:
            return None
        stamps = L.iso_many(times)
        return [{"start": stamps[w["start_index"]], "points": w["points"]} for w in det.windows]

    # ---- records ------------------------------------------------------------
    def episodes(self) -> list[dict[str, Any]]:
        return L.episodes(self.plant)

    def episode(self, episode_id: str) -> dict[str, Any]:
        return next(e for e in self.plant.episodes if e["episode_id"] == episode_id)

    def workorders(self, **args: Any) -> list[dict[str, Any]]:
        if "site_id" in args:
            args["site"] = args.pop("site_id")
        return L.workorders(self.plant, **args)

    def workorder(self, wonum: str) -> dict[str, Any]:
        return L.workorder(self.plant, wonum)

    def sample_wonums(self, n: int) -> list[str]:
        wos = self.plant.workorders
        stride = max(1, len(wos) // n)
        return [w["wonum"] for w in wos[::stride]]

    def open_statuses(self) -> list[str]:
        return ["WAPPR", "APPR", "INPRG"]

    def failure_code_distribution(self, **args: Any) -> dict[str, int]:
        if "site_id" in args:
            args["site"] = args.pop("site_id")
        rows = L.failure_code_distribution(self.plant, **args)
        return {r["failure_code"]: r["count"] for r in rows}

    def event_counts(self, equipment_id: str, date_from: str, date_to: str) -> dict[str, int]:
        counts = {t: 0 for t in L.EVENT_TYPES}
        for e in L.events(self.plant, equipment_id, date_from, date_to):
            counts[e["event_type"]] += 1
        return counts

    def alert_rules(self, equipment_id: str) -> list[dict[str, Any]]:
        return L.alert_rules(self.plant, equipment_id)

    def kpi_names(self) -> list[str]:
        return list(KPI_LABELS)

    def kpi_label(self, name: str) -> str:
        return KPI_LABELS[name]

    def kpi_value(self, name: str, **args: Any) -> float | None:
        site = args.pop("site_id")
        k = L.workorder_kpis(self.plant, site, **args)
        v = k.get(name)
        return None if v is None else float(v)
