"""What notices tell the areas above them (printing) without importing them."""

from blinker import Namespace

_signals = Namespace()

# sender: the snapshot (dict) about to be frozen; a receiver raises DomainError to refuse it.
# Printing checks that every character can be printed (no tofu on the village board).
snapshot_freezing = _signals.signal("snapshot-freezing")

# sender: the notice, just published (its snapshots and hashes set, before the commit).
# Printing renders the board copy's PDF in the background once the commit is done.
notice_published = _signals.signal("notice-published")
