"""Reading and changing the per-channel masking policy."""

from noticeboard.audit import services as audit
from noticeboard.audit.models import register_field_labels
from noticeboard.core.errors import ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.extensions import db
from noticeboard.masking.models import ChannelPolicy
from noticeboard.masking.rules import (
    ADDRESS_KEEPS,
    BOARD_DEFAULT,
    NAME_MODES,
    ONLINE_DEFAULT,
    RESIDENT_ID_KEEPS,
    Channel,
    MaskingPolicy,
)

DEFAULTS = {Channel.BOARD: BOARD_DEFAULT, Channel.ONLINE: ONLINE_DEFAULT}
FIELD_LABELS = {"name": "姓名", "resident_id": "身份证号", "address": "住址"}
register_field_labels({k: f"{v}脱敏方式" for k, v in FIELD_LABELS.items()})


def policy_for(channel: Channel) -> MaskingPolicy:
    default = DEFAULTS[channel]
    stored = db.session.get(ChannelPolicy, str(channel))
    return MaskingPolicy.from_dict(stored.policy, default) if stored else default


def set_policy(user, channel: Channel | str, values: dict) -> MaskingPolicy:
    require(user, Action.ADMINISTER)
    if channel not in set(Channel):
        raise ValidationFailed({"channel": ["渠道：请从列表中选择"]})
    channel = Channel(channel)
    # The online channel reaches anyone with a phone: never full names, never any part of an ID.
    if channel == Channel.ONLINE and values.get("name") == "full":
        raise ValidationFailed({"name": ["姓名：网上公示必须遮挡姓名"]})
    if channel == Channel.ONLINE and values.get("resident_id", "none") != "none":
        raise ValidationFailed({"resident_id": ["身份证号：网上公示不得显示身份证号的任何部分"]})
    allowed = {"name": NAME_MODES, "resident_id": RESIDENT_ID_KEEPS, "address": ADDRESS_KEEPS}
    errors = {
        key: [f"{FIELD_LABELS[key]}：请从列表中选择"]
        for key, modes in allowed.items()
        if key in values and values[key] not in modes
    }
    if errors:
        raise ValidationFailed(errors)
    policy = MaskingPolicy.from_dict(values, DEFAULTS[channel])
    before = policy_for(channel).to_dict()
    stored = db.session.get(ChannelPolicy, str(channel)) or ChannelPolicy(channel=channel)
    stored.policy = policy.to_dict()
    stored.updated_by_id = user.id
    db.session.add(stored)
    audit.record(
        audit.AuditAction.UPDATE,
        "masking_policy",
        0,
        user=user,
        before=before,
        after=policy.to_dict(),
        note=Channel(channel).label,
    )
    db.session.commit()
    return policy
