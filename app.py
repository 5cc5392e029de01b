"""Entry point for `flask --app app run`."""

from noticeboard import create_app

app = create_app()
