"""submissions.archive_store: the upload store that holds the archive

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Rows uploaded before this revision keep NULL: the reconciler deletes their
archive only where the file exists (it never marks such a row deleted on a
host without the file).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('submissions', sa.Column('archive_store', sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column('submissions', 'archive_store')
