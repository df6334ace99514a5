"""Bilans annuels générés par une tâche (page, PDF, DOCX)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/bilans")
