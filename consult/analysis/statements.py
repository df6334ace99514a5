"""Answers cut into statements and counted as terms, negations kept ("pas prêt" ≠ "prêt").

An answer of more than :data:`SPLIT_WORDS` words is cut at its sentence ends into
statements (a sentence shorter than :data:`MIN_WORDS` words stays with its neighbour), so
that an answer saying several things can support several ideas. Each statement becomes a
row of term counts; a word right after a negation ("ne … pas", "jamais", "aucun", "sans")
counts as its own negated term ("non prêt"), so that "je ne suis pas prêt à payer" and
"je suis prêt à payer" do not share that word; "plus" after "ne"/"n'" is a negation too
("je ne veux plus de nucléaire"). A word after "plus de" / "moins de" counts as its own
term of quantity ("plus tranch", "moins tax"): asking for more of something and asking for
less of it are two positions, not one subject. Each distinct whitespace-separated chunk
is analysed once (see :func:`consult.analysis.text.terms`), which keeps large corpora fast.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice

import numpy as np
from scipy import sparse

from consult.analysis.text import lemmatize, strip_accents, terms

SPLIT_WORDS = 30  # answers longer than this are cut into statements
MIN_WORDS = 5  # a shorter sentence stays with its neighbour
BATCH = 50_000  # texts analysed at a time (bounds the memory of temporary strings)
NEGATORS = frozenset({"pas", "jamais", "aucun", "aucune", "sans", "ni", "non", "rien"})
NEGATED = "non "  # prefix of a negated term's name
MORE = "plus "  # prefix of a term after "plus de" (or "davantage de")
LESS = "moins "  # prefix of a term after "moins de"
PREFIXES = (NEGATED, MORE, LESS)
# what a chunk is for the negations and quantities around it (Vocabulary.marks)
_NE, _OF, _MORE, _LESS, _PERSON, _DETERMINER, _WORLD, _ALL, _THE = 1, 2, 3, 4, 5, 6, 7, 8, 9
_WE, _ARE = 10, 11
_RAISE, _LOWER = 12, 13
_FURTHER = 14  # « davantage »: « davantage de » is « plus de »; « taxer davantage » raises
_GOOD, _BAD, _FINE, _POOR, _MEASURE = 15, 16, 17, 18, 19
_FALSE = 20  # « une fausse bonne idée » condemns
_THAT, _LITTLE, _A = 21, 22, 23  # « que », « qu'… »; « peu »; « un » (« un peu »)
_AMOUNT = 24  # « le nombre », « le taux »: see AMOUNTS
_HALT = 25  # « non », « stop », « halte » before « à la hausse… »: see HALTING
_TOO, _ENOUGH = 26, 27  # « trop de », « pas assez de »: see _stance (the last marks)
# A negated verb of opinion or will denies the clause it opens with « que »: « je ne pense
# pas que ce soit une bonne idée » condemns, « je ne crois pas qu'il faille augmenter les
# impôts » asks for no more (as « ne pas augmenter »). The clause runs from « que » (right
# after « pas » or « jamais », or one word further: « pas sûr que ») to the sentence's end,
# or to a word that opposes what follows to it (« mais », « cependant »…: « je ne pense pas
# que ce soit utile mais il faut baisser les impôts » asks for lower taxes).
# Not « il n'y a pas que… », « n'a pas que… » (not only), nor « rien que », « sans que ».
# And « peu » turns the judgement right after it down (« aussi peu indispensables »), not
# « un peu » (« un peu ridicule » still condemns). General French.
DENYING = frozenset(("pas", "jamais"))
OPPOSING = frozenset(("mais", "cependant", "pourtant", "toutefois", "néanmoins", "neanmoins"))
# Verbs and nouns that ask for more or for less of what follows them (« augmenter les
# taxes », « la baisse des impôts »): the word after them also counts as a term of quantity
# (« plus tax », « moins impot »), beside its own term, which still says what is spoken
# of. Asking to raise a tax and to lower it are two positions, not one subject. Not when
# the verb is negated (« ne pas augmenter les impôts » asks for no more, not for less).
# General French.
RAISING = (
    "augmenter augmentez augmentons augmentation augmentations hausse hausser relever "
    # promoting is asking for more (« développer le nucléaire », « rétablir l'ISF »)
    "développer développez développons développement favoriser favorisez encourager "
    "encouragez relancer relancez rétablir rétablissez rétablissement renforcer renforcez "
    "renforcement généraliser généralisez construire construisez bâtir promouvoir promouvez "
    "promotion multiplier multipliez privilégier privilégiez accroître accroissez intensifier "
    # and their gerunds (« en augmentant les salaires »: how to do what the question asks)
    "augmentant haussant développant favorisant relançant rétablissant renforçant "
    "généralisant construisant bâtissant promouvant multipliant privilégiant accroissant "
    "intensifiant"
)
LOWERING = (
    "baisser baissez baissons baisse diminuer diminuez diminuons diminution réduire réduisez "
    "réduisons réduction alléger allégez allègement allégement "
    # stopping, removing, forbidding is asking for less, down to none (« sortir du
    # nucléaire », « supprimer la taxe d'habitation », « arrêter de taxer »)
    "supprimer supprimez supprimons suppression arrêter arrêtez arrêtons arrêt sortir "
    "sortez sortons sortie abandonner abandonnez abandon stopper stoppez interdire "
    "interdisez interdiction fermer fermez fermeture limiter limitez limitation renoncer "
    "annuler annulez annulation abroger abrogez abrogation "
    "baissant diminuant réduisant allégeant supprimant arrêtant abandonnant stoppant "
    "interdisant fermant limitant renonçant annulant abrogeant"
)
# A verb that raises or lowers an amount of something raises or lowers that thing: « réduire
# le nombre de fonctionnaires », « baisser le taux de TVA », « réduire la consommation
# d'énergie » ask for fewer civil servants, less VAT, less energy, and their quantity goes
# to what follows « de » (« moins fonctionnair »), the amount keeping its plain term: « moins
# nombr » would join fewer civil servants and fewer MPs. Not a price nor a cost: « baisser
# le prix des transports en commun » asks for more of them, not less. General French.
AMOUNTS = (
    "nombre nombres taux montant montants part parts quantité quantités volume volumes "
    "usage usages utilisation consommation production"
)
# Judgements (« c'est une avancée », « lamentable », « une bonne idée »): approving and
# condemning are two stances on what is judged; a negation turns one into the other
# (« pas une bonne idée », « pas inutile »). « Bon » and « mauvais » judge only before a
# word naming a measure (« une bonne idée », « une mauvaise mesure »): « le bon sens »,
# « la mauvaise gestion » judge nothing that is proposed. A small list of words that
# judge on their own, general French, not a sentiment lexicon.
APPROVING = (
    "avancée avancées progrès indispensable indispensables excellent excellente excellents "
    "excellentes bénéfique bénéfiques favorable favorables bravo génial géniale"
)
CONDEMNING = (
    "lamentable lamentables inutile inutiles absurde absurdes "
    "aberrant aberrante aberrants aberrantes aberration scandaleux scandaleuse scandaleuses "
    "honteux honteuse honteuses catastrophique catastrophiques stupide stupides ridicule "
    "ridicules néfaste néfastes défavorable défavorables inadmissible inacceptable"
)
FINE, POOR = "bon bonne bons bonnes", "mauvais mauvaise mauvaises"
MEASURES = "idée idées chose choses mesure mesures initiative initiatives solution solutions"
JUDGED = "=jugement"  # the term a judgement gives its statement, with MORE or LESS
# A judgement followed by « de » and an infinitive judges that action, not a thing proposed
# (« il est inutile de baisser les impôts », « indispensable de limiter », « une mauvaise
# idée de taxer »): it gives no judged term; the action keeps its own stance, and one
# condemned is negated, as « il ne faut pas baisser les impôts ». An object pronoun may
# come between (« inutile de les renforcer », « d'en faire »). General French.
CLITICS = "le la les l' lui leur en y se s' me m' te t' nous vous"
_CLITICS = frozenset(CLITICS.split())
# What a verb that raises or lowers asks for is its object: the word right after it, or
# one further when the one between says nothing (« augmenter les taxes »). Further still
# when what comes between says nothing and a determiner opens the object (« supprimer
# toutes les niches », « fermer une fois pour toutes les centrales »), or when an adverb
# in -ment comes first (« réduire drastiquement le nombre », « augmenter fortement les
# taxes »: not « moins drastiqu », « plus fort »): up to this many chunks after the verb.
OBJECT_REACH = 6
# A word that halts or opposes before a noun that raises or lowers (« Non à l'augmentation
# des taxes », « Stop à la hausse de la CSG », « Halte aux hausses », « Je suis contre la
# hausse des taxes », « Mettre fin à l'abandon des services publics ») stops it as a verb
# that stops does (see :func:`_stopped_verbs`): it asks for less of what the raise is of,
# and for no quantity of what a cut is of (« Non à la fermeture des écoles », « contre la
# baisse des dotations »); « non » then negates nothing. Only as a word of its own (« Non,
# supprimer le Sénat » is no halt), before « à » and an article, an article, or right
# before the noun (« Stop augmentation des taxes »). General French.
HALTING = "non stop halte contre fin"
_HALTING_TO = frozenset(("à", "a", "au", "aux"))
_ARTICLES = frozenset(("la", "le", "les"))
OPENING_OBJECT = (
    "le la les l' un une des du de d' ce cet cette ces mon ma mes ton ta tes son sa ses "
    "notre nos votre vos leur leurs"
)
_OPENING_OBJECT = frozenset(OPENING_OBJECT.split())


_DETERMINERS = frozenset(
    ["la", "une", "cette", "chaque", "toute", "ma", "ta", "sa", "notre", "votre", "leur", "quelle"]
)
# each verb and measure also as typed without its accents (« arreter » for « arrêter »)
_WORD_MARKS = {
    "plus": _MORE,
    "davantage": _FURTHER,
    "moins": _LESS,
    "personne": _PERSON,
    "monde": _WORLD,
    "tout": _ALL,
    "tt": _ALL,
    "le": _THE,
    "que": _THAT,
    "peu": _LITTLE,
    "trop": _TOO,
    "assez": _ENOUGH,
    "un": _A,
    "nous": _WE,
    "sommes": _ARE,
    **{w: _RAISE for word in RAISING.split() for w in (word, strip_accents(word))},
    **{w: _LOWER for word in LOWERING.split() for w in (word, strip_accents(word))},
    **dict.fromkeys(APPROVING.split(), _GOOD),
    **dict.fromkeys(CONDEMNING.split(), _BAD),
    **dict.fromkeys(FINE.split(), _FINE),
    **dict.fromkeys(POOR.split(), _POOR),
    **dict.fromkeys(("fausse", "fausses", "faux"), _FALSE),
    **dict.fromkeys(HALTING.split(), _HALT),
    **{w: _AMOUNT for word in AMOUNTS.split() for w in (word, strip_accents(word))},
    **{w: _MEASURE for word in MEASURES.split() for w in (word, strip_accents(word))},
}
_PUNCTUATION = ".,;:!?()[]{}«»\"'’…*/–—-_<>"
_ENDS = ".!?;…"
_OPEN_LINE_END = re.compile(r"(?<![.!?;…\s])[^\S\n]*\n")  # a line break after no sentence end


@lru_cache(maxsize=1 << 20)
def chunk_terms(key: str) -> tuple[str, ...]:
    """:func:`consult.analysis.text.terms` of a chunk, kept: a corpus repeats its words."""
    return tuple(terms(key))


@dataclass
class Vocabulary:
    """Chunks → term ids, each chunk analysed once; term names and the words behind them."""

    chunk_ids: dict[str, int] = field(default_factory=dict)
    offsets: list[int] = field(default_factory=lambda: [0])
    flat: list[int] = field(default_factory=list)
    negator: list[bool] = field(default_factory=list)
    ends: list[bool] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    term_ids: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list, repr=False, compare=False)  # by id
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def array(self, name: str, dtype=None) -> np.ndarray:
        """``np.asarray(self.<name>, dtype)``, kept while the list does not grow: the lists
        only grow, and the sections of a synthesis read the same vocabulary in turn."""
        values = getattr(self, name)
        kept = self._arrays.get(name)
        if kept is None or len(kept) != len(values):
            kept = self._arrays[name] = np.asarray(values, dtype)
        return kept

    def add(self, chunks) -> None:
        """Analyse the chunks not seen yet."""
        for chunk in chunks:
            if chunk in self.chunk_ids:
                continue
            self.chunk_ids[chunk] = len(self.chunk_ids)
            self.chunks.append(chunk)
            key = chunk.lower().strip(_PUNCTUATION)
            found = [self.term(t) for t in chunk_terms(key)]
            self.flat.extend(found)
            self.offsets.append(len(self.flat))
            self.negator.append(_negator(key))
            self.ends.append(chunk[-1] in _ENDS)
            self.marks.append(_mark(key))

    @classmethod
    def of_chunks(
        cls, chunk_ids: dict[str, int], offsets, flat, names, keys: list[str] | None = None
    ) -> "Vocabulary":
        """A vocabulary starting from chunks already analysed the same way (same keys,
        same :func:`chunk_terms`): each chunk's term ids are ``flat[offsets[i]:offsets[i+1]]``
        for chunk ``i``, named by ``names``. Nothing is analysed again; ``keys``: each
        chunk's key (lower case, edge punctuation off) when already known."""
        chunks = list(chunk_ids)
        if keys is None:
            keys = [chunk.lower().strip(_PUNCTUATION) for chunk in chunks]
        # each distinct key read once (« pas », « Pas » and « pas, » share theirs), and
        # only those that may be a negator or have a mark (few) read in full
        distinct = dict.fromkeys(keys)
        negator = dict.fromkeys(distinct, False)
        negator.update((k, True) for k in distinct if k.endswith(_NEGATOR_ENDS) and _negator(k))
        mark = dict.fromkeys(distinct, 0)
        mark.update((k, _mark(k)) for k in distinct if k in _MARKED or k.startswith(_ELIDED))
        return cls(
            chunk_ids=dict(chunk_ids),
            offsets=list(offsets),
            flat=list(flat),
            negator=list(map(negator.__getitem__, keys)),
            ends=[chunk[-1] in _ENDS for chunk in chunks],
            marks=list(map(mark.__getitem__, keys)),
            term_ids={name: number for number, name in enumerate(names)},
            names=list(names),
            chunks=chunks,
        )

    def key(self, chunk: int) -> str:
        """The key of chunk id ``chunk`` (lower case, edge punctuation off): few chunks
        are read so (see :func:`_judged_actions`, :func:`_objects`)."""
        if len(self.chunks) < len(self.chunk_ids):  # chunk ids given without their list
            self.chunks.extend(islice(self.chunk_ids, len(self.chunks), None))
        return self.chunks[chunk].lower().strip(_PUNCTUATION)

    def term(self, name: str) -> int:
        """The id of term ``name``, created when new."""
        if name not in self.term_ids:
            self.term_ids[name] = len(self.names)
            self.names.append(name)
        return self.term_ids[name]


def _negator(key: str) -> bool:
    """Whether a chunk's key is a negation (« pas », « jamais », « qu'aucun »…)."""
    return key.replace("’", "'").split("'")[-1] in NEGATORS


_NEGATOR_ENDS = tuple(NEGATORS)  # how a negator's key ends
# the keys :func:`_mark` gives a mark: these words, and the words after « n' » or « d' »
_MARKED = frozenset(
    {
        "ne",
        "de",
        "des",
        "du",
        *_DETERMINERS,
        *_WORD_MARKS,
        # « l'arrêt », « l’augmentation »: the few words after « l' » that raise or lower
        *(
            elided + word
            for word, mark in _WORD_MARKS.items()
            if mark in (_RAISE, _LOWER)
            for elided in ("l'", "l’")
        ),
    }
)
_ELIDED = ("n'", "n’", "d'", "d’", "qu'", "qu’")


def _mark(key: str) -> int:
    """What a chunk's key is for negations and quantities: "ne"/"n'…", "de"/"d'…",
    "plus"/"davantage", "moins", "personne" (a noun or "nobody"), a determiner of a
    feminine noun ("la", "une", "chaque"…), the words of "tout le monde" (everybody),
    "nous" and "sommes" (« nous sommes »), a word that raises or lowers (« l'arrêt »
    too), a judgement and the words of « bonne idée », or nothing (0)."""
    key = key.replace("’", "'")
    if key == "ne" or key.startswith("n'"):
        return _NE
    if key in ("de", "des", "du") or key.startswith("d'"):
        return _OF
    if key.startswith("qu'"):  # « qu'il », « qu'on »
        return _THAT
    if key in _DETERMINERS:
        return _DETERMINER
    if key.startswith("l'"):  # « l'arrêt du nucléaire », « l'augmentation des taxes »
        mark = _WORD_MARKS.get(key[2:], 0)
        return mark if mark in (_RAISE, _LOWER) else 0
    return _WORD_MARKS.get(key, 0)


def strip_prefix(name: str) -> str:
    """A term's name without its negation or quantity: "non pret" → "pret"."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass
class Statements:
    """Statements of a list of texts: their text of origin, words, and term counts."""

    source: np.ndarray  # text position of each statement
    spans: np.ndarray  # statements × 2: first word and after the last (whitespace chunks)
    counts: sparse.csr_matrix  # statements × terms
    vocabulary: Vocabulary
    # per statement (text position, first word, after the last) as Python ints, made at
    # the first statement read again: titles and key terms read thousands, one at a time
    _where: list[tuple[int, int, int]] | None = field(default=None, repr=False, compare=False)

    def text(self, texts: list[str], statement: int) -> str:
        """The words of ``statement`` as written."""
        return " ".join(self.chunks(texts, statement))

    def chunks(self, texts: list[str], statement: int) -> tuple[str, ...]:
        """The whitespace-separated chunks of ``statement``: ``text(…).split()``."""
        if self._where is None:
            starts, ends = self.spans[:, 0].tolist(), self.spans[:, 1].tolist()
            self._where = list(zip(self.source.tolist(), starts, ends, strict=True))
        text, start, end = self._where[statement]
        return _said(texts[text])[start:end]


@lru_cache(maxsize=4096)
def _said(text: str) -> tuple[str, ...]:
    """The chunks of a text read again (titles, key terms), kept for its next statement."""
    return tuple(_chunks(text))


def _chunks(text: str) -> list[str]:
    """The whitespace-separated chunks of ``text``; a line that does not end a sentence
    gets a "." chunk (a line that does needs none: a lone "." would be a one-word
    sentence, too short to stand alone, and would glue the two sentences together)."""
    return (_OPEN_LINE_END.sub(" . ", text) if "\n" in text else text).split()


def _boundaries(doc: np.ndarray, ends: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """True at each chunk that starts a statement."""
    n = len(doc)
    start = np.ones(n, bool)
    start[1:] = doc[1:] != doc[:-1]
    sentence_start = start.copy()
    sentence_start[1:] |= ends[:-1] & (lengths[doc[1:]] > SPLIT_WORDS)
    sentence = np.cumsum(sentence_start) - 1
    size = np.bincount(sentence)
    first = np.flatnonzero(sentence_start)
    # a boundary between two sentences of one answer stays if both are long enough
    inner = first[~start[first]]
    keep = (size[sentence[inner]] >= MIN_WORDS) & (size[sentence[inner - 1]] >= MIN_WORDS)
    result = start.copy()
    result[inner[keep]] = True
    return result


def _read(texts: list[str], vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Each text's chunk ids (flat) and chunks per text; new chunks are analysed."""
    split = [_chunks(text) for text in texts]
    lengths = np.fromiter(map(len, split), np.int64, len(split))
    flat = list(chain.from_iterable(split))
    del split
    found = list(map(vocabulary.chunk_ids.get, flat))
    if None in found:  # chunks not seen yet, analysed in the order they come
        vocabulary.add(dict.fromkeys(c for c, i in zip(flat, found, strict=True) if i is None))
        found = list(map(vocabulary.chunk_ids.__getitem__, flat))
    return np.fromiter(found, np.int64, len(flat)), lengths


def _reuse(texts: list[str], vocabulary: Vocabulary, read: "Read") -> tuple[np.ndarray, np.ndarray]:
    """:func:`_read` from chunk ids already read: only texts with a line break are read
    again (their line ends may add "." chunks, see :func:`_chunks`)."""
    ids, lengths = np.asarray(read.ids, np.int64), np.asarray(read.lengths, np.int64)
    again = np.flatnonzero(np.fromiter(("\n" in t for t in texts), bool, len(texts)))
    if not len(again):
        return ids, lengths
    new_ids, new_lengths = _read([texts[i] for i in again.tolist()], vocabulary)
    total = lengths.copy()
    total[again] = new_lengths
    starts = np.cumsum(total) - total
    result = np.empty(int(total.sum()), np.int64)
    kept = np.ones(len(texts), bool)
    kept[again] = False
    text_of = np.repeat(np.arange(len(texts)), lengths)
    within = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    keep = kept[text_of]
    result[starts[text_of[keep]] + within[keep]] = ids[keep]
    text_of = np.repeat(again, new_lengths)
    within = np.arange(len(new_ids)) - np.repeat(np.cumsum(new_lengths) - new_lengths, new_lengths)
    result[starts[text_of] + within] = new_ids
    return result, total


@dataclass
class Read:
    """Chunk ids of texts already split and looked up in the same chunk numbering (e.g.
    :class:`consult.analysis.vectors.Terms` with ``keep_reading``): ``ids`` flat, text after
    text, ``lengths`` chunks per text (``text.split()``: a text with a line break is read
    again)."""

    ids: np.ndarray
    lengths: np.ndarray

    def of(self, positions: np.ndarray) -> "Read":
        """The texts at ``positions``, in that order."""
        lengths = np.asarray(self.lengths, np.int64)
        starts = np.cumsum(lengths) - lengths
        chosen = lengths[positions]
        ends = np.cumsum(chosen)
        where = np.repeat(starts[positions] - (ends - chosen), chosen) + np.arange(
            ends[-1] if len(ends) else 0
        )
        return Read(np.asarray(self.ids)[where], chosen)


def _batch(texts: list[str], vocabulary: Vocabulary, offset: int, read: Read | None = None):
    if read is None:
        ids, lengths = _read(texts, vocabulary)
    else:
        ids, lengths = _reuse(texts, vocabulary, read)
    doc = np.repeat(np.arange(len(texts)), lengths)
    closing = vocabulary.array("ends")[ids]  # each chunk ends a sentence
    starts = _boundaries(doc, closing, lengths)
    statement = np.cumsum(starts) - 1
    position = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    marks = vocabulary.array("marks", np.int8)[ids]
    nobody = _nobody(marks, doc) | _everybody(marks, doc) | _we_are(marks, doc)
    has_terms = (np.diff(vocabulary.array("offsets", np.int64))[ids] > 0) & ~nobody
    # a negation ending its sentence negates nothing after it (« Pourquoi pas. Une bonne idée »)
    negators = vocabulary.array("negator")[ids] & ~closing
    halting, halted = _halted(marks, doc, ids, vocabulary)
    negators = negators if halting is None else negators & ~halting  # « non à la hausse »
    negator, more, less = _stance(negators, marks, doc)
    denied = _denied(marks, doc, negators, ids, vocabulary)
    more, less = _outside(denied, more, less)  # « pas qu'il faille plus de… »: no quantity
    more, less = (
        _no_trend(more, marks, doc, ids, vocabulary),
        _no_trend(less, marks, doc, ids, vocabulary),
    )
    negator, signs = _judgements(marks, doc, negator, has_terms, ids, vocabulary, denied)
    negated = _after(negator, doc, has_terms)
    # « pas prêt à renoncer au fioul », « pas favorable à la hausse des taxes »
    denied, halted = _refusals(denied, halted, marks, doc, ids, vocabulary, negated)
    offsets = vocabulary.array("offsets", np.int64)
    per_chunk = np.where(nobody, 0, np.diff(offsets)[ids])
    ends = np.cumsum(per_chunk)
    where = np.repeat(offsets[ids] - (ends - per_chunk), per_chunk) + np.arange(
        ends[-1] if len(ends) else 0
    )
    cols = vocabulary.array("flat", np.int64)[where]
    rows = np.repeat(statement, per_chunk)
    cols = _prefixed(cols, np.repeat(negated, per_chunk), vocabulary, NEGATED)
    quantities = np.zeros(len(ids), bool)
    for prefix, marker in ((MORE, more), (LESS, less)):
        quantity = _after(marker, doc, has_terms) & ~negated
        quantities |= quantity
        cols = _prefixed(cols, np.repeat(quantity, per_chunk), vocabulary, prefix)
    # « augmenter les taxes »: « taxes » is still what is spoken of, « plus taxes » is added
    stopping = (marks == _LOWER) & ~negated
    raising, stopping = _outside(denied, marks == _RAISE, stopping)
    raising, lowering, stopped = _stopped_verbs(
        raising, stopping, marks, doc, ids, vocabulary, halted
    )
    lacking, too = _outside(denied, *_excess(negators, marks, doc, has_terms))
    added_rows, added_cols = [rows], [cols]
    for prefix, marker in (
        (MORE, raising & ~negated | lacking),
        (LESS, (lowering | too) & ~negated),
    ):
        chosen = _objects(marker, doc, has_terms, ids, vocabulary, stopped)
        if prefix == MORE:  # « taxer davantage les riches », « davantage taxer les riches »
            chosen |= _outside(denied, _further(marks, doc, has_terms))[0]
        chosen = _measured(chosen, marks, doc, has_terms)  # « réduire le nombre d'élus »
        # « bâtir des centrales nucléaires »; not « supprimer le Sénat serait… »
        chosen = _no_finite_verb(chosen, _next_word(chosen, doc, has_terms), ids, vocabulary)
        chosen = np.repeat(chosen & ~negated & ~quantities, per_chunk)
        if chosen.any():
            added_rows.append(rows[chosen])
            ones = np.ones(int(chosen.sum()), bool)
            added_cols.append(_prefixed(cols[chosen], ones, vocabulary, prefix))
    judged = None if signs is None else _judged(signs, statement, vocabulary)
    if judged is not None:
        added_rows.append(judged[0])
        added_cols.append(judged[1])
    if len(added_rows) > 1:
        rows, cols = np.concatenate(added_rows), np.concatenate(added_cols)
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(ids))
    spans = np.stack([position[first], position[last - 1] + 1], axis=1).astype(np.int32)
    return rows, cols, doc[first] + offset, spans


def _stance(negator, marks, doc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per chunk: a negation ("pas", "jamais"… and "plus" one or two chunks after
    "ne"/"n'"), and a "plus de" / "moins de" (the next chunk is "de", "des", "d'…")."""
    same = np.zeros(len(doc), bool)
    same[1:] = doc[1:] == doc[:-1]
    ne = marks == _NE
    after_ne = np.zeros(len(doc), bool)
    after_ne[1:] = ne[:-1] & same[1:]
    after_ne[2:] |= ne[:-2] & (doc[2:] == doc[:-2])
    no_more = (marks == _MORE) & after_ne
    before_of = np.zeros(len(doc), bool)
    before_of[:-1] = (marks[1:] == _OF) & same[1:]
    more = ((marks == _MORE) & ~no_more | (marks == _FURTHER)) & before_of
    # « pas du tout prêt »: « du tout » carries the negation to the word after it
    at_all = np.zeros(len(doc), bool)
    at_all[2:] = (marks[2:] == _ALL) & (marks[1:-1] == _OF) & negator[:-2] & same[2:] & same[1:-1]
    return negator | no_more | at_all, more, (marks == _LESS) & before_of


def _no_trend(quantity, marks, doc, ids, vocabulary: Vocabulary) -> np.ndarray:
    """``quantity`` (a « plus de » or « moins de », see :func:`_stance`) without those that
    end a trend (« de moins en moins de services publics », « de plus en plus de taxes »):
    a trend says how things go, it asks for no quantity; what it names keeps its plain
    term."""
    at = np.flatnonzero(quantity)
    at = at[at >= 2]
    at = at[((marks[at - 2] == _MORE) | (marks[at - 2] == _LESS)) & (doc[at - 2] == doc[at])]
    if not len(at):  # most texts
        return quantity
    quantity = quantity.copy()
    for word in at.tolist():
        if _trend(vocabulary.key(int(ids[word - 1]))):
            quantity[word] = False
    return quantity


def _trend(key: str) -> bool:
    """Whether the chunk between two words of quantity makes a trend of them (« en »)."""
    return key == "en"


def _excess(negator, marks, doc, has_terms) -> tuple[np.ndarray, np.ndarray]:
    """Per chunk: a « pas assez de » or « trop peu de » (its « assez », « peu »), and a
    « trop » before « de » or the word it qualifies (« trop de », « trop taxés »; not « pas
    trop », nor « on attend trop au téléphone », where it qualifies the verb before it and
    the word after « au » is not what there is too much of). Too much of something asks
    for less of it (« trop de taxes », « on est trop taxés »), not enough for more (« pas
    assez de médecins »); as a verb's, their quantity goes beside the word's own term:
    they complain of what they name."""
    n = len(doc)
    lacking, too = np.zeros(n, bool), np.zeros(n, bool)
    at = np.flatnonzero(marks >= _TOO)  # « trop » and « assez », the last marks
    if not len(at):
        return lacking, too

    def near(step: int, mark: int) -> np.ndarray:  # the chunk ``step`` away has ``mark``
        there = np.clip(at + step, 0, n - 1)
        inside = (at + step >= 0) & (at + step < n) & (doc[there] == doc[at])
        if mark < 0:  # any chunk, of the same text
            return inside
        return inside & (marks[there] == mark if mark else negator[there])

    denied = near(-1, 0)  # « pas assez », « pas trop »
    little = near(1, _LITTLE)  # « trop peu »
    is_too = marks[at] == _TOO
    lacking[at[~is_too & denied & near(1, _OF)]] = True  # « pas assez de »
    lacking[at[is_too & little & near(2, _OF)] + 1] = True  # « trop peu de »: its « peu »
    named = near(1, _OF) | (near(1, -1) & has_terms[np.clip(at + 1, 0, n - 1)])
    too[at[is_too & ~denied & ~little & named]] = True
    return lacking, too


def _no_finite_verb(chosen, following, ids, vocabulary: Vocabulary) -> np.ndarray:
    """``chosen`` (what verbs raise or lower) and the words ``following`` them
    (:func:`_next_word`), without the conjugated verbs (:func:`_finite`) nor the words after
    them: « Supprimer le Sénat serait une bonne chose », « réduire les impôts permettrait… »:
    the verb after the object is what is said of the action, not what it asks more or less
    of."""
    taken = chosen | following
    at = np.flatnonzero(taken)
    if not len(at):
        return taken
    found, where = np.unique(ids[at], return_inverse=True)
    finite = np.fromiter((_finite(vocabulary.key(i)) for i in found.tolist()), bool, len(found))
    if not finite.any():
        return taken
    dropped = np.zeros(len(taken), bool)
    dropped[at[finite[where]]] = True
    after = np.zeros(len(taken), bool)
    after[1:] = dropped[:-1] & chosen[:-1]
    return taken & ~dropped & ~(after & following & ~chosen)


# A conjugated verb in the conditional, the future, the imperfect or the present plural
# (« serait », « coûterait », « sera », « permettent »): a word with one of these endings
# whose lemma is another word, an infinitive. General French.
FINITE_ENDINGS = ("rait", "raient", "ra", "ront", "ait", "aient", "ent")


@lru_cache(maxsize=4096)
def _finite(key: str) -> bool:
    """Whether a chunk's key is a conjugated verb (see :data:`FINITE_ENDINGS`)."""
    if not (key.endswith(FINITE_ENDINGS) and key.isalpha()):
        return False
    lemma = lemmatize(key)
    return lemma != key and lemma.endswith(("er", "ir", "re", "oir"))


def _measured(chosen, marks, doc, has_terms) -> np.ndarray:
    """``chosen`` (a verb's objects) with each amount (:data:`AMOUNTS`) replaced by what
    it measures: the word after its « de » (« le nombre de fonctionnaires »), or the word
    of « d'… » (« le nombre d'élus »)."""
    at = np.flatnonzero(chosen)
    at = at[(marks[at] == _AMOUNT) & (at + 1 < len(doc))]
    if not len(at):
        return chosen
    at = at[(marks[at + 1] == _OF) & (doc[at + 1] == doc[at])]
    # « d'élus » has terms of its own; after « de », the word after it
    target = np.where(has_terms[at + 1], at + 1, np.minimum(at + 2, len(doc) - 1))
    kept = has_terms[target] & (doc[target] == doc[at])
    chosen = chosen.copy()
    chosen[at[kept]] = False
    chosen[target[kept]] = True
    return chosen


def _next_word(chosen, doc, has_terms) -> np.ndarray:
    """Per chunk: right after a chosen one, with terms of its own, in the same text: what
    a verb raises or lowers is its object's noun and the word that qualifies it
    (« bâtir des centrales nucléaires », « supprimer la taxe foncière »)."""
    found = np.zeros(len(doc), bool)
    found[1:] = chosen[:-1] & has_terms[1:] & (doc[1:] == doc[:-1])
    return found


def _objects(verbs, doc, has_terms, ids, vocabulary: Vocabulary, stopped) -> np.ndarray:
    """Per chunk: the object of one of ``verbs`` (see :data:`OBJECT_REACH`); further than
    :func:`_after` reads only for a verb (:func:`_verb_form`) or a noun a verb stops
    (``stopped``: « supprimer la hausse de la CSG »): « la hausse de la CSG » said alone
    is as often complained of as asked for."""
    found = _after(verbs, doc, has_terms)
    n = len(doc)
    # the object may be further only when the chunk two after the verb says nothing
    at = np.flatnonzero(verbs)
    at = at[at + 2 < n]
    at = at[~has_terms[at + 2] & (doc[at + 2] == doc[at])]
    if not len(at):
        return found
    # the chunks after each verb, up to the reach or the end of its text, read as lists
    window = np.minimum(at[:, None] + np.arange(1, OBJECT_REACH + 1), n - 1)
    inside = (at[:, None] + np.arange(1, OBJECT_REACH + 1) < n) & (doc[window] == doc[at, None])
    lengths = inside.sum(axis=1).tolist()
    terms, chunks = (has_terms[window] & inside).tolist(), ids[window].tolist()
    verb_ids, verb_stopped = ids[at].tolist(), stopped[at].tolist()
    for row, verb in enumerate(at.tolist()):
        if not (verb_stopped[row] or _verb_form(vocabulary.key(verb_ids[row]))):
            continue
        said = chunks[row]
        where, manner = _far_object(
            lambda i, said=said: vocabulary.key(said[i]), terms[row].__getitem__, -1, lengths[row]
        )
        if manner:
            found[verb + 1] = False
        if where is not None:
            found[verb + 1 + where] = True
    return found


@lru_cache(maxsize=4096)
def _verb_form(key: str) -> bool:
    """Whether a chunk's key is a verb's infinitive (:func:`_infinitive`), imperative
    (« supprimez », « réduisons ») or gerund (« supprimant »), not a noun (« la hausse »,
    « la fermeture »)."""
    return (
        _infinitive(key)
        or key.endswith(("ez", "ant"))
        or (key.endswith("ons") and key[-4:] != "ions")
    )


def _far_object(key, has_terms, verb: int, end: int) -> tuple[int | None, bool]:
    """Where the object of the verb at ``verb`` is when further than the chunk after it or
    the one after that (see :data:`OBJECT_REACH`), else None; and whether the chunk right
    after the verb is an adverb in -ment, no object. ``key`` and ``has_terms``: a chunk's
    key and whether it has terms, by position; ``end``: the first position past the text
    or the reach."""
    start, manner = verb + 1, False
    if start < end and has_terms(start):
        if not (key(start).endswith("ment") and start + 1 < end and not has_terms(start + 1)):
            return None, False
        start, manner = start + 1, True
    for at in range(start, end):
        if has_terms(at):
            if at >= verb + 3 and (key(at - 1) in _OPENING_OBJECT or key(at)[:2] in ("l'", "d'")):
                return at, manner
            return None, manner
    return None, manner


def _stopped_verbs(
    raising, lowering, marks, doc, ids, vocabulary: Vocabulary, halted=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``raising`` and ``lowering`` (per chunk) once a verb that stops is read on the verb
    two chunks after it, across « de » (« arrêter de développer le nucléaire », « l'arrêt
    du développement »), or on the noun that raises or lowers it takes as its object
    (« supprimer la hausse de la CSG », « annuler l'augmentation »), or that a word halts
    (``halted``, see :func:`_halted`, or None: « stop à l'augmentation des taxes »): a
    stopped verb that raised lowers, one that lowered says no quantity (as a negated one)."""
    stopped = np.zeros(len(doc), bool) if halted is None else halted.copy()
    stopped[2:] |= lowering[:-2] & (marks[1:-1] == _OF) & (doc[2:] == doc[:-2])
    moving = raising | lowering
    # a noun: after a determiner, or its article elided (« la hausse », « l'augmentation »)
    verbs = np.flatnonzero(lowering)
    for step in (1, 2):
        at = verbs[verbs + step < len(doc)]
        at = at[moving[at + step] & (doc[at + step] == doc[at])]
        if step == 2:
            at = at[marks[at + 1] != _OF]
        for verb, between in zip(at.tolist(), ids[at + 1].tolist(), strict=True):
            key = vocabulary.key(between)
            stopped[verb + step] |= _elided_article(key) if step == 1 else key in _OPENING_OBJECT
    stopped &= moving
    return raising & ~stopped, lowering & ~stopped | raising & stopped, stopped


def _halted(marks, doc, ids, vocabulary: Vocabulary):
    """Per chunk, the words that halt (:data:`HALTING`) and the nouns they halt, or (None,
    None) when there are none (most texts)."""
    at = np.flatnonzero(marks == _HALT)
    if not len(at):
        return None, None
    n = len(doc)
    moving = (marks == _RAISE) | (marks == _LOWER)
    near = np.zeros(len(at), bool)
    for step in (1, 2, 3):  # a noun that raises or lowers at most three chunks after it
        after = np.minimum(at + step, n - 1)
        near |= (at + step < n) & moving[after] & (doc[after] == doc[at])
    halting, halted = np.zeros(n, bool), np.zeros(n, bool)
    for word in at[near].tolist():
        if not _bare_word(vocabulary, int(ids[word])):
            continue
        after = [i for i in range(word + 1, min(word + 4, n)) if doc[i] == doc[word]]
        keys = [vocabulary.key(int(ids[i])) for i in after]
        where = _halt(keys, [bool(moving[i]) for i in after])
        if where is not None:
            halting[word] = halted[after[where]] = True
    return (halting, halted) if halted.any() else (None, None)


def _refusals(denied, halted, marks, doc, ids, vocabulary: Vocabulary, negated):
    """``denied`` and ``halted`` (per chunk, or None) with the verbs and the nouns that
    raise or lower a negated word governs (see :data:`REFUSING`): a verb as denied, a noun
    as halted."""
    at = np.flatnonzero((marks == _RAISE) | (marks == _LOWER))
    at = at[at >= 2]
    near = negated[at - 2] & (doc[at - 2] == doc[at])
    near[at >= 3] |= negated[at[at >= 3] - 3] & (doc[at[at >= 3] - 3] == doc[at[at >= 3]])
    at = at[near]
    n = len(doc)
    for word in at.tolist():
        before = [i for i in range(max(word - 3, 0), word) if doc[i] == doc[word]]
        key = vocabulary.key(int(ids[word]))
        step = _refusal([vocabulary.key(int(ids[i])) for i in before], key)
        if step is None or not negated[word - step]:
            continue
        if not _refusing(int(marks[word - step]), _verb_form(key)):
            continue
        if _verb_form(key):
            denied = np.zeros(n, bool) if denied is None else denied.copy()
            denied[word] = True
        else:
            halted = np.zeros(n, bool) if halted is None else halted.copy()
            halted[word] = True
    return denied, halted


# A verb or a noun that raises or lowers, governed by a negated word through « à », « de »
# or « pour » (« Je ne suis pas prêt à renoncer au fioul », « Pas question de supprimer le
# Sénat », « pas d'accord pour augmenter », « pas favorable à la hausse des taxes ») is
# refused: the verb asks for no quantity, as « ne pas renoncer »; the noun is halted, as in
# « non à la hausse » (see :data:`HALTING`). General French.
# Not when the negated word raises or lowers itself (« ne pas arrêter de développer »: see
# :func:`_stopped_verbs`), nor a judgement of the action (« pas inutile de développer »: see
# :func:`_judged_actions`).
REFUSING = "à a de pour"
_REFUSING = frozenset(REFUSING.split())


def _refusing(mark: int, verb: bool) -> bool:
    """Whether a negated word of mark ``mark`` refuses the verb (``verb``) or noun it governs."""
    if mark in (_RAISE, _LOWER):
        return False
    return not (verb and mark in (_GOOD, _BAD, _FINE, _POOR, _MEASURE))


def _refusal(before: list[str], key: str) -> int | None:
    """How many chunks before a verb or noun that raises or lowers (its key ``key``) the
    word that may govern it is, when the keys of the chunks ``before`` it (up to three,
    nearest last) read a preposition of :data:`REFUSING` (and an article) between them."""
    if len(before) < 2:
        return None
    if _verb_form(key):
        return 2 if before[-1] in _REFUSING else None
    if before[-1] in ("au", "aux") or (before[-1] in _REFUSING and _elided_article(key)):
        return 2  # « favorable à l'augmentation », « favorable aux hausses »
    if len(before) > 2 and before[-1] in _ARTICLES and before[-2] in _REFUSING:
        return 3  # « favorable à la hausse »
    return None


def _bare_word(vocabulary: Vocabulary, chunk: int) -> bool:
    """Whether chunk id ``chunk`` is a word alone, no punctuation (« non », not « Non, »)."""
    vocabulary.key(chunk)  # the chunks listed
    return vocabulary.chunks[chunk].isalpha()


def _halt(keys: list[str], moving: list[bool]) -> int | None:
    """Where the noun a word that halts stops is among the chunks after it (``keys``, lower
    case, up to three; ``moving``: whether each raises or lowers), see :data:`HALTING`."""
    if not keys:
        return None
    if moving[0]:  # « stop augmentation des taxes », not a verb (« non, supprimer… »)
        return None if _verb_form(keys[0]) else 0
    if len(keys) < 2:
        return None
    if moving[1] and keys[0] in _ARTICLES:
        return 1  # « contre la hausse »
    if keys[0] not in _HALTING_TO:
        return None
    if moving[1] and (keys[0] in ("au", "aux") or _elided_article(keys[1])):
        return 1  # « non à l'augmentation », « halte aux hausses »
    if len(keys) > 2 and moving[2] and keys[1] in _ARTICLES:
        return 2  # « stop à la hausse »
    return None


def _elided_article(key: str) -> bool:
    """Whether a chunk's key opens on « l' » (« l'augmentation »)."""
    return key[:2] in ("l'", "l’")


def _further(marks, doc, has_terms) -> np.ndarray:
    """Per chunk: the word « davantage » asks more of, when not « davantage de »: the one
    right before it (« taxer davantage »), else, when that one says nothing, the one right
    after it (« il faut davantage taxer »)."""
    same = np.zeros(len(doc), bool)
    same[1:] = doc[1:] == doc[:-1]
    further = marks == _FURTHER
    further[:-1] &= ~((marks[1:] == _OF) & same[1:])
    before = np.zeros(len(doc), bool)
    before[:-1] = further[1:] & same[1:] & has_terms[:-1]
    alone = further.copy()
    alone[1:] &= ~(same[1:] & has_terms[:-1])
    after = np.zeros(len(doc), bool)
    after[1:] = alone[:-1] & same[1:]
    return (before | after) & has_terms


def _judgement_signs(marks, doc, negator, has_terms) -> np.ndarray | None:
    """Per chunk, +1 where a judgement approves (:data:`APPROVING`, « bonne idée »), -1
    where one condemns (:data:`CONDEMNING`, « mauvaise mesure »), turned over right after
    a negation, or two words after it when the word between says nothing (« pas une bonne
    idée », « pas inutile »), else 0; None when no chunk may judge (most texts)."""
    good, bad = marks == _GOOD, marks == _BAD
    fine, poor = marks == _FINE, marks == _POOR
    if not (good.any() or bad.any() or fine.any() or poor.any()):
        return None
    same = np.zeros(len(doc), bool)
    same[1:] = doc[1:] == doc[:-1]
    measure = np.zeros(len(doc), bool)
    measure[:-1] = (marks[1:] == _MEASURE) & same[1:]
    sign = (good | fine & measure).astype(np.int64) - (bad | poor & measure)
    turned = np.zeros(len(doc), bool)
    turned[1:] = negator[:-1] & same[1:]
    turned[2:] |= negator[:-2] & ~has_terms[1:-1] & (doc[2:] == doc[:-2])
    turned[1:] ^= (marks[:-1] == _FALSE) & same[1:]  # « une fausse bonne idée »
    little = (marks == _LITTLE) & same  # « aussi peu indispensables », not « un peu »
    little[1:] &= ~((marks[:-1] == _A) & same[1:])
    turned[1:] ^= little[:-1] & same[1:]
    return np.where(turned, -sign, sign)


def _outside(denied: np.ndarray | None, *masks: np.ndarray) -> tuple[np.ndarray, ...]:
    """``masks`` with the chunks ``denied`` (:func:`_denied`, or None) left out."""
    return masks if denied is None else tuple(mask & ~denied for mask in masks)


def _judgements(marks, doc, negator, has_terms, ids, vocabulary: Vocabulary, denied):
    """``negator`` with the verbs of the actions condemned (« inutile de baisser… »), and
    the signs of the judgements of things (:func:`_judgement_signs`, turned inside a
    ``denied`` clause: « pas que ce soit une bonne idée »), None when no chunk judges."""
    signs = _judgement_signs(marks, doc, negator, has_terms)
    if signs is None:
        return negator, None
    if denied is not None:
        signs = np.where(denied, -signs, signs)
    judging, before = _judged_actions(signs, marks, doc, ids, vocabulary)
    if len(judging):  # an action judged gives no judged term; one condemned is negated
        negator = negator.copy()
        negator[before[signs[judging] < 0]] = True
        signs[judging] = 0
    return negator, signs


def _denied(marks, doc, negator, ids, vocabulary: Vocabulary) -> np.ndarray | None:
    """Per chunk: inside a clause a negated verb of opinion denies (see :data:`DENYING`),
    from its « que » to the end of the sentence or to a word that opposes (:data:`OPPOSING`);
    None when no chunk is (most texts)."""
    that = np.flatnonzero(marks == _THAT)
    n = len(doc)
    near = np.zeros(len(that), bool)
    for step in (1, 2):  # a negation one or two chunks before « que », in the same text
        before = np.maximum(that - step, 0)
        near |= (that >= step) & negator[before] & (doc[before] == doc[that])
    found = that[near]
    if not len(found):
        return None
    ends = vocabulary.array("ends")
    denied = None
    for at in found.tolist():
        before = [int(ids[i]) for i in range(max(at - 3, 0), at) if doc[i] == doc[at]]
        if not _denies([vocabulary.key(i) for i in before], [bool(ends[i]) for i in before]):
            continue
        if denied is None:
            denied = np.zeros(n, bool)
        end = at
        while end < n and doc[end] == doc[at]:
            if end > at and vocabulary.key(int(ids[end])) in OPPOSING:
                break
            end += 1
            if ends[int(ids[end - 1])]:
                break
        denied[at:end] = True
    return denied


def _denies(keys: list[str], ends: list[bool]) -> bool:
    """Whether the chunks right before a « que » (``keys``, up to three, lower case; and
    whether each ends a sentence) deny the clause it opens: « pas » or « jamais » right
    before it, or one word before, with no sentence end from it to « que »; not after « a »
    (« il n'y a pas que »: not only)."""
    keys = [key.replace("’", "'").split("'")[-1] for key in keys]
    for step in (1, 2):
        if len(keys) >= step and keys[-step] in DENYING:
            if any(ends[-step:]):
                return False
            return not (len(keys) > step and keys[-step - 1] == "a")
    return False


def _judged_actions(sign, marks, doc, ids, vocabulary: Vocabulary):
    """The judgements of ``sign`` (:func:`_judgement_signs`) that judge an action (see
    :data:`CLITICS`): their chunks, and for each the chunk right before the action's verb
    (the one a negation is read from: see :func:`_after`)."""
    found = np.flatnonzero(sign)
    found = found[found + 1 < len(doc)]
    # « inutile de… », « bonne idée de… »: the word after the judgement, or after its measure
    at = found + 1 + (marks[found] != _GOOD) * (marks[found] != _BAD)
    kept = at < len(doc)
    found, at = found[kept], at[kept]
    kept = (marks[at] == _OF) & (doc[at] == doc[found])
    judging, verbs = [], []
    for judgement, of in zip(found[kept].tolist(), at[kept].tolist(), strict=True):
        keys = [
            vocabulary.key(int(ids[i]))
            for i in range(of, min(of + 3, len(doc)))
            if doc[i] == doc[judgement]
        ]
        verb = _action(keys)
        if verb is not None:
            judging.append(judgement)
            verbs.append(of + verb)
    return np.array(judging, np.int64), np.array(verbs, np.int64) - 1


def _action(keys: list[str]) -> int | None:
    """Where the verb is among ``keys`` (from « de » or « d'… » on, lower case, edge
    punctuation off) when they read « de » (an object pronoun) and an infinitive, else None."""
    first = keys[0].replace("’", "'") if keys else ""
    if first == "de":
        at, rest = 1, keys[1:]
    elif first.startswith("d'"):
        at, rest = 0, [first[2:], *keys[1:]]
    else:
        return None
    if rest and rest[0] in _CLITICS:
        at, rest = at + 1, rest[1:]
    elif rest and rest[0][:2] in _ELIDED_CLITICS:  # « de s'inscrire », « de l'appliquer »
        rest = [rest[0][2:], *rest[1:]]
    return at if rest and _infinitive(rest[0]) else None


_ELIDED_CLITICS = frozenset(("l'", "s'", "m'", "t'", "l’", "s’", "m’", "t’"))


@lru_cache(maxsize=4096)
def _infinitive(word: str) -> bool:
    """Whether ``word`` is an infinitive and no noun: a word in -er, -ir, -re, -oir that is
    its own lemma and has no plural (« baisser », « réfléchir », « faire »; not « papier »
    in « une consommation inutile de papier », nor « photocopies », « nos »)."""
    return (
        word.isalpha()
        and word.endswith(("er", "ir", "re", "oir"))
        and lemmatize(word) == word
        and lemmatize(word + "s") != word
    )


def _judged(sign, statement, vocabulary: Vocabulary):
    """(rows, term ids) of the judgement each statement makes, when some do: :data:`MORE`
    or :data:`LESS` + :data:`JUDGED` for a statement whose judgements (``sign``, per chunk:
    :func:`_judgement_signs`) approve or condemn more; else None."""
    said = np.flatnonzero(sign)
    if not len(said):
        return None
    rows, where = np.unique(statement[said], return_inverse=True)
    balance = np.bincount(where, weights=sign[said])
    kept = balance != 0
    approving, condemning = vocabulary.term(MORE + JUDGED), vocabulary.term(LESS + JUDGED)
    return rows[kept], np.where(balance[kept] > 0, approving, condemning)


def marking_chunks(vocabulary: Vocabulary) -> frozenset[int]:
    """The ids of the chunks that may give the next word a prefix (see
    :func:`chunk_prefixes`): negations, "plus", "moins", "davantage", « trop », « assez »,
    « peu », verbs that raise or lower, and judgements that may condemn an action
    (« inutile de taxer »)."""
    marks = vocabulary.array("marks", np.int8)
    marking = vocabulary.array("negator", bool) | np.isin(
        marks,
        (_MORE, _LESS, _RAISE, _LOWER, _FURTHER, _BAD, _POOR, _TOO, _ENOUGH, _LITTLE, _HALT),
    )
    return frozenset(np.flatnonzero(marking).tolist())


def chunk_prefixes(vocabulary: Vocabulary, ids: list[int | None]) -> list[tuple[str, bool]]:
    """Per chunk (ids in ``vocabulary``, None for one it does not know), the prefix its
    terms get in a statement and whether their plain terms count too: :data:`NEGATED`
    after a negation, :data:`MORE` or :data:`LESS` after "plus de" / "moins de" (plain
    terms not counted), or after a verb that raises or lowers (:data:`RAISING`,
    :data:`LOWERING`; plain terms counted), else "" — the rules of :func:`_batch` read for
    one short text (a title) rather than for a corpus."""
    offsets, marks = vocabulary.offsets, vocabulary.marks
    n = len(ids)
    words = [i is not None and offsets[i + 1] > offsets[i] for i in ids]
    markers = _chunk_markers(vocabulary, ids, words)
    further, adverbs = _far_objects(vocabulary, ids, words, markers)
    prefixes: list[tuple[str, bool]] = [("", False)] * n
    objects: set[int] = set()  # the words a marker gives its prefix, not the word after them
    for at in range(n):
        if not words[at] or at in adverbs:
            continue
        if at in further:
            prefixes[at] = markers[further[at]]
        elif at and markers[at - 1][0]:
            prefixes[at] = markers[at - 1]
        elif at >= 2 and markers[at - 2][0] and not words[at - 1]:
            prefixes[at] = markers[at - 2]
        if (
            not prefixes[at][0]
            and at + 1 < n
            and ids[at + 1] is not None
            and marks[ids[at + 1]] == _FURTHER
            and markers[at + 1] == ("", False)
        ):
            prefixes[at] = (MORE, True)  # « taxer davantage »
        if prefixes[at][0]:
            objects.add(at)
        elif at - 1 in objects and prefixes[at - 1][1]:
            prefixes[at] = prefixes[at - 1]  # « bâtir des centrales nucléaires », one word
        # « augmenter pas… »: no quantity on a negated word, nor on a conjugated verb
        # (« supprimer le Sénat serait… »: see _no_finite_verb)
        if prefixes[at][1] and (
            _negated_at(markers, words, at) or _finite(vocabulary.key(ids[at]))
        ):
            prefixes[at] = ("", False)
    _chunk_measured(prefixes, ids, marks, words, objects)
    return prefixes


def _chunk_measured(prefixes, ids, marks, words: list[bool], objects: set[int]) -> None:
    """``prefixes`` (see :func:`chunk_prefixes`) with the quantity of each amount a verb
    raises or lowers moved to what it measures, and the word after it — the rule of
    :func:`_measured` read for one short text (``ids``: its chunks' ids, ``marks``: the
    vocabulary's)."""
    if not objects:  # most texts: no word given a prefix, no amount to move
        return
    kinds = [0 if i is None else marks[i] for i in ids]
    n = len(kinds)
    for at in sorted(objects):
        if kinds[at] != _AMOUNT or not prefixes[at][1] or at + 1 >= n or kinds[at + 1] != _OF:
            continue
        target = at + 1 if words[at + 1] else at + 2
        if target >= n or not words[target]:
            continue
        prefixes[target], prefixes[at] = prefixes[at], ("", False)
        if target + 1 < n and words[target + 1]:
            prefixes[target + 1] = prefixes[target]


def _far_objects(vocabulary: Vocabulary, ids: list[int | None], words: list[bool], markers):
    """The objects further than :func:`_after` reads of a short text's verbs that raise or
    lower (:func:`_far_object`), each with its verb's position; and the adverbs in -ment
    right after such a verb — the rule of :func:`_objects` read for one short text."""
    further: dict[int, int] = {}
    adverbs: set[int] = set()
    if (MORE, True) not in markers and (LESS, True) not in markers:  # no verb
        return further, adverbs
    marks, n = vocabulary.marks, len(ids)
    for verb, (prefix, plain) in enumerate(markers):
        if not plain or marks[ids[verb]] not in (_RAISE, _LOWER):
            continue
        if verb + 2 >= n or words[verb + 2] or ids[verb + 2] is None:
            continue
        stopped = marks[ids[verb]] == _RAISE and prefix == LESS
        if not (stopped or _verb_form(vocabulary.key(ids[verb]))):
            continue
        end = verb + 1
        while end < n and end <= verb + OBJECT_REACH and ids[end] is not None:
            end += 1
        where, manner = _far_object(lambda i: vocabulary.key(ids[i]), words.__getitem__, verb, end)
        if manner:
            adverbs.add(verb + 1)
        if where is not None:
            further[where] = verb
    return further, adverbs


def chunk_judgement(vocabulary: Vocabulary, ids: list[int | None]) -> str:
    """The judged term a short text's chunks (ids in ``vocabulary``, None for one it does
    not know) give it, :data:`MORE` or :data:`LESS` + :data:`JUDGED`, else "" — the rule of
    :func:`_judged` read for one short text (a title) rather than for a corpus."""
    marks, offsets = vocabulary.marks, vocabulary.offsets
    kinds = [0 if i is None else marks[i] for i in ids]
    if not any(kind in _JUDGING for kind in kinds):  # most titles judge nothing
        return ""
    words = [i is not None and offsets[i + 1] > offsets[i] for i in ids]
    markers = _chunk_markers(vocabulary, ids, words)
    balance = sum(
        sign for _, sign, verb in _chunk_judgements(vocabulary, ids, words, markers) if verb is None
    )
    return "" if not balance else (MORE if balance > 0 else LESS) + JUDGED


_JUDGING = frozenset((_GOOD, _BAD, _FINE, _POOR))


def _chunk_judgements(vocabulary: Vocabulary, ids: list[int | None], words, markers):
    """Per judgement of a short text's chunks (see :func:`chunk_judgement`): its chunk, its
    sign (+1 approves, -1 condemns) and, when it judges an action (:data:`CLITICS`), the
    chunk of the action's verb, else None — the rules of :func:`_judgement_signs` and
    :func:`_judged_actions` read for one short text."""
    marks = vocabulary.marks
    kinds = [0 if i is None else marks[i] for i in ids]
    denied = _chunk_denied(vocabulary, ids, kinds)
    found = []
    for at, kind in enumerate(kinds):
        if kind in (_FINE, _POOR):
            if at + 1 >= len(ids) or kinds[at + 1] != _MEASURE:
                continue
        elif kind not in (_GOOD, _BAD):
            continue
        sign = _chunk_sign(kind, at, kinds, words, markers, at in denied)
        of = at + (1 if kind in (_GOOD, _BAD) else 2)
        verb = None
        if of < len(ids) and kinds[of] == _OF:
            keys = []
            for i in ids[of : of + 3]:
                if i is None:
                    break
                keys.append(vocabulary.key(i))
            verb = _action(keys)
        found.append((at, sign, None if verb is None else of + verb))
    return found


def _chunk_sign(kind: int, at: int, kinds: list[int], words, markers, denied: bool) -> int:
    """The sign of the judgement of kind ``kind`` at ``at`` among a short text's chunks
    (their ``kinds``, marks): +1 approves, -1 condemns, turned by a negation, « fausse »,
    « peu » (not « un peu ») or a ``denied`` clause — see :func:`_judgement_signs`."""
    turns = (
        (at and markers[at - 1][0] == NEGATED)
        or (at >= 2 and markers[at - 2][0] == NEGATED and not words[at - 1]),
        at and kinds[at - 1] == _FALSE,  # « une fausse bonne idée »
        at and kinds[at - 1] == _LITTLE and not (at >= 2 and kinds[at - 2] == _A),
        denied,  # « je ne pense pas que ce soit une bonne idée »
    )
    sign = 1 if kind in (_GOOD, _FINE) else -1
    return -sign if sum(map(bool, turns)) % 2 else sign


def _chunk_markers(vocabulary: Vocabulary, ids: list[int | None], words: list[bool]):
    """Per chunk, the prefix it gives the next word (see :func:`chunk_prefixes`)."""
    negator, marks = vocabulary.negator, vocabulary.marks
    n = len(ids)
    mark = [0 if i is None else marks[i] for i in ids]
    markers: list[tuple[str, bool]] = [("", False)] * n
    denied = _chunk_denied(vocabulary, ids, mark)
    halted = _chunk_halted(vocabulary, ids, mark) if _HALT in mark else {}
    for at, i in enumerate(ids):
        if i is None:
            continue
        # « Pourquoi pas. Une bonne idée »; « non à la hausse » negates nothing
        if negator[i] and not vocabulary.ends[i] and at not in halted.values():
            markers[at] = (NEGATED, False)
            continue
        kind = mark[at]
        if kind == _ALL and at >= 2 and mark[at - 1] == _OF and markers[at - 2][0] == NEGATED:
            markers[at] = (NEGATED, False)  # « pas du tout prêt »
            continue
        if not kind:  # most chunks mark nothing: no slice of the marks read for them
            continue
        if kind == _MORE and _NE in mark[max(at - 2, 0) : at]:
            markers[at] = (NEGATED, False)
        elif (
            kind in _QUANTITIES
            and at + 1 < n
            and (mark[at + 1] == _OF or kind == _TOO and mark[at + 1] != _LITTLE and words[at + 1])
        ):  # « plus de », « trop taxés »; not « attendre trop au téléphone » (see _excess)
            markers[at] = _quantity_marker(
                kind, mark[at - 1] if at else 0, markers[at - 1], vocabulary, ids, mark, at
            )
        elif kind in (_RAISE, _LOWER) and not _negated_at(markers, words, at):
            markers[at] = _verb_marker(kind, mark, markers, at, vocabulary, ids, halted, words)
        elif kind == _FURTHER and not (at and words[at - 1]):  # « davantage taxer »
            markers[at] = (MORE, True)
    _undenied(markers, denied)  # « je ne crois pas qu'il faille augmenter… »: no quantity
    _condemned_actions(vocabulary, ids, words, markers, mark)
    return markers


_QUANTITIES = frozenset((_MORE, _LESS, _FURTHER, _TOO, _ENOUGH, _LITTLE))


def _quantity_marker(
    kind: int, before: int, marker: tuple[str, bool], vocabulary, ids, mark, at
) -> tuple[str, bool]:
    """The marker of a word of quantity before « de » (see :func:`_stance`), given the
    mark and the marker of the chunk before it; none when it ends a trend (« de moins en
    moins de », :func:`_chunk_trend`)."""
    if kind == _TOO:  # « trop de »: beside the word's own term, as a verb's (:func:`_excess`)
        return ("", False) if marker[0] == NEGATED else (LESS, True)
    if kind == _ENOUGH:  # « pas assez de »
        return (MORE, True) if marker[0] == NEGATED else ("", False)
    if kind == _LITTLE:  # « trop peu de »
        return (MORE, True) if before == _TOO else ("", False)
    if _chunk_trend(vocabulary, ids, mark, at):
        return ("", False)
    return (LESS if kind == _LESS else MORE, False)


def _chunk_trend(vocabulary: Vocabulary, ids, mark: list[int], at: int) -> bool:
    """Whether the word of quantity at ``at`` among a short text's chunks ends a trend (see
    :func:`_no_trend`): « de moins en moins de services »."""
    return (
        at >= 2
        and mark[at - 2] in (_MORE, _LESS)
        and ids[at - 1] is not None
        and _trend(vocabulary.key(ids[at - 1]))
    )


def _undenied(markers: list[tuple[str, bool]], denied: set[int]) -> None:
    """``markers`` with no quantity at the positions ``denied``; negations kept."""
    for at in denied:
        if markers[at][0] != NEGATED:
            markers[at] = ("", False)


def _chunk_denied(vocabulary: Vocabulary, ids: list[int | None], mark: list[int]) -> set[int]:
    """The positions of a short text's chunks inside a clause a negated verb of opinion
    denies (see :data:`DENYING`) — the rule of :func:`_denied` read for one short text."""
    if _THAT not in mark:  # most titles
        return set()
    negator, ends = vocabulary.negator, vocabulary.ends
    denied: set[int] = set()
    for at, kind in enumerate(mark):
        if kind != _THAT or not any(i is not None and negator[i] for i in ids[max(at - 2, 0) : at]):
            continue
        before = ids[max(at - 3, 0) : at]
        if None in before[-2:] or not _denies(
            [vocabulary.key(i) for i in before if i is not None],
            [ends[i] for i in before if i is not None],
        ):
            continue
        for inside in range(at, len(ids)):
            if inside > at and ids[inside] is not None and vocabulary.key(ids[inside]) in OPPOSING:
                break
            denied.add(inside)
            if ids[inside] is not None and ends[ids[inside]]:
                break
    return denied


def _chunk_halted(vocabulary: Vocabulary, ids: list[int | None], mark: list[int]) -> dict:
    """The positions of a short text's nouns halted (see :data:`HALTING`), each with the
    position of the word that halts it — the rule of :func:`_halted` read for one text."""
    halted = {}
    for at, kind in enumerate(mark):
        if kind != _HALT or not _bare_word(vocabulary, ids[at]):
            continue
        after = []
        for i in ids[at + 1 : at + 4]:
            if i is None:
                break
            after.append(i)
        moving = [vocabulary.marks[i] in (_RAISE, _LOWER) for i in after]
        where = _halt([vocabulary.key(i) for i in after], moving)
        if where is not None:
            halted[at + 1 + where] = at
    return halted


def _condemned_actions(vocabulary: Vocabulary, ids, words, markers, mark) -> None:
    """``markers`` (see :func:`_chunk_markers`) with the verb of each action condemned
    negated (« inutile de baisser les impôts »: no quantity, as « ne pas baisser »)."""
    if _JUDGING.isdisjoint(mark):  # most texts judge nothing
        return
    for _, sign, verb in _chunk_judgements(vocabulary, ids, words, markers):
        if verb is not None and sign < 0:
            markers[verb - 1] = (NEGATED, False)
            if mark[verb] in (_RAISE, _LOWER, _FURTHER):
                markers[verb] = ("", False)


def _verb_marker(
    kind: int,
    mark: list[int],
    markers: list[tuple[str, bool]],
    at: int,
    vocabulary,
    ids,
    halted: dict,
    words: list[bool],
):
    """The marker of a verb that raises or lowers (not negated), unless a verb that stops
    comes two chunks before it, across « de » or a determiner, or right before it with
    its article elided (see :func:`_stopped_verbs`), a word halts it (``halted``, see
    :func:`_chunk_halted`), or a negated word governs it (:data:`REFUSING`)."""
    refused = _chunk_refusal(vocabulary, ids, markers, words, at)
    if refused == "verb":
        return ("", False)
    if (
        at in halted
        or refused == "noun"
        or (
            at >= 2
            and markers[at - 2] == (LESS, True)
            and (mark[at - 1] == _OF or vocabulary.key(ids[at - 1]) in _OPENING_OBJECT)
        )
        or (at and markers[at - 1] == (LESS, True) and _elided_article(vocabulary.key(ids[at])))
    ):
        return (LESS, True) if kind == _RAISE else ("", False)
    return (MORE if kind == _RAISE else LESS, True)


def _chunk_refusal(vocabulary: Vocabulary, ids, markers, words: list[bool], at: int) -> str:
    """« verb » or « noun » when the verb or noun that raises or lowers at ``at`` among a
    short text's chunks is governed by a negated word (:data:`REFUSING`), else "" — the
    rule of :func:`_refusals` read for one short text."""
    if not (
        (at >= 2 and _negated_at(markers, words, at - 2))
        or (at >= 3 and _negated_at(markers, words, at - 3))
    ):  # most verbs: no negation before them
        return ""
    before = []
    for i in ids[max(at - 3, 0) : at]:
        before = [] if i is None else [*before, vocabulary.key(i)]
    key = vocabulary.key(ids[at])
    step = _refusal(before, key)
    if step is None or not _negated_at(markers, words, at - step):
        return ""
    verb = _verb_form(key)
    if not _refusing(vocabulary.marks[ids[at - step]], verb):
        return ""
    return "verb" if verb else "noun"


def _negated_at(markers: list[tuple[str, bool]], words: list[bool], at: int) -> bool:
    """Whether the chunk ``at`` is negated (see :func:`chunk_prefixes`)."""
    if not words[at]:
        return False
    before = markers[at - 1][0] if at else ""
    further = markers[at - 2][0] if at >= 2 and not words[at - 1] else ""
    return NEGATED in (before, further)


def _nobody(marks, doc) -> np.ndarray:
    """Per chunk: "personne" meaning nobody, which says nothing of what a statement is
    about: right before "ne"/"n'…" (« Personne ne m'a rappelée ») or one or two chunks
    after it (« il n'y a personne », « je n'ai vu personne »). "Personnes", "personne"
    after a determiner (« la personne n'a pas été prévenue ») and anywhere else (« une
    personne âgée ») stay the noun."""
    same = np.zeros(len(doc), bool)
    same[1:] = doc[1:] == doc[:-1]
    ne = marks == _NE
    near_ne = np.zeros(len(doc), bool)
    near_ne[:-1] = ne[1:] & same[1:]
    near_ne[1:] |= ne[:-1] & same[1:]
    near_ne[2:] |= ne[:-2] & (doc[2:] == doc[:-2])
    determined = np.zeros(len(doc), bool)
    determined[1:] = (marks[:-1] == _DETERMINER) & same[1:]
    return (marks == _PERSON) & near_ne & ~determined


def _everybody(marks, doc) -> np.ndarray:
    """Per chunk: the « monde » of « tout le monde » (everybody), which says nothing of
    what a statement is about: at 3,000 answers it made one idea of « tout le monde
    devrait cotiser », « la misère du monde » and « le monde associatif ». « Le monde
    entier », « la misère du monde » keep their world."""
    found = np.zeros(len(doc), bool)
    found[2:] = (
        (marks[2:] == _WORLD) & (marks[1:-1] == _THE) & (marks[:-2] == _ALL) & (doc[2:] == doc[:-2])
    )
    return found


def _we_are(marks, doc) -> np.ndarray:
    """Per chunk: « sommes » one or two chunks after « nous » (« nous sommes », « nous ne
    sommes pas », « nous en sommes »), the verb être, which the lemmatiser reads as the
    noun « somme » (a sum): « nous sommes trop dépendants » and « des sommes colossales »
    shared a term. « Les sommes versées » keeps its sums."""
    found = np.zeros(len(doc), bool)
    are = marks == _ARE
    for k in (1, 2):
        found[k:] |= are[k:] & (marks[:-k] == _WE) & (doc[k:] == doc[:-k])
    return found


def _after(marker, doc, has_terms) -> np.ndarray:
    """Chunks right after a marker, or one chunk further when the one between says nothing."""
    result = np.zeros(len(doc), bool)
    result[1:] = marker[:-1] & (doc[1:] == doc[:-1])
    result[2:] |= marker[:-2] & ~has_terms[1:-1] & (doc[2:] == doc[:-2])
    return result & has_terms


def _prefixed(cols: np.ndarray, chosen: np.ndarray, vocabulary: Vocabulary, prefix: str):
    """The ``chosen`` term ids replaced by those of the same terms with ``prefix``."""
    if not chosen.any():
        return cols
    cols = cols.copy()
    names = vocabulary.names
    mapping = {t: vocabulary.term(prefix + names[t]) for t in np.unique(cols[chosen]).tolist()}
    cols[chosen] = np.fromiter(map(mapping.__getitem__, cols[chosen].tolist()), np.int64)
    return cols


def split_statements(
    texts: list[str], vocabulary: Vocabulary | None = None, read: Read | None = None
) -> Statements:
    """The statements of ``texts`` and their term counts (see the module's docstring).

    ``read``: the texts' chunk ids already read in ``vocabulary``'s numbering (same
    statements, the texts are not split and looked up again)."""
    vocabulary = vocabulary or Vocabulary()
    rows, cols, sources, spans, count = [], [], [], [], 0
    for start in range(0, len(texts), BATCH):
        part = None if read is None else read.of(np.arange(start, min(start + BATCH, len(texts))))
        r, c, s, sp = _batch(texts[start : start + BATCH], vocabulary, start, part)
        rows.append(r + count)
        cols.append(c)
        sources.append(s)
        spans.append(sp)
        count += len(s)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(len(row), np.float32), (row, col)), shape=(count, len(vocabulary.names))
    )
    matrix.sum_duplicates()
    source = np.concatenate(sources) if sources else np.zeros(0, np.int64)
    spans_all = np.concatenate(spans) if spans else np.zeros((0, 2), np.int32)
    return Statements(source, spans_all, matrix, vocabulary)
