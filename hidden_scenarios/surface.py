"""Surface forms of the entities a scenario text names.

A pack that enables them writes an asset by its canonical name or one of its
aliases ("Chiller 6", "chiller no. 6", "CH-6") and a date or timestamp in one
of several styles ("2020-06-01", "June 1, 2020", "1 June 2020"). The seed picks
the form; the plant knows every alias and the tools resolve them
(services/assetdata/aliases.py), so an agent that resolves names through the
tools keeps its credit and one that parses them with a pattern does not.

Only whole slot values are rewritten (a slot holding exactly an asset name, a
sensor name that starts with one, a date or a timestamp); one entity keeps
one form within a text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

SurfaceMode = Literal["canonical", "varied"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
_HUMAN_DATE = "%B %-d, %Y"


def _date_forms(d: date) -> list[str]:
    return [
        d.isoformat(),
        d.strftime("%B %-d, %Y"),
        d.strftime("%-d %B %Y"),
        d.strftime("%b %-d, %Y"),
        d.strftime("%A, %B %-d, %Y"),
    ]


def _time_forms(t: datetime) -> list[str]:
    hm = t.strftime("%H:%M")
    return [
        t.strftime("%Y-%m-%dT%H:%M:%S"),
        t.strftime("%Y-%m-%d %H:%M"),
        f"{hm} on {t.strftime('%B %-d, %Y')}",
        f"{t.strftime('%-d %B %Y')}, {hm}",
    ]


def _parse_human(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%B %d, %Y").date()
    except ValueError:
        return None


@dataclass(frozen=True)
class Surface:
    """A pack entry's surface rules (``canonical`` leaves a value as it is)."""

    assets: SurfaceMode = "canonical"
    dates: SurfaceMode = "canonical"
    # Re-renders the same scenarios with other forms (invariance checks);
    # nothing else about a scenario depends on it.
    salt: str = ""

    @property
    def varied(self) -> bool:
        return self.assets == "varied" or self.dates == "varied"

    def render(self, values: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        chosen: dict[str, str] = {}
        # sorted: the forms drawn do not depend on the order build passed them
        return {
            k: self._value(values[k], rng, chosen) if isinstance(values[k], str) else values[k]
            for k in sorted(values)
        }

    def _pick(self, key: str, forms: list[str], rng: random.Random, chosen: dict[str, str]) -> str:
        if key not in chosen:
            chosen[key] = rng.choice(forms)
        return chosen[key]

    def _value(self, value: str, rng: random.Random, chosen: dict[str, str]) -> str:
        if self.assets == "varied":
            from services.assetdata.aliases import asset_aliases, canonical_asset

            if canonical_asset(value) == value:
                return self._pick(value, [value, *asset_aliases(value)], rng, chosen)
            # a sensor name "<asset> <kind>": the longest asset-name prefix
            words = value.split(" ")
            for n in range(len(words) - 1, 0, -1):
                asset = " ".join(words[:n])
                if canonical_asset(asset) == asset:
                    form = self._pick(asset, [asset, *asset_aliases(asset)], rng, chosen)
                    kind = " ".join(words[n:])
                    if len(form.split()) > 3:  # a description, not a tag: "the <kind> of <form>"
                        return f"the {kind} of {form}"
                    return f"{form} {kind}"
        if self.dates == "varied":
            if _ISO_DATE.fullmatch(value):
                d = date.fromisoformat(value)
                return self._pick(d.isoformat(), _date_forms(d), rng, chosen)
            if _ISO_TIME.fullmatch(value):
                t = datetime.fromisoformat(value.replace(" ", "T"))
                return self._pick(t.isoformat(), _time_forms(t), rng, chosen)
            human = _parse_human(value)
            if human is not None:
                return self._pick(human.isoformat(), _date_forms(human), rng, chosen)
        return value
