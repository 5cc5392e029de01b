"""noticeboard: social-assistance public notices (社会救助公示) for Chinese townships."""

from decimal import Decimal

from flask import Flask

from noticeboard.audit.models import AuditEntry, shown_value
from noticeboard.config import INSTANCE_DIR, Config, follow_public_address
from noticeboard.core.dates import CHINA
from noticeboard.core.forms import page_address
from noticeboard.core.permissions import template_can
from noticeboard.core.response_cache import init_response_cache
from noticeboard.masking.rules import mask_phone, mask_resident_id_for_staff


def create_app(config: dict | None = None) -> Flask:
    # The areas are imported here, as in Flask's tutorial, so that importing one pure module
    # (say noticeboard.masking.rules) does not load every blueprint, and so the extensions
    # are bound before the blueprints that use them register.
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    follow_public_address(app.config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)

    from noticeboard import models  # noqa: F401  (registers every table on the metadata)
    from noticeboard.core.compression import init_compression
    from noticeboard.core.crypto import init_keys
    from noticeboard.core.logging import install as install_log_redaction
    from noticeboard.core.security import RecordIdConverter, init_security
    from noticeboard.core.static_files import init_static_versions
    from noticeboard.extensions import csrf, db, limiter, login_manager, migrate

    # Before any blueprint registers, so every <int:…> in a route is the bounded converter.
    app.url_map.converters["int"] = RecordIdConverter
    init_keys(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    init_security(app)
    init_compression(app)
    init_static_versions(app)
    # Request lines (werkzeug) and errors (the app's logger) are both redacted.
    install_log_redaction("werkzeug", app.logger.name, "sqlalchemy")

    from noticeboard.accounts.views import bp as accounts_bp
    from noticeboard.api.views import bp as api_bp
    from noticeboard.audit.views import bp as audit_bp
    from noticeboard.cases.views import bp as cases_bp
    from noticeboard.health import bp as health_bp
    from noticeboard.holidays.views import bp as holidays_bp
    from noticeboard.jobs.views import bp as jobs_bp
    from noticeboard.masking.views import bp as masking_bp
    from noticeboard.notices.views import bp as notices_bp
    from noticeboard.portal.views import bp as portal_bp
    from noticeboard.printing.views import bp as printing_bp
    from noticeboard.regions.views import bp as regions_bp
    from noticeboard.spreadsheets.views import bp as spreadsheets_bp
    from noticeboard.standards.views import bp as standards_bp
    from noticeboard.statistics.views import bp as statistics_bp

    blueprints = (
        portal_bp,
        printing_bp,
        api_bp,
        accounts_bp,
        regions_bp,
        holidays_bp,
        cases_bp,
        notices_bp,
        masking_bp,
        audit_bp,
        spreadsheets_bp,
        statistics_bp,
        standards_bp,
        jobs_bp,
        health_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # The JSON API takes no forms and sets no cookies; CSRF protects forms, not GETs.
    csrf.exempt(api_bp)

    from noticeboard.cli import register_cli

    register_cli(app)
    if not app.testing:
        _warn_if_printing_incomplete(app)
    _register_template_helpers(app)
    # Last: the outermost layer, before ProxyFix and Flask.
    init_response_cache(app)
    return app


def _register_template_helpers(app: Flask) -> None:

    app.add_template_global(template_can, "can")
    app.add_template_global(page_address, "page_address")
    app.add_template_global(AuditEntry.field_label, "field_label")

    @app.template_filter("yuan")
    def yuan(value) -> str:
        """1234.5 → 1,234.50 (thousands separators, as in the county's Excel sheets)."""
        return "" if value is None else f"{Decimal(value):,.2f}"

    @app.template_filter("beijing")
    def beijing(value) -> str:
        """Stored in UTC, read by staff in Beijing time."""
        return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")

    app.add_template_filter(shown_value, "audit_value")
    # Staff pages show resident IDs and phones masked unless the page was revealed (logged).
    app.add_template_filter(mask_resident_id_for_staff, "masked_id")
    app.add_template_filter(mask_phone, "masked_phone")


def _warn_if_printing_incomplete(app: Flask) -> None:
    """Say at start, not at the first print, when fonts or HarfBuzz subsetting are missing."""
    from noticeboard.printing.fonts import SANS_FAMILY, SERIF_FAMILY, find_face, harfbuzz_subset_ok

    missing = [family for family in (SERIF_FAMILY, SANS_FAMILY) if find_face(family) is None]
    if missing:
        app.logger.warning(
            "printing: CJK fonts missing (%s); install fonts-noto-cjk, see `flask doctor`",
            ", ".join(missing),
        )
    if not harfbuzz_subset_ok():
        app.logger.warning(
            "printing: libharfbuzz-subset0 missing; PDFs render ~30x slower, see `flask doctor`"
        )
