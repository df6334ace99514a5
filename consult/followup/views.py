"""Suivi du schéma: avancement des actions, indicateurs et mesures, import, graphiques."""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/suivi-du-schema")
