"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from consult.core.db import metadata

db = SQLAlchemy(metadata=metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# No default limit: routes opt in (anonymous posting, supports). Storage is
# Redis when configured (shared by gunicorn workers), memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
