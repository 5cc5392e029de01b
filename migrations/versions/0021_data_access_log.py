"""the access log: who saw whose resident IDs, phones and addresses, and its alerts

Append-only: the app refuses to change or delete an entry; on PostgreSQL a trigger refuses it
in the database as well (TRUNCATE, for a whole-table purge by the administrator, still works).

Revision ID: 0021_data_access_log
Revises: 0020_retention
"""
from alembic import op
import sqlalchemy as sa

import noticeboard.core.types

revision = '0021_data_access_log'
down_revision = "0020_retention"
branch_labels = None
depends_on = None


APPEND_ONLY = """
CREATE FUNCTION refuse_access_log_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'data_access_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER data_access_log_append_only BEFORE UPDATE OR DELETE ON data_access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_access_log_rewrite();
"""


def upgrade():
    op.create_table('access_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('identifiers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_access_alerts_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_alerts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_alerts')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('access_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_alerts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_alerts_user_id'), ['user_id'], unique=False)

    op.create_table('data_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('identifiers', sa.Integer(), nullable=False),
    sa.Column('client_address', sa.String(length=45), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('view', 'reveal', 'export')", name=op.f('ck_data_access_log_kind_known')),
    sa.CheckConstraint('identifiers >= 0', name=op.f('ck_data_access_log_identifiers_not_negative')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_data_access_log_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_access_log')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('data_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_access_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_data_access_log_case_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_data_access_log_user_at', ['user_id', 'at'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER data_access_log_append_only ON data_access_log")
        op.execute("DROP FUNCTION refuse_access_log_rewrite()")
    with op.batch_alter_table('data_access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_data_access_log_user_at')
        batch_op.drop_index('ix_data_access_log_case_at')
        batch_op.drop_index(batch_op.f('ix_data_access_log_at'))

    op.drop_table('data_access_log')
    with op.batch_alter_table('access_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_alerts_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_alerts_at'))

    op.drop_table('access_alerts')
