"""Fiches actions: drafting by working groups, decisions on contributions, comité validation."""
