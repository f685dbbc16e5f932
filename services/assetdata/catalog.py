"""Static definition of the simulated plant: sites, assets, sensors, failure
modes (exactly 53), failure codes, alert rules and preventive-maintenance
tasks. Pure data; the generator turns it into telemetry and records.

Names follow the AssetOpsBench plant (site ``MAIN``, ``Chiller 6``,
``CQPA AHU 1``, sensors ``Chiller 6 Tonnage`` ...). Sensor *kinds* are the
asset-independent part of a sensor name (``Tonnage``); a sensor's full name
is ``f"{asset} {kind}"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# ---- simulated world clock ---------------------------------------------------
TELEMETRY_START = datetime(2019, 7, 1)  # first 15-minute step
NOW = datetime(2020, 7, 1)  # the fixed "now"; telemetry ends here (exclusive)
WORKORDER_START = datetime(2017, 1, 1)  # work-order history starts here
STEP_MINUTES = 15
DEFAULT_SEED = 20200601


@dataclass(frozen=True)
class SensorKind:
    kind: str  # e.g. "Tonnage"
    unit: str
    decimals: int  # telemetry is rounded to this many decimals
    noise: float  # measurement noise (std, in unit)
    description: str


CHILLER_SENSORS: tuple[SensorKind, ...] = (
    SensorKind("Supply Temperature", "degF", 1, 0.12, "chilled water leaving the evaporator"),
    SensorKind("Return Temperature", "degF", 1, 0.12, "chilled water entering the evaporator"),
    SensorKind("Setpoint Temperature", "degF", 1, 0.0, "chilled water supply setpoint"),
    SensorKind("Tonnage", "tons", 1, 2.0, "cooling delivered (flow x delta-T / 24)"),
    SensorKind("Chiller % Loaded", "%", 1, 0.6, "compressor load relative to capacity"),
    SensorKind("Power Input", "kW", 1, 1.5, "compressor electrical power"),
    SensorKind("Chiller Efficiency", "kW/ton", 3, 0.004, "power input per ton of cooling"),
    SensorKind("Chilled Water Flow", "gpm", 0, 8.0, "evaporator water flow"),
    SensorKind("Condenser Water Flow", "gpm", 0, 10.0, "condenser water flow"),
    SensorKind(
        "Condenser Water Supply To Chiller Temperature",
        "degF",
        1,
        0.12,
        "condenser water entering from the cooling tower",
    ),
    SensorKind(
        "Condenser Water Return To Tower Temperature",
        "degF",
        1,
        0.12,
        "condenser water leaving to the cooling tower",
    ),
    SensorKind(
        "Liquid Refrigerant Evaporator Temperature",
        "degF",
        1,
        0.15,
        "saturated refrigerant temperature in the evaporator",
    ),
    SensorKind(
        "Liquid Refrigerant Condenser Temperature",
        "degF",
        1,
        0.15,
        "saturated refrigerant temperature in the condenser",
    ),
    SensorKind(
        "Compressor Discharge Temperature", "degF", 1, 0.3, "refrigerant gas leaving the compressor"
    ),
    SensorKind("Run Status", "binary", 0, 0.0, "1 when the compressor runs"),
    SensorKind("Schedule", "binary", 0, 0.0, "1 when the chiller is scheduled on"),
)

AHU_SENSORS: tuple[SensorKind, ...] = (
    SensorKind("Supply Air Temperature", "degF", 1, 0.15, "air leaving the cooling coil"),
    SensorKind("Supply Air Temperature Setpoint", "degF", 1, 0.0, "supply air setpoint"),
    SensorKind("Return Air Temperature", "degF", 1, 0.15, "air returning from the zones"),
    SensorKind("Mixed Air Temperature", "degF", 1, 0.2, "outside + return air before the coil"),
    SensorKind("Outside Air Temperature", "degF", 1, 0.2, "outside air at the intake"),
    SensorKind("Outside Air Damper Position", "%", 1, 0.3, "outside-air damper command"),
    SensorKind("Chilled Water Valve Position", "%", 1, 0.5, "cooling-coil valve command"),
    SensorKind("Supply Fan Speed", "%", 1, 0.4, "supply fan VFD speed"),
    SensorKind("Supply Fan Power", "kW", 2, 0.15, "supply fan electrical power"),
    SensorKind("Supply Air Static Pressure", "inWC", 2, 0.02, "duct static pressure"),
    SensorKind("Supply Air Flow", "cfm", 0, 150.0, "supply airflow"),
    SensorKind("Filter Differential Pressure", "inWC", 2, 0.01, "pressure drop across the filters"),
    SensorKind("Supply Fan Status", "binary", 0, 0.0, "1 when the supply fan runs"),
)

SENSOR_KINDS: dict[str, tuple[SensorKind, ...]] = {"chiller": CHILLER_SENSORS, "ahu": AHU_SENSORS}


@dataclass(frozen=True)
class AssetSpec:
    name: str
    equipment_id: str
    site: str
    asset_type: str  # "chiller" | "ahu"
    capacity: float  # tons (chiller) or design cfm (ahu)
    manufacturer: str
    model: str
    install_date: str
    location: str
    always_on: bool = True  # chillers serving 24/7 process load
    setpoint: float = 44.0


SITES: dict[str, dict[str, object]] = {
    "MAIN": {"description": "Main campus central plant", "mean_temp": 54.0, "amplitude": 21.0},
    "ANNEX": {"description": "Annex research building plant", "mean_temp": 57.0, "amplitude": 19.0},
}

ASSETS: tuple[AssetSpec, ...] = (
    AssetSpec(
        "Chiller 3",
        "CWC04003",
        "MAIN",
        "chiller",
        500,
        "Trane",
        "CVHF 500",
        "2004-05-12",
        "Central Plant B1",
        always_on=False,
    ),
    AssetSpec(
        "Chiller 4",
        "CWC04004",
        "MAIN",
        "chiller",
        650,
        "Trane",
        "CVHF 650",
        "2006-03-20",
        "Central Plant B1",
    ),
    AssetSpec(
        "Chiller 6",
        "CWC04006",
        "MAIN",
        "chiller",
        800,
        "York",
        "YK 800",
        "2009-08-03",
        "Central Plant B1",
    ),
    AssetSpec(
        "Chiller 9",
        "CWC04009",
        "MAIN",
        "chiller",
        1000,
        "Carrier",
        "19XR 1000",
        "2014-06-17",
        "Central Plant B2",
        setpoint=42.0,
    ),
    AssetSpec(
        "CQPA AHU 1",
        "AHU05001",
        "MAIN",
        "ahu",
        24000,
        "Trane",
        "M-Series 24k",
        "2008-09-01",
        "Building CQPA roof",
    ),
    AssetSpec(
        "CQPA AHU 2B",
        "AHU05002",
        "MAIN",
        "ahu",
        18000,
        "Trane",
        "M-Series 18k",
        "2008-09-01",
        "Building CQPA level 2",
    ),
    AssetSpec(
        "CQPA AHU 3",
        "AHU05003",
        "MAIN",
        "ahu",
        30000,
        "Carrier",
        "39M 30k",
        "2012-04-15",
        "Building CQPA roof",
    ),
    AssetSpec(
        "Chiller 13",
        "CWC04013",
        "ANNEX",
        "chiller",
        450,
        "Carrier",
        "19XR 450",
        "2011-10-10",
        "Annex plant room",
    ),
    AssetSpec(
        "Chiller 14",
        "CWC04014",
        "ANNEX",
        "chiller",
        450,
        "Carrier",
        "19XR 450",
        "2011-10-10",
        "Annex plant room",
        always_on=False,
    ),
    AssetSpec(
        "CQPB AHU 1",
        "AHU06001",
        "ANNEX",
        "ahu",
        20000,
        "Daikin",
        "Vision 20k",
        "2011-10-10",
        "Annex roof",
    ),
    AssetSpec(
        "CQPB AHU 2",
        "AHU06002",
        "ANNEX",
        "ahu",
        16000,
        "Daikin",
        "Vision 16k",
        "2011-10-10",
        "Annex roof",
    ),
)

# ---- failure codes (primary codes, Maximo style) ------------------------------
FAILURE_CODES: dict[str, str] = {
    "MT001": "Refrigerant circuit",
    "MT002": "Compressor mechanical",
    "MT003": "Condenser and heat rejection",
    "MT004": "Evaporator and chilled-water side",
    "MT005": "Chiller controls and instrumentation",
    "MT006": "Electrical, motor and drive",
    "MT007": "Lubrication system",
    "MT010": "Air filtration",
    "MT011": "Fan, drive and ductwork",
    "MT012": "Dampers and economizer",
    "MT013": "Cooling coil and valves",
    "MT014": "AHU sensors",
    "MT015": "AHU control sequences",
}


S_SUP, S_RET, S_SP = "Supply Temperature", "Return Temperature", "Setpoint Temperature"
S_TON, S_LOAD, S_PWR = "Tonnage", "Chiller % Loaded", "Power Input"
S_EFF, S_CHWF, S_CWF = "Chiller Efficiency", "Chilled Water Flow", "Condenser Water Flow"
S_CWS = "Condenser Water Supply To Chiller Temperature"
S_CWR = "Condenser Water Return To Tower Temperature"
S_EVR, S_CDR = (
    "Liquid Refrigerant Evaporator Temperature",
    "Liquid Refrigerant Condenser Temperature",
)
S_DIS, S_RUN, S_SCH = "Compressor Discharge Temperature", "Run Status", "Schedule"

A_SAT, A_SATSP, A_RAT = (
    "Supply Air Temperature",
    "Supply Air Temperature Setpoint",
    "Return Air Temperature",
)
A_MAT, A_OAT, A_DMP = (
    "Mixed Air Temperature",
    "Outside Air Temperature",
    "Outside Air Damper Position",
)
A_VLV, A_SPD, A_PWR = "Chilled Water Valve Position", "Supply Fan Speed", "Supply Fan Power"
A_STP, A_FLW, A_FDP = (
    "Supply Air Static Pressure",
    "Supply Air Flow",
    "Filter Differential Pressure",
)
A_STS = "Supply Fan Status"


# ---- indicators: derived features a failure mode moves -----------------------
# name -> (asset type, expression over sensor kinds, mask: evaluate only while running)
@dataclass(frozen=True)
class Indicator:
    name: str
    asset_type: str
    plus: str  # sensor kind
    minus: str | None = None  # optional sensor kind subtracted
    ratio_of: str | None = None  # optional sensor kind divided by: plus / ratio_of**power
    power: float = 1.0
    running_only: bool = True
    baseline: bool = True  # False: binary status, change judged against min_change alone
    min_change: float = 0.1  # smallest change that matters (also the noise floor)
    design: str | None = None  # normalise by a design value of the asset (see indicators.py)
    description: str = ""


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator(
            "condenser_approach",
            "chiller",
            S_CDR,
            minus=S_CWR,
            min_change=0.5,
            description="condensing refrigerant minus leaving condenser water (degF)",
        ),
        Indicator(
            "evaporator_approach",
            "chiller",
            S_SUP,
            minus=S_EVR,
            min_change=0.5,
            description="leaving chilled water minus evaporating refrigerant (degF)",
        ),
        Indicator(
            "supply_deviation",
            "chiller",
            S_SUP,
            minus=S_SP,
            min_change=0.5,
            description="chilled water supply minus setpoint (degF)",
        ),
        Indicator(
            "discharge_superheat",
            "chiller",
            S_DIS,
            minus=S_CDR,
            min_change=2.0,
            description="discharge gas minus condensing temperature (degF)",
        ),
        Indicator(
            "condenser_flow",
            "chiller",
            S_CWF,
            min_change=0.05,
            design="cond_flow",
            description="condenser water flow as a fraction of design (3 gpm/ton)",
        ),
        Indicator(
            "chilled_water_flow",
            "chiller",
            S_CHWF,
            min_change=0.05,
            design="chw_flow",
            description="chilled water flow as a fraction of design (2.4 gpm/ton)",
        ),
        Indicator(
            "condenser_supply",
            "chiller",
            S_CWS,
            min_change=2.0,
            description="condenser water entering from the tower (degF)",
        ),
        Indicator("efficiency", "chiller", S_EFF, min_change=0.03, description="kW per ton"),
        Indicator("setpoint", "chiller", S_SP, min_change=0.5, description="setpoint (degF)"),
        Indicator(
            "condenser_return",
            "chiller",
            S_CWR,
            min_change=2.0,
            description="condenser water leaving to the tower (degF)",
        ),
        Indicator(
            "tonnage_per_load",
            "chiller",
            S_TON,
            ratio_of=S_LOAD,
            min_change=0.05,
            design="tons_per_pct",
            description="tonnage per % loaded as a fraction of capacity/100",
        ),
        Indicator("load", "chiller", S_LOAD, min_change=5.0, description="% loaded"),
        Indicator(
            "run_status_mismatch",
            "chiller",
            S_RUN,
            running_only=False,
            baseline=False,
            min_change=0.1,
            description="1 where the chiller draws running power but Run Status reads 0",
        ),
        Indicator(
            "run_status",
            "chiller",
            S_RUN,
            running_only=False,
            baseline=False,
            min_change=0.1,
            description="fraction of time running",
        ),
        Indicator(
            "schedule",
            "chiller",
            S_SCH,
            running_only=False,
            baseline=False,
            min_change=0.1,
            description="fraction of time scheduled",
        ),
        Indicator("filter_dp", "ahu", A_FDP, min_change=0.1, description="inWC"),
        Indicator(
            "flow_per_speed",
            "ahu",
            A_FLW,
            ratio_of=A_SPD,
            min_change=0.05,
            design="cfm_per_pct",
            description="airflow per % fan speed as a fraction of design",
        ),
        Indicator(
            "fan_power",
            "ahu",
            A_PWR,
            ratio_of=A_SPD,
            power=3.0,
            min_change=0.05,
            design="fan_kw_per_speed3",
            description="fan power per cube of speed as a fraction of design",
        ),
        Indicator("fan_speed", "ahu", A_SPD, min_change=5.0, description="% speed"),
        Indicator("damper", "ahu", A_DMP, min_change=20.0, description="% open"),
        Indicator(
            "damper_vs_economizer",
            "ahu",
            A_DMP,
            min_change=10.0,
            description="damper position minus the economizer sequence's expected position "
            "(min 20 %; mix to setpoint-1 below 55 degF; 100 % from 55 to 65 degF; 20 % "
            "above) in % points",
        ),
        Indicator(
            "sat_deviation",
            "ahu",
            A_SAT,
            minus=A_SATSP,
            min_change=0.5,
            description="supply air minus its setpoint (degF)",
        ),
        Indicator("valve", "ahu", A_VLV, min_change=15.0, description="% open"),
        Indicator(
            "oat_vs_site",
            "ahu",
            A_OAT,
            running_only=False,
            min_change=1.0,
            description="outside air reading minus the site's other AHUs' mean (degF)",
        ),
        Indicator("return_air", "ahu", A_RAT, min_change=1.0, description="degF"),
        Indicator(
            "mixed_air_balance",
            "ahu",
            A_MAT,
            min_change=1.0,
            description="mixed air minus the damper-weighted mix of outside and return air (degF)",
        ),
        Indicator("static_pressure", "ahu", A_STP, min_change=0.1, description="inWC"),
        Indicator(
            "sat_setpoint", "ahu", A_SATSP, running_only=False, min_change=0.5, description="degF"
        ),
        Indicator(
            "fan_status",
            "ahu",
            A_STS,
            running_only=False,
            baseline=False,
            min_change=0.1,
            description="fraction of time the fan runs",
        ),
    )
}


# ---- failure modes --------------------------------------------------------------
# An effect acts on a latent physical quantity of the simulator ("latent:<name>")
# or on a measured sensor ("sensor:<kind>"): op "add" / "mul" (scaled by the
# episode severity 0..1), "set" (replace by the value once severity > 0),
# "stuck" (hold the value of the onset step), "osc" (add a sine of the given
# amplitude, 2-hour period).
@dataclass(frozen=True)
class Effect:
    target: str
    op: str
    value: float = 0.0


@dataclass(frozen=True)
class FailureModeSpec:
    code: str
    name: str
    asset_type: str
    component: str
    failure_code: str
    description: str
    effects: tuple[Effect, ...]
    relevance: tuple[tuple[str, float], ...]  # (sensor kind, relevance 0..1), best first
    indicator: str  # INDICATORS key whose change reveals the episode
    signature: str  # "up" | "down" | "stuck" | "oscillation"
    months: tuple[int, ...] = ()  # months the fault is visible in; () = any
    onset: str = "ramp"  # "ramp" | "step"
    extra: dict[str, float] = field(default_factory=dict)


def _fm(
    code: str,
    name: str,
    atype: str,
    component: str,
    fcode: str,
    desc: str,
    effects: list[tuple],
    relevance: list[tuple[str, float]],
    indicator: str,
    signature: str,
    months: tuple[int, ...] = (),
    onset: str = "ramp",
) -> FailureModeSpec:
    return FailureModeSpec(
        code,
        name,
        atype,
        component,
        fcode,
        desc,
        tuple(Effect(*e) for e in effects),
        tuple(relevance),
        indicator,
        signature,
        tuple(months),
        onset,
    )


SUMMER = (5, 6, 7, 8, 9)
COOL_SEASON = (6, 7, 8, 9)
ECONOMIZER_SEASON = (3, 4, 5, 10, 11)

FAILURE_MODES: tuple[FailureModeSpec, ...] = (
    # ---------------------------------------------------------------- chillers (30)
    _fm(
        "CH01",
        "Compressor Overheating: Failed due to Normal wear, overheating",
        "chiller",
        "Compressor",
        "MT002",
        "Compressor runs hot from worn internals; discharge temperature climbs.",
        [("latent:discharge_add", "add", 24), ("latent:comp_eff", "mul", 0.08)],
        [(S_DIS, 0.95), (S_PWR, 0.6), (S_EFF, 0.6), (S_CDR, 0.3), (S_LOAD, 0.2)],
        "discharge_superheat",
        "up",
    ),
    _fm(
        "CH02",
        "Heat Exchangers: Fans: Degraded motor or worn bearing due to Normal use",
        "chiller",
        "Cooling tower fan",
        "MT003",
        "Cooling-tower fan delivers less air; condenser water comes back warmer.",
        [("latent:tower_offset", "add", 11)],
        [(S_CWS, 0.95), (S_CWR, 0.8), (S_CDR, 0.6), (S_PWR, 0.5), (S_EFF, 0.5)],
        "condenser_supply",
        "up",
        onset="step",
    ),
    _fm(
        "CH03",
        "Evaporator Water side fouling",
        "chiller",
        "Evaporator",
        "MT004",
        "Scale on evaporator tubes widens the evaporator approach.",
        [("latent:evap_approach", "add", 5.5)],
        [(S_EVR, 0.95), (S_SUP, 0.6), (S_EFF, 0.6), (S_PWR, 0.5), (S_RET, 0.3)],
        "evaporator_approach",
        "up",
    ),
    _fm(
        "CH04",
        "Condenser Water side fouling",
        "chiller",
        "Condenser",
        "MT003",
        "Scale on condenser tubes raises the condenser approach and compressor lift.",
        [("latent:cond_approach", "add", 6.5)],
        [(S_CDR, 0.95), (S_CWR, 0.7), (S_PWR, 0.6), (S_EFF, 0.6), (S_DIS, 0.4)],
        "condenser_approach",
        "up",
    ),
    _fm(
        "CH05",
        "Condenser Improper water side flow rate",
        "chiller",
        "Condenser water pump",
        "MT003",
        "Condenser water flow well below design; condenser water range grows.",
        [("latent:cond_flow", "mul", -0.45)],
        [(S_CWF, 0.95), (S_CWR, 0.8), (S_CDR, 0.6), (S_PWR, 0.5), (S_EFF, 0.5)],
        "condenser_flow",
        "down",
        onset="step",
    ),
    _fm(
        "CH06",
        "Purge Unit Excessive purge",
        "chiller",
        "Purge unit",
        "MT001",
        "Air leaking into a low-pressure machine; non-condensables raise condensing pressure.",
        [
            ("latent:cond_approach", "add", 4.5),
            ("latent:discharge_add", "add", 6),
            ("latent:comp_eff", "mul", 0.05),
        ],
        [(S_CDR, 0.9), (S_DIS, 0.6), (S_PWR, 0.5), (S_EFF, 0.5), (S_CWR, 0.3)],
        "condenser_approach",
        "up",
    ),
    _fm(
        "CH07",
        "Refrigerant Operated Control Valve Failed spring",
        "chiller",
        "Refrigerant control valve",
        "MT001",
        "Metering valve hunts; chilled water supply and evaporator temperature oscillate.",
        [("latent:supply_osc", "osc", 2.5), ("latent:supply_offset", "add", 1.5)],
        [(S_SUP, 0.9), (S_EVR, 0.8), (S_RET, 0.5), (S_LOAD, 0.4), (S_PWR, 0.3)],
        "supply_deviation",
        "oscillation",
        onset="step",
    ),
    _fm(
        "CH08",
        "Refrigerant leak: Low refrigerant charge",
        "chiller",
        "Refrigerant circuit",
        "MT001",
        "Charge loss starves the evaporator: evaporator temperature falls, capacity drops.",
        [("latent:evap_approach", "add", 5.0), ("latent:capacity", "mul", -0.35)],
        [(S_EVR, 0.95), (S_SUP, 0.7), (S_LOAD, 0.6), (S_EFF, 0.5), (S_TON, 0.4)],
        "evaporator_approach",
        "up",
    ),
    _fm(
        "CH09",
        "Refrigerant overcharge",
        "chiller",
        "Refrigerant circuit",
        "MT001",
        "Excess charge floods the condenser; condensing temperature and power rise.",
        [
            ("latent:cond_approach", "add", 4.0),
            ("latent:discharge_add", "add", 4),
            ("latent:comp_eff", "mul", 0.06),
        ],
        [(S_CDR, 0.9), (S_PWR, 0.6), (S_EFF, 0.6), (S_DIS, 0.4)],
        "condenser_approach",
        "up",
    ),
    _fm(
        "CH10",
        "Chilled water pump degraded: low evaporator flow",
        "chiller",
        "Chilled water pump",
        "MT004",
        "Chilled water flow drops; delta-T across the evaporator grows.",
        [("latent:chw_flow", "mul", -0.4)],
        [(S_CHWF, 0.95), (S_RET, 0.8), (S_EVR, 0.4), (S_TON, 0.3)],
        "chilled_water_flow",
        "down",
    ),
    _fm(
        "CH11",
        "Compressor motor winding insulation degradation",
        "chiller",
        "Compressor motor",
        "MT006",
        "Motor losses grow; more power for the same cooling.",
        [("latent:comp_eff", "mul", 0.45)],
        [(S_PWR, 0.9), (S_EFF, 0.9), (S_LOAD, 0.3)],
        "efficiency",
        "up",
    ),
    _fm(
        "CH12",
        "Compressor bearing wear",
        "chiller",
        "Compressor",
        "MT002",
        "Friction in worn bearings heats the gas and costs power.",
        [("latent:discharge_add", "add", 14), ("latent:comp_eff", "mul", 0.10)],
        [(S_DIS, 0.9), (S_PWR, 0.6), (S_EFF, 0.6)],
        "discharge_superheat",
        "up",
    ),
    _fm(
        "CH13",
        "Inlet guide vane actuator stuck",
        "chiller",
        "Capacity control",
        "MT005",
        "Vanes no longer modulate; load reading freezes and supply drifts above setpoint.",
        [("sensor:Chiller % Loaded", "stuck"), ("latent:supply_offset", "add", 3.0)],
        [(S_LOAD, 0.95), (S_SUP, 0.8), (S_RET, 0.5), (S_TON, 0.3)],
        "supply_deviation",
        "up",
        onset="step",
    ),
    _fm(
        "CH14",
        "Chilled water supply temperature sensor drift",
        "chiller",
        "Instrumentation",
        "MT005",
        "Supply temperature sensor reads low against setpoint.",
        [("sensor:Supply Temperature", "add", -3.5)],
        [(S_SUP, 0.95), (S_SP, 0.5), (S_EVR, 0.4)],
        "supply_deviation",
        "down",
    ),
    _fm(
        "CH15",
        "Condenser water return temperature sensor failed (stuck)",
        "chiller",
        "Instrumentation",
        "MT005",
        "Leaving condenser water reading freezes.",
        [("sensor:Condenser Water Return To Tower Temperature", "stuck")],
        [(S_CWR, 0.95), (S_CDR, 0.4), (S_CWS, 0.3)],
        "condenser_return",
        "stuck",
        onset="step",
    ),
    _fm(
        "CH16",
        "Tonnage meter calibration drift",
        "chiller",
        "Instrumentation",
        "MT005",
        "BTU meter under-reads; reported tonnage and efficiency diverge from load.",
        [("sensor:Tonnage", "mul", -0.3)],
        [(S_TON, 0.95), (S_EFF, 0.7), (S_LOAD, 0.5)],
        "tonnage_per_load",
        "down",
    ),
    _fm(
        "CH17",
        "Power meter current transformer failure",
        "chiller",
        "Instrumentation",
        "MT006",
        "Power reading drops; computed efficiency looks better than it is.",
        [("sensor:Power Input", "mul", -0.4)],
        [(S_PWR, 0.95), (S_EFF, 0.8), (S_LOAD, 0.3)],
        "efficiency",
        "down",
        onset="step",
    ),
    _fm(
        "CH18",
        "Chilled water setpoint reset malfunction",
        "chiller",
        "Controls",
        "MT005",
        "Setpoint reset logic raises the setpoint; supply follows it up.",
        [("latent:setpoint_offset", "add", 4.0)],
        [(S_SP, 0.95), (S_SUP, 0.8), (S_RET, 0.6), (S_EVR, 0.5)],
        "setpoint",
        "up",
        onset="step",
    ),
    _fm(
        "CH19",
        "Cooling tower bypass valve stuck open: low condenser water temperature",
        "chiller",
        "Cooling tower",
        "MT003",
        "Condenser water comes back too cold.",
        [("latent:tower_offset", "add", -9)],
        [(S_CWS, 0.95), (S_CWR, 0.8), (S_CDR, 0.6), (S_PWR, 0.3)],
        "condenser_supply",
        "down",
        onset="step",
    ),
    _fm(
        "CH20",
        "Cooling tower fill scaling",
        "chiller",
        "Cooling tower",
        "MT003",
        "Scaled fill loses heat-transfer area; condenser water warms slowly.",
        [("latent:tower_offset", "add", 11)],
        [(S_CWS, 0.9), (S_CWR, 0.8), (S_CDR, 0.6), (S_EFF, 0.5), (S_PWR, 0.5)],
        "condenser_supply",
        "up",
    ),
    _fm(
        "CH21",
        "Run status feedback failure",
        "chiller",
        "Instrumentation",
        "MT005",
        "Run-status contact reads off although the compressor runs.",
        [("sensor:Run Status", "set", 0.0)],
        [(S_RUN, 0.95), (S_TON, 0.4), (S_PWR, 0.4)],
        "run_status_mismatch",
        "up",
        onset="step",
    ),
    _fm(
        "CH22",
        "Compressor lubrication: Low oil pressure due to oil pump wear",
        "chiller",
        "Lubrication",
        "MT007",
        "Poor lubrication heats the compressor.",
        [("latent:discharge_add", "add", 16), ("latent:comp_eff", "mul", 0.08)],
        [(S_DIS, 0.9), (S_PWR, 0.5), (S_EFF, 0.5)],
        "discharge_superheat",
        "up",
    ),
    _fm(
        "CH23",
        "Compressor short cycling",
        "chiller",
        "Controls",
        "MT005",
        "Compressor trips and restarts repeatedly.",
        [("latent:cycling", "set", 1.0)],
        [(S_RUN, 0.9), (S_LOAD, 0.7), (S_TON, 0.6), (S_PWR, 0.6), (S_SUP, 0.4)],
        "run_status",
        "down",
        onset="step",
    ),
    _fm(
        "CH24",
        "Expansion valve stuck closed",
        "chiller",
        "Expansion valve",
        "MT001",
        "Starved evaporator: evaporating temperature falls and capacity drops.",
        [("latent:evap_approach", "add", 7.0), ("latent:capacity", "mul", -0.25)],
        [(S_EVR, 0.95), (S_SUP, 0.6), (S_LOAD, 0.5), (S_EFF, 0.5)],
        "evaporator_approach",
        "up",
        onset="step",
    ),
    _fm(
        "CH25",
        "Expansion valve stuck open",
        "chiller",
        "Expansion valve",
        "MT001",
        "Flooded evaporator: liquid carry-over lowers discharge superheat.",
        [("latent:discharge_add", "add", -12), ("latent:comp_eff", "mul", 0.06)],
        [(S_DIS, 0.9), (S_EVR, 0.5), (S_PWR, 0.4)],
        "discharge_superheat",
        "down",
        onset="step",
    ),
    _fm(
        "CH26",
        "Chilled water bypass valve leaking: low delta-T",
        "chiller",
        "Chilled water loop",
        "MT004",
        "Bypass flow raises evaporator flow and collapses delta-T.",
        [("latent:chw_flow", "mul", 0.55)],
        [(S_CHWF, 0.9), (S_RET, 0.8), (S_TON, 0.3)],
        "chilled_water_flow",
        "up",
    ),
    _fm(
        "CH27",
        "Condenser water pump cavitation",
        "chiller",
        "Condenser water pump",
        "MT003",
        "Cavitating pump delivers unsteady, reduced condenser flow.",
        [("latent:cond_flow", "mul", -0.3), ("latent:cond_flow_osc", "osc", 0.12)],
        [(S_CWF, 0.95), (S_CWR, 0.7), (S_CDR, 0.5)],
        "condenser_flow",
        "down",
    ),
    _fm(
        "CH28",
        "Variable speed drive overheating",
        "chiller",
        "Drive",
        "MT006",
        "Drive losses rise; power climbs at constant load.",
        [("latent:comp_eff", "mul", 0.5)],
        [(S_PWR, 0.9), (S_EFF, 0.9)],
        "efficiency",
        "up",
    ),
    _fm(
        "CH29",
        "Schedule override stuck",
        "chiller",
        "Controls",
        "MT005",
        "The schedule point reads off while the plant keeps running.",
        [("sensor:Schedule", "set", 0.0)],
        [(S_SCH, 0.95), (S_RUN, 0.4)],
        "schedule",
        "down",
        onset="step",
    ),
    _fm(
        "CH30",
        "Evaporator refrigerant temperature sensor failure",
        "chiller",
        "Instrumentation",
        "MT005",
        "Evaporator refrigerant reading biased high.",
        [("sensor:Liquid Refrigerant Evaporator Temperature", "add", 6.0)],
        [(S_EVR, 0.95), (S_SUP, 0.4)],
        "evaporator_approach",
        "down",
        onset="step",
    ),
    # ---------------------------------------------------------------- AHUs (23)
    _fm(
        "AH01",
        "Supply air filter clogged",
        "ahu",
        "Filters",
        "MT010",
        "Loaded filters: pressure drop climbs and airflow falls.",
        [("latent:filter_add", "add", 1.1), ("latent:air_flow", "mul", -0.12)],
        [(A_FDP, 0.95), (A_FLW, 0.6), (A_SPD, 0.5), (A_PWR, 0.4)],
        "filter_dp",
        "up",
    ),
    _fm(
        "AH02",
        "Supply fan belt slipping",
        "ahu",
        "Fan drive",
        "MT011",
        "Belt slip: less airflow and static at the same fan speed.",
        [
            ("latent:air_flow", "mul", -0.3),
            ("latent:static", "mul", -0.4),
            ("latent:fan_power", "mul", -0.15),
        ],
        [(A_FLW, 0.95), (A_STP, 0.8), (A_PWR, 0.6), (A_SPD, 0.5)],
        "flow_per_speed",
        "down",
    ),
    _fm(
        "AH03",
        "Supply fan motor bearing wear",
        "ahu",
        "Fan motor",
        "MT011",
        "Bearing friction raises fan power.",
        [("latent:fan_power", "mul", 0.45)],
        [(A_PWR, 0.95), (A_SPD, 0.3)],
        "fan_power",
        "up",
    ),
    _fm(
        "AH04",
        "Supply fan VFD speed hunting",
        "ahu",
        "Fan drive",
        "MT011",
        "Drive speed oscillates; airflow and static follow.",
        [("latent:speed_osc", "osc", 16)],
        [(A_SPD, 0.95), (A_FLW, 0.7), (A_STP, 0.7), (A_PWR, 0.6)],
        "fan_speed",
        "oscillation",
        onset="step",
    ),
    _fm(
        "AH05",
        "Outside air damper stuck closed",
        "ahu",
        "Dampers",
        "MT012",
        "Damper does not open; no outside air, mixed air equals return air.",
        [("latent:damper_set", "set", 0.0)],
        [(A_DMP, 0.95), (A_MAT, 0.8), (A_RAT, 0.4), (A_VLV, 0.3)],
        "damper_vs_economizer",
        "down",
        months=ECONOMIZER_SEASON,
        onset="step",
    ),
    _fm(
        "AH06",
        "Outside air damper stuck open",
        "ahu",
        "Dampers",
        "MT012",
        "Damper stays fully open in hot weather; coil load soars.",
        [("latent:damper_set", "set", 100.0)],
        [(A_DMP, 0.95), (A_MAT, 0.8), (A_VLV, 0.6), (A_SAT, 0.4)],
        "damper_vs_economizer",
        "up",
        months=COOL_SEASON,
        onset="step",
    ),
    _fm(
        "AH07",
        "Economizer control logic fault",
        "ahu",
        "Dampers",
        "MT012",
        "Economizer stays at minimum outside air in cool weather.",
        [("latent:economizer_off", "set", 1.0)],
        [(A_DMP, 0.9), (A_MAT, 0.8), (A_VLV, 0.5), (A_OAT, 0.3)],
        "damper_vs_economizer",
        "down",
        months=(3, 4, 11),
        onset="step",
    ),
    _fm(
        "AH08",
        "Cooling coil valve stuck open",
        "ahu",
        "Cooling coil valve",
        "MT013",
        "Valve wide open; supply air drops below setpoint.",
        [("latent:valve_set", "set", 100.0)],
        [(A_VLV, 0.95), (A_SAT, 0.9), (A_RAT, 0.3)],
        "sat_deviation",
        "down",
        months=SUMMER,
        onset="step",
    ),
    _fm(
        "AH09",
        "Cooling coil valve stuck closed",
        "ahu",
        "Cooling coil valve",
        "MT013",
        "No chilled water through the coil; supply air runs warm.",
        [("latent:valve_set", "set", 0.0)],
        [(A_VLV, 0.95), (A_SAT, 0.9), (A_RAT, 0.5)],
        "sat_deviation",
        "up",
        months=COOL_SEASON,
        onset="step",
    ),
    _fm(
        "AH10",
        "Cooling coil air side fouling",
        "ahu",
        "Cooling coil",
        "MT013",
        "Dirty coil needs more valve opening for the same cooling.",
        [("latent:coil_ua", "mul", -0.6), ("latent:static", "mul", 0.12)],
        [(A_VLV, 0.9), (A_SAT, 0.6), (A_STP, 0.4)],
        "valve",
        "up",
        months=COOL_SEASON,
    ),
    _fm(
        "AH11",
        "Chilled water supply insufficient",
        "ahu",
        "Chilled water supply",
        "MT013",
        "Warm chilled water from the plant; supply air warm with valve wide open.",
        [("latent:coil_ua", "mul", -0.7)],
        [(A_SAT, 0.9), (A_VLV, 0.8), (A_RAT, 0.4)],
        "sat_deviation",
        "up",
        months=COOL_SEASON,
    ),
    _fm(
        "AH12",
        "Supply air temperature sensor drift",
        "ahu",
        "Sensors",
        "MT014",
        "Supply air sensor reads high.",
        [("sensor:Supply Air Temperature", "add", 3.5)],
        [(A_SAT, 0.95), (A_VLV, 0.3)],
        "sat_deviation",
        "up",
    ),
    _fm(
        "AH13",
        "Outside air temperature sensor bias",
        "ahu",
        "Sensors",
        "MT014",
        "Outside air sensor reads too warm (sun on the housing).",
        [("sensor:Outside Air Temperature", "add", 11.0)],
        [(A_OAT, 0.95), (A_DMP, 0.4), (A_MAT, 0.3)],
        "oat_vs_site",
        "up",
        onset="step",
    ),
    _fm(
        "AH14",
        "Return air temperature sensor stuck",
        "ahu",
        "Sensors",
        "MT014",
        "Return air reading frozen.",
        [("sensor:Return Air Temperature", "stuck")],
        [(A_RAT, 0.95), (A_MAT, 0.4)],
        "return_air",
        "stuck",
        onset="step",
    ),
    _fm(
        "AH15",
        "Mixed air temperature sensor failure",
        "ahu",
        "Sensors",
        "MT014",
        "Mixed air reading biased high.",
        [("sensor:Mixed Air Temperature", "add", 7.0)],
        [(A_MAT, 0.95), (A_DMP, 0.4), (A_OAT, 0.3), (A_RAT, 0.3)],
        "mixed_air_balance",
        "up",
        onset="step",
    ),
    _fm(
        "AH16",
        "Supply air static pressure sensor failure",
        "ahu",
        "Sensors",
        "MT014",
        "Static reads low; the fan speeds up to chase it.",
        [("sensor:Supply Air Static Pressure", "mul", -0.6), ("latent:speed_add", "add", 18)],
        [(A_STP, 0.95), (A_SPD, 0.8), (A_PWR, 0.6), (A_FLW, 0.5)],
        "static_pressure",
        "down",
        onset="step",
    ),
    _fm(
        "AH17",
        "Supply duct leakage",
        "ahu",
        "Ductwork",
        "MT011",
        "Leaks lower static pressure; the fan works harder.",
        [("latent:static", "mul", -0.5), ("latent:speed_add", "add", 8)],
        [(A_STP, 0.9), (A_SPD, 0.7), (A_PWR, 0.6), (A_FLW, 0.4)],
        "static_pressure",
        "down",
    ),
    _fm(
        "AH18",
        "Supply air temperature control loop hunting",
        "ahu",
        "Controls",
        "MT015",
        "Poorly tuned loop: valve and supply air oscillate.",
        [("latent:sat_osc", "osc", 3.0)],
        [(A_SAT, 0.9), (A_VLV, 0.9)],
        "sat_deviation",
        "oscillation",
        onset="step",
    ),
    _fm(
        "AH19",
        "Fan running during unoccupied hours",
        "ahu",
        "Controls",
        "MT015",
        "Occupancy schedule override stuck on.",
        [("latent:force_on", "set", 1.0)],
        [(A_STS, 0.95), (A_SPD, 0.7), (A_PWR, 0.6)],
        "fan_status",
        "up",
        onset="step",
    ),
    _fm(
        "AH20",
        "Supply fan motor failure to start",
        "ahu",
        "Fan motor",
        "MT011",
        "The fan does not start; no airflow during occupied hours.",
        [("latent:force_off", "set", 1.0)],
        [(A_STS, 0.95), (A_FLW, 0.9), (A_SPD, 0.8), (A_PWR, 0.8)],
        "fan_status",
        "down",
        onset="step",
    ),
    _fm(
        "AH21",
        "Filter bypass: torn filter media",
        "ahu",
        "Filters",
        "MT010",
        "Torn filters: pressure drop collapses.",
        [("latent:filter_torn", "set", 1.0)],
        [(A_FDP, 0.95), (A_FLW, 0.3)],
        "filter_dp",
        "down",
        onset="step",
    ),
    _fm(
        "AH22",
        "Supply air temperature setpoint misconfigured",
        "ahu",
        "Controls",
        "MT015",
        "Setpoint raised by mistake; supply air follows.",
        [("latent:satsp_offset", "add", 6.0)],
        [(A_SATSP, 0.95), (A_SAT, 0.8), (A_VLV, 0.5)],
        "sat_setpoint",
        "up",
        onset="step",
    ),
    _fm(
        "AH23",
        "Supply airflow station sensor failure",
        "ahu",
        "Sensors",
        "MT014",
        "Airflow reading collapses while the fan runs normally.",
        [("sensor:Supply Air Flow", "mul", -0.6)],
        [(A_FLW, 0.95), (A_SPD, 0.3)],
        "flow_per_speed",
        "down",
        onset="step",
    ),
)

assert len(FAILURE_MODES) == 53


# ---- alert rules -----------------------------------------------------------------
@dataclass(frozen=True)
class AlertRuleSpec:
    rule_id: str
    name: str
    asset_type: str
    indicator: str
    condition: str  # ">" | "<"
    threshold: float
    duration_minutes: int
    severity: str  # "critical" | "major" | "minor"
    failure_codes: tuple[str, ...]
    relative: bool = False  # documentation: the indicator is a fraction of design


ALERT_RULES: tuple[AlertRuleSpec, ...] = (
    AlertRuleSpec(
        "AR-CH-01",
        "High condenser approach",
        "chiller",
        "condenser_approach",
        ">",
        5.0,
        60,
        "major",
        ("MT003", "MT001"),
    ),
    AlertRuleSpec(
        "AR-CH-02",
        "High evaporator approach",
        "chiller",
        "evaporator_approach",
        ">",
        6.0,
        60,
        "major",
        ("MT004", "MT001"),
    ),
    AlertRuleSpec(
        "AR-CH-03",
        "Chilled water supply above setpoint",
        "chiller",
        "supply_deviation",
        ">",
        2.0,
        60,
        "major",
        ("MT005", "MT001", "MT004"),
    ),
    AlertRuleSpec(
        "AR-CH-04",
        "Chilled water supply below setpoint",
        "chiller",
        "supply_deviation",
        "<",
        -2.0,
        60,
        "minor",
        ("MT005",),
    ),
    AlertRuleSpec(
        "AR-CH-05",
        "High discharge superheat",
        "chiller",
        "discharge_superheat",
        ">",
        44.0,
        60,
        "critical",
        ("MT002", "MT007"),
    ),
    AlertRuleSpec(
        "AR-CH-06",
        "Low discharge superheat",
        "chiller",
        "discharge_superheat",
        "<",
        18.0,
        60,
        "major",
        ("MT001",),
    ),
    AlertRuleSpec(
        "AR-CH-07",
        "Low condenser water flow",
        "chiller",
        "condenser_flow",
        "<",
        0.8,
        60,
        "major",
        ("MT003",),
        relative=True,
    ),
    AlertRuleSpec(
        "AR-CH-08",
        "Low chilled water flow",
        "chiller",
        "chilled_water_flow",
        "<",
        0.8,
        60,
        "major",
        ("MT004",),
        relative=True,
    ),
    AlertRuleSpec(
        "AR-CH-09",
        "High chilled water flow",
        "chiller",
        "chilled_water_flow",
        ">",
        1.25,
        60,
        "minor",
        ("MT004",),
        relative=True,
    ),
    AlertRuleSpec(
        "AR-CH-10",
        "High condenser water supply temperature",
        "chiller",
        "condenser_supply",
        ">",
        84.0,
        60,
        "major",
        ("MT003",),
    ),
    AlertRuleSpec(
        "AR-CH-11",
        "Low condenser water supply temperature",
        "chiller",
        "condenser_supply",
        "<",
        62.0,
        60,
        "minor",
        ("MT003",),
    ),
    AlertRuleSpec(
        "AR-CH-12",
        "Poor chiller efficiency",
        "chiller",
        "efficiency",
        ">",
        0.95,
        120,
        "minor",
        ("MT006", "MT003", "MT002"),
    ),
    # operational rule: fires on hot afternoons, not a fault
    AlertRuleSpec("AR-CH-13", "Chiller high load", "chiller", "load", ">", 92.0, 60, "minor", ()),
    AlertRuleSpec(
        "AR-AH-01",
        "High filter differential pressure",
        "ahu",
        "filter_dp",
        ">",
        1.3,
        60,
        "minor",
        ("MT010",),
    ),
    AlertRuleSpec(
        "AR-AH-02",
        "Low filter differential pressure",
        "ahu",
        "filter_dp",
        "<",
        0.12,
        60,
        "major",
        ("MT010",),
    ),
    AlertRuleSpec(
        "AR-AH-03",
        "Supply air temperature above setpoint",
        "ahu",
        "sat_deviation",
        ">",
        2.5,
        60,
        "major",
        ("MT013", "MT014"),
    ),
    AlertRuleSpec(
        "AR-AH-04",
        "Supply air temperature below setpoint",
        "ahu",
        "sat_deviation",
        "<",
        -2.5,
        60,
        "minor",
        ("MT013",),
    ),
    AlertRuleSpec(
        "AR-AH-05",
        "Low airflow for fan speed",
        "ahu",
        "flow_per_speed",
        "<",
        0.8,
        60,
        "major",
        ("MT011", "MT014"),
        relative=True,
    ),
    AlertRuleSpec(
        "AR-AH-06",
        "High supply fan power",
        "ahu",
        "fan_power",
        ">",
        1.3,
        60,
        "major",
        ("MT011",),
        relative=True,
    ),
    AlertRuleSpec(
        "AR-AH-08",
        "Outside air damper below economizer position",
        "ahu",
        "damper_vs_economizer",
        "<",
        -25.0,
        120,
        "minor",
        ("MT012",),
    ),
    AlertRuleSpec(
        "AR-AH-09",
        "Outside air damper above economizer position",
        "ahu",
        "damper_vs_economizer",
        ">",
        25.0,
        120,
        "minor",
        ("MT012",),
    ),
    AlertRuleSpec(
        "AR-AH-07",
        "Low duct static pressure",
        "ahu",
        "static_pressure",
        "<",
        0.45,
        60,
        "minor",
        ("MT011", "MT014"),
    ),
)


# ---- preventive maintenance tasks -------------------------------------------------
@dataclass(frozen=True)
class PmTask:
    key: str
    description: str
    asset_type: str
    every_days: int
    hours: float
    material: float  # typical material cost, USD
    priority: int
    shutdown_hours: float = 0.0  # asset offline while the work is done


PM_TASKS: tuple[PmTask, ...] = (
    PmTask("CH-W", "Weekly chiller operator rounds and log readings", "chiller", 7, 1.5, 0, 4),
    PmTask("CH-M1", "Monthly chiller inspection", "chiller", 30, 3, 40, 3),
    PmTask("CH-M2", "Condenser water treatment check", "chiller", 30, 1.5, 120, 3),
    PmTask("CH-M3", "Cooling tower inspection", "chiller", 30, 2, 30, 3),
    PmTask("CH-M4", "Condenser water strainer cleaning", "chiller", 30, 2, 25, 4),
    PmTask("CH-Q1", "Refrigerant level check and leak test", "chiller", 91, 3, 60, 2),
    PmTask("CH-Q2", "Compressor oil analysis sample", "chiller", 91, 1, 85, 3),
    PmTask("CH-S1", "Compressor vibration analysis", "chiller", 182, 3, 0, 3),
    PmTask(
        "CH-A1",
        "Annual chiller maintenance: tube brushing and eddy current test",
        "chiller",
        365,
        24,
        2400,
        2,
        shutdown_hours=30,
    ),
    PmTask("AH-W", "Weekly AHU inspection", "ahu", 7, 1, 0, 4),
    PmTask("AH-M1", "Fan belt inspection and tension", "ahu", 30, 1.5, 20, 3),
    PmTask("AH-M2", "Sensor calibration check", "ahu", 30, 2, 0, 4),
    PmTask("AH-M3", "Condensate drain pan cleaning", "ahu", 30, 1, 15, 4),
    PmTask("AH-Q1", "Replace supply air filters", "ahu", 91, 3, 420, 3, shutdown_hours=2),
    PmTask("AH-Q2", "Damper actuator stroke test", "ahu", 91, 1.5, 0, 3),
    PmTask("AH-S1", "Cooling coil cleaning", "ahu", 182, 6, 150, 3),
    PmTask(
        "AH-A1",
        "Annual fan bearing lubrication and motor check",
        "ahu",
        365,
        4,
        90,
        3,
        shutdown_hours=4,
    ),
)

TSFM_MODELS: tuple[dict[str, object], ...] = (
    {
        "model_id": "holt_winters_additive",
        "description": "Additive Holt-Winters (level, trend, daily seasonality) with parameters "
        "chosen by one-step-ahead squared error on a fixed grid",
        "tasks": ["forecasting", "anomaly_detection"],
        "default": True,
    },
    {
        "model_id": "seasonal_naive",
        "description": "Repeats the last season (one day at the data cadence)",
        "tasks": ["forecasting"],
        "default": False,
    },
)
AD_MODELS: tuple[str, ...] = ("conformal_residual", "robust_zscore")
