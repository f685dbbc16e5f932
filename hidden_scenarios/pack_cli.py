"""``python -m hidden_scenarios pack new|validate|stats|export|preview PATH``:
authoring tools for scenario packs (docs/scenarios.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hidden_scenarios.pack import Pack, PackError, archive, load_pack, read_files

pack_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Scenario packs: author, check, ship."
)

PathArg = Annotated[Path, typer.Argument(help="pack directory or .tar.gz")]
SeedOpt = Annotated[
    str | None,
    typer.Option("--seed", help="hidden-set seed (default: ARENA_HIDDEN_SEED)"),
]
PoolOpt = Annotated[
    str, typer.Option("--pool", help="'hidden' (what a deployment scores) or 'public'")
]

_NEW_PACK = """\
# A scenario pack (docs/scenarios.md). Keep a secret pack out of every
# repository and image; deploy it with `make deploy PACK=/path/to/pack`.
name: {name}
version: "1"
description: >-
  What this pack measures, for the operators who deploy it.
plant_seed: {plant_seed}
visibility: secret
# Vary how entities are written so that agents must resolve them with tools.
surface:
  assets: varied
  dates: varied
templates:
  - templates/example.yaml
"""

_NEW_TEMPLATES = """\
# Each entry binds phrasings and instance counts to a ground-truth kind of the
# engine (`python -m hidden_scenarios pack kinds` lists them with their slots).
templates:
  - id: example.sensor_list
    kind: iot.asset_sensors
    instances: {public: 0, hidden: 3}
    phrasings:
      - "For {asset} at site {site}, which sensors can I query? Full names, please."
      - "A technician asks what {asset} measures ({site} site). List every sensor it reports."
  - id: example.daily_peak
    kind: iot.sensor_daily_stat
    instances: {public: 0, hidden: 3}
    where: {stat: [max]}
    phrasings:
      - "How high did {sensor} go on {day}? The unit sits at site {site}."
      - "Give the {word} {kind} that {asset} logged on {human}."
"""


def _fail(e: Exception) -> None:
    typer.echo(f"error: {e}", err=True)
    raise typer.Exit(2)


def _load(path: Path) -> Pack:
    try:
        return load_pack(path)
    except PackError as e:
        _fail(e)
        raise  # unreachable


def _seed(seed: str | None) -> str:
    if seed:
        return seed
    from services.settings import get_settings

    return get_settings().hidden_seed


def _instances(pack: Pack, pool: str, seed: str | None) -> list[Any]:
    from hidden_scenarios import sets
    from hidden_scenarios.instantiate import TemplateExhausted
    from hidden_scenarios.validate import ScenarioError

    if pool not in ("hidden", "public"):
        _fail(PackError("bad_value", "--pool is 'hidden' or 'public'"))
    try:
        if pool == "public":
            return sets.public_set(seed, pack=pack)
        return sets.hidden_set(_seed(seed), pack=pack)
    except (TemplateExhausted, ScenarioError, PackError) as e:
        _fail(e)
        raise  # unreachable


@pack_app.command()
def new(
    path: Annotated[Path, typer.Argument(help="directory to create")],
    name: Annotated[str | None, typer.Option("--name", help="pack name")] = None,
) -> None:
    """Create a pack skeleton with a worked example."""
    if path.exists():
        _fail(PackError("exists", f"{path} already exists"))
    from services.settings import get_settings

    (path / "templates").mkdir(parents=True)
    (path / "pack.yaml").write_text(
        _NEW_PACK.format(name=name or path.name, plant_seed=get_settings().plant_seed)
    )
    (path / "templates" / "example.yaml").write_text(_NEW_TEMPLATES)
    typer.echo(f"created {path}; next: python -m hidden_scenarios pack validate {path}")


@pack_app.command()
def kinds() -> None:
    """The engine's ground-truth kinds and the slots their phrasings may use."""
    from hidden_scenarios.templates import KINDS

    for kid, kind in KINDS.items():
        typer.echo(f"{kid:32s} {kind.output_format:5s} slots: {', '.join(kind.slots)}")


@pack_app.command()
def validate(
    path: PathArg,
    seed: SeedOpt = None,
    oracle: Annotated[
        bool,
        typer.Option("--oracle/--no-oracle", help="run the reference solver on every instance"),
    ] = True,
) -> None:
    """Check structure, instantiate both pools, and (default) prove every
    instance solvable by running the oracle against the asset-data service."""
    from hidden_scenarios.sets import plant_context
    from hidden_scenarios.verify import verify_set

    pack = _load(path)
    pools = {"hidden": _instances(pack, "hidden", seed)}
    if any(t.public_n for t in pack.templates):
        pools["public"] = _instances(pack, "public", None)
    typer.echo(
        f"pack {pack.label} ({pack.digest[:19]}): {len(pack.templates)} templates, "
        + ", ".join(f"{len(v)} {k} scenarios" for k, v in pools.items())
    )
    if not oracle:
        typer.echo("ok (structure only)")
        return
    failed = 0
    plant = plant_context(pack.plant_seed).plant
    for pool, scenarios in pools.items():
        failures, _ = verify_set(scenarios, plant, prefix=f"validate-{pool}", pack=pack)
        by_id = {s.id: s for s in scenarios}
        for sid, problems in failures.items():
            failed += 1
            for problem in problems:
                typer.echo(
                    f"error: {pool} {sid} (template {by_id[sid].template!r}): {problem}", err=True
                )
    if failed:
        typer.echo(f"{failed} scenario(s) the oracle cannot solve", err=True)
        raise typer.Exit(2)
    typer.echo("ok: the oracle solves every instance")


@pack_app.command()
def stats(
    path: PathArg,
    seed: SeedOpt = None,
    pool: PoolOpt = "hidden",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """The pack and the distribution of the set it yields (no scenario text)."""
    from hidden_scenarios.stats import set_stats

    pack = _load(path)
    st = {
        "pack": {
            "name": pack.name,
            "version": pack.version,
            "digest": pack.digest,
            "visibility": pack.visibility,
            "templates": len(pack.templates),
            "kinds": sorted({t.kind for t in pack.templates}),
            "phrasings": sum(len(t.phrasings) for t in pack.templates),
        },
        "pool": pool,
        **set_stats(_instances(pack, pool, seed)),
    }
    if as_json:
        typer.echo(json.dumps(st, indent=2))
        return
    p = st["pack"]
    typer.echo(f"pack {p['name']} {p['version']} {p['digest']} ({p['visibility']})")
    typer.echo(
        f"templates: {p['templates']}  kinds: {len(p['kinds'])}  phrasings: {p['phrasings']}"
    )
    typer.echo(
        f"{pool} scenarios: {st['total']}  faulted: {st['faulted']} ({st['fault_share']:.0%})  "
        f"ambiguous: {st['ambiguous']}"
    )
    for key in ("family", "task_type", "track", "output_format"):
        typer.echo(f"{key}: " + ", ".join(f"{k}={v}" for k, v in st[key].items()))
    for template, share in st["answer_repeats"].items():
        typer.echo(
            f"warning: {template}: {share:.0%} of its instances expect the same answer "
            "(a constant guess would pass them; give its kind outcomes or vary its slots)"
        )


@pack_app.command()
def export(
    path: PathArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help=".tar.gz: the pack as one archive to deploy; .json/.yaml: its concrete "
            "scenarios with ground truth (operator use)",
        ),
    ],
    seed: SeedOpt = None,
    pool: PoolOpt = "hidden",
) -> None:
    """Write the pack as a reproducible .tar.gz, or its concrete scenario set."""
    pack = _load(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.name.endswith((".tar.gz", ".tgz")):
        out.write_bytes(archive(read_files(path)))
        typer.echo(f"wrote {out} ({pack.digest})", err=True)
        return
    scenarios = _instances(pack, pool, seed)
    doc = {
        "kind": "assetops-arena/scenarios",
        "version": 1,
        "set": pool,
        "pack": pack.record(),
        "scenarios": [s.model_dump(mode="json") for s in scenarios],
    }
    if out.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(doc, indent=1)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {len(scenarios)} scenarios to {out}", err=True)


@pack_app.command()
def preview(
    path: PathArg,
    template: Annotated[str | None, typer.Option("--template", help="one template id")] = None,
    n: Annotated[int, typer.Option("-n", help="instances per template")] = 3,
    seed: SeedOpt = None,
    pool: PoolOpt = "hidden",
) -> None:
    """Print rendered instances per template (text, answer kind, reference plan)."""
    pack = _load(path)
    if template is not None and pack.template(template) is None:
        _fail(PackError("unknown_template", "not in this pack", template=template))
    shown: dict[str, int] = {}
    for s in _instances(pack, pool, seed):
        if template is not None and s.template != template:
            continue
        if shown.get(s.template, 0) >= n:
            continue
        shown[s.template] = shown.get(s.template, 0) + 1
        plan = " -> ".join(f"{st.agent}.{st.tool}" for st in s.expectation.reference_plan)
        typer.echo(f"[{s.template}] {s.id} ({s.expectation.check.kind}; {plan or 'no tools'})")
        typer.echo(f"  {s.text}")


@pack_app.command()
def paraphrase(
    path: Annotated[Path, typer.Argument(help="pack directory")],
    template: Annotated[str, typer.Option("--template", help="template id")],
    model: Annotated[str, typer.Option("--model", help="litellm model id (the operator's)")],
    n: Annotated[int, typer.Option("-n", help="phrasings to ask for")] = 5,
) -> None:
    """Propose new phrasings for one template through the operator's model;
    writes them to PATH/proposals/<template>.yaml for review (never read by
    the engine: move the ones you keep into a template file)."""
    import yaml

    from hidden_scenarios.paraphrase import propose

    if not path.is_dir():
        _fail(PackError("not_a_pack", f"{path} is not a pack directory"))
    bound = _load(path).template(template)
    if bound is None:
        _fail(PackError("unknown_template", "not in this pack", template=template))
        return
    try:
        proposals = propose(bound, model, n)
    except Exception as e:  # the provider's error, in one line
        _fail(PackError("model_error", f"{type(e).__name__}: {str(e)[:300]}"))
        return
    kept = [p.text for p in proposals if p.accepted]
    out = path / "proposals" / f"{template}.yaml"
    out.parent.mkdir(exist_ok=True)
    doc = {
        "template": template,
        "model": model,
        "proposals": kept,
        "dropped": [{"text": p.text, "reason": p.reason} for p in proposals if not p.accepted],
    }
    out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
    typer.echo(f"{len(kept)} proposal(s) for review in {out}")
