"""Regions: county (县/区) → township (乡镇/街道) → village (村/社区) → group (组)."""
