"""The re-identification scan (bench/diagnosis/reid_scan.py) scores a
candidate "join the nearest entry by centroid rank" rule: a join to an entry
the same defect opened is right, to another defect's entry wrong, and an
unnamed novel defect is newly named only when a top-2 cluster would join its
first sighting's entry."""

from __future__ import annotations

from bench.diagnosis.reid_scan import grid


def _point(rows: list[dict], floor: float, margin: float, term: bool) -> dict:
    return next(
        g for g in rows if (g["floor"], g["margin"], g["shared_term"]) == (floor, margin, term)
    )


DATA = {
    "owner": {"fc-a": "alpha", "fc-b": "beta", "fc-a2": "alpha", "fc-g": "gamma"},
    "rows": [
        {"defect": "alpha", "named": False, "reference_novel_key": "fc-a"},
        {"defect": "gamma", "named": True, "reference_novel_key": "fc-g"},
    ],
    "records": [
        # alpha's reworded cluster: nearest its own first sighting, in its top 2
        {
            "defect": "alpha",
            "phase": "measured",
            "key": "fc-a2",
            "size": 5,
            "top": "fc-a",
            "s1": 0.64,
            "s2": 0.55,
            "term": True,
            "top2_keys": ["fc-x", "fc-a2"],
        },
        # gamma's cluster nearest beta's entry: a wrong merge, with no shared term
        {
            "defect": "gamma",
            "phase": "measured",
            "key": "fc-g2",
            "size": 4,
            "top": "fc-b",
            "s1": 0.60,
            "s2": 0.50,
            "term": False,
            "top2_keys": ["fc-g2"],
        },
        # too small to count; and a first sighting is never scored
        {
            "defect": "gamma",
            "phase": "measured",
            "key": "fc-g3",
            "size": 2,
            "top": "fc-b",
            "s1": 0.90,
            "s2": 0.10,
            "term": True,
            "top2_keys": [],
        },
        {
            "defect": "beta",
            "phase": "first",
            "key": "fc-b",
            "size": 9,
            "top": "fc-a",
            "s1": 0.90,
            "s2": 0.10,
            "term": True,
            "top2_keys": [],
        },
    ],
}


def test_right_wrong_and_newly_named_per_grid_point() -> None:
    rows = grid(DATA)
    low = _point(rows, 0.58, 0.03, False)
    assert (low["joined_right"], low["joined_wrong"], low["newly_named"]) == (1, 1, ["alpha"])
    # a shared term keeps alpha's join and drops the wrong merge
    termed = _point(rows, 0.58, 0.03, True)
    assert (termed["joined_right"], termed["joined_wrong"]) == (1, 0)
    # a floor above gamma's cosine drops its merge; above alpha's, everything
    assert _point(rows, 0.62, 0.0, False)["joined_wrong"] == 0
    high = _point(rows, 0.66, 0.0, False)
    assert (high["joined_right"], high["joined_wrong"], high["newly_named"]) == (0, 0, [])
    # alpha leads its runner-up by 0.09: a margin counts only below that
    assert _point(rows, 0.40, 0.05, False)["joined_right"] == 1
