# ruff: noqa: E501  (phrasing patterns are data; wrapping them would hurt readability)
"""Scripted mock provider for the optional LLM failure extractor.

``evaluator.failures.propose_novel_failures`` calls ``litellm.completion``
with the run's task, scores, tool calls and answer. The benchmark registers
this module as the litellm provider ``diagmock`` and passes
``llm_failures_model="diagmock/<defect>/<half>"``: the call goes through
litellm exactly as a real model's would (``mock_response`` carries the
scripted text), and the reply is parsed, scrubbed and clustered by the
project's own code.

The script plays a reviewer that saw the trace and recognised the defect:
per failed run it proposes, in the upstream TrajFM format, a statement
about the defect (in one of the defect's phrasing patterns; probability
``P_DEFECT``, lower for defects a known mode already covers, as the prompt
asks for failures *not* covered), sometimes a second, generic statement
about a symptom (``P_NOISE``), and it copies specifics from the prompt
(asset names, numbers, words of the task) into about half of them, as
real models do, so that scrubbing is exercised.

Phrasing patterns: ``[a|b]`` picks one alternative, ``{S}`` a subject,
``{X}`` a specific taken from the prompt. Each defect's patterns are split
by index: even = "tune", odd = "heldout". Deterministic: the randomness is
seeded by the prompt and the model name.
"""

from __future__ import annotations

import json
import os
import random
import re
import zlib

# litellm would otherwise try to fetch its model cost map over the network
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402
from litellm import CustomLLM  # noqa: E402

PROVIDER = "diagmock"
P_DEFECT_NOVEL = 0.9
P_DEFECT_CODED = 0.6
P_NOISE = 0.35
P_SPECIFIC = 0.5

SUBJECTS = ["The agent", "Agent", "It", "The assistant", "The model"]

# (title, description) patterns per defect.
PATTERNS: dict[str, list[tuple[str, str]]] = {
    "never_retries": [
        (
            "No retry after tool failure",
            "{S} [gave up|stopped] [immediately|at once] when a call [failed|timed out] instead of trying again{X}.",
        ),
        (
            "Gave up on first error",
            "A single [failed|broken] request ended the [run|task]; {S} never [re-attempted|repeated] it and did not say which data was missing.",
        ),
        (
            "Missing retry logic",
            "{S} [has no|lacks any] retry [policy|mechanism]: one [transient|temporary] [error|timeout] was enough to abandon the task{X}.",
        ),
        (
            "Abandoned after transient error",
            "After the [service|tool] [returned an error|did not respond], {S} [returned|answered with] a generic apology [rather than|instead of] retrying.",
        ),
        (
            "No resilience to tool errors",
            "{S} treated a [temporary|recoverable] tool failure as fatal and [quit|ended] without [a second attempt|retrying].",
        ),
        (
            "Unretried failed call",
            "The [failed|timed-out] request was never sent again and the [final answer|response] [does not name|omits] the data that could not be fetched{X}.",
        ),
    ],
    "claims_success": [
        (
            "Claimed success after failed step",
            "{S} [reported|announced] that all steps completed [successfully|fine] although a tool call had failed{X}.",
        ),
        (
            "False success report",
            "The [answer|response] says the task was [done|completed] while the [data retrieval|needed call] actually [failed|returned nothing].",
        ),
        (
            "Success claimed despite error",
            "{S} [ignored|glossed over] a [failed|broken] step and [presented|delivered] a [confident|definitive] result anyway{X}.",
        ),
        (
            "Fabricated completion",
            "{S} [invented|made up] a result to [cover|hide] a step that [failed|errored], [stating|claiming] the work was complete.",
        ),
        (
            "Overclaimed result after error",
            "Despite the [tool failure|error response], the [reply|answer] [asserts|states] success and gives a value no tool [returned|produced]{X}.",
        ),
        (
            "Pretended the failed call worked",
            "{S} [acted as if|behaved as though] the [failed|unsuccessful] call had returned data and [reported|declared] completion.",
        ),
    ],
    "retries_identically": [
        (
            "Resent rejected request unchanged",
            "{S} [sent|submitted] the [same|identical] request again after the tool [rejected|refused] it with an explanation{X}.",
        ),
        (
            "Retry without adjustment",
            "The tool said the [page size|parameter] was [too large|out of range] but {S} [retried|repeated] with [exactly the same|unchanged] arguments.",
        ),
        (
            "Identical retries of invalid call",
            "[Several|Three] [identical|unchanged] attempts of a call the [service|tool] had [flagged|declared] invalid, never [fixing|correcting] the input{X}.",
        ),
        (
            "Did not adapt to validation error",
            "{S} [kept|persisted in] [requesting|asking for] more rows than the tool allows, [despite|in spite of] the validation message.",
        ),
        (
            "Looping on a rejected call",
            "{S} [looped|cycled] on a request the tool [rejected|refused], never [changing|adjusting] the [limit|arguments] it was told were wrong.",
        ),
        (
            "Ignored the error message",
            "The [error message|tool response] [explained|spelled out] the [limit|constraint]; {S} [ignored|disregarded] it and [resent|repeated] the call verbatim{X}.",
        ),
    ],
    "ignores_warnings": [
        (
            "Ignored tool warning",
            "{S} used data that the tool [flagged|marked] [as possibly incomplete|with a warning] without [mentioning|checking] it{X}.",
        ),
        (
            "Warning not surfaced",
            "A [warning|caution] [returned|attached] by the [service|tool] [never|did not] [appeared|appear] in the [answer|response].",
        ),
        (
            "Trusted flagged data",
            "{S} [treated|took] [warned|flagged] results as [clean|reliable] and reported them [without caveat|as final]{X}.",
        ),
        (
            "Dropped data-quality warning",
            "The tool's [data-quality|completeness] warning was [silently dropped|discarded]; the answer [presents|gives] the figures as certain.",
        ),
        (
            "Overlooked partial-data notice",
            "{S} [overlooked|missed] a notice that the [returned|retrieved] data [might be|may be] partial and did not [re-check|verify] it{X}.",
        ),
        (
            "No caveat for warned result",
            "The [result|answer] [rests on|relies on] [warned|flagged] data yet [carries|gives] no caveat [about it|for the reader].",
        ),
    ],
    "repeats_calls": [
        (
            "Redundant repeated calls",
            "{S} [issued|sent] the same data request [three times|several times] in a row{X}.",
        ),
        (
            "Duplicate tool invocations",
            "[Identical|Duplicate] calls with the same arguments were [made|repeated] although the first [already returned|had returned] data.",
        ),
        (
            "Wasteful call repetition",
            "{S} [re-ran|repeated] every [query|call] [multiple times|again and again] without using the [extra|repeated] results{X}.",
        ),
        (
            "Repeated identical queries",
            "The [trace|log] shows the [same|identical] query [repeated|duplicated] [back to back|consecutively] for no reason.",
        ),
        (
            "Call duplication",
            "{S} [duplicated|tripled] its [tool calls|requests], [wasting|burning] steps on answers it already had{X}.",
        ),
        (
            "Needless re-fetching",
            "{S} [fetched|requested] the [same|identical] data [again|repeatedly] instead of [reusing|keeping] the earlier result.",
        ),
    ],
    "first_family_only": [
        (
            "Stopped after first tool family",
            "{S} [answered|finished] after the [telemetry|first] lookup and never [ran|called] the [analysis|follow-up] step the task [needed|required]{X}.",
        ),
        (
            "Skipped downstream analysis",
            "The [forecast|anomaly analysis|work-order lookup] [was never run|never happened]; {S} [reported|gave] [raw|intermediate] data as the answer.",
        ),
        (
            "Incomplete multi-step execution",
            "{S} [completed|did] only the first [stage|step] of a [multi-step|two-step] task and [returned|stopped] [early|prematurely]{X}.",
        ),
        (
            "Answered from intermediate result",
            "{S} [returned|gave] an [identifier|intermediate value] from the first call instead of [finishing|completing] the [analysis|task].",
        ),
        (
            "Premature stop after data retrieval",
            "{S} [stopped|halted] right after [retrieving|fetching] the [data|series] and never [processed|analysed] it{X}.",
        ),
        (
            "Missing second stage",
            "The [second|final] [stage|step] of the task [was skipped|never ran]; the [answer|response] is [an intermediate|a partial] result.",
        ),
    ],
    "no_data": [
        (
            "Answered without querying data",
            "{S} [gave|produced] an answer without [calling|consulting] any [tool|data source]{X}.",
        ),
        (
            "Guessed answer",
            "The [answer|value] was [guessed|invented]: {S} made no [tool calls|data requests] at all.",
        ),
        (
            "No retrieval before answering",
            "{S} [skipped|never did] [data retrieval|any lookup] and [stated|asserted] a [plausible-looking|confident] value{X}.",
        ),
        (
            "Unsupported answer with zero tool use",
            "[Zero|No] tool [calls|usage] in the [trace|run]; the [reply|answer] [rests on|comes from] nothing observed.",
        ),
        (
            "Made-up value without data",
            "{S} [invented|made up] a [number|result] [instead of|rather than] [retrieving|fetching] the data{X}.",
        ),
        (
            "Did not use the tools",
            "{S} [never|did not] [use|touch] the [available|provided] tools and [answered|responded] from [assumptions|guesswork].",
        ),
    ],
    "wrong_asset": [
        (
            "Queried the wrong asset",
            "{S} [retrieved|pulled] data for [a different|another|a neighbouring] [asset|unit] than the one in the question{X}.",
        ),
        (
            "Asset mix-up",
            "{S} [confused|mixed up] the [requested|named] [equipment|unit] with [a sibling|another one] at the same site.",
        ),
        (
            "Data from another unit",
            "The [readings|records] [used|reported] [belong to|come from] [another|a different] [chiller|asset|unit]{X}.",
        ),
        (
            "Mismatched equipment identifier",
            "{S} [passed|sent] an [equipment id|asset id] that does not match the [task|request] to the tools.",
        ),
        (
            "Wrong target equipment",
            "{S} [analysed|looked at] the wrong [piece of equipment|asset] and [reported|answered with] its values{X}.",
        ),
        (
            "Retrieved data for incorrect asset",
            "[All|The] [data calls|queries] [targeted|addressed] an [asset|unit] other than the one [asked about|named].",
        ),
    ],
    "wrong_window": [
        (
            "Wrong time window",
            "{S} [queried|requested] data for [a different|the following|another] [month|period] than the one asked for{X}.",
        ),
        (
            "Date range shifted",
            "The [date range|time window] [used|sent] in the [query|request] was [shifted|off] by about a month.",
        ),
        (
            "Off-period data retrieval",
            "{S} [retrieved|pulled] [readings|records] from the wrong [period|dates]{X}.",
        ),
        (
            "Time window mismatch",
            "The [requested|retrieved] [interval|window] does not [match|cover] the [period|dates] in the question.",
        ),
        (
            "Misread requested dates",
            "{S} [misread|mishandled] the [dates|period] in the task and [analysed|used] the wrong [interval|range]{X}.",
        ),
        (
            "Incorrect date bounds",
            "[Start and end|The] [dates|bounds] [passed|given] to the tools [miss|do not cover] the [requested|intended] period.",
        ),
    ],
    "acts_before_verifying": [
        (
            "Acted before retrieving inputs",
            "{S} [ran|called] the [analysis|work-order] step [first|before anything else] on [guessed|made-up] inputs{X}.",
        ),
        (
            "Analysis before data",
            "{S} [invoked|started] the [forecasting|analytics|work-order] tool before [retrieving|obtaining] the data it [depends on|needs].",
        ),
        (
            "Premature action on guessed input",
            "The [first|opening] call [used|passed] an [input|identifier] [guessed|invented] from the task [instead of|rather than] one [looked up|verified]{X}.",
        ),
        (
            "Skipped verification before acting",
            "{S} [acted|proceeded] [without first|before] [checking|verifying] the [dataset|asset|identifier] it was about to use.",
        ),
        (
            "Out-of-order tool use",
            "[Downstream|Dependent] tools were [called|used] before the [upstream|prerequisite] lookup{X}.",
        ),
        (
            "Unverified inputs to analysis",
            "{S} [fed|passed] [unverified|guessed] [values|ids] to the [analysis|action] step and only [afterwards|later] [looked up|fetched] the real ones.",
        ),
    ],
    "wrong_format": [
        (
            "Ignored requested output format",
            "{S} [returned|answered with] a [JSON record|report envelope] when [a plain value|a number|a list] was [requested|asked for]{X}.",
        ),
        (
            "Wrong answer format",
            "The [answer|output] [wraps|buries] the result in [metadata|extra fields] instead of [the format|the shape] the task [specified|requested].",
        ),
        (
            "Output format mismatch",
            "{S} [used|applied] the same [fixed|generic] [output template|envelope] [for every task|regardless of the request]{X}.",
        ),
        (
            "Prose where JSON required",
            "[Asked for|Given a request for] a JSON object, {S} [wrote|returned] [a sentence|prose] [instead|that cannot be parsed].",
        ),
        (
            "Unparseable result shape",
            "The [response|result] [cannot be|is not] [parsed|read] as the [requested|expected] [value|structure]{X}.",
        ),
        (
            "Format instructions not followed",
            "{S} [did not follow|disregarded] the [output|answer] [format hint|format instructions] and [added|included] [status and confidence fields|run metadata].",
        ),
    ],
    "never_asks_back": [
        (
            "Did not ask which one was meant",
            "{S} [picked|chose] [the first|one] [candidate|option] of an [ambiguous|underspecified] request [instead of|rather than] asking{X}.",
        ),
        (
            "Silent disambiguation",
            "The request [named|matched] [several|multiple] [assets|sensors|work orders]; {S} [guessed|assumed] one without [asking|checking with the user].",
        ),
        (
            "No clarifying question",
            "{S} [never|did not] ask [the operator|the user] to [clarify|specify] an [ambiguous|unclear] [request|question]{X}.",
        ),
        (
            "Arbitrary choice among candidates",
            "[Faced with|Given] [several|multiple] [matching|possible] [candidates|items], {S} [arbitrarily|silently] [committed to|went with] one.",
        ),
        (
            "Assumed the intended item",
            "{S} [assumed|presumed] which [equipment|sensor|record] was meant and [answered|responded] [confidently|as if certain]{X}.",
        ),
        (
            "Ambiguity not resolved",
            "The [ambiguity|uncertainty] in the [task|request] was [not resolved|left unresolved]; {S} [answered|replied] for [an arbitrary|a guessed] [item|candidate].",
        ),
    ],
    "asks_back_always": [
        (
            "Asked a question instead of answering",
            "{S} [replied|responded] with a [question|request for details] [even though|although] the task was [fully specified|unambiguous]{X}.",
        ),
        (
            "Unnecessary clarification request",
            "{S} [asked|requested] the user for [the time window and measurement|details] that the [task|request] already [gave|stated].",
        ),
        (
            "Needless follow-up question",
            "[Instead of|Rather than] [answering|solving the task], {S} [asked back|posed a follow-up question] about [information|details] already provided{X}.",
        ),
        (
            "Deflected with a question",
            "{S} [deflected|avoided] the task by [asking|requesting] [which window|what measurement] was meant, [despite|in spite of] a clear request.",
        ),
        (
            "Over-asking for clarification",
            "{S} [asks for|requests] clarification [on every task|by default], [even when|also when] nothing is [ambiguous|unclear]{X}.",
        ),
        (
            "Question back on a clear request",
            "A [clear|well-specified] [request|task] got a [question|clarification request] [back|in return] [instead of|and no] answer.",
        ),
    ],
    "unit_confusion": [
        (
            "Unit conversion error",
            "{S} [reported|gave] the value in [the wrong unit|another unit], [converting|treating] [Fahrenheit as Celsius|tons as kilowatts]{X}.",
        ),
        (
            "Wrong units in the answer",
            "The [reported|final] [figure|value] [was converted|is expressed] in [different|incorrect] units from the [data|sensor].",
        ),
        (
            "Unit mix-up",
            "{S} [mixed up|confused] [degrees Fahrenheit|degF] [and|with] [degrees Celsius|degC] when [stating|reporting] the result{X}.",
        ),
        (
            "Misapplied conversion factor",
            "A [conversion factor|unit conversion] was [applied|used] [that the task did not ask for|wrongly], [scaling|changing] the [reported|returned] value.",
        ),
        (
            "Incorrect measurement units",
            "{S} [stated|returned] the [measurement|quantity] in [the wrong|a mismatched] [unit|scale] [relative to|compared with] the sensor's{X}.",
        ),
        (
            "Value reported in foreign unit",
            "The [answer|result] [uses|is in] a [unit|scale] [other than|different from] the one the [data|sensor] [records|reports].",
        ),
    ],
    "wrong_aggregation": [
        (
            "Wrong aggregate statistic",
            "{S} [computed|reported] [the mean|an average] when the [maximum|peak] was [asked for|requested]{X}.",
        ),
        (
            "Aggregation mismatch",
            "The [statistic|aggregate] [used|returned] [was|is] not the one the task [named|specified] ([mean|average] vs [max|min]).",
        ),
        (
            "Averaged instead of peak",
            "{S} [averaged|took the mean of] the [readings|values] [instead of|rather than] taking the [highest|lowest] one{X}.",
        ),
        (
            "Misapplied summary function",
            "[The wrong|An incorrect] [summary|aggregate] [function|statistic] was applied to [correct|the right] data.",
        ),
        (
            "Incorrect statistic over correct data",
            "{S} [retrieved|had] the right [series|readings] but [summarised|aggregated] them with the wrong [statistic|function]{X}.",
        ),
        (
            "Max and mean swapped",
            "[The maximum|A peak value] was [returned|given] where [an average|the mean] was [asked for|requested], and [vice versa|the other way round].",
        ),
    ],
    "leaks_reasoning": [
        (
            "Leaked internal reasoning",
            "{S} [included|pasted] its [scratchpad|chain of thought|thinking] in the final answer{X}.",
        ),
        (
            "Reasoning trace in the output",
            "The [answer|reply] [contains|includes] [thought and observation lines|intermediate thoughts] [meant to stay internal|not intended for the user].",
        ),
        (
            "Exposed thinking tags",
            "{S} [left|kept] [thinking tags|its deliberation] in the [response|answer] [instead of|rather than] [a clean answer|just the result]{X}.",
        ),
        (
            "Debug output in final answer",
            "[Internal notes|Raw tool observations] and [reasoning|self-talk] [appear|show up] in the [user-facing|final] [answer|message].",
        ),
        (
            "Unfiltered deliberation shown",
            "{S} [dumped|exposed] its [step-by-step|internal] [deliberation|monologue] [into|in] the [deliverable|answer]{X}.",
        ),
        (
            "Scratch work not stripped",
            "[Scratch work|Thought traces] [were|was] not [removed|stripped] before [answering|replying], [cluttering|padding] the [answer|result].",
        ),
    ],
    # fresh held-out defects (second round), written before they were run
    "empty_on_json": [
        (
            "Empty answer for JSON request",
            "{S} returned [nothing|an empty string] when the task asked for a JSON object{X}.",
        ),
        (
            "JSON output missing",
            "The [final answer|response] is [blank|empty] [although|even though] a structured JSON result was requested.",
        ),
        (
            "Structured result never written",
            "{S} [did the retrieval|fetched the data] but [wrote|emitted] no JSON at all in the answer{X}.",
        ),
        (
            "Serialisation failure",
            "The JSON [answer|payload] [was lost|went missing], apparently [a serialisation bug|an encoding error], leaving an empty reply.",
        ),
        (
            "No content in reply",
            "{S} [ended|finished] the run with an empty [answer|message] [where|when] a JSON record was expected{X}.",
        ),
        (
            "Blank structured output",
            "[Nothing|No content] came back in the [answer|reply] for a task whose [output format|requested format] was JSON.",
        ),
    ],
    "first_page_only": [
        (
            "Used only the first page",
            "{S} computed the result from the first page of a paged response and never [fetched|requested] the remaining pages{X}.",
        ),
        (
            "Pagination ignored",
            "The [tool response|history result] was [paged|split into pages] but {S} [treated|took] the first [page|chunk] as the complete data set.",
        ),
        (
            "Partial data taken as complete",
            "{S} [summarised|aggregated] [a fraction|a small part] of the [readings|observations] as if it were [all of them|the whole window]{X}.",
        ),
        (
            "Did not follow next pages",
            "[Remaining|Later] pages of the [result|series] were [never requested|not read], so the [statistic|answer] rests on [truncated|incomplete] data.",
        ),
        (
            "Small page size, no paging",
            "{S} [asked for|requested] a [tiny|small] page size and [stopped|answered] after one page{X}.",
        ),
        (
            "Incomplete retrieval of paged data",
            "Only [the first|one] page of [telemetry|observations] was used; the [total_pages|page count] field [was ignored|went unread].",
        ),
    ],
    "off_by_one_day": [
        (
            "Window starts a day late",
            "{S} [queried|requested] a time window that begins one day after the [one asked for|requested start]{X}.",
        ),
        (
            "First day missing from the window",
            "The [history|data] request [skipped|left out] the first day of the [period|window] named in the task.",
        ),
        (
            "Off-by-one date error",
            "{S} [shifted|moved] the start date by one day, so the [retrieved|analysed] [range|window] does not match the task{X}.",
        ),
        (
            "Wrong start date",
            "[Date arithmetic|Window computation] [is off|was off] by a day: the query [started|began] [late|too late] and [missed|lost] readings.",
        ),
        (
            "Truncated time range",
            "{S} [analysed|used] a [range|window] missing its first day and reported a result for the [whole|full] period{X}.",
        ),
        (
            "Start boundary mistake",
            "The [start|lower] boundary of the [query|window] was [one day late|a day after] the [requested|asked] date.",
        ),
    ],
    "retries_elsewhere": [
        (
            "Retried with different wrong arguments",
            "{S} retried a failed call with [altered|mangled] [asset|site] names, so the retries [failed too|could not succeed]{X}.",
        ),
        (
            "Ineffective retry",
            "After [a tool failure|the failed request] {S} [tried again|retried] but [changed|broke] the [identifiers|arguments], never [recovering|getting] the data.",
        ),
        (
            "Retries went to the wrong target",
            "The [retries|repeated attempts] [addressed|targeted] a [non-existent|wrong] asset instead of repeating the [original|correct] request{X}.",
        ),
        (
            "Broken recovery logic",
            "{S}'s [recovery|retry] path [corrupted|modified] the request, so [every|each] retry [failed|errored] and the task was abandoned.",
        ),
        (
            "Recovery attempts failed",
            "{S} [made|sent] [two|several] retries after an error but none [used|had] the right [names|arguments]{X}.",
        ),
        (
            "Retry with invalid identifiers",
            "[Retries|Second attempts] [carried|used] [invalid|unknown] identifiers, [guaranteeing|ensuring] they would fail.",
        ),
    ],
    "rounds_values": [
        (
            "Value rounded to an integer",
            "{S} [rounded|truncated] the reported [value|measurement] to a whole number, [losing|dropping] the precision the task needs{X}.",
        ),
        (
            "Precision lost in answer",
            "The [reported|returned] [figure|number] [lacks|has no] decimals although the [data|readings] [had them|are fractional].",
        ),
        (
            "Over-rounded result",
            "{S} [reported|gave] an [over-rounded|integer] result instead of the [exact|precise] value [from the data|it computed]{X}.",
        ),
        (
            "Decimal places dropped",
            "[Decimal places|Fractional digits] of the [result|value] were [dropped|cut], so the [answer|number] [misses|falls outside] the tolerance.",
        ),
        (
            "Coarse numeric answer",
            "{S} [gave|returned] a [coarse|rounded] [number|reading] [where|when] a precise [value|figure] was [asked for|expected]{X}.",
        ),
        (
            "Numeric precision discarded",
            "The [computation|analysis] was right but the [final|reported] [value|number] was [rounded off|rounded] [before answering|in the reply].",
        ),
    ],
    # wrong_sensor (second round) had no entry until the eighth round: its
    # runs got only the generic symptoms, never a statement about the defect
    "wrong_sensor": [
        (
            "Read the wrong sensor",
            "{S} [retrieved|pulled] readings from a different sensor than the one [named in the task|the question names]{X}.",
        ),
        (
            "Neighbouring measurement used",
            "The [history|data] request [named|targeted] the [point|channel] listed next to the requested one, so the [figure|value] describes another measurement.",
        ),
        (
            "Sensor mix-up",
            "{S} [confused|mixed up] two sensors of the asset and answered from the [wrong|other] one{X}.",
        ),
        (
            "Answer from an unrelated channel",
            "[Readings|Values] came from a [measurement|tag] the [operator|user] did not ask about, although the asset and period were right.",
        ),
        (
            "Incorrect sensor selected",
            "{S} [selected|chose] the wrong sensor [when querying|for] the [history|time series]{X}.",
        ),
        (
            "Off-target telemetry point",
            "The [series|telemetry] [analysed|used] belongs to a [sibling|different] [point|tag] on the same equipment, not the [requested|named] one.",
        ),
    ],
    # third-round fresh defects (half "fresh2"): written before the third
    # round of evaluator changes, never looked at while tuning
    "stops_after_lookups": [
        (
            "Stopped after resolving names",
            "{S} [looked up|resolved] the [asset|equipment] and then [stopped|gave up] without [reading|requesting] any [data|readings]{X}.",
        ),
        (
            "No data call after lookups",
            "The [trace|run] [contains|has] only [name|catalogue] lookups; the [telemetry|data] the [task|question] [depends on|needs] was never [requested|queried].",
        ),
        (
            "Quit before the data step",
            "{S} [quit|ended the run] [right after|as soon as] it [found|identified] the [asset|sensor], [before|without] [fetching|retrieving] the [values|data]{X}.",
        ),
        (
            "Answered value not found without looking",
            "The [reply|answer] [says|claims] the value was not [found|available], but no [query|request] for it was ever [made|sent].",
        ),
        (
            "Lookups only, no retrieval",
            "{S} [performed|did] the [name resolution|lookups] but [skipped|never reached] the [retrieval|data] step and [returned|answered]{X}.",
        ),
        (
            "Early stop after identifying the asset",
            "[Work|The run] [ended|stopped] once the [equipment|asset] was [identified|located]; the [measurement|data] [needed for|behind] the answer was never [pulled|fetched].",
        ),
    ],
    "errors_as_empty": [
        (
            "Error read as empty data",
            "{S} [treated|read] a failed call as if it had returned [no rows|an empty result] and [answered|computed] from that{X}.",
        ),
        (
            "Failure mistaken for no data",
            "When the [service|tool] [failed|returned an error], the [answer|response] [reports|says] there is nothing to report [instead of|rather than] saying the data could not be fetched.",
        ),
        (
            "Silent error turned into zero",
            "{S} [turned|converted] a [server error|failed request] into an empty [list|answer] and [never|did not] [mention|retry] it{X}.",
        ),
        (
            "Empty result assumed after failure",
            "The [failed|broken] request was [neither retried nor reported|not retried and not mentioned]; its [missing|absent] data was [taken|presented] as a genuine empty result.",
        ),
        (
            "Error swallowed as no result",
            "{S} [swallowed|hid] the tool error and [reported|gave] a [zero|none] answer as if the data [existed|had been read]{X}.",
        ),
        (
            "Outage reported as absence",
            "[An outage|A failure] of the data service was [presented|reported] to the user as the absence of [records|readings], with no [retry|caveat].",
        ),
    ],
    "short_window": [
        (
            "Time window cut short",
            "{S} [queried|requested] only the first day of the [period|window] the task [asked about|named]{X}.",
        ),
        (
            "Truncated date range",
            "The [data request|query] [ended|stopped] one day after its start, so most of the [requested|asked-for] [period|range] was never [read|retrieved].",
        ),
        (
            "Incomplete query window",
            "{S} [used|passed] an end date far [earlier|sooner] than the task's, [covering|reading] only a [sliver|fraction] of the window{X}.",
        ),
        (
            "Window shorter than asked",
            "The [statistic|result] was [computed|derived] over a [one-day|single-day] window [instead of|rather than] the [full|whole] period in the question.",
        ),
        (
            "Wrong end of the range",
            "{S} [set|gave] the [query's|request's] end [one day|a day] after its start, [ignoring|dropping] the rest of the [month|period]{X}.",
        ),
        (
            "Partial period retrieved",
            "[Only|Just] the [opening|first] day of the [requested|named] [interval|period] was [fetched|pulled], so the answer [reflects|describes] a fraction of it.",
        ),
    ],
    "first_id_only": [
        (
            "Only the first id listed",
            "{S} [returned|gave] [a single|one] identifier when the task [asked for|expected] all [matching|relevant] ones{X}.",
        ),
        (
            "Incomplete list of identifiers",
            "The [answer|reply] [names|lists] only the first of the [matching|qualifying] [items|ids] and [drops|omits] the others.",
        ),
        (
            "List truncated to one item",
            "{S} [cut|truncated] the [result list|list of ids] to [its first entry|one entry] although [several|more] [were found|matched]{X}.",
        ),
        (
            "Missing ids in answer",
            "[Most|Several] of the [ids|identifiers] the [data|tools] [returned|showed] [are absent|are missing] from the final [list|answer].",
        ),
        (
            "Single id instead of a list",
            "{S} [answered|replied] with one [id|name] where a [list|set] of [ids|identifiers] was [requested|expected]{X}.",
        ),
        (
            "Partial enumeration",
            "The [enumeration|listing] [stops|ends] after the first [match|result]; the remaining [matches|results] were [retrieved|available] but not reported.",
        ),
    ],
    "sign_flip": [
        (
            "Sign of the value inverted",
            "{S} reported the [value|result] with the [wrong|opposite] sign{X}.",
        ),
        (
            "Negative instead of positive",
            "The [reported|returned] [number|quantity] is the [negation|negative] of what the [data|readings] [show|support].",
        ),
        (
            "Flipped sign in answer",
            "{S} [flipped|inverted] the sign of the [computed|retrieved] [figure|number] [before answering|in the reply]{X}.",
        ),
        (
            "Value with wrong polarity",
            "The [answer|result] has the [right|correct] magnitude but the [wrong|reversed] [sign|polarity], so it [misses|fails] the [expected|true] value.",
        ),
        (
            "Negated result",
            "{S} [gave|returned] a [negated|sign-reversed] [value|reading] [rather than|instead of] the one it [computed|retrieved]{X}.",
        ),
        (
            "Inverted numeric answer",
            "[Magnitude|Size] [correct|fine], [sign|direction] [wrong|reversed]: the [figure|number] in the reply is [minus|the opposite of] the real one.",
        ),
    ],
    "camel_case_json": [
        (
            "JSON keys renamed",
            "{S} [returned|wrote] JSON whose [keys|field names] do not match the [requested|expected] [schema|names]{X}.",
        ),
        (
            "Wrong field names in output",
            "The [JSON|structured] [answer|output] uses camelCase [keys|fields] where the task [asked for|specified] snake_case ones.",
        ),
        (
            "Schema mismatch in JSON answer",
            "{S} [renamed|changed] the [fields|keys] of the [required|requested] JSON object, so [required|expected] fields are [missing|absent]{X}.",
        ),
        (
            "Key naming does not follow the format",
            "[Field|Key] [names|spelling] in the [reply|answer] [differ|deviate] from the [output format|format] the task [gave|set out].",
        ),
        (
            "Unexpected JSON keys",
            "{S} [produced|emitted] a JSON object with [unexpected|non-standard] [keys|property names] instead of the [specified|requested] ones{X}.",
        ),
        (
            "Output keys not as requested",
            "The [answer's|result's] [keys|field names] are [styled|spelled] differently from the [required|asked-for] [format|schema], so it cannot be [parsed|read] as asked.",
        ),
    ],
    # fourth-round fresh defects (half "fresh3"): written before the fourth
    # round of evaluator changes, never looked at while tuning
    "percent_scale": [
        (
            "Value scaled down by a hundred",
            "{S} reported the [value|result] divided by 100, as if it were a percentage{X}.",
        ),
        (
            "Magnitude off by two orders",
            "The [number|figure] in the [reply|answer] is a hundredfold smaller than what the [readings|data] [give|show].",
        ),
        (
            "Percentage confusion",
            "{S} [treated|read] the [quantity|reading] as a percent and [divided|scaled] it by a hundred [before answering|in the reply]{X}.",
        ),
        (
            "Reported figure too small",
            "The [answer|result] [states|gives] a fraction of the [measured|true] [amount|level]: [two decimal places|the decimal point] [moved|shifted] to the left.",
        ),
        (
            "Hundredfold scaling error",
            "{S} [scaled|divided] the [retrieved|computed] [value|number] by one hundred [rather than|instead of] reporting it as is{X}.",
        ),
        (
            "Answer in the wrong order of magnitude",
            "[Digits|Significant digits] [right|fine], [magnitude|scale] [wrong|off]: the reported [quantity|measurement] is 1/100 of the [real|observed] one.",
        ),
    ],
    "extra_id": [
        (
            "Invented id added to the list",
            "{S} [added|appended] an identifier to the [list|answer] that no tool [returned|listed]{X}.",
        ),
        (
            "Spurious entry in the answer",
            "The [reply|answer] [includes|names] one [item|asset] more than the [data|tools] [showed|reported]; that extra [name|entry] does not exist.",
        ),
        (
            "List padded with a made-up id",
            "{S} [padded|extended] the [list of ids|result list] with an [invented|unknown] [id|identifier] [at the end|after the real ones]{X}.",
        ),
        (
            "Nonexistent asset listed",
            "[Besides|Along with] the [matching|correct] [ids|names], the [answer|response] [mentions|lists] equipment [that was never|not] seen in any [result|observation].",
        ),
        (
            "Extra identifier not in the data",
            "{S} [listed|gave] an [id|identifier] that is [absent from|not in] the [tool results|retrieved data] alongside the right ones{X}.",
        ),
        (
            "Fabricated member of the enumeration",
            "The [enumeration|set of results] [contains|carries] a [fabricated|phantom] [member|element]: [one|a] [name|label] with no [source|trace] in the [observations|outputs].",
        ),
    ],
    "json_as_string": [
        (
            "JSON answer encoded as a string",
            "{S} [returned|wrote] the JSON object as a quoted string instead of an object{X}.",
        ),
        (
            "Doubly serialised output",
            "The [structured|JSON] [answer|reply] was serialised twice, so a parser [gets|sees] one text [value|literal] and no fields.",
        ),
        (
            "JSON wrapped in quotes",
            "{S} [wrapped|enclosed] the [JSON|result] object in quotes and escaped its [content|keys], so it is a string{X}.",
        ),
        (
            "Escaped object instead of JSON",
            "[Fields|Keys] of the [reply|result] [are hidden|sit] inside an escaped [text|literal]; the [format|output] the task [asked for|set] is [not met|broken].",
        ),
        (
            "String instead of JSON object",
            "{S} [produced|emitted] a JSON string [containing|holding] the object [rather than|instead of] the object itself{X}.",
        ),
        (
            "Output not parseable as the requested object",
            "[Parsing|Reading] the [response|reply] [yields|gives] plain text with backslashes, not the [record|structure] [requested|specified].",
        ),
    ],
    "reversed_window": [
        (
            "Start and end of the window swapped",
            "{S} [sent|passed] the [query|request] with its start and end dates swapped{X}.",
        ),
        (
            "Backwards date range",
            "The [data request|query] [began|started] after it [ended|finished]; the [interval|range] [was|ran] backwards and [returned|gave] nothing usable.",
        ),
        (
            "Reversed time range in call",
            "{S} [used|gave] the [later|final] date as the start and the [earlier|first] one as the end of the [window|range]{X}.",
        ),
        (
            "Inverted interval bounds",
            "[From|Lower] and [to|upper] [bounds|limits] of the [period|interval] [were|came] [exchanged|inverted] in the [tool|service] [arguments|parameters].",
        ),
        (
            "Swapped window boundaries",
            "{S} [swapped|exchanged] the [window|period] boundaries so the [query|request] covered [no|an empty] range{X}.",
        ),
        (
            "Negative-length query period",
            "[Requested|Queried] [span|period] had [negative|no] length: the [beginning|opening] [timestamp|date] lay after the [closing|last] one.",
        ),
    ],
    "decimal_comma": [
        (
            "Decimal comma in the number",
            "{S} wrote the [value|result] with a decimal comma instead of a decimal point{X}.",
        ),
        (
            "Locale-formatted figure",
            "The [answer|reply] [uses|follows] a European [number format|notation] (comma as separator), so the [figure|quantity] [cannot be|is not] read as a number.",
        ),
        (
            "Comma used as decimal separator",
            "{S} [formatted|printed] the [number|reading] with a comma [separating|before] the decimals{X}.",
        ),
        (
            "Number not machine-readable",
            "[Fraction|Fractional part] [separated|split off] by [a comma|commas]: the [numeric|reported] [field|value] [fails|does not pass] [parsing|conversion].",
        ),
        (
            "Wrong decimal separator",
            "{S} [used|put] a comma [where|in place of] the decimal point [belongs|should be] in the reported [value|figure]{X}.",
        ),
        (
            "Numeric answer in regional notation",
            "[Regional|Continental] [notation|style] in the [response|output]: [digits|the amount] [written|given] like 12,5, which [a parser|the grader] [rejects|cannot take].",
        ),
    ],
    # fifth-round fresh defects (half "fresh4"): written before the fifth
    # round of evaluator changes, never looked at while tuning
    "wrong_site": [
        (
            "Queried the wrong site",
            "{S} [requested|fetched] the data from the other site of the plant instead of the one the task names{X}.",
        ),
        (
            "Site argument mismatched",
            "The [facility|location] passed to the data [calls|tools] is not the one [in the request|asked about], so the [equipment|records] could not be found there.",
        ),
        (
            "Data calls sent to another site",
            "{S} [resolved|looked up] the names at the right site but [sent|addressed] the [history|data] requests to a different site{X}.",
        ),
        (
            "Location confusion in tool calls",
            "[Every|Each] [retrieval|query] [targeted|pointed at] a [facility|plant location] other than the requested one; the [lookups|name checks] were [fine|correct].",
        ),
        (
            "Wrong site in the request",
            "{S} [used|put] the name of another site in the [site|location] parameter of its [data|retrieval] calls{X}.",
        ),
        (
            "Mismatched facility parameter",
            "[Requests|Calls] for [readings|records] [carried|named] the [sister|neighbouring] [facility|location], where the [asset|unit] asked about does not exist.",
        ),
    ],
    "number_words": [
        (
            "Number written in words",
            "{S} wrote the [value|result] out in words instead of digits{X}.",
        ),
        (
            "Spelled-out figure",
            "The [reply|answer] [spells out|verbalises] the quantity (like 'twelve point five'), which [a parser|the checker] cannot [read as|turn into] a number.",
        ),
        (
            "Digits replaced by words",
            "{S} [gave|reported] the [number|reading] as English words [rather than|instead of] numerals{X}.",
        ),
        (
            "Non-numeric rendering of the result",
            "[Quantity|Amount] [rendered|expressed] [verbally|as prose words]: [the reply|the response] carries no [numeral|digit] to [extract|parse].",
        ),
        (
            "Verbal number in the answer",
            "{S} [verbalised|spelled] the [computed|requested] [value|figure] [so the answer has no digits|letter by letter as words]{X}.",
        ),
        (
            "Result given in words, not numerals",
            "[Instead of|Rather than] a [numeric|machine-readable] [value|field], the [output|response] [contains|holds] the amount [phrased|worded] in [English|natural language].",
        ),
    ],
    "truncated_answer": [
        (
            "Answer cut off",
            "{S} [stopped|ended] its answer [halfway|in the middle], so the [result|text] is incomplete{X}.",
        ),
        (
            "Truncated response",
            "The [reply|final response] [breaks off|ends abruptly] mid-[sentence|value]; [the second half|its end] is [missing|lost].",
        ),
        (
            "Incomplete final output",
            "{S} [returned|emitted] only [the first half|part] of its [answer|output]{X}.",
        ),
        (
            "Output ends prematurely",
            "[Text|Content] of the [answer|reply] [stops|is chopped] [before it finishes|short]: [brackets|lists|numbers] [left open|left unfinished].",
        ),
        (
            "Half of the answer missing",
            "{S} [cut|clipped] the [answer|reply] [short|off] [after|at] about half its length{X}.",
        ),
        (
            "Clipped result text",
            "[Reading|Parsing] the [response|result] [finds|hits] an [unfinished|partial] [structure|statement]: the tail [never arrived|was dropped].",
        ),
    ],
    "refuses_after_data": [
        (
            "Declined to answer after retrieval",
            "{S} [retrieved|collected] the data but then [declined|refused] to state a result{X}.",
        ),
        (
            "Deferred to a human despite having the data",
            "[Although|Even though] the [records|readings] were [at hand|fetched], the [reply|answer] [only|merely] [suggests|recommends] consulting an engineer.",
        ),
        (
            "Refusal instead of a result",
            "{S} [ended|closed] with a refusal to give [a figure|any value] [after|despite] [successful|working] tool calls{X}.",
        ),
        (
            "Unnecessary hand-off to an expert",
            "[No|Not a single] [value|finding] [is|was] [reported|given]; the [response|output] [passes|hands] the question to [someone else|a specialist] [though|while] the [information|data] [was|had been] [obtained|loaded].",
        ),
        (
            "Withheld the computed answer",
            "{S} [withheld|did not commit to] the answer [and|but] [said|claimed] it could not be definitive{X}.",
        ),
        (
            "Overcautious non-answer",
            "[Excess|Too much] caution: the [reply|answer] [avoids|dodges] any [conclusion|number] and [points|refers] the user [elsewhere|to an engineer].",
        ),
    ],
    "count_not_value": [
        (
            "Reported a record count",
            "{S} reported how many records were returned instead of the [requested value|quantity asked for]{X}.",
        ),
        (
            "Row count given as the result",
            "The [number|figure] in the [reply|answer] is the [size|length] of the [result set|retrieved list], not the [statistic|measurement] [requested|asked for].",
        ),
        (
            "Count confused with the measurement",
            "{S} [answered|replied] with the [number of readings|count of rows] [rather than|instead of] their [value|aggregate]{X}.",
        ),
        (
            "Cardinality instead of quantity",
            "[What the reply states|The stated result] is [how many|the tally of] [entries|items] came back, [while|whereas] the [task|question] [wanted|asked about] a [magnitude|reading].",
        ),
        (
            "Answered with the number of rows",
            "{S} [gave|returned] the [total|count] of [retrieved|fetched] [records|rows] as if it were the [answer|result]{X}.",
        ),
        (
            "Tally reported in place of the value",
            "[Instead of|Rather than] the [computed|requested] [figure|amount], the [response|output] [carries|shows] a [tally|count] of [observations|records].",
        ),
    ],
    "bare_answer": [
        (
            "No supporting context",
            "{S} gave only the bare [result|value] without saying where it came from{X}.",
        ),
        (
            "Unexplained result",
            "The [reply|answer] [states|gives] a [figure|result] with no [source|context|window], so [nobody|a reader] can [check|verify] it.",
        ),
        (
            "Missing justification",
            "{S} [dropped|omitted] every [source|reference] and [caveat|note] from its [answer|reply]{X}.",
        ),
        (
            "Bare output without evidence",
            "[Nothing|No part] of the [response|output] [cites|refers to] the [readings|records] [behind|supporting] it; [only|just] the [number|list] [remains|is given].",
        ),
        (
            "Result stripped of its basis",
            "{S} [reported|returned] the [answer|result] [without|with no] [evidence|mention of the data used]{X}.",
        ),
        (
            "Terse unsupported answer",
            "[Too terse|Minimal]: the [reply|answer] [offers|has] no [trace|hint] of [how|from which data] the result was [obtained|derived].",
        ),
    ],
    "echoes_question": [
        (
            "Question repeated in the answer",
            "{S} copied the question back at the top of its answer{X}.",
        ),
        (
            "Answer restates the request",
            "The [reply|response] [opens|begins] by [quoting|repeating] the [user's|operator's] [request|task] [word for word|verbatim] before the result.",
        ),
        (
            "Echoed task text",
            "{S} [echoed|parroted] the task [text|wording] [in front of|before] the [result|value]{X}.",
        ),
        (
            "Prompt parroted back",
            "[Leading|Opening] [lines|text] of the [output|reply] [just|merely] [mirror|duplicate] the [prompt|instruction] [given|received].",
        ),
        (
            "Verbatim copy of the question",
            "{S} [prefixed|started] the answer with a [verbatim|literal] copy of the question{X}.",
        ),
        (
            "Redundant restatement before the result",
            "[Before|Ahead of] [any|the] [finding|value], the [response|answer] [repeats|reproduces] what was [asked|requested], [cluttering|padding] the [result|output].",
        ),
    ],
    # sixth-round fresh defects (half "fresh5"): written before the sixth
    # round of evaluator changes, never looked at while tuning
    "us_date_format": [
        (
            "Dates sent in the wrong format",
            "{S} [passed|sent] the time window as US-style dates (month/day/year) instead of ISO 8601{X}.",
        ),
        (
            "Non-ISO timestamps in tool arguments",
            "The [request|query] [carried|used] timestamps like 01/31/2026 that the [service|tool] does not [accept|parse], so the [call|request] was refused.",
        ),
        (
            "Date argument format mismatch",
            "{S} [formatted|wrote] the start and end [dates|times] in a locale format the data tool rejects{X}.",
        ),
        (
            "Locale-specific date strings",
            "[Month-first|American] date strings were [given|handed] to the [history|data] tool, which expects [ISO|year-month-day] [timestamps|dates]; no data came back.",
        ),
        (
            "Wrong date serialisation in calls",
            "{S} [serialised|encoded] dates as MM/DD/YYYY in its tool calls, so the window was never [accepted|read]{X}.",
        ),
        (
            "Unparseable time window",
            "The [time window|date range] in the [tool call|query] could not be [parsed|understood] by the [server|tool] because of its [slash|American] date notation.",
        ),
    ],
    "swaps_analysis_tool": [
        (
            "Used the wrong analysis tool",
            "{S} ran anomaly detection when a forecast was [requested|asked for] (or the reverse){X}.",
        ),
        (
            "Forecasting and anomaly detection confused",
            "The [forecast|anomaly] [question|task] was answered with the output of the other time-series [tool|model], which does not [contain|provide] what was asked.",
        ),
        (
            "Mismatched tool for the question",
            "{S} [picked|called] the time-series tool meant for a different kind of analysis{X}.",
        ),
        (
            "Analysis type swapped",
            "[Instead of|Rather than] [forecasting|predicting] the [series|values], the [agent|assistant] [scanned|searched] for anomalies, and [vice versa|the other way round] for anomaly questions.",
        ),
        (
            "Wrong tsfm endpoint",
            "{S} [invoked|used] the anomaly endpoint for a forecasting task and [read|reported] a result from it{X}.",
        ),
        (
            "Answer from an unrelated analysis",
            "The [reported|returned] [figure|result] [comes from|is based on] an analysis of another type than the one the [task|question] [requires|needs].",
        ),
    ],
    "crashes_on_tool_error": [
        (
            "Agent crashed on a tool error",
            "{S} [crashed|raised an unhandled exception] when a tool [returned an error|timed out] and wrote no result{X}.",
        ),
        (
            "No result file after exception",
            "An [unexpected|non-200] [tool response|reply] [killed|terminated] the [process|program]; the result file was never written.",
        ),
        (
            "Unhandled exception on bad response",
            "{S} has no error handling: a [warning|failed call|empty result] made it [exit|die] with a traceback{X}.",
        ),
        (
            "Process died mid-task",
            "The [run|program] [ended|stopped] with a traceback [after|when] a tool [call failed|gave an empty reply], leaving no [answer|output] at all.",
        ),
        (
            "Fragile response handling",
            "{S} [assumed|expected] every tool call to succeed and [crashed|blew up] on the first one that did not{X}.",
        ),
        (
            "Missing output due to crash",
            "[Because of|Owing to] an [uncaught|unhandled] [error|exception], the [agent|assistant] [produced|delivered] no [result|output] file.",
        ),
    ],
    "first_reading": [
        (
            "Used only the first reading",
            "{S} [computed|reported] the statistic from the first observation of the series only{X}.",
        ),
        (
            "Rest of the series ignored",
            "[Although|While] the [whole|full] [series|history] was [retrieved|fetched], the [answer|result] [reflects|uses] just its [opening|first] [value|row].",
        ),
        (
            "First row taken as the result",
            "{S} [read|took] row zero of the [retrieved|returned] data as the answer instead of [aggregating|computing over] it{X}.",
        ),
        (
            "Aggregation over one sample",
            "The [maximum|average|count] was [effectively|in effect] [computed|taken] over a single [sample|data point] [instead of|rather than] the full window.",
        ),
        (
            "Only the earliest observation used",
            "{S} [ignored|dropped] all [observations|readings] after the earliest one when computing the answer{X}.",
        ),
        (
            "Result from a single data point",
            "[A single|One] [reading|data point] [stood in|was used] for the [entire|whole] [window|period], so the [reported|returned] figure is wrong.",
        ),
    ],
    "json_wrapped": [
        (
            "JSON wrapped in an extra envelope",
            "{S} [nested|wrapped] the requested JSON object inside a 'result' key{X}.",
        ),
        (
            "Unexpected wrapper object",
            "The [JSON|answer] [puts|places] the expected fields one level down, under an [envelope|outer] key, so they are [not found|missing] at the top level.",
        ),
        (
            "Extra nesting level in the JSON",
            "{S} returned the fields inside an outer object instead of at the top level{X}.",
        ),
        (
            "Fields hidden under a result key",
            "[Required|Expected] [keys|fields] are [absent|missing] at the [root|top] of the [object|JSON]; they [sit|appear] inside a [nested|wrapping] 'result' object.",
        ),
        (
            "Envelope object instead of the schema",
            '{S} [emitted|produced] an envelope {"result": ...} rather than the [flat|requested] JSON schema{X}.',
        ),
        (
            "Response schema not flat",
            "The [output|reply] [schema|structure] [adds|introduces] a wrapping [layer|level] the task did not [ask for|request].",
        ),
    ],
    "hedged_range": [
        (
            "Range instead of a value",
            "{S} gave a range of values instead of the single number asked for{X}.",
        ),
        (
            "Hedged numeric answer",
            "The [answer|reply] [hedges|avoids committing] with 'somewhere between' two [bounds|figures] [rather than|instead of] stating the [value|result].",
        ),
        (
            "Approximate interval reported",
            "{S} [reported|stated] an interval around the value rather than the value itself{X}.",
        ),
        (
            "No exact figure given",
            "[Only|Just] a [lower and upper|rough] [bound|estimate] was [offered|provided]; the [precise|exact] [number|quantity] the [task|question] [wanted|required] is [absent|missing].",
        ),
        (
            "Vague bounds in place of the result",
            "{S} [answered|replied] with two bounds around the figure, [never|without] [committing to|naming] one number{X}.",
        ),
        (
            "Interval answer to a point question",
            "[Asked|Prompted] for one [number|value], the [response|answer] [gives|supplies] a [span|band] of [plausible|possible] values.",
        ),
    ],
    "adds_typical_range": [
        (
            "Added unsupported typical values",
            "{S} [appended|added] 'typical' [values|readings] that no tool returned{X}.",
        ),
        (
            "Background figures not from the data",
            "The [answer|reply] [cites|mentions] [reference|typical] [figures|ranges] [taken from|based on] general knowledge rather than the retrieved data.",
        ),
        (
            "Invented reference range",
            "{S} [included|stated] a [reference|normal] range for the equipment that appears in no tool output{X}.",
        ),
        (
            "Ungrounded comparison numbers",
            "[Extra|Additional] [numbers|figures] about what is [normal|typical] for this [equipment|kind of asset] were [added|put] [to|into] the [answer|response] without any [source|tool result].",
        ),
        (
            "Made-up context values",
            "{S} [padded|decorated] the answer with [made-up|invented] context numbers{X}.",
        ),
        (
            "Typical-range sentence without evidence",
            "A [sentence|remark] on [typical|usual] readings [with|carrying] [specific|concrete] [numbers|values] [follows|closes] the [result|answer], [unsupported|unbacked] by the [data|tools].",
        ),
    ],
    "unfilled_template": [
        (
            "Template placeholder left unfilled",
            "{S} [returned|sent] its answer template with the placeholder (like {value}) still in it{X}.",
        ),
        (
            "Answer contains a raw placeholder",
            "The [reply|response] [shows|contains] a [literal|raw] template variable [in place of|instead of] the [computed|actual] [result|value].",
        ),
        (
            "Unformatted answer string",
            "{S} never filled in the [answer|output] string, so the [result|value] is a placeholder token{X}.",
        ),
        (
            "Placeholder instead of the result",
            "[Where|In the place] the [number|ids|fields] should be, the [answer|output] [has|holds] a [curly-brace|bracketed] [name|token] [such as|like] value or asset_ids.",
        ),
        (
            "String interpolation missing",
            "{S} [forgot|failed] to interpolate the [value|result] into its [answer|reply] template{X}.",
        ),
        (
            "Template variable never substituted",
            "The [final|returned] [text|answer] [still|literally] [reads|contains] the [template|format] [variable|field name] [rather than|instead of] its [value|content].",
        ),
    ],
    # seventh-round fresh defects (half "fresh6"): written before the seventh
    # round of evaluator changes, never looked at while tuning
    "split_names": [
        (
            "Asset name truncated in the query",
            "{S} [sent|passed] only the first word of the asset name to the data tool{X}.",
        ),
        (
            "Identifier cut at the first space",
            "The [request|call] [named|carried] a [partial|cut-off] [equipment|asset] name, [missing|without] its number, so the [service|tool] could not [find|resolve] it.",
        ),
        (
            "Incomplete asset identifier",
            "{S} [dropped|lost] the unit number of the asset when calling the tool{X}.",
        ),
        (
            "Whitespace split broke the argument",
            "[Splitting|Tokenising] the [name|argument] on [spaces|whitespace] [left|kept] [only|just] its first [part|token], which [matches|names] no single [asset|unit].",
        ),
        (
            "Partial equipment name in tool call",
            "{S} [queried|asked for] a generic equipment type instead of the specific unit{X}.",
        ),
        (
            "Asset argument missing its number",
            "The [data|history] [call|request] [used|had] [an incomplete|a shortened] asset [argument|name], [unlike|different from] the [full|whole] name the lookup [returned|gave].",
        ),
    ],
    "timezone_shift": [
        (
            "Time window shifted by the time zone",
            "{S} [sent|passed] the timestamps five hours early, as local time written as UTC{X}.",
        ),
        (
            "Timezone offset applied to the window",
            "The [queried|requested] [window|period] is [offset|displaced] by several hours from the one [asked for|requested], because of a [time zone|UTC] conversion.",
        ),
        (
            "Local time mistaken for UTC",
            "{S} [converted|shifted] the requested times into [local|Eastern] time before calling the tool{X}.",
        ),
        (
            "Hours-off timestamps in the request",
            "[Start|Begin] and end [times|timestamps] in the [call|query] are [hours|five hours] [before|earlier than] the ones in the [task|question], so [other|different] readings were [read|used].",
        ),
        (
            "Wrong UTC offset",
            "{S} [applied|used] a wrong UTC offset to the window it queried{X}.",
        ),
        (
            "Shifted query period",
            "The [data|readings] [come from|cover] a [period|window] [moved|shifted] by the [time zone|clock] difference, not the one the [user|task] [gave|specified].",
        ),
    ],
    "open_window": [
        (
            "Window end missing from the query",
            "{S} [omitted|left out] the end of the time window in its data request{X}.",
        ),
        (
            "Unbounded date range",
            "The [request|query] [gave|had] only a start [date|time], so the [tool|service] [returned|read] [data|readings] [well past|beyond] the [requested|asked] period.",
        ),
        (
            "No end date passed",
            "{S} [never sent|did not send] an end [time|date] to the tool{X}.",
        ),
        (
            "Open-ended period queried",
            "[Without|Lacking] an [upper|end] bound, the [query|call] [covered|included] [everything|all data] after the start, not [just|only] the [window|interval] in the [task|question].",
        ),
        (
            "Missing upper bound on time",
            "{S} [queried|requested] an open-ended window, [dropping|forgetting] its end{X}.",
        ),
        (
            "Data beyond the requested period",
            "The [result|answer] [includes|mixes in] [readings|records] from after the [end|close] of the requested [window|period], [since|because] no end was [given|set].",
        ),
    ],
    "prior_year": [
        (
            "Queried the wrong year",
            "{S} [requested|fetched] data for the same dates one year earlier than asked{X}.",
        ),
        (
            "Year off by one in the window",
            "The [queried|requested] [window|period] [has|carries] the right month and day but the [previous|prior] year, so the [data|readings] [belong to|describe] [another|a different] period.",
        ),
        (
            "Date range a year early",
            "{S} [used|sent] a date range shifted back by a year{X}.",
        ),
        (
            "Stale year in the request",
            "[An outdated|A stale] year [appears|was used] in the [tool|data] [arguments|call], [presumably|probably] [copied|taken] from an example, [instead of|rather than] the year in the [task|question].",
        ),
        (
            "Wrong year in the time window",
            "{S} [got|put] the wrong year into the time window it queried{X}.",
        ),
        (
            "Data from the previous year",
            "The [answer|result] is [computed|based] on [records|readings] from one year [before|earlier than] the [requested|asked] [window|period].",
        ),
    ],
    "empty_means_none": [
        (
            "Empty result taken as no data",
            "{S} [concluded|declared] that no records exist after a single empty response, without retrying{X}.",
        ),
        (
            "Premature 'nothing found' conclusion",
            "[One|A single] empty [reply|result] was [taken|treated] as proof that [there is|no such] data, and the [answer|reply] [states|asserts] it as a fact.",
        ),
        (
            "No retry on empty response",
            "{S} [did not|never] [retry|repeat] the call that came back empty and [reported|said] there was nothing{X}.",
        ),
        (
            "Confident absence claim",
            "The [answer|response] [confidently|flatly] [says|claims] no [records|readings] exist, [although|while] the [tool|service] had [merely|only] returned an empty [page|result] once.",
        ),
        (
            "Empty reply reported as final",
            "{S} [treated|took] an empty [response|reply] as the final answer{X}.",
        ),
        (
            "Transient empty result not handled",
            "A [transient|temporary] empty [result|response] [ended|closed] the [task|run] with a [definite|categorical] 'nothing to report' [instead of|rather than] another [attempt|try].",
        ),
    ],
    "id_numbers_only": [
        (
            "Ids reduced to bare numbers",
            "{S} [gave|listed] only the numbers of the ids, without the equipment names{X}.",
        ),
        (
            "Asset names stripped from the list",
            "The [list|answer] [holds|contains] [bare|plain] [numbers|digits] [where|in place of] [full|complete] [asset|equipment] identifiers were [expected|asked for].",
        ),
        (
            "Incomplete identifiers in the answer",
            "{S} [dropped|omitted] the name part of every identifier it reported{X}.",
        ),
        (
            "Numeric fragments instead of ids",
            "[Only|Just] the [trailing|numeric] [part|suffix] of each [id|identifier] [survives|remains] in the [reply|answer], which [cannot|does not] [identify|name] the [assets|units].",
        ),
        (
            "Unit numbers without asset names",
            "{S} [answered|replied] with unit numbers alone instead of the asset identifiers{X}.",
        ),
        (
            "Id list lost its prefixes",
            "The [reported|returned] [identifiers|ids] [lack|are missing] their [name|type] [prefix|part], [leaving|giving] [ambiguous|meaningless] [numbers|digits].",
        ),
    ],
    "json_missing_field": [
        (
            "JSON answer missing a field",
            "{S} [omitted|left out] one of the [required|requested] fields from the JSON answer{X}.",
        ),
        (
            "Incomplete JSON object",
            "The [object|JSON] [returned|reported] [lacks|is missing] a [key|field] the [task|schema] [asks for|requires].",
        ),
        (
            "Required key absent",
            "{S} [returned|produced] JSON without the last of the [expected|requested] keys{X}.",
        ),
        (
            "Schema field dropped",
            "[One|A] [required|expected] [field|property] [never|does not] [appears|appear] in the [answer|output] [object|JSON], [though|although] the others are [present|there].",
        ),
        (
            "Partial JSON record",
            "{S} [wrote|emitted] an incomplete record, with a field missing{X}.",
        ),
        (
            "Output JSON incomplete",
            "The [reply|response] [is|was] [valid|well-formed] JSON but [drops|misses] a [field|key] [that|which] the [question|request] [needs|wants].",
        ),
    ],
    "inverted_boolean": [
        (
            "Boolean result inverted",
            "{S} [reported|returned] true where the answer is false and the reverse{X}.",
        ),
        (
            "Flipped yes/no field",
            "The [true/false|boolean] [field|flag] in the [JSON|answer] [states|says] the [opposite|reverse] of what the [data|retrieved values] [show|support].",
        ),
        (
            "Negated condition in the answer",
            "{S} [evaluated|tested] the condition the wrong way round and [flagged|reported] it negated{X}.",
        ),
        (
            "Inverted flag",
            "[Every|Each] [boolean|true/false] [value|field] of the [output|reply] is [negated|inverted], [although|while] the [numbers|figures] are [right|correct].",
        ),
        (
            "True and false swapped",
            "{S} [swapped|mixed up] true and false in its JSON answer{X}.",
        ),
        (
            "Opposite boolean conclusion",
            "The [answer|response] [reaches|draws] the [opposite|contrary] [yes/no|boolean] [conclusion|verdict] from [correct|the right] [data|values].",
        ),
    ],
    # eighth-round fresh defects (half "fresh7"): written by a second author
    # who has not read the detectors, before the eighth round was measured
    "asset_name_as_equipment_id": [
        (
            "Display name passed as equipment id",
            "{S} [sent|passed] the asset's [display name|human-readable name] to the work-order tool where an equipment id was [expected|required]{X}.",
        ),
        (
            "Resolved id never used",
            "The [equipment|asset] id was [fetched|looked up] but the [maintenance|work-order] query [still named|went out with] the [plain|friendly] asset label, so it [matched nothing|found no records].",
        ),
        (
            "Wrong identifier in work-order query",
            "{S} [queried|searched] work orders [by|using] the asset name instead of its equipment [number|id]{X}.",
        ),
        (
            "Name/id confusion in maintenance lookup",
            "[Work orders|Maintenance records|Events] were [requested|filtered] with a [label|name] the [CMMS|work-order system] does not [key on|index by], [although|even though] the proper id had been retrieved.",
        ),
        (
            "Asset label used as key",
            "{S} [used|supplied] the asset label as the key for the work-order [call|request] and [reported|counted] from an [empty|unmatched] result{X}.",
        ),
        (
            "Identifier mismatch between tools",
            "{S} [did not carry|failed to carry] the [id|identifier] from the asset record into the [next|follow-up] [call|query]; the [maintenance|work-order] side [got|received] the name instead.",
        ),
    ],
    "drops_filters": [
        (
            "Filter arguments omitted",
            "{S} [left out|omitted] the [filter|type] arguments of its list call, so [unrelated|other kinds of] records were [counted|included]{X}.",
        ),
        (
            "Unfiltered query",
            "The [query|request] [was not restricted|had no restriction] to the [work type|event type|status] the [question|task] [specified|named], [inflating|overstating] the [count|list].",
        ),
        (
            "Missing work-type filter",
            "{S} [counted|listed] every work order instead of only the [corrective|preventive|requested] ones{X}.",
        ),
        (
            "Scope too broad",
            "[Records|Entries] of every [category|kind] [came back|were returned] because the [restricting|narrowing] [parameter|criterion] was never [passed|supplied] to the tool.",
        ),
        (
            "Ignored the requested category",
            "{S} [ignored|dropped] the [category|type|status] named in the task when [calling|querying] the tool and [reported|answered with] a [total|figure] over all [records|items]{X}.",
        ),
        (
            "Constraint not forwarded to the tool",
            "The [constraint|condition] from the [request|prompt] (a [type|status|kind]) [never reached|was not forwarded to] the [API|tool call], so the [result|answer] [mixes|blends] in [irrelevant|unrequested] rows.",
        ),
    ],
    "default_analysis_settings": [
        (
            "Requested analysis settings not applied",
            "{S} [ran|executed] the [forecast|analysis] with default settings instead of the [horizon|model|false-alarm rate] the task [specified|gave]{X}.",
        ),
        (
            "Model choice ignored",
            "The [user|operator] [named|asked for] a specific [model|detector] and [horizon|threshold], but the [call|request] [went out|was sent] with [none of them|the tool's defaults].",
        ),
        (
            "Default parameters used",
            "{S} [dropped|omitted] the [forecast horizon|model checkpoint|false-alarm setting] from the [tool call|request], [so|and] the [numbers|results] [come from|reflect] another configuration{X}.",
        ),
        (
            "Configuration from the prompt not forwarded",
            "[Step count|Horizon], [model|algorithm] and [sensitivity|alarm rate] given in the [question|prompt] [never appear|are absent] in the [analytics|time-series] call.",
        ),
        (
            "Analysis run with wrong options",
            "{S} [used|relied on] the [tool's|service's] default [options|configuration] rather than the [requested|stated] ones and [answered|reported] from that run{X}.",
        ),
        (
            "Parameters silently defaulted",
            "The [time-series|forecasting] [step|tool] [fell back|defaulted] to [stock|standard] parameters because the [agent|assistant] [never passed|did not pass] the [ones|values] it was given.",
        ),
    ],
    "invents_dataset_id": [
        (
            "Made-up dataset identifier",
            "{S} [passed|sent] a dataset id it [made up|constructed itself] to the analysis tool instead of the one [returned|provided] by the data call{X}.",
        ),
        (
            "Returned handle discarded",
            "The [history|telemetry] call [gave back|returned] a [handle|reference] for the data, yet the [forecast|anomaly] request [named|pointed to] [some other|a fabricated] [identifier|reference].",
        ),
        (
            "Guessed dataset name",
            "{S} [guessed|composed] the dataset [name|id] from the asset and sensor [names|labels] and the analysis [was rejected|failed]{X}.",
        ),
        (
            "Output of the previous step not chained",
            "[Instead of|Rather than] [reusing|chaining] the [reference|id] the [earlier|previous] step [produced|yielded], the [agent|assistant] [typed|wrote] its own, which the [service|tool] did not [know|recognise].",
        ),
        (
            "Hallucinated tool argument",
            "{S} [hallucinated|invented] an [identifier|argument] for the [time-series|analytics] call that no [tool|earlier response] had [returned|produced]{X}.",
        ),
        (
            "Nonexistent dataset referenced",
            "The [analysis|forecast|detection] [referenced|targeted] a dataset that does not exist, [because|since] its [id|key] was [synthesised|fabricated] rather than [copied|taken] from the [data|retrieval] response.",
        ),
    ],
    "step_budget": [
        (
            "Stopped by the iteration limit",
            "{S} [hit|reached] its [iteration|step] limit [before|ahead of] the [needed|required] calls and [returned|gave] the [framework's|loop's] stop message as its answer{X}.",
        ),
        (
            "Loop cut off mid-task",
            "The [reasoning|agent] loop [ended|was cut off] after [a couple of|two] [tool calls|steps]; the [reply|response] [is|was] only a [notice|message] that the [limit|cap] was [reached|exceeded].",
        ),
        (
            "Max-iterations too low",
            "{S} [ran out of|exhausted] its [step|iteration] budget [early|too early] and [never|did not] [reach|run] the [analysis|final] step{X}.",
        ),
        (
            "Premature stop, no result",
            "[No result|Nothing useful] was [returned|delivered]: the [run|execution] [halted|stopped] on a [step cap|call budget] [while|although] [further|more] [calls|steps] were [still needed|required].",
        ),
        (
            "Answer is a stop notice",
            "{S} [answered|replied] with a [generic|boilerplate] [iteration-limit|time-limit] notice instead of a [finding|result]{X}.",
        ),
        (
            "Truncated workflow",
            "The [workflow|task] was [truncated|abandoned] [partway|midway] because the [agent|assistant] [is|was] [configured|limited] to too few [iterations|steps] to [finish|complete] it.",
        ),
    ],
    "error_text_as_answer": [
        (
            "Raw error returned as the answer",
            "{S} [returned|passed on] the tool's raw error [payload|body] as its final answer{X}.",
        ),
        (
            "Error message instead of a result",
            "The [reply|response] [consists of|is] [nothing but|only] the [service's|API's] [error JSON|failure message]; [no|not a single] [retry|second attempt] or [explanation|interpretation] [followed|was given].",
        ),
        (
            "Unprocessed tool failure in output",
            "{S} [dumped|forwarded] an unhandled [error|failure] response [straight|directly] into the answer [without retrying|with no retry]{X}.",
        ),
        (
            "Stack of error text shown to the user",
            "[Instead of|Rather than] a [value|finding], the [user|operator] [gets|receives] a [machine-readable|raw] [error|fault] [string|blob] from the [backend|tool].",
        ),
        (
            "Failure surfaced verbatim",
            "{S} [did not handle|never handled] the failed call and [echoed|copied] its error [verbatim|as is] as the [response|result]{X}.",
        ),
        (
            "No error handling around the call",
            "A [failing|broken] [request|call] [ended|terminated] the [task|run] with the [tool's|server's] [own|literal] [failure|error] [text|output] as the [reply|answer].",
        ),
    ],
    "simplifies_on_retry": [
        (
            "Retry changed the query window",
            "{S} retried a failed call without the time window the task gave, so the [answer|result] covers another period{X}.",
        ),
        (
            "Silent scope change after an error",
            "After the [timeout|error|empty result], the [second|repeated] request [dropped|lost] its [date range|period], and the [reply|response] [does not mention|never says] that the scope changed.",
        ),
        (
            "Recovery by loosening the request",
            "{S} [recovered|worked around] a [failed|empty] call by [removing|stripping] the [start and end|date] [arguments|parameters] and [reported|answered] from the [wider|default] range{X}.",
        ),
        (
            "Retried request is not the original",
            "The [retry|fallback call] [was not|is not] the [same|original] request: [without|minus] its [window|time bounds], the [tool|service] [returned|served] data for [another|a default] [period|span].",
        ),
        (
            "Window lost on retry",
            "{S} [lost|discarded] the requested [window|period] when [retrying|re-sending] the [call|request] and [used|presented] the [result|data] as if it answered the question{X}.",
        ),
        (
            "Fallback query answers a different question",
            "[Error recovery|The fallback] [changed|altered] the [question|query] [itself|silently]: the [data|figures] [used|reported] [belong to|come from] the [tool's|service's] default [range|window], not the [one|dates] asked for.",
        ),
    ],
    "history_for_forecast": [
        (
            "Reported history instead of forecast",
            "{S} [computed|derived] the answer from the [input|historical] series rather than from the forecast it [requested|obtained]{X}.",
        ),
        (
            "Forecast output ignored",
            "The [prediction|forecast] call [succeeded|returned values], yet the [reported|stated] [figure|statistic] [comes from|matches] the [past|observed] readings.",
        ),
        (
            "Wrong array used for the result",
            "{S} [read|used] the [training|historical] values [where|when] the [forecasted|predicted] values were [needed|asked for]{X}.",
        ),
        (
            "Observed data passed off as prediction",
            "[What|The number] the [answer|reply] [calls|presents as] a forecast [statistic|value] is [in fact|actually] [taken|calculated] from the [last|final] [stretch|part] of the [measured|recorded] data.",
        ),
        (
            "Forecast result not used",
            "{S} [ran|called] the forecasting tool but [ignored|never used] its output in the [final|reported] answer{X}.",
        ),
        (
            "Past readings reported as future",
            "The [summary|answer] [describes|reflects] [recent|past] [measurements|observations] rather than the [predicted|forecast] [horizon|steps] the [task|question] [is about|asked about].",
        ),
    ],
    "json_values_shifted": [
        (
            "JSON values under the wrong keys",
            "{S} [placed|wrote] each value under the [neighbouring|next] key of the JSON answer{X}.",
        ),
        (
            "Fields misaligned",
            "[Keys|Field names] and [values|contents] of the [JSON|structured] [reply|response] are [out of step|misaligned] by one, so [every|each] [field|entry] [holds|carries] another's [value|data].",
        ),
        (
            "Shuffled JSON fields",
            "{S} [mixed up|scrambled] the values of its JSON [fields|keys]; the [data|numbers] are [right|correct] but [assigned|attached] to the wrong [names|keys]{X}.",
        ),
        (
            "Off-by-one key/value pairing",
            "[Pairing|Mapping] of [keys|names] to [values|results] is [shifted|rotated] by one [position|place], [which|and this] [breaks|corrupts] the [structured|JSON] [answer|result].",
        ),
        (
            "Values swapped between fields",
            "{S} [swapped|exchanged] the contents of the JSON fields, [so|and] the [answer|object] [contradicts|disagrees with] the [retrieved|underlying] data{X}.",
        ),
        (
            "Mislabelled output values",
            "The [output|returned] [object|record] [labels|names] [its|the] [values|figures] wrongly: [each|every] one [sits|appears] under a [different|neighbouring] [field|attribute] [than|from] the one it belongs to.",
        ),
    ],
    "python_repr_json": [
        (
            "Python dict printed instead of JSON",
            "{S} [printed|returned] a Python dictionary [repr|literal] (single quotes, True/False) where JSON was [required|requested]{X}.",
        ),
        (
            "Invalid JSON quoting",
            "The [object|reply] [uses|has] [single|apostrophe] quotes and [capitalised|Python-style] [booleans|literals], so a [JSON|standard] parser [rejects|cannot read] it.",
        ),
        (
            "Not valid JSON",
            "{S} [gave|produced] an answer that looks like JSON but is [not valid|unparseable] JSON [because of|due to] its [quoting|literal syntax]{X}.",
        ),
        (
            "Language-native serialisation",
            "[Output|The result] was [serialised|written out] with the [programming language's|runtime's] own [representation|string conversion] [rather than|instead of] a JSON [encoder|serializer].",
        ),
        (
            "Malformed structured output",
            "{S} [wrote|emitted] [malformed|non-standard] structured output: [single-quoted|apostrophe-quoted] keys and [True/False|None] [values|literals]{X}.",
        ),
        (
            "str() instead of json.dumps",
            "The [structured|machine-readable] [answer|reply] is a [stringified|str()] [mapping|dictionary], which [breaks|fails] [strict|standard] JSON [parsing|validation].",
        ),
    ],
    "duplicated_answer": [
        (
            "Answer repeated twice",
            "{S} [wrote|emitted] its [whole|full] answer twice, back to back{X}.",
        ),
        (
            "Duplicated output",
            "The [response|reply] [contains|holds] the [same|identical] [text|content] [two times|twice] [in a row|consecutively], so it [cannot be parsed|does not parse] as one [result|value].",
        ),
        (
            "Doubled final answer",
            "{S} [concatenated|appended] a [second|duplicate] copy of its answer to the first{X}.",
        ),
        (
            "Repeated content in reply",
            "[Output|The reply] [shows|has] the [result|answer] [duplicated|doubled] [without|with no] [separator|break], [as if|like] a [stream|buffer] had been [flushed|written] twice.",
        ),
        (
            "Answer emitted twice",
            "{S} [returned|gave] the [answer|result] [twice|two times] [joined|glued] together, [breaking|spoiling] the [requested|expected] format{X}.",
        ),
        (
            "Concatenated duplicate result",
            "[Two|A pair of] [identical|same] [copies|instances] of the [result|answer] [run|are run] together in the [final|returned] [message|output].",
        ),
    ],
    "all_statistics": [
        (
            "Several statistics instead of one",
            "{S} [listed|gave] the minimum, mean and maximum [where|when] only one [statistic|value] was [asked for|requested]{X}.",
        ),
        (
            "Unclear which figure answers",
            "The [answer|reply] [offers|presents] [three|several] [numbers|values] and [leaves|does not say] which [one|figure] [answers|responds to] the [question|request].",
        ),
        (
            "Over-answered numeric request",
            "{S} [reported|dumped] every [summary statistic|aggregate] of the [series|data] [rather than|instead of] the single [value|number] the task [wanted|named]{X}.",
        ),
        (
            "Requested aggregate not singled out",
            "[Min|Minimum], [mean|average] and [max|maximum] [all|each] [appear|show up] in the [output|response]; the [one|aggregate] [asked about|requested] is [not|never] [identified|picked out].",
        ),
        (
            "Multiple candidate values",
            "{S} [hedged|spread its answer] across [min, mean and max|several aggregates] [instead of|rather than] [committing to|giving] the requested one{X}.",
        ),
        (
            "Statistic selection missing",
            "The [computation|summary] [is|was] [right|complete] but the [agent|model] [never chose|did not pick] the [statistic|measure] the [prompt|user] [specified|named], [returning|reporting] all of them.",
        ),
    ],
    # ninth-round fresh defects (half "fresh8"): written by another author
    # who has not read the detectors, before the ninth round was measured
    "horizon_in_hours": [
        (
            "Forecast horizon given in the wrong unit",
            "{S} [requested|asked for] a forecast [a quarter as long as|four times shorter than] the one [wanted|asked for], counting the horizon in hours [rather than|instead of] 15-minute steps{X}.",
        ),
        (
            "Too few forecast steps",
            "The [prediction|forecast] [covered|spanned] only [24|a fraction of the] steps although [96 readings|a full day of readings] were [requested|asked for]; the [statistic|figure] was [taken|computed] over that [short|truncated] [stretch|run].",
        ),
        (
            "Horizon converted incorrectly",
            "{S} [converted|translated] the number of [readings|steps] into hours when [calling|invoking] the forecasting tool, so the [forecast|prediction] [stopped|ended] [early|too soon]{X}.",
        ),
        (
            "Step count misread as duration",
            "[Readings|Steps] of fifteen minutes were [treated|read] as [hours|hourly periods]: the [model|forecaster] was [asked|told] to predict [far fewer|a quarter of the] [points|values] the [question|user] [needed|wanted].",
        ),
        (
            "Shortened prediction window",
            "{S} [passed|sent] a forecast length [that does not match|inconsistent with] the [task|request] and [reported|summarised] the [mean|peak|result] of that [shorter|clipped] forecast{X}.",
        ),
        (
            "Forecast length mismatch",
            "The [number of predicted points|forecast length] in the [call|request] [differs from|does not agree with] what the [prompt|operator] [stated|specified], [because|since] {S} [divided|scaled] it as if it were [a duration|time in hours].",
        ),
    ],
    "spelled_out_codes": [
        (
            "Filter values written as words",
            "{S} [passed|sent] [Corrective|Preventive|Completed] [as the filter|in the filter] where the [tool|service] expects a code such as [CM|PM|COMP]{X}.",
        ),
        (
            "Code values not used in the query",
            "The [work-order|maintenance] [query|request] [used|carried] a [descriptive label|plain-English name] for the [type|status], which [matches|selects] no records, [so|and] the [count|list] [came back|was] [empty|zero].",
        ),
        (
            "Wrong enumeration value",
            "{S} [wrote out|expanded] the [work type|status] [code|abbreviation] in the tool call, so the [filter|search] found [nothing|no work orders]{X}.",
        ),
        (
            "Human label instead of system code",
            "[Rather than|Instead of] the [short|two- to five-letter] code the [CMMS|work-order system] [uses|stores], the [request|call] [named|gave] the [category|status] in [full words|words], [emptying|voiding] the result.",
        ),
        (
            "Unrecognised filter value",
            "{S} [filtered|queried] with a [work type|status] value the [service|tool] does not [know|recognise] and [reported|answered] from the [empty|unmatched] result{X}.",
        ),
        (
            "Filter vocabulary mismatch",
            "The [status|type] [argument|parameter] was [written|given] [as a word|in natural language] ([for example|e.g.] Completed, Corrective), not [in the|with the] [code|abbreviation] the [API|tool] [documents|accepts].",
        ),
    ],
    "discards_retry_result": [
        (
            "Retried data not used",
            "{S} [retried|re-sent] the failed call and [got|obtained] the data, but [computed|answered] from the [first|failed] attempt [instead|anyway]{X}.",
        ),
        (
            "Successful retry ignored",
            "A [second|later] attempt [returned|brought back] [valid|good] data; the [answer|reply] [still|nonetheless] [reflects|comes from] the [empty|broken] response of the [first|original] try.",
        ),
        (
            "Stale result after recovery",
            "{S} [recovered|got back] the data [on retry|after retrying] yet [kept|held on to] the [error|empty] response as its [result|input]{X}.",
        ),
        (
            "Recovery without effect",
            "[Although|Even though] the [retry|repeat request] [succeeded|worked], the [computed|final] [value|answer] [is based on|uses] [nothing|no data], [as if|like] the [call|tool] had never [answered|returned].",
        ),
        (
            "Answer built from the failed attempt",
            "{S} [reported|gave] a result [derived|computed] from the [failed|empty] first response [while|when] the retried [call|request] had [returned|delivered] the [readings|records]{X}.",
        ),
        (
            "Second attempt's data lost",
            "The [data|rows] from the [successful|working] [retry|second call] [never reached|were not passed to] the [calculation|summary]; [the agent|it] [used|kept] the [initial|first] [failure|empty payload].",
        ),
    ],
    "estimates_after_failure": [
        (
            "Guessed value after a failed call",
            "{S} [admitted|said] that a tool call [failed|returned nothing] and then [gave|stated] an [estimate|approximate value] that no tool had [returned|produced]{X}.",
        ),
        (
            "Guess presented alongside the error",
            '[After|Despite] [reporting|noting] the [failed|missing] [request|data], the [answer|reply] [offers|supplies] a [number|result] [drawn|taken] from "typical values" [instead of|rather than] [retrying|fetching the data].',
        ),
        (
            "Fabricated fallback answer",
            "{S} [did not retry|never retried] the [failed|empty] call and [filled the gap|filled in] with a [made-up|invented] [value|answer]{X}.",
        ),
        (
            "Unsupported estimate",
            "The [figure|values] in the [answer|response] [come from|rest on] [general|assumed] [knowledge|typical ranges], not from [retrieved|observed] data; the [data call|request] had [failed|come back empty] and was [not repeated|abandoned].",
        ),
        (
            "Invented result after an error",
            "{S} [stated|reported] an [approximate|estimated] result [without|with no] data behind it [once|after] the [service|tool] [failed|errored]{X}.",
        ),
        (
            "Placeholder numbers after failure",
            "[Instead of|Rather than] [a second attempt|trying again], the [agent|assistant] [wrote|returned] a [best guess|rough estimate] and [labelled|called] it [typical|expected], [though|while] [nothing|no tool output] [supports|backs] it.",
        ),
    ],
    "reports_timestamp": [
        (
            "Timestamp given instead of value",
            "{S} [answered|replied] with the time of the [reading|maximum|minimum] [rather than|instead of] the reading itself{X}.",
        ),
        (
            "When instead of how much",
            "The [question|task] asked for a [value|measurement], but the [answer|reply] [gives|states] [a date and time|the moment it occurred].",
        ),
        (
            "Wrong field of the record reported",
            "{S} [picked|selected] the right [row|reading] but [reported|returned] its [timestamp|time field] [and not|not] the [measured value|sensor value]{X}.",
        ),
        (
            "Time of extreme reported",
            "[Asked|Prompted] for the [highest|lowest|requested] [reading|temperature], the [agent|model] [returned|named] [when|the instant] it [happened|was recorded], [with no|without the] [number|magnitude].",
        ),
        (
            "Answer is a time, not a measurement",
            "{S} [output|gave] an [ISO timestamp|date-time] where a [numeric|measured] [result|value] was [expected|required]{X}.",
        ),
        (
            "Mixed up time and value columns",
            "The [reported|returned] [item|answer] [comes from|is taken from] the [time|timestamp] [column|field]; the [sensor|measurement] [column|value] of that [row|observation] [never appears|is missing].",
        ),
    ],
    "drops_outliers": [
        (
            "Unrequested removal of extreme readings",
            "{S} [discarded|removed] the [extreme|highest and lowest] readings [as anomalies|as noise] before computing, [which the task did not ask for|although nobody asked]{X}.",
        ),
        (
            "Data trimmed before aggregation",
            "[Part of|Some of] the [series|readings] was [cut|filtered] away [ahead of|before] the [calculation|statistic], so the [maximum|count|mean] [misses|leaves out] [real|valid] observations.",
        ),
        (
            "Silent data cleaning",
            "{S} [applied|performed] [its own|an unasked] [cleaning|filtering] step to the telemetry and [reported|answered] from the [reduced|trimmed] data{X}.",
        ),
        (
            "Extremes excluded",
            "The [peak|extreme|boundary] values [were dropped|got excluded] from the [data|series] [without mention|without saying so]; the [result|figure] [understates|misrepresents] what the [sensor|data] [recorded|shows].",
        ),
        (
            "Readings filtered out",
            "{S} [threw away|filtered out] [a share|a percentage] of the [retrieved|valid] readings and [computed|counted] [on|from] the [rest|remainder]{X}.",
        ),
        (
            "Statistic on a pruned series",
            "[Values|Observations] at both [ends|tails] of the [distribution|range] [were|got] [pruned|clipped off] [by|in] the [agent|assistant]'s [preprocessing|pipeline], [changing|altering] the [answer|reported number].",
        ),
    ],
    "json_as_pairs": [
        (
            "JSON object sent as a list of lists",
            "{S} [returned|wrote] the JSON as an array of [key, value] pairs [instead of|rather than] an object with named fields{X}.",
        ),
        (
            "Array where an object was required",
            "The [reply|output] is [valid JSON|parseable JSON] but [has the wrong shape|is shaped wrongly]: a [list|array] of [two-element lists|pairs], not the [object|mapping] the [task|prompt] [described|asked for].",
        ),
        (
            "Wrong JSON structure",
            "{S} [serialised|dumped] the [fields|items] of its result as [nested lists|a list of lists], so [no field|none of the fields] can be [read|looked up] by name{X}.",
        ),
        (
            "Key-value tuples instead of a mapping",
            "[Each|Every] [field|entry] [appears|is written] as a [small|two-item] [array|tuple] [inside|within] an outer [list|array]; the [requested|expected] [object|dictionary] [structure|form] is [missing|lost].",
        ),
        (
            "Object flattened into an item list",
            "{S} [flattened|converted] the [answer object|result dictionary] into [tuples|an item list] before [output|writing it], [breaking|violating] the [required|requested] JSON format{X}.",
        ),
        (
            "Schema shape mismatch",
            "The [top-level|outer] JSON [value|element] is an array, [while|whereas] the [question|specification] [called for|required] an object with [named|specific] keys.",
        ),
    ],
    "raises_follow_up": [
        (
            "Unrequested work order created",
            "{S} [opened|created] a [new|additional] work order [that nobody asked for|although the task asked for no change] after answering{X}.",
        ),
        (
            "Write action on a read-only question",
            "The [task|question] [only asked|asked only] for information, yet the [run|trace] [contains|ends with] a [create|write] call [in|on] the [maintenance|work-order] system.",
        ),
        (
            "Side effect beyond the request",
            "{S} [took|performed] an action the [user|operator] did not [request|authorise]: it [raised|filed] a [corrective|maintenance] work order for the asset{X}.",
        ),
        (
            "Overreach into maintenance actions",
            "[Beyond|Besides] answering, the [agent|assistant] [changed|modified] [plant|system] state by [logging|submitting] a [work order|maintenance ticket] [on its own initiative|unprompted].",
        ),
        (
            "Unauthorised record creation",
            "{S} [wrote|added] a [record|work order] to the [CMMS|work-order system] [without being asked|without permission] and [mentioned|announced] it in the answer{X}.",
        ),
        (
            "Extra write after the answer",
            "A [write|creation] [call|request] [follows|came after] the [retrievals|lookups] [although|even though] [nothing|no step] in the [request|prompt] [called for|required] [changing|creating] anything.",
        ),
    ],
    "qualitative_only": [
        (
            "No number in the answer",
            "{S} [described|judged] the value as [normal|unremarkable] [without|but never] [stating|giving] the [figure|number] that was asked for{X}.",
        ),
        (
            "Descriptive reply to a numeric question",
            "The [reply|answer] [says|states] [things look fine|nothing is unusual] [instead of|rather than] [reporting|giving] the [requested|computed] [measurement|value].",
        ),
        (
            "Vague assessment instead of value",
            "{S} [gave|offered] a [general|vague] [impression|assessment] of the data where a [single|specific] [number|value] was [required|expected]{X}.",
        ),
        (
            "Figure omitted",
            "The [computed|requested] [quantity|number] [never appears|is absent] in the [output|response]; [only|just] [a comment|a reassurance] about [normal|typical] [operation|behaviour] [is given|remains].",
        ),
        (
            "Opinion instead of measurement",
            "{S} [answered|responded] with [an opinion|a judgement] ([normal|no concern]) [and no|but no] [numeric|measured] result{X}.",
        ),
        (
            "Reassurance without data",
            "[A sentence|Words] of [reassurance|comfort] [replace|stand in for] the [value|figure]: the [operator|user] [cannot|has no way to] [check|use] [any number|a result].",
        ),
    ],
    "copies_prompt_example": [
        (
            "Answer matches a template, not the data",
            "{S} [returned|gave] [a value|values] that [match|belong to] [an example|a template] rather than the data it [retrieved|fetched]{X}.",
        ),
        (
            "Result unrelated to the retrieved data",
            "The [tools|calls] [returned|delivered] the [right|relevant] data, but the [answer|reply] [states|contains] [figures|names] that [appear|occur] in none of [those|the] [results|responses].",
        ),
        (
            "Boilerplate value in the answer",
            "{S} [answered|replied] with a [stock|boilerplate] [number|list] [instead of|rather than] the [computed|observed] [result|one]{X}.",
        ),
        (
            "Few-shot answer leaked",
            "[It looks as if|Apparently] the [worked|demonstration] [example|case] of the [prompt|instructions] [was|got] [repeated|returned] [as the answer|verbatim]; the [observed|retrieved] [values|records] [were|are] [ignored|unused].",
        ),
        (
            "Ungrounded answer after correct calls",
            "{S} [made|issued] [the right|appropriate] [calls|queries] but [reported|stated] [values|ids] [no tool returned|not found in any tool output]{X}.",
        ),
        (
            "Template result reused",
            "The [same|fixed] [figure|answer] [shows up|appears] [whatever|regardless of what] the [data|tools] [said|returned], [as if|like] a [canned|sample] [response|reply] was [pasted|sent].",
        ),
    ],
    "asks_then_answers_anyway": [
        (
            "Asked and guessed at once",
            "{S} [asked|requested] which [asset|option|one] was meant and [in the same reply|immediately] [answered|gave a result] for [its own|the first] [guess|choice]{X}.",
        ),
        (
            "Clarification not awaited",
            "The [reply|response] [contains|holds] [both|at once] a [clarifying question|question back] and a [result|committed answer] for [an assumed|a guessed] [candidate|reading], [without|not] [waiting for|letting] the [user|operator] [choose|answer].",
        ),
        (
            "Assumption made despite asking",
            "{S} [raised|noted] the ambiguity but [went on|proceeded] [to answer|with an answer] for the first [candidate|option] [anyway|regardless]{X}.",
        ),
        (
            "Question and answer in one message",
            "[Having|After] [listed|named] the [possible|candidate] [assets|sensors|work orders], the [agent|assistant] [picked|chose] one [by itself|on its own] and [reported|stated] its [value|outcome] in the [same|one] [message|turn].",
        ),
        (
            "Premature answer to an unclear request",
            "{S} [committed|settled] on [the first|an arbitrary] [interpretation|candidate] [while|although it was] still asking [which|what] was [intended|meant]{X}.",
        ),
        (
            "Hedged clarification",
            "[Instead of|Rather than] [only|just] [asking|posing the question], the [answer|reply] [adds|appends] \"assuming …\" and a [result|value] for [one|a chosen] [option|candidate], [preempting|pre-empting] the [user's|operator's] [choice|decision].",
        ),
    ],
    "wrong_result_key": [
        (
            "Answer stored under an unexpected field",
            "{S} [wrote|saved] its answer [in|under] a [field|key] the [contract|runner] does not read, so [no answer|nothing] was [recorded|picked up]{X}.",
        ),
        (
            "Result file missing the answer field",
            "The [result|output] file [has|holds] a plan and a trajectory, but the [answer|reply] [sits|is stored] under [final_answer|another name] [rather than|instead of] the [expected|required] one.",
        ),
        (
            "Output contract not followed",
            "{S} [did not follow|ignored] the [output|result-file] [contract|schema]: the [answer|response] [went|was written] [into|to] an [unexpected|unknown] [key|property]{X}.",
        ),
        (
            "Answer not where the runner looks",
            "[Whatever|What] the [agent|assistant] [concluded|found] [was lost|never arrived]: the [result|output] [document|JSON] [names|labels] it [differently|with another framework's key].",
        ),
        (
            "Misnamed answer field",
            "{S} [used|emitted] [a|the] [framework's|library's] [default|own] field name for the answer [instead of|rather than] the [one|name] the [evaluation|harness] [specifies|expects]{X}.",
        ),
        (
            "Final answer unreadable by the harness",
            "The [run|output] [ends|finished] with [a|its] result [stored|written] under an [unrecognised|unknown] key, [so|and] the [evaluator|grader] [finds|sees] [no|an empty] answer.",
        ),
    ],
    # tenth-round fresh defects (half "fresh9"): written by another author
    # who has not read the detectors, before the tenth round was measured
    "last_forecast_step": [
        (
            "Only the final forecast point used",
            "{S} [read|took] just the [last|final] [value|step] of the [forecast|prediction] [rather than|instead of] the [peak|mean|statistic] [asked for|requested]{X}.",
        ),
        (
            "Forecast summary taken from its endpoint",
            "The [reported|stated] [forecast figure|prediction] [is|was] the value at the [end of the horizon|final step], not the [maximum|average|peak] over [all|every] forecast [steps|points].",
        ),
        (
            "Threshold judged on the last prediction",
            "{S} [decided|judged] whether the forecast [crosses|exceeds] the threshold from its [final|closing] [point|step] only, [missing|ignoring] [higher|earlier] [values|peaks]{X}.",
        ),
        (
            "Endpoint of the prediction treated as the answer",
            "[Of|From] the [whole|full] [forecast|predicted series], [only|just] the [tail|last] [value|reading] [made it|went] into the [answer|reply]; the [peak|mean] the [user|question] [wanted|asked for] was never [computed|worked out].",
        ),
        (
            "Wrong point of the forecast reported",
            "{S} [reported|returned] [the horizon's end|the last forecast step] [as if it were|in place of] the [requested|asked-for] [aggregate|statistic] of the [forecast|prediction]{X}.",
        ),
        (
            "Forecast statistic not computed over all steps",
            "The [answer|result] [reflects|uses] a single [forecast|predicted] [point|value], the [final|last] one, [so|and] the [maximum|average|exceedance] [stated|given] [does not match|disagrees with] the [forecast|prediction] [as a whole|overall].",
        ),
    ],
    "swapped_site_asset": [
        (
            "Site and asset arguments swapped",
            "{S} [put|passed] the site in the asset [field|parameter] and the asset in the site [field|parameter]{X}.",
        ),
        (
            "Parameters in the wrong slots",
            "The [data|telemetry] [request|call] [named|had] [the chiller|the asset] as the site and [MAIN|ANNEX|the site] as the asset, [so|and] the [tool|service] [could not find|rejected] it.",
        ),
        (
            "Arguments given in the wrong order",
            "{S} [mixed up|confused] [which value goes where|the order of two arguments] [when calling|in its call to] the [history|data] tool{X}.",
        ),
        (
            "Site field holds an asset name",
            "[In|Looking at] the [calls|requests], [site_name|the site parameter] [contains|carries] an [asset|equipment] [name|label] [while|and] [asset_id|the asset parameter] [holds|contains] the [site|plant] [code|name].",
        ),
        (
            "Transposed call parameters",
            "{S} [transposed|reversed] the site and asset [values|arguments], [so|and] [no|none of the] [data|readings] [matched|came back]{X}.",
        ),
        (
            "Location and equipment interchanged",
            "The [query|request] [asked for|looked up] [an asset called|equipment named] [MAIN|ANNEX] at a [site|location] [named after|called] the [chiller|AHU], [which|and this] [does not exist|returns nothing].",
        ),
    ],
    "hourly_aggregation": [
        (
            "Hourly means used instead of the readings",
            "{S} [requested|asked for] hourly [aggregation|averages] from the history tool [although|even though] the [task|question] [wanted|was about] the [raw|individual] readings{X}.",
        ),
        (
            "Unrequested resampling of the series",
            "The [history|telemetry] [call|request] [carried|included] an aggregation [setting|parameter] nobody asked for, [so|and] the [count|maximum|value] [came from|was taken over] [hourly means|averaged buckets].",
        ),
        (
            "Statistic computed on aggregated data",
            "{S} [computed|worked out] the [answer|figure] from [one value per hour|hourly averages], which [flattens|smooths] the [peaks|extremes] and [cuts|reduces] the number of [points|readings]{X}.",
        ),
        (
            "Readings averaged before use",
            "[Instead of|Rather than] the 15-minute [readings|observations], the [agent|assistant] [worked with|used] [hour-level|hourly] [means|aggregates], so the [reported|stated] [count|peak|reading] [does not match|differs from] the [raw data|actual readings].",
        ),
        (
            "Wrong aggregation parameter in the query",
            "{S} [set|passed] the aggregation [argument|option] to [hourly|an hourly bucket] [in|on] [every|each] [history|data] [request|call]{X}.",
        ),
        (
            "Too coarse a resolution",
            "The [series|data] [behind|used for] the [answer|result] [has|is at] [a one-hour|an hourly] [resolution|granularity], [a quarter of|four times coarser than] the [sensor's|native] [cadence|sampling], [so|and] the [result|value] is [off|wrong].",
        ),
    ],
    "server_error_as_rejection": [
        (
            "Transient error not retried",
            "{S} [treated|took] a [server error|timeout] as if the request [itself|had been] [rejected|invalid] and [gave up|stopped] [without|with no] [retry|second attempt]{X}.",
        ),
        (
            "Temporary failure reported as a rejection",
            "The [tool|service] [answered|replied] with a [5xx|temporary] error, [yet|but] the [reply|answer] [says|claims] the tool rejected the request, and no [retry|second call] [followed|was made].",
        ),
        (
            "Error class misread",
            "{S} [confused|mixed up] a [server-side|transient] [failure|error] with a [client|validation] error, [so|and] [never|did not] [try again|retry]{X}.",
        ),
        (
            "Gave up on a recoverable error",
            "[A single|One] [timeout|service hiccup] [ended|stopped] the [task|run]: the [assistant|agent] [declared|said] the request [refused|rejected] [where|when] [a retry|trying again] would have [worked|got the data].",
        ),
        (
            "No retry after a service outage",
            "{S} [did not retry|made no further attempt] [after|on] a [service|server] [error|outage] and [reported|described] it as [a refusal|a rejected request]{X}.",
        ),
        (
            "Status code handled wrongly",
            "[Judging by|From] the [trajectory|log], [a 503|an HTTP 5xx|a timeout] [was|got] [handled|treated] [like|as] a [400|bad request]: [one|a single] attempt, then a [message|claim] that the [request|call] was [rejected|refused].",
        ),
    ],
    "count_as_last_index": [
        (
            "Count one too low",
            "{S} [reported|gave] a [count|number] one [less|lower] than the [records|items] the [tool|data] [returned|holds]{X}.",
        ),
        (
            "Off-by-one in the total",
            "The [number|total] in the [answer|reply] [misses|is short by] one: [the tool|the call] [returned|listed] [one more|n+1] [items|records] than [stated|reported].",
        ),
        (
            "Index reported as a count",
            "{S} [gave|returned] the [position|index] of the last [item|element], counted from zero, [instead of|rather than] how many there [are|were]{X}.",
        ),
        (
            "Tally does not match the data",
            "[Counting|Adding up] the [rows|entries] in the [tool output|response] [gives|yields] one more than the [answer|reply] [states|says]; the [assistant|agent] [undercounted|came up one short].",
        ),
        (
            "Zero-based counting error",
            "{S} [counted|numbered] from zero and [reported|stated] the [last|final] [number|index] [as|for] the [total|count]{X}.",
        ),
        (
            "Answer below the retrieved total",
            "The [tool's|service's] own [total|count] [field|figure] [exceeds|is higher than] the [number|count] in the [answer|reply] by [exactly one|one], [a sign of|pointing to] an [indexing|off-by-one] [slip|error].",
        ),
    ],
    "skips_first_row": [
        (
            "First reading dropped",
            "{S} [discarded|skipped] the [first|earliest] [observation|reading] of the [series|window] [as if it were|treating it as] a header{X}.",
        ),
        (
            "Count one short",
            "The [number of readings|count] [reported|stated] [is|was] one [less|fewer] than the [tool|history call] [returned|delivered], [because|since] the [opening|first] row was [lost|dropped].",
        ),
        (
            "Series parsed off by one",
            "{S} [parsed|read] the [returned|retrieved] rows [starting|beginning] at the second one, [so|and] the [statistic|value] [left out|missed] the [first|initial] [timestamp|point]{X}.",
        ),
        (
            "Reading at the requested instant missing",
            "The [value|reading] at the [very start|first timestamp] of the [window|query] [was|is] in the [data|response] [but|yet] the [agent|assistant] [said|claimed] it [found none|was not there] or [used|took] [another|a later] one.",
        ),
        (
            "Leading observation ignored",
            "{S} [ignored|threw away] the [leading|first] [row|record] of every [series|data set] before [counting|computing]{X}.",
        ),
        (
            "Off-by-one in reading the rows",
            "[Compared with|Against] the [retrieved|returned] [observations|rows], the [answer|result] [misses|omits] [exactly one|the first] [entry|point], [a sign of|consistent with] an off-by-one [in the parser|when reading the table].",
        ),
    ],
    "json_as_yaml": [
        (
            "YAML instead of JSON",
            "{S} [wrote|returned] [key: value lines|YAML] where a JSON object was [required|requested]{X}.",
        ),
        (
            "Answer not parseable as JSON",
            "The [reply|answer] [lists|gives] the fields one per line [without|with no] braces or quotes, [so|and] a JSON [parser|reader] [rejects|cannot read] it.",
        ),
        (
            "Wrong serialisation of the result",
            "{S} [serialised|formatted] the [result|object] in [a different|another] [markup|format] [than|from] the JSON the [task|user] [asked for|specified]{X}.",
        ),
        (
            "Object written as a config file",
            "[Instead of|Rather than] a JSON [object|document], the [agent|assistant] [printed|produced] [indented|plain] [lines|entries] [like|resembling] a [configuration|YAML] file.",
        ),
        (
            "Requested JSON structure not followed",
            "{S} [gave|produced] the [right|expected] [fields|keys] [but|only] as [colon-separated|plain] [text|lines], not [valid|proper] JSON{X}.",
        ),
        (
            "Machine-readable format mismatch",
            "The [output|answer] [uses|follows] [YAML|a line-based] syntax, [which|and this] the [downstream|consuming] [system|parser] [expecting|that wants] JSON [cannot|will not] [load|accept].",
        ),
    ],
    "json_values_as_strings": [
        (
            "Numbers and booleans quoted",
            "{S} [wrapped|put] every [value|number and boolean] in quotes, [so|and] the JSON [holds|contains] strings where [numbers|true/false] were [expected|required]{X}.",
        ),
        (
            "Wrong value types in the JSON",
            'The [JSON|object] [parses|is valid], [but|yet] ["true"|"57.5"] [is|arrives as] a string [instead of|not] a [boolean|number].',
        ),
        (
            "Field types do not match the schema",
            "{S} [returned|emitted] [string-typed|quoted] [values|fields] where the [requested|expected] [schema|structure] [has|wants] [numbers|booleans|typed values]{X}.",
        ),
        (
            "Every value serialised as text",
            "[All|Each of the] [fields|values] of the [answer|object] [were|are] [turned into|rendered as] [text|strings], [including|even] the [flags|booleans] and [counts|figures].",
        ),
        (
            "Typed JSON answer stringified",
            "{S} [converted|coerced] [the|its] [numeric and boolean|typed] [results|fields] to strings [before|when] [writing|serialising] the JSON{X}.",
        ),
        (
            "Boolean given as a word in quotes",
            'The [reply|response] [states|gives] the [yes/no|true/false] [field|answer] as [a quoted word|the text "true"] and the [figures|numbers] as [quoted|text] [strings|values], [which|so] a [typed|strict] [check|consumer] [fails|rejects it].',
        ),
    ],
    "json_trailing_comma": [
        (
            "Invalid JSON: trailing comma",
            "{S} [left|put] a comma after the last [field|member] of the JSON object, [so|and] it does not [parse|load]{X}.",
        ),
        (
            "Malformed JSON object",
            'The [answer|reply] [looks like|resembles] JSON [but|yet] [ends|closes] with [", }"|a dangling comma], which [strict|standard] [parsers|readers] [reject|refuse].',
        ),
        (
            "Hand-written JSON broken",
            "{S} [built|assembled] the JSON [by hand|field by field] and [added|wrote] a separator after [every|each] [entry|field], [including|even] the last{X}.",
        ),
        (
            "Syntax error in the structured answer",
            "[Parsing|Loading] the [response|answer] as JSON [fails|raises an error] at the [closing brace|end of the object] [because of|due to] an [extra|superfluous] comma.",
        ),
        (
            "JSON output not valid",
            "{S} [produced|returned] [almost|nearly] [valid|correct] JSON: the [keys and values|fields] are right [but|and yet] the [object|document] [is|remains] [unparseable|invalid]{X}.",
        ),
        (
            "Stray separator before the closing brace",
            "The [object|JSON] [has|contains] a [stray|spare] comma [right before|just ahead of] its [end|closing bracket], [so|and] the [consumer|grader] [cannot|could not] [read|decode] the [answer|values].",
        ),
    ],
    "dated_header": [
        (
            "Answer prefixed with a header line",
            "{S} [put|wrote] a [report|title] line with [a date and time|the current date] [before|ahead of] the [result|answer]{X}.",
        ),
        (
            "Extra line before the value",
            "The [reply|answer] [does not start|doesn't begin] with the [requested|asked-for] [value|result]: [a header|a dated title] [comes|is] first, [and|so] the [first number|leading figure] [read|parsed] is [the year|a date].",
        ),
        (
            "Boilerplate added to the answer",
            "{S} [added|prepended] [template|boilerplate] text with [a timestamp|today's date] to [every|each] [reply|answer]{X}.",
        ),
        (
            "Run date mixed into the result",
            "[At the top of|Before] the [answer|result] [sits|there is] a [line|heading] [naming|with] the [date|time] of the run, [which|and this] [is not|was never] [part of|asked for in] the [question|task].",
        ),
        (
            "Output not just the result",
            "{S} [did not return|failed to give] the [bare|plain] [value|JSON] [requested|asked for]: a [dated|timestamped] [report header|banner] [precedes|comes before] it{X}.",
        ),
        (
            "Header breaks the expected format",
            "The [structured|expected] [answer|output] [is|was] [preceded|led] by a [banner|header] [line|row] [containing|with] [numbers|a date], so [a parser|the checker] [takes|reads] the [wrong|header's] [figure|values] [or|and] [fails|stumbles].",
        ),
    ],
    "note_replaces_answer": [
        (
            "Only a caveat returned",
            "{S} [answered|replied] with [just|only] a note about a [retried|flagged] call and [left out|dropped] the [result|value] itself{X}.",
        ),
        (
            "Result missing from the reply",
            "The [answer|reply] [mentions|says] that a [tool|call] was retried or [warned|flagged], [but|yet] [gives|states] no [value|figure|answer] to the [question|task].",
        ),
        (
            "Side remark instead of the answer",
            "{S} [reported|wrote] the [retry|warning] [notice|remark] [in place of|instead of] the [computed|retrieved] [answer|result]{X}.",
        ),
        (
            "Answer overwritten by a status note",
            "[What|All that] the [agent|assistant] [returned|said] [is|was] a [status|housekeeping] [note|message] [about|on] the [calls|tool problems]; the [value|result] it [had|computed] [never|did not] [appear|make it into the reply].",
        ),
        (
            "Diagnostic text given as the final answer",
            "{S} [returned|gave] [its|a] [diagnostic|error-handling] [message|note] as the [final|whole] answer, [omitting|without] the [data|finding] [requested|asked for]{X}.",
        ),
        (
            "No result despite successful retrieval",
            "The [trajectory|log] [shows|has] the [data|readings] [retrieved|fetched] [after|despite] a [retry|warning], [yet|but] the [reply|answer] [holds|contains] [only|nothing but] a [note|remark] [about|on] that [retry|warning].",
        ),
    ],
    "interim_status_answer": [
        (
            "Progress message given as the answer",
            '{S} [returned|left] a ["working on it"|progress] message as its [final|only] answer, [never|without] [stating|giving] the result{X}.',
        ),
        (
            "Final answer never written",
            "The [reply|answer] [only|just] [announces|says] what the [agent|assistant] [will|is going to] query; the [result|value] of those [calls|queries] never [appears|shows up].",
        ),
        (
            "Placeholder reply left in place",
            "{S} [sent|wrote] an [interim|status] [update|note] [before|ahead of] its [data calls|queries] and [did not replace|never overwrote] it with the [finding|result]{X}.",
        ),
        (
            "Answer promises a result that never comes",
            "[Although|Even though] the [trajectory|log] [shows|has] the [calls|queries] [completed|finished], the [answer|response] [is|reads] [a promise|an announcement] to [report|reply] [shortly|later].",
        ),
        (
            "Status update instead of the result",
            "{S} [answered|replied] with [what it planned to do|its next steps] [rather than|instead of] [what it found|the outcome]{X}.",
        ),
        (
            "Interim text captured as the final output",
            'The [output|result] [holds|contains] [the first|an early] [streamed|intermediate] message of the [run|agent] [("Working on it")|about querying], not the [final|computed] [answer|value].',
        ),
    ],
    # eleventh-round fresh defects (half "fresh10"): written by another
    # independent author who has not read the detectors, before the
    # eleventh round was measured
    "sensors_as_string": [
        (
            "Sensor list passed as text",
            "{S} [sent|passed] the sensors [parameter|argument] as a single [string|piece of text] [rather than|instead of] a list of names{X}.",
        ),
        (
            "History request with a malformed sensors field",
            "The [history|telemetry] [request|call] [carried|had] the sensor names [joined|glued] into one [string|value], [so|and] the [tool|service] [refused|rejected] it [each time|on every attempt].",
        ),
        (
            "Wrong type for the sensors argument",
            "{S} [gave|supplied] a [string|scalar] where the [data|history] tool [expects|takes] an array of sensor names{X}.",
        ),
        (
            "Sensor names not sent as an array",
            "[Looking at|In] the [calls|trace], the [sensors|sensor] [value|field] is a [plain|comma-separated] [string|text], [not|never] a [list|JSON array], which the [server|API] [does not accept|treats as invalid].",
        ),
        (
            "Argument of the wrong shape",
            "{S} [wrapped|packed] the [requested|named] sensor into a [bare|flat] string [argument|value] [and|so] the [readings|data] never [came back|arrived]{X}.",
        ),
        (
            "Data request rejected over a list field",
            "[Every|Each] [readings|history] [query|request] [failed|bounced] [validation|schema checks] [because|since] the [list of sensors|sensor selection] was [given|written] as [text|one string].",
        ),
    ],
    "zero_length_window": [
        (
            "Empty time window",
            "{S} [asked for|requested] a [time window|period] whose [end|final time] [equals|is the same as] its [start|beginning]{X}.",
        ),
        (
            "Query covers no time at all",
            "The [start|from] and [end|to] [timestamps|dates] of the [request|query] are [identical|the same], [so|and] [nothing|no readings|no records] [could|can] fall inside it.",
        ),
        (
            "Window collapsed to an instant",
            "{S} [set|passed] the [end of the window|final bound] to the [start time|opening bound], [leaving|giving] a [zero-length|degenerate] [range|interval]{X}.",
        ),
        (
            "Period of zero duration",
            "[Instead of|Rather than] the [day|month|year|week] [asked for|requested], the [calls|requests] [span|cover] [no time|zero minutes], [which is why|so] the [data|result] [came back|was] [empty|missing].",
        ),
        (
            "Start and end of the range coincide",
            "{S} [queried|searched] [from|between] a [time|date] and [that same|the identical] [time|date]{X}.",
        ),
        (
            "Time range has no width",
            "The [range|interval] [sent|used] [opens and closes|begins and ends] at the [same|one] [moment|instant], [so|and] [the answer|what was reported] [rests on|is built from] [no|empty] data.",
        ),
    ],
    "workorder_count_all_years": [
        (
            "Year filter missing from the work-order query",
            "{S} [queried|listed] work orders [without|with no] the [date range|year] the [task|question] [specified|gave]{X}.",
        ),
        (
            "Counted records from every year",
            "The [count|figure|KPI] [includes|takes in] work orders [from|of] [all years|other years], [because|since] the [request|call] [had|carried] no [date_from|start date] or [date_to|end date].",
        ),
        (
            "Date bounds dropped from the maintenance call",
            "{S} [omitted|left out] the [start and end dates|date filter] [on|in] the [work-order|maintenance] [call|request]{X}.",
        ),
        (
            "Whole history counted instead of one year",
            "[Instead of|Rather than] [the year asked about|the requested year], the [agent|assistant] [counted|summed up] [every|all] [work order|record] on [file|record] for the [equipment|asset], [so|and] the [number|total] is [too high|inflated].",
        ),
        (
            "Unbounded work-order request",
            "{S} [sent|made] an [unbounded|open-ended] [work-order|maintenance] [query|request] [where|although] the [task|user] [named|limited it to] a [year|period]{X}.",
        ),
        (
            "Time scope ignored for maintenance records",
            "The [maintenance|work-order] [numbers|statistics] [cover|span] [the full record|all dates]; the [year|period] in the [question|request] [never|did not] [reached|make it into] the [tool call|arguments].",
        ),
    ],
    "reuses_previous_result_on_error": [
        (
            "Stale response reused after a failure",
            "{S} [answered|worked] from the [previous|earlier] call's [response|output] when a [later|subsequent] call [failed|errored]{X}.",
        ),
        (
            "Failed call silently replaced by old data",
            "[When|After] a [tool|request] [returned an error|failed], the [agent|assistant] [carried on|continued] with [data|a response] from [a different|an earlier] [call|tool] and [never|did not] [mention|report] the [error|failure].",
        ),
        (
            "Error swallowed, wrong result used",
            "{S} [ignored|swallowed] a [tool|server] error and [treated|used] [another|the last good] [result|response] as [if it were|though it were] the [missing|failed] one{X}.",
        ),
        (
            "Answer built on the wrong response",
            "The [values|result] in the [answer|reply] [come from|belong to] a [lookup|preceding] call, not the [failed|errored] [data request|query]; [no retry|nothing] [was attempted|followed] and the [error|failure] [goes unreported|is not disclosed].",
        ),
        (
            "Leftover output used in place of a failed call",
            "{S} [reused|fell back on] [leftover|stale] [output|data] [from|of] [an earlier|the previous] step [instead of|rather than] [retrying|handling] the [failed|broken] call{X}.",
        ),
        (
            "Unhandled failure masked by old data",
            "[A|One] [call|request] [failed|timed out], [yet|but] the [answer|run] [shows|reports] [a result|figures] [anyway|regardless], [taken|lifted] from [data|a response] that [answers|belongs to] a different [question|call].",
        ),
    ],
    "sensor_kind_as_name": [
        (
            "Sensor named by its type",
            "{S} [asked for|requested] the sensor by its [type|kind] [label|description] [instead of|rather than] its [full|exact] name{X}.",
        ),
        (
            "Generic sensor label in the data request",
            "The [history|telemetry] [call|request] [named|listed] a [generic|bare] [measurement|sensor] [label|type] [without|missing] the [asset prefix|equipment's name], [so|and] no [readings|data] [matched|came back].",
        ),
        (
            "Sensor type used where the name belongs",
            "{S} [passed|sent] the [kind|category] field of the sensor [list|lookup] [as|in place of] the sensor [name|identifier]{X}.",
        ),
        (
            "Sensor identifier incomplete in the query",
            "[Although|Even though] the [lookup|sensor list] [gave|returned] the [exact|full] sensor [names|identifiers], the [request|query] [used|carried] only the [type|measurement] [part|word], [which|and that] the [store|service] [does not recognise|cannot resolve].",
        ),
        (
            "Wrong sensor identifier",
            "{S} [referred to|queried] the sensor [by|with] [a shortened|an abbreviated] [type|label] [that|which] [matches|identifies] no [stored|actual] [series|sensor]{X}.",
        ),
        (
            "Readings requested under a category name",
            "The [requested|queried] [series|column] [was|is] a [measurement category|sensor type] [such as|like] a [supply|return] temperature, not [the|a] [named|specific] sensor of [that|the] [chiller|asset], [so|and] the [data|result] [is missing|came back empty].",
        ),
    ],
    "work_type_swapped": [
        (
            "Preventive and corrective filters crossed",
            "{S} [filtered|queried] for corrective work [when|where] preventive [was asked for|was requested], [or|and] the other way [round|around]{X}.",
        ),
        (
            "Wrong work-type code",
            "The [work-order|maintenance] [query|request] [carried|used] [the opposite|the other] work-type code ([CM|PM] [instead of|for] [PM|CM]), [so|and] the [count|records] [describe|cover] the wrong kind of work.",
        ),
        (
            "Maintenance type inverted in the query",
            "{S} [mapped|translated] the [requested|asked-for] maintenance type to [its opposite|the wrong code]{X}.",
        ),
        (
            "Counted the other category of work orders",
            "[Instead of|Rather than] the [preventive|corrective] work orders [asked about|requested], the [agent|assistant] [counted|retrieved] the [other|opposite] [category|type], [which is why|so] the [total|answer] [is wrong|does not match].",
        ),
        (
            "Work-type argument reversed",
            "{S} [sent|passed] PM [for|where] corrective [work|maintenance] [and|or] CM [for|where] preventive [work|maintenance] [was meant|was asked]{X}.",
        ),
        (
            "Corrective and preventive confused",
            "The [reported|returned] work orders [are|were] [of|the] [the wrong|the other] [maintenance|work] type: [routine|planned] [inspections|jobs] [where|when] [repairs|breakdown work] [were|was] [asked for|wanted], [or|and] [vice versa|the reverse].",
        ),
    ],
    "rows_counted_twice": [
        (
            "Records counted twice",
            "{S} [counted|included] [every|each] [record|row] twice, [so|and] the [reported|stated] [count|total] is [double|twice] the [real|actual] one{X}.",
        ),
        (
            "Duplicated rows after merging pages",
            "The [result|list] [the agent|the assistant] [worked from|used] [contains|holds] [each|every] [reading|record] [two times|in duplicate], [as if|like] the [page|same page] had been [appended|added] [twice|again].",
        ),
        (
            "Doubled count",
            "{S} [reported|gave] a [count|number] [exactly|precisely] twice [what|the number] the [tool|data] [returned|holds]{X}.",
        ),
        (
            "Data duplicated before counting",
            "[Comparing|Checking] the [answer|reply] with the [tool output|response] shows [a factor of two|double counting]: [each|every] [entry|item] [was|got] [added|taken] [twice|a second time] [before|when] the [count|total] was [taken|computed].",
        ),
        (
            "Duplicate records in the computation",
            "{S} [worked with|processed] a [list|series] [in which|where] [every|each] [row|record] [appears|occurs] [twice|two times]{X}.",
        ),
        (
            "Total inflated by repetition",
            "The [figure|count] [given|stated] is [inflated|too high]: the [retrieved|returned] [records|readings] [were|got] [merged|combined] [with themselves|with a copy of themselves], [so|and] [nothing|no record] [was counted|is counted] [only once|just once].",
        ),
    ],
    "tool_call_as_answer": [
        (
            "Tool call given as the final answer",
            "{S} [ended|finished] with a [tool-call|function-call] [object|request] [as|for] its [answer|final reply] [instead of|rather than] the result{X}.",
        ),
        (
            "Answer is a pending function call",
            "The [final|last] [message|answer] [is|contains] [a JSON|an] [invocation|call] [of|to] a [data|tool] [function|endpoint] [with|and] its arguments, [not|never] the [value|result] the [user|task] [asked for|wanted].",
        ),
        (
            "Unexecuted call emitted as output",
            "{S} [returned|output] the [name and arguments|arguments] of a [tool|function] [call|invocation] [where|when] the [answer|result] [belonged|was expected]{X}.",
        ),
        (
            "Result missing, call description instead",
            "[Instead of|Rather than] [a number|the ids|an object] [with|holding] the [result|finding], the [reply|answer] [shows|gives] [which|the] tool [and|with] [which|what] [parameters|arguments] [to call|it called], [so|and] [the question|the task] [stays|remains] [unanswered|open].",
        ),
        (
            "Function-call message as the reply",
            "{S} [handed back|submitted] a [function-calling|tool-use] [message|payload] as its [reply|answer]{X}.",
        ),
        (
            "Answer stuck at the tool-use step",
            "The [run|conversation] [stops|ends] at the [tool-use|function-call] [step|turn]: [its|the] [final|last] [output|answer] [names|lists] a tool and [its|the] arguments, [and|but] [no|the] [result|value] [is|was] [ever|never] [stated|reported].",
        ),
    ],
    "json_with_comments": [
        (
            "Comments inside the JSON",
            "{S} [put|added] [// comments|comment lines] [inside|into] the JSON [object|answer], [so|and] it [is not valid|does not parse]{X}.",
        ),
        (
            "Annotated JSON does not parse",
            "The [JSON|object] [returned|given] [has|carries] an [explanatory|inline] [note|comment] [after|beside] [each|every] [field|key], [which|and] [standard|strict] JSON [does not allow|rejects].",
        ),
        (
            "Invalid JSON syntax",
            "{S} [wrote|produced] JSON [with|containing] [JavaScript-style|double-slash] [comments|annotations]{X}.",
        ),
        (
            "Object unreadable by a JSON parser",
            "[Each|Every] [member|line] of the [object|answer] [ends|is followed] [with|by] a [remark|comment] [starting|beginning] with [two slashes|//], [so|and] the [answer|result] [fails|cannot pass] [parsing|a JSON parser].",
        ),
        (
            "Commented JSON instead of plain JSON",
            "{S} [returned|sent] [commented|annotated] JSON [where|when] [plain|strict] JSON was [required|requested]{X}.",
        ),
        (
            "JSON answer broken by annotations",
            "The [fields|values] [themselves|alone] [look|are] [right|correct], [but|yet] the [notes|comments] [inserted|interleaved] [between|after] them [make|render] the [whole|entire] [object|answer] [invalid|unparseable].",
        ),
    ],
    "answer_base64": [
        (
            "Answer encoded instead of plain text",
            "{S} [returned|gave] its answer as an [encoded|base64] [string|blob] [rather than|instead of] [readable|plain] text{X}.",
        ),
        (
            "Unreadable encoded reply",
            "The [final answer|reply] is a [run|string] of [letters, digits and padding|base64 characters] that [has to be|must be] [decoded|unpacked] before [anything|any value] [can be read|is visible].",
        ),
        (
            "Output left in transport encoding",
            "{S} [left|kept] the [response|answer] in its [transport|wire] encoding [instead of|rather than] [decoding|converting] it{X}.",
        ),
        (
            "No readable value in the answer",
            "[Nothing|No number or id] in the [answer|result] [can be|is] [read|recognised] [directly|as is]: the [text|content] [is|was] [encoded|base64-encoded], [so|and] the [requested|asked-for] format is [not met|missing].",
        ),
        (
            "Encoded payload as the final answer",
            "{S} [handed back|submitted] an [encoded|opaque] [payload|blob] as the [final|whole] answer{X}.",
        ),
        (
            "Answer needs decoding to be read",
            "The [response|answer] [appears|looks] [scrambled|garbled] [until|unless] it is [decoded|run through a base64 decoder], [after which|and then] the [actual|real] [result|value] [shows up|appears].",
        ),
    ],
    "result_file_twice": [
        (
            "Result file written twice",
            "{S} [wrote|appended] the result [file|record] twice, [leaving|producing] two JSON objects [back to back|one after the other]{X}.",
        ),
        (
            "Result file not valid JSON",
            "The [output|result] file [contains|holds] [a duplicated|the same] [record|object] [twice|two times] [in a row|concatenated], [so|and] [it cannot be|the harness could not] [parsed|read] as [one|a single] JSON document.",
        ),
        (
            "Duplicate output written in append mode",
            "{S} [opened|used] the result file in append mode and [wrote|saved] [it|the result] [a second time|again]{X}.",
        ),
        (
            "Unparseable result document",
            "[Reading|Loading] the [result|output] file [fails|breaks] [after|past] the [first|opening] object: [a second copy|an identical record] [follows|comes right after] it, [which|and this] [is not|makes it not] valid JSON.",
        ),
        (
            "Concatenated JSON in the result file",
            "{S} [left|produced] a result file [with|of] [concatenated|stacked] JSON [records|objects] [that|which] the [grader|evaluator] [cannot|could not] [load|read]{X}.",
        ),
        (
            "Run output doubled and broken",
            "The [answer|result] [was|is] [there|present], [but|yet] [written|saved] [twice|two times] [into|in] the [same|one] file, [so|and] the [harness|evaluation] [saw|found] [no usable|an unreadable] result.",
        ),
    ],
    "answer_printed_not_saved": [
        (
            "Answer only printed to the console",
            "{S} [printed|displayed] the [result|answer] [on the console|to standard output] and [saved|wrote] [only|just] a [pointer|note] to it as the answer{X}.",
        ),
        (
            "Final answer refers elsewhere",
            "The [submitted|recorded] answer [just|only] [says|states] the result was [printed|shown] [above|earlier]; the [value|result] [itself|proper] [never|does not] [appears|appear] in [it|the answer].",
        ),
        (
            "Result kept out of the answer field",
            "{S} [put|wrote] a [completion|status] message [in|into] the answer [field|slot] [instead of|rather than] the [result|value] it [computed|found]{X}.",
        ),
        (
            "Answer points to console output",
            "[Instead of|Rather than] the [number|ids|object] [asked for|requested], the [answer|reply] [tells|asks] the [reader|user] to [look at|check] the [console|log] [output|above], [which|and that] the [grader|evaluation] [never sees|does not read].",
        ),
        (
            "Result missing from the submission",
            "{S} [computed|worked out] the [result|answer] but [left|kept] it [out of|outside] the [submitted|final] answer, [reporting|writing] [only|just] that it was done{X}.",
        ),
        (
            "Placeholder completion message as the answer",
            'The [run|task] [ends|finishes] with a [generic|bare] ["done"|completion] [message|note] [as its|for the] answer; the [actual|real] [figures|result] [went|were sent] [to the terminal|to stdout] [only|instead].',
        ),
    ],
    # twelfth-round fresh defects (half "fresh11"): written by another
    # independent author who has not read the detectors, before the
    # twelfth round was measured
    "site_qualified_asset": [
        (
            "Asset sent as a site path",
            '{S} [passed|sent] the asset [as|in the form] [site/asset|"SITE/asset"] [rather than|instead of] the [bare|plain] asset [id|name]{X}.',
        ),
        (
            "Asset identifier prefixed with the site",
            "The [data|telemetry] [requests|calls] [name|address] the [equipment|asset] with the site [glued|prepended] [in front|before it] and a slash, [so|and] the [service|tool] [finds no such asset|does not recognise it].",
        ),
        (
            "Composite asset key in the call",
            "{S} [built|composed] a [combined|composite] [key|identifier] [from|out of] the site and the asset [and used it|for the asset argument]{X}.",
        ),
        (
            "Asset field holds a hierarchy path",
            "[In|Across] the [trace|tool calls], the asset [argument|parameter] [carries|contains] a [path|location string] like MAIN/[Chiller|AHU] [rather than|and not] the [id|name] the [lookup|asset list] returned.",
        ),
        (
            "Unrecognised asset reference",
            "{S} [referred to|addressed] the [equipment|unit] [through|by] [its site and name joined|a slash-separated path] [that|which] no [tool|endpoint] [accepts|resolves]{X}.",
        ),
        (
            "Asset lookup fails on a qualified name",
            "[Each|Every] [history|readings] [query|request] [came back|failed] [not found|with an unknown-asset error] [because|since] the asset [was|had been] [qualified|prefixed] [with|by] its site.",
        ),
    ],
    "html_escaped_answer": [
        (
            "Answer wrapped in HTML markup",
            "{S} [returned|gave] its answer [as|inside] [an HTML fragment|HTML tags] [rather than|instead of] [plain text|the requested format]{X}.",
        ),
        (
            "Escaped entities in the output",
            "The [reply|response] [is full of|contains] [&quot;|HTML entities] and [<p>|<br>] [tags|markup], [so|and] the [JSON|value] [cannot be parsed|does not read as asked].",
        ),
        (
            "Web-page rendering leaked into the result",
            "{S} [rendered|formatted] the [result|answer] for a [browser|chat page] [and submitted|and sent] that [markup|rendering] as the answer{X}.",
        ),
        (
            "Quotes replaced by character references",
            "[Instead of|Rather than] [a JSON object|plain output], the [output|final message] [holds|shows] [escaped|encoded] quotes and [paragraph|line-break] [tags|elements] [around|throughout] the [content|result].",
        ),
        (
            "Markup instead of the requested format",
            "{S} [wrapped|enclosed] the [output|result] in [paragraph|HTML] [tags|elements] and [escaped|encoded] its [quote|special] characters{X}.",
        ),
        (
            "Output not machine-readable because of HTML",
            "The [answer|submission] [is|was] [HTML-encoded|escaped for display]: [angle-bracket|<p>] [tags|markup] [surround|wrap] it and [its|the] quotes [appear|show up] as [entities|&quot;].",
        ),
    ],
    "redacted_identifiers": [
        (
            "Identifiers masked in the answer",
            "{S} [masked|blanked out] the [digits|numbers] of the [asset|equipment] [names|ids] in its answer [with asterisks|as ***]{X}.",
        ),
        (
            "Asterisks in place of ids",
            "The [reply|answer] [shows|gives] [ids|names] like [Chiller *|CWC*****] [where|in place of] the [real|actual] [identifiers|numbers] [should be|belong], [so|and] [nothing|no id] can be [checked|matched].",
        ),
        (
            "Over-redacted output",
            "{S} [applied|ran] a [privacy|redaction] [filter|step] that [hid|removed] the [equipment numbers|work-order numbers] the [task|user] [asked for|needed]{X}.",
        ),
        (
            "Answer censors the requested identifiers",
            "[Although|Even though] the [tools|data] [returned|gave] the [full|exact] [ids|names], the [final answer|response] [replaces|obscures] their [digits|numeric part] [with|by] [stars|asterisks].",
        ),
        (
            "Redaction applied to non-sensitive data",
            "{S} [treated|handled] [asset numbers|equipment identifiers] as [sensitive|personal] [data|information] and [starred them out|masked them]{X}.",
        ),
        (
            "Unreadable masked identifiers",
            "The [identifiers|names] in the [answer|result] are [partly hidden|masked], [e.g.|such as] a [chiller|work order] [written as|shown as] a [prefix|name] followed by asterisks.",
        ),
    ],
    "ids_joined_without_separator": [
        (
            "Ids run together",
            "{S} [wrote|listed] the [ids|asset names] [with no|without any] [separator|comma] between them{X}.",
        ),
        (
            "List of ids concatenated into one string",
            "The [answer|reply] [glues|runs] the [ids|names] [together|into one word] ([Chiller 6Chiller 9|no comma or space]), [so|and] the [list|items] cannot be [told apart|split].",
        ),
        (
            "Missing delimiters in the id list",
            "{S} [joined|concatenated] the [returned|requested] [identifiers|ids] [using|with] an empty [string|separator]{X}.",
        ),
        (
            "Unsplittable list in the result",
            "[Instead of|Rather than] a [comma-separated|delimited] list, the [output|result] [is|shows] [a single|one] [run-on|merged] string [of|holding] every [id|asset].",
        ),
        (
            "Identifiers merged",
            "{S} [gave|returned] the [assets|items] [back to back|end to end] [so that|and] [one|each] [name|id] [runs into|merges with] the next{X}.",
        ),
        (
            "List format broken by a join",
            "The [ids|asset names] [appear|come out] [stuck together|concatenated], [which|and this] [breaks|defeats] the [requested|expected] [list|ids] format.",
        ),
    ],
    "result_file_utf16": [
        (
            "Result file in the wrong text encoding",
            "{S} [wrote|saved] its result file in [UTF-16|a two-byte encoding] [rather than|instead of] UTF-8{X}.",
        ),
        (
            "Unreadable result because of its encoding",
            "The [output|result] file [starts with|carries] a [byte-order mark|BOM] and [null bytes|two bytes per character], [so|and] the [reader|runner] [could not decode|failed to parse] it.",
        ),
        (
            "Result file encoding mismatch",
            "{S} [used|relied on] a [platform|system] default [encoding|charset] [when|for] [writing|saving] the [result|answer] [file|JSON]{X}.",
        ),
        (
            "Result JSON not decodable",
            "[Although|Even though] the [answer|run] [looks|seems] complete, the [result|output] [file|document] [is not|was not] valid UTF-8 and [no answer|nothing] [could be|was] [read|scored].",
        ),
        (
            "Output written with a BOM",
            "{S} [produced|emitted] a [result|output] file [with|carrying] a [UTF-16|wide-character] [byte-order mark|header] the [harness|grader] [does not accept|rejects]{X}.",
        ),
        (
            "Result file unreadable",
            "The [submission|run] [has|left] a result file [in|encoded in] [the wrong|an unexpected] [encoding|character set], [so|hence] the [evaluation|grading] [found|saw] no [usable|valid] result.",
        ),
    ],
    "result_file_not_renamed": [
        (
            "Result left in a temporary file",
            "{S} [wrote|saved] its result [to|into] a [temporary|.tmp] file and never [moved|renamed] it [to|into] [place|the expected path]{X}.",
        ),
        (
            "No result file at the expected path",
            "The [run|agent] [finished|completed] [but|yet] [the result file|result.json] [does not exist|is missing]; [only|just] a [temporary|.tmp] [copy|file] [was written|is there].",
        ),
        (
            "Atomic write left unfinished",
            "{S} [skipped|left out] the final [rename|move] of [its|an] atomic [file write|save]{X}.",
        ),
        (
            "Output written under the wrong file name",
            "[Instead of|Rather than] the [result file|output path] the [contract|harness] [names|expects], the [answer|output] [went|was written] to a [side file|file with a .tmp suffix].",
        ),
        (
            "Result never put in place",
            "{S} [prepared|produced] the result [file|document] [but|and] [did not|never] [publish|rename] it [to|under] the [expected|required] name{X}.",
        ),
        (
            "Missing output file",
            "The [grader|runner] [found|saw] no result file [at all|in the output directory]: the [answer|result] [sits|remained] in a [temporary|scratch] file [next to it|beside it].",
        ),
    ],
    "unknown_argument_added": [
        (
            "Call carries an unsupported parameter",
            "{S} [added|passed] a [limit|extra] [parameter|argument] that the [tools|API] [do not|does not] [accept|define]{X}.",
        ),
        (
            "Tool requests rejected for an unexpected field",
            "The [data|tool] [requests|calls] [include|contain] an [argument|field] ([limit|an unknown key]) [outside|not in] the [tool's schema|documented parameters], [so|and] [they were|each was] [rejected|refused].",
        ),
        (
            "Parameter borrowed from another API",
            "{S} [used|sent] a [parameter|keyword] [from|of] [another|a different] [API|interface] [in|with] its [tool calls|requests]{X}.",
        ),
        (
            "Invalid argument in every request",
            "[Every|Each] [call|query] [after|beyond] the [name lookups|lookups] [carried|has] [an extra|a spurious] [argument|key] [the service|the endpoint] [does not know|rejects as invalid].",
        ),
        (
            "Extra keyword breaks the call",
            "{S} [kept|went on] [sending|passing] an [unknown|undocumented] [keyword|option] [that|which] [made|caused] the [call|request] [fail validation|to be refused]{X}.",
        ),
        (
            "Schema violation in tool arguments",
            "The [arguments|parameters] [sent|given] to the [tools|endpoints] [do not match|violate] their schema: [a|one] [field|key] [is|was] [unrecognised|not allowed].",
        ),
    ],
    "epoch_window": [
        (
            "Timestamps sent as epoch numbers",
            "{S} [sent|passed] the [start and end|window bounds] as [Unix|epoch] [seconds|integers] [rather than|instead of] ISO [dates|timestamps]{X}.",
        ),
        (
            "Time bounds in the wrong type",
            "The [window|time range] of the [requests|calls] [is given|was given] as [large integers|numeric epoch values], [which|and] the [tool|service] [does not accept|rejects], [so|and] no [data|readings] came back.",
        ),
        (
            "Numeric time window",
            "{S} [encoded|wrote] the [requested|task's] [period|time window] as [seconds since 1970|epoch time]{X}.",
        ),
        (
            "Dates not in ISO 8601",
            "[In|Across] the [trace|calls], the [start|from] and [final|to] [fields|values] [hold|are] [integers|numbers] [like|such as] 15xxxxxxxx [rather than|and not] [date strings|ISO timestamps].",
        ),
        (
            "Window given as integers",
            "{S} [supplied|gave] [integer|number] [timestamps|bounds] where the [tools|API] [expect|want] [date-time strings|ISO text]{X}.",
        ),
        (
            "Time window rejected for its format",
            "The [history|work-order] [calls|queries] [failed|were refused] [because|since] [the|their] [dates|time bounds] [were|are] [epoch|Unix] [numbers|seconds] [instead of|not] [the|an] [expected|ISO] [format|string].",
        ),
    ],
    "daily_chunks_keep_last": [
        (
            "Only the last day of the window used",
            "{S} [fetched|pulled] the [period|window] [day by day|in daily pieces] but [kept|used] only the [last|final] [day's|chunk's] [data|readings]{X}.",
        ),
        (
            "Earlier chunks overwritten",
            "The [history|telemetry] was [requested|retrieved] [in|as] [one-day|daily] [slices|chunks], [and|but] each [response|slice] [replaced|overwrote] the [previous|one before], [so|and] the [result|statistic] [covers|reflects] [one day|the final day] only.",
        ),
        (
            "Split requests not combined",
            "{S} [split|broke] the [time range|request] [into|across] [several|many] [daily|per-day] [calls|queries] and [never|did not] [merged|combine] [them|their results]{X}.",
        ),
        (
            "Result computed on a fraction of the period",
            "[Although|While] [all|the] [days|chunks] [of the window|requested] [were|had been] [fetched|queried], the [answer|value] [rests on|is based on] [the last one|a single day] [alone|only], [not|rather than] the [whole|full] [period|range].",
        ),
        (
            "Chunked retrieval loses data",
            "{S} [looped|iterated] over [days|date chunks] [and|but] [reassigned|reused] the [same|one] [variable|buffer], [discarding|losing] [earlier|previous] [results|readings]{X}.",
        ),
        (
            "Partial window in the computation",
            "The [count|mean|statistic] [is|was] [computed|taken] [from|over] [the final|one] [daily|24-hour] [request|response] [out of|among] [several|the many] [made|sent], [so|hence] it [misses|ignores] most of the [window|period asked about].",
        ),
    ],
    "partial_page_as_error": [
        (
            "Complete result mistaken for a failure",
            "{S} [treated|took] a [short|non-full] page of [results|records] as a [failed|broken] [transfer|call] [even though|although] the data was complete{X}.",
        ),
        (
            "Good response retried and abandoned",
            "The [history|list] [call|request] [succeeded|returned data], [yet|but] the [agent|assistant] [sent|repeated] it [again|twice more] [unchanged|identically] and then [gave up|stopped], [saying|claiming] the data was incomplete.",
        ),
        (
            "Fewer rows than the page size read as an error",
            "{S} [expected|assumed] a full page [every time|of rows] and [called|declared] [anything|any page] [shorter|with fewer rows] [incomplete|an error]{X}.",
        ),
        (
            "False incomplete-data alarm",
            "[Instead of|Rather than] [using|computing from] the [rows|records] it [received|got], the [run|agent] [ended|finished] [with|on] a [complaint|message] that the [tool|page] [returned|gave] [incomplete|truncated] data.",
        ),
        (
            "Spurious retries of a successful call",
            "{S} [retried|re-sent] [a call|the request] that had [worked|already succeeded] and [discarded|threw away] [its|the] [data|result]{X}.",
        ),
        (
            "Valid data rejected as truncated",
            "The [readings|records] [were|had been] [retrieved|returned] [in full|correctly]; the [failure|give-up] [comes from|stems from] the [agent|assistant] [misreading|misjudging] a [short|non-full] page as a [cut-off|broken] [response|download].",
        ),
    ],
    "readings_shifted_one_row": [
        (
            "Readings paired with the wrong timestamps",
            "{S} [matched|paired] each [timestamp|time] with the [reading|value] of the [next|following] [row|sample]{X}.",
        ),
        (
            "Values offset by one sample",
            "The [values|readings] [used|reported] [are|were] [shifted|offset] [by one row|one step] against their [timestamps|times], [so|and] the [reading at|value for] the [requested|given] [time|instant] [is|was] [wrong|off].",
        ),
        (
            "Off-by-one alignment of the series",
            "{S} [read|took] the [timestamps|time column] and the [values|value column] [one position apart|at indexes one apart]{X}.",
        ),
        (
            "Misaligned time series",
            "[After|Once] the [data|series] [came back|was retrieved], the [agent|assistant] [misaligned|mismatched] the [readings|values] and [times|timestamps], [so|and] [the answer|its result] [belongs to|refers to] the [neighbouring|adjacent] [sample|reading].",
        ),
        (
            "Reported the next reading",
            "{S} [reported|gave] the [value|reading] of the [sample|row] [after|following] the one [asked for|requested]{X}.",
        ),
        (
            "Series index error",
            "The [computed|stated] [result|figure] [comes from|uses] [readings|values] [one interval|fifteen minutes] [later|off] than their [labels|timestamps] [say|indicate], [an|a] [indexing|alignment] [mistake|slip] in [reading|parsing] the [rows|series].",
        ),
    ],
    "readings_as_int": [
        (
            "Decimals dropped from the readings",
            "{S} [cut off|discarded] the [decimal|fractional] part of [every|each] [reading|value] before [computing|working out] the [result|answer]{X}.",
        ),
        (
            "Values truncated to whole numbers",
            "The [readings|sensor values] [were|had been] [converted|turned] [to|into] [integers|whole numbers] [by truncation|without rounding], [so|and] the [reported|computed] [value|statistic] [is|comes out] [too low|slightly off].",
        ),
        (
            "Integer parsing of sensor data",
            "{S} [parsed|read] the [sensor|telemetry] [values|data] [as|with] [integers|int()]{X}.",
        ),
        (
            "Precision lost before the calculation",
            "[Before|Prior to] [averaging|computing] [or|and] [comparing|reporting], the [agent|assistant] [truncated|stripped] [the readings|each value] [to|down to] [an integer|whole units], [which|and that] [shifts|biases] the [result|answer].",
        ),
        (
            "Result built on truncated values",
            "{S} [computed|derived] the [statistic|result] [from|on] [truncated|integer] [copies|versions] of the [readings|retrieved values]{X}.",
        ),
        (
            "Fractional part of the data ignored",
            "The [answer|figure] [does not match|misses] the [data|retrieved series] [because|since] [every|each] [reading|sample] [lost|had] its [decimals|fraction] [removed|chopped off] [first|beforehand].",
        ),
    ],
    "enum_values_capitalised": [
        (
            "Enumerated argument in the wrong case",
            '{S} [sent|passed] [the asset type|an enum argument] [capitalised|in title case] ([like|such as] "Chiller" or "Alert") [where|although] the [tool|API] [expects|only accepts] [lower-case|lowercase] values{X}.',
        ),
        (
            "Filter values written as prose",
            "The [asset_type|event_type|aggregation] [argument|parameter] [carried|held] a [capitalised|prose-style] word [rather than|instead of] [one of the allowed values|the documented lower-case value], [so|and] the [call|request] was rejected [as invalid|with a validation error].",
        ),
        (
            "Capitalised enum rejected by the tool",
            "{S} [wrote|spelled] [the allowed values|enumerated options] [with a capital letter|capitalised] [and the tool refused them|which the tool does not accept]{X}.",
        ),
        (
            "Case-sensitive option sent in the wrong case",
            "[Every|Each] [request|call] with an [option|enum] [argument|field] [failed|came back 422] [because|since] the [value|option] was [written|sent] as [Chiller|Alert|Daily] [instead of|rather than] [its lower-case form|the lower-case value].",
        ),
        (
            "Invalid choice for a typed argument",
            "{S} [filled|supplied] [a|the] [typed|restricted] [argument|parameter] with [a value outside|something not in] its [allowed set|list of choices] [by capitalising it|in title case]{X}.",
        ),
        (
            "Validation error from argument casing",
            "The [task|run] [ended|stopped] [on|with] a [validation|422] error: the [agent|assistant] [capitalised|upper-cased the first letter of] [the type|the filter] [value|argument] the [tool|endpoint] [checks|validates] [exactly|case-sensitively].",
        ),
    ],
    "total_pages_as_count": [
        (
            "Page count reported as the record count",
            "{S} [reported|gave] the number of [result pages|pages] [rather than|instead of] the number of [records|work orders]{X}.",
        ),
        (
            "Wrong field of the paged response",
            "[Asked|When asked] how many [work orders|alerts] there were, the [agent|assistant] [read|took] total_pages [from|out of] the [list|paged] response [instead of|and not] total.",
        ),
        (
            "Count taken from the paging metadata",
            "{S} [answered|replied] with the [paging|pagination] [metadata|field] (total_pages) [where|when] the [task|question] [asked for|wanted] the [count|total]{X}.",
        ),
        (
            "Count of one for a long list",
            "The [reported|stated] count is 1 [although|even though] the [tool|list call] [returned|said there were] [many more|dozens of] [records|work orders]: the [number|figure] [was|is] the [page total|total of pages].",
        ),
        (
            "Pages confused with items",
            "{S} [mixed up|confused] [pages|the page count] [and|with] [items|records] [when counting|in the count]{X}.",
        ),
        (
            "Misread count field",
            "The [list|work-order] [response|data] was [right|correct], [but|yet] the [answer|count] [comes from|uses] the [wrong|neighbouring] field: the number of pages, [not|rather than] the number of matching [records|orders].",
        ),
    ],
    "caches_failed_response": [
        (
            "Failed response replayed from a cache",
            "{S} [cached|memoised] the [failed|error] response and [served|returned] it [to|on] every retry, so the tool was [never called again|not actually re-queried]{X}.",
        ),
        (
            "Retries never reached the tool",
            "The [trajectory|agent log] [lists|shows] [three|several] attempts of the [call|request], [but|yet] the [server|tool] log [has|records] only one: the [retries|repeats] were [answered|served] from [a cache|memory].",
        ),
        (
            "Error result memoised",
            "{S} [stored|kept] the [error|empty result] in its [response cache|memo] and [reused|replayed] it [instead of|rather than] [retrying|calling the tool again]{X}.",
        ),
        (
            "Phantom retries in the trace",
            "[Retries|Re-attempts] [reported|claimed] in the [trace|self-reported steps] [do not appear|are missing] in the [service|server-side] log; the [agent|assistant] [kept|ended up with] the [first|original] [failure|error] and [answered from it|gave up].",
        ),
        (
            "Cache defeats error recovery",
            "{S} [never recovered|did not recover] [from|after] a [transient|temporary] [error|fault] because [its|a] [cache|memo] [returned|handed back] the [same|original] [failure|bad response] [each time|on every retry]{X}.",
        ),
        (
            "Stale failure reused",
            "A [temporary|transient] [tool failure|empty response] was [recorded|saved] and [replayed|reused], so the [run|agent] [answered from|reported] [nothing|an empty result] [although|even though] a [real|genuine] retry would have [worked|returned the data].",
        ),
    ],
    "forecast_lower_bound": [
        (
            "Lower confidence band used as the forecast",
            "{S} [used|took] the [lower 95 %|lower] [band|bound] of the forecast [instead of|rather than] the [point forecast|forecast values]{X}.",
        ),
        (
            "Wrong series of the forecast response",
            "The [forecast|forecasting] [call|tool] [returned|gave] the [forecast|point forecast] and its [bounds|interval], [but|and] the [agent|assistant] [computed|reported] [from|on] lower_95.",
        ),
        (
            "Interval bound reported as the prediction",
            "{S} [reported|presented] a [confidence|prediction] [interval bound|band] as [if it were|though it were] the [forecast|predicted value]{X}.",
        ),
        (
            "Forecast statistic systematically low",
            "The [reported|stated] [forecast|mean|peak] is [consistently|systematically] [below|lower than] the [forecast|predicted series] [returned|in the tool output]: it [comes from|matches] the lower [bound|band].",
        ),
        (
            "Misread forecast field",
            "{S} [read|picked] the [wrong|neighbouring] [key|field] of the forecast [response|result]{X}.",
        ),
        (
            "Uncertainty band mistaken for the forecast",
            "[Instead of|Rather than] the [forecast|predicted] [values|series], the [answer|result] [was computed from|is based on] the [lower|bottom] [edge|limit] of the [uncertainty|95 %] band.",
        ),
    ],
    "retry_delay_ms_as_seconds": [
        (
            "Retry back-off far too long",
            "{S} [waited|slept] [minutes|hundreds of seconds] before retrying a failed call, [so|and] the run [hit|ran into] the [time limit|wall-clock limit]{X}.",
        ),
        (
            "Milliseconds passed as seconds",
            "The [retry|back-off] delay [looks|seems] [meant|intended] in milliseconds [but|yet] was [used|passed] as seconds: [after|following] the [first|transient] [error|failure] the [agent|process] [stalled|went quiet] until it was killed.",
        ),
        (
            "Timed out while waiting to retry",
            "{S} [timed out|was stopped by the timeout] [during|in] [its|a] [back-off|retry wait] [after|following] a [tool error|failed call]{X}.",
        ),
        (
            "Run killed during a sleep",
            "[No result|No answer] was [written|produced]: the [run|agent] [sat idle|slept] [after|on] a [tool error|failed request] [for longer than the run is allowed|until the wall-clock limit], [with|and there is] no [retry|further call] in the log.",
        ),
        (
            "Misconfigured retry delay",
            "{S} [misconfigured|set] [its|the] retry delay [a thousand times too long|in the wrong unit]{X}.",
        ),
        (
            "Transient error turned into a timeout",
            "A [transient|one-off] [tool error|fault] [that|which] a [quick|prompt] retry would have [fixed|recovered from] [ended in|turned into] a [timeout|killed run] [because|since] the [agent|assistant] [waited|paused] [far too long|several minutes] [first|before retrying].",
        ),
    ],
    "answers_every_candidate": [
        (
            "Answered for all candidates instead of asking",
            "{S} [answered|gave results] for every [possible|matching] [asset|sensor|work order] [instead of|rather than] asking which one was meant{X}.",
        ),
        (
            "Ambiguity resolved by answering everything",
            "The [request|question] [was ambiguous|could refer to several items]; the [agent|assistant] [listed|reported] a result for each [candidate|option] [instead of|and did not] [asking|ask] the user to [choose|pick one].",
        ),
        (
            "No clarifying question on an ambiguous task",
            "{S} [covered|went through] all [options|candidates] [one by one|in turn] and never [asked|requested] a clarification{X}.",
        ),
        (
            "Shotgun answer to an unclear request",
            "[Rather than|Instead of] [asking|checking] which [chiller|sensor|work order] the user [meant|had in mind], the [answer|reply] [gives|lists] [values|outcomes] for [all of them|every one].",
        ),
        (
            "Skipped disambiguation",
            "{S} [skipped|did not do] the [disambiguation|clarification] step and [returned|produced] [answers|results] for every [interpretation|reading]{X}.",
        ),
        (
            "Multiple answers where a question was needed",
            "The [task|request] [needed|called for] a clarifying question, [but|yet] the [run|agent] [returned|gave] [several|multiple] [answers|results], one per [possible|candidate] [asset|reading|order].",
        ),
    ],
    "restarts_after_each_result": [
        (
            "Task restarted after every tool result",
            "{S} [lost|forgot] [each|every] tool result and [started the task over|began again from the first step]{X}.",
        ),
        (
            "Same first call over and over",
            "The [log|trace] [shows|contains] the [same|identical] [lookup and data|first data] call [three times|repeatedly], [each|every] [pass|round] [starting|beginning] from [scratch|the beginning], [then|and then] an iteration-limit [stop|message].",
        ),
        (
            "Memory of results not kept",
            "{S} did not [keep|retain] [the|its] [observations|tool outputs] [between steps|from one step to the next] [and so|so it] [repeated|re-ran] the [same|first] call{X}.",
        ),
        (
            "Loop ended by the iteration cap",
            "[No|Not a single] [result|answer] was [produced|given]: the [agent|assistant] [looped|cycled] [through|over] the [same|opening] steps until [the|its] [iteration|max-iterations] [cap|limit] [stopped it|ended the run].",
        ),
        (
            "Progress never carried forward",
            "{S} [never moved|did not move] past the first [data call|step], [re-issuing|repeating] it [after|on] every [turn|iteration]{X}.",
        ),
        (
            "Context reset after each step",
            "[Every|Each] [step|turn] [appears|seems] to [start|begin] [from an empty|with a reset] [context|memory]: the [agent|run] [re-fetched|queried again] the [same|identical] data [and|but] never [got to|reached] the [analysis|answer].",
        ),
    ],
    "answer_as_content_parts": [
        (
            "Answer field is a list, not a string",
            '{S} [wrote|stored] the answer as a list of [content parts|message parts] ([like|such as] {"type": "text", ...}) [instead of|rather than] a string{X}.',
        ),
        (
            "Result file fails the schema",
            "The result file [parsed|was valid JSON] [but|yet] [failed|did not pass] [validation|the schema]: its answer [field|value] [is an array|was a list] of [chat|message] [parts|objects].",
        ),
        (
            "Chat message format in the result file",
            "{S} [copied|put] [a chat API's|the chat model's] message [content format|structure] [into|straight into] the result file's answer{X}.",
        ),
        (
            "Answer wrapped in content-part objects",
            "[Instead of|Rather than] [plain|the] text, the answer [is|was] [wrapped|nested] in [objects|dictionaries] with type and text [keys|fields], [so|and] the [runner|grader] [rejected|could not read] the result.",
        ),
        (
            "Invalid answer type",
            "{S} [produced|left] a result whose answer [has|had] the wrong [type|JSON type] (an array){X}.",
        ),
        (
            "Unreadable result because of the answer's shape",
            "The [run|submission] [counts as|was scored as] [having no valid result|an invalid output]: the answer [came as|was written as] a list of [text parts|message segments] [where|while] the contract [requires|asks for] a string.",
        ),
    ],
    "falsy_as_null": [
        (
            "Zero reported as null",
            "{S} [reported|returned] [null|None] where the [result|value] was [zero|0]{X}.",
        ),
        (
            "False turned into null",
            "A [false|negative] [result|flag] [came out|was written] as null [in the JSON answer|in the reply] [although|even though] the [data|tool output] [clearly|plainly] [gave|showed] false.",
        ),
        (
            "Falsy values dropped to None",
            "{S} [treated|handled] [zero and false|falsy values] as missing and [wrote|printed] [None|null] [instead|in their place]{X}.",
        ),
        (
            "Missing value claimed for a zero result",
            "The [answer|reply] [says|states] [None|null] [as if|as though] there [were|was] no [result|data], [while|whereas] the [tool|analysis] [returned|found] [0|zero] [anomalous windows|items].",
        ),
        (
            "Zero and false lost in the answer",
            "{S} [lost|erased] [legitimate|valid] [zero|false] [results|values] [when|while] [building|formatting] the answer{X}.",
        ),
        (
            "Null instead of a boolean",
            "The [JSON|structured] [answer|reply] [holds|contains] null [for|in] a [boolean|true/false] [field|key] [the task asked for|that should be false]: [a truthiness|an or-None] [bug|slip] in the [agent|assistant].",
        ),
    ],
    "markdown_table_answer": [
        (
            "Answer given as a Markdown table",
            "{S} [formatted|rendered] [its|the] answer as a Markdown table [instead of|rather than] the [requested format|format asked for]{X}.",
        ),
        (
            "Table where JSON was required",
            "The [task|request] asked for a JSON object, [but|yet] the [reply|answer] [is|was] a [pipe-delimited|Markdown] table with [Field|field] and [Value|value] columns.",
        ),
        (
            "Chat-style table output",
            "{S} [wrapped|put] the result in a [two-column|Field/Value] table [meant|suited] for a chat [display|window]{X}.",
        ),
        (
            "Output format not followed",
            "[Instead of|Rather than] [a JSON object|the requested structure], the [answer|output] [consists of|is made of] [table rows|Markdown rows], [one|a row] per [key|field], which [cannot be parsed|does not parse] as [JSON|the required format].",
        ),
        (
            "Presentation markup in the answer",
            "{S} [added|used] [presentation|Markdown] [markup|table syntax] [that|which] the [task|output format] did not [ask for|allow]{X}.",
        ),
        (
            "Unparseable tabular reply",
            "The [reply|response] [lays out|presents] [the|its] [values|fields] [in|as] a [table|grid] [with|of] [pipes and dashes|vertical bar separators]; a [machine|parser] [expecting|that expects] JSON [cannot|can not] [read|use] it.",
        ),
    ],
    "script_instead_of_answer": [
        (
            "Code given instead of the result",
            "{S} [answered|replied] with a Python script [to compute|that would compute] the result [instead of|rather than] the result itself{X}.",
        ),
        (
            "Computation left to the user",
            "[After fetching|Having fetched] the data, the [agent|assistant] [handed|left] the [calculation|final step] to the user: the answer is a [code snippet|script] [to run|to execute], [with no|without a] [value|figure].",
        ),
        (
            "Snippet in place of an answer",
            "{S} [returned|produced] a [code block|snippet] [that calls|calling] the [tools|API] [but never gave|and did not give] the [number|answer] asked for{X}.",
        ),
        (
            "No figure, only instructions",
            "The [final|returned] [answer|message] [tells|asks] the user to [run|execute] [a script|some code] [to get|for] the result; [no|not a single] [number|value] [from|of] the [retrieved|fetched] data [is|was] [stated|given].",
        ),
        (
            "Delegated the work back to the user",
            "{S} [delegated|pushed] the [analysis|computation] back to the user [as|in the form of] [code|a Python program]{X}.",
        ),
        (
            "Answer is a program",
            "[Instead of|Rather than] [answering|replying], the [run|agent] [wrote|emitted] a [small program|Python program] [that would|to] [fetch|query] the data [again|a second time] and [print|output] it.",
        ),
    ],
    "second_thoughts": [
        (
            "Correct answer retracted without reason",
            "{S} [gave|stated] [a|the] [result|value] and then [retracted|corrected] it [to|with] a [different|new] [value|answer] [that|which] no [tool|data] supports{X}.",
        ),
        (
            "Self-correction with an invented value",
            "The [answer|reply] [ends with|adds] [an on-second-thought|a self-correction] [remark|sentence] [that|which] [replaces|changes] the [result|figure] [with|by] a [number|value] [not found in|absent from] any tool output.",
        ),
        (
            "Contradictory final answer",
            "{S} [contradicted|went back on] [itself|its own result] [at the end of|in] the answer{X}.",
        ),
        (
            "Unfounded revision of the result",
            "[After|Following] [a|the] [correct|data-backed] [result|figure], the [agent|assistant] [claims|says] it [misread|mis-read] the data and [offers|gives] a [revised|corrected] [value|list] [with nothing behind it|that nothing supports].",
        ),
        (
            "Second-guessed its own answer",
            "{S} [second-guessed|doubted] [the|its] [retrieved|correct] [value|result] and [switched|changed] to a [made-up|fabricated] one{X}.",
        ),
        (
            "Two answers, the last one wrong",
            "The [reply|answer] [contains|holds] two [results|answers]: the [first|original] [matches|agrees with] the data, the [second|corrected] one, [stated|given] as [final|the correct answer], [does not match it|matches nothing retrieved].",
        ),
    ],
    "page_advanced_on_retry": [
        (
            "Retry requested the next page",
            "{S} [retried|resent] the failed [call|request] [with|for] the [next|following] page [instead of|rather than] the [page|one] that failed{X}.",
        ),
        (
            "Paging cursor moved on a failed request",
            "After the [first|initial] [request|call] [failed|timed out], the [retry|next attempt] [asked for|fetched] page 2, [so|and] the [first page|records of page 1] [were|was] never [retrieved|obtained].",
        ),
        (
            "Retries went to a later page",
            "{S} [incremented|advanced] the page [number|index] on [every|each] [retry|attempt]{X}.",
        ),
        (
            "Recovery skipped the data it lost",
            "The [recovery|retry] [request|call] [differed from|did not repeat] the [failed|original] one: its page [argument|parameter] [had moved on|was one higher], [so|and] it [came back empty|returned no records].",
        ),
        (
            "Wrong page after an error",
            "{S} [fetched|requested] [page 2|a later page] after [a tool error|the failure], [missing|losing] the [data|records] it needed{X}.",
        ),
        (
            "Retry with a shifted page number",
            "[Each|Every] [retry|repeat] of the [history|list] [call|request] [carried|used] a [higher|larger] page number than the [attempt|request] [before it|it replaced], [so|and] the [answer|result] [rests on|was computed from] an empty page.",
        ),
    ],
    "reads_truncated_observation": [
        (
            "Computed from a truncated tool output",
            "{S} [computed|worked out] the [answer|result] from a [truncated|cut-off] [copy|text] of the tool [output|response]{X}.",
        ),
        (
            "Only the first records of the response used",
            "The [response|tool result] [held|contained] [hundreds of|many] records, but the [agent|assistant] [used|read] only the [few|handful] [that fit|visible] in the first [600|few hundred] characters of its [log|observation].",
        ),
        (
            "Answer based on a clipped observation",
            "{S} [relied on|parsed] its [clipped|shortened] observation [string|text] [instead of|rather than] the full [response|payload]{X}.",
        ),
        (
            "Data lost to observation truncation",
            "The [logged|recorded] observation [was cut|stops] [mid-record|in the middle of the JSON], and the [agent|run] [took|treated] [what was left|the fragment] as the [whole|complete] [result|data set].",
        ),
        (
            "Partial data treated as complete",
            "{S} [treated|used] a [partial|fragmentary] [tool result|response] as if it were [complete|the whole result]{X}.",
        ),
        (
            "Counts and values from a fragment of the data",
            "The [numbers|counts] in the [answer|reply] [match|correspond to] only the [first few|opening] [rows|records] of the [retrieved|returned] data, [as if|like] the [response|payload] had been [cut short|truncated] before [use|parsing].",
        ),
    ],
    "zero_based_page": [
        (
            "Page index started at zero",
            "{S} [requested|asked for] page 0 [although|while] the [tools|API] [number|count] pages from 1{X}.",
        ),
        (
            "Paged calls rejected for page 0",
            "[Every|Each] [history|list] [call|request] [carried|sent] a page [number|argument] of 0, [and|so] the [tool|service] [rejected|refused] it [as|for being] [below its minimum|out of range].",
        ),
        (
            "Zero-based paging",
            "{S} [used|applied] zero-based [page numbers|paging] with [an API|tools] that [expect|use] one-based [ones|pages]{X}.",
        ),
        (
            "Invalid page argument",
            "The [data|paged] [requests|calls] [failed|were refused] [validation|at validation] [because|as] the page [parameter|value] was 0, [so|and] no [records|data] [came back|were returned].",
        ),
        (
            "First page requested as page zero",
            "{S} [asked|queried] for [page zero|the zeroth page] [instead of|rather than] page one{X}.",
        ),
        (
            "Out-of-range page number",
            "The [tool|service] [answered|responded] with a validation error [about|on] the page [number|field] (it must be at least 1), and the [agent|run] [gave up|ended the task] [there|without data].",
        ),
    ],
    "asks_without_candidates": [
        (
            "Clarifying question names no options",
            "{S} [asked|inquired] which one was meant without [listing|naming] the [candidates|options]{X}.",
        ),
        (
            "Vague clarification request",
            "The [agent|assistant] [found|looked up] [several|the] [matching|possible] [chillers|sensors|work orders] but its question [names none of them|gives no choices], [so|and] the user [cannot|could not] [pick|answer] [it|easily].",
        ),
        (
            "Question without choices",
            "{S} [posed|asked] a [clarifying|follow-up] question that [offers|lists] no [choices|alternatives]{X}.",
        ),
        (
            "Options withheld from the user",
            "[Although|While] the [lookup|listing] [returned|gave] the [possible|candidate] [assets|sensors|work orders], the [question|reply] [only says|merely says] there are several and [asks which one|leaves the user to guess].",
        ),
        (
            "Unhelpful clarification",
            "{S} [asked for|requested] clarification [but|yet] did not [say|state] [which|what] [options|candidates] [exist|were found]{X}.",
        ),
        (
            "Ambiguity flagged without the alternatives",
            "The [reply|answer] [flags|notes] the [ambiguity|request as ambiguous] but [does not name|omits] [the|any of the] [alternatives|candidate ids] the tools returned.",
        ),
    ],
    "retries_off_by_one": [
        (
            "Gave up after two attempts",
            "{S} [gave up|stopped retrying] after [two|a second] [attempts|failed attempts]{X}.",
        ),
        (
            "Retry budget one short",
            "The [call|request] [failed|timed out] twice and the [agent|assistant] [ended|abandoned] the task [there|at that point], [one|a single] retry short of [the data|recovering], [as if|although] its [budget|limit] were three attempts.",
        ),
        (
            "Retries stopped too early",
            "{S} [stopped|ceased] retrying [too early|one attempt too soon]{X}.",
        ),
        (
            "Transient failure not recovered",
            "[A|The] [transient|temporary] [failure|timeout] [lasted|was injected for] two [calls|attempts]; the [agent|run] [retried|tried] only once and [never|did not] [got|get] the [data|result].",
        ),
        (
            "Recovery abandoned after one retry",
            "{S} [abandoned|dropped] [recovery|the retry] after [a single|one] retry{X}.",
        ),
        (
            "Too few attempts to recover",
            "The [run|agent] [made|sent] [only|just] two attempts at the [failing|unavailable] [tool|call] and [then|then simply] [reported|said] that it kept failing.",
        ),
    ],
    "guessed_equipment_id": [
        (
            "Equipment id guessed from the asset name",
            "{S} [made up|guessed] the equipment id from the asset name [instead of|rather than] looking it up{X}.",
        ),
        (
            "Invented identifier used for work orders",
            "The work-order [query|request] [used|named] [CWC00009|an equipment id] that no [lookup|tool] returned, [composed|built] from the [asset's number|digits of the asset name].",
        ),
        (
            "Skipped the asset lookup",
            "{S} [skipped|never made] the [asset|equipment] lookup and [assumed|invented] an id{X}.",
        ),
        (
            "Fabricated equipment number",
            "The [agent|assistant] [built|formed] the equipment [number|id] [from|by padding] the [asset's|chiller's] number [with zeros|to five digits], so the [work orders|alerts] it [counted|found] [belong to no such asset|are none].",
        ),
        (
            "Wrong equipment id from a naming guess",
            "{S} [queried|called] the maintenance tools [with|for] a [guessed|pattern-made] equipment id{X}.",
        ),
        (
            "Identifier not taken from the asset record",
            "[Instead of|Rather than] [reading|taking] the equipment id from the asset [record|metadata], the [run|agent] [assumed|derived] it from the [name|label], and the [id|number] it [cites|reports] [appears|is found] in no tool output.",
        ),
    ],
    "failure_mode_fallback_first": [
        (
            "Wrong failure mode used from the mapping",
            "{S} [used|answered for] the [first|wrong] failure mode of the mapping [instead of|rather than] the one [asked about|named]{X}.",
        ),
        (
            "Named failure mode not matched",
            "The [mapping|catalog] [contained|listed] the failure mode the task [named|asked about], but the [agent|assistant] [did not match it|failed to find it] and [silently|quietly] [took|used] [another|the first one].",
        ),
        (
            "Sensors listed for another failure mode",
            "{S} [listed|recommended] sensors [belonging to|of] a different failure mode{X}.",
        ),
        (
            "Case-sensitive lookup fell back to a default",
            "The [failure-mode|mode] name [lookup|match] [compared|mixed] [lower-case|normalised] task text with [capitalised|original] catalog names, [found nothing|missed], and [fell back|defaulted] to the first [entry|mode].",
        ),
        (
            "Answered about the wrong failure mode",
            "{S} [answered|replied] about a failure mode the [user|task] did not [ask|mention]{X}.",
        ),
        (
            "Default failure mode substituted",
            "The [sensors|answer] [given|reported] [match|belong to] the mapping's first failure mode, not the [one|mode] in the question, and the [reply|answer] does not say [a substitution|a default] was made.",
        ),
    ],
    "plan_steps_as_text": [
        (
            "Plan written as strings",
            "{S} [wrote|saved] its plan as [call strings|plain text lines] [instead of|rather than] step objects{X}.",
        ),
        (
            "Result file fails the contract",
            "The result [file|JSON] [holds|carries] a plan of [strings like iot.history(...)|function-call strings], [so|and] the [runner|validator] [rejected|could not read] the [result|file].",
        ),
        (
            "Invalid plan field",
            "{S} [serialised|rendered] the plan steps as [text|strings] that the [contract|schema] does not [accept|allow]{X}.",
        ),
        (
            "Unreadable result because of the plan",
            "The [answer|result] [itself|text] [was|looked] fine, but the plan [entries|steps] [were|are] [strings|text] [where|when] objects with agent, tool and arguments [were|are] required, [so|and] [the whole result|nothing] [was|could be] scored.",
        ),
        (
            "Plan steps not structured",
            "{S} [emitted|produced] [unstructured|string] plan steps{X}.",
        ),
        (
            "Malformed result because of plan format",
            "The [runner|evaluator] [refused|failed to parse] the result [file|output]: its plan [field|list] [contains|holds] [call strings|strings], not [step records|the step objects the contract defines].",
        ),
    ],
    "horizon_from_first_number": [
        (
            "Forecast horizon taken from the asset name",
            "{S} [used|sent] the number in the asset's name as the forecast horizon{X}.",
        ),
        (
            "Forecast far shorter than asked",
            "The task [asked for|wanted] [48|96] forecast steps, but the forecasting [call|request] [asked for|carried] a horizon of [4|2|a few] steps, the [digit|number] of the [chiller|AHU] it [names|is about].",
        ),
        (
            "Wrong horizon parsed from the task",
            "{S} [parsed|picked] the [wrong|first] number of the task as the [horizon|number of steps]{X}.",
        ),
        (
            "Horizon argument does not match the request",
            "The forecast [covers|spans] only [a handful of|a few] steps [because|as] the [agent|assistant] [read|extracted] the horizon from the first number in the [question|text], [which|and that] was part of the [equipment|asset] name.",
        ),
        (
            "Forecast steps miscounted",
            "{S} [requested|ran] a forecast with [the wrong|an unrelated] number of steps{X}.",
        ),
        (
            "Statistic of a truncated forecast",
            "The [peak|mean|lowest value] [reported|given] [comes from|is computed over] a forecast [with|of] [as many steps as the asset's number|a horizon equal to the asset number], not the horizon [stated|given] in the task.",
        ),
    ],
    "sensor_names_shortened": [
        (
            "Sensor names given without the asset",
            "{S} [gave|listed] the sensor names without [the|their] asset prefix{X}.",
        ),
        (
            "Short display names instead of sensor ids",
            "The [answer|reply] [lists|names] sensors [as|like] [Supply Fan Power|Supply Temperature] [rather than|instead of] their full names [with|including] the [asset|equipment] [in front|prefix], [so|and] they [do not match|are not] the [ids|names] the tools use.",
        ),
        (
            "Truncated sensor identifiers",
            "{S} [shortened|truncated] the sensor [identifiers|names] in its answer{X}.",
        ),
        (
            "Asset prefix stripped from sensor names",
            "[Every|Each] sensor in the [answer|list] [lost|is missing] the [asset|chiller or AHU] [part|prefix] of its name, [which|so it] no longer [identifies|names] the [exact|full] sensor.",
        ),
        (
            "Sensor ids not in full",
            "{S} [did not give|omitted] the full sensor names [asked for|expected]{X}.",
        ),
        (
            "Sensor list in short form",
            "The [sensors|measurement points] [are|were] [reported|listed] by their [kind|short label] only, [not|rather than] by the [complete|full] names the [mapping|sensor list] [returned|gave].",
        ),
    ],
    "timestamp_in_target_columns": [
        (
            "Timestamp column sent as a target",
            "{S} [included|passed] the timestamp column [among|in] the target columns{X}.",
        ),
        (
            "Analysis rejected for a non-numeric target",
            "The [forecast|anomaly detection] [call|request] [listed|named] [timestamp|the time column] as a column to [model|analyse], [and|so] the [tool|service] [rejected|refused] it.",
        ),
        (
            "Wrong target columns for the model",
            "{S} [sent|passed] the [whole|full] column list as target_columns [instead of|rather than] the sensor alone{X}.",
        ),
        (
            "Dataframe columns passed as targets",
            "The [agent|assistant] [passed|handed] the [dataset's|data frame's] columns [whole|as they were], time column included, [as|for] the [targets|target list] of the [forecasting|analysis] tool, [which|and it] [failed|could not run].",
        ),
        (
            "Invalid target column argument",
            "{S} [named|gave] an invalid target column ([timestamp|the time index]){X}.",
        ),
        (
            "Forecast never produced because of its targets",
            "[No|Neither] forecast [nor|or] anomaly [result|scan] [came back|was produced]: [each|every] [request|call] [asked|wanted] the [tool|model] to [predict|score] the timestamp [as well|too].",
        ),
    ],
    "failure_mode_filters_ignored": [
        (
            "Filter of the question ignored",
            "{S} [listed|counted] all failure modes of the asset [ignoring|without] the [component|sensor] the task [named|restricted them to]{X}.",
        ),
        (
            "Whole catalog instead of the subset asked for",
            "The task [asked|wanted] only the [failure modes|modes] of [one component|the evaporator|one sensor], but the [answer|reply] [gives|covers] the [asset's|chiller's] [entire|whole] catalog.",
        ),
        (
            "Unfiltered failure-mode answer",
            "{S} [answered|replied] from the unfiltered [catalog|mapping]{X}.",
        ),
        (
            "Restriction dropped from the result",
            "[Although|While] the [agent|assistant] [made|sent] the filtered [call|request], its [answer|count] [includes|counts] [every|all] failure [mode|modes] of the asset, not [just|only] those [of the component|detected by the sensor].",
        ),
        (
            "Too many failure modes reported",
            "{S} [reported|returned] more failure modes than [match|fit] the question{X}.",
        ),
        (
            "Count or list covers the wrong scope",
            "The [number|list] of failure modes [reported|given] [matches|corresponds to] the [full|complete] [catalog|mapping] for the asset, [so|and] the [component|sensor] condition of the question [was|is] [lost|never applied].",
        ),
    ],
    "stats_over_all_columns": [
        (
            "Statistic taken over every sensor column",
            "{S} [computed|took] the [maximum|statistic] over [all|every] sensor [column|channel] of the asset [instead of|rather than] the one the [task|question] [named|asked about]{X}.",
        ),
        (
            "Whole-frame aggregate reported",
            "The history [request|call] [omitted|left out] the sensor [list|selection], and the [value|figure] in the [reply|answer] [mixes|pools] readings of [unrelated|other] [measurements|sensors] such as flows and temperatures.",
        ),
        (
            "Values of other sensors mixed in",
            "{S} [pooled|flattened] the readings of [several|many] sensors into one [list|series] before [counting|aggregating]{X}.",
        ),
        (
            "Reading count multiplied by the sensor count",
            "The [count|number] of readings [reported|given] is [many times|a multiple of] the [real|actual] one, [because|since] [every|each] [column|value] of [every|each] row was [counted|treated as a reading].",
        ),
        (
            "Wrong column used for the result",
            "{S} [read|picked] [a value|the figure] from [another|the wrong] sensor's column [although|while] the [right|requested] sensor's data was [in the response|retrieved]{X}.",
        ),
        (
            "Aggregation ignored the requested measurement",
            "[Instead of|Rather than] [restricting|limiting] the [calculation|aggregation] to the [requested|named] measurement, the [run|agent] [aggregated|summarised] the [entire|complete] [table|frame] of the asset's [telemetry|readings].",
        ),
    ],
    "model_from_memory": [
        (
            "Nonexistent model requested",
            "{S} [asked for|requested] a model the [service|tool] does not [offer|provide] [instead of|rather than] [using the default|checking the model list]{X}.",
        ),
        (
            "Model name recalled, not looked up",
            "No model was [named|specified] in the [task|request], yet the [analysis|forecasting] call [carried|included] a [well-known|popular] [checkpoint|detector] name that is not in the [catalog|model list], and the call was [rejected|refused].",
        ),
        (
            "Invented model checkpoint",
            "{S} [filled in|supplied] the model [argument|parameter] with [chronos-t5-small|isolation_forest|a public model name] that [does not exist here|is unknown to the tool]{X}.",
        ),
        (
            "Analysis blocked by an unknown model",
            "The [forecast|anomaly scan] [never ran|did not run]: the [agent|assistant] [picked|chose] a model [from memory|it had seen elsewhere] and the tool [answered|responded] [404|unknown model].",
        ),
        (
            "Model list never consulted",
            "{S} [did not consult|skipped] the [available models|model catalog] and [sent|passed] [an unsupported|an unavailable] model [identifier|id]{X}.",
        ),
        (
            "Unsupported model argument",
            "[A|The] model [argument|setting] the [task|user] never [gave|mentioned] was [added|attached] to the [call|request], [naming|pointing to] something the [service|platform] [does not serve|cannot run].",
        ),
    ],
    "over_clarifies_by_quantity": [
        (
            "Asked about a sensor that was named exactly",
            "{S} [asked|wanted to know] which sensor was meant [even though|although] the [task|request] [named|gave] the [sensor|measurement] [exactly|in full]{X}.",
        ),
        (
            "Needless clarification question",
            "The [question|request] was [clear|unambiguous]; the [agent|assistant] still [replied|answered] with a [question|list of options] [because|since] the asset has [several|other] sensors of the same [kind|type].",
        ),
        (
            "False ambiguity over the measured quantity",
            "{S} [treated|took] the [request|task] as ambiguous [whenever|because] [several|other] sensors [measure|share] the same quantity{X}.",
        ),
        (
            "Clarification instead of an answer",
            "[Rather than|Instead of] [computing|reporting] the [value|result], the [reply|answer] [lists|offers] [every|all] [temperature|flow] sensors of the [asset|unit] and asks the user to [choose|pick] one, though the [wanted|requested] one was [spelled out|given].",
        ),
        (
            "Over-eager disambiguation",
            "{S} [asked for|requested] [clarification|disambiguation] that the [task|wording] did not [need|call for]{X}.",
        ),
        (
            "Unneeded choice put back to the user",
            "The [user|operator] had [already|clearly] [specified|identified] the sensor; [asking|the question] which [one|sensor] they meant [left the task unanswered|stalled the task].",
        ),
    ],
    "ranking_reversed": [
        (
            "Ranking in the wrong direction",
            "{S} [sorted|ordered] the [candidates|results] [ascending|from low to high] [when|where] the [highest|top] one was [wanted|asked for]{X}.",
        ),
        (
            "Least relevant sensor recommended",
            "The sensor [recommended|put forward] [first|as the best] has the [lowest|smallest] relevance [score|value] in the [mapping|data], [not|rather than] the [highest|largest].",
        ),
        (
            "Opposite end of the ordering reported",
            "{S} [reported|returned] the [minimum|bottom] of the [ranking|list] as if it were the [maximum|top]{X}.",
        ),
        (
            "Lowest and highest swapped",
            "[Asked for|For] the [day|date] with the lowest [average|value], the [answer|reply] [gives|names] the [day|date] with the highest, [as if|like] the [sort|ordering] had been [flipped|inverted].",
        ),
        (
            "Inverted sort order",
            "{S} [picked|selected] the [wrong|opposite] [end|extreme] of a [sorted|ranked] [list|series]{X}.",
        ),
        (
            "Ranking read upside down",
            "The [data|values] [retrieved|returned] were [right|correct], but the [choice|selection] [made|taken] from them [came from|was taken at] the [bottom|wrong end] of the [order|ranking].",
        ),
    ],
    "asks_user_for_equipment_id": [
        (
            "Asked the user for a lookup it could do",
            "{S} asked the user for the equipment id [instead of|rather than] [looking it up|retrieving it] with the asset tools{X}.",
        ),
        (
            "Stopped to request an identifier",
            "The [run|task] ended with a [question|request] for the [asset's|unit's] equipment [id|number], [although|while] the [tools|platform] could have [provided|returned] it in one call.",
        ),
        (
            "Work-order lookup never attempted",
            "{S} [never called|did not call] [iot.get_asset|the asset lookup] and [handed|passed] the [identifier|id] question back to the [user|operator]{X}.",
        ),
        (
            "User asked for data the agent could fetch",
            "[No|Not a single] work-order or event [call|query] was made: the [assistant|agent] [wanted|waited for] the [user|operator] to [supply|tell it] the equipment [id|number] [first|before continuing].",
        ),
        (
            "Delegated a lookup to the user",
            "{S} [offloaded|pushed] a [simple|routine] [lookup|resolution] step onto the [user|operator]{X}.",
        ),
        (
            "Task abandoned for a missing id",
            "[Because|Since] the equipment [id|number] was not [in the task|stated], the [agent|model] [gave up|stopped] and [asked|requested] it, [leaving|with] the [count|question] [unanswered|open].",
        ),
    ],
    "adds_unasked_status_filter": [
        (
            "Unrequested status filter",
            "{S} [restricted|limited] the work-order [query|list] to [completed|COMP] orders, a [filter|condition] the [task|user] never [asked for|mentioned]{X}.",
        ),
        (
            "Work orders in other statuses left out",
            "The [count|list] of work orders [misses|leaves out] [closed|approved|in-progress] ones [because|since] the [call|request] [carried|sent] status=COMP.",
        ),
        (
            "Extra filter narrowed the query",
            "{S} [added|attached] a status [argument|parameter] that [narrowed|shrank] the [result|records] [below|under] what the question [covers|asks about]{X}.",
        ),
        (
            "Count too low after a status restriction",
            "[Only|Just] [completed|COMP-status] work orders were [counted|returned]; the [question|task] [asked for|wanted] [all|every] work [order|orders] of the [type|period], whatever [their|its] status.",
        ),
        (
            "Query narrower than the question",
            "{S} [narrowed|tightened] the work-order [search|query] with an [assumed|invented] status condition{X}.",
        ),
        (
            "Assumed 'completed only' in the list call",
            "The [agent|assistant] [assumed|decided] that [only|just] finished work [counts|matters] and [filtered|restricted] the [list|listing] [accordingly|that way], [dropping|losing] most of the [records|orders].",
        ),
    ],
    "fiscal_year_window": [
        (
            "Year read as a fiscal year",
            "{S} [queried|used] October to September [instead of|rather than] the calendar year the [task|question] [named|meant]{X}.",
        ),
        (
            "Work-order window shifted by a quarter",
            "The [date range|window] of the work-order [calls|queries] [starts|began] on 1 October of the [previous|prior] year and [ends|stops] on 30 September, [so|and] [three months|a quarter] of the [asked|requested] year [are missing|were left out].",
        ),
        (
            "Fiscal-year window used",
            "{S} [applied|assumed] a fiscal-year [convention|calendar] to the [date filters|period]{X}.",
        ),
        (
            "KPI computed for the wrong twelve months",
            "[The KPI|The count] [covers|spans] a twelve-month [period|window] that [does not match|differs from] the year [stated|given] in the [request|task], [mixing in|including] the [previous|prior] year's last quarter.",
        ),
        (
            "Date filters misaligned with the year",
            "{S} [sent|passed] date_from and date_to [that do not match|not matching] the [requested|named] year{X}.",
        ),
        (
            "Year boundary misplaced",
            "[January|The first of January] was not the [start|beginning] of the [window|period] [queried|used]; the [run|agent] [counted|took] the year from [October|autumn] [to|through] [September|the end of summer].",
        ),
    ],
    "failure_modes_by_type": [
        (
            "Queried the asset type, not the asset",
            "{S} [asked|queried] the failure-mode [catalog|tools] for the [generic|whole] asset type [instead of|rather than] the [specific|named] asset{X}.",
        ),
        (
            "Generic catalog instead of the unit's",
            'The failure-mode [calls|requests] [carried|used] ["chiller"|"ahu"|a type name] as the asset, [so|and] the [answer|sensor list] [comes from|reflects] the type\'s [generic|template] [catalog|mapping], [without|lacking] the unit\'s own sensor names.',
        ),
        (
            "Asset generalised to its type",
            "{S} [generalised|widened] the [asset|unit] to its [equipment class|type] in the [fmsr|failure-mode] [queries|calls]{X}.",
        ),
        (
            "Sensor names without the asset",
            "The [sensors|names] [listed|given] [are|were] the [type-level|generic] [ones|names] (\"Supply Temperature\") [instead of|not] the [unit's|asset's] [own|full] [sensor|point] names, [because|as] the [mapping|catalog] was [read|fetched] for the [type|class].",
        ),
        (
            "Wrong scope for the failure-mode lookup",
            "{S} [used|looked at] the [wrong|broader] [scope|level] when [retrieving|reading] failure modes and their sensors{X}.",
        ),
        (
            "Type-level lookup missed the asset's sensor",
            "A [sensor|point] of the [named|specific] asset could not be [found|matched] in the [mapping|failure-mode data] the [agent|assistant] [fetched|loaded], [which|since it] [belonged to|described] the asset [type|class] as a whole.",
        ),
    ],
    "json_extra_fields": [
        (
            "Unrequested keys in the JSON",
            "{S} [added|included] [keys|fields] the [task|request] did not [ask for|name] to the JSON [object|answer]{X}.",
        ),
        (
            "JSON has more members than asked",
            'The [reply|answer] [object|JSON] [carries|holds] "source" and "retrieved" [next to|besides] the [requested|expected] [fields|keys], [so|and] it [no longer|does not] [match|fit] the [asked-for|specified] shape.',
        ),
        (
            "Metadata fields appended to the answer",
            "{S} [appended|attached] [metadata|bookkeeping] [fields|members] such as the source tool to [its|the] JSON [output|reply]{X}.",
        ),
        (
            "Answer object not limited to the named keys",
            "[The task|The question] [named|listed] the [exact|precise] keys of the [object|JSON], yet the [output|answer] [contains|has] [extra|additional] ones [about|describing] where the data came from.",
        ),
        (
            "Schema drift in the JSON output",
            "{S} [returned|wrote] a JSON [object|answer] whose [keys|members] [differ from|go beyond] the [requested|given] schema{X}.",
        ),
        (
            "Distribution polluted by extra entries",
            '[Beside|Next to] the [counts|values] [asked for|requested], the [JSON|object] [gained|got] [entries|members] that are not [part of|in] the [data|result], [such as|like] a "source" key [holding|naming] a tool.',
        ),
    ],
    "clarifies_with_guessed_candidates": [
        (
            "Clarification offered made-up options",
            "{S} [asked|wanted to know] which one was meant but [offered|listed] [options|candidates] it [guessed|made up] [instead of|rather than] the ones the tools [return|list]{X}.",
        ),
        (
            "Candidates in the question do not exist",
            "The [clarifying|follow-up] question [names|mentions] Chiller 1 and Chiller 2 [although|while] the site has [neither|no such chillers]; the [agent|assistant] never [listed|looked up] the site's [assets|chillers].",
        ),
        (
            "Guessed choices in the clarifying question",
            "{S} [presented|put forward] [guessed|invented] [choices|alternatives] in [its|the] clarifying question{X}.",
        ),
        (
            "Sensor options that are not real",
            "The sensors [offered|proposed] as [options|choices] (a Supply and a Return [one|variant]) do not [appear|exist] in the asset's sensor list, [so|and] the [user|operator] [cannot|could not] [pick|choose] a real one.",
        ),
        (
            "Ungrounded candidates",
            "{S} [named|mentioned] [assets|sensors] that [no tool returned|were never observed] [when|while] asking for [clarification|disambiguation]{X}.",
        ),
        (
            "Question built on assumed names",
            "[Instead of|Rather than] [checking|looking up] what [exists|is installed], the [assistant|agent] [built|phrased] its [question|disambiguation] [around|on] [typical|assumed] [names|numbering] that [do not match|differ from] the plant.",
        ),
    ],
    "workorders_counted_from_events": [
        (
            "Work orders counted from the event log",
            "{S} [counted|tallied] work orders [from|in] the [event log|equipment events] [instead of|rather than] [listing|querying] the work orders{X}.",
        ),
        (
            "Wrong tool for the count",
            "The [count|number] [came from|was taken from] [wo.list_events|the events tool] with [event type workorder|workorder events], which [cannot|does not] [filter|distinguish] [corrective from preventive|by work type], so [every|all] order of the year was [counted|included].",
        ),
        (
            "Event records used as work orders",
            "{S} [treated|used] [event|log] records as [a substitute for|if they were] the work-order [list|records]{X}.",
        ),
        (
            "Work type ignored by the chosen tool",
            "[Asked|When asked] for [preventive|corrective] work orders, the [agent|assistant] [went to|used] a tool that [knows|has] no work type, [and|so] the [figure|total] [includes|covers] [orders of every type|all kinds of orders].",
        ),
        (
            "Unsuitable tool chosen",
            "{S} [chose|picked] a tool that [cannot|does not] answer the question [as asked|precisely]{X}.",
        ),
        (
            "Work-order list tool never used",
            "wo.list_workorders was never [called|used]; the [answer|total] [rests|relies] on the [event|activity] [history|log] of the equipment, which [overcounts|counts more than] the [requested|asked] kind of [order|work].",
        ),
    ],
    "declines_long_windows": [
        (
            "Declined a multi-day window",
            "{S} [refused|declined] to [fetch|retrieve] a [window|period] longer than a day and asked for a shorter one{X}.",
        ),
        (
            "Self-imposed data limit",
            "The [agent|assistant] [said|claimed] the [period|window] held [too much data|more data than it could handle] and [stopped|ended] [before|without] [any|a single] history [call|request], [asking|telling] the user to [narrow|shorten] it.",
        ),
        (
            "Refused to process the requested period",
            "{S} [gave up|stopped] on the [task|request] [because|since] the [time window|date range] [spanned|covered] [several days|more than a day]{X}.",
        ),
        (
            "Request pushed back to the user",
            "[Instead of|Rather than] [paging|retrieving] the [data|readings], the [reply|answer] [asks|requests] a [shorter|smaller] [window|range] of one day at most, [so|and] [nothing|no result] was [computed|delivered].",
        ),
        (
            "Stopped without retrieving telemetry",
            "{S} [ended|closed] the [run|task] [without|before] [retrieving|querying] the [telemetry|readings] the [question|task] [needed|required]{X}.",
        ),
        (
            "Window length treated as a blocker",
            "A [week|two weeks] of [readings|data] is [well|easily] within what the [tools|service] [return|serve], yet the [agent|model] [treated|took] the [length|size] of the [window|period] as a [reason|cause] to [stop|decline].",
        ),
    ],
    # sixteenth-round fresh defects (half "fresh15"): written by another
    # independent author who has not read the detectors, before the
    # sixteenth round was measured
    "equipment_id_as_integer": [
        (
            "Leading zeros stripped from the equipment id",
            "{S} [sent|passed] the equipment id [without|minus] its leading zeros (CWC4003 [for|instead of] CWC04003){X}.",
        ),
        (
            "Equipment identifier treated as a number",
            "The [numeric|digit] part of the [equipment|asset] [identifier|code] was [converted to|parsed as] an integer and [written back|re-serialised], so the work-order [service|tools] [could not find|did not recognise] the [unit|equipment].",
        ),
        (
            "Malformed equipment id in work-order queries",
            "{S} [queried|called] the [maintenance|work-order] tools with an equipment id [in a shape|in a form] that [no asset has|matches no asset]{X}.",
        ),
        (
            "Unknown equipment after id normalisation",
            "[Every|Each] [event|work-order] [request|lookup] [came back|returned] [unknown equipment|404]: the [identifier|id] had lost [the zeros|its zero padding] that [are part of|belong to] it.",
        ),
        (
            "Identifier padding lost",
            "{S} [normalised|reformatted] an identifier that must be [kept verbatim|used exactly as listed], [breaking|spoiling] the [lookup|query]{X}.",
        ),
        (
            "Id shortened by integer conversion",
            "[An|The] id such as AHU05002 [became|turned into] AHU5002 [on its way to|before it reached] the [tool|API], [as if|like] it had [passed through|gone through] a [numeric|number] [field|column].",
        ),
    ],
    "forecast_joined_to_history": [
        (
            "Statistic computed over history plus forecast",
            "{S} [computed|took] the [forecast|predicted] [mean|minimum|peak] over the [training data|input series] and the forecast [together|combined]{X}.",
        ),
        (
            "Input series mixed into the forecast summary",
            "The [reported|stated] [figure|value] [blends|mixes] [observed|past] readings with [predicted|forecast] steps; only the [forecast|predicted horizon] should have been [summarised|aggregated].",
        ),
        (
            "Forecast concatenated with its context",
            "{S} [appended|concatenated] the [predictions|forecast values] to the [history|context window] and [aggregated|summarised] the [whole|entire] [array|series]{X}.",
        ),
        (
            "Past readings counted as forecast steps",
            "[The number of|How many] forecast steps the [answer|reply] [mentions|cites] [far exceeds|is much larger than] the horizon [asked for|requested], [because|since] the [history|observed data] was [counted|included] [as well|too].",
        ),
        (
            "Wrong series summarised after forecasting",
            "{S} [summarised|aggregated] [more than|something other than] the forecast [output|result] [when|while] answering the question about [it|the prediction]{X}.",
        ),
        (
            "Peak taken from observed data",
            "[The|A] [peak|lowest value] [attributed to|reported for] the forecast [actually|in fact] [comes from|belongs to] the [training window|readings fed to the model], [which|and this] [changes|flips] the [threshold verdict|result].",
        ),
    ],
    "smooths_series": [
        (
            "Readings smoothed before answering",
            "{S} [applied a rolling mean to|ran a moving average over] the [readings|series] [before|prior to] [computing|reporting] the [result|value]{X}.",
        ),
        (
            "Moving average replaced the raw data",
            "[No|Nothing in the] [task|question] [asked for|called for] smoothing, yet the [maximum|reading|count] [reported|given] [comes from|was taken from] a four-reading moving average [rather than|instead of] the [raw|actual] [measurements|values].",
        ),
        (
            "Unrequested smoothing",
            "{S} [preprocessed|filtered] the telemetry with a [smoothing|averaging] window nobody [requested|asked for]{X}.",
        ),
        (
            "Peak flattened by averaging",
            "[Averaging|Smoothing] [neighbouring|adjacent] readings [lowered|flattened] the [peak|extreme], [and|so] the [daily|reported] maximum is [below|smaller than] the [highest|largest] [value|reading] [actually recorded|the sensor logged].",
        ),
        (
            "Series altered before the calculation",
            "{S} [changed|transformed] the [retrieved|returned] series [before|ahead of] the [calculation|statistic]{X}.",
        ),
        (
            "First readings lost to the rolling window",
            "[The first few|Three] readings of the window [vanished|were lost] [because|as] the [rolling|moving] window [had not filled|was incomplete] there, so the [count|reading at the requested instant] [is missing|comes out wrong].",
        ),
    ],
    "asks_permission_for_models": [
        (
            "Asked for permission to run the model",
            "{S} [stopped|paused] [to ask|and asked] whether it [may|should] run the [forecast|anomaly detection|model] [instead of|rather than] running it{X}.",
        ),
        (
            "Analysis step never executed",
            "The [telemetry|data] was [retrieved|fetched], but the [forecasting|anomaly] tool was never [called|invoked]: the [reply|answer] is a request for [confirmation|approval] to [continue|go ahead].",
        ),
        (
            "Needless confirmation before analysis",
            "{S} [requested|sought] [approval|sign-off] for a [routine|standard] [analysis|model run] the [task|user] had [already|explicitly] asked for{X}.",
        ),
        (
            "Run ended on a permission question",
            "[Instead of|Rather than] a [number|result], the [run|assistant] [closed|ended] with [a question|asking] [whether|if] the [compute-intensive|costly] step [should|may] [proceed|be run].",
        ),
        (
            "Did not finish the requested analysis",
            "{S} [halted|ended] [before|without] the [modelling|analysis] step the [question|request] [depends on|needs]{X}.",
        ),
        (
            "Cost concern blocked the task",
            "A [perceived|supposed] [cost|compute] [concern|worry] [made|led] the [agent|model] [hand back|return] the [decision|choice] to the [user|operator], [leaving|with] the [forecast|scan] [unrun|not run].",
        ),
    ],
    "clarifies_the_wrong_detail": [
        (
            "Clarified the wrong aspect",
            "{S} [asked|wanted to know] which [statistic|figure|time] was meant [while|when] the [real|actual] ambiguity was which [asset|sensor|work order] to [use|look at]{X}.",
        ),
        (
            "Question misses the actual ambiguity",
            "The [follow-up|clarifying] question [concerns|is about] [average versus maximum|an instant versus an hourly mean|status versus failure code]; it never [asks|mentions] which of the [candidates|several units] the [user|operator] [meant|had in mind].",
        ),
        (
            "Disambiguated the wrong parameter",
            "{S} [sought|requested] [clarification|a choice] on a [parameter|detail] that was not [unclear|in doubt]{X}.",
        ),
        (
            "Candidates found but not offered",
            "[Although|Even though] the [agent|assistant] [listed|looked up] [the site's chillers|the matching sensors|the work orders of the month], its question [offers|names] [none of them|no candidate] and [asks|inquires] about something else.",
        ),
        (
            "Misidentified what was unclear",
            "{S} [misjudged|misread] [which part|what] of the request was ambiguous{X}.",
        ),
        (
            "Irrelevant follow-up question",
            "[Answering|Replying to] the [question|follow-up] would not [settle|resolve] the [request|task]: the [user|operator] would still have to [say|state] which [unit|sensor|order] they [meant|were asking about].",
        ),
    ],
    "sensors_by_name_similarity": [
        (
            "Relevance judged by name overlap",
            "{S} [chose|ranked] sensors [by|according to] the words their names share with the failure mode [instead of|rather than] the [relevance mapping|failure-mode sensor mapping]{X}.",
        ),
        (
            "Failure-mode mapping never consulted",
            "[No|Not a single] [call|request] to the [sensor mapping|failure-mode-to-sensor tool] was made; the [list|answer] [rests|is based] on [keyword|word] matches between [failure-mode|mode] names and sensor names.",
        ),
        (
            "Keyword heuristic instead of domain data",
            "{S} [guessed|inferred] which [sensors|failure modes] [belong together|are related] from [wording|their names] alone{X}.",
        ),
        (
            "Wrong sensor picked by a shared word",
            "The [recommended|chosen] sensor [merely|only] [shares|has] a word such as 'supply' or 'condenser' with the failure mode, [while|whereas] the [mapping|catalog] [ranks|rates] [another|a different] sensor [highest|as most relevant].",
        ),
        (
            "String matching used for a relevance question",
            "{S} [answered|handled] a [relevance|detection] question [with|by] [string|text] matching [where|when] a [dedicated|purpose-built] tool [existed|was available]{X}.",
        ),
        (
            "Failure modes listed for their wording",
            "[Many|Several] failure modes in the [answer|list] [cannot|are not able to] be [detected|seen] by the sensor; they [appear|were included] [only|just] [because|since] their [names|descriptions] [mention|contain] [water|temperature|condenser].",
        ),
    ],
    "claims_no_access_to_work_orders": [
        (
            "Claimed to lack work-order access",
            "{S} [said|stated] it [had no access|could not connect] to the [work-order|maintenance] system although those tools [were available|are part of its toolset]{X}.",
        ),
        (
            "Maintenance records never queried",
            "The [reply|answer] [refers|sends] the [user|operator] to the maintenance team; [no|not one] work-order, event or KPI [call|request] was [attempted|tried] [first|beforehand].",
        ),
        (
            "False belief about available tools",
            "{S} [wrongly|mistakenly] [believed|assumed] a [tool family|set of tools] was [out of reach|unavailable] and [declined|refused] the [task|request]{X}.",
        ),
        (
            "Refused without trying the tools",
            "[Without|Before] a [single|first] [attempt|try], the [agent|assistant] [declared|announced] that the maintenance [records|history] [were|was] [inaccessible|beyond its reach], [so|and] the [count|question] [stayed|remained] [unanswered|open].",
        ),
        (
            "Gave up on an answerable maintenance question",
            "{S} [abandoned|dropped] a [maintenance|work-order] question it [could|was able to] answer with its [tools|own tools]{X}.",
        ),
        (
            "Capability misjudged",
            "[The run|Its answer] [shows|reveals] a [misunderstanding|misjudgement] of what the [agent|assistant] [can|is able to] do: [the|its] work-order [functions|endpoints] [exist|work] but were [treated|regarded] as [missing|unavailable].",
        ),
    ],
    "false_alarm_as_percent": [
        (
            "False-alarm rate sent as a percentage",
            "{S} [passed|sent] the false-alarm rate [as a percentage|in percent] ([1 for 1 %|0.1 for 0.001]) [where|while] the tool [expects|takes] a fraction{X}.",
        ),
        (
            "Anomaly scan rejected for its false-alarm value",
            "The [anomaly|detection] [call|request] [carried|used] false_alarm=1, [outside|beyond] the [allowed|valid] range, [and|so] the [tool|service] [rejected|refused] it [before|without] [scanning|analysing] anything.",
        ),
        (
            "Scaling error in a detection parameter",
            "{S} [multiplied|scaled] a [detection|model] [parameter|setting] by a hundred [before|when] [sending|passing] it{X}.",
        ),
        (
            "Detector run a hundred times looser",
            "[With|Given] [a|the] [rate|false-alarm setting] of 0.1 [instead of|in place of] 0.001, the [scan|detector] [flagged|reported] [far more|many more] windows than the [requested|specified] [setting|sensitivity] [would|should] [give|yield].",
        ),
        (
            "Units of a tool argument confused",
            "{S} [confused|mixed up] [percent and fraction|the unit] of [an argument|a parameter] of the [anomaly|analysis] tool{X}.",
        ),
        (
            "Default sensitivity written in the wrong unit",
            "[Even|Also] [when|where] the [task|user] [gave|named] no [rate|sensitivity], the [agent|assistant] [supplied|added] one, [in percent|as a percentage], that [the tool|the API] [cannot|does not] accept.",
        ),
    ],
    "last_page_skipped": [
        (
            "Last page of results never fetched",
            "{S} [paged|iterated] through the [history|readings] but [stopped|quit] one page [short|early], [never|without] [fetching|reading] the last one{X}.",
        ),
        (
            "Off-by-one page loop",
            "The paging loop [ran|went] to total_pages [exclusive|minus one]; [readings|observations] on the [final|last] page were [missing|absent] from the [computation|calculation] [although|while] the [response|tool] [reported|announced] [more|them].",
        ),
        (
            "Partial series treated as complete",
            "{S} [computed|answered] from [part|only part] of the [window|series] as if [it had everything|the data were complete]{X}.",
        ),
        (
            "Count short by a page of readings",
            "[The|Its] [count|number] of readings [falls short of|is below] the total_observations the [tool|history call] [stated|returned], [by|missing] [one|a whole] page [worth|of readings].",
        ),
        (
            "Incomplete paging",
            "{S} did not [retrieve|collect] [every|all] page of a [paged|multi-page] result [before|ahead of] [answering|computing]{X}.",
        ),
        (
            "Maximum missed on the unread page",
            "[The day's|The window's] [highest|maximum] [reading|value] [lay|sat] on the page the [agent|loop] never [requested|asked for], so the [reported|stated] maximum is [lower|too low] [and|yet] [stated|presented] [with confidence|as final].",
        ),
    ],
    "asset_regex_one_digit": [
        (
            "Asset number cut to one digit",
            "{S} [read|parsed] the asset name [with only|keeping only] its first digit ([Chiller 1 for Chiller 13|CQPA AHU 2 for CQPA AHU 2B]){X}.",
        ),
        (
            "Name parser dropped part of the asset",
            "The [pattern|regular expression] [used|applied] to [find|extract] the asset [matched|captured] [a single digit|one digit] and [no|not the] [letter|suffix], [so|and] a [different|nonexistent] [unit|asset] was [queried|requested].",
        ),
        (
            "Wrong asset from a parsing error",
            "{S} [extracted|took] the [wrong|an incomplete] asset [identifier|name] from the [task|request] [text|wording]{X}.",
        ),
        (
            "Truncated asset name sent to the tools",
            "[Tools|Calls] [received|got] [Chiller 1|CQPA AHU 2] [where|when] the [user|task] [wrote|named] [Chiller 14|Chiller 13|CQPA AHU 2B]; the [lookup|sensor list] [failed|belongs to another unit].",
        ),
        (
            "Asset misidentified",
            "{S} [ended up|wound up] [working on|looking at] an asset [other than|different from] the one [named|mentioned]{X}.",
        ),
        (
            "Multi-digit and suffixed names misread",
            "[Only|Just] assets with a [one-digit|single-digit] number and no [suffix|letter] were [read|recognised] [correctly|right]; [two-digit|double-digit] [chillers|units] and [lettered|suffixed] AHUs [went wrong|were confused].",
        ),
    ],
    "escalates_errors_to_operator": [
        (
            "Escalated a transient error to the operator",
            "{S} [asked the operator|turned to the operator to ask] how to proceed [after|when] a [call|request] [failed|timed out] [instead of|rather than] [retrying|trying again]{X}.",
        ),
        (
            "Human asked to handle a tool failure",
            "[A|One] [temporary|transient] [outage|error] [prompted|triggered] a question to the [user|operator]; the [reply|answer] said [to continue|to proceed], yet the [agent|assistant] [stopped|ended] [waiting for|asking for] instructions.",
        ),
        (
            "No retry, only escalation",
            "{S} [handed|passed] a [recoverable|retryable] failure to a human [without|and never made] a [second attempt|retry]{X}.",
        ),
        (
            "Operator guidance did not recover the data",
            "[Asking|Consulting] the operator [brought|produced] no [data|readings]: the [missing|failed] [result|call] was [never|not] [requested|sent] again, [so|and] the [task|question] [ends|closed] [without|with no] [an answer|a result].",
        ),
        (
            "Ineffective escalation",
            "{S} [relied on|leaned on] [escalation|the operator] as its [only|sole] [recovery|error handling] step{X}.",
        ),
        (
            "Waited for instructions after an error",
            "[The|Its] [final|closing] [message|answer] [quotes|repeats] the operator's [reply|response] and [promises|says] to [wait|await further instructions]; the [failed|broken] [request|step] was [simply|just] [abandoned|left].",
        ),
    ],
    "retry_drops_run_token": [
        (
            "Retries sent without authentication",
            "{S} [retried|resent] the failed [call|request] without the run-token header, [so|and] [every|each] retry was [refused|rejected] [as unauthorised|with 401]{X}.",
        ),
        (
            "Credentials lost on the retry path",
            "[Only|Just] the first attempt [carried|had] the X-Run-Token; the [retry|second attempt] [came back|returned] 401 [unknown run token|unauthorised], [and|so] the [data|result] was never [obtained|recovered].",
        ),
        (
            "Broken retry request",
            "{S} [built|constructed] its retry [requests|calls] [differently from|unlike] the [original|first] one, [missing|without] a [required|mandatory] header{X}.",
        ),
        (
            "Transient failure turned into an authorisation error",
            "A [timeout|server error] that a [plain|simple] retry would have [fixed|cured] [ended|finished] the [run|task] as [a 401|an authorisation failure], [because|since] the [retry|resent request] [lacked|was missing] the [token|credentials].",
        ),
        (
            "Retry failed for a new reason",
            "{S} [retried|tried again], but the [retry|new attempt] [failed|was rejected] for a reason of its own [making|doing]{X}.",
        ),
        (
            "Unauthorised retries in the trajectory",
            "[The|Its] trajectory [shows|lists] retries [answered|met] with HTTP 401 that the [server's|service's] [run log|call log] [does not|never] [attribute|credit] to the run; the [missing|failed] [data|call] was [never|not] [recovered|fetched].",
        ),
    ],
    # seventeenth-round fresh defects (half "fresh16"): written by another
    # independent author who has not read the detectors, before the
    # seventeenth round was measured
    "invents_count_tool": [
        (
            "Called a counting tool that does not exist",
            "{S} [invoked|called] a [made-up|non-existent] tool such as wo.count_workorders [to get|for] the count instead of [listing the records|using the catalog's list tool]{X}.",
        ),
        (
            "Hallucinated tool name",
            "The [tool name|endpoint] in the [request|call] is not [part of|listed in] the tool catalog; the [service|API] answered 404 and [nothing was counted|no count was ever obtained].",
        ),
        (
            "Unknown tool requested for a count",
            "{S} [guessed|assumed] a [dedicated|convenience] counting [endpoint|tool] [existed|was available] and [stopped|ended the task] when it was [refused|rejected]{X}.",
        ),
        (
            "Count question routed to an imaginary API",
            "[Asked|When asked] how many [readings|alerts|failure modes|anomalous windows] there were, the [agent|assistant] [reached for|tried] a tool [named after|called after] the quantity, which the [plant's|arena's] catalog [does not offer|lacks], [instead of|rather than] counting what the real [list|data] tool returns.",
        ),
        (
            "404 from an invented tool",
            "{S} [ended|finished] with a 404 [refusal|error] for a tool it [made up|invented], [never calling|without ever trying] the [tool|function] that [holds|returns] the records{X}.",
        ),
        (
            "Plan step names a non-existent tool",
            "[The|Its] plan [contains|lists] a step for a [count_*|counting] tool that the [catalog|tool list] does not [define|contain], so the [step|plan] could not [run|be executed] and the [count|number] was [never produced|not produced].",
        ),
    ],
    "leading_question": [
        (
            "Leading yes/no clarification",
            "{S} [asked|put] a yes/no question about [one|a single] candidate (Did you mean Chiller 3?) [instead of|rather than] [listing|naming] the [options|candidates] it had found{X}.",
        ),
        (
            "Clarifying question presupposes an answer",
            "[Faced with|Given] an ambiguous request the [agent|assistant] [proposed|suggested] [just|only] the first [match|candidate] as [the likely|its guessed] meaning, [leaving out|omitting] the other [assets|sensors|work orders] [the user could have meant|that fit].",
        ),
        (
            "Only one candidate offered",
            "{S} [looked up|retrieved] [every candidate|all the candidates] but [offered|mentioned] [only one|just one] of them in its [question|reply]{X}.",
        ),
        (
            "Confirmation question instead of a choice",
            "[Rather than|Instead of] [asking which one was meant|letting the user choose], the [reply|answer] [asks the user to confirm|seeks confirmation of] a [guess|first pick], [so|and] the [user|operator] [never sees|is not shown] the [alternatives|other options].",
        ),
        (
            "Biased disambiguation",
            "{S} [steered|nudged] the user toward [the first|one] [asset|sensor|work order] [when|while] [disambiguating|clarifying]{X}.",
        ),
        (
            "Candidate list withheld",
            "The [question|clarification] [hides|withholds] the [list of|set of] [matching|possible] [chillers|sensors|work orders] and [asks|requests] a [yes or no|simple yes/no] [about|on] the first [one|entry], [which|a question that] [does not|cannot] [resolve|settle] the ambiguity.",
        ),
    ],
    "anomalies_from_event_log": [
        (
            "Anomaly count taken from the event log",
            "{S} [counted|reported] the anomaly events [logged|recorded] in the [maintenance|work-order] system [instead of|rather than] running anomaly detection on the [telemetry|sensor data]{X}.",
        ),
        (
            "Detector never run",
            "[No|Not a single] anomaly [scan|detection] [call|run] [appears|was made]; the [reported|stated] number of anomalous windows [comes from|is] the count of [logged|recorded] anomaly events [for the equipment|of the equipment id].",
        ),
        (
            "Logged events mistaken for detected anomalies",
            "{S} [treated|took] [alarm-log|event-log] entries as [the output of|equivalent to] an anomaly [model|scan]{X}.",
        ),
        (
            "Wrong source for the anomaly question",
            "[The|This] question [asked for|called for] an anomaly [scan|analysis] of the [sensor's|named sensor's] [readings|series], [but|yet] the [agent|assistant] [queried|listed] the work-order events [of type anomaly|tagged as anomalies] and [reported|gave] their [number|count].",
        ),
        (
            "Telemetry analysis skipped",
            "{S} [skipped|bypassed] the [time-series|telemetry] analysis and [answered|replied] from [maintenance|historical] records{X}.",
        ),
        (
            "Anomalies looked up instead of computed",
            "[Instead of|Rather than] [computing|detecting] [anomalous windows|anomalies] [from|over] the [requested|given] [period|window] of data, the [agent|model] [looked them up|fetched them] [in|from] the event [history|log], which [records|holds] a different [thing|set of events].",
        ),
    ],
    "assumes_cutoff_date": [
        (
            "Refused a past date as the future",
            "{S} [declined|refused] the task [because|claiming] the date [lies|was] in the future, [although|while] the plant's clock [is later|had already passed it]{X}.",
        ),
        (
            "Assumed today is its training cutoff",
            "The [agent|assistant] [never checked|did not ask] the [current date|simulated clock] and [assumed|took] [today|the present] to be [the start of 2020|its knowledge cutoff], so [requests|questions] about [2020|later] [data|dates] were [rejected|turned down].",
        ),
        (
            "Wrong notion of the current date",
            "{S} [reasoned|argued] that no [data|readings] could exist [yet|so far] for the [requested|given] [date|period]{X}.",
        ),
        (
            "Clock tool not consulted",
            "[A|The] [utilities.current_date_time|date-and-time] tool was [available|at hand] but [never called|not used]; [instead|rather] the [agent|model] [relied on|used] its own [belief|assumption] about the date and [stopped|gave up] [before|without] [querying|fetching] [anything|any data].",
        ),
        (
            "Valid historical request declined",
            "{S} [turned down|rejected] a [legitimate|valid] request about [recorded|historical] data [as premature|as impossible]{X}.",
        ),
        (
            "No data retrieved because of a date belief",
            "[Every|Each] [question|task] [mentioning|naming] a [day|month] after [its cutoff|the end of 2019] [ended|finished] with [an explanation|a note] that the [period|date] had not happened yet, [with no|without any] tool [call|query] [made|sent].",
        ),
    ],
    "tool_call_object_as_body": [
        (
            "Tool-call wrapper sent as the request body",
            "{S} [posted|sent] the [whole|entire] function-call object (a name and its arguments) to the tool [instead of|rather than] [its arguments|the arguments alone]{X}.",
        ),
        (
            "Every call rejected for unknown fields",
            "[All|Every one of the] [requests|tool calls] [came back|failed with] 422 [because|since] the body [carried|held] [name and arguments keys|a name and an arguments field] the [tool|schema] does not [accept|know].",
        ),
        (
            "Malformed request envelope",
            "{S} [wrapped|nested] the [parameters|arguments] [one level too deep|inside an extra object] when [calling|invoking] the [tools|API]{X}.",
        ),
        (
            "Arguments never reached the tool",
            "The [site, asset and window|actual parameters] [were|sat] [inside|under] an 'arguments' [member|key], so the [service|tool] [saw|received] [none of them|only unknown fields] and [validation failed|refused the call] [on every call|each time].",
        ),
        (
            "Request schema violated on every call",
            "{S} [did not|failed to] [unwrap|strip] the [LLM's|model's] tool-call [structure|format] before [sending|dispatching] it{X}.",
        ),
        (
            "Integration bug between model output and HTTP client",
            "[The|Its] [client|glue code] [forwarded|passed on] the [model's|LLM's] tool call [verbatim|as is] [as the|for the] [POST|request] body, [so|and] no [tool|call] [succeeded|returned data] [during the run|in the whole run].",
        ),
    ],
    "rejects_values_as_implausible": [
        (
            "Valid readings rejected as implausible",
            "{S} [declared|called] the sensor [faulty|broken] [because|as] its [readings|values] [fell outside|exceeded] a [metric|Celsius] plausibility range{X}.",
        ),
        (
            "Unit of the sensor ignored in a sanity check",
            "The [sensor|series] [reports|is in] degF [or|and] gpm, yet the [agent|assistant] [checked|judged] the values against [ranges|limits] for [degrees Celsius|°C] and [litres per second|L/s] and [refused to answer|withheld the result].",
        ),
        (
            "Over-strict data validation",
            "{S} [refused|declined] to report [a result|the value] after [a range check|a validation step] [flagged|marked] [normal|ordinary] data as [impossible|out of range]{X}.",
        ),
        (
            "Healthy sensor reported as miscalibrated",
            "[Readings|Values] [such as|like] 75 [degF|degrees] or 1500 gpm are [normal|typical] for this [plant|equipment], but the [answer|reply] [calls|labels] them [physically implausible|impossible] and [recommends|asks for] a sensor check [instead of|rather than] [answering|the requested figure].",
        ),
        (
            "Answer withheld on a false data-quality alarm",
            "{S} [raised|issued] a [data-quality|sensor-fault] [warning|alarm] that the data does not [support|justify] and [gave|provided] no [number|result]{X}.",
        ),
        (
            "Plausibility limits in the wrong unit",
            "[The|Its] [limits|thresholds] [assume|presume] [metric|SI] units [that|which] the [plant's|site's] [telemetry|sensors] [do not use|never use], so [most|nearly all] [readings|values] [look|appear] [out of range|implausible] and the task [is abandoned|goes unanswered].",
        ),
    ],
    "codes_as_labels": [
        (
            "Codes replaced by their labels",
            "{S} [wrote|gave] [descriptions|human-readable labels] [where|in place of] the [codes|identifiers] the task asked for (Closed for CLOSE, Medium for priority 3){X}.",
        ),
        (
            "Ids swapped for names in the answer",
            "The [list|answer] [contains|gives] the [alert rules'|rules'] [names|titles] and the [failure codes'|codes'] descriptions [rather than|instead of] their [ids|codes], so [it does not|the result cannot] [match|be matched against] the [expected|requested] identifiers.",
        ),
        (
            "Enumerated values spelled out",
            "{S} [translated|expanded] [status|work-type|priority] [codes|values] into [prose|words] in a [JSON|structured] answer{X}.",
        ),
        (
            "JSON keys are descriptions, not codes",
            "[The|Its] [summary|distribution] [object|JSON] is keyed by [what each failure code means|the code descriptions] [instead of|rather than] [the codes themselves|MT013 and the like], [which|and this] [breaks|defeats] the [requested|asked-for] [structure|mapping].",
        ),
        (
            "Display labels instead of raw values",
            "{S} [returned|answered with] [display|user-facing] [labels|text] [for|of] [fields|values] that were [asked for|requested] as [raw|stored] [codes|values]{X}.",
        ),
        (
            "Over-friendly rendering of identifiers",
            "[Trying|In an effort] to be [readable|helpful], the [agent|assistant] [rendered|rewrote] every [code|identifier] as [its meaning|a label] (PM as Preventive maintenance, a rule id as its title), [losing|dropping] the [values|ids] the [question|task] [needed|wanted].",
        ),
    ],
    "retries_previous_call": [
        (
            "Retry replayed the wrong call",
            "{S} [retried|re-sent] the call made before the failed one [instead of|rather than] the failed call itself{X}.",
        ),
        (
            "Off-by-one in the retry history",
            "[When|After] a [request|call] [failed|timed out|came back empty], the [retry|second attempt] [repeated|replayed] the [previous|earlier] [step|request] ([the sensor lookup|the history query]), and its [response|result] was [used as|taken for] the [missing|failed] [data|result].",
        ),
        (
            "Failed call never recovered",
            "{S} [never|did not] [repeat|re-issue] the [failing|failed] [request|call], so the [data|result] it [needed|required] was never [obtained|retrieved]{X}.",
        ),
        (
            "Answer computed from another call's response",
            "[The|Its] [final|reported] [figure|answer] [was derived|comes] from the [response|payload] of a different [tool call|request] (the [lookup|history call] before it), [which|and it] [reads|shows] as [zero readings|an empty forecast|no data].",
        ),
        (
            "Retries target the wrong request",
            "{S} [aimed|directed] its retries at [a previous|an earlier] [request|call] [and|then] [reported|presented] the [outcome|result] as if the [failed|original] [call|request] had [succeeded|come back]{X}.",
        ),
        (
            "Trajectory misattributes observations",
            "[The|Its] trajectory [credits|attributes] the [replayed|repeated] [earlier|previous] call's [observation|output] to the [failed|retried] [tool|call], [while|whereas] the [server's|service's] log [shows|records] [a different|the earlier] tool [answering|being called].",
        ),
    ],
    "legacy_field_names": [
        (
            "Response fields read under outdated names",
            "{S} [read|parsed] the [response|result] with [field names|keys] from an [older|previous] API version (count [instead of|for] total){X}.",
        ),
        (
            "Missing field defaulted to zero",
            "[Because|As] the [key|field] it [looked for|expected] [does not exist|is absent] in the [current|returned] [response|payload], the [agent|parser] [silently|quietly] [used|fell back to] 0 and [reported|stated] [zero|a count of 0].",
        ),
        (
            "Schema drift in the result parser",
            "{S} [relied on|used] a [result|response] [schema|format] the tools no longer [return|follow]{X}.",
        ),
        (
            "Count present in the data but reported as 0",
            "The [tool|service] [returned|gave] the [total|number of windows|KPI] [correctly|in its response], [yet|but] the [answer|reply] [states|gives] 0 [because|since] [it was read|the value was looked up] under [another|an old] [name|key].",
        ),
        (
            "Stale API field mapping",
            "{S} [mapped|translated] the [response|result] through an [outdated|obsolete] [field table|key mapping] [before|ahead of] [answering|computing the answer]{X}.",
        ),
        (
            "Zero from a renamed field",
            "[Values|Figures] such as the [work-order total|anomalous-window count|mean response time] [come out as|become] 0: the [parser|code] [asks for|reads] [anomaly_count|mean_response_time|count], [names|keys] the [current|present] tools [do not use|have dropped].",
        ),
    ],
    "ignores_single_point_anomalies": [
        (
            "Single-reading anomalies discarded",
            "{S} [discarded|filtered out] every anomalous window [made of|consisting of] a single reading as noise before [counting|reporting]{X}.",
        ),
        (
            "Unrequested noise filter on the detector output",
            "[Nothing in|No part of] the [task|request] [asked for|called for] a minimum [window length|duration], yet [one-point|one-reading] windows the [detector|scan] [flagged|returned] were [removed|dropped], [lowering|reducing] the [count|number of windows] [to zero|below the detector's].",
        ),
        (
            "Detected anomalies thrown away",
            "{S} [threw away|dismissed] [anomalies|windows] the [model|scan] [found|reported], [judging|deeming] them too short to [matter|count]{X}.",
        ),
        (
            "Anomaly verdict flipped by post-filtering",
            "[Since|Because] every [flagged|detected] window was [only|just] one [point|reading] long, the [post-processing|clean-up step] [left nothing|removed all of them] and the [answer|reply] [says|claims] the series [behaved normally|had no anomalies].",
        ),
        (
            "Scan result altered before answering",
            "{S} [changed|edited] the anomaly scan's [result|output] [according to|with] a [rule|threshold] of its own{X}.",
        ),
        (
            "Window count under-reported",
            "The [reported|stated] number of anomalous windows is [smaller than|below] the [total_windows|window count] the [tool|scan] [gave|returned], [because|since] [isolated|single-point] [spikes|detections] were [ignored|excluded] as [glitches|sensor noise].",
        ),
    ],
    "analyses_the_preview": [
        (
            "Analysis run on the preview dataset",
            "{S} [ran|sent] the [forecast|anomaly scan] on the dataset id of a [small|one-day] preview [instead of|rather than] the dataset of the [requested|full] window{X}.",
        ),
        (
            "Stale dataset id reused",
            "[A|The] [preview|sample] [query|history call] of the first day [set|stored] the dataset id, and the [variable|value] was [never updated|not refreshed] [after|when] the [full|window's] history [arrived|came back], so the [model|analysis] [saw|used] [one day|a single day] of data.",
        ),
        (
            "Model trained on too little data",
            "{S} [trained|fitted] the [model|forecast] on [a fraction|a small part] of the [period|window] the task [named|gave]{X}.",
        ),
        (
            "Full-window history fetched but not analysed",
            "[Although|While] the [history|telemetry] [for|of] the [whole|entire] [window|period] was [retrieved|fetched], the [forecasting|anomaly] [tool|call] [was given|received] the [sample|preview]'s dataset [id|identifier], [which|and that] [covers|spans] only [its first day|the first 24 hours].",
        ),
        (
            "Wrong dataset passed downstream",
            "{S} [passed|handed] [the wrong|another] dataset [id|reference] to the [analysis|time-series] [step|tool]{X}.",
        ),
        (
            "Exploratory sample leaked into the result",
            "[The|An] [exploratory|look-ahead] [sample|preview] [meant|intended] only to [inspect|check] the [data|series] [ended up|became] the [input|data] of the [forecast|scan], [so|and] the [result|answer] [describes|reflects] [a different|the wrong] [period|stretch of time].",
        ),
    ],
    "dates_read_day_first": [
        (
            "Day and month swapped in dates",
            "{S} [read|parsed] ISO dates day-first, [so|and] 2019-07-01 [became|turned into] 7 January{X}.",
        ),
        (
            "Date parser configured for day-first",
            "[A|The] date [parser|normaliser] [set to|with] dayfirst [read|interpreted] [every|each] ISO date whose day is 12 or less as [year-day-month|YDM], [moving|shifting] the [window|period] to [another|a different] [month|season].",
        ),
        (
            "Query window in the wrong month",
            "{S} [queried|requested] [data|readings] for [months|dates] [other than|different from] those [named|given] in the [task|question]{X}.",
        ),
        (
            "Transposed dates in tool arguments",
            "The [start|end] [timestamps|dates] [sent|passed] to the [history|data] tool [have|show] [month and day|the day and the month] [transposed|swapped], [which|and this] [yields|gives] a [window|period] with [no|other] [readings|data] or [one|a window] whose [ends are|bounds are] [reversed|out of order].",
        ),
        (
            "Locale-dependent date parsing",
            "{S} [applied|used] a [European|day-first] date convention to [ISO 8601|year-month-day] [dates|timestamps]{X}.",
        ),
        (
            "Window built from misread dates",
            "[Only|Just] [dates|days] [after|past] the 12th of a month [survived|came through] [unchanged|intact]; [every|each] [other|earlier] [one|date] [was|got] [read|turned] into [a different|another] [month|date], [so|and] the [analysis|count] [covers|spans] the wrong [weeks|days].",
        ),
    ],
    # nineteenth-round fresh defects (half "fresh17"): written by another
    # independent author who has not read the detectors, before the
    # nineteenth round was measured
    "browses_site_context": [
        (
            "Unrequested site survey appended",
            "{S} [listed|looked up] the work orders in progress at the site and [appended|tacked on] them to the answer, [although|even though] the question [was about|concerned] something else{X}.",
        ),
        (
            "Drifted into the maintenance backlog",
            "[Once|After] the [question|task] was answered the [agent|assistant] kept going: it [queried|pulled] the [site's|plant's] open maintenance work and [reported|quoted] work-order numbers [nobody asked for|that have nothing to do with the request].",
        ),
        (
            "Irrelevant context in the reply",
            "{S} [padded|extended] its [reply|answer] with a 'for context' line about [in-progress|open] work orders{X}.",
        ),
        (
            "Off-topic tool call",
            "[One|An extra] call [fetched|retrieved] [records|data] [unrelated to|outside the scope of] the question (the site's [active|in-progress] work orders), and [their ids|the ids it returned] [ended up|landed] in the final answer.",
        ),
        (
            "Scope creep after the result",
            "{S} did not stop at the [result|requested value]; it [surveyed|browsed] the [site|plant] and [mentioned|added] [unrelated|extraneous] maintenance records{X}.",
        ),
        (
            "Answer mixes in unrelated records",
            "[Besides|Next to] the [requested|asked-for] figure, the [response|output] [cites|names] work orders [in progress|currently open] at the site, [which|and these] [no tool call for the question|none of the task's data] [supports|explains].",
        ),
    ],
    "homemade_analytics": [
        (
            "Forecast computed without the model",
            "{S} [never called|did not call] the forecasting tool and [carried the last reading forward|repeated the last observed value] as its forecast{X}.",
        ),
        (
            "Own heuristic instead of the anomaly detector",
            "[Rather than|Instead of] [running|invoking] the anomaly [detection tool|model], the [agent|assistant] [applied|used] a [three-sigma|3-standard-deviation] rule to the raw [history|readings] and [reported|gave] its count as the [detector's|model's] result.",
        ),
        (
            "Analytics tool skipped",
            "{S} [answered|replied] from a [hand-rolled|home-made] [calculation|estimate] without [using|calling] the time-series [tools|models]{X}.",
        ),
        (
            "Naive persistence forecast",
            "The [forecast|predicted values] [is|are] just the [final|last] [observation|reading] repeated over the [horizon|requested steps]; [no|not one] model [call|run] [appears in|shows up in] the [log|trace].",
        ),
        (
            "Result not produced by the required tool",
            "{S} [presented|stated] a [forecast|anomaly count] [as if|as though] a model had [produced|computed] it, [but|while] the [TSFM|time-series] tools were never [invoked|used]{X}.",
        ),
        (
            "Anomalies flagged by a crude threshold",
            "[Readings|Points] more than three standard deviations from the mean were [counted|treated] as [anomalous windows|anomalies] by the [agent's|assistant's] own [code|arithmetic], [bypassing|skipping] the [detector|anomaly tool] the task [named|called for].",
        ),
    ],
    "drops_parenthesised_details": [
        (
            "Parenthesised details discarded",
            "{S} [removed|stripped] the text in parentheses from the request, [losing|dropping] the site [given|stated] there{X}.",
        ),
        (
            "Site lost while condensing the request",
            "[When|While] [rewriting|condensing] the [task|question], the [agent|assistant] [treated|took] '(site MAIN)' [and similar|and other] [asides|bracketed notes] as [noise|non-essential], then [said|claimed] that no site had been [named|given].",
        ),
        (
            "Ignored information in brackets",
            "{S} [overlooked|ignored] [details|constraints] the user [put|wrote] in [parentheses|brackets]{X}.",
        ),
        (
            "Claimed a detail was missing that the task gave",
            "The [answer|reply] [says|states] the [site|plant location] was not [specified|mentioned], [yet|although] the [task|request] [named|spelled out] it in [parentheses|a parenthetical].",
        ),
        (
            "Over-aggressive request simplification",
            "{S} [simplified|shortened] the [prompt|request] [too much|aggressively] and [gave up|stopped] [for lack of|without] [information|a detail] it had [deleted|thrown away] itself{X}.",
        ),
        (
            "Bracketed qualifiers dropped from the task",
            "[Every|Each] [parenthetical|bracketed] [qualifier|remark] ([the site|the step size|the work type]) [disappeared|vanished] from the [agent's|assistant's] [working copy|reading] of the [task|question], [so|and] the [lookups|calls] it needed [could not|did not] [start|happen].",
        ),
    ],
    "asks_operator_not_user": [
        (
            "Clarifying question sent to the operator tool",
            "{S} [put|sent] its [clarifying|disambiguation] question to utilities.ask_operator instead of [asking the user|putting it in the answer]{X}.",
        ),
        (
            "Question asked through the wrong channel",
            "[The|Its] [question|request] about which [asset|sensor|work order] was meant [went|was routed] to the [operator|back-office] [tool|channel]; the user [never saw|was never shown] it, and [the agent|it] [picked|took] the first [candidate|option] [when|after] the operator [said|replied] the task was clear.",
        ),
        (
            "Proceeded with the first candidate",
            "{S} [went ahead|continued] with the first [match|candidate] after an [uninformative|generic] reply from the operator{X}.",
        ),
        (
            "Disambiguation delegated to the wrong party",
            "[Faced with|Given] [several|multiple] [candidates|possible matches], the [agent|assistant] [asked|consulted] the operator [rather than|instead of] the [requester|user] and [answered|reported] [a value|a result] for [one|a single] [guessed|arbitrary] candidate.",
        ),
        (
            "Committed after asking the wrong person",
            "{S} [did|made] ask, but not the [user|person who asked]: the [operator's|tool's] 'task is clear' [reply|answer] was [taken|read] as [permission|licence] to [choose|pick] [by itself|on its own]{X}.",
        ),
        (
            "User never asked which one was meant",
            "The [final|returned] [answer|reply] [commits to|settles on] the first [chiller|sensor|work order] [listed|found]; the only [clarifying question|question about it] [went to|was addressed to] a [tool|side channel] [the user does not read|outside the conversation].",
        ),
    ],
    "polls_for_job_status": [
        (
            "Polled a synchronous tool",
            "{S} [treated|took] the forecasting or anomaly call as an asynchronous job and [re-sent|repeated] it [several times|four times] [to check|waiting] for a completion status{X}.",
        ),
        (
            "Waited for a job status that never comes",
            "The [model|analysis] [tool|call] [answered|returned] its result [at once|immediately], [but|yet] the [agent|assistant] [expected|looked for] a 'completed' status field, [polled|called again] with [identical|the same] arguments, and [ended|finished] [by saying|claiming] the job was still running.",
        ),
        (
            "Result discarded while polling",
            "{S} [received|had] the [forecast|scan] result [but|and still] [ignored|did not use] it, [repeating|resending] the [call|request] [until it gave up|in a loop]{X}.",
        ),
        (
            "Identical model calls in a polling loop",
            "[The|Its] [trace|log] [shows|contains] the same [forecasting|anomaly detection] [request|call] [five|several] times in a row [with|using] [unchanged|identical] arguments, [each|every] one [returning|with] [a full|a complete] result that [went unused|was never read].",
        ),
        (
            "Told the user to come back later",
            "{S} [answered|replied] that the [analysis|job] was still [running|in progress] and [asked|told] the user to [check back|try again] later, [although|even though] the tool had [already finished|finished|already returned]{X}.",
        ),
        (
            "Assumed an async job API",
            "[Believing|Assuming] the [time-series|TSFM] tools [work like|behave as] [job queues|asynchronous jobs], the [agent|assistant] [kept|went on] [polling|re-submitting] [rather than|instead of] [reading|using] the [result|response] it [got|already had].",
        ),
    ],
    "null_optional_arguments": [
        (
            "Null values for optional parameters",
            "{S} [sent|passed] null for [every|each] optional [argument|parameter] it had no value for, [and|so] the tools [rejected|refused] the [calls|requests]{X}.",
        ),
        (
            "Schema defaults overridden with null",
            "[Instead of|Rather than] [leaving out|omitting] [unset|unused] [fields|arguments] such as aggregation, page or timestamp_column, the [agent|assistant] [wrote|filled] them [in as|with] null, [which|and] the [validation|schema check] [does not accept|refuses].",
        ),
        (
            "Validation errors from explicit nulls",
            "{S} [got|received] 422 [errors|responses] because its [requests|calls] [carried|contained] null [values|entries] for [optional|defaulted] [fields|arguments]{X}.",
        ),
        (
            "Unset fields serialised as null",
            "[Each|Every] [history|model|list] [request|call] [included|listed] the [tool's|schema's] optional [parameters|fields] with null [values|entries]; [none of|no] [these|those] calls [succeeded|went through], [so|and] [no data|nothing] was [retrieved|returned].",
        ),
        (
            "Malformed tool arguments",
            "{S} [built|constructed] [invalid|malformed] [arguments|payloads] by [setting|sending] [optional|unneeded] [parameters|fields] to null{X}.",
        ),
        (
            "Explicit nulls broke the data calls",
            "[Only|Just] the [lookups|calls] [without|lacking] [defaulted|optional] [integers|enumerations] [succeeded|worked]; [every|each] [history|time-series|work-order list] call [failed|was rejected] on a null page, aggregation or timestamp column [argument|field].",
        ),
    ],
    "falls_back_to_raw_reader": [
        (
            "Fell back to the raw file reader",
            "{S} [did not retry|never retried] the failed call and [asked|tried] utilities.json_reader [instead|as a fallback], which [had no such file|could not serve the request]{X}.",
        ),
        (
            "Fallback tool cannot provide the data",
            "[After|Following] a [timeout|server error], the [agent|assistant] [switched|turned] to a [raw-data|file] reader [with|passing] the [dataset id|tool's name] as [a file name|the file], [got|received] [an error|raw rows] [back|in return] and never [re-issued|repeated] the [original|failed] request.",
        ),
        (
            "Recovery went to another tool",
            "{S} [tried to recover|attempted recovery] [through|via] a different tool [rather than|instead of] [repeating|retrying] the [call that failed|failed request]{X}.",
        ),
        (
            "Raw rows taken for a model result",
            "[When|Once] the [forecast|analysis|KPI] call [timed out|failed], the [reader's|file reader's] [raw|unprocessed] [rows|table] [stood in|were used] for its [response|output], [so|and] the [answer|result] [has|contains] [no|nothing from the] [forecast|requested computation].",
        ),
        (
            "Failed call never repeated",
            "{S} [abandoned|dropped] the [failed|timed-out] request after one attempt and [relied|counted] on a [fallback|substitute] that [could not|did not] [return|deliver] [it|the data]{X}.",
        ),
        (
            "Wrong fallback after a transient error",
            "A [transient|temporary] [failure|error] [that a retry would have fixed|that repeating the call would have cured] [led|sent] the [agent|assistant] to a [file-reading|raw data] [utility|tool] that [knows|has] [no file|nothing] by that name; the [missing|needed] data [stayed|remained] [missing|unrecovered].",
        ),
    ],
    "lists_instead_of_counting": [
        (
            "Listed records instead of counting them",
            "{S} [answered|replied to] a how-many question with the [list|enumeration] of the records [rather than|instead of] their number{X}.",
        ),
        (
            "No count in the answer",
            "[Asked|When asked] for a [number|count], the [agent|assistant] [printed|returned] work-order numbers, [timestamps|event ids] or [window spans|mode names] [one after another|in a long list] and [never stated|did not give] [how many|the total].",
        ),
        (
            "Enumeration where a number was expected",
            "{S} [gave|produced] an enumeration where [a single integer|one number] was [requested|expected]{X}.",
        ),
        (
            "Count left for the reader to work out",
            "[The|Its] [response|reply] [leaves|lets] the user [to count|count] the [items|entries] [themselves|on their own]: [it is|what it gives is] a [list|dump] of [ids|records], [not|rather than] the [number|figure] the [question|task] asked for.",
        ),
        (
            "Wrong answer type for a count",
            "{S} [misread|misunderstood] 'how many' as 'which ones' and [listed|enumerated] [them|the matches]{X}.",
        ),
        (
            "Anomalous windows listed, not counted",
            "[Instead of|Rather than] [a number of windows|a window count], the [JSON|answer] [holds|carries] a [list|series] of [start-to-end|time] spans, [and|so] the [field|value] that should be [a number|an integer] [is not one|is a list].",
        ),
    ],
    "mapping_read_backwards": [
        (
            "Mapping directions swapped",
            "{S} [looked up|searched for] the failure mode among the [sensor keys|sensor entries] of the mapping and the sensor among the failure-mode keys{X}.",
        ),
        (
            "Failure mode not found despite being mapped",
            "The [mapping|sensor-to-failure-mode table] [did|does] [contain|list] the [failure mode|sensor] the task [named|asked about], but the [agent|assistant] [read|consulted] the [wrong half|opposite direction] of it and [reported|concluded] that it was [missing|not found].",
        ),
        (
            "Wrong side of the relation",
            "{S} [used|read] the sensor-to-failure-mode [side|direction] where the failure-mode-to-sensor [side|direction] was [needed|required]{X}.",
        ),
        (
            "False 'not in the mapping' answer",
            "[Although|Even though] the [mapping call|tool call] [succeeded|returned data], the [reply|answer] [says|states] [no such|the] [failure mode|sensor] [exists|is not] in [it|the mapping], [because|since] [keys|entries] were [looked up|matched] in the [wrong|opposite] [dictionary|table].",
        ),
        (
            "Relation read in reverse",
            "{S} [inverted|reversed] the failure-mode sensor relation [when|while] reading the [response|tool output] and [found|matched] nothing{X}.",
        ),
        (
            "Sensors for a failure mode not reported",
            "[Asked|When asked] which sensors [reveal|detect] a failure mode, or which [modes|failure modes] a sensor [detects|reveals], the [agent|assistant] [came back|returned] [empty-handed|with nothing], [having|after] [searched|looking in] the [mapping's|relation's] other [direction|index].",
        ),
    ],
    "general_intent_first": [
        (
            "Answered a broader question than asked",
            "{S} [matched|routed] the task on a broad [keyword|word] such as 'work orders' or 'forecast' and [answered|replied to] a more general question than the one asked{X}.",
        ),
        (
            "Specific request misrouted",
            "[Phrases|Wording] that [pin down|narrow] the request ('by primary failure code', 'exceed', 'which sensors should I watch') were [ignored|passed over] [because|since] a [broader|more generic] intent [word|term] [matched|fired] first, [so|and] the [wrong|generic] [handler|procedure] [ran|answered].",
        ),
        (
            "Task type misidentified",
            "{S} [misclassified|misidentified] the [task|request] and [ran|carried out] a [generic|more general] [procedure|workflow] for it{X}.",
        ),
        (
            "Generic answer to a specific question",
            "[Instead of|Rather than] [the distribution|the threshold verdict|the requested record], the [reply|answer] [gives|offers] [a plain count|a forecast mean|a generic listing] [that fits|matching] [only|just] the [broad|general] [topic|subject] of the [question|task].",
        ),
        (
            "Keyword routing picked the wrong intent",
            "{S} [let|allowed] the [first|broadest] [keyword|term] it [recognised|spotted] decide what to do, [missing|overlooking] what was [actually|really] [asked|requested]{X}.",
        ),
        (
            "Answer to a neighbouring question",
            "The [response|result] [answers|addresses] a [related|neighbouring] [question|request] — the [total|overall] count, the [mean forecast|plain forecast], the [asset's|full] sensor list — [not|rather than] the [specific|precise] one in the [task|prompt].",
        ),
    ],
    "counts_distinct_values": [
        (
            "Counted distinct values instead of records",
            "{S} [deduplicated|collapsed] the records by their description or value before counting, [so|and] [repeated|recurring] [work orders|alerts|readings] were counted once{X}.",
        ),
        (
            "Undercount from deduplication",
            "[Work orders|Alerts] that [share|repeat] a description and readings that [share|repeat] a value were [merged|treated as one], [so|and] the [reported|stated] count is [far|much] [lower|smaller] than the number of records the tool [returned|listed].",
        ),
        (
            "Distinct count where a total was asked",
            "{S} [reported|gave] the number of [distinct|unique] [descriptions|values] [rather than|instead of] the number of [records|items]{X}.",
        ),
        (
            "Set semantics applied to a count",
            "[Putting|Turning] the [records|results] into a set [before|prior to] counting [threw away|discarded] [duplicates|every repeat] that were [separate|distinct] [events|records]; [recurring|routine] preventive [tasks|work] and [equal|identical] [readings|measurements] [vanished|disappeared] from the [total|count].",
        ),
        (
            "Repeated records treated as duplicates",
            "{S} [mistook|took] [recurring|repeated] [records|entries] for duplicate rows and [dropped|removed] them from the count{X}.",
        ),
        (
            "Count of kinds, not of occurrences",
            "The [answer|number] [counts|gives] [kinds|types] of [work order|alert|reading] ([one per|a single one for each] description or value), [not|instead of] [occurrences|how many there were], [although|even though] the [task|question] [asked for|wanted] [how many there were|the number of records].",
        ),
    ],
    "filters_as_lists": [
        (
            "Filter values sent as lists",
            "{S} [wrapped|put] [each|every] filter value in a one-item list (a work type of PM sent as a list holding PM) where the tool [expects|takes] a single value{X}.",
        ),
        (
            "Array given for a scalar parameter",
            "[Filter|Selection] [arguments|parameters] such as work_type, status, asset_type and event_type [went out|were sent] as [one-item arrays|single-element lists], [and|so] the [tools|service] [answered|responded] with validation errors [and no data|instead of records].",
        ),
        (
            "Wrong argument type for filters",
            "{S} [passed|sent] list-typed [filters|filter arguments] to [tools|endpoints] that [accept|take] [strings|a string]{X}.",
        ),
        (
            "Rejected list calls",
            "[Every|Each] [list|listing] call with a [filter|restriction] [failed|was refused] ([HTTP 422|a 422 error]) [because|since] its [filter|type or status] [was|came] [bracketed|wrapped in brackets] [as an array|in a list]; the [count|answer] [could not|was never] [be computed|computed].",
        ),
        (
            "Schema mismatch in filter arguments",
            "{S} [assumed|believed] the [filters|filter fields] [accept|take] [several|multiple] values and [formatted|encoded] [them|each one] as [arrays|lists]{X}.",
        ),
        (
            "One-element lists broke the queries",
            "[Queries|Requests] for [chillers|preventive work orders|alert events] [never|did not] [ran|run] [because|since] the [agent|assistant] [wrote|gave] the [asset type|work type|event type] as a single-element list, [which|a form] the [schema|tool] [refuses|rejects].",
        ),
    ],
}

# Generic symptoms any failed run may show (split the same way).
NOISE: list[tuple[str, str]] = [
    (
        "Incorrect final answer",
        "The [final|returned] [answer|value] does not match what the task [asked for|expected]{X}.",
    ),
    (
        "Weak justification",
        "The [answer|response] [gives|offers] [little|no] [evidence|justification] for its result.",
    ),
    (
        "Low-quality response",
        "{S} [produced|gave] a [low-quality|poor] [response|answer] that [would not help|does not help] an operator{X}.",
    ),
    (
        "Task not accomplished",
        "The [task|request] was not [accomplished|completed] [as asked|correctly].",
    ),
]

_CHOICE_RE = re.compile(r"\[([^\[\]]+)\]")
_ASSET_RE = re.compile(r"\b(Chiller \d+[A-Z]?|[A-Z]{2,6} AHU \d+[A-Z]?|[A-Z]{3}\d{5}|WO\d{5,})\b")
_NUM_RE = re.compile(r"-?\d+\.\d+|\b\d{2,}\b")


def half_of(patterns: list, half: str) -> list:
    return patterns[0::2] if half == "tune" else patterns[1::2]


def _specific(prompt: str, rng: random.Random) -> str:
    """Something concrete from the prompt, as a model would quote it."""
    task = prompt.split("Task:", 1)[-1].split("Scores:", 1)[0]
    answer = prompt.rsplit("Final answer:", 1)[-1]
    assets = _ASSET_RE.findall(task)
    numbers = _NUM_RE.findall(answer)
    words = task.split()
    options = []
    if assets:
        options.append(f" for {rng.choice(assets)}")
    if numbers:
        options.append(f" (it reported {rng.choice(numbers)})")
    if len(words) > 8:
        i = rng.randrange(0, len(words) - 6)
        options.append(f" while asked: {' '.join(words[i : i + 6])}")
    return rng.choice(options) if options else ""


def _expand(pattern: tuple[str, str], rng: random.Random, prompt: str) -> dict[str, str]:
    title, desc = pattern
    x = _specific(prompt, rng) if rng.random() < P_SPECIFIC else ""
    desc = desc.replace("{S}", rng.choice(SUBJECTS)).replace("{X}", x)
    desc = _CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), desc)
    return {
        "title": _CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), title),
        "description": desc,
    }


def script(defect: str, half: str, novel: bool, prompt: str) -> str:
    """The reply the scripted reviewer gives for one failed run."""
    rng = random.Random(zlib.crc32(f"{defect}/{half}\n{prompt}".encode()))
    items = []
    if defect in PATTERNS and rng.random() < (P_DEFECT_NOVEL if novel else P_DEFECT_CODED):
        items.append(_expand(rng.choice(half_of(PATTERNS[defect], half)), rng, prompt))
    if rng.random() < P_NOISE:
        items.append(_expand(rng.choice(half_of(NOISE, half)), rng, prompt))
    return json.dumps({"additional_failure_modes": items})


class ScriptedReviewer(CustomLLM):
    """litellm provider ``diagmock``: model ``diagmock/<defect>/<half>[/novel]``."""

    def completion(self, model: str, messages: list, *args, **kwargs):  # type: ignore[override]
        parts = model.split("/")
        defect, half = parts[0], parts[1] if len(parts) > 1 else "tune"
        novel = len(parts) > 2 and parts[2] == "novel"
        prompt = str(messages[-1]["content"])
        return litellm.completion(
            model="gpt-3.5-turbo",
            messages=messages,
            mock_response=script(defect, half, novel, prompt),
        )


def register() -> None:
    """Make ``diagmock/...`` models resolvable by litellm (idempotent)."""
    providers = [p for p in (litellm.custom_provider_map or []) if p.get("provider") != PROVIDER]
    providers.append({"provider": PROVIDER, "custom_handler": ScriptedReviewer()})
    litellm.custom_provider_map = providers
    from litellm.utils import custom_llm_setup

    custom_llm_setup()


def model_for(defect: str, half: str, novel: bool) -> str:
    return f"{PROVIDER}/{defect}/{half}" + ("/novel" if novel else "")
