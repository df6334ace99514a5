"""Synthesis quality on human-coded answers: coverage, agreement, titles, against a baseline.

    python bench/synthesis_quality.py --coded ../shared/data/coded/grand-debat-coded-dev.jsonl
    python bench/synthesis_quality.py --coded … --titles   # each idea's title too
    python bench/synthesis_quality.py --coded … --seeds 10  # the baseline over 10 seeds too
    python bench/synthesis_quality.py --coded … --ideas  # each idea against the human labels

Each question is synthesised on its own, as a facilitator would, through the platform's
own ``build_document`` (one section, the question's wording given so that its words
make no title). Prints one line per question, then exactly (weighted by answers)::

    overall leftover 0.43
    overall ami 0.17
    overall baseline_ami 0.14
    overall title_support 0.40
    overall ideas 11.2

- ``leftover``: share of answers in no idea;
- ``ami``: ``adjusted_mutual_info_score`` between each answer's main idea (answers in no
  idea form one group) and its human label (the category with most votes; ties go to
  the category most frequent in the question);
- ``baseline_ami``: the same for ``TfidfVectorizer(sublinear_tf=True)`` + ``KMeans`` with
  as many clusters as the platform found ideas (``n_init=10, random_state=0``);
- ``title_support``: mean over ideas of the share of its answers containing at least one
  content word of its title (lemmatised; the question's own words excluded);
- ``ideas``: number of ideas per question.

A figure undefined for a question is printed ``nan`` and left out of the overall means
(which then weigh the other questions only; ``nan`` when no question defines it), with a
French warning on stderr: ``ami`` and ``baseline_ami`` when its answers carry fewer than
two human labels (one answer, or all coded alike: sklearn would give 1 or 0),
``title_support`` when the platform finds no idea. Categories given 0 votes are no label;
``codes`` may be a list (one vote each) or absent. A BOM, CRLF endings, a missing ``text``
or ``question_text`` are fine; a line that is not JSON stops with a French message (exit 2).

With ``--ideas``, each question line is followed by one line per idea (largest first): the
answers it gathers, how many have it as their main idea, the share of those holding its
most frequent human label (``purity``), what ``ami`` would become without it (its answers'
main idea then being the next largest they support: a positive ``without`` marks an idea
that blurs the agreement, a catch-all), its title, and its main answers' labels::

      idea 24 main 24 purity 0.29 without +0.044 En dehors des… | Détail des dépenses 7, …

With ``--seeds N`` the baseline is also run with ``random_state`` 0 to N-1 (the platform
has no randomness), and two more lines follow: the overall baseline_ami over the seeds
(mean, standard deviation, min, max) and the platform's ami divided by it::

    seeds 10 baseline_ami mean 0.205 sd 0.008 min 0.193 max 0.219
    seeds 10 ratio mean 1.29 min 1.21 max 1.37

Two checks that a change holds beyond this file's luck, each adding one line after those:

- ``--near-k W``: the baseline also with k-W … k+W clusters (k: the platform's number of
  ideas), averaged with the seeds. The baseline's AMI jumps with k even over ten seeds
  (one cluster more can move it by a third), so a change that only moves the number of
  ideas moves ``ratio`` by luck; this ratio does not::

    near_k 2 baseline_ami mean 0.203 ratio 1.31

- ``--subsets N``: the same, on N random 80 % subsets of each question (the same draws
  every run, the platform run again on each): what a change does when the material changes
  a little, as on held-out questions. Mean over the draws, and its spread::

    subsets 6 ami mean 0.246 sd 0.007 ratio mean 1.27 min 1.15 max 1.47

With ``--ceilings``, one more line says how far the coding itself lets ``ami`` go (weighted
by answers, like the overall lines)::

    ceilings codes_largest 0.53 codes_drawn 0.32 main_oracle 0.43

- ``codes_largest``: ideas that *are* the codebook (each answer in every category the
  coders gave it), each answer's main idea chosen by the bench's rule (its category in
  most answers of the question): what a perfect copy of the human coding scores;
- ``codes_drawn``: the same copy, each answer's main idea one of its categories drawn at
  random (mean of :data:`CEILING_DRAWS`, the same draws every run): a reader who agrees
  with the coders on every category but leads with any one of them;
- ``main_oracle``: the platform's own ideas, each answer's main idea chosen *knowing the
  labels* among the ideas it supports (greedy, answer by answer): what choosing the main
  idea of an answer that supports several could add at most, the ideas unchanged.
"""

import argparse
import math
import sys
import zlib
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import simplemma
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._jsonl import json_objects  # noqa: E402
from consult.analysis.text import _TOKEN, STOP_WORDS, strip_accents  # noqa: E402
from consult.synthesis.analysis import OTHER_IDEAS, build_document  # noqa: E402
from consult.synthesis.document import Item  # noqa: E402

FIGURES = ("leftover", "ami", "baseline_ami", "title_support", "ideas")
CEILINGS = ("codes_largest", "codes_drawn", "main_oracle")
CEILING_DRAWS = 20
ORACLE_PASSES = 3


class CodedError(Exception):
    """The coded file cannot be read (French message)."""


def read_coded(path: str) -> dict[str, list[dict]]:
    """The coded answers of each question, in file order (a BOM, CRLF endings and blank
    lines are fine; a missing ``text`` is an empty answer, a missing ``question_text`` an
    empty wording; a question code's spaces become ``_``, one word on the output lines)."""
    by_question: dict[str, list[dict]] = defaultdict(list)
    for row in json_objects(path, CodedError):
        code = "_".join(str(row.get("question") or "sans_code").split()) or "sans_code"
        text, wording = row.get("text"), row.get("question_text")
        row = row | {
            "question": code,
            "text": text if isinstance(text, str) else "" if text is None else str(text),
            "question_text": wording if isinstance(wording, str) else "",
        }
        by_question[code].append(row)
    return dict(by_question)


def votes(row: dict) -> dict[str, float]:
    """An answer's ``codes`` as ``{category: votes}``, categories given no vote left out;
    a list of categories is one vote each, a missing ``codes`` none."""
    codes = row.get("codes") or {}
    if isinstance(codes, str):
        codes = [codes]
    if isinstance(codes, list):
        codes = Counter(str(code) for code in codes if isinstance(code, str | int))
    if not isinstance(codes, dict):
        return {}
    found = {}
    for code, count in codes.items():
        try:
            count = 1 if count is True else float(count)
        except (TypeError, ValueError):
            count = 1
        if count > 0:
            found[str(code)] = count
    return found


def human_labels(rows: list[dict]) -> list[str]:
    """Each answer's category with most votes; ties to the question's most frequent one."""
    given = [votes(row) for row in rows]
    frequency = Counter(code for codes in given for code in codes)
    labels = []
    for codes in given:
        codes = codes or {"": 0}
        labels.append(max(codes, key=lambda c: (codes[c], frequency[c], c)))
    return labels


def lemmas(text: str) -> set[str]:
    """Content words of ``text``: lemmatised, lower case, unaccented, stop words out."""
    found = set()
    for token in _TOKEN.findall(text or ""):
        word = token.lower().replace("’", "'").split("'")[-1]
        if len(word) < 2 or word.isdigit() or word in STOP_WORDS:
            continue
        lemma = strip_accents(simplemma.lemmatize(word, lang="fr").lower())
        if lemma not in STOP_WORDS and strip_accents(word) not in STOP_WORDS:
            found.add(lemma)
    return found


def _items(texts: list[str]) -> list[Item]:
    return [
        Item(
            id=number,
            text=text,
            kind="constat",
            kind_label="Constat",
            author_type="usager",
            author_type_label="Usager",
            channel_label="En ligne",
            meeting="Grand Débat",
            territory="",
        )
        for number, text in enumerate(texts, start=1)
    ]


def platform_ideas(texts: list[str], question: str) -> list[tuple[str, list[int]]]:
    """(title, answer positions) of each idea the platform finds, isolated ones left out."""
    document = build_document(
        _items(texts),
        title=question,
        template="concertations",
        scope=[],
        participants=None,
        now=datetime(2026, 1, 1, tzinfo=UTC),
        group_by="all",
        question=question,
    )
    return [
        (idea.label, [ident - 1 for ident in idea.ids])
        for section in document.sections
        for idea in section.ideas
        if idea.label != OTHER_IDEAS
    ]


def main_ideas(n: int, ideas: list[tuple[str, list[int]]]) -> np.ndarray:
    """Each answer's main idea: the largest idea it supports; -1 for none."""
    main = np.full(n, -1)
    for number in sorted(range(len(ideas)), key=lambda i: len(ideas[i][1])):
        main[ideas[number][1]] = number
    return main


def idea_lines(labels: list[str], ideas: list[tuple[str, list[int]]], shown: int = 3) -> list[str]:
    """One line per idea (see ``--ideas`` in the docstring), in the order of ``ideas``."""
    main = main_ideas(len(labels), ideas)
    agreement = adjusted_mutual_info_score(labels, main)
    lines = []
    for number, (title, members) in enumerate(ideas):
        others = ideas[:number] + ideas[number + 1 :]
        without = adjusted_mutual_info_score(labels, main_ideas(len(labels), others))
        mains = Counter(labels[answer] for answer in np.flatnonzero(main == number))
        count = sum(mains.values())
        purity = max(mains.values()) / count if count else 0.0
        spread = ", ".join(f"{label} {n}" for label, n in mains.most_common(shown))
        lines.append(
            f"  idea {len(members)} main {count} purity {purity:.2f} "
            f"without {without - agreement:+.3f} {title} | {spread}"
        )
    return lines


def ceilings(rows: list[dict], ideas: list[tuple[str, list[int]]]) -> dict[str, float]:
    """``codes_largest``, ``codes_drawn`` and ``main_oracle`` of one question (see
    ``--ceilings`` in the docstring); ``nan`` when its answers carry fewer than two labels."""
    labels = human_labels(rows)
    given = [sorted(votes(row)) for row in rows]
    frequency = Counter(code for codes in given for code in codes)
    largest = [max(codes, key=lambda c: (frequency[c], c)) if codes else "" for codes in given]
    rng = np.random.default_rng(0)
    drawn = [
        agreement(labels, [codes[rng.integers(len(codes))] if codes else "" for codes in given])
        for _ in range(CEILING_DRAWS)
    ]
    return {
        "codes_largest": agreement(labels, largest),
        "codes_drawn": float(np.mean(drawn)),
        "main_oracle": main_oracle(labels, ideas),
    }


def main_oracle(labels: list[str], ideas: list[tuple[str, list[int]]]) -> float:
    """The best ``ami`` found by choosing, answer by answer, the main idea of each answer
    among the ideas it supports, knowing the labels (:data:`ORACLE_PASSES` greedy passes,
    from the bench's rule: never below the platform's ``ami``)."""
    if len(set(labels)) < 2:
        return math.nan
    supported: dict[int, list[int]] = defaultdict(list)
    for number, (_title, members) in enumerate(ideas):
        for answer in members:
            supported[answer].append(number)
    main = main_ideas(len(labels), ideas)
    best = adjusted_mutual_info_score(labels, main)
    for _ in range(ORACLE_PASSES):
        moved = False
        for answer, numbers in sorted(supported.items()):
            for number in numbers:
                if number == main[answer]:
                    continue
                before, main[answer] = main[answer], number
                found = adjusted_mutual_info_score(labels, main)
                if found > best + 1e-12:
                    best, moved = found, True
                else:
                    main[answer] = before
        if not moved:
            break
    return float(best)


def baseline(texts: list[str], k: int, seed: int = 0) -> np.ndarray:
    """Plain TF-IDF + k-means labels, ``k`` clusters (one when the texts hold no word)."""
    try:
        matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    except ValueError:  # empty vocabulary: only empty answers, punctuation, one letters
        return np.zeros(len(texts), dtype=int)
    k = max(1, min(k, matrix.shape[0]))
    with threadpool_limits(limits=1):
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(matrix)


def title_support(texts: list[str], question: str, ideas) -> float:
    """Mean over ideas of the share of answers holding a content word of the title."""
    asked = lemmas(question)
    words = [lemmas(text) for text in texts]
    shares = []
    for title, members in ideas:
        wanted = lemmas(title) - asked
        shares.append(np.mean([bool(wanted & words[m]) for m in members]) if members else 0)
    return float(np.mean(shares)) if shares else math.nan  # no idea: undefined


def agreement(labels: list[str], groups) -> float:
    """``adjusted_mutual_info_score``; ``nan`` when the answers carry fewer than two human
    labels (one answer, or all coded alike): nothing to agree with, sklearn gives 1 or 0."""
    if len(set(labels)) < 2:
        return math.nan
    return adjusted_mutual_info_score(labels, groups)


def measure(
    rows: list[dict],
    titles: list | None = None,
    seeds: int = 0,
    near_k: int = 0,
    found: list | None = None,
    ceiling: bool = False,
) -> dict[str, float]:
    """The figures of one question; ``titles`` gets (answers, title) of each idea;
    ``seeds``: also ``baseline_ami <seed>`` for each seed below it; ``near_k``: also
    ``near_k``, the baseline over k-near_k … k+near_k clusters and the seeds; ``found``
    gets the lines of :func:`idea_lines`; ``ceiling``: also :func:`ceilings`."""
    texts = [row["text"] for row in rows]
    question = rows[0]["question_text"]
    ideas = platform_ideas(texts, question)
    labels = human_labels(rows)
    main = main_ideas(len(texts), ideas)
    if titles is not None:
        titles.extend((len(members), title) for title, members in ideas)
    if found is not None:
        found.extend(idea_lines(labels, ideas))
    seeded = {
        f"baseline_ami {seed}": agreement(labels, baseline(texts, len(ideas), seed))
        for seed in range(seeds)
    }
    if near_k:
        seeded["near_k"] = near_baseline(texts, labels, len(ideas), near_k, seeds)
    if ceiling:
        seeded |= ceilings(rows, ideas)
    return seeded | {
        "leftover": float(np.mean(main < 0)),
        "ami": agreement(labels, main),
        "baseline_ami": agreement(labels, baseline(texts, len(ideas))),
        "title_support": title_support(texts, question, ideas),
        "ideas": float(len(ideas)),
    }


def near_baseline(texts: list[str], labels: list[str], k: int, spread: int, seeds: int) -> float:
    """The baseline's AMI averaged over k-spread … k+spread clusters (at least 2) and seeds."""
    ks = range(max(2, k - spread), k + spread + 1)
    return float(
        np.mean(
            [
                agreement(labels, baseline(texts, size, seed))
                for size in ks
                for seed in range(max(seeds, 1))
            ]
        )
    )


def draws(rows: list[dict], count: int, question: str) -> list[list[dict]]:
    """``count`` random 80 % subsets of a question's answers, the same at every run."""
    rng = np.random.default_rng(zlib.crc32(question.encode()))
    size = min(len(rows), max(2, int(0.8 * len(rows))))
    return [
        [rows[i] for i in np.sort(rng.choice(len(rows), size, replace=False))] for _ in range(count)
    ]


def subset_figures(rows: list[dict], count: int, seeds: int) -> np.ndarray:
    """Per draw (see :func:`draws`): answers, the platform's AMI, the baseline's (mean over
    the seeds, at least one)."""
    found = []
    for subset in draws(rows, count, rows[0]["question"]):
        texts, labels = [row["text"] for row in subset], human_labels(subset)
        ideas = platform_ideas(texts, subset[0]["question_text"])
        reference = [
            agreement(labels, baseline(texts, len(ideas), seed)) for seed in range(max(seeds, 1))
        ]
        ami = agreement(labels, main_ideas(len(texts), ideas))
        found.append((len(subset), ami, float(np.mean(reference))))
    return np.array(found)


def print_subsets(per_question: list[np.ndarray], count: int) -> None:
    """The overall AMI of each draw (weighted by answers) and its ratio to the baseline."""
    stacked = np.stack(per_question)  # questions × draws × (answers, ami, baseline)
    defined = ~np.isnan(stacked[:, :, 1])  # draws with one human label: left out
    weights = np.where(defined, stacked[:, :, 0], 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ami = np.where(defined, weights * stacked[:, :, 1], 0).sum(axis=0) / weights.sum(axis=0)
        reference = np.where(defined, weights * stacked[:, :, 2], 0).sum(axis=0)
        ratios = ami / (reference / weights.sum(axis=0))
    print(
        f"subsets {count} ami mean {ami.mean():.3f} sd {ami.std():.3f} "
        f"ratio mean {ratios.mean():.2f} min {ratios.min():.2f} max {ratios.max():.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures of each question, then the overall ones (see the docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--coded", required=True, help="coded answers (JSON lines)")
    parser.add_argument("--titles", action="store_true", help="print each idea's title too")
    parser.add_argument("--ideas", action="store_true", help="each idea against the labels")
    parser.add_argument("--seeds", type=int, default=0, help="baseline over this many seeds")
    parser.add_argument("--near-k", type=int, default=0, help="baseline over k±this clusters")
    parser.add_argument("--subsets", type=int, default=0, help="also on this many 80%% subsets")
    parser.add_argument("--ceilings", action="store_true", help="what the coding allows")
    args = parser.parse_args(argv)
    try:
        by_question = read_coded(args.coded)
    except CodedError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if not by_question:
        parser.error(f"aucune réponse codée dans {args.coded}")
    measured, subsets = [], []
    for code, rows in sorted(by_question.items()):
        titles: list[tuple[int, str]] = []
        found: list[str] | None = [] if args.ideas else None
        figures = measure(rows, titles, args.seeds, args.near_k, found, args.ceilings)
        if args.subsets:
            subsets.append(subset_figures(rows, args.subsets, args.seeds))
        shown = [f"  title {size} {title}" for size, title in titles] if args.titles else []
        print_question(code, len(rows), figures, shown + (found or []))
        warn_undefined(code, figures)
        measured.append((len(rows), figures))
    overall = overall_figures(measured)
    for name in FIGURES:
        value = overall[name]
        print(f"overall {name} {value:.1f}" if name == "ideas" else f"overall {name} {value:.2f}")
    if args.seeds:
        print_seeds(overall, args.seeds)
    if args.near_k:
        near = overall["near_k"]
        ratio = _ratio(overall["ami"], near)
        print(f"near_k {args.near_k} baseline_ami mean {near:.3f} ratio {ratio:.2f}")
    if args.subsets:
        print_subsets(subsets, args.subsets)
    if args.ceilings:
        print("ceilings " + " ".join(f"{name} {overall[name]:.2f}" for name in CEILINGS))
    return 0


def overall_figures(measured: list[tuple[int, dict]]) -> dict[str, float]:
    """Each figure's mean over the questions (``(answers, figures)``) where it is defined,
    weighted by answers; ``nan`` when it is defined for none."""
    totals, weights = Counter(), Counter()
    for answers, figures in measured:
        for name, value in figures.items():
            if not math.isnan(value):  # undefined for this question: out of the mean
                totals[name] += value * answers
                weights[name] += answers
    names = {name for _answers, figures in measured for name in figures} | set(FIGURES)
    return {name: totals[name] / weights[name] if weights[name] else math.nan for name in names}


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def warn_undefined(code: str, figures: dict) -> None:
    """Say on stderr which figures of a question are undefined (``nan``, out of the means)."""
    if math.isnan(figures["ami"]):
        print(
            f"Attention : question {code} : moins de deux catégories humaines parmi ses "
            "réponses, ami et baseline_ami indéfinis (nan, hors des moyennes).",
            file=sys.stderr,
        )
    if math.isnan(figures["title_support"]):
        print(
            f"Attention : question {code} : aucune idée, title_support indéfini "
            "(nan, hors de la moyenne).",
            file=sys.stderr,
        )


def print_question(code: str, answers: int, figures: dict, lines: list[str]) -> None:
    """The exact line of one question, then ``lines`` (titles, ideas) if any."""
    shown = " ".join(f"{name} {figures[name]:.2f}" for name in FIGURES[:-1])
    print(f"question {code} answers {answers} {shown} ideas {figures['ideas']:.0f}")
    for line in lines:
        print(line)


def print_seeds(overall: dict, seeds: int) -> None:
    """The overall baseline_ami over the seeds, and the platform's ami divided by it."""
    values = np.array([overall[f"baseline_ami {seed}"] for seed in range(seeds)])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = overall["ami"] / values
    print(
        f"seeds {seeds} baseline_ami mean {values.mean():.3f} sd {values.std():.3f} "
        f"min {values.min():.3f} max {values.max():.3f}"
    )
    low, high = ratios.min(), ratios.max()
    print(f"seeds {seeds} ratio mean {ratios.mean():.2f} min {low:.2f} max {high:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
