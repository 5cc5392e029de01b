"""Read-only public JSON API (online channel only)."""
