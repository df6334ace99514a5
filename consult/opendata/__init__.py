"""Open data: flat files (CSV, JSON, Table Schema, data card) of each scheme."""
