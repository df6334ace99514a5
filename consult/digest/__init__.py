"""News for contributors: a digest e-mail when the fiche answering them moves."""
