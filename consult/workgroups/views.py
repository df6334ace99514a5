"""Groupes de travail: liste, espace privé, membres, discussion des idées, co-validation."""

from flask import Blueprint

bp = Blueprint("workgroups", __name__, url_prefix="/groupes")
