"""Cross-cutting building blocks: database helpers, forms, sanitising, jobs, errors."""
