"""Fiches actions drafted by working groups, decisions on contributions, comité validation."""

from flask import Blueprint

bp = Blueprint("fiches", __name__)
