"""Facilitators' capture: rapid keyboard entry and spreadsheet import."""

from flask import Blueprint

bp = Blueprint("capture", __name__)
