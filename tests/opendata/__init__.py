"""Open-data files, their schemas and the page."""
