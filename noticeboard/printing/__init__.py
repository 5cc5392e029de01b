"""Printing of published notices (PDF for the notice board and for download).

The renderer (render, fonts, paging, parallel, pool, batch) is independent of Flask and the
database: it takes a published-notice snapshot (a plain dict with one masking channel
already applied) and gives PDF bytes back. A long notice is rendered in parts of whole
pages on several CPUs (paging plans the pages, parallel renders and joins the parts on the
warm worker processes of pool). services and views store those PDFs and serve them;
services also refuses, at publication, a snapshot with a character no installed font can
print.
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
