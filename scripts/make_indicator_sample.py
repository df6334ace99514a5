"""Write the sample indicator file for the Savoie scheme: FICTITIOUS values for a demonstration.

For every indicator of the 33 fiches of ``tests/fixtures/savoie.json``: a definition
(type guessed from the label, unit, baseline 2019, target 2024: the scheme runs
2020-2024) and two yearly values (2022 and 2023). Values come from a random
generator seeded by the fiche and the indicator, so the file is the same at every
run. The source column says "Valeurs fictives de démonstration" on every line: they
are not the Savoie's figures.

Usage: ``python scripts/make_indicator_sample.py`` (from the project root).
"""

import csv
import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult.core.sanitize import safe_cell  # noqa: E402
from consult.followup.indicator_import import TEMPLATE_COLUMNS  # noqa: E402

SOURCE = ROOT / "tests" / "fixtures" / "savoie.json"
OUTPUTS = (
    ROOT / "tests" / "fixtures" / "indicateurs-savoie-2022-2023.csv",
    ROOT / "consult" / "demo" / "data" / "indicateurs-savoie-2022-2023.csv",
)
FICTITIOUS = "Valeurs fictives de démonstration"
BASELINE_YEAR, TARGET_YEAR, YEARS = 2019, 2024, (2022, 2023)
QUALITATIVE_STEPS = (
    "Travaux préparatoires engagés avec les partenaires (constat fictif).",
    "Première mise en œuvre sur deux territoires, bilan d'étape partagé (constat fictif).",
)


def guess_kind(label: str) -> tuple[str, str]:
    """The indicator's type and unit, guessed from the first words of its label."""
    words = label.casefold()
    if words.startswith(("taux", "part ")) or " taux " in words:
        return "taux", "%"
    if words.startswith(("nombre", "nb ")):
        return "nombre", ""
    if words.startswith("montant") or "budget" in words:
        return "montant", "€"
    return "qualitatif", ""


def french(value: float) -> str:
    """12.5 → "12,5"; 1200.0 → "1200" (the import reads both)."""
    return (str(int(value)) if float(value).is_integer() else f"{value:.1f}").replace(".", ",")


def series(kind: str, rng: random.Random) -> tuple[float, list[float], float]:
    """A plausible baseline, the two yearly values and a target for one indicator."""
    if kind == "taux":
        baseline = round(rng.uniform(15, 70), 1)
        step = rng.uniform(0.5, 4)
        values = [
            round(min(baseline + step * (n + 1) + rng.uniform(-1, 1), 100), 1) for n in (0, 1)
        ]
        return baseline, values, round(min(baseline + rng.uniform(8, 20), 100), 0)
    if kind == "montant":
        baseline = rng.randrange(50, 2000) * 1000
        values = [baseline + rng.randrange(-20, 150) * 1000 * (n + 1) for n in (0, 1)]
        return baseline, values, round(baseline * rng.uniform(1.1, 1.5), -3)
    baseline = rng.randrange(10, 1500)
    values = [max(0, round(baseline * (1 + rng.uniform(-0.05, 0.15) * (n + 1)))) for n in (0, 1)]
    return baseline, values, round(baseline * rng.uniform(1.2, 1.6))


def rows(document: dict):
    """One line per indicator and year."""
    for fiche in document["fiches"]:
        for position, label in enumerate(fiche.get("indicators", []), 1):
            kind, unit = guess_kind(label)
            rng = random.Random(f"savoie-{fiche['number']}-{position}")  # noqa: S311 - not secret
            definition = {"type": kind, "unite": unit}
            if kind == "qualitatif":
                values = list(QUALITATIVE_STEPS)
            else:
                baseline, numbers, target = series(kind, rng)
                values = [french(v) for v in numbers]
                definition |= {
                    "reference": french(baseline),
                    "annee_reference": BASELINE_YEAR,
                    "cible": french(target),
                    "annee_cible": TARGET_YEAR,
                }
            for year, value in zip(YEARS, values, strict=True):
                yield {
                    "fiche": fiche["number"],
                    "indicateur": position,
                    "libelle": label,
                    "annee": year,
                    "valeur": value,
                    "source": FICTITIOUS,
                    "commentaire": "Valeur inventée pour montrer le suivi, à remplacer.",
                    **definition,
                }


def render(document: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in rows(document):
        writer.writerow([safe_cell(row.get(name, "")) for name in TEMPLATE_COLUMNS])
    return buffer.getvalue()


def main() -> None:
    text = render(json.loads(SOURCE.read_text(encoding="utf-8")))
    for path in OUTPUTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)} : {text.count(chr(10)) - 1} lignes")


if __name__ == "__main__":
    main()
