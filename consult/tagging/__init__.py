"""Tagging: themes, fiches and publics on contributions, with explainable suggestions."""
