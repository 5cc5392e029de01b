"""assistance standards, case reviews and the amount facts they need

Standards (保障标准) per county with their start month; periodic reviews (定期核查) of cases;
the household's income per person, the 特困 amount override reason and the six-monthly
review mark on cases.

Revision ID: 0018_standards
Revises: 0017_statistics
"""
from alembic import op
import sqlalchemy as sa

import noticeboard.core.types

revision = '0018_standards'
down_revision = '0017_statistics'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_settings',
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('renotice_above', noticeboard.core.types.Money(precision=12, scale=2), nullable=True),
    sa.CheckConstraint('renotice_above IS NULL OR renotice_above >= 0', name=op.f('ck_review_settings_threshold_positive')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_review_settings_county_id_regions')),
    sa.PrimaryKeyConstraint('county_id', name=op.f('pk_review_settings')),
    sqlite_autoincrement=True
    )
    op.create_table('assistance_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', noticeboard.core.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', noticeboard.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('dibao_urban', 'dibao_rural', 'supplement_a', 'supplement_b', 'supplement_c', 'tekun_basic', 'care_full', 'care_partial', 'care_none')", name=op.f('ck_assistance_standards_kind_known')),
    sa.CheckConstraint('(confirmed_at IS NULL) = (confirmed_by_id IS NULL)', name=op.f('ck_assistance_standards_confirmed_by_someone')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_assistance_standards_amount_not_negative')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_assistance_standards_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_assistance_standards_county_id_regions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assistance_standards_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_standards')),
    sa.UniqueConstraint('county_id', 'kind', 'start_month', name='uq_standards_month'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('assistance_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_standards_county_id'), ['county_id'], unique=False)

    op.create_table('case_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('continue', 'change', 'terminate')", name=op.f('ck_case_reviews_outcome_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reviews_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_reviews_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reviews')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reviews_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('income_per_person', noticeboard.core.types.Money(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('amount_override_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('frequent_review', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('cases', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('frequent_review')
        batch_op.drop_column('amount_override_reason')
        batch_op.drop_column('income_per_person')

    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reviews_case_id'))

    op.drop_table('case_reviews')
    with op.batch_alter_table('assistance_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_standards_county_id'))

    op.drop_table('assistance_standards')
    op.drop_table('review_settings')
