"""/api/v1: notices in public view, with the masked online snapshot."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
