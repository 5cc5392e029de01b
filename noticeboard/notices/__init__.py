"""Notices: the 7-day pre-approval notice, the long-term roster, temporary-assistance lists,
objections and approval."""
