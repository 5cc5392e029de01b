"""What notices tell the areas above them (printing) without importing them."""

from blinker import Namespace

_signals = Namespace()

# sender: the snapshot (dict) about to be frozen; a receiver raises DomainError to refuse it.
# Printing checks that every character can be printed (no tofu on the village board).
snapshot_freezing = _signals.signal("snapshot-freezing")
