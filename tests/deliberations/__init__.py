"""The deliberation that adopted a fiche."""
