"""Cross-cutting pieces: database column types, domain errors, the scope filter, HTTP security."""
