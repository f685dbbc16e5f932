# ruff: noqa: E501  (corpus patterns are data; wrapping them would hurt readability)
"""Labelled synthetic failure-statement corpus for the clustering benchmark.

18 failure types: 12 that correspond to taxonomy modes and 6 outside the
taxonomy (``taxonomy=None``). Each type has hand-written phrasing patterns
in a tiny grammar: ``[a|b|c]`` picks one alternative, ``{S}`` a subject,
``{T}`` a tool noun. Patterns deliberately avoid the wording of
``evaluator.taxonomy`` (the detectors' statements and prototypes) and mimic
LLM-proposed "title: description" items, bare titles and sentences.

Patterns are split into two halves per type (even / odd index): "dev"
phrasings and held-out "test" phrasings, so tuning on one half can be
checked on the other.

``generate(n_per_type, seed, split) -> list[(text, type)]`` is
deterministic.
"""

from __future__ import annotations

import random
import re

SUBJECTS = [
    "The agent",
    "Agent",
    "The assistant",
    "It",
    "The model",
    "The system",
    "The bot",
    "The LLM agent",
    "The executor",
    "The planner",
]
TOOLS = ["tool", "API", "endpoint", "function", "service", "data source", "query", "lookup"]

TYPES: dict[str, dict] = {
    "step_repetition": {
        "taxonomy": "MAST-1.3",
        "patterns": [
            "{S} [kept|continued to] [call|invoke|hit] the same {T} [over and over|again and again|in a loop]",
            "Redundant [tool invocations|calls|requests]: {S} [re-ran|repeated|reissued] an identical request [several|many|multiple] times",
            "[Looping|Circular] behaviour - {S} [issued|sent] the [same|identical] {T} call [repeatedly|more than five times] with unchanged parameters",
            "Duplicate [retrievals|fetches]: the same data was [requested|pulled] [multiple|numerous] times in a row",
            "{S} got stuck [repeating|re-executing] one step instead of moving on",
            "Repetitive [action|step] [loop|cycle]: [identical|the very same] {T} invocations [were|got] [repeated|re-sent] without progress",
            "[Needless|Wasteful] repetition of [a|the same] {T} call that had already returned [results|data]",
            "{S} [looped|cycled] through the same query [many|several] times [before answering|without new information]",
        ],
    },
    "premature_termination": {
        "taxonomy": "MAST-3.1",
        "patterns": [
            "{S} [stopped|quit|gave up] [early|too soon] before [fetching|gathering|collecting] the [needed|necessary|required] data",
            "Premature [stop|ending|exit]: [the run|the episode|work] ended after [one|a single|only one] step",
            "{S} [answered|responded] without [ever|first] [querying|consulting|calling] the relevant {T}",
            "[Incomplete|Truncated] execution - {S} [finished|ended|returned] before completing [all|the remaining] sub-tasks",
            "Early [exit|termination] without [performing|running] the [telemetry|data] [retrieval|lookup]",
            "{S} [concluded|wrapped up] the task [prematurely|too early], skipping [later|the final] steps",
            "[Abandoned|Dropped] the task halfway and returned [a partial|an unfinished] response",
            "{S} [terminated|halted] before the analysis step [ran|was reached]",
        ],
    },
    "unhandled_tool_error": {
        "taxonomy": "ARENA-UNHANDLED-ERROR",
        "patterns": [
            "{S} [ignored|disregarded|overlooked] an error [returned|raised|thrown] by the {T}",
            "[Unhandled|Unchecked|Swallowed] [exception|error]: a failed {T} call was [never|not] [retried|acknowledged|addressed]",
            "A [500|server|timeout] [error|failure] from the {T} went [unnoticed|unmentioned|unreported] in the [final answer|response]",
            "{S} [proceeded|continued|carried on] as if the [failed|erroring] {T} call had succeeded",
            "[Error|Failure] response [not handled|left unhandled|was not dealt with]; {S} [never|did not] [retry|try again|report it]",
            "{S} did not [notice|detect|catch] that the {T} [timed out|returned an error status]",
            "[Silent|Ignored] {T} [failure|error] - no [retry|fallback|mention] [followed|happened]",
            "Tool [errors|failures] were [silently dropped|swept aside] by {S}",
        ],
    },
    "ineffective_error_recovery": {
        "taxonomy": "ARENA-RECOVERY",
        "patterns": [
            "{S} [retried|re-attempted] the failing {T} but every [retry|attempt] [failed|errored] too",
            "[Poor|Ineffective|Failed] [error recovery|recovery strategy]: retries [never|did not] [succeed|recover the data]",
            "After the {T} [failed|broke], {S} [switched to|fell back on] an [unrelated|unhelpful|irrelevant] approach that did not [recover|retrieve] the data",
            "[Recovery|Retry] attempts [were unsuccessful|kept failing] and the [missing|lost] data was never obtained",
            "{S} [tried to recover|attempted a workaround] after the failure but the workaround [also failed|did not work]",
            "[Botched|Unsuccessful] [fallback|retry logic] after a {T} [outage|failure]",
            "Retry [storm|spiral]: {S} [retried|hammered] the broken {T} without [backoff|changing anything] and never [got|received] data",
            "{S} [could not|failed to] [recover|bounce back] from the {T} [failure|error] despite [several|repeated] attempts",
        ],
    },
    "ignored_feedback": {
        "taxonomy": "MAST-2.5",
        "patterns": [
            "{S} [ignored|disregarded|brushed off] the {T}'s validation message and [sent|submitted] the same [bad|invalid] request again",
            "[Ignored|Disregarded|Neglected] [tool|validation|API] feedback: the [rejected|invalid] [arguments|parameters] were [resubmitted|reused] unchanged",
            "The {T} [explained|stated|indicated] what was wrong with the [input|parameters] but {S} did not [adjust|correct|fix] them",
            "{S} [paid no attention to|overlooked] a warning [returned|issued] by the {T}",
            "[Feedback|Hint] from the {T} about an [unknown|invalid] [parameter|argument] was [not acted upon|never used]",
            "Repeated the [same|identical] [malformed|invalid] request after the {T} [rejected|refused] it",
            "{S} [kept|persisted in] sending [arguments|parameters] the {T} had [already flagged|explicitly rejected]",
            "[Advice|Guidance] in the {T} [error message|response] was [ignored|not followed] by {S}",
        ],
    },
    "overstated_completion": {
        "taxonomy": "ARENA-OVERSTATED",
        "patterns": [
            "{S} [claimed|declared|reported] the task [complete|done|finished] even though [key|required|essential] data [was missing|never loaded]",
            "[Overconfident|Overstated|Misleading] [completion|success] claim: the answer [presented|asserted] results that were [never|not] [computed|obtained]",
            "{S} [asserted|stated] [success|a definitive result] despite [failed|incomplete] [retrievals|data collection]",
            "[False|Premature] [claim|declaration] of [success|completion] while [sub-tasks|steps] remained [unfinished|undone]",
            "The [final answer|response] [sounds|reads as] [complete|authoritative] but [rests on|is based on] data that was never [retrieved|fetched]",
            "{S} [pretended|acted as if] it had [finished|completed] all [steps|the analysis]",
            "[Claims|States] [full|complete] results [without|in the absence of] the [underlying|supporting] data",
            "{S} [overstated|exaggerated] [what it achieved|its progress] in the [summary|final message]",
        ],
    },
    "formatting_issue": {
        "taxonomy": "MAST-1.1-FORMAT",
        "patterns": [
            "[Output|Response|Answer] [format|formatting] [mismatch|violation|error]: [expected|asked for] JSON but [returned|produced] [prose|free text|markdown]",
            "{S} [returned|gave|produced] [a paragraph|plain text|a narrative] where a [single number|bare value|JSON object] was [requested|required]",
            "The [answer|output] could not be [parsed|read] in the [requested|required|specified] [format|schema|structure]",
            "[Malformed|Invalid|Broken] JSON in the [final|returned] [answer|output]",
            "{S} [ignored|did not follow|disregarded] the [output|answer] [format|formatting] [instructions|hint|specification]",
            "[Wrong|Incorrect|Unexpected] [answer|output] [shape|structure]: [a list|ids|a table] instead of the [requested|expected] [object|value]",
            "[Response|Result] [not in|did not match] the [specified|mandated] [schema|format]",
            "[Missing|Absent] [required|expected] [fields|keys] in the [structured|JSON] [output|answer]",
        ],
    },
    "wrong_arguments": {
        "taxonomy": "MAST-1.1-ARGS",
        "patterns": [
            "{S} [queried|pulled|fetched] [telemetry|readings|sensor data] for the wrong [asset|chiller|unit]",
            "[Incorrect|Wrong|Mismatched] [time window|date range|period] used in the [data|history] [request|query]",
            "{S} [requested|asked for] a [different|unrelated] sensor than the [one|task] [specified|asked about]",
            "[Parameter|Argument] [error|mistake]: the [asset id|equipment id|site name] [passed|sent] to the {T} did not match the [question|request]",
            "[Data|Telemetry] [retrieved|pulled] from the wrong [month|week|day] [compared to|relative to] the [request|task]",
            "{S} [mixed up|confused] [two|the] [assets|units|chillers] when [calling|querying] the {T}",
            "[Off-target|Misdirected] [retrieval|query]: [wrong|incorrect] [equipment|site|sensor] [selected|chosen]",
            "The [history|telemetry] [call|query] [covered|spanned] only part of the [required|requested] [interval|window]",
        ],
    },
    "hallucination": {
        "taxonomy": "ARENA-HALLUCINATION",
        "patterns": [
            "{S} [invented|fabricated|made up] [values|numbers|readings] that [appear|show up] in no {T} [output|result]",
            "[Hallucinated|Fabricated|Invented] [work order|sensor|asset] [ids|identifiers|names] in the [answer|response]",
            "The [answer|response] [cites|quotes|references] [figures|measurements|data points] [never|not] [returned|observed] by any {T}",
            "[Made-up|Fictional|Unsupported] [evidence|statistics|numbers] [were presented|appeared] as [facts|real data]",
            "{S} [reported|mentioned] a [sensor|failure mode|work order] that [does not exist|was never seen] in the [data|results]",
            "[Ungrounded|Unverified|Confabulated] [claims|details] not [backed|supported] by [retrieved|observed] data",
            "{S} [confabulated|hallucinated] [specific|precise] [readings|numbers|timestamps]",
            "[Answer|Response] [contains|includes] [fake|invented|nonexistent] [identifiers|values]",
        ],
    },
    "no_clarification": {
        "taxonomy": "MAST-2.2",
        "patterns": [
            "{S} [did not ask|never asked|failed to ask] which [asset|unit|chiller] the user [meant|intended]",
            "[Ambiguous|Underspecified|Unclear] [request|question] [answered|handled] [without|with no] [clarifying question|follow-up question]",
            "{S} [silently|arbitrarily] [picked|chose|assumed] one [interpretation|candidate|option] of an [ambiguous|unclear] [question|request]",
            "[Missing|No] [clarification|disambiguation]: {S} [guessed|assumed] the [intended|target] [equipment|site] instead of [asking|checking]",
            "[Assumed|Guessed] [intent|meaning] rather than [requesting|seeking] [clarification|more details] from the user",
            "{S} [should have|ought to have] asked the user to [clarify|specify] [which|what] they [meant|wanted]",
            "[Failure|Neglect] to [disambiguate|resolve the ambiguity in] the [query|request] before [acting|answering]",
            "[Committed|Jumped] to an [interpretation|answer] of a [vague|ambiguous] [prompt|task] [without confirming|with no confirmation]",
        ],
    },
    "reasoning_action_mismatch": {
        "taxonomy": "MAST-2.6",
        "patterns": [
            "{S} [said|stated|wrote] it would [call|query|use] one {T} but [actually|then] [called|used] [another|a different one]",
            "[Reasoning|Thought|Plan]-action [mismatch|inconsistency|gap]: [stated|described] [steps|intentions] [differ from|do not match] [executed|actual] [calls|actions]",
            "The [self-reported|narrated|claimed] [trajectory|steps] [lists|mentions|includes] [calls|actions] that never [happened|ran|took place]",
            "[Thoughts|Reasoning] and [actions|tool use] [diverge|disagree]: {S} [planned|reasoned about] X but [did|executed] Y",
            "{S} [described|claimed] [running|executing] an [analysis|forecast] it [never|did not] [actually|really] [run|execute]",
            "[Inconsistent|Contradictory] [trace|log]: [claimed|reported] [observations|results] [absent from|not in] the [real|actual] {T} log",
            "{S}'s [stated|announced] [plan|intention] [was not|wasn't] [reflected|carried out] in its [actions|calls]",
            "[Narrated|Reported] steps [don't|do not] [correspond|line up] with what {S} [actually|really] did",
        ],
    },
    "runaway_calls": {
        "taxonomy": "MAST-1.5",
        "patterns": [
            "{S} [made|issued|fired off] [far too many|dozens of|an excessive number of] {T} calls for a simple [question|task]",
            "[Excessive|Runaway|Unbounded] [tool usage|exploration|querying]: {S} [did not|never] [stop|know when to stop]",
            "{S} [kept|continued] [exploring|querying|searching] long after it had [enough|sufficient] [information|data] to answer",
            "[No|Missing] [stopping|termination] [criterion|condition]: {S} [ran|went on] [until|up to] the step limit",
            "[Over-exploration|Overexploration|Over-querying] [wasted|burned through] the [step|call] budget",
            "{S} [failed to recognise|did not realise|didn't notice] the task was [already|effectively] [solved|answerable]",
            "[Way|Many] more {T} [requests|invocations] than [needed|necessary] [before|prior to] [answering|concluding]",
            "{S} [wandered|rambled] through [unnecessary|endless] [lookups|queries] [instead of|rather than] [finishing|concluding]",
        ],
    },
    # ---- outside the taxonomy ---------------------------------------------------
    "unit_confusion": {
        "taxonomy": None,
        "patterns": [
            "{S} [confused|mixed up] [kilowatts|kW] [and|with] [tons of refrigeration|tons|BTU per hour]",
            "[Unit|Units] [conversion|mismatch] [error|mistake]: [Fahrenheit|degrees F] [reported|given] as [Celsius|degrees C]",
            "{S} [reported|gave|returned] the [value|figure|result] in the wrong [unit|units] of measure",
            "[Wrong|Incorrect|Missing] [unit conversion|units] [between|from] [imperial|metric] and [metric|imperial] [units|measures]",
            "[Mislabelled|Mislabeled|Incorrect] [units|unit labels] on the [reported|final] [measurement|quantity]",
            "{S} [forgot|neglected|failed] to convert [percent|percentages] to [fractions|ratios] [and vice versa|correctly]",
            "[Unit|Dimension] [mix-up|confusion]: [flow|temperature|power] [expressed|stated] in the wrong [units|scale]",
            "{S} [treated|interpreted] [gallons per minute|GPM] as [liters per second|L/s] [without|with no] conversion",
        ],
    },
    "timezone_misread": {
        "taxonomy": None,
        "patterns": [
            "{S} [misread|misinterpreted|mishandled] [timestamps|times] as [UTC|local time] [when|although] they were [local|UTC]",
            "[Timezone|Time zone|Time-zone] [offset|shift] [error|mistake]: [results|readings] [shifted|off] by [several|a few] hours",
            "[Daylight saving|DST] [transition|change] [not accounted for|ignored] in the [time window|timestamps]",
            "{S} [compared|aligned] [timestamps|events] from [different|mismatched] time zones",
            "[Off-by-one-hour|Hour-offset] [errors|mistakes] from [naive|unzoned] [datetime|timestamp] handling",
            "{S} [assumed|took] the wrong time zone [for|when parsing] the [event|alarm] [times|timestamps]",
            "[Wrong|Incorrect] [clock|time] [reference|basis]: [local|plant] time [treated|read] as [GMT|UTC]",
            "[Timestamp|Time] [normalisation|normalization|conversion] [bug|error] across [time zones|zones]",
        ],
    },
    "wrong_aggregation": {
        "taxonomy": None,
        "patterns": [
            "{S} [summed|added up|totalled] the [readings|values] when the [question|task] asked for [an average|the mean]",
            "[Wrong|Incorrect|Mistaken] [aggregation|statistic|aggregate function]: [maximum|max] [reported|given] instead of [median|mean|average]",
            "{S} [averaged|took the mean of] [daily|hourly] [averages|means] [instead of|rather than] [raw|underlying] [samples|readings]",
            "[Used|Applied|Chose] the wrong [summary|aggregate] [statistic|function] [over|for] the [period|window]",
            "[Mean|Average] [computed|calculated] [over|across] the wrong [grouping|granularity|bucket size]",
            "{S} [counted|tallied] [rows|records] [instead of|rather than] [distinct|unique] [events|assets]",
            "[Aggregation|Rollup] [mistake|error]: [minimum|min] [confused|swapped] with [maximum|max]",
            "[Incorrect|Improper] [weighting|aggregation] when [combining|merging] [several|multiple] [series|periods]",
        ],
    },
    "ignored_pagination": {
        "taxonomy": None,
        "patterns": [
            "{S} [only read|looked only at|stopped after] the first [page|batch] of [paginated|paged] results",
            "[Pagination|Paging] [ignored|not followed|overlooked]: [remaining|later|subsequent] pages [were|went] never [fetched|requested]",
            "{S} [treated|took] [a truncated|a partial|the first] [page|chunk] as the [complete|full|entire] result set",
            "[Missed|Skipped|Dropped] [records|work orders|rows] [beyond|past|after] the [first|initial] [page|page size limit]",
            "[Next-page|Continuation] [token|cursor|link] [was ignored|went unused|not used] by {S}",
            "{S} did not [iterate|loop|paginate] through [all|every] [result|results] [pages|batches]",
            "[Incomplete|Partial] [listing|result set] because [paging|pagination] [stopped|halted] after [one|the first] request",
            "[Results|Listings] [cut off|capped] at the [default|first] page size [without|and no] [follow-up|further] requests",
        ],
    },
    "leaked_reasoning": {
        "taxonomy": None,
        "patterns": [
            "{S} [included|dumped|pasted] its [internal|private|raw] [chain of thought|reasoning|scratchpad] in the final [answer|response]",
            "[Leaked|Exposed|Verbose] [reasoning|thinking|scratch work] [cluttered|polluted|filled] the [user-facing|final] [reply|answer]",
            "[Internal|Hidden] [deliberation|monologue|notes] [shown|printed|revealed] to the user instead of [a clean|just the] answer",
            "The [final|returned] [message|answer] [contained|included] [debug|intermediate|step-by-step] [thoughts|notes|traces]",
            "{S} [echoed|repeated|regurgitated] its [system prompt|instructions|prompt] in the [answer|output]",
            "[Thinking|Reasoning] [tokens|text|tags] [were not|weren't] [stripped|removed] from the [response|output]",
            "[Raw|Unfiltered] [model|agent] [reasoning|musings] [exposed|leaked] [in|into] the [deliverable|answer]",
            "{S} [surfaced|exposed] [scratchpad|draft] [content|text] meant to stay [internal|hidden]",
        ],
    },
    "budget_exhausted": {
        "taxonomy": None,
        "patterns": [
            "{S} [ran out of|exhausted|used up] its [LLM|token|model] budget before [finishing|producing an answer]",
            "[Token|Context|Budget] [limit|quota|allowance] [exceeded|hit|reached]: the [gateway|proxy] [refused|rejected|blocked] further [completions|requests]",
            "[Overly long|Huge|Bloated] [prompts|contexts] [burned through|consumed|ate] the [token|LLM] [allowance|budget|quota]",
            "{S} [stuffed|crammed|packed] [entire|full|raw] [datasets|tables|result sets] into the [prompt|context window]",
            "[Context window|Context length] [overflow|exceeded] [after|from] [pasting|including] [too much|excessive] [telemetry|data]",
            "{S} [was cut off|got cut off|stopped] when the [token|usage] [quota|cap|budget] [ran out|was reached]",
            "[Spent|Wasted|Consumed] [most|all] of the [token|LLM] budget on [verbose|redundant|lengthy] [prompts|completions]",
            "[Quota|Budget] [exhaustion|depletion] [on|at] the [LLM|language model] [gateway|endpoint] [halted|ended|stopped] the run",
        ],
    },
}

_CHOICE_RE = re.compile(r"\[([^\[\]]+)\]")
_PREFIXES = ["", "", "", "", "Observed: ", "Issue - ", "Failure: ", "Problem: "]
_SUFFIXES = [
    "",
    "",
    "",
    "",
    ".",
    ".",
    " in the final step.",
    ", which hurt the result.",
    " during the run.",
    ", leading to a wrong answer.",
    " (seen once).",
]


def _expand(pattern: str, rng: random.Random) -> str:
    text = pattern.replace("{S}", rng.choice(SUBJECTS)).replace("{T}", rng.choice(TOOLS))
    text = _CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
    text = rng.choice(_PREFIXES) + text + rng.choice(_SUFFIXES)
    if rng.random() < 0.15:
        text = text.lower()
    return re.sub(r"\s+", " ", text).strip()


def generate_with_patterns(
    n_per_type: int = 120, seed: int = 7, split: str = "all"
) -> list[tuple[str, str, int]]:
    """(text, type, pattern index within the type's full pattern list);
    ``split``: "dev" (even patterns), "test" (odd patterns) or "all"."""
    rng = random.Random(seed)
    out: list[tuple[str, str, int]] = []
    for name in sorted(TYPES):
        idx = list(range(len(TYPES[name]["patterns"])))
        if split == "dev":
            idx = idx[0::2]
        elif split == "test":
            idx = idx[1::2]
        for i in range(n_per_type):
            p = idx[i % len(idx)]
            out.append((_expand(TYPES[name]["patterns"][p], rng), name, p))
    rng.shuffle(out)
    return out


def generate(n_per_type: int = 120, seed: int = 7, split: str = "all") -> list[tuple[str, str]]:
    """(text, type) pairs; see ``generate_with_patterns``."""
    return [(t, k) for t, k, _ in generate_with_patterns(n_per_type, seed, split)]


def out_of_taxonomy_types() -> list[str]:
    return sorted(k for k, v in TYPES.items() if v["taxonomy"] is None)
