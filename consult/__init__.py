"""consult: participatory platform for a Département's schéma des solidarités."""

import os

from flask import Flask
from flask_login import user_loaded_from_cookie
from werkzeug.utils import import_string

from consult.core import db as core_db
from consult.core import security
from consult.extensions import (
    csrf,
    db,
    leave_own_limits_alone,
    limiter,
    login_manager,
    migrate,
)


class ConfigurationError(RuntimeError):
    """The app was asked to start without a required setting."""


_ENV_NAMES = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL", "PUBLIC_URL": "CONSULT_PUBLIC_URL"}


def _check_required(app: Flask, config_object) -> None:
    missing = [name for name in getattr(config_object, "REQUIRED", ()) if not app.config.get(name)]
    if missing:
        raise ConfigurationError(
            "Configuration de production incomplète : définissez "
            + ", ".join(_ENV_NAMES.get(m, m) for m in missing)
            + " dans l'environnement."
        )
    problems = security.production_problems(app.config) if app.config.get("PRODUCTION") else []
    if problems:
        raise ConfigurationError("Configuration de production dangereuse : " + " ".join(problems))


def create_app(config_object=None) -> Flask:
    """Build the Flask application (wiring only: no I/O, no queries)."""
    config_object = config_object or os.environ.get("CONSULT_CONFIG", "config.ProductionConfig")
    if isinstance(config_object, str):
        config_object = import_string(config_object)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.url_map.converters["int"] = core_db.BoundedIntConverter
    app.config.from_object(config_object)
    _check_required(app, config_object)
    _init_extensions(app)
    _register_domains(app)
    return app


def _init_extensions(app: Flask) -> None:
    from consult.core import db as core_db
    from consult.core import errors, formatting, jobs, security

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            core_db.configure_sqlite(db.engine, db.session)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(app.root_path, "..", "migrations"),
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies tables
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    leave_own_limits_alone(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    user_loaded_from_cookie.connect(login_manager.bind_restored_session, app)
    errors.init_app(app)
    security.init_app(app)
    jobs.init_app(app)
    formatting.init_app(app)


def _register_domains(app: Flask) -> None:
    import consult.models  # noqa: F401 - every table known to the metadata
    from consult.accounts import views as accounts_views
    from consult.api import admin as api_admin
    from consult.api import cli as api_cli
    from consult.api import views as api_views
    from consult.contributions import capture as capture_views
    from consult.contributions import meeting_pages  # noqa: F401 - views on meetings' bp
    from consult.contributions import views as contributions_views
    from consult.core import cli as core_cli
    from consult.decidim import cli as decidim_cli
    from consult.demo import cli as demo_cli
    from consult.digest import cli as digest_cli
    from consult.digest import views as digest_views
    from consult.fiches import views as fiches_views
    from consult.followup import views as followup_views
    from consult.meetings import views as meetings_views
    from consult.moderation import desk as moderation_desk
    from consult.moderation import merges as moderation_merges
    from consult.moderation import services as moderation_services
    from consult.moderation import views as moderation_views
    from consult.opendata import cli as opendata_cli
    from consult.opendata import jobs as opendata_jobs
    from consult.opendata import views as opendata_views
    from consult.privacy import cli as privacy_cli
    from consult.privacy import views as privacy_views
    from consult.reports import views as reports_views
    from consult.schemes import cli as schemes_cli
    from consult.schemes import views as schemes_views
    from consult.site import views as site_views
    from consult.suite import views as suite_views
    from consult.synthesis import views as synthesis_views
    from consult.tagging import jobs as tagging_jobs
    from consult.workgroups import views as workgroups_views

    for module in (
        site_views,
        accounts_views,
        schemes_views,
        meetings_views,
        contributions_views,
        capture_views,
        moderation_views,
        moderation_desk,
        moderation_merges,
        synthesis_views,
        workgroups_views,
        fiches_views,
        followup_views,
        reports_views,
        suite_views,
        opendata_views,
        digest_views,
        privacy_views,
        api_views,
        api_admin,
    ):
        app.register_blueprint(module.bp)
    accounts_views.init_app(app)
    site_views.init_app(app)
    opendata_jobs.init_app(app)
    digest_views.init_app(app)
    followup_views.init_app(app)
    moderation_services.init_app(app)
    for module in (
        core_cli,
        schemes_cli,
        demo_cli,
        privacy_cli,
        tagging_jobs,
        decidim_cli,
        opendata_cli,
        digest_cli,
        api_cli,
    ):
        module.init_app(app)
