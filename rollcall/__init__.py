"""Rollcall: the daily safety roll-call of a school's graduating classes."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from rollcall.config import load_config
from rollcall.logs import configure_logger
from rollcall.rendering import TemplateEnvironment

PACKAGE_DIR = Path(__file__).parent


def _template_folder() -> str:
    """Top-level templates/ in a checkout; rollcall/templates/ inside an installed wheel."""
    installed = PACKAGE_DIR / "templates"
    return str(installed if installed.is_dir() else PACKAGE_DIR.parent / "templates")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Rollcall app: settings, extensions, areas, error pages, commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder=_template_folder())
    app.jinja_environment = TemplateEnvironment  # before anything reads app.jinja_env
    load_config(app, test_config)
    configure_logger(app)
    register_extensions(app)
    register_errorhandlers(app)  # first: it sets the <int:…> converter the routes use
    register_reactions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config["TRUSTED_PROXY_HOPS"]:
        hops = int(app.config["TRUSTED_PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def register_extensions(app: Flask) -> None:
    from rollcall import i18n, models, security, static_files, vocabulary  # noqa: F401
    from rollcall.api import models as api_models  # noqa: F401
    from rollcall.auth import loader
    from rollcall.auth import models as auth_models  # noqa: F401
    from rollcall.cases import models as case_models  # noqa: F401
    from rollcall.checks import models as check_models  # noqa: F401
    from rollcall.custody import models as custody_models  # noqa: F401
    from rollcall.extensions import compress, csrf, db, migrate
    from rollcall.family import models as family_models  # noqa: F401
    from rollcall.notify import heartbeat
    from rollcall.notify import models as notify_models  # noqa: F401
    from rollcall.office import models as office_models  # noqa: F401
    from rollcall.roster import models as roster_models  # noqa: F401
    from rollcall.screening import models as screening_models  # noqa: F401
    from rollcall.watch import models as watch_models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"))
    csrf.init_app(app)
    loader.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    compress.init_app(app)  # before static_files: its after_request hands Compress whole files
    static_files.init_app(app)
    heartbeat.init_app(app)


def register_blueprints(app: Flask) -> None:
    from rollcall.admin.contacts import bp as contacts_bp
    from rollcall.admin.views import bp as admin_bp
    from rollcall.api.views import bp as api_bp
    from rollcall.auth.views import bp as auth_bp
    from rollcall.cases.views import bp as cases_bp
    from rollcall.custody.views import bp as custody_bp
    from rollcall.extensions import csrf
    from rollcall.family.views import bp as family_bp
    from rollcall.main.views import bp as main_bp
    from rollcall.notify.views import bp as notify_bp
    from rollcall.notify.webhooks import bp as twilio_hooks_bp
    from rollcall.office import review_views  # noqa: F401  (its routes join office's blueprint)
    from rollcall.office.views import bp as office_bp
    from rollcall.screening.views import bp as screening_bp
    from rollcall.teacher.views import bp as checks_bp
    from rollcall.watch.views import bp as watch_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(checks_bp)
    csrf.exempt(api_bp)  # bearer tokens, never cookies: no cross-site request can forge them
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(watch_bp)
    app.register_blueprint(screening_bp)
    app.register_blueprint(custody_bp)
    app.register_blueprint(family_bp)
    app.register_blueprint(twilio_hooks_bp)


def register_reactions(app: Flask) -> None:
    from rollcall import reactions

    reactions.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from rollcall import templating

    templating.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from rollcall import errors, limits

    errors.init_app(app)
    limits.init_app(app)


def register_commands(app: Flask) -> None:
    from rollcall import backup, database, demo, run_all, school_settings
    from rollcall.api import commands as api_commands
    from rollcall.auth import commands as auth_commands
    from rollcall.jobs import commands as job_commands
    from rollcall.roster import commands as roster_commands

    database.init_app(app)
    backup.init_app(app)
    demo.init_app(app)
    auth_commands.init_app(app)
    api_commands.init_app(app)
    roster_commands.init_app(app)
    job_commands.init_app(app)
    run_all.init_app(app)
    school_settings.init_app(app)
