"""Derived indicators over one asset's telemetry matrix (shared by the
generator's alert rules and anomaly monitor and by ``library``, so ground
truth uses the same arithmetic as the data)."""

from __future__ import annotations

import numpy as np

from services.assetdata import catalog as C


def column(asset: C.AssetSpec, kind: str) -> int:
    for j, k in enumerate(C.SENSOR_KINDS[asset.asset_type]):
        if k.kind == kind:
            return j
    raise KeyError(kind)


def running_mask(asset: C.AssetSpec, data: np.ndarray) -> np.ndarray:
    """True where the asset is observably running (chillers: power above
    standby; AHUs: fan speed above 5 %)."""
    with np.errstate(invalid="ignore"):
        if asset.asset_type == "chiller":
            return data[:, column(asset, "Power Input")] > 0.03 * float(asset.capacity)
        return data[:, column(asset, "Supply Fan Speed")] > 5.0


def design_value(asset: C.AssetSpec, key: str) -> float:
    """Design values indicators are normalised by (so 1.0 means 'as designed')."""
    cap = float(asset.capacity)
    return {
        "cond_flow": 3.0 * cap,  # gpm
        "chw_flow": 2.4 * cap,  # gpm
        "tons_per_pct": cap / 100.0,  # tons per % loaded
        "cfm_per_pct": cap / 100.0,  # cfm per % fan speed
        "fan_kw_per_speed3": cap / 1000.0 / 100.0**3,  # kW per (% speed)^3
    }[key]


def _col(asset: C.AssetSpec, data: np.ndarray, kind: str) -> np.ndarray:
    return data[:, column(asset, kind)].astype(np.float64)


def indicator_values(
    asset: C.AssetSpec, data: np.ndarray, name: str, site_oat_ref: np.ndarray | None = None
) -> np.ndarray:
    """The indicator as float64 (NaN where inputs are missing).

    ``site_oat_ref`` is only used by ``oat_vs_site``: the mean outside-air
    reading of the site's other AHUs at each step."""
    ind = C.INDICATORS[name]
    if name == "run_status_mismatch":
        run = _col(asset, data, "Run Status")
        power = _col(asset, data, "Power Input")
        with np.errstate(invalid="ignore"):
            x = ((power > 0.03 * float(asset.capacity)) & (run < 0.5)).astype(np.float64)
        x[~np.isfinite(run) | ~np.isfinite(power)] = np.nan
        return x
    if name == "mixed_air_balance":
        d = _col(asset, data, "Outside Air Damper Position") / 100.0
        expected = d * _col(asset, data, "Outside Air Temperature") + (1 - d) * _col(
            asset, data, "Return Air Temperature"
        )
        return _col(asset, data, "Mixed Air Temperature") - expected
    if name == "damper_vs_economizer":
        return _col(asset, data, "Outside Air Damper Position") - economizer_position(asset, data)
    x = _col(asset, data, ind.plus)
    if ind.minus is not None:
        x = x - _col(asset, data, ind.minus)
    if ind.ratio_of is not None:
        d = _col(asset, data, ind.ratio_of) ** ind.power
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(d > 0, x / np.where(d > 0, d, 1.0), np.nan)
    if ind.design is not None:
        x = x / design_value(asset, ind.design)
    if name == "oat_vs_site":
        x = x - site_oat_ref if site_oat_ref is not None else np.full_like(x, np.nan)
    return x


def economizer_position(asset: C.AssetSpec, data: np.ndarray) -> np.ndarray:
    """The damper position (%) the AHU's economizer sequence asks for, from
    the measured outside, return and setpoint temperatures."""
    oat = _col(asset, data, "Outside Air Temperature")
    rat = _col(asset, data, "Return Air Temperature")
    target = _col(asset, data, "Supply Air Temperature Setpoint") - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        econ = np.clip((rat - target) / np.maximum(rat - oat, 1e-3), 0.2, 1.0)
    return 100.0 * np.where(oat < 55.0, econ, np.where(oat < 65.0, 1.0, 0.2))
