"""submission_scores.rubric_version: the rubric that computed the scores

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Scores written before this revision were computed by rubric version 1
(deployment-ready meant an overall of 85); they stay readable as such.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'submission_scores',
        sa.Column('rubric_version', sa.Integer(), nullable=False, server_default='1'),
    )


def downgrade() -> None:
    op.drop_column('submission_scores', 'rubric_version')
