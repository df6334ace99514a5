# The README's commands. `make demo` starts the platform; `make test` runs everything.
.PHONY: demo demo-reset test lint format db-check worker install access-docs

install:
	./scripts/bootstrap.sh dev

demo:
	./scripts/demo.sh

# Start again from a fresh demo (deletes instance/consult.db and what the demo produced).
demo-reset:
	RESET=1 ./scripts/demo.sh

test:
	./scripts/test.sh

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

db-check: install
	FLASK_APP=wsgi CONSULT_CONFIG=config.DevelopmentConfig .venv/bin/flask db upgrade
	FLASK_APP=wsgi CONSULT_CONFIG=config.DevelopmentConfig .venv/bin/flask db check

worker: install
	FLASK_APP=wsgi .venv/bin/flask worker

# docs/acces.md from consult/core/access.py and the routes the app serves (a test checks it).
access-docs:
	FLASK_APP=wsgi CONSULT_CONFIG=config.DevelopmentConfig .venv/bin/flask access document > docs/acces.md
