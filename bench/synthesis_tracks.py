"""Tracks tried to raise the agreement of the ideas with a human coding (issue 14).

    python bench/synthesis_tracks.py --coded ../shared/data/coded/grand-debat-coded-dev.jsonl

Same figures as ``bench/synthesis_quality.py`` (the platform's ideas through
``build_document``, one question at a time), except that the baseline's AMI is the mean
over five ``random_state`` (it varies by ± 0.01 from one to the next), so that a track is
judged on the platform's change, not on the baseline's luck. Prints one line per track:
weighted ami, baseline, their ratio, title_support, leftover, ideas, then per question
``ami/baseline``.

- ``size``: the smallest idea (``MIN_SHARE``, ``ROOT_SHARE``, ``MIN_ANSWERS``), hence the
  number of ideas;
- ``main``: how an answer's main idea is chosen among those it supports;
- ``seeds``: seeds counted by answers (each answer counts once per term) instead of by
  statements;
- ``methods``: other clusterings of whole answers, with the platform's number of ideas
  (mean of three seeds where the method has one).
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score as ami
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthesis_quality as quality  # noqa: E402

from consult.analysis import ideas  # noqa: E402
from consult.analysis.text import terms  # noqa: E402

SEEDS = range(5)


def baseline(texts: list[str], k: int, seeds=SEEDS) -> list[np.ndarray]:
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    k = max(1, min(k, matrix.shape[0]))
    with threadpool_limits(limits=1):
        return [KMeans(k, n_init=10, random_state=s).fit_predict(matrix) for s in seeds]


def _line(label: str, rows_by_question, results) -> str:
    """results: per question (answers, ami, baseline, title_support, leftover, ideas)."""
    n = sum(r[0] for r in results)
    mean = [sum(r[0] * r[i] for r in results) / n for i in range(1, 6)]
    cells = " ".join(
        f"{q}:{r[1]:.2f}/{r[2]:.2f}" for q, r in zip(sorted(rows_by_question), results, strict=True)
    )
    support = f"{mean[2]:.2f}" if mean[2] else "-"  # not measured: same ideas, or none
    return (
        f"{label:34s} ami {mean[0]:.3f} baseline {mean[1]:.3f} ratio {mean[0] / mean[1]:.2f} "
        f"title_support {support} leftover {mean[3]:.2f} ideas {mean[4]:.1f} | {cells}"
    )


def track(label: str, by_question, main=None, **settings) -> None:
    """The figures with ``settings`` of :mod:`consult.analysis.ideas` changed."""
    saved = {name: getattr(ideas, name) for name in settings}
    for name, value in settings.items():
        setattr(ideas, name, value)
    try:
        results = []
        for _, rows in sorted(by_question.items()):
            texts, question = [r["text"] for r in rows], rows[0]["question_text"]
            found = quality.platform_ideas(texts, question)
            labels = quality.human_labels(rows)
            chosen = quality.main_ideas(len(texts), found)
            base = np.mean([ami(labels, p) for p in baseline(texts, len(found))])
            results.append(
                (
                    len(rows),
                    ami(labels, chosen),
                    base,
                    quality.title_support(texts, question, found),
                    float(np.mean(chosen < 0)),
                    len(found),
                )
            )
        print(_line(label, by_question, results), flush=True)
    finally:
        for name, value in saved.items():
            setattr(ideas, name, value)


def sizes(by_question) -> None:
    track("actuel", by_question)
    for floor, share, root in (
        (2, 0.04, 0.5),
        (2, 0.05, 0.5),
        (2, 0.05, 1.0),
        (2, 0.08, 1.5),
        (3, 0.03, 0.5),
        (4, 0.05, 0.5),
    ):
        label = f"MIN_ANSWERS {floor} MIN_SHARE {share} ROOT_SHARE {root}"
        track(label, by_question, MIN_ANSWERS=floor, MIN_SHARE=share, ROOT_SHARE=root)


def _groups_and_space(texts, question):
    """The platform's top-level statement groups and their space (captured)."""
    captured = {}
    original = ideas._cluster

    def capture(space, rows, min_size, exclude):
        groups = original(space, rows, min_size, exclude)
        if not len(exclude):
            captured.update(space=space, groups=groups)
        return groups

    ideas._cluster = capture
    try:
        ideas.find_ideas(texts, question=question)
    finally:
        ideas._cluster = original
    return captured["space"], captured["groups"]


def _main_rules(texts, question) -> tuple[dict[str, np.ndarray], int]:
    space, groups = _groups_and_space(texts, question)
    source, vectors, n, k = space.statements.source, space.vectors, len(texts), len(groups)
    label = np.full(vectors.shape[0], -1)
    for number, rows in enumerate(groups):
        label[rows] = number
    size = np.array([len(np.unique(source[rows])) for rows in groups])
    centres = normalize(sparse.vstack([sparse.csr_matrix(vectors[r].sum(0)) for r in groups]))
    onehot = sparse.csr_matrix(
        (np.ones(len(source)), (source, np.arange(len(source)))), shape=(n, len(source))
    )
    to_answer = (normalize(onehot @ vectors) @ centres.T).toarray()
    to_statement = (vectors @ centres.T).toarray()
    words = np.diff(space.statements.spans, axis=1).ravel()
    rules = {name: np.full(n, -1) for name in ("largest", "most words", "closest", "best")}
    for number in np.argsort(size, kind="stable"):
        rules["largest"][np.unique(source[groups[number]])] = number
    for answer in range(n):
        mine = np.flatnonzero((source == answer) & (label >= 0))
        if not len(mine):
            continue
        weight = Counter()
        for s in mine:
            weight[label[s]] += words[s]
        rules["most words"][answer] = max(weight, key=lambda g: (weight[g], size[g]))
        supported = np.unique(label[mine])
        rules["closest"][answer] = supported[np.argmax(to_answer[answer, supported])]
        rules["best"][answer] = label[mine][np.argmax(to_statement[mine, label[mine]])]
    return rules, k


def main_rules(by_question) -> None:
    results: dict[str, list] = {}
    for _, rows in sorted(by_question.items()):
        texts, question = [r["text"] for r in rows], rows[0]["question_text"]
        labels = quality.human_labels(rows)
        rules, k = _main_rules(texts, question)
        base = np.mean([ami(labels, p) for p in baseline(texts, k)])
        for name, chosen in rules.items():
            results.setdefault(name, []).append(
                (len(rows), ami(labels, chosen), base, 0.0, float(np.mean(chosen < 0)), k)
            )
    for name, found in results.items():
        print(_line(f"idée principale : {name}", by_question, found), flush=True)


def _seeds_by_answers(space, rows, vectors, min_size, exclude):
    """Like ``ideas._seeds``, each answer counting once per term however many of its
    statements use it."""
    presence = vectors.astype(bool).astype(np.float32).tocsr()
    source = space.statements.source[rows]
    onehot = sparse.csr_matrix(
        (np.ones(len(rows), np.float32), (source, np.arange(len(rows)))),
        shape=(int(source.max()) + 1 if len(source) else 1, len(rows)),
    )
    per_answer = (onehot @ presence).tocsr()
    coo = presence.tocoo()
    share = coo.data / np.asarray(per_answer[source[coo.row], coo.col]).ravel()
    scaled = sparse.csr_matrix((share, (coo.row, coo.col)), shape=presence.shape)
    columns, weights = presence.tocsc(), space.weights[rows]
    left = np.asarray(scaled.T @ weights).ravel()
    left[list(exclude)] = 0
    if len(rows) >= ideas.FEW:
        left[np.diff(columns.indptr) > ideas.MAX_SEED_SHARE * len(rows)] = 0
    free, groups = np.ones(len(rows), bool), []
    while len(left) and left.max() >= min_size:
        term = int(np.argmax(left))
        column = columns.indices[columns.indptr[term] : columns.indptr[term + 1]]
        taken = column[free[column]]
        free[taken] = False
        left -= np.asarray(scaled[taken].T @ weights[taken]).ravel()
        left[term] = 0
        groups.append(taken)
    return groups


def seeds(by_question) -> None:
    original = ideas._seeds
    ideas._seeds = _seeds_by_answers
    try:
        track("graines comptées par réponse", by_question)
        track("… et MIN_SHARE 0.05", by_question, MIN_SHARE=0.05)
    finally:
        ideas._seeds = original


def _methods(texts, question, k) -> dict[str, list[np.ndarray]]:
    asked = set(terms(question))

    def words(text):
        return [w for w in terms(text) if w not in asked]

    def with_bigrams(text):
        found = words(text)
        return found + [f"{a} {b}" for a, b in zip(found, found[1:], strict=False)]

    plain = TfidfVectorizer(sublinear_tf=True, analyzer=words).fit_transform(texts)
    pairs = TfidfVectorizer(sublinear_tf=True, analyzer=with_bigrams).fit_transform(texts)
    dense = plain.toarray()
    three = range(3)
    with threadpool_limits(limits=1):
        lsa = normalize(
            TruncatedSVD(min(50, plain.shape[1] - 1), random_state=0).fit_transform(plain)
        )
        neighbours = min(10, len(texts) - 1)
        return {
            "k-means, lemmes": [
                KMeans(k, n_init=10, random_state=s).fit_predict(plain) for s in three
            ],
            "k-means, lemmes + bigrammes": [
                KMeans(k, n_init=10, random_state=s).fit_predict(pairs) for s in three
            ],
            "agglomératif, cosinus moyen": [
                AgglomerativeClustering(k, metric="cosine", linkage="average").fit_predict(dense)
            ],
            "agglomératif, Ward": [AgglomerativeClustering(k, linkage="ward").fit_predict(dense)],
            "spectral, 10 voisins": [
                SpectralClustering(
                    k, affinity="nearest_neighbors", n_neighbors=neighbours, random_state=s
                ).fit_predict(plain)
                for s in three
            ],
            "LSA 50 + k-means": [
                KMeans(k, n_init=10, random_state=s).fit_predict(lsa) for s in three
            ],
            "référence": baseline(texts, k, three),
        }


def methods(by_question, k: int | None) -> None:
    results: dict[str, list] = {}
    for _, rows in sorted(by_question.items()):
        texts, question = [r["text"] for r in rows], rows[0]["question_text"]
        labels = quality.human_labels(rows)
        clusters = k or len(quality.platform_ideas(texts, question))
        found = {
            name: float(np.mean([ami(labels, p) for p in runs]))
            for name, runs in _methods(texts, question, clusters).items()
        }
        for name, value in found.items():
            row = (len(rows), value, found["référence"], 0.0, 0.0, clusters)
            results.setdefault(name, []).append(row)
    for name, found in results.items():
        print(_line(f"réponses entières : {name}", by_question, found), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--coded", required=True)
    parser.add_argument("--tracks", nargs="*", default=["size", "main", "seeds", "methods"])
    parser.add_argument("--k", type=int, help="methods: this many groups, not the platform's")
    args = parser.parse_args(argv)
    by_question = quality.read_coded(args.coded)
    for name in args.tracks:
        if name == "methods":
            methods(by_question, args.k)
        else:
            {"size": sizes, "main": main_rules, "seeds": seeds}[name](by_question)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
