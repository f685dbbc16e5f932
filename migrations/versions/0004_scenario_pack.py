"""scenario packs: each score records the pack it was computed on and its
invariance probes, and a phase is pinned to the pack of its first score

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Scores written before this revision were computed on the generated set
(today's public pack); their pack columns stay empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ('scenario_pack', sa.String(128)),
    ('scenario_pack_version', sa.String(64)),
    ('scenario_pack_digest', sa.String(80)),
)

# invariance probes (hidden_scenarios/invariance.py)
_PROBES = (
    ('invariance_sample', sa.Integer()),
    ('entity_kept', sa.Float()),
    ('phrasing_kept', sa.Float()),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column('submission_scores', sa.Column(name, type_, nullable=True))
        op.add_column('phases', sa.Column(name, type_, nullable=True))
    op.add_column('phases', sa.Column('scenario_pack_public', sa.Boolean(), nullable=True))
    for name, type_ in _PROBES:
        op.add_column('submission_scores', sa.Column(name, type_, nullable=True))
    op.add_column('submission_scores', sa.Column('public_overall', sa.Float(), nullable=True))
    op.add_column(
        'phases',
        sa.Column('compare_public_pack', sa.Boolean(), nullable=False, server_default='false'),
    )


def downgrade() -> None:
    op.drop_column('phases', 'compare_public_pack')
    op.drop_column('submission_scores', 'public_overall')
    for name, _ in reversed(_PROBES):
        op.drop_column('submission_scores', name)
    op.drop_column('phases', 'scenario_pack_public')
    for name, _ in reversed(_COLUMNS):
        op.drop_column('phases', name)
        op.drop_column('submission_scores', name)
