"""Printing of published notices (PDF for the notice board and for download).

Independent of Flask and the database: callers pass a published-notice snapshot (a
plain dict with one masking channel already applied) and get PDF bytes back.
"""

from .batch import merge_pdfs, render_batch
from .fonts import MissingGlyphs, check_coverage, doctor
from .render import render_notice_pdf

__all__ = [
    "MissingGlyphs",
    "check_coverage",
    "doctor",
    "merge_pdfs",
    "render_batch",
    "render_notice_pdf",
]
