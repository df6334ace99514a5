"""Tracks with the shipped word vectors for the ideas (issue 14), measured then dropped.

    python bench/synthesis_embeddings.py --coded ../shared/data/coded/grand-debat-coded-dev.jsonl

Each track is a setting of ``consult.analysis.ideas`` (``MIX``: share of the meaning
vectors' cosine — TF-IDF-weighted mean of word vectors, common direction removed — in
the similarity of a statement to an idea's centre; ``SEMANTIC``: ideas whose meaning
centres are at least this close are merged, average link). Same figures as
``bench/synthesis_quality.py``, the baseline also as the mean of three ``random_state``.

``--whole``: whole answers clustered by k-means (mean of three seeds) with the platform's
number of ideas and with 8, as TF-IDF of the platform's terms (question words out), as
meaning vectors, and as both concatenated (``cat0.3``: 30 % of the cosine from meaning).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score as ami
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthesis_quality as quality  # noqa: E402
import synthesis_tracks as tracks  # noqa: E402

from consult.analysis import ideas  # noqa: E402
from consult.analysis.embeddings import embed, term_vectors  # noqa: E402
from consult.analysis.statements import NEGATED, Vocabulary, split_statements  # noqa: E402
from consult.analysis.text import stop_word_terms, terms  # noqa: E402
from consult.analysis.vectors import tfidf  # noqa: E402

PLATFORM_K = {"Q110": 27, "Q149": 23, "Q153": 13, "Q162": 17, "Q163": 37, "Q165": 17}


def whole(by_question) -> None:
    """k-means of whole answers: TF-IDF, meaning vectors, both (see the docstring)."""
    results = {}
    for code, rows in sorted(by_question.items()):
        texts, question = [r["text"] for r in rows], rows[0]["question_text"]
        labels = quality.human_labels(rows)
        vocabulary = Vocabulary()
        found = split_statements(texts, vocabulary)
        n = len(texts)
        to_answer = sparse.csr_matrix(
            (np.ones(len(found.source)), (found.source, np.arange(len(found.source)))),
            shape=(n, len(found.source)),
        )
        counts = (to_answer @ found.counts).tocsr()
        asked, weak = set(terms(question)), stop_word_terms()
        bare = [name.removeprefix(NEGATED) for name in vocabulary.names]
        usable = np.array([b not in asked and b not in weak for b in bare])
        counts = (counts @ sparse.diags(usable.astype(float))).tocsr()
        weights = tfidf(counts)
        meaning = embed(weights, term_vectors(vocabulary.names))
        spaces = {
            "tfidf": weights,
            "meaning": meaning,
            "cat0.3": np.hstack([np.sqrt(0.7) * weights.toarray(), np.sqrt(0.3) * meaning]),
        }
        for k in (PLATFORM_K.get(code, 20), 8):
            for name, matrix in spaces.items():
                with threadpool_limits(limits=1):
                    scores = [
                        ami(labels, KMeans(k, n_init=10, random_state=s).fit_predict(matrix))
                        for s in range(3)
                    ]
                results.setdefault((name, k == 8), []).append((len(rows), np.mean(scores)))
        print(code, flush=True)
    for (name, eight), values in results.items():
        mean = sum(n * v for n, v in values) / sum(n for n, _ in values)
        print(f"whole {name} k={'8' if eight else 'platform'} ami {mean:.3f}")


TRACKS = (
    {},
    {"MIX": 0.1},
    {"MIX": 0.2},
    {"MIX": 0.3},
    {"MIX": 0.5},
    {"MIX": 0.2, "JOIN": 0.2},
    {"MIX": 0.3, "JOIN": 0.25, "COHERENT": 0.2},
    {"SEMANTIC": 0.9},
    {"SEMANTIC": 0.8},
    {"SEMANTIC": 0.7},
    {"SEMANTIC": 0.6},
)


def run(by_question, settings: dict) -> str:
    old = {name: getattr(ideas, name) for name in settings}
    for name, value in settings.items():
        setattr(ideas, name, value)
    try:
        total, answers, cells = np.zeros(6), 0, []
        for code, rows in sorted(by_question.items()):
            texts, question = [r["text"] for r in rows], rows[0]["question_text"]
            found = quality.platform_ideas(texts, question)
            labels = quality.human_labels(rows)
            main = quality.main_ideas(len(texts), found)
            own = ami(labels, main)
            base = ami(labels, quality.baseline(texts, len(found)))
            base3 = np.mean([ami(labels, p) for p in tracks.baseline(texts, len(found), range(3))])
            support = quality.title_support(texts, question, found)
            figures = np.array([own, base, base3, support, np.mean(main < 0), len(found)])
            total += figures * len(rows)
            answers += len(rows)
            cells.append(f"{code}:{own:.2f}/{base3:.2f}")
        t = total / answers
        return (
            f"{json.dumps(settings):40s} ami {t[0]:.3f} baseline {t[1]:.3f} baseline3 {t[2]:.3f}"
            f" ratio3 {t[0] / t[2]:.2f} title_support {t[3]:.2f} leftover {t[4]:.2f}"
            f" ideas {t[5]:.1f} | " + " ".join(cells)
        )
    finally:
        for name, value in old.items():
            setattr(ideas, name, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--coded", required=True)
    parser.add_argument("--track", action="append", help="JSON settings (default: all)")
    parser.add_argument("--whole", action="store_true", help="whole answers, k-means")
    args = parser.parse_args()
    by_question = quality.read_coded(args.coded)
    if args.whole:
        whole(by_question)
        return 0
    for settings in [json.loads(t) for t in args.track] if args.track else TRACKS:
        print(run(by_question, settings), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
