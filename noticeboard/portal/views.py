"""Public portal: home → township → village → notice; verification; large-text mode."""

from flask import Blueprint, redirect, render_template, request
from sqlalchemy import select

from noticeboard.core.security import safe_next
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel

bp = Blueprint("portal", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def home():
    townships = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.TOWNSHIP).order_by(Region.path)
    ).all()
    return render_template("portal/home.html", townships=townships)


@bp.route("/display")
def display():
    """Large-text mode (长者模式): a cookie, so it stays on from page to page without JS."""
    response = redirect(safe_next(request.args.get("next"), default="/"))
    size = "large" if request.args.get("size") == "large" else "normal"
    response.set_cookie("text_size", size, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    return response


@bp.route("/verify")
def verify():
    return "placeholder: portal helper replaces this"
