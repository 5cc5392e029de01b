"""What regions tell the areas above them (the audit log) without importing them."""

from blinker import Namespace

_signals = Namespace()

# sender: the region; keyword arguments user, before, after (dicts as staff read them).
notice_settings_changed = _signals.signal("notice-settings-changed")
