"""Diagnosis benchmark (issue 19): do the failure clusters of a submission
name what is wrong with the agent, on agents the evaluator was never tuned on?

    .venv/bin/python bench/bench_diagnosis.py                      # in-process, public set
    .venv/bin/python bench/bench_diagnosis.py --path docker        # through `assetops validate`
    .venv/bin/python bench/bench_diagnosis.py --set hidden         # the public pack's hidden pool
    .venv/bin/python bench/bench_diagnosis.py --write-docs         # figures into docs/benchmarks.md

Defect agents (bench/diagnosis/defects.yaml, bench/diagnosis/agents/
defect_agent.py): the baseline with one known defect each, 8 "tune" and 8
"heldout" defects (random split, seed 19, fixed before any tuning). Each
runs over the scenario set through the real path (in-process harness or
the docker path of ``assetops validate``); its runs are one submission,
evaluated by ``evaluator.aggregate.failure_analysis`` (detectors + the
optional LLM extractor, here the scripted provider of
bench/diagnosis/mock_llm.py, + clustering + catalog), as the worker does.

Protocol (one catalog for the whole run, as on a server):
1. reference submissions: every defect once, the reviewer writing in the
   "tune" phrasing half (the catalog's first sighting of each failure);
2. measured submissions: every defect again, the reviewer writing in the
   held-out phrasing half ("heldout") — or "tune" with ``--phrasings tune``.
A defect is *named* when one of the measured submission's two largest
clusters carries one of its codes, or (novel defects) is the catalog entry
of the largest novel cluster of its reference submission (same key: a
stable novel cluster). ARI: the measured submissions' statements of a
half, pooled and clustered as one corpus, against their defect.

Runs are cached (``--cache``; agents do not depend on the evaluator), so
evaluator changes are re-measured in seconds with the same runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.diagnosis import mock_llm  # noqa: E402
from contracts.run import ScenarioRun  # noqa: E402

DEFECTS_FILE = ROOT / "bench" / "diagnosis" / "defects.yaml"
DEFAULT_CACHE = Path("/tmp/arena-diagnosis-runs")
TOP = 2
# "fresh": second-round held-out defects, written before the second round of
# evaluator changes and measured after them; "fresh2": third-round ones,
# written before the third round (the learned code mapping) and measured
# after it (--half fresh2 or all); "fresh3": fourth-round ones, written
# before the fourth round (catalog re-identification of paraphrased novel
# failures) and measured after it (--half fresh3 or all); "fresh4": fifth-
# round ones, written before the fifth round (catalog exemplars, a
# reversed-window detector) and measured after it (--half fresh4 or all);
# "fresh5": sixth-round ones, written and committed before the sixth round
# and measured once after it (--half fresh5 or all; "seen" = every half but
# fresh5, for tuning); "fresh6": seventh-round ones, the same way ("seen" =
# every half but fresh6 from the seventh round on); "fresh7": eighth-round
# ones, written by a second author who never read the detectors, committed
# before the eighth round's evaluator changes and measured once after them
# ("seen" = every half but fresh7 from the eighth round on); "fresh8":
# ninth-round ones, by another author who never read the detectors, the same
# way; "fresh9": tenth-round ones, likewise; "fresh10": eleventh-round ones,
# likewise; "fresh11": twelfth-round ones, likewise; "fresh12": thirteenth-
# round ones, likewise; "fresh13": fourteenth-round ones, likewise; "fresh14":
# fifteenth-round ones, likewise; "fresh15": sixteenth-round ones, likewise;
# "fresh16": seventeenth-round ones, likewise; "fresh17": nineteenth-round
# ones, likewise. The default ("both")
# leaves the fresh ones out so that tuning runs never show them.
HALVES = (
    "tune",
    "heldout",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
    "fresh13",
    "fresh14",
    "fresh15",
    "fresh16",
    "fresh17",
)
# the batches not yet measured: --half seen leaves them out
UNSEEN: tuple[str, ...] = ()


@dataclass(frozen=True)
class Defect:
    name: str
    half: str
    codes: tuple[str, ...]
    novel: bool
    does: str


def load_defects() -> list[Defect]:
    data = yaml.safe_load(DEFECTS_FILE.read_text())
    return [
        Defect(
            name,
            d["half"],
            tuple(d.get("codes") or ()),
            bool(d.get("novel")),
            d.get("does", ""),
        )
        for name, d in sorted(data["defects"].items())
    ]


# ---- runs --------------------------------------------------------------------------------
def scenario_set(name: str) -> list[Any]:
    from tests.adversarial import harness

    return harness.scenario_set(name)


def agent_digest() -> str:
    """The defect agents' and the baseline's code, as part of a run's cache key."""
    from bench.diagnosis import runs as R

    h = hashlib.sha256()
    for f in (R.DEFECT_AGENT, R.BASELINE):
        h.update(f.read_bytes())
    return h.hexdigest()[:8]


def get_runs(
    defects: list[Defect], set_name: str, path: str, cache: Path, refresh: bool
) -> tuple[dict[str, list[ScenarioRun]], dict[str, float]]:
    """Runs per defect (from the cache when present) and wall seconds of
    the runs made now."""
    from bench.diagnosis import runs as R

    cache.mkdir(parents=True, exist_ok=True)
    scenarios = scenario_set(set_name)
    # the set's content is part of the key: a pack change means new runs
    digest = hashlib.sha256(
        json.dumps([s.model_dump(mode="json") for s in scenarios], sort_keys=True).encode()
    ).hexdigest()[:10]
    # ... and so is the agents' code: an edited mode is re-run, not read
    # back from a run of the code before
    digest += "-" + agent_digest()
    out: dict[str, list[ScenarioRun]] = {}
    walls: dict[str, float] = {}
    missing = []
    for d in defects:
        f = cache / f"{path}-{set_name}-{digest}-{d.name}.json"
        if f.exists() and not refresh:
            out[d.name] = [ScenarioRun.model_validate(r) for r in json.loads(f.read_text())]
        else:
            missing.append(d.name)
    if missing:
        t0 = time.monotonic()
        if path == "docker":
            got, walls = R.run_docker(
                missing, [s.id for s in scenarios], progress=lambda d: print(f"  ran {d}")
            )
        else:
            got = R.run_in_process(missing, scenarios, progress=lambda d: print(f"  ran {d}"))
            per = (time.monotonic() - t0) / max(1, len(missing))
            walls = {d: round(per, 1) for d in missing}
        for name, runs in got.items():
            out[name] = runs
            (cache / f"{path}-{set_name}-{digest}-{name}.json").write_text(
                json.dumps([r.model_dump(mode="json") for r in runs])
            )
    return out, walls


def baseline_passes(set_name: str, cache: Path, refresh: bool) -> set[str]:
    """Ids of the scenarios the baseline agent passes (in-process run, cached)."""
    from evaluator import score_run
    from tests.adversarial import harness

    scenarios = scenario_set(set_name)
    digest = hashlib.sha256(
        json.dumps([s.model_dump(mode="json") for s in scenarios], sort_keys=True).encode()
    ).hexdigest()[:10]
    f = cache / f"inprocess-{set_name}-{digest}-{agent_digest()}-baseline.json"
    if f.exists() and not refresh:
        runs = [ScenarioRun.model_validate(r) for r in json.loads(f.read_text())]
    else:
        with harness.asset_service() as service:
            runs = harness.run_agent(service, "baseline", scenarios)
        cache.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps([r.model_dump(mode="json") for r in runs]))
    by_id = {s.id: s for s in scenarios}
    return {r.scenario_id for r in runs if score_run(by_id[r.scenario_id], r).passed}


# ---- evaluation --------------------------------------------------------------------------
@dataclass
class Submission:
    defect: Defect
    phrasing: str
    statements: list[Any]
    clusters: list[Any]
    summaries: list[Any]  # catalog summaries, largest first
    failed_runs: int
    runs: int


def evaluate(
    defect: Defect,
    scenarios: list[Any],
    runs: list[ScenarioRun],
    catalog: dict[str, Any],
    now: datetime,
    phrasing: str,
    embedder: Any,
    llm: bool,
    params: Any = None,
) -> Submission:
    from evaluator.aggregate import failure_analysis, score_all

    scored = score_all(scenarios, runs)
    fa = failure_analysis(
        scored,
        list(catalog.values()),
        now,
        embedder=embedder,
        cluster_params=params,
        llm_failures_model=mock_llm.model_for(defect.name, phrasing, defect.novel) if llm else None,
    )
    for entry in fa.matched.updates:
        catalog[entry.key] = entry
    return Submission(
        defect,
        phrasing,
        fa.statements,
        fa.clusters,
        fa.matched.summaries,
        sum(1 for _, _, s in scored if not s.passed),
        len(scored),
    )


def reference_key(sub: Submission) -> str | None:
    """The catalog entry of the largest novel cluster of a first sighting."""
    novel = [s for s in sub.summaries if s.code is None]
    return novel[0].key if novel else None


def named(sub: Submission, ref_key: str | None) -> bool:
    for s in sub.summaries[:TOP]:
        if s.code and s.code in sub.defect.codes:
            return True
        if sub.defect.novel and s.code is None and ref_key and s.key == ref_key:
            return True
    return False


def pooled_ari(
    subs: list[Submission], embedder: Any, free_text_only: bool, params: Any = None
) -> float | None:
    """Statements of these submissions clustered as one corpus, against
    their defect."""
    from evaluator.cluster import cluster_statements

    stmts, labels = [], []
    for sub in subs:
        for st in sub.statements:
            if free_text_only and st.code != "NOVEL":
                continue
            stmts.append(st)
            labels.append(sub.defect.name)
    if len(set(labels)) < 2:
        return None
    clusters = cluster_statements(stmts, embedder, params)
    pred = np.empty(len(stmts), dtype=int)
    for k, c in enumerate(clusters):
        pred[c.members] = k
    return round(float(adjusted_rand_score(labels, pred)), 4)


def run_protocol(
    defects: list[Defect],
    scenarios: list[Any],
    runs: dict[str, list[ScenarioRun]],
    phrasing: str,
    embedder: Any,
    llm: bool = True,
    params: Any = None,
) -> dict[str, Any]:
    catalog: dict[str, Any] = {}
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    refs: dict[str, Submission] = {}
    for i, d in enumerate(defects):
        refs[d.name] = evaluate(
            d,
            scenarios,
            runs[d.name],
            catalog,
            t0 + timedelta(minutes=i),
            "tune",
            embedder,
            llm,
            params,
        )
    measured: dict[str, Submission] = {}
    for i, d in enumerate(defects):
        measured[d.name] = evaluate(
            d,
            scenarios,
            runs[d.name],
            catalog,
            t0 + timedelta(hours=1, minutes=i),
            phrasing,
            embedder,
            llm,
            params,
        )
    rows = []
    for d in defects:
        sub = measured[d.name]
        ref = reference_key(refs[d.name]) if d.novel else None
        rows.append(
            {
                "defect": d.name,
                "half": d.half,
                "expected": list(d.codes) + (["novel"] if d.novel else []),
                "top2": [s.code or f"novel:{s.label}" for s in sub.summaries[:TOP]],
                "top2_keys": [s.key for s in sub.summaries[:TOP]],
                "reference_novel_key": ref,
                "named": named(sub, ref),
                "statements": len(sub.statements),
                "failed_runs": sub.failed_runs,
                "runs": sub.runs,
            }
        )
    out: dict[str, Any] = {"rows": rows, "halves": {}}
    for half in HALVES:
        hs = [r for r in rows if r["half"] == half]
        if not hs:
            continue
        subs = [measured[d.name] for d in defects if d.half == half]
        out["halves"][half] = {
            "named": sum(r["named"] for r in hs),
            "defects": len(hs),
            "ari_all": pooled_ari(subs, embedder, False, params),
            "ari_free_text": pooled_ari(subs, embedder, True, params) if llm else None,
        }
    return out


# ---- report ------------------------------------------------------------------------------
def print_report(res: dict[str, Any], header: str) -> None:
    print(f"\n## {header}")
    for r in res["rows"]:
        mark = "NAMED" if r["named"] else "missed"
        print(
            f"  [{r['half']:7}] {r['defect']:22} {mark:6} expected={r['expected']} "
            f"top2={r['top2']} ({r['statements']} statements, "
            f"{r['failed_runs']}/{r['runs']} failed)"
        )
    for half, h in res["halves"].items():
        print(
            f"  {half}: named {h['named']}/{h['defects']}, ARI all {h['ari_all']}, "
            f"free text {h['ari_free_text']}"
        )


DOCS_HEADING = "## Diagnosis (issue 19)"


def diagnose(args: argparse.Namespace, embedder_name: str) -> dict[str, Any]:
    from evaluator.embed import get_embedder

    defects = load_defects()
    if args.defects:
        wanted = set(args.defects.split(","))
        defects = [d for d in defects if d.name in wanted]
    if args.half == "both":
        defects = [d for d in defects if d.half in ("tune", "heldout")]
    elif args.half == "seen":
        defects = [d for d in defects if d.half not in UNSEEN]
    elif args.half != "all":
        halves = set(args.half.split(","))
        defects = [d for d in defects if d.half in halves]
    scenarios = scenario_set(args.set)
    t0 = time.monotonic()
    runs, walls = get_runs(defects, args.set, args.path, args.cache, args.refresh)
    if args.runs_only:
        return {"embedder": embedder_name, "runs": {d: len(r) for d, r in runs.items()}}
    # Only scenarios the defect-free baseline passes: there a failure of a
    # variant is its defect's doing (the baseline's own misses would be
    # the same in every variant and say nothing about the defect).
    baseline = baseline_passes(args.set, args.cache, args.refresh)
    total = len(scenarios)
    scenarios = [s for s in scenarios if s.id in baseline]
    runs = {d: [r for r in rs if r.scenario_id in baseline] for d, rs in runs.items()}
    run_wall = time.monotonic() - t0
    embedder = get_embedder(embedder_name)
    t1 = time.monotonic()
    params = None
    if args.params or args.code_model:
        from dataclasses import replace

        from evaluator.cluster import code_model_params, default_params

        base = code_model_params(embedder.id) if args.code_model else default_params(embedder.id)
        params = replace(base, **json.loads(args.params or "{}"))
    res = run_protocol(
        defects, scenarios, runs, args.phrasings, embedder, llm=not args.no_llm, params=params
    )
    res.update(
        path=args.path,
        set=args.set,
        scenarios=len(scenarios),
        scenarios_in_set=total,
        phrasings=args.phrasings,
        embedder=embedder.id + ("+codes" if args.code_model else ""),
        llm=not args.no_llm,
        run_wall_s=round(run_wall, 1),
        agent_walls=walls,
        eval_wall_s=round(time.monotonic() - t1, 1),
    )
    print_report(
        res,
        f"{args.path} / {args.set} set ({len(scenarios)} of {total} scenarios: the baseline "
        f"passes them) / reviewer phrasings {args.phrasings} / {embedder.id}",
    )
    return res


def to_markdown(out: dict[str, Any], cmd: str) -> str:
    lines = [DOCS_HEADING, ""]
    lines.append(f"Command: `{cmd}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC; 2 shared cores).")
    lines.append("")
    diag = out.get("diagnosis", {})
    if diag:
        first = next(iter(diag.values()))
        lines += [
            "Defect agents: bench/diagnosis/defects.yaml: 8 tune + 8 held-out defects (split "
            "seed 19, fixed before the first round of tuning; the held-out ones were analysed "
            "after their measurement, so they are *seen* from the second round on) + 6 fresh "
            "defects (written with their expected codes before the second round of evaluator "
            "changes, measured once after it; seen from the third round on) + 6 fresh2 "
            "defects (written and committed before the third round, the learned code mapping, "
            "measured once after it, with and without the mapping; seen from the fourth "
            "round on) + 5 fresh3 defects (written and committed before the fourth round, "
            "catalog re-identification of reworded novel failures, measured once after it; "
            "seen from the fifth round on) + 7 fresh4 defects (written and committed before "
            "the fifth round, catalog exemplars and a reversed-window detector, measured once "
            "after it; seen from the sixth round on) + 8 fresh5 defects (written and committed "
            "before the sixth round, measured once after it; seen from the seventh round on) + "
            "8 fresh6 defects (written and committed before the seventh round, measured once "
            "after it; seen from the eighth round on) + 12 fresh7 defects (written by a second "
            "author who never read the detectors, committed before the eighth round, measured "
            "once after it; seen from the ninth round on) + 12 fresh8 defects (written by "
            "another author who never read the detectors, committed before the ninth round's "
            "evaluator changes were measured, measured once after them; seen from the tenth round "
            "on) + 12 fresh9 defects (the same way, before the tenth round; seen from the "
            "eleventh round on) + 12 fresh10 defects (the same way, before the eleventh round; "
            "seen from the twelfth round on) + 12 fresh11 defects (the same way, before the "
            "twelfth round; seen from the thirteenth round on) + 12 fresh12 defects (the same "
            "way, by a sixth author, before the thirteenth round; seen from the fourteenth round "
            "on) + 12 fresh13 defects (by a seventh author, before the fourteenth round) + 12 "
            "fresh14 defects (by an eighth author, before the fifteenth round) + 12 fresh15 "
            "defects (by a ninth author, before the sixteenth round) + 12 fresh16 defects (by "
            "a tenth author, before the seventeenth round) + 12 fresh17 defects (by an "
            "eleventh author, before the nineteenth round) where measured. "
            f"Runs: `{first['path']}` path, {first['set']} set, "
            f"{first['scenarios']} of {first['scenarios_in_set']} scenarios (those the "
            "defect-free baseline passes). Statements: detectors + the LLM extractor through "
            "litellm with the scripted provider bench/diagnosis/mock_llm.py; reference "
            "submissions in the reviewer's tune phrasings, measured submissions in its "
            f"{first['phrasings']} phrasings. Named = one of the two largest clusters carries "
            "an expected code, or (novel defects) is the catalog entry of the defect's "
            "first sighting.",
            "",
            "| embedder | half | named in top-2 | ARI (all statements) | ARI (free text) |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for emb, res in diag.items():
            for half, h in res["halves"].items():
                note = {
                    "tune": " (tuned on)",
                    "heldout": " (seen from round 2)",
                    "fresh": " (seen from round 3)",
                    "fresh2": " (seen from round 4)",
                    "fresh3": " (seen from round 5)",
                    "fresh4": " (seen from round 6)",
                    "fresh5": " (seen from round 7)",
                    "fresh6": " (seen from round 8)",
                    "fresh7": " (seen from round 9)",
                    "fresh8": " (seen from round 10)",
                    "fresh9": " (seen from round 11)",
                    "fresh10": " (seen from round 12)",
                    "fresh11": " (seen from round 13)",
                    "fresh12": " (seen from round 14)",
                    "fresh13": " (seen from round 15)",
                    "fresh14": " (seen from round 16)",
                    "fresh15": " (measured once, round 16; seen from round 17)",
                    "fresh16": " (measured once, round 17; seen from round 18)",
                    "fresh17": " (measured once, round 19; seen from round 20)",
                }.get(half, "")
                lines.append(
                    f"| {emb} | {half}{note} | "
                    f"{h['named']}/{h['defects']} | {h['ari_all']} | {h['ari_free_text']} |"
                )
        lines += ["", "Per defect (" + ", ".join(diag) + "):", ""]
        lines.append("| defect | half | expected | top-2 clusters | named |")
        lines.append("| --- | --- | --- | --- | --- |")
        names = [r["defect"] for r in first["rows"]]
        for i, name in enumerate(names):
            cells = []
            named = []
            for res in diag.values():
                r = res["rows"][i]
                cells.append(", ".join(r["top2"]))
                named.append("yes" if r["named"] else "**no**")
            r = first["rows"][i]
            lines.append(
                f"| {name} | {r['half']} | {', '.join(r['expected'])} | "
                f"{' ǀ '.join(cells)} | {' / '.join(named)} |"
            )
        lines.append("")
    if out.get("corpora"):
        lines += [
            "Leave-patterns-out ARI of the two statement corpora (2,160 statements per corpus "
            "and half; parameters and prototypes chosen on `dev`, `test` held out; free text = "
            "every statement uncoded, mixed = 70 % of in-taxonomy statements with their code; "
            "`+codes` = the learned code mapping, opt-in, not a default: its model is trained "
            "on the dev patterns, so its dev columns are *trained on*, and its parameters were "
            "chosen by two-fold leave-patterns-out CV inside dev; `+r8` = the eighth round's "
            "dev choice, `evaluator.cluster.round8_params`, opt-in: its one test measurement "
            "lowered B):",
            "",
            "| representation | A test free | B test free | A test mixed | B test mixed | "
            "A dev free | B dev free |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        by = {
            (r["representation"], r["corpus"], r["split"], r["setting"]): r["ari"]
            for r in out["corpora"]
        }
        for rep in dict.fromkeys(r["representation"] for r in out["corpora"]):
            cols = [
                by.get((rep, c, sp, se), "")
                for c, sp, se in (
                    ("A", "test", "free-text"),
                    ("B", "test", "free-text"),
                    ("A", "test", "mixed"),
                    ("B", "test", "mixed"),
                    ("A", "dev", "free-text"),
                    ("B", "dev", "free-text"),
                )
            ]
            lines.append(f"| {rep} | " + " | ".join(str(c) for c in cols) + " |")
        lines.append("")
    if out.get("ceiling"):
        lines += [
            "Where the free-text ARI is lost (`--ceiling`; same corpora and halves; in-tax = "
            "statements of the 12 types a taxonomy code describes, out-tax = the 6 others). "
            "*Oracle codes*: the pipeline's clusters with every in-tax statement given its "
            "true code. *Pattern → code top-1*: share of in-tax phrasing patterns whose mean "
            "vector is nearest its own code's prototypes. *Pattern oracle*: the phrasing "
            "patterns found exactly, each joining its nearest code from a threshold, the rest "
            "merged by average linkage, both thresholds chosen on the split scored (an upper "
            "bound of cluster-then-map-to-codes with these prototypes in this space). For "
            "`+codes` rows, pattern → code top-1 is the share of in-tax patterns whose mean class "
            "probabilities peak at their own code, and dev is its training data:",
            "",
            "| corpus | split | space | realised ARI | in-tax: own code / none / other | "
            "out-tax given a code | oracle codes ARI | pattern → code top-1 | "
            "pattern oracle ARI |",
            "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
        ]
        for r in out["ceiling"]:
            wrong = round(1 - r["in_tax_coded_right"] - r["in_tax_uncoded"], 3)
            lines.append(
                f"| {r['corpus']} | {r['split']} | {r['representation']} | {r['realised_ari']} | "
                f"{r['in_tax_coded_right']} / {r['in_tax_uncoded']} / {wrong} | "
                f"{r['out_tax_coded']} | {r['oracle_codes_ari']} | {r['pattern_code_top1']} | "
                f"{'n/a' if r['pattern_oracle_ari'] is None else r['pattern_oracle_ari']} |"
            )
        lines.append("")
    if out.get("scale"):
        lines += [
            "10,000 free-text statements (corpus A, all patterns), embedding + clustering"
            + (f" (measured by `{out['scale_command']}`)" if out.get("scale_command") else "")
            + ":",
            "",
            "| embedder | unique texts | wall | CPU | catalog step (two submissions) | "
            "load average before | ARI |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in out["scale"]:
            cat = f"{r['catalog_wall_s']} s" if "catalog_wall_s" in r else "not measured"
            lines.append(
                f"| {r['embedder']} | {r['unique']} | {r['wall_s']} s | {r['cpu_s']} s | "
                f"{cat} | {r['load_avg_before']} | {r['ari']} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def overlay_evaluator(rev: str, files: list[str]) -> None:
    """Measure "before": the working tree's evaluator package with ``files``
    (paths inside evaluator/) as they were at git revision ``rev``, from a
    temporary copy put first on sys.path (before any evaluator import)."""
    import shutil
    import subprocess
    import tempfile

    if "evaluator" in sys.modules:
        raise RuntimeError("evaluator already imported")
    tmp = Path(tempfile.mkdtemp(prefix="diagnosis-evaluator-"))
    shutil.copytree(ROOT / "evaluator", tmp / "evaluator")
    for f in files:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:evaluator/{f}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (tmp / "evaluator" / f).write_text(text)
    sys.path.insert(0, str(tmp))
    print(f"evaluator: working tree with {', '.join(files)} from {rev} ({tmp})")


def _halves_arg(value: str) -> str:
    if value in ("both", "seen", "all"):
        return value
    unknown = set(value.split(",")) - set(HALVES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown half {', '.join(sorted(unknown))}")
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--path", choices=("inprocess", "docker"), default="inprocess")
    ap.add_argument("--set", default="public", choices=("public", "hidden"))
    ap.add_argument("--phrasings", default="heldout", choices=("tune", "heldout"))
    ap.add_argument("--embedder", default="hash", help="comma-separated: hash,minilm")
    ap.add_argument("--no-llm", action="store_true", help="detectors only")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument(
        "--refresh",
        action="store_true",
        help="re-run the agents (an edit of their code is re-run without it)",
    )
    ap.add_argument("--defects", default="", help="comma-separated subset")
    ap.add_argument(
        "--half",
        type=_halves_arg,
        default="both",
        help="a half, or several comma-separated; both = tune + heldout (first round); "
        f"seen = all but the unmeasured ({', '.join(UNSEEN) or 'none now'}); all = every half",
    )
    ap.add_argument("--runs-only", action="store_true", help="make/cache the runs, no figures")
    ap.add_argument("--evaluator-rev", default="", help="git revision for --evaluator-files")
    ap.add_argument(
        "--evaluator-files",
        default="failures.py",
        help="comma-separated files of evaluator/ taken from --evaluator-rev (a 'before')",
    )
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--params", default="", help="ClusterParams overrides as JSON (tuning)")
    ap.add_argument(
        "--code-model",
        action="store_true",
        help="the learned code mapping (evaluator.cluster.code_model_params) instead of prototypes",
    )
    ap.add_argument("--corpora", action="store_true", help="ARI of both statement corpora")
    ap.add_argument(
        "--reps",
        default="",
        help="comma-separated representations for --corpora / --ceiling (default: all); "
        "a test half is measured once, for the configurations named before",
    )
    ap.add_argument("--scale", action="store_true", help="10,000 statements, per embedder")
    ap.add_argument(
        "--ceiling", action="store_true", help="where the corpora's free-text ARI is lost"
    )
    ap.add_argument(
        "--write-code-statements",
        action="store_true",
        help="write evaluator/data/code_statements.txt (dev patterns of both corpora)",
    )
    ap.add_argument(
        "--code-model-cv",
        action="store_true",
        help="choose the code model's C and threshold on the dev patterns (two folds)",
    )
    ap.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    ap.add_argument("--docs-from", type=Path, help="write the docs section from a --json file")
    args = ap.parse_args()
    if args.docs_from:
        from benchdocs import write_section

        saved = json.loads(args.docs_from.read_text())
        write_section(DOCS_HEADING, to_markdown(saved, saved.get("command", "")))
        return

    if args.write_code_statements:
        from bench.diagnosis import corpora

        path = ROOT / "evaluator" / "data" / "code_statements.txt"
        print(f"{corpora.write_code_statements(path)} statements -> {path}")
        return
    if args.code_model_cv:
        from bench.diagnosis import corpora
        from evaluator.embed import get_embedder

        names = [e for e in args.embedder.split(",") if e]
        cv_embedders = {
            "hash": corpora.CachingEmbedder(get_embedder("hash")),
            "minilm": corpora.CachingEmbedder(get_embedder("minilm"))
            if "minilm" in names
            else None,
        }
        reps = ("hash", "minilm+tfidf") if "minilm" in names else ("hash",)
        rows = corpora.code_model_cv(cv_embedders, reps)
        if args.json:
            args.json.write_text(json.dumps({"code_model_cv": rows}, indent=2))
        return
    if args.evaluator_rev:
        overlay_evaluator(args.evaluator_rev, args.evaluator_files.split(","))
    mock_llm.register()
    names = [e for e in args.embedder.split(",") if e]
    out: dict[str, Any] = {"diagnosis": {}}
    for name in names:
        res = diagnose(args, name)
        if args.runs_only:
            print(f"runs cached: {res['runs']}")
            return
        out["diagnosis"][res["embedder"]] = res
    if args.corpora or args.scale or args.ceiling:
        from bench.diagnosis import corpora
        from evaluator.embed import get_embedder

        embedders = {
            "hash": corpora.CachingEmbedder(get_embedder("hash")),
            "minilm": corpora.CachingEmbedder(get_embedder("minilm"))
            if "minilm" in names
            else None,
        }
        if args.ceiling:
            creps = tuple(r for r in args.reps.split(",") if r) or corpora.CEILING_REPS
            out["ceiling"] = [
                r for sp in ("dev", "test") for r in corpora.ceiling(embedders, sp, creps)
            ]
            for r in out["ceiling"]:
                print(f"  ceiling {r}")
        if args.corpora:
            reps = tuple(r for r in args.reps.split(",") if r) or corpora.REPRESENTATIONS
            out["corpora"] = corpora.measure(embedders, reps)
            for r in out["corpora"]:
                print(
                    f"  corpus {r['corpus']} {r['split']:4} {r['representation']:13} "
                    f"{r['setting']:9} ARI {r['ari']}"
                )
        if args.scale:
            out["scale"] = [corpora.scale(name) for name in names]
            if args.code_model:
                out["scale"] += [corpora.scale(name, code_model=True) for name in names]
            for r in out["scale"]:
                print(f"  scale {r}")
    argv = " ".join(a for a in sys.argv[1:])
    out["command"] = f"python bench/bench_diagnosis.py {argv}"
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    if args.write_docs:
        from benchdocs import write_section

        write_section(DOCS_HEADING, to_markdown(out, out["command"]))


if __name__ == "__main__":
    main()
