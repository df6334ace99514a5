"""Tag-suggestion quality, measured through the platform's own import, tags and suggesters.

    python bench/tagging_quality.py --scheme ../shared/data/schemes/savoie.json \
        --labelled ../shared/data/labelled/contributions-dev.jsonl [--train TRAIN.jsonl]

The scheme (``consult-scheme/1``) is imported with ``import_scheme`` into a throwaway
SQLite database; each labelled item becomes a Contribution of one meeting and gets its
suggestions from ``build_suggesters`` + ``store_suggestions``, as the platform's jobs do.
With ``--train``, the training items are stored too and tagged with ``add_tag`` as a
facilitator would, then the suggesters are rebuilt (they learn from tags) and the
labelled items are scored again.

Labelled items are JSON lines: ``text``, ``theme``, ``fiche``, optional ``theme_alt``,
``fiche_alt``; a label is a number, a code or a title of the scheme (matched after
normalisation), or a list of them (the first the label, the others alternatives). A
suggestion hits when it is the label or its alternative. An item with no label for a
target (``null``, ``""``, absent: off-topic) does not count for it; an item whose label
is not in the scheme counts as a miss, with a warning. An item without text is left
out, with a warning. A figure no item counts for is printed ``nan`` (said on stderr).

With ``--folds K`` (and no ``--train``), the ``learned`` figures come from K-fold
cross-validation on the labelled file itself: the suggesters learn from the tags of
K-1 folds and score the held-out fold, in turn.

By default a contribution is its text alone. With ``--publics``, each also carries the
publics of its item's ``public`` field (a code, ``mna``, or a list of codes), as a
contribution does when its author or a facilitator ticked « Qui est concerné ? »: the
platform's suggestions read them (``consult.tagging.services.with_publics``).

Stdout: one figure a line, ``cold fiche top3 0.63`` (and ``learned …`` with --train
or --folds), then, for the learned fiche suggestions, one line per score band:
``calibration fiche 0.8 precision 0.83 share 0.41`` (band lower bound; share of the
suggestions scored in the band that are right; share of contributions whose best
suggestion is in the band), then ``baseline theme top1 0.58`` …: what a plain model
(lemma 1-2 grams + character 2-5 grams, TF-IDF, logistic regression, no scheme text)
learns from the same tags, for comparison. Everything else goes to stderr.
"""

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sqlalchemy as sa
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from consult.accounts.models import User  # noqa: E402
from consult.analysis.text import analyzer, strip_accents  # noqa: E402
from consult.contributions.models import Contribution  # noqa: E402
from consult.core.db import utcnow  # noqa: E402
from consult.demo.content import PUBLICS  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.meetings.models import Meeting  # noqa: E402
from consult.schemes.importer import (  # noqa: E402
    SchemeImportError,
    import_scheme,
    load_document,
    slugify,
    validate_document,
)
from consult.schemes.models import Fiche, Public, Theme  # noqa: E402
from consult.tagging.models import ContributionTag  # noqa: E402
from consult.tagging.services import (  # noqa: E402
    add_tag,
    build_suggesters,
    store_suggestions,
    suggestion_text,
    suggestions_of,
)

TARGETS = ("theme", "fiche")
TOPS = (1, 3)
BANDS = 10  # calibration bands of 0.1
BASELINE_C = 10.0  # the baseline's regularisation (C=10 to 50 gave the same figures)
MODELS = {"theme": Theme, "fiche": Fiche}
NAMES = {"theme": "thématique", "fiche": "fiche"}
_PREFIX = re.compile(r"^(?:fiches? actions?|fiches?|fa|themes?|thematiques?|t|n|no|numero) ")


class BenchError(Exception):
    """A file is missing or malformed (French message)."""


def warn(message: str) -> None:
    print(f"Attention : {message}", file=sys.stderr)


def note(message: str) -> None:
    print(message, file=sys.stderr)


# --- Reading the files -----------------------------------------------------------------


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise BenchError(f"{what} introuvable : {path}") from exc
    except UnicodeDecodeError as exc:
        raise BenchError(f"{what} {path} : le fichier n'est pas encodé en UTF-8.") from exc
    except OSError as exc:
        raise BenchError(f"{what} {path} illisible : {exc.strerror}.") from exc


def read_scheme(path: Path) -> dict:
    """The scheme document, parsed and checked by the platform's importer."""
    try:
        data = load_document(_read_text(path, "Schéma"))
    except SchemeImportError as exc:
        raise BenchError(f"Schéma {path} : {' '.join(exc.errors)}") from exc
    errors = validate_document(data)
    if errors:
        raise BenchError(f"Schéma {path} : " + " ".join(errors))
    return data


def _check_item(data, where: str) -> dict | None:
    """The item, or None (with a warning) when it has no text to suggest for."""
    if not isinstance(data, dict):
        raise BenchError(f"{where} : un objet JSON ({{…}}) est attendu.")
    if not isinstance(data.get("text"), str) or not data["text"].strip():
        warn(f"{where} : champ « text » manquant ou vide, contribution ignorée.")
        return None
    return data


def read_items(path: Path) -> list[dict]:
    """Labelled items of a JSON-lines file (blank lines are skipped; lines end at ``\n``
    only: a text may hold U+2028 or U+0085, which ``splitlines`` would cut at)."""
    items = []
    for number, line in enumerate(_read_text(path, "Fichier étiqueté").split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}, ligne {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BenchError(f"{where} : JSON invalide (colonne {exc.colno}).") from exc
        if (item := _check_item(data, where)) is not None:
            items.append(item)
    if not items:
        raise BenchError(f"{path} : aucune contribution étiquetée.")
    return items


# --- Matching labels to the scheme -----------------------------------------------------


def normalise(value) -> str:
    """``"Fiche n°07"`` → ``"fiche n 7"``; ``"1.1.1"`` and ``"1-1-1"`` → ``"1 1 1"``;
    ``7.0`` and ``"7.0"`` (a number exported as a float) → ``"7"``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\.0+\s*", value):
        value = value.strip().split(".")[0]
    text = strip_accents(str(value)).lower()
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = " ".join(re.findall(r"[a-z0-9]+", text))
    return re.sub(r"\b0+(?=\d)", "", text)


class LabelIndex:
    """Finds a theme or fiche by number, code, title or « number title »."""

    def __init__(self, objects):
        self.keys: dict[str, int] = {}
        for obj in objects:
            self.keys.setdefault(normalise(obj.number), obj.id)
        for obj in objects:
            self.keys.setdefault(normalise(obj.title), obj.id)
            self.keys.setdefault(normalise(f"{obj.number} {obj.title}"), obj.id)

    def find(self, value) -> int | None:
        key = normalise(value)
        while key:
            if key in self.keys:
                return self.keys[key]
            shorter = _PREFIX.sub("", key, count=1)
            if shorter == key:
                return None
            key = shorter
        return None


@dataclass
class Labelled:
    """A labelled item: its text and, per target, the ids it accepts; with ``--publics``,
    the publics it concerns (labels), as a contribution carries them."""

    text: str
    main: dict[str, int | None] = field(default_factory=dict)
    wanted: dict[str, set[int] | None] = field(default_factory=dict)
    publics: list[str] = field(default_factory=list)

    @property
    def read(self) -> str:
        """The text as the platform's suggestions read it (with its publics)."""
        return suggestion_text(self.text, self.publics)


PUBLIC_LABELS = dict(PUBLICS)


def public_labels(item: dict) -> list[str]:
    """The item's ``public`` (a code or a list of codes) as the platform's publics name
    them (``mna`` → « Mineurs non accompagnés »; an unknown code, its words)."""
    given = item.get("public") or []
    given = given if isinstance(given, list) else [given]
    codes = [c for c in given if isinstance(c, str)]
    return [PUBLIC_LABELS.get(c, c.replace("_", " ").capitalize()) for c in codes if c.strip()]


def resolve(
    items: list[dict], indexes: dict[str, LabelIndex], unknown: Counter, publics: bool = False
) -> list:
    """Labels → scheme ids; ``wanted[target]`` is None when the item has no label.
    ``publics``: each item keeps its ``public`` field, as a contribution's publics."""
    resolved = []
    for item in items:
        labelled = Labelled(item["text"], publics=public_labels(item) if publics else [])
        for target in TARGETS:
            given = labels_of(item, target)
            ids = [indexes[target].find(value) for value in given]
            unknown.update((target, str(v)) for v, i in zip(given, ids, strict=True) if i is None)
            labelled.main[target] = next((i for i in ids if i is not None), None)
            labelled.wanted[target] = {i for i in ids if i is not None} if given else None
        resolved.append(labelled)
    return resolved


def labels_of(item: dict, target: str) -> list:
    """The item's labels for ``target``, main first: ``target`` then ``target_alt``, each
    one value or a list; ``null``, blank strings and empty lists are no label."""
    found = []
    for key in (target, f"{target}_alt"):
        value = item.get(key)
        for one in value if isinstance(value, list) else [value]:
            if one is None or (isinstance(one, str) and not one.strip()):
                continue
            found.append(one if isinstance(one, str | int | float) else json.dumps(one))
    return found


def warn_unknown(unknown: Counter, where: Path) -> None:
    for (target, value), n in sorted(unknown.items()):
        warn(f"{where} : {NAMES[target]} « {value} » absente du schéma ({n} fois, compté manqué).")


# --- Running the platform --------------------------------------------------------------


@contextmanager
def bench_app(directory: Path):
    """An app context on a fresh SQLite database in ``directory``."""
    from config import TestConfig
    from consult import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.db'}",
        "INSTANCE_DIR": directory,
        "UPLOAD_DIR": directory / "uploads",
        "REDIS_URL": None,
        "JOBS_INLINE": True,
    }
    app = create_app(type("BenchConfig", (TestConfig,), settings))
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def store(meeting: Meeting, rows: list[Labelled]) -> list[Contribution]:
    contributions = [
        Contribution(meeting=meeting, body=r.text, status="published", publics=_publics(r))
        for r in rows
    ]
    db.session.add_all(contributions)
    db.session.flush()
    return contributions


def _publics(row: Labelled) -> list[Public]:
    """The row's publics as rows of the platform (added the first time one is named)."""
    found = []
    for label in row.publics:
        code = slugify(label).replace("-", "_")
        public = db.session.scalar(sa.select(Public).where(Public.code == code))
        if public is None:
            public = Public(code=code, label=label)
            db.session.add(public)
        if public not in found:  # « mna » given twice is one public
            found.append(public)
    return found


def learn(meeting: Meeting, rows: list[Labelled], actor: User) -> int:
    """Store training items and tag each with its label, as a facilitator does."""
    return tag_all(list(zip(store(meeting, rows), rows, strict=True)), actor)


def tag_all(pairs: list[tuple[Contribution, Labelled]], actor: User) -> int:
    """Tag each contribution with its row's labels, as a facilitator does."""
    tagged = 0
    for contribution, row in pairs:
        for target in TARGETS:
            if row.main[target] is not None:
                label = db.session.get(MODELS[target], row.main[target])
                add_tag(contribution, actor=actor, now=utcnow(), **{target: label})
                tagged += 1
    return tagged


def ranking(contribution: Contribution) -> dict[str, list[tuple[int, float]]]:
    """Stored suggestions per target, ``(id, score)`` best first (ties as stored)."""
    ranked = {target: [] for target in TARGETS}
    for s in sorted(suggestions_of(contribution), key=lambda s: (-s.score, s.id)):
        ranked["theme" if s.theme_id else "fiche"].append((s.theme_id or s.fiche_id, s.score))
    return ranked


@dataclass
class Tally:
    """Hits at each k for one target, and items that could not count."""

    counted: int = 0
    hits: Counter = field(default_factory=Counter)
    unlabelled: int = 0
    silent: int = 0
    scored: list[tuple[float, bool]] = field(default_factory=list)
    best: list[float] = field(default_factory=list)

    def add(self, wanted: set[int] | None, ranked: list[tuple[int, float]]) -> None:
        if wanted is None:
            self.unlabelled += 1
            return
        ids = [i for i, _score in ranked]
        self.counted += 1
        self.silent += not ranked
        for k in TOPS:
            self.hits[k] += bool(wanted & set(ids[:k]))
        self.scored += [(score, i in wanted) for i, score in ranked]
        self.best += [ranked[0][1]] if ranked else []

    def merge(self, other: "Tally") -> None:
        self.counted += other.counted
        self.hits.update(other.hits)
        self.unlabelled += other.unlabelled
        self.silent += other.silent
        self.scored += other.scored
        self.best += other.best

    def rate(self, k: int) -> float:
        return self.hits[k] / self.counted if self.counted else float("nan")

    def bands(self) -> list[tuple[float, float, float]]:
        """``(lower bound, share right, share of contributions)`` per band used."""
        result = []
        for band in range(BANDS):
            inside = [right for score, right in self.scored if _band(score) == band]
            if inside:
                best = sum(_band(score) == band for score in self.best)
                share = best / self.counted if self.counted else float("nan")
                result.append((band / BANDS, sum(inside) / len(inside), share))
        return result


def _band(score: float) -> int:
    return min(BANDS - 1, max(0, math.floor(score * BANDS + 1e-9)))


def measure(scheme, contributions: list[Contribution], rows: list[Labelled]) -> dict:
    """Suggest for each contribution with freshly built suggesters; tally per target."""
    suggesters = build_suggesters(scheme)
    started = time.process_time()
    tallies = {target: Tally() for target in TARGETS}
    for contribution, row in zip(contributions, rows, strict=True):
        store_suggestions(contribution, suggesters, now=utcnow(), top=max(TOPS))
        ranked = ranking(contribution)
        for target in TARGETS:
            tallies[target].add(row.wanted[target], ranked[target])
    per_item = (time.process_time() - started) * 1000 / max(1, len(rows))
    note(f"{per_item:.1f} ms CPU par contribution (suggestions calculées et enregistrées)")
    return tallies


def cross_validate(scheme, meeting, actor, contributions, rows, folds: int) -> dict:
    """Learn from the tags of K-1 folds, measure the held-out fold; tallies added up."""
    totals = {target: Tally() for target in TARGETS}
    for fold in range(folds):
        db.session.execute(sa.delete(ContributionTag))
        pairs = list(zip(contributions, rows, strict=True))
        kept = [pair for n, pair in enumerate(pairs) if n % folds != fold]
        held = [pair for n, pair in enumerate(pairs) if n % folds == fold]
        tag_all(kept, actor)
        tallies = measure(scheme, [c for c, _ in held], [r for _, r in held])
        for target in TARGETS:
            totals[target].merge(tallies[target])
    db.session.execute(sa.delete(ContributionTag))
    return totals


# --- Baseline: lemmas + TF-IDF + logistic regression, no scheme text -------------------


def _baseline_features(train: list[str], test: list[str]):
    """Lemma 1-2 grams and character 2-5 grams, TF-IDF, one unit vector per text."""
    words = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        preprocessor=lambda text: strip_accents(text.lower()),
    )
    fitted = sp.hstack([words.fit_transform(train), chars.fit_transform(train)])
    applied = sp.hstack([words.transform(test), chars.transform(test)])
    return normalize(fitted.tocsr()), normalize(applied.tocsr())


def baseline(train: list[Labelled], test: list[Labelled]) -> dict:
    """Tallies of the plain baseline learning from ``train``'s main labels."""
    tallies = {target: Tally() for target in TARGETS}
    for target in TARGETS if test else ():  # an empty fold (more folds than items)
        kept = [row for row in train if row.main[target] is not None]
        if len(classes := {row.main[target] for row in kept}) < 2:
            # nothing to fit: no label learned suggests nothing, a single one always itself
            for row in test:
                tallies[target].add(row.wanted[target], [(c, 1.0) for c in classes])
            continue
        fitted, applied = _baseline_features([r.read for r in kept], [r.read for r in test])
        with threadpool_limits(limits=1):
            model = LogisticRegression(C=BASELINE_C, max_iter=500)
            model.fit(fitted, [row.main[target] for row in kept])
            scores = model.predict_proba(applied)
        for row, row_scores in zip(test, scores, strict=True):
            best = np.argsort(-row_scores)[: max(TOPS)]
            ranked = [(int(model.classes_[i]), float(row_scores[i])) for i in best]
            tallies[target].add(row.wanted[target], ranked)
    return tallies


def baseline_folds(rows: list[Labelled], folds: int) -> dict:
    """The baseline under the same K-fold split as :func:`cross_validate`."""
    totals = {target: Tally() for target in TARGETS}
    for fold in range(folds):
        kept = [row for n, row in enumerate(rows) if n % folds != fold]
        held = [row for n, row in enumerate(rows) if n % folds == fold]
        for target, tally in baseline(kept, held).items():
            totals[target].merge(tally)
    return totals


def setup(document: dict):
    """Import the scheme; one meeting and one facilitator to tag with."""
    scheme = import_scheme(document, now=utcnow())
    meeting = Meeting(scheme=scheme, kind="consultation_en_ligne", title="Banc", status="open")
    actor = User(email="banc@exemple.fr", display_name="Banc d'essai", role="facilitator")
    db.session.add_all([meeting, actor])
    db.session.flush()
    indexes = {"theme": LabelIndex(scheme.themes), "fiche": LabelIndex(scheme.fiches)}
    return scheme, meeting, actor, indexes


def evaluate(document: dict, test: list[dict], train: list[dict] | None, paths) -> dict:
    """``{"cold": tallies, "learned": tallies}`` (no ``learned`` without training items)."""
    started = time.perf_counter()
    scheme, meeting, actor, indexes = setup(document)
    unknown: Counter = Counter()
    rows = resolve(test, indexes, unknown, paths.publics)
    warn_unknown(unknown, paths.labelled)
    contributions = store(meeting, rows)
    results = {"cold": measure(scheme, contributions, rows)}
    note(f"froid : {len(rows)} contributions, {time.perf_counter() - started:.1f} s")
    if train is not None:
        started, unknown = time.perf_counter(), Counter()
        train_rows = resolve(train, indexes, unknown, paths.publics)
        warn_unknown(unknown, paths.train)
        tagged = learn(meeting, train_rows, actor)
        results["learned"] = measure(scheme, contributions, rows)
        results["baseline"] = baseline(train_rows, rows)
        note(f"appris : {tagged} étiquettes posées, {time.perf_counter() - started:.1f} s")
    elif paths.folds:
        started = time.perf_counter()
        results["learned"] = cross_validate(
            scheme, meeting, actor, contributions, rows, paths.folds
        )
        results["baseline"] = baseline_folds(rows, paths.folds)
        note(f"validation croisée ({paths.folds} plis) : {time.perf_counter() - started:.1f} s")
    return results


# --- Command line ----------------------------------------------------------------------


def report(results: dict) -> None:
    for setting in ("cold", "learned"):
        for target in TARGETS:
            for k in TOPS:
                if setting in results:
                    print(f"{setting} {target} top{k} {results[setting][target].rate(k):.2f}")
    if "learned" in results:
        for lower, precision, share in results["learned"]["fiche"].bands():
            print(f"calibration fiche {lower:.1f} precision {precision:.2f} share {share:.2f}")
    for target in TARGETS if "baseline" in results else ():
        for k in TOPS:
            print(f"baseline {target} top{k} {results['baseline'][target].rate(k):.2f}")


def diagnose(results: dict) -> None:
    for setting, tallies in results.items():
        for target, t in tallies.items():
            note(
                f"{setting} {target} : {t.counted} comptées, {t.unlabelled} sans étiquette "
                f"(exclues), {t.silent} sans aucune suggestion"
            )
            if not t.counted:
                warn(f"aucune contribution étiquetée pour la cible {NAMES[target]} (nan).")


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Qualité des suggestions d'étiquettes.")
    parser.add_argument("--scheme", type=Path, required=True, help="schéma consult-scheme/1")
    parser.add_argument("--labelled", type=Path, required=True, help="JSONL à évaluer")
    parser.add_argument("--train", type=Path, help="JSONL étiqueté à apprendre d'abord")
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        help="sans --train : chiffres « learned » par validation croisée en K plis",
    )
    parser.add_argument(
        "--publics",
        action="store_true",
        help="chaque contribution porte les publics de son champ « public », comme une "
        "contribution du formulaire ou d'un import (sans : le texte seul)",
    )
    return parser.parse_args(argv)


def _same_file(a: Path, b: Path | None) -> bool:
    return b is not None and a.resolve() == b.resolve()


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        document = read_scheme(args.scheme)
        test = read_items(args.labelled)
        train = read_items(args.train) if args.train else None
    except BenchError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if args.folds == 1 or args.folds < 0:
        print("Erreur : --folds demande au moins 2 plis.", file=sys.stderr)
        return 2
    if args.folds > len(test) and not args.train:
        warn(f"--folds {args.folds} pour {len(test)} contributions : des plis sont vides.")
    if _same_file(args.labelled, args.train):
        warn("--train et --labelled sont le même fichier : le score « learned » est optimiste.")
    with (
        tempfile.TemporaryDirectory(prefix="consult-bench-") as directory,
        bench_app(Path(directory)),
    ):
        results = evaluate(document, test, train, args)
    diagnose(results)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
