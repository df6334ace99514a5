"""Synthesis reports for the working groups, traceable to every contribution."""
