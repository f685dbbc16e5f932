"""Leaderboard rendering with cheap revalidation.

The ETag is ``<kind>-<phase>-<track>-<leaderboard_version>-<page>-<size>``:
computing it costs one primary-key read of the phase row, never the board.
Rendered bodies are kept in a small in-process LRU keyed by that ETag, so
repeated 200s are cheap too. A body is a pure function of the database state
at that version, which is what makes the ETag strong.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.api.errors import ApiError
from services.api.leaderboard.schemas import (
    CbColumn,
    CbLeaderboard,
    CbScore,
    CbSubmission,
    CbTask,
    CiOut,
    ClusterShare,
    Column,
    Entry,
    Leaderboard,
    PhaseRef,
    ScenarioPackRef,
)
from services.store.leaderboard import (
    BoardRow,
    best_per_team,
    load_rows,
    statistical_ranks,
    top_clusters,
)
from services.store.lifecycle import Status
from services.store.models import Phase, Submission

# (key, title, precision, higher is better); index = position (Codabench).
# The first eight are the scores; then the statistical rank, the interval of
# overall, pass^k and the cost (issue 18), appended so old indexes stay put.
SCORE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("overall", "Overall", 2, True),
    ("pass_rate", "Pass rate", 2, True),
    ("task_completion", "Task completion", 2, True),
    ("retrieval_accuracy", "Retrieval accuracy", 2, True),
    ("result_verification", "Result verification", 2, True),
    ("sequence_correctness", "Sequence correctness", 2, True),
    ("clarity_justification", "Clarity and justification", 2, True),
    ("hallucination_rate", "Hallucination rate", 2, False),
)
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    *SCORE_COLUMNS,
    ("rank", "Rank (overlapping 95 % intervals share a rank)", 0, False),
    ("overall_ci_low", "Overall, 95 % interval low", 2, True),
    ("overall_ci_high", "Overall, 95 % interval high", 2, True),
    ("pass_hat_k", "Pass^k (passed in all k attempts)", 2, True),
    ("tokens", "Tokens", 0, False),
    ("wall_seconds", "Wall time (s)", 1, False),
)
TASK_IDS = {"planning": 1, "execution": 2}
# A phase's default board when none of its tracks has a finished submission
# yet: execution, what most participants (and `make demo`) submit to.
FALLBACK_TRACK = "execution"


@dataclass(frozen=True)
class PhaseHead:
    id: int
    title: str
    visibility: str
    tracks: tuple[str, ...]
    version: int
    # the board shown without ?track (see default_track); cached with the head
    default_track: str = ""
    pack: tuple[str, str, bool] | None = None  # (name, version, public) once pinned


def default_track(tracks: tuple[str, ...], last_finished: dict[str, datetime]) -> str:
    """The phase's track with the most recent finished, visible submission
    (ties: the earlier-listed track); without any, ``execution`` when the
    phase has it, else its first track. Pure: ``last_finished`` maps a track
    to its latest ``finished_at``."""
    latest = [(last_finished[t], -i, t) for i, t in enumerate(tracks) if t in last_finished]
    if latest:
        return max(latest)[2]
    return FALLBACK_TRACK if FALLBACK_TRACK in tracks else tracks[0]


def _last_finished(session: Session, phase_id: int) -> dict[str, datetime]:
    # ix_submissions_board (phase_id, track, status) serves this
    rows = session.execute(
        select(Submission.track, func.max(Submission.finished_at))
        .where(
            Submission.phase_id == phase_id,
            Submission.status == Status.FINISHED.value,
            Submission.hidden.is_(False),
            Submission.finished_at.is_not(None),
        )
        .group_by(Submission.track)
    )
    return {track: at for track, at in rows}


def phase_head(session: Session, phase_id: int) -> PhaseHead:
    row = (
        session.execute(
            select(
                Phase.id,
                Phase.title,
                Phase.visibility,
                Phase.tracks,
                Phase.leaderboard_version,
                Phase.scenario_pack,
                Phase.scenario_pack_version,
                Phase.scenario_pack_public,
            ).where(Phase.id == phase_id)
        ).first()
        if 0 < phase_id < 2**31
        else None
    )
    if row is None:
        raise ApiError(404, "phase_not_found", f"No phase {phase_id}.")
    tracks = tuple(row[3])
    chosen = default_track(tracks, _last_finished(session, phase_id))
    pack = (row[5], row[6] or "", bool(row[7])) if row[5] else None
    return PhaseHead(row[0], row[1], row[2], tracks, row[4], chosen, pack)


def latest_phase_id(session: Session, track: str | None, include_private: bool) -> int:
    stmt = select(Phase.id, Phase.tracks, Phase.visibility).order_by(
        Phase.opens_at.desc(), Phase.id.desc()
    )
    for pid, tracks, visibility in session.execute(stmt):
        if (track is None or track in tracks) and (include_private or visibility == "public"):
            return pid
    raise ApiError(404, "phase_not_found", "No phase with a leaderboard yet.")


def etag(kind: str, head: PhaseHead, track: str, page: int, page_size: int) -> str:
    return f'"{kind}-{head.id}-{track}-{head.version}-{page}-{page_size}"'


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """Weak comparison, as RFC 9110 prescribes for If-None-Match."""
    if not if_none_match:
        return False
    bare = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


class BodyCache:
    """Tiny thread-safe LRU of rendered bodies keyed by ETag."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


CACHE = BodyCache()


class HeadCache:
    """Phase heads (visibility, tracks, leaderboard version) per process,
    re-read at most every ``ttl`` seconds. Writes through this process call
    ``invalidate``; writes elsewhere (workers) are seen within ``ttl``. This
    keeps a 304 free of any database round trip."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[int, tuple[float, PhaseHead]] = {}
        self._lock = threading.Lock()

    def get(self, phase_id: int, now: float) -> PhaseHead | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            item = self._items.get(phase_id)
        if item is None or now - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, head: PhaseHead, now: float) -> None:
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[head.id] = (now, head)

    def invalidate(self) -> None:
        with self._lock:
            self._items.clear()


def invalidate_heads(app_state: object) -> None:
    cache = getattr(app_state, "phase_heads", None)
    if cache is not None:
        cache.invalidate()


def _dump(model: Leaderboard | CbLeaderboard) -> bytes:
    # Deterministic bytes for the same data (strong ETag).
    return json.dumps(model.model_dump(mode="json"), separators=(",", ":"), sort_keys=True).encode()


def _intervals(row: BoardRow) -> dict[str, CiOut]:
    out = {}
    for key, pair in sorted((row.intervals or {}).items()):
        if isinstance(pair, list | tuple) and len(pair) == 2:
            name = "hallucination_rate" if key == "hallucination" else key
            out[name] = CiOut(low=round(float(pair[0]), 2), high=round(float(pair[1]), 2))
    return out


def column_values(row: BoardRow, rank: int) -> dict[str, float | None]:
    """Every column's value for one board row (None: not recorded)."""
    ci = row.overall_ci
    values: dict[str, float | None] = {key: float(getattr(row, key)) for key, *_ in SCORE_COLUMNS}
    values.update(
        rank=float(rank),
        overall_ci_low=None if ci is None else ci[0],
        overall_ci_high=None if ci is None else ci[1],
        pass_hat_k=row.pass_hat_k,
        tokens=float(row.tokens),
        wall_seconds=row.wall_seconds,
    )
    return values


def _entry(position: int, rank: int, tied: bool, row: BoardRow, clusters: list) -> Entry:
    precision = {key: p for key, _, p, _ in COLUMNS}
    values = column_values(row, rank)
    r = {
        key: None if values[key] is None else round(values[key], precision[key])
        for key in ("overall_ci_low", "overall_ci_high", "pass_hat_k", "wall_seconds")
    }
    r |= {key: round(values[key], p) for key, _, p, _ in SCORE_COLUMNS}
    return Entry(
        rank=rank,
        position=position,
        tied=tied,
        attempts=row.attempts,
        intervals=_intervals(row),
        tokens=row.tokens,
        team=row.team_name,
        team_display_name=row.team_display_name,
        submission_id=row.submission_id,
        submitted_at=row.created_at,
        finished_at=row.finished_at,
        deployment_ready=row.deployment_ready,
        rubric_version=row.rubric_version,
        scenarios=row.scenarios,
        top_failure_clusters=[
            ClusterShare(cluster_id=c.cluster_id, label=c.label, share=round(c.share, 3))
            for c in clusters
        ],
        **r,
    )


def phase_ref(head: PhaseHead) -> PhaseRef:
    pack = None
    if head.pack is not None:
        pack = ScenarioPackRef(name=head.pack[0], version=head.pack[1], public=head.pack[2])
    return PhaseRef(id=head.id, title=head.title, visibility=head.visibility, scenario_pack=pack)


def render_board(session: Session, head: PhaseHead, track: str, page: int, page_size: int) -> bytes:
    ranked = best_per_team(load_rows(session, head.id, track))
    ranks = statistical_ranks(ranked)
    window = ranked[(page - 1) * page_size : page * page_size]
    clusters = top_clusters(session, [r.submission_id for r in window])
    start = (page - 1) * page_size
    board = Leaderboard(
        phase=phase_ref(head),
        track=track,
        version=head.version,
        columns=[Column(key=k, title=t, precision=p, higher_is_better=h) for k, t, p, h in COLUMNS],
        total=len(ranked),
        page=page,
        page_size=page_size,
        entries=[
            _entry(start + i + 1, *ranks[start + i], r, clusters.get(r.submission_id, []))
            for i, r in enumerate(window)
        ],
    )
    return _dump(board)


def render_codabench(session: Session, head: PhaseHead, page: int, page_size: int) -> bytes:
    """One entry per team with its best score on every task (track); teams
    ordered by their rank on the first track, then by the next."""
    per_track = {t: best_per_team(load_rows(session, head.id, t)) for t in head.tracks}
    rank_of = {
        (t, row.team_name): rank
        for t, rows in per_track.items()
        for row, (rank, _) in zip(rows, statistical_ranks(rows), strict=True)
    }
    order: list[str] = []
    for track in head.tracks:
        for row in per_track[track]:
            if row.team_name not in order:
                order.append(row.team_name)
    window = order[(page - 1) * page_size : page * page_size]
    submissions: list[CbSubmission] = []
    for team in window:
        scores: list[CbScore] = []
        first: BoardRow | None = None
        for track in head.tracks:
            row = next((r for r in per_track[track] if r.team_name == team), None)
            if row is None:
                continue
            first = first or row
            values = column_values(row, rank_of[(track, team)])
            for index, (key, _, precision, _) in enumerate(COLUMNS):
                if values[key] is None:
                    continue  # not recorded (scored before issue 18): no score, as Codabench
                scores.append(
                    CbScore(
                        index=index,
                        score=f"{values[key]:.{precision}f}",
                        task_id=TASK_IDS.get(track, 0),
                        column_key=key,
                    )
                )
        assert first is not None
        submissions.append(
            CbSubmission(
                id=str(first.submission_id),
                owner=first.team_display_name,
                scores=scores,
                created_when=first.created_at,
            )
        )
    columns = [
        CbColumn(index=i, key=k, title=t, precision=p, sorting="desc" if h else "asc")
        for i, (k, t, p, h) in enumerate(COLUMNS)
    ]
    board = CbLeaderboard(
        title=f"{head.title} leaderboard",
        id=head.id,
        submissions=submissions,
        tasks=[
            CbTask(name=t, id=TASK_IDS.get(t, 0), colWidth=len(columns), columns=columns)
            for t in head.tracks
        ],
        primary_index=0,
    )
    return _dump(board)
