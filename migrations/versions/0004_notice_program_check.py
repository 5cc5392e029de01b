"""notices.program is checked like every other enum column

StrEnumColumn now emits the CHECK constraint of each enum column itself (models no longer
write them by hand). Every table keeps the constraint it had, with the same name and text;
notices.program, which had none, gets the same kind of check.

Revision ID: 0004_notice_program_check
Revises: 0003_rendered_pdfs
"""

from alembic import op

revision = "0004_notice_program_check"
down_revision = "0003_rendered_pdfs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices") as batch:
        batch.create_check_constraint(op.f("ck_notices_program_known"), "program IN ('dibao', 'tekun', 'linshi')")


def downgrade():
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint("ck_notices_program_known", type_="check")
