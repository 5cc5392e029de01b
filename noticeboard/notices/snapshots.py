"""What a published notice shows, frozen as canonical JSON with its SHA-256: building the
snapshot of each channel, its title and issuer, and freezing it at publication.

A snapshot is built once per channel (printed board, online) with that channel's masking
policy already applied, so nothing personal beyond the policy is ever stored in it.
"""

import base64
import hashlib
import json
import re
import unicodedata
from datetime import date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import defer

from noticeboard.audit import services as audit
from noticeboard.audit.models import register_field_labels, register_references
from noticeboard.cases.models import DIBAO_AREAS, LINSHI_TYPES, TEKUN_MODES, Case, Program
from noticeboard.cases.relatives import registered_cases
from noticeboard.core.dates import CHINA
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.logging import redact
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason, to_ascii_digits
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel, MaskingPolicy
from noticeboard.masking.services import policy_for
from noticeboard.notices.models import Notice, NoticeKind, NoticeStatus
from noticeboard.notices.signals import notice_published, snapshot_freezing
from noticeboard.regions.models import Region, RegionLevel

SCHEMA = 1
OBJECTION_HOWTO = (
    "公示期内，任何单位和个人如有异议，可向乡镇（街道）社会救助经办机构或县民政局反映，"
    "也可扫描二维码或访问公示网页在线提出。反映情况请实事求是。"
)


def canonical_json(snapshot: dict) -> str:
    """One byte-exact text per snapshot: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verification_code(sha256: str) -> str:
    """8 characters of base32 from the hash, as XXXX-XXXX: easy to read out and type."""
    code = base64.b32encode(bytes.fromhex(sha256)[:5]).decode("ascii")
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str | None) -> str:
    """A verification code as typed → as printed, ABCD-EFGH: full-width characters folded,
    lower case raised, spaces, dashes and other marks dropped; 0 and 1 read as O and I,
    since base32 has neither digit and residents copy O/I as 0/1."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    code = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
    code = code.replace("0", "O").replace("1", "I")
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


TITLES = {
    (NoticeKind.PRE_APPROVAL, Program.DIBAO): "城乡最低生活保障拟保对象公示",
    (NoticeKind.PRE_APPROVAL, Program.TEKUN): "特困人员拟认定对象公示",
    (NoticeKind.ROSTER, Program.DIBAO): "城乡最低生活保障对象长期公示",
    (NoticeKind.ROSTER, Program.TEKUN): "特困人员救助供养对象长期公示",
    (NoticeKind.LINSHI_LIST, Program.LINSHI): "临时救助对象公示",
    (NoticeKind.TERMINATION, Program.DIBAO): "城乡最低生活保障终止保障公示",
    (NoticeKind.TERMINATION, Program.TEKUN): "特困人员终止救助供养公示",
}
# The first sentence of a termination notice: what it announces and under which rule.
LEADS = {
    (NoticeKind.TERMINATION, Program.DIBAO): (
        "经调查核实，下列对象已不符合最低生活保障条件，拟终止其最低生活保障，现予公示。"
        "公示期满无异议的，自确认之日起终止。"
    ),
    (NoticeKind.TERMINATION, Program.TEKUN): (
        "根据《特困人员认定办法》第二十六条，经调查核实，下列人员已不符合特困人员救助供养"
        "条件，拟终止其救助供养，现予公示。公示期满无异议的，自确认之日起终止。"
    ),
}


def township_of(region: Region) -> Region:
    return region.ancestor(RegionLevel.TOWNSHIP)


def issuer(township: Region) -> str:
    suffix = "办事处" if township.name.endswith("街道") else "人民政府"
    return township.name + suffix


def title_for(kind: NoticeKind, program: Program, region: Region, month: date) -> str:
    """新店镇东风村2026年11月城乡最低生活保障拟保对象公示"""
    township = township_of(region)
    place = township.name + (region.name if region.id != township.id else "")
    return f"{place}{month.year}年{month.month}月{TITLES[(kind, program)]}"


def clean_public_reason(text: str, label: str, hint: str) -> str:
    """A reason printed on a public notice (更正说明): required, short, and never personal."""
    reason = clean_reason(text, "reason", label, hint, longest=200)
    # Full-width digits and numbers typed in groups (139 1234 5678) are still numbers.
    compact = re.sub(r"(?<=[0-9])[\s\-]+(?=[0-9])", "", to_ascii_digits(reason))
    if redact(compact) != compact:
        raise ValidationFailed(
            {"reason": [f"{label}：会在网上公开，不能写身份证号或电话号码，请删去"]}
        )
    return reason


def columns_for(kind: str, program: Program) -> list[dict]:
    if program == Program.DIBAO:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "户主姓名"},
            {"key": "address", "label": "住址"},
            {"key": "area", "label": "城乡类别"},
            {"key": "category", "label": "保障类别"},
            {"key": "persons", "label": "保障人数", "align": "right"},
            {"key": "amount", "label": "月保障金额（元）", "align": "right"},
        ]
    elif program == Program.TEKUN:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "姓名"},
            {"key": "address", "label": "住址"},
            {"key": "mode", "label": "供养方式"},
            {"key": "basic", "label": "基本生活标准（元/月）", "align": "right"},
            {"key": "care", "label": "照料护理标准（元/月）", "align": "right"},
            {"key": "amount", "label": "合计（元/月）", "align": "right"},
        ]
    else:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "姓名"},
            {"key": "address", "label": "住址"},
            {"key": "type", "label": "救助类型"},
            {"key": "amount", "label": "救助金额（元）", "align": "right"},
            {"key": "paid_on", "label": "发放日期"},
        ]
    if kind == "roster":
        columns.append({"key": "since", "label": "享受起始"})
    return columns


def case_row(case: Case, line: int, policy: MaskingPolicy, kind: str) -> dict:
    """One line of a notice: only what the program needs, masked for the channel.

    Never: members' names, phone, detailed address, health, income or hardship details.
    """
    row = {
        "line": line,
        "name": policy.apply_name(case.applicant_name),
        "address": policy.apply_address(case.village.name, case.group_name),
        "amount": f"{case.listed_amount:.2f}",
    }
    if policy.resident_id != "none":
        row["resident_id"] = policy.apply_resident_id(case.applicant_id_number)
    if case.program == Program.DIBAO:
        row |= {
            "area": DIBAO_AREAS[case.dibao_area],
            "category": case.dibao_category or "",
            "persons": case.persons_covered,
        }
    elif case.program == Program.TEKUN:
        row |= {
            "mode": TEKUN_MODES[case.tekun_mode],
            "basic": f"{case.basic_amount:.2f}",
            "care": f"{case.care_amount:.2f}",
        }
    else:
        row |= {
            "type": LINSHI_TYPES[case.linshi_type],
            "paid_on": case.paid_on.isoformat() if case.paid_on else "",
        }
    if kind == "roster":
        row["since"] = f"{case.benefit_start:%Y-%m}" if case.benefit_start else ""
    return row


def totals(cases: list[Case]) -> dict:
    result = {
        "label": "合计",
        "households": len(cases),
        "amount": f"{sum((c.listed_amount for c in cases), start=0):.2f}",
    }
    if cases and cases[0].program == Program.DIBAO:
        result["persons"] = sum(c.persons_covered or 0 for c in cases)
    return result


def build_snapshot(notice: Notice, cases: list[Case], channel: Channel) -> dict:
    """Exactly what the notice shows on `channel`, with that channel's masking applied."""
    policy = policy_for(channel)
    region = notice.region
    township = township_of(region)
    county = region.ancestor(RegionLevel.COUNTY)
    rows = [case_row(c, i, policy, notice.kind) for i, c in enumerate(cases, 1)]
    columns = columns_for(notice.kind, notice.program)
    if policy.resident_id != "none":
        columns.insert(2, {"key": "resident_id", "label": "身份证号"})
    # The category column is shown only where the township uses categories (分类施保).
    if not any(row.get("category") for row in rows):
        columns = [c for c in columns if c["key"] != "category"]
    # 近亲属备案: only the mark, where the county chooses; never who or which relation.
    if region.near_relatives_shown.shown_on(channel):
        registered = registered_cases([c.id for c in cases]) if cases else set()
        for case, row in zip(cases, rows, strict=True):
            row["near_relative"] = "是" if case.id in registered else ""
        columns.append({"key": "near_relative", "label": "近亲属备案"})
    panel = (township.assessment_panel or "").split("\n") if township.assessment_panel else []
    return {
        "schema": SCHEMA,
        "notice_id": notice.id,
        "kind": str(notice.kind),
        "program": str(notice.program),
        "channel": str(channel),
        "title": notice.title,
        "region": {
            "county": county.name,
            "township": township.name,
            "village": region.name if region.level == RegionLevel.VILLAGE else None,
        },
        "period": (
            {"start": notice.start_date.isoformat(), "end": notice.end_date.isoformat()}
            if notice.kind.has_period
            else None
        ),
        "month": f"{notice.month:%Y-%m}" if notice.month else None,
        "columns": columns,
        "rows": rows,
        "totals": totals(cases) if cases else None,
        "phones": {"township": township.phone or "", "county": county.phone or ""},
        "panel": [name.strip() for name in panel if name.strip()],
        "objection_howto": OBJECTION_HOWTO if notice.kind.has_period else "",
        "lead": LEADS.get((notice.kind, notice.program), ""),
        "issuer": issuer(township),
        # A draft's preview is issued today, as it would be if published now.
        "issued_on": (notice.published_at or utcnow()).astimezone(CHINA).date().isoformat(),
        "supersedes": (
            {"notice_id": notice.supersedes_id, "reason": notice.supersede_reason}
            if notice.supersedes_id
            else None
        ),
    }


def freeze(notice: Notice, cases: list[Case], user, day: date | None = None) -> None:
    """Publish: store both channels' snapshots and hashes. Nothing edits them afterwards."""
    # A given day (demo history) is issued that day, so "issued on" matches the period.
    notice.published_at = utcnow() if day is None else datetime.combine(day, time(9), CHINA)
    notice.published_by_id = user.id if user else None
    snapshots = {channel: build_snapshot(notice, cases, channel) for channel in Channel}
    for snapshot in snapshots.values():
        # Publish only what can be printed: a character no font has would print as tofu.
        snapshot_freezing.send(snapshot)
    online = canonical_json(snapshots[Channel.ONLINE])
    board = canonical_json(snapshots[Channel.BOARD])
    notice.snapshot_online, notice.sha256_online = online, sha256_hex(online)
    notice.snapshot_board, notice.sha256_board = board, sha256_hex(board)
    notice.summary_online = summary_text(snapshots[Channel.ONLINE])
    notice.verification_code = verification_code(notice.sha256_online)
    notice.status = NoticeStatus.PUBLISHED
    notice_published.send(notice)


def snapshot_of(notice: Notice, channel: Channel) -> dict:
    text = notice.snapshot_online if channel == Channel.ONLINE else notice.snapshot_board
    if text is None:
        raise DomainError("该公示尚未发布")
    return json.loads(text)


# What a list of notices shows of each (title, place, dates, issuer), never the rows.
SUMMARY_KEYS = ("kind", "program", "title", "region", "period", "month", "issued_on", "issuer")


def summary_text(snapshot: dict) -> str:
    """The SUMMARY_KEYS of an online snapshot, as canonical JSON: kept beside the snapshot
    when it is frozen, so a list reads ~300 bytes a notice instead of the snapshots of up to
    ~80 KB each (PostgreSQL parsed every snapshot once per key: 80 ms for an API page of
    100 notices at 100,000 cases)."""
    return canonical_json({key: snapshot.get(key) for key in SUMMARY_KEYS})


def with_summaries(query: Select) -> Select:
    """`query` (of notices) without their snapshots; summary_of() reads what lists show."""
    return query.options(defer(Notice.snapshot_online), defer(Notice.snapshot_board))


def summary_of(notice: Notice) -> dict:
    """The SUMMARY_KEYS of a published notice's online snapshot, as snapshot_of gives them."""
    return json.loads(notice.summary_online)


def sha256_of(notice: Notice, channel: Channel) -> str | None:
    return notice.sha256_online if channel == Channel.ONLINE else notice.sha256_board


def notice_references(ids: list[int]) -> dict[int, str]:
    """Notices as the audit log names them: by their title."""
    return dict(db.session.execute(select(Notice.id, Notice.title).where(Notice.id.in_(ids))).all())


register_references("notice", notice_references)
register_field_labels(
    {"title": "标题", "cases": "案件数", "verification_code": "核验码", "reason": "原因"}
)


def audit_notice(action, notice: Notice, user, note: str | None = None, **changes) -> None:
    after = {"title": notice.title, **{k: str(v) for k, v in changes.items()}}
    audit.record(
        action, "notice", notice.id, user=user, region_id=notice.region_id, after=after, note=note
    )
