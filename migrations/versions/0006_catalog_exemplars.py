"""failure catalog exemplars

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

failure_clusters.exemplars: a few scrubbed, generic failure statements of a
novel catalog entry (a JSON list of strings; only statements that scrubbing
left free of any placeholder, so nothing of a scenario). A reworded
sighting of the same failure is re-identified by them (evaluator.catalog,
issue 19). Entries written before this revision have none and match by
centroid only, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'failure_clusters',
        sa.Column(
            'exemplars',
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
    )


def downgrade() -> None:
    op.drop_column('failure_clusters', 'exemplars')
