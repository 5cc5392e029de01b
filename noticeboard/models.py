"""Imports every area's models, so Alembic and create_all see the whole schema."""

from noticeboard.accounts.models import User
from noticeboard.audit.models import AccessAlert, AuditEntry, DataAccess
from noticeboard.cases.models import Case, CaseChange, CaseMember, ProgramLimit
from noticeboard.cases.standards import AssistanceStandard
from noticeboard.holidays.models import HolidayYear
from noticeboard.jobs.models import Job, WorkerBeat
from noticeboard.masking.models import ChannelPolicy
from noticeboard.notices.models import Notice, NoticeEntry, Objection
from noticeboard.printing.models import RenderedPdf
from noticeboard.regions.models import ApprovalDelegation, Region
from noticeboard.spreadsheets.models import CaseImport
from noticeboard.standards.models import CaseReview, ReviewSetting
from noticeboard.statistics.models import BenefitPeriod

__all__ = [
    "AccessAlert",
    "ApprovalDelegation",
    "AssistanceStandard",
    "AuditEntry",
    "BenefitPeriod",
    "Case",
    "CaseChange",
    "CaseImport",
    "CaseMember",
    "CaseReview",
    "ChannelPolicy",
    "DataAccess",
    "HolidayYear",
    "Job",
    "Notice",
    "NoticeEntry",
    "Objection",
    "ProgramLimit",
    "Region",
    "RenderedPdf",
    "ReviewSetting",
    "User",
    "WorkerBeat",
]
