"""repeated attempts, confidence intervals and a reproducibility record

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-18

phases.attempts: k independent runs per scenario (1..10, default 1).
submission_scores: k, runs, pass^k, flip rate, SD of the per-attempt overall
means, 95 % bootstrap intervals (JSON), the evaluation's wall time and the
reproducibility record (JSON). Scores written before this revision were one
attempt each and have no intervals (their board rank is their position).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCORE_COLUMNS = (
    ('runs', sa.Integer()),
    ('pass_hat_k', sa.Float()),
    ('flip_rate', sa.Float()),
    ('overall_attempt_sd', sa.Float()),
    ('intervals', postgresql.JSONB()),
    ('wall_seconds', sa.Float()),
    ('record', postgresql.JSONB()),
)


def upgrade() -> None:
    op.add_column(
        'phases', sa.Column('attempts', sa.Integer(), nullable=False, server_default='1')
    )
    op.create_check_constraint(
        op.f('ck_phases_attempts'), 'phases', 'attempts >= 1 and attempts <= 10'
    )
    op.add_column(
        'submission_scores',
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='1'),
    )
    for name, type_ in _SCORE_COLUMNS:
        op.add_column('submission_scores', sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(_SCORE_COLUMNS):
        op.drop_column('submission_scores', name)
    op.drop_column('submission_scores', 'attempts')
    op.drop_constraint(op.f('ck_phases_attempts'), 'phases', type_='check')
    op.drop_column('phases', 'attempts')
