"""Administrator page for the per-channel masking policy."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.masking import services
from noticeboard.masking.forms import ChannelPolicyForm
from noticeboard.masking.rules import Channel

bp = Blueprint("masking", __name__, url_prefix="/staff/admin/masking")


def _blank_form(channel: Channel) -> ChannelPolicyForm:
    return ChannelPolicyForm(
        formdata=None,
        prefix=channel,
        data=services.policy_for(channel).to_dict(),
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
@requires(Action.ADMINISTER)
def policy():
    forms = {channel: _blank_form(channel) for channel in Channel}
    posted = request.form.get("channel", "") if request.method == "POST" else ""
    if request.method == "POST":
        # Each form posts its own prefixed fields plus a plain `channel` naming which one it is.
        if posted not in set(Channel):
            abort(400)
        channel = Channel(posted)
        form = ChannelPolicyForm(prefix=channel)
        forms[channel] = form
        if form.validate_on_submit():
            try:
                services.set_policy(current_user, channel, form.policy_values())
            except DomainError as error:
                show_errors(form, error)
            else:
                flash(f"已更新“{channel.label}”的脱敏规则，自即日起发布的公示适用", "success")
                return redirect(url_for("masking.policy"))
    return render_template("masking/policy.html", forms=forms, posted=posted)
