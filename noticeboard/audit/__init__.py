"""Append-only audit log: who changed what, when, with the values before and after."""
