"""What regions tell the areas above them (the audit log) without importing them."""

from blinker import Namespace

_signals = Namespace()

# sender: the region; keyword arguments user, before, after (dicts as staff read them),
# and note (which settings: 公示设置 by default, 审核确认权限 for a county's delegation).
notice_settings_changed = _signals.signal("notice-settings-changed")
