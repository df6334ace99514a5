"""Plain text analytics in French (no Flask, no database): normalisation, personal data."""
