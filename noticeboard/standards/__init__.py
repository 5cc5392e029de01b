"""Assistance standards: entering them, re-calculating every case when one changes, and the
periodic review (定期核查) of every 低保 and 特困 case."""
