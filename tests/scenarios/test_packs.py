"""Scenario packs (issue 16): the engine holds no scenario text, a pack is
loaded and checked before anything is scored, the held-out test pack shares
nothing with the public one, and re-rendering entity names changes nothing
the oracle scores."""

from __future__ import annotations

import io
import json
import shutil
import string
import tarfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from hidden_scenarios import sets
from hidden_scenarios.cli import app
from hidden_scenarios.pack import PUBLIC_PACK_PATH, PackError, archive, load_pack, read_files
from hidden_scenarios.templates import KINDS
from hidden_scenarios.verify import verify_set
from services.settings import Settings

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "tests" / "packs" / "heldout"
SEED = "pack-test-seed"


def _copy(tmp_path: Path, src: Path = HELDOUT) -> Path:
    dst = tmp_path / "pack"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def _edit(path: Path, fn) -> None:
    doc = yaml.safe_load(path.read_text())
    fn(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


# ---- the engine holds no scenario text --------------------------------------------
def test_engine_kinds_hold_no_phrasings_and_the_public_pack_binds_every_kind() -> None:
    for kid, kind in KINDS.items():
        assert kind.phrasings == (), kid  # the text lives in a pack
        assert kind.slots, kid
    public = load_pack()
    assert public.is_public and public.name == "public"
    assert {t.kind for t in public.templates} == set(KINDS)
    fmt = string.Formatter()
    for t in public.templates:
        assert len(t.phrasings) >= 2, t.id
        for text in t.phrasings:
            assert {f for _, f, _, _ in fmt.parse(text) if f} <= set(t.slots)
    engine_sources = "".join(
        p.read_text() for p in (REPO / "hidden_scenarios" / "templates").glob("*.py")
    )
    for text in public.texts():
        assert text not in engine_sources


def test_unbound_kind_refuses_to_phrase() -> None:
    import random

    with pytest.raises(RuntimeError, match="not bound"):
        KINDS["iot.asset_sensors"].phrase(random.Random(1), asset="x", site="y")


# ---- the held-out pack shares nothing with the public pack -------------------------
def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def test_heldout_pack_phrasings_and_compositions_are_not_public() -> None:
    public, heldout = load_pack(), load_pack(HELDOUT)
    public_texts = {_norm(t) for t in public.texts()}
    assert not {_norm(t) for t in heldout.texts()} & public_texts
    public_kinds = {t.kind for t in public.templates}
    derived = {t.kind for t in heldout.templates} - public_kinds
    assert derived == {"heldout.daily_spread", "heldout.day_over_day"}
    assert not heldout.is_public
    # and its parameter sets come from the hidden pools only
    pub_keys = {(s.kind, json.dumps(s.params, sort_keys=True)) for s in sets.public_set()}
    for s in sets.hidden_set(SEED, pack=heldout):
        assert (s.kind, json.dumps(s.params, sort_keys=True)) not in pub_keys


def test_varied_surface_forms_name_entities_through_aliases() -> None:
    from services.assetdata.aliases import asset_aliases

    scenarios = sets.hidden_set(SEED, pack=HELDOUT)
    with_asset = [s for s in scenarios if "asset" in s.params]
    aliased = [
        s
        for s in with_asset
        if s.params["asset"] not in s.text
        and any(a in s.text for a in asset_aliases(s.params["asset"]))
    ]
    # the seed picks canonical names or aliases: both occur
    assert len(aliased) >= len(with_asset) // 3
    assert len(aliased) < len(with_asset)


# ---- re-rendering entity names changes nothing the oracle scores --------------------
def test_resurfaced_pack_keeps_scenarios_and_the_oracle_scores() -> None:
    pack = load_pack(HELDOUT)
    a = sets.hidden_set(SEED, pack=pack)
    b = sets.hidden_set(SEED, pack=pack.resurfaced("permuted-1"))
    assert [s.id for s in a] == [s.id for s in b]
    assert sum(x.text != y.text for x, y in zip(a, b, strict=True)) >= len(a) // 2
    for x, y in zip(a, b, strict=True):
        assert x.model_dump(exclude={"text"}) == y.model_dump(exclude={"text"})
    plant = sets.plant_context(pack.plant_seed).plant
    fail_a, runs_a = verify_set(a, plant, "surf-a", pack)
    fail_b, runs_b = verify_set(b, plant, "surf-b", pack)
    assert not fail_a and not fail_b, (fail_a, fail_b)
    overall_a = [sc.overall for r in runs_a for sc in r.scores]
    overall_b = [sc.overall for r in runs_b for sc in r.scores]
    assert overall_a == overall_b
    assert sum(overall_a) / len(overall_a) >= 0.95


# ---- bad packs are refused at load, naming file, template and field -----------------
def test_pack_errors_name_the_file_template_and_field(tmp_path: Path) -> None:
    cases = []

    def unknown_kind(doc):
        doc["templates"][0]["kind"] = "iot.no_such_kind"

    def unknown_slot(doc):
        doc["templates"][1]["phrasings"][0] = "What about {asset} and {colour}?"

    def duplicate_id(doc):
        doc["templates"][2]["id"] = doc["templates"][0]["id"]

    def bad_count(doc):
        doc["templates"][0]["instances"] = {"hidden": -1}

    def unknown_field(doc):
        doc["templates"][0]["phrasing"] = ["typo"]

    cases = [
        (unknown_kind, "unknown_kind", "ops.inventory", "kind"),
        (unknown_slot, "unknown_slot", "ops.point_list", "phrasings[0]"),
        (duplicate_id, "duplicate_id", "ops.inventory", "id"),
        (bad_count, "bad_value", "ops.inventory", "instances.hidden"),
        (unknown_field, "unknown_field", "ops.inventory", "phrasing"),
    ]
    for i, (fn, code, template, field) in enumerate(cases):
        pack = _copy(tmp_path / str(i))
        _edit(pack / "templates" / "operations.yaml", fn)
        with pytest.raises(PackError) as err:
            load_pack(pack)
        e = err.value
        assert (e.code, e.file, e.template, e.field) == (
            code,
            "templates/operations.yaml",
            template,
            field,
        ), str(e)
        assert "templates/operations.yaml" in str(e) and template in str(e)


def test_malformed_and_unsafe_packs_are_refused(tmp_path: Path) -> None:
    pack = _copy(tmp_path / "yaml")
    (pack / "templates" / "reliability.yaml").write_text("templates: [\n  - id: x\n")
    with pytest.raises(PackError) as err:
        load_pack(pack)
    assert err.value.code == "unparsable_file" and err.value.file == "templates/reliability.yaml"

    pack = _copy(tmp_path / "link")
    (pack / "templates" / "extra.yaml").symlink_to("/etc/passwd")
    with pytest.raises(PackError) as err:
        load_pack(pack)
    assert err.value.code == "link_in_pack"

    pack = _copy(tmp_path / "module")
    (pack / "kinds" / "derived.py").write_text("KINDS = [object]\n")
    with pytest.raises(PackError) as err:
        load_pack(pack)
    assert err.value.code == "module_error" and err.value.file == "kinds/derived.py"

    with pytest.raises(PackError) as err:
        load_pack(tmp_path / "nowhere")
    assert err.value.code == "pack_not_found"

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../pack.yaml")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    bad = tmp_path / "escape.tar.gz"
    bad.write_bytes(buf.getvalue())
    with pytest.raises(PackError) as err:
        load_pack(bad)
    assert err.value.code == "unsafe_path"


def test_archive_roundtrip_keeps_the_digest_and_any_change_moves_it(tmp_path: Path) -> None:
    pack = load_pack(HELDOUT)
    tgz = tmp_path / "heldout.tar.gz"
    tgz.write_bytes(archive(read_files(HELDOUT)))
    assert archive(read_files(HELDOUT)) == tgz.read_bytes()  # reproducible
    assert load_pack(tgz).digest == pack.digest
    changed = _copy(tmp_path)
    path = changed / "templates" / "operations.yaml"
    path.write_text(path.read_text().replace("Facilities audit", "Facility audit"))
    assert load_pack(changed).digest != pack.digest


def test_deployment_pack_must_match_the_plant(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    _edit(pack / "pack.yaml", lambda d: d.update(plant_seed=1234))
    with pytest.raises(PackError) as err:
        sets.scenario_source(Settings(scenario_pack=pack))
    assert err.value.code == "plant_seed_mismatch"
    source = sets.scenario_source(Settings(scenario_pack=HELDOUT, hidden_seed=SEED))
    assert (source.name, source.public) == ("heldout-test", False)
    assert source.digest == load_pack(HELDOUT).digest
    public = sets.scenario_source(Settings(hidden_seed=SEED))
    assert (public.name, public.public, public.digest) == ("public", True, load_pack().digest)
    assert load_pack(PUBLIC_PACK_PATH).digest == public.digest


# ---- authoring CLI ------------------------------------------------------------------
def test_cli_new_validate_stats_preview(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "mine"
    r = runner.invoke(app, ["pack", "new", str(path)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["pack", "validate", str(path), "--seed", SEED])
    assert r.exit_code == 0, r.output
    assert "ok: the oracle solves every instance" in r.output
    r = runner.invoke(app, ["pack", "stats", str(path), "--seed", SEED, "--json"])
    st = json.loads(r.output)
    assert st["pack"]["name"] == "mine" and st["total"] == 6
    r = runner.invoke(app, ["pack", "preview", str(path), "--seed", SEED, "-n", "1"])
    assert r.exit_code == 0 and "[example.sensor_list]" in r.output
    r = runner.invoke(app, ["pack", "new", str(path)])
    assert r.exit_code == 2 and "already exists" in r.output


def test_cli_validate_fails_on_a_template_the_oracle_cannot_solve(tmp_path: Path) -> None:
    """A pack kind whose reference answer disagrees with its ground truth is
    named, with the scenario, and validate exits 2."""
    pack = _copy(tmp_path)
    module = pack / "kinds" / "derived.py"
    module.write_text(
        module.read_text().replace(
            'return f"{fmt_number(max(values) - min(values))} (max minus min',
            'return f"{fmt_number(max(values) + 1000)} (max minus min',
        )
    )
    r = CliRunner().invoke(app, ["pack", "validate", str(pack), "--seed", SEED])
    assert r.exit_code == 2
    assert "template 'ops.spread'" in r.output
    assert "answer fails its check" in r.output


def test_cli_export_writes_an_archive_and_a_scenario_file(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "p.tar.gz"
    r = runner.invoke(app, ["pack", "export", str(HELDOUT), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert load_pack(out).digest == load_pack(HELDOUT).digest
    scen = tmp_path / "s.json"
    r = runner.invoke(app, ["pack", "export", str(HELDOUT), "--out", str(scen), "--seed", SEED])
    doc = json.loads(scen.read_text())
    assert doc["pack"]["name"] == "heldout-test"
    assert len(doc["scenarios"]) == len(sets.hidden_set(SEED, pack=HELDOUT))
    # the export is a valid operator scenario file
    assert len(sets.load_file(scen)) == len(doc["scenarios"])


def test_paraphrase_assistant_proposes_for_review_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proposals come from the operator's model at authoring time (a mock
    here), are filtered by the kind's slots, and land in proposals/, which
    the pack's content and digest ignore until the author moves them."""
    pack = _copy(tmp_path)
    digest = load_pack(pack).digest
    reply = json.dumps(
        [
            "Which signals does {asset} send home from the {site} plant? Name every one.",
            "List the points of {asset}.",  # drops {site}, which every example keeps
            "What does {asset} at {site} report in {colour}?",  # not a slot
            "The vendor wants every telemetry point that {asset} exposes. "
            "It is installed at {site}.",
        ]
    )
    import litellm

    real = litellm.completion
    monkeypatch.setattr(litellm, "completion", lambda **kw: real(mock_response=reply, **kw))
    args = ["pack", "paraphrase", str(pack), "--template", "ops.point_list"]
    r = CliRunner().invoke(app, [*args, "--model", "openai/mock", "-n", "4"])
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load((pack / "proposals" / "ops.point_list.yaml").read_text())
    assert doc["proposals"] == [
        "Which signals does {asset} send home from the {site} plant? Name every one."
    ]
    reasons = sorted(d["reason"] for d in doc["dropped"])
    assert reasons == ["drops {site}", "duplicate", "unknown slot {colour}"]
    assert load_pack(pack).digest == digest  # unreviewed proposals are not pack content


def test_paraphrase_review_rules() -> None:
    from hidden_scenarios.paraphrase import propose

    kind = load_pack(HELDOUT).template("ops.daily_extreme")
    assert kind is not None
    proposals = propose(
        kind,
        "openai/mock",
        2,
        mock_response='Sure: ["On {day}, {sensor} peaked where? Give the {word}.", "bad {"]',
    )
    assert [p.accepted for p in proposals] == [True, False]
