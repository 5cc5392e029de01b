"""Public portal: home → township → village."""

from flask import Blueprint, render_template
from sqlalchemy import select

from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel

bp = Blueprint("portal", __name__)


@bp.route("/")
def home():
    townships = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.TOWNSHIP).order_by(Region.path)
    ).all()
    return render_template("portal/home.html", townships=townships)
