"""Excel in and out: templates, importing cases from .xlsx/.csv, exporting every list."""
