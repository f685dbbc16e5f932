# ruff: noqa: E501  (corpus patterns are data; wrapping them would hurt readability)
"""Second labelled failure-statement corpus (issue 19), written in other
styles than bench/corpus/failure_corpus.py, with the same 18-type structure
(12 types of the taxonomy, 6 outside it; same type names).

Styles, mixed within every type:
- long: LLM-extractor-like sentences (TrajFM "title: description" items) of
  25-45 words whose specifics were scrubbed (``<asset>``, ``<value>``,
  ``<time>``, ``<id>``, ``<task text>``, ``<entity>``, as
  ``evaluator.scrub`` leaves them);
- terse: detector-like lines of 3-8 words, abbreviations and log jargon;
- mixed: a terse tag followed by a clause.

Each type has 8 patterns, written alternately long and terse; the "dev"
half is patterns 0, 3, 4, 7 and the held-out "test" half 1, 2, 5, 6, so each
half holds two long and two terse patterns per type. Written apart from the first corpus and from the
taxonomy prototypes (evaluator/taxonomy.py); tuning may only look at dev.
Grammar as in the first corpus: ``[a|b]`` picks one, ``{S}`` a subject,
``{T}`` a tool noun.

``generate(n_per_type, seed, split) -> list[(text, type)]``.
"""

from __future__ import annotations

import random
import re

SUBJECTS = ["the agent", "the run", "this agent", "the solver", "the assistant", "the pipeline"]
TOOLS = [
    "history endpoint",
    "iot.history",
    "wo.list_workorders",
    "tsfm call",
    "FMSR lookup",
    "the API",
    "the tool",
    "tsad",
]

TYPES: dict[str, dict] = {
    "step_repetition": {
        "taxonomy": "MAST-1.3",
        "patterns": [
            "Redundant invocation pattern: within a single episode {S} called {T} with byte-identical parameters for <asset> [three|four|five] times, each returning the same payload, and none of the later responses were consulted when composing the answer.",
            "dup call x[3|4|5] on {T}",
            "[Same request replayed|Identical query replayed]: {S} [resubmitted|replayed] the {T} query for <asset> over <time> [again and again|repeatedly], although the first response already contained <value> rows.",
            "{T} hit [3|4|6] times, same args",
            "Looping on a completed step - after {T} succeeded, {S} re-issued the very same call instead of advancing to the analysis stage of <task text>.",
            "no-progress loop: identical {T} calls",
            "Observed call churn: the trace contains consecutive duplicates of one {T} request (same <asset>, same window <time>), which inflated the step count without adding information.",
            "repeat-same-call [detected|flagged]; results unused",
        ],
    },
    "premature_termination": {
        "taxonomy": "MAST-3.1",
        "patterns": [
            "Early exit before data collection: {S} produced its final response after only the name-resolution step and never queried {T} for <asset>, so the figure requested in <task text> was never computed.",
            "stopped after step 1 of [3|4]",
            "The episode ended [too early|prematurely]: {S} returned an answer while the [telemetry|work-order] retrieval for <asset> was still outstanding, leaving the remaining sub-goals of <task text> unaddressed.",
            "quit before fetch; answer w/o data",
            "Truncated plan execution - {S} completed the lookup of <entity> and then finalized, skipping the [forecast|aggregation|anomaly scan] stage that the request explicitly required.",
            "early termination, [analysis|retrieval] skipped",
            "Incomplete trajectory: {S} declared the task finished before invoking {T}; the answer therefore rests on the task text alone rather than on retrieved readings for <asset>.",
            "ended run before required call",
        ],
    },
    "unhandled_tool_error": {
        "taxonomy": "ARENA-UNHANDLED-ERROR",
        "patterns": [
            "Error swallowed: {T} responded with HTTP [500|503|504] for <asset> at <time>, but {S} neither retried the request nor mentioned the failure, and the final response reads as though the data had been obtained.",
            "{T} [503|timeout] ignored, no retry",
            "Silent failure path - the call to {T} timed out and {S} proceeded directly to answering; there is no second attempt in the log and the answer gives no hint that <entity> was unavailable.",
            "5xx from {T}: not retried, not reported",
            "Unacknowledged tool fault: a [server error|gateway timeout] on {T} was dropped on the floor by {S}, which then reported <value> as if the request had completed normally.",
            "err status unhandled",
            "Missing error handling around {T}: when the service returned an error envelope, {S} did not retry, did not fall back, and did not flag the gap in the final message to the operator.",
            "tool timeout -> silently continued",
        ],
    },
    "ineffective_error_recovery": {
        "taxonomy": "ARENA-RECOVERY",
        "patterns": [
            "Recovery attempts exhausted without success: after {T} failed for <asset>, {S} retried [twice|three times] with a different window each time, yet every attempt errored and the missing series was never retrieved.",
            "retries all failed; data never obtained",
            "Fallback did not help - when {T} became unavailable, {S} switched to an alternative lookup that returned unrelated records, so the readings for <asset> over <time> were still absent from the answer.",
            "retry loop w/o success ([3|4] attempts)",
            "Unsuccessful retry strategy: {S} kept re-attempting the failing {T} request with backoff but without changing the request, and the run ended with no usable data for <entity>.",
            "workaround failed after outage",
            "Error recovery was attempted but ineffective; the log shows [several|multiple] consecutive failures of {T} followed by a final answer that lacks the values the retries were meant to obtain.",
            "recovery unsuccessful, gap remains",
        ],
    },
    "ignored_feedback": {
        "taxonomy": "MAST-2.5",
        "patterns": [
            "Validation feedback not acted upon: {T} rejected the request with a message stating that <entity> was not a valid sensor name, and {S} resent the identical payload instead of choosing a listed alternative.",
            "422 from {T}; resent unchanged",
            "The service's correction hint was disregarded - {T} explained that the page size exceeded the maximum, yet {S} submitted the same oversized request [again|twice more].",
            "ignored tool hint (invalid arg)",
            "Rejected parameters reused: after being told that the date format for <time> was invalid, {S} repeated the malformed request to {T} without modification.",
            "warning in response not heeded",
            "Tool-provided guidance ignored: {T} returned a warning that the result for <asset> may be incomplete, but {S} neither re-queried nor qualified the answer it derived from it.",
            "same bad request after rejection",
        ],
    },
    "overstated_completion": {
        "taxonomy": "ARENA-OVERSTATED",
        "patterns": [
            "Unwarranted success claim: the final message tells the operator that the analysis for <asset> is complete and gives <value>, although the {T} call that should have produced it returned no rows.",
            "claims done; key call failed",
            "Completion overstated - {S} reported 'all steps finished successfully' while the trace shows the [forecast|anomaly detection] step for <entity> never returned a result.",
            "success asserted w/o evidence",
            "The answer presents a definitive conclusion about <task text> as if every sub-task had succeeded, but two of the required retrievals failed and this is not disclosed.",
            "overclaim: result stated despite missing data",
            "Misleading summary of progress: {S} framed a partial run as a finished job, listing outcomes for <asset> that depend on data it never managed to load.",
            "reported complete, was partial",
        ],
    },
    "formatting_issue": {
        "taxonomy": "MAST-1.1-FORMAT",
        "patterns": [
            "Output contract violated: the task asked for a JSON object with the keys named in <task text>, but {S} returned a markdown table with prose around it, which the consumer cannot parse.",
            "non-JSON output where JSON req'd",
            "Answer shape mismatch - a single numeric value was expected, whereas {S} replied with a multi-sentence narrative containing several numbers including <value>.",
            "format violation: list vs scalar",
            "The response wraps the requested identifier list inside an explanatory paragraph and a code fence, so the expected comma-separated format for <entity> is not met.",
            "bad output schema (keys missing)",
            "Requested format ignored: instead of the bare date the hint specified, {S} produced a sentence with the date embedded among qualifications about <asset>.",
            "unparseable answer format",
        ],
    },
    "wrong_arguments": {
        "taxonomy": "MAST-1.1-ARGS",
        "patterns": [
            "Wrong target in the data request: {S} called {T} for <asset> although the question concerned a different unit at the same site, so every subsequent number describes the wrong machine.",
            "wrong asset id in {T} call",
            "Time window mis-specified - the history request covered <time> to <time> instead of the week named in <task text>, so the statistic was computed over the wrong period.",
            "window off by one month",
            "Sensor argument mismatch: the query to {T} asked for the return temperature of <asset> while the operator asked about its supply temperature.",
            "bad site/equipment param",
            "Argument construction error: the equipment identifier <id> passed to {T} belongs to a neighbouring unit, not to the chiller the request named.",
            "queried other unit's sensor",
        ],
    },
    "hallucination": {
        "taxonomy": "ARENA-HALLUCINATION",
        "patterns": [
            "Fabricated figures in the response: the answer cites a peak of <value> for <asset> and a work order <id>, neither of which appears in any {T} output recorded for this run.",
            "ungrounded numbers in answer",
            "Invented evidence - {S} mentioned failure modes and sensor names for <entity> that none of the tools returned, presenting them as retrieved facts.",
            "made-up WO ids",
            "The final message contains readings and timestamps such as <value> at <time> that have no counterpart in the observations, i.e. they were generated rather than retrieved.",
            "values not in any tool result",
            "Confabulated details: {S} filled gaps in the retrieved data with plausible-looking numbers for <asset> instead of reporting that they were unavailable.",
            "hallucinated sensor reading",
        ],
    },
    "no_clarification": {
        "taxonomy": "MAST-2.2",
        "patterns": [
            "Ambiguity resolved by guessing: the request referred to 'the chiller' at a site with several chillers, and {S} silently chose <asset> rather than asking the operator which unit was meant.",
            "no clarifying q on ambiguous ask",
            "Unclear request answered directly - <task text> matched [two|three|several] sensors on <asset>, yet {S} picked one without checking with the user.",
            "guessed which unit was meant",
            "The operator's question could refer to several work orders in that month; {S} committed to <id> with no attempt to disambiguate.",
            "should have asked which sensor",
            "Clarification not requested: with multiple candidate assets matching the description, {S} answered for the first match, which may not be the one the operator intended.",
            "ambiguous target, no follow-up",
        ],
    },
    "reasoning_action_mismatch": {
        "taxonomy": "MAST-2.6",
        "patterns": [
            "Narrated actions not executed: the trajectory says {S} ran an anomaly scan on <asset> with {T}, but the server log contains no such call; the reported observations were never produced.",
            "trace claims calls not in log",
            "Plan/execution divergence - the stated next step was to retrieve failure modes for <entity>, while the call actually issued was an unrelated work-order listing.",
            "said X, called Y",
            "Self-report inconsistent with the tool log: the agent's trajectory lists [three|four] history queries and a forecast, of which only one history query appears server-side.",
            "self-reported steps != actual calls",
            "The reasoning text describes checking the [alarm|event] log for <asset>, but no corresponding request was made; the conclusion cites results of a step that did not happen.",
            "fake trajectory entries",
        ],
    },
    "runaway_calls": {
        "taxonomy": "MAST-1.5",
        "patterns": [
            "Excessive exploration: to answer a single-value question about <asset>, {S} issued more than [30|40|50] tool calls across every family, long after the required reading had been retrieved.",
            "[40|55|60]+ calls for 1-step task",
            "No stopping criterion - {S} kept enumerating sensors, work orders and models for <entity> until the step budget ran out, even though <task text> needed one lookup.",
            "call budget exhausted by browsing",
            "Over-querying: the run shows dozens of {T} invocations beyond what the task required, with the answer finally drawn from the very first result.",
            "unbounded tool use",
            "The agent did not recognise that it already had enough information; it continued paging through results for <asset> far past the point where the answer could be given.",
            "kept calling after answer known",
        ],
    },
    # ---- outside the taxonomy ---------------------------------------------------
    "unit_confusion": {
        "taxonomy": None,
        "patterns": [
            "Unit handling error: the sensor for <asset> reports degrees Fahrenheit, but {S} stated <value> as a Celsius figure without converting, so the reported temperature is off by the conversion.",
            "degF reported as degC",
            "Quantity expressed in the wrong unit - the load was given in kilowatts although the tonnage channel of <asset> is in refrigeration tons, and no conversion factor was applied.",
            "kW/tons mix-up",
            "The answer converts gallons per minute to litres per second twice, producing a flow of <value> that is inconsistent with the raw readings of <asset>.",
            "wrong unit label on result",
            "Measurement units confused: {S} treated a percentage-loaded value as a fraction (or the reverse), scaling the reported figure for <entity> by a factor of one hundred.",
            "unit conversion missing",
        ],
    },
    "timezone_misread": {
        "taxonomy": None,
        "patterns": [
            "Clock offset in the analysis: {S} interpreted the plant's local timestamps as UTC, so the window it queried for <asset> started several hours away from the one named in <task text>.",
            "UTC vs local shift",
            "Time-zone normalisation bug - events at <time> were aligned against readings recorded in another zone, so the correlation for <entity> compares the wrong hours.",
            "DST hour lost",
            "Daylight-saving transition mishandled: the day in question has 23 hours locally, but {S} assumed 24 and mislabelled every subsequent reading of <asset>.",
            "tz-naive datetime bug",
            "The reported event time for <asset> is shifted by the site's UTC offset, because {S} treated naive timestamps from {T} as if they carried a time zone.",
            "hour offset in timestamps",
        ],
    },
    "wrong_aggregation": {
        "taxonomy": None,
        "patterns": [
            "Aggregate function mismatch: the operator asked for the daily maximum of <asset>, while {S} reported the arithmetic mean of the same readings, <value>.",
            "mean instead of max",
            "Statistic computed incorrectly - {S} summed the hourly values for <entity> over <time> where an average was requested, inflating the figure roughly twenty-fold.",
            "sum vs average error",
            "Wrong level of aggregation: the answer averages daily means instead of the raw 15-minute readings of <asset>, so weighting across partial days is off.",
            "min/max swapped",
            "The count reported for <task text> counts rows rather than distinct work orders, so duplicated records for <asset> were tallied twice.",
            "median computed on wrong grain",
        ],
    },
    "ignored_pagination": {
        "taxonomy": None,
        "patterns": [
            "Paged results truncated: {T} reported total_pages of [4|6|9] for <asset>, but {S} read only the first page and based the count of <task text> on it.",
            "only page 1 of N read",
            "Continuation ignored - the response carried a next-page cursor, which {S} never followed, so records of <entity> after the first page are missing from the tally.",
            "cursor not followed",
            "The listing for <asset> was cut at the default page size of fifty items; {S} treated this partial list as the full set of work orders.",
            "page_size cap not noticed",
            "Partial result set used as complete: {S} did not iterate over the remaining pages returned by {T} and therefore undercounted the events for <entity>.",
            "pagination not handled",
        ],
    },
    "leaked_reasoning": {
        "taxonomy": None,
        "patterns": [
            "Internal reasoning exposed to the user: the final answer for <task text> begins with the agent's scratchpad, including 'Thought:' and 'Observation:' lines and raw {T} payloads.",
            "CoT dumped into answer",
            "Private deliberation leaked - {S} pasted its step-by-step musings about <asset> and its system instructions into the reply instead of a concise answer.",
            "<thinking> tags in output",
            "The deliverable mixes the actual result with the agent's internal notes and self-corrections, making it hard to find the value for <entity>.",
            "scratchpad not stripped",
            "Debug-style trace in the response: intermediate thoughts, tool arguments and partial JSON for <asset> were left in the user-facing text.",
            "reasoning text leaked to user",
        ],
    },
    "budget_exhausted": {
        "taxonomy": None,
        "patterns": [
            "LLM budget exhausted: {S} placed the full <value>-row history of <asset> into the prompt, so the gateway refused further completions before an answer was drafted.",
            "token quota hit mid-run",
            "Context overflow - every tool result was appended verbatim to the conversation, and the request for <task text> exceeded the model's context window.",
            "gateway 429: budget exceeded",
            "The run stopped because the per-run token allowance was consumed by repeated long prompts about <entity>, leaving no budget for the final completion.",
            "context window overflow",
            "Quota depletion on the language-model gateway: verbose prompts containing raw tables for <asset> used up the allowance before the analysis finished.",
            "ran out of LLM tokens",
        ],
    },
}

_CHOICE_RE = re.compile(r"\[([^\[\]]+)\]")


def _expand(pattern: str, rng: random.Random) -> str:
    text = pattern.replace("{S}", rng.choice(SUBJECTS)).replace("{T}", rng.choice(TOOLS))
    text = _CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
    if text and text[0].islower() and len(text.split()) > 10:
        text = text[0].upper() + text[1:]
    return re.sub(r"\s+", " ", text).strip()


def generate_with_patterns(
    n_per_type: int = 120, seed: int = 7, split: str = "all"
) -> list[tuple[str, str, int]]:
    """(text, type, pattern index); ``split``: "dev" (patterns 0, 3, 4, 7),
    "test" (1, 2, 5, 6) or "all"."""
    rng = random.Random(seed)
    out: list[tuple[str, str, int]] = []
    for name in sorted(TYPES):
        idx = list(range(len(TYPES[name]["patterns"])))
        if split == "dev":
            idx = [i for i in idx if i % 4 in (0, 3)]
        elif split == "test":
            idx = [i for i in idx if i % 4 in (1, 2)]
        for i in range(n_per_type):
            p = idx[i % len(idx)]
            out.append((_expand(TYPES[name]["patterns"][p], rng), name, p))
    rng.shuffle(out)
    return out


def generate(n_per_type: int = 120, seed: int = 7, split: str = "all") -> list[tuple[str, str]]:
    return [(t, k) for t, k, _ in generate_with_patterns(n_per_type, seed, split)]


def out_of_taxonomy_types() -> list[str]:
    return sorted(k for k, v in TYPES.items() if v["taxonomy"] is None)
