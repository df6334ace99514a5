#!/usr/bin/env bash
# One command: install, migrate, load the Savoie demo, serve on http://127.0.0.1:$PORT
#   PORT=5001 make demo   another port when 5000 is taken
#   RESET=1 make demo     (or make demo-reset) start again from a fresh demo
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5000}
if [[ ! $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "PORT=$PORT n'est pas un numéro de port (1 à 65535), par exemple : PORT=5001 make demo" >&2
  exit 2
fi

port_free() {  # can we listen on 127.0.0.1:$1 ?
  python3 - "$1" <<'PYEOF'
import socket, sys
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PYEOF
}

if ! port_free "$PORT"; then
  echo "Le port $PORT est déjà utilisé (une autre démonstration, ou un autre programme)." >&2
  echo "Choisissez-en un autre, par exemple :  PORT=5001 make demo" >&2
  exit 1
fi

# The app's instance folder (config.py): where the SQLite demo and its files live.
INSTANCE=${CONSULT_INSTANCE_DIR:-instance}

if [[ ${RESET:-} == 1 ]]; then
  if [[ -n ${DATABASE_URL:-}${CONSULT_DATABASE_URL:-} ]]; then
    echo "RESET=1 ne remet à zéro que la base SQLite de démonstration ($INSTANCE/consult.db) ;" >&2
    echo "DATABASE_URL est défini : videz cette base vous-même." >&2
    exit 2
  fi
  echo "» Remise à zéro de la démonstration (base, comptes, fichiers produits)…"
  rm -rf "$INSTANCE"/consult.db "$INSTANCE"/consult.db-wal "$INSTANCE"/consult.db-shm \
    "$INSTANCE"/demo-logins.txt "$INSTANCE"/uploads "$INSTANCE"/documents \
    "$INSTANCE"/opendata "$INSTANCE"/cache
fi

./scripts/bootstrap.sh runtime
export CONSULT_CONFIG=${CONSULT_CONFIG:-config.DevelopmentConfig}
export CONSULT_PUBLIC_URL=${CONSULT_PUBLIC_URL:-http://127.0.0.1:$PORT}
export FLASK_APP=wsgi
mkdir -p "$INSTANCE"
echo "» Mise à jour de la base de données…"
.venv/bin/flask db upgrade
echo "» Chargement de la démonstration (schéma de la Savoie)…"
.venv/bin/flask demo load
if ! port_free "$PORT"; then  # taken while we were installing
  echo "Le port $PORT vient d'être pris : relancez avec un autre, par exemple  PORT=5001 make demo" >&2
  exit 1
fi
echo
echo "Plateforme démarrée : http://127.0.0.1:$PORT  (Ctrl+C pour arrêter)"
echo "Repartir d'une démonstration neuve : make demo-reset  (ou RESET=1 make demo)"
exec .venv/bin/flask run --host 127.0.0.1 --port "$PORT"
