"""Cases of the three programs: 低保 households, 特困 persons and 临时救助 payments."""
