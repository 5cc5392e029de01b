"""Staff accounts, roles and the region each account is bound to."""
