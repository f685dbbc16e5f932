"""Asset and site aliases (issue 16): the data file's invariants, the loader,
and every tool resolving an alias to the canonical entity."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from fastapi.testclient import TestClient

from evaluator.textparse import extract_numbers
from services.assetdata import aliases as A
from services.assetdata import catalog as C
from services.assetdata import tools as T
from services.assetdata.app import create_app

ASSET_NAMES = [a.name for a in C.ASSETS]
BY_NAME = {a.name: a for a in C.ASSETS}
# what hidden_scenarios.matching strips from the edges of a string argument
EDGE_PUNCT = " \t\r\n'\"`*_()[]<>.,;:!?"


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().casefold()


def asset_forms(name: str) -> list[str]:
    return [name, *A.asset_aliases(name)]


def site_forms(site: str) -> list[str]:
    return [site, *A.site_aliases(site)]


def occurs_in(needle: str, haystack: str) -> bool:
    """``needle`` inside ``haystack`` as whole words (case-insensitive)."""
    pattern = r"(?<![\w-])" + r"\s+".join(map(re.escape, norm(needle).split())) + r"(?![\w-])"
    return re.search(pattern, norm(haystack)) is not None


# ---- the data file ---------------------------------------------------------------


def test_the_file_covers_exactly_the_catalog():
    raw = yaml.safe_load(A.DATA_FILE.read_text(encoding="utf-8"))
    assert list(raw["assets"]) == ASSET_NAMES
    assert set(raw["sites"]) == set(C.SITES)
    for a in C.ASSETS:
        assert raw["assets"][a.name]["equipment_id"] == a.equipment_id
    # every alias survived YAML parsing as written ("chiller #6" is not a comment)
    for name, entry in raw["assets"].items():
        assert [A.normalise(x) for x in entry["aliases"]] == [
            A.normalise(x) for x in A.asset_aliases(name)
        ]
        assert len(entry["aliases"]) == len(set(map(norm, entry["aliases"])))


@pytest.mark.parametrize("name", ASSET_NAMES)
def test_each_asset_has_three_or_four_aliases_one_underivable(name):
    aliases = A.asset_aliases(name)
    assert 3 <= len(aliases) <= 4
    assert name not in aliases and norm(name) not in map(norm, aliases)
    # derivable forms carry the asset's number; at least one alias does not
    # (built from maker / size / duty / location), so no pattern derives it
    number = name.split()[-1]
    eq = BY_NAME[name].equipment_id
    underivable = [a for a in aliases if not occurs_in(number, a) and eq not in a]
    assert underivable, aliases
    # and they add no number to an answer that echoes them ("B1" is glued)
    for alias in underivable:
        assert extract_numbers(alias) == [], alias


@pytest.mark.parametrize("site", sorted(C.SITES))
def test_each_site_has_two_aliases(site):
    aliases = A.site_aliases(site)
    assert len(aliases) == 2
    assert norm(site) not in map(norm, aliases)


def test_no_form_names_two_entities():
    owner: dict[str, str] = {}
    for name in ASSET_NAMES:
        for form in [*asset_forms(name), BY_NAME[name].equipment_id]:
            assert owner.setdefault(norm(form), f"asset:{name}") == f"asset:{name}", form
    for site in C.SITES:
        for form in site_forms(site):
            assert owner.setdefault(norm(form), f"site:{site}") == f"site:{site}", form


def test_no_alias_is_another_entitys_name_or_equipment_id():
    reserved = {norm(a.name): a.name for a in C.ASSETS}
    reserved |= {norm(a.equipment_id): a.name for a in C.ASSETS}
    reserved |= {norm(s): s for s in C.SITES}
    for name in ASSET_NAMES:
        for alias in A.asset_aliases(name):
            assert reserved.get(norm(alias), name) == name, alias
    for site in C.SITES:
        for alias in A.site_aliases(site):
            assert norm(alias) not in reserved, alias


def test_aliases_have_no_edge_punctuation():
    """Matching strips edge punctuation before resolving; an alias must
    survive that unchanged."""
    for name in ASSET_NAMES:
        for alias in A.asset_aliases(name):
            assert alias == alias.strip(EDGE_PUNCT), alias
    for site in C.SITES:
        for alias in A.site_aliases(site):
            assert alias == alias.strip(EDGE_PUNCT), alias


def test_no_form_occurs_inside_another_entitys_names():
    """No asset form is a whole-word part of another asset's forms or sensor
    names ("CH-1" inside "CH-13 Tonnage" would be), and no asset form starts
    with another asset's form (a sensor "<form> <kind>" parses one way); a
    site form inside an asset alias is that asset's own site."""
    for x in ASSET_NAMES:
        for y in ASSET_NAMES:
            if x == y:
                continue
            kinds = [k.kind for k in C.SENSOR_KINDS[BY_NAME[y].asset_type]]
            targets = asset_forms(y) + [f"{f} {k}" for f in asset_forms(y) for k in kinds]
            for fx in asset_forms(x):
                for t in targets:
                    assert not occurs_in(fx, t), (fx, t)
    for site in C.SITES:
        for form in site_forms(site):
            for name in ASSET_NAMES:
                for alias in A.asset_aliases(name):
                    if occurs_in(form, alias):
                        assert BY_NAME[name].site == site, (form, alias)
    for s1 in C.SITES:
        for s2 in C.SITES:
            if s1 != s2:
                for f1 in site_forms(s1):
                    assert not any(occurs_in(f1, f2) for f2 in site_forms(s2)), f1


def test_every_alias_sensor_name_parses_back_to_one_sensor():
    all_kinds = {k.kind for ks in C.SENSOR_KINDS.values() for k in ks}
    seen: dict[str, tuple[str, str]] = {}
    for name in ASSET_NAMES:
        kinds = [k.kind for k in C.SENSOR_KINDS[BY_NAME[name].asset_type]]
        for form in asset_forms(name):
            for kind in all_kinds:
                text = f"{form} {kind}"
                assert seen.setdefault(norm(text), (name, kind)) == (name, kind), text
                assert A.canonical_sensor(text) == f"{name} {kind}"
                if kind in kinds:
                    assert A.canonical_entity(text) == f"{name} {kind}"


# ---- the loader ---------------------------------------------------------------------


def test_loader_api():
    assert A.asset_aliases("Chiller 6") == (
        "chiller no. 6",
        "CH-6",
        "chiller #6",
        "the York machine in Central Plant B1",
    )
    assert A.asset_aliases("Chiller 99") == () and A.site_aliases("MOON") == ()
    assert A.site_aliases("MAIN") == ("the main campus", "Main campus central plant")
    for text in ("Chiller 6", "chiller 6", "CWC04006", "cwc04006", " CH-6 ", "chiller  NO. 6"):
        assert A.canonical_asset(text) == "Chiller 6", text
    assert A.canonical_asset("the York machine in Central Plant B1") == "Chiller 6"
    assert A.canonical_asset("CQPA air handler 2B") == "CQPA AHU 2B"
    for text in ("Chiller 7", "CH-", "chiller", "", "MAIN", "the main campus"):
        assert A.canonical_asset(text) is None, text
    assert A.canonical_asset(None) is None  # type: ignore[arg-type]
    assert A.canonical_site("the Main  Campus") == "MAIN"
    assert A.canonical_site("annex") == "ANNEX"
    assert A.canonical_site("Annex research building") == "ANNEX"
    assert A.canonical_site("CH-6") is None and A.canonical_site(["MAIN"]) is None  # type: ignore[arg-type]
    assert A.canonical_sensor("CH-6  Condenser Water Flow") == "Chiller 6 Condenser Water Flow"
    assert A.canonical_sensor("CH-6") is None and A.canonical_sensor("CWC04006 Tonnage") is None
    # matching's view: aliases resolve, equipment ids do not
    assert A.canonical_entity("CH-6") == "Chiller 6"
    assert A.canonical_entity("the main campus") == "MAIN"
    assert A.canonical_entity("CWC04006") is None
    assert A.canonical_entity("hourly") is None


def test_loader_rejects_an_alias_naming_two_entities(tmp_path, monkeypatch):
    bad = tmp_path / "aliases.yaml"
    bad.write_text(
        "sites: {MAIN: [the campus]}\n"
        "assets:\n"
        "  Chiller 3: {equipment_id: CWC04003, aliases: [the chiller]}\n"
        "  Chiller 4: {equipment_id: CWC04004, aliases: [The  Chiller]}\n"
    )
    monkeypatch.setattr(A, "DATA_FILE", bad)
    A.table.cache_clear()
    try:
        with pytest.raises(ValueError, match="names both"):
            A.table()
    finally:
        monkeypatch.undo()
        A.table.cache_clear()
    assert A.table().asset_aliases["Chiller 6"]


def test_loader_and_matching_stay_light():
    code = (
        "import sys, hidden_scenarios.matching, services.assetdata.aliases as a;"
        "a.canonical_asset('CH-6');"
        "heavy = [m for m in ('numpy', 'services.assetdata.catalog', 'services.assetdata.plant',"
        " 'evaluator') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# ---- the tools -----------------------------------------------------------------------


def test_find_functions_resolve_aliases(plant):
    from services.assetdata import library as L

    assert L.find_asset(plant, "CH-6").name == "Chiller 6"
    assert L.find_asset(plant, "the York machine in Central Plant B1", "the main campus").name == (
        "Chiller 6"
    )
    assert L.find_equipment(plant, "chiller #9").equipment_id == "CWC04009"
    assert L.find_site(plant, "the annex building") == "ANNEX"
    assert L.resolve_sensors(plant, L.find_asset(plant, "Chiller 6"), ["CH-6 Tonnage"]) == [
        "Chiller 6 Tonnage"
    ]
    with pytest.raises(L.NotFound) as exc:
        L.find_asset(plant, "CH-13", "MAIN")  # an ANNEX chiller
    assert exc.value.details["valid"] == [a.name for a in C.ASSETS if a.site == "MAIN"]


@pytest.mark.parametrize("name", ASSET_NAMES)
def test_get_asset_and_assets_list_aliases(plant, name):
    site = BY_NAME[name].site
    for form in asset_forms(name):
        rec = T.call_tool(plant, "iot.get_asset", {"site_name": site, "asset_id": form})
        assert rec["asset_id"] == name
        assert rec["aliases"] == list(A.asset_aliases(name))
    listing = T.call_tool(plant, "iot.assets", {"site_name": A.site_aliases(site)[0]})
    assert listing["site_name"] == site
    row = next(r for r in listing["assets"] if r["asset_id"] == name)
    assert row["aliases"] == list(A.asset_aliases(name))


def test_history_and_tsfm_resolve_alias_sensors(plant):
    canonical = T.call_tool(
        plant,
        "iot.history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 6",
            "start": "2020-06-01",
            "sensors": ["Chiller 6 Condenser Water Flow", "Chiller 6 Tonnage"],
        },
    )
    aliased = T.call_tool(
        plant,
        "iot.history",
        {
            "site_name": "the main campus",
            "asset_id": "chiller no. 6",
            "start": "2020-06-01",
            "sensors": [
                "CH-6 Condenser Water Flow",
                "the York machine in Central Plant B1 Tonnage",
            ],
        },
    )
    assert aliased["asset_id"] == "Chiller 6" and aliased["site_name"] == "MAIN"
    assert aliased["sensors"] == ["Chiller 6 Condenser Water Flow", "Chiller 6 Tonnage"]
    assert aliased["observations"] == canonical["observations"]
    assert aliased["dataset_id"] == canonical["dataset_id"]
    ad = T.call_tool(
        plant,
        "tsfm.run_tsad",
        {"dataset_id": aliased["dataset_id"], "target_columns": ["chiller #6 Tonnage"]},
    )
    assert ad["results"][0]["target"] == "Chiller 6 Tonnage"
    fc = T.call_tool(
        plant,
        "tsfm.run_tsfm_forecasting",
        {
            "dataset_id": aliased["dataset_id"],
            "target_columns": ["CH-6 Condenser Water Flow"],
            "forecast_horizon": 4,
        },
    )
    assert list(fc["forecast"]) == ["Chiller 6 Condenser Water Flow"]
    # another asset's alias is not this asset's sensor
    with pytest.raises(T.ToolError) as exc:
        T.call_tool(
            plant,
            "iot.history",
            {
                "site_name": "MAIN",
                "asset_id": "CH-6",
                "start": "2020-06-01",
                "sensors": ["CH-4 Tonnage"],
            },
        )
    assert exc.value.code == "unknown_sensor"
    with pytest.raises(T.ToolError) as exc:
        T.call_tool(
            plant,
            "tsfm.run_tsad",
            {"dataset_id": aliased["dataset_id"], "target_columns": ["CH-4 Tonnage"]},
        )
    assert exc.value.code == "unknown_column"


def test_fmsr_tools_resolve_aliases(plant):
    fm = T.call_tool(plant, "fmsr.get_failure_modes", {"asset_name": "CQPA air handler 2B"})
    assert fm["asset_name"] == "CQPA AHU 2B" and fm["asset_type"] == "ahu"
    canonical = T.call_tool(
        plant,
        "fmsr.get_failure_mode_sensor_mapping",
        {"asset_name": "Chiller 9", "sensors": ["Chiller 9 Condenser Water Flow"]},
    )
    aliased = T.call_tool(
        plant,
        "fmsr.get_failure_mode_sensor_mapping",
        {"asset_name": "CH-9", "sensors": ["chiller no. 9 Condenser Water Flow"]},
    )
    assert aliased == canonical and aliased["pairs"]


def test_wo_tools_resolve_aliases(plant):
    args = {"site_id": "ANNEX", "asset_num": "CWC04013", "date_from": "2019-01-01"}
    canonical = T.call_tool(plant, "wo.list_workorders", args)
    aliased = T.call_tool(
        plant,
        "wo.list_workorders",
        dict(
            args,
            site_id="the annex building",
            asset_num="the round-the-clock Carrier in the Annex plant room",
        ),
    )
    assert aliased == canonical and canonical["total"] > 0
    ev = T.call_tool(plant, "wo.list_events", {"equipment_id": "CH-13", "page_size": 5})
    assert ev["equipment_id"] == "CWC04013" and ev["asset_name"] == "Chiller 13"
    rules = T.call_tool(plant, "wo.list_alert_rules", {"equipment_id": "CQPB-AHU-1"})
    assert rules["rules"] and all(r["equipment_id"] == "AHU06001" for r in rules["rules"])
    k1 = T.call_tool(plant, "wo.get_workorder_kpis", {"site_id": "MAIN", "asset_num": "CWC04006"})
    k2 = T.call_tool(
        plant, "wo.get_workorder_kpis", {"site_id": "the main campus", "asset_num": "CWC04006"}
    )
    assert k1 == k2
    d1 = T.call_tool(plant, "wo.get_failure_code_distribution", {"asset_num": "CWC04006"})
    d2 = T.call_tool(plant, "wo.get_failure_code_distribution", {"asset_num": "CH-6"})
    assert d1["distribution"] == d2["distribution"]
    wo = canonical["workorders"][0]["wonum"]
    got = T.call_tool(plant, "wo.get_workorder", {"wonum": wo, "site_id": "the annex building"})
    assert got["wonum"] == wo


def test_rest_service_resolves_aliases_and_keeps_canonical_candidates(plant):
    with TestClient(create_app(plant=plant)) as c:
        r = c.post("/iot/get_asset", json={"site_name": "the main campus", "asset_id": "CH-6"})
        assert r.status_code == 200 and r.json()["asset_id"] == "Chiller 6"
        assert "CH-6" in r.json()["aliases"]
        r = c.post("/iot/get_asset", json={"site_name": "MAIN", "asset_id": "CH-7"})
        assert r.status_code == 404 and r.json()["code"] == "unknown_asset"
        valid = r.json()["details"]["valid"]
        assert valid == [a.name for a in C.ASSETS if a.site == "MAIN"]
        r = c.post("/iot/assets", json={"site_name": "the moon"})
        assert r.status_code == 404 and r.json()["details"]["valid"] == sorted(C.SITES)
