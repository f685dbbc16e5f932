"""``python -m hidden_scenarios stats|export|validate`` and
``python -m hidden_scenarios pack new|validate|stats|export|preview PATH``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hidden_scenarios.pack import PackError
from hidden_scenarios.pack_cli import pack_app
from hidden_scenarios.stats import set_stats
from hidden_scenarios.validate import ScenarioError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="AssetOps Arena scenario sets")
app.add_typer(pack_app, name="pack")

SeedOpt = Annotated[
    str | None, typer.Option("--seed", help="set seed (default: public seed / ARENA_HIDDEN_SEED)")
]
PublicOpt = Annotated[
    bool, typer.Option("--public", help="the public validation set instead of the hidden set")
]
FileOpt = Annotated[
    Path | None,
    typer.Option("--file", help="an operator scenario file (YAML/JSON) instead of a seed"),
]
PlantOpt = Annotated[
    int | None, typer.Option("--plant-seed", help="plant seed (default: the pack's)")
]
PackOpt = Annotated[
    Path | None,
    typer.Option(
        "--pack", help="scenario pack (default: ARENA_SCENARIO_PACK, else the public pack)"
    ),
]


def _pack_path(pack: Path | None) -> Path | None:
    if pack is not None:
        return pack
    from services.settings import get_settings

    return get_settings().scenario_pack


def _select(
    seed: str | None,
    public: bool,
    file: Path | None,
    plant_seed: int | None,
    pack: Path | None = None,
):
    from hidden_scenarios import sets

    if file is not None:
        return sets.load_file(file)
    chosen = _pack_path(pack)
    if public:
        return sets.public_set(seed, plant_seed=plant_seed, pack=chosen)
    if seed is None:
        from services.settings import get_settings

        seed = get_settings().hidden_seed
    return sets.hidden_set(seed, plant_seed=plant_seed, pack=chosen)


def _fail(e: Exception) -> None:
    typer.echo(f"error: {e}", err=True)
    raise typer.Exit(2)


@app.command()
def stats(
    seed: SeedOpt = None,
    public: PublicOpt = False,
    file: FileOpt = None,
    plant_seed: PlantOpt = None,
    pack: PackOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Counts per family / task type / category / track, fault share, ambiguous."""
    try:
        st = set_stats(_select(seed, public, file, plant_seed, pack))
    except (ScenarioError, PackError) as e:
        _fail(e)
    if as_json:
        typer.echo(json.dumps(st, indent=2))
        return
    typer.echo(
        f"scenarios: {st['total']}  faulted: {st['faulted']} ({st['fault_share']:.0%})  "
        f"ambiguous: {st['ambiguous']}"
    )
    for key in ("family", "task_type", "category", "track", "output_format"):
        typer.echo(f"{key}: " + ", ".join(f"{k}={v}" for k, v in st[key].items()))


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="output file (.json, or .yaml/.yml)")],
    seed: SeedOpt = None,
    public: PublicOpt = False,
    plant_seed: PlantOpt = None,
    pack: PackOpt = None,
) -> None:
    """Write the concrete scenario set (operator use: contains the ground truth)."""
    try:
        scenarios = _select(seed, public, None, plant_seed, pack)
    except (ScenarioError, PackError) as e:
        _fail(e)
    doc = {
        "kind": "assetops-arena/scenarios",
        "version": 1,
        "set": "public" if public else "hidden",
        "scenarios": [s.model_dump(mode="json") for s in scenarios],
    }
    if out.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(doc, indent=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {len(scenarios)} scenarios to {out}", err=True)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="operator scenario file")]) -> None:
    """Load and validate an operator file; exit 2 with the first problem."""
    from hidden_scenarios import sets

    try:
        scenarios = sets.load_file(file)
    except ScenarioError as e:
        _fail(e)
    typer.echo(f"ok: {len(scenarios)} scenarios")


def main() -> None:
    app(prog_name="python -m hidden_scenarios")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
