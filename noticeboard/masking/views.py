"""Administrator page for the per-channel masking policy."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.masking import services
from noticeboard.masking.forms import ChannelPolicyForm

bp = Blueprint("masking", __name__, url_prefix="/staff/admin/masking")


def _blank_form(channel: str) -> ChannelPolicyForm:
    return ChannelPolicyForm(
        formdata=None,
        prefix=channel,
        data=services.policy_for(channel).to_dict(),
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def policy():
    if not current_user.is_admin:
        abort(403)
    forms = {channel: _blank_form(channel) for channel in services.CHANNELS}
    channel = request.form.get("channel", "") if request.method == "POST" else ""
    if request.method == "POST":
        # Each form posts its own prefixed fields plus a plain `channel` naming which one it is.
        if channel not in services.CHANNELS:
            abort(400)
        form = ChannelPolicyForm(prefix=channel)
        forms[channel] = form
        if form.validate_on_submit():
            try:
                services.set_policy(current_user, channel, form.policy_values())
            except DomainError as error:
                show_errors(form, error)
            else:
                flash(
                    f"已更新“{services.CHANNEL_LABELS[channel]}”的脱敏规则，自即日起发布的公示适用",
                    "success",
                )
                return redirect(url_for("masking.policy"))
    return render_template(
        "masking/policy.html", forms=forms, labels=services.CHANNEL_LABELS, posted=channel
    )
