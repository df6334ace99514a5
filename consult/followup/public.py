"""Pages publiques « droit de suite » : ce qui a été dit et ce qui en a été fait."""

from flask import Blueprint

bp = Blueprint("suite", __name__, url_prefix="/suite")
