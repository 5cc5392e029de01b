"""Public pages for residents: no login, masked data only."""
