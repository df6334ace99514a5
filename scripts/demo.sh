#!/usr/bin/env bash
# One command: install, migrate, load the Savoie demo, serve on http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
export CONSULT_CONFIG=${CONSULT_CONFIG:-config.DevelopmentConfig}
export FLASK_APP=wsgi
mkdir -p instance
.venv/bin/flask db upgrade
.venv/bin/flask demo load
echo
echo "Plateforme démarrée : http://127.0.0.1:${PORT:-5000}  (Ctrl+C pour arrêter)"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
