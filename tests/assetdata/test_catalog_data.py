"""The plant's static definition is data (services/assetdata/data/plant/*.yaml,
issue 21); catalog.py types it and refuses files that contradict themselves."""

from __future__ import annotations

import dataclasses

import pytest

from services.assetdata import catalog as C


def _check_with(**overrides: object) -> None:
    args: dict[str, object] = {
        "sensor_kinds": C.SENSOR_KINDS,
        "failure_codes": C.FAILURE_CODES,
        "indicators": C.INDICATORS,
        "failure_modes": C.FAILURE_MODES,
        "alert_rules": C.ALERT_RULES,
        "assets": C.ASSETS,
        "sites": C.SITES,
    }
    args.update(overrides)
    C._check(**args)  # type: ignore[arg-type]


def test_the_data_files_hold_the_whole_plant() -> None:
    assert len(C.FAILURE_MODES) == 53
    assert {a.asset_type for a in C.ASSETS} == {"chiller", "ahu"}
    assert C.CHILLER_SENSORS is C.SENSOR_KINDS["chiller"]
    # types survive the round trip through YAML: an int stays an int
    ch01 = next(fm for fm in C.FAILURE_MODES if fm.code == "CH01")
    assert ch01.effects[0] == C.Effect("latent:discharge_add", "add", 24)
    assert isinstance(ch01.effects[0].value, int)
    assert ch01.relevance[0] == ("Compressor Discharge Temperature", 0.95)
    # a season named in the file is the season's months
    seasonal = [fm for fm in C.FAILURE_MODES if fm.months == C.COOL_SEASON]
    assert seasonal and C.COOL_SEASON == (6, 7, 8, 9)
    _check_with()  # the shipped files are consistent


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            lambda: {
                "failure_modes": (
                    dataclasses.replace(C.FAILURE_MODES[0], relevance=(("Warp Core", 1.0),)),
                    *C.FAILURE_MODES[1:],
                )
            },
            "unknown sensor kind 'Warp Core'",
        ),
        (
            lambda: {
                "failure_modes": (
                    dataclasses.replace(C.FAILURE_MODES[0], failure_code="MT999"),
                    *C.FAILURE_MODES[1:],
                )
            },
            "unknown failure code MT999",
        ),
        (
            lambda: {
                "alert_rules": (
                    dataclasses.replace(C.ALERT_RULES[0], indicator="no_such_indicator"),
                )
            },
            "unknown indicator no_such_indicator",
        ),
        (lambda: {"failure_modes": C.FAILURE_MODES[:52]}, "expected 53 failure modes"),
    ],
)
def test_contradictory_data_is_refused_at_import(override, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(C.CatalogError, match=message):
        _check_with(**override())


def test_an_unknown_season_is_refused() -> None:
    raw = {
        "code": "XX01",
        "name": "x",
        "asset_type": "chiller",
        "component": "x",
        "failure_code": "MT001",
        "description": "x",
        "effects": [],
        "relevance": [],
        "indicator": "condenser_approach",
        "signature": "up",
        "months": "monsoon",
    }
    with pytest.raises(C.CatalogError, match="unknown season 'monsoon'"):
        C._failure_mode(raw, C.SEASONS)
