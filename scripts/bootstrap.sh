#!/usr/bin/env bash
# Create .venv and install consult (idempotent). Usage: bootstrap.sh [runtime|dev]
#   runtime: what the platform needs to run (make demo)
#   dev (default): plus test and lint tools (make test, make lint)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-dev}
case $mode in
  runtime) target="." ;;
  dev) target=".[dev]" ;;
  *) echo "Usage : $0 [runtime|dev]" >&2; exit 2 ;;
esac
PYTHON=${PYTHON:-python3}
stamp_for() {  # the dev stamp keeps its former name, so existing checkouts are not redone
  if [[ $1 == dev ]]; then echo .venv/.consult-installed; else echo ".venv/.consult-installed-$1"; fi
}
fresh() { [[ -f $1 && ! pyproject.toml -nt $1 ]]; }
# A dev install holds the runtime: either stamp will do for the demo.
if fresh "$(stamp_for "$mode")" || { [[ $mode == runtime ]] && fresh "$(stamp_for dev)"; }; then
  exit 0
fi
start=$SECONDS
if [[ ! -x .venv/bin/python ]]; then
  echo "» Création de l'environnement Python (.venv)…"
  "$PYTHON" -m venv .venv
fi
if [[ $mode == runtime ]]; then
  echo "» Installation de la plateforme (sans les outils de développement)."
else
  echo "» Installation de la plateforme et des outils de développement (tests, lint)."
fi
echo "  La première fois, cela prend environ 4 minutes (téléchargements) ; les fois suivantes, rien."
echo "» Mise à jour de pip…"
.venv/bin/python -m pip install --quiet --upgrade pip
echo "» Téléchargement et installation des dépendances (chaque paquet s'affiche) :"
set +e
.venv/bin/python -m pip install -e "$target" 2>&1 \
  | grep --line-buffered -E '^(Collecting|Installing|Successfully|ERROR)' \
  | sed -u -e 's/^Collecting /  · paquet : /' \
    -e 's/^Installing collected packages:.*/» Installation des paquets téléchargés…/' \
    -e 's/^Successfully installed.*/» Paquets installés./'
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
  echo "ÉCHEC de l'installation (pip, code $status) : relancez « .venv/bin/python -m pip install -e '$target' » pour le détail." >&2
  exit "$status"
fi
touch "$(stamp_for "$mode")"
echo "» Installation terminée en $((SECONDS - start)) s."
