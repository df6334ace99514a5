"""Ideas in a list of answers: groups of statements saying the same thing, titled by one of them.

Pure computation (no Flask, no database); same input → same ideas.

A large corpus holds more ideas than a small one: the smallest idea grows with the square
root of the number of answers, not in proportion.

1. Answers are cut into statements, negations kept (:mod:`consult.analysis.statements`);
   the words of the question and forms of stop words are left out, and so are terms
   found in a single statement; statements are TF-IDF vectors (sublinear tf).
2. **Seeds**: the term shared by the most statements not yet in an idea makes an idea of
   them, again and again while a term still gathers :data:`MIN_SHARE` of the answers (at
   least two): the number of ideas follows the material, within what a working group can
   read (:data:`READABLE` × √answers at most: the smallest idea grows until then).
3. **Refinement**: each statement joins the idea whose centre is closest (cosine at least
   :data:`JOIN`), a few rounds; an idea left too small, or whose statements are on average
   far from their centre (:data:`COHERENT`), is dissolved and its statements go elsewhere;
   ideas whose centres are all close to each other (:data:`MERGE`) are merged.
4. An answer supports every idea one of its statements joined; answers that support none
   are the *isolated contributions*, listed apart and never counted as an idea.
5. **Titles**: the statement or clause of the idea (3 to :data:`TITLE_WORDS` words) closest
   to its centre, as written — never invented, never made of the question's words alone —
   with the idea's key terms beside it. A long sentence offers its first clauses and any
   later clause that is a sentence of its own; a testimony in the first person titles an
   idea only when nothing else of it reads as well. Two ideas titled alike are one. A
   large idea gets **sub-ideas** the same way, each as large as an idea needs at most.
"""

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, repeat

import numpy as np
import simplemma
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from consult.analysis.statements import (
    JUDGED,
    LESS,
    MORE,
    NEGATED,
    NEGATORS,
    PREFIXES,
    Read,
    Statements,
    Vocabulary,
    chunk_judgement,
    chunk_prefixes,
    marking_chunks,
    split_statements,
    strip_prefix,
)
from consult.analysis.text import (
    ACRONYMS,
    STOP_WORDS,
    lemmatize,
    stop_word_terms,
    strip_accents,
    terms,
)
from consult.analysis.vectors import (
    csr,
    diagonal,
    distinct,
    product,
    take_rows,
    tfidf,
    times,
    transpose,
    unit_rows,
)

MIN_SHARE = 0.03  # an idea gathers at least this share of the answers…
MIN_ANSWERS = 2.0  # …and at least this many…
ROOT_SHARE = 0.5  # …or, when fewer, this times the square root of the number of answers
READABLE = 2.0  # at most this times the square root of the number of answers in ideas…
GROW = 1.15  # …else the smallest idea grows by this factor until they are no more
MAX_SEED_SHARE = 0.5  # a term in more of the statements is too general to seed an idea…
SEED_IDF = 0.0  # how much a rarer term is preferred as a seed
FEW = 20  # …unless there are fewer statements than this
JOIN = 0.15  # cosine similarity to an idea's centre for a statement to join it
COHERENT = 0.1  # below this mean similarity to its centre, an idea is dissolved
MERGE = 0.35  # ideas whose centres are this close (cosine) are merged
ROUNDS = 4  # refinement rounds
FEWER_SAY = 0.5  # statements saying the opposite of an idea, this much at most, leave it
TITLE_WORDS = 14
SHORT_ANSWER_MIN = 3  # a short answer written alike by this many answers…
SHORT_ANSWER_SHARE = 0.25  # …and this share of those read for a title can be the title
CLAUSE = 0.9  # a title made of a sentence's first clauses counts this much…
CUT = 0.6  # …and one made of its first words, this much
KEY_TERM_ROWS = 20  # statements read to see how people wrote the key terms…
KEY_TERM_SCAN = 200  # …and further, for a key term none of them writes
TITLE_CANDIDATES = 40  # statements read to choose a title
MAX_TERMS = 5  # key terms beside a title
LEADING = 64  # a centre's largest weights sorted first to find them (see _top_terms)
SUB_MIN = 12  # an idea of at least this many answers…
SUB_OF_ALL = 0.05  # …and this share of all of them may get sub-ideas
SUB_SHARE = 0.12  # a sub-idea gathers at least this share of its idea, or what an idea needs
BLOCK = 20_000  # statements compared to the centres at a time
_EDGES = ".,;:!?()[]{}«»\"'’…*"
_WORD_EDGES = _EDGES.replace("'", "")
_INVERTED = ("-il", "-ils", "-elle", "-elles")  # « Sont-ils… »: a subject after its verb
# Words that announce, frame or qualify what is said without saying it (« ma proposition
# est la suivante », « voici mon idée », « c'est essentiel ») — general French, not taken
# from any corpus: a title made of these alone says nothing, the next candidate is taken.
# Left out: words whose term is also a word with content (« également » → « égal »,
# « important » → « import », « personnellement » → « personnel », « justement »…).
DISCOURSE_WORDS = (
    "proposition proposer suggestion suggérer idée avis opinion point vue penser pensée "
    "croire estimer trouver sembler paraître dire parler évoquer aborder ajouter "
    "expliquer préciser rappeler chose truc cas exemple façon manière sorte genre "
    "niveau question réponse répondre sujet thème problème solution remarque "
    "commentaire contribution message mot sens suivant suivre voici voilà dessous "
    "dessus suite premier première deuxième second dernier enfin ensuite puis donc "
    "plutôt surtout notamment certes cependant pourtant toutefois néanmoins ailleurs "
    "vrai bon essentiel nécessaire possible part côté effet concerner concernant résumé "
    "conclusion conclure demande demander souhait souhaiter espérer aimer savoir voir"
)
# Words of grammar the stop words leave (a preposition, a conjunction, an adverb of time,
# degree or linking, an indefinite determiner): they say nothing of what an idea is about,
# so they are no key term (« envers », « depuis », « pendant », « déjà » were shown beside
# titles). They still count in the vectors: a statement's « contre » or « déjà » tells a
# little of what it says. Left out: a word whose term is also a content word's (« environ »
# → « environnement », « au-delà » → « délai », « simplement » → « simple »). General
# French, not taken from any corpus.
FUNCTION_WORDS = (
    "après avant depuis pendant vers envers contre selon malgré parmi lorsque lequel "
    "laquelle lesquels lesquelles auquel auxquels duquel desquels donc ensuite puis enfin "
    "sinon cependant pourtant toutefois néanmoins surtout plutôt déjà assez tant autant "
    "tellement presque parfois désormais hui quant plusieurs quelques certain certains "
    "certaine certaines oui ex"
)
# A sentence that leans on what came before it does not stand alone as a heading. Its
# leading link word is dropped (« Après il faudrait réduire… » → « Il faudrait réduire… »);
# one that starts by pointing back (« Cela économise… », « Ces entreprises… », « Il frappe
# donc… », « Sont-ils… ») counts :data:`LEANING` times as much. General French, not taken
# from any corpus.
LINKS = (
    "et",
    "mais",
    "or",
    "donc",
    "car",
    "puis",
    "ensuite",
    "enfin",
    "après",
    "alors",
    "sinon",
    "bref",
    "cependant",
    "pourtant",
    "toutefois",
    "néanmoins",
    "ainsi",
    "également",
    "aussi",
    "finalement",
    "d'ailleurs",
    "de plus",
    "en plus",
    "en fait",
    "en effet",
    "par ailleurs",
    "par exemple",
    "par contre",
    "en revanche",
    "en outre",
    "de même",
    "du coup",
    "entre temps",
    "au final",
    "au contraire",
    "justement",
    "par conséquent",
    "de toute façon",
    "en tout cas",
    "d'autre part",
    "etc",  # « Etc radar pour route… »: the end of a list cut at a line
    "peut-être",
    "peut être",
    "peut etre",
    # « À part ça, il faut… »; « A part que l'État… » then opens on « que »: no sentence
    "à part ça",
    "a part ça",
    "à part cela",
    "a part cela",
    "à part",
    "a part",
)
# Words that answer the question before the sentence says anything (« Aucun.e : il y a déjà
# trop d'impôts », « Non, il faut… »): dropped with the punctuation that follows them, and
# only then (« Aucun impôt ne… », « Non-recours… », « Oui c'est possible » stay whole).
ANSWERS = (
    "oui",
    "non",
    "aucun",
    "aucune",
    "aucun.e",
    "aucun·e",
    "aucun(e)",
    "pourquoi pas",
    "bien sûr",
    "absolument",
    "tout à fait",
    "évidemment",
    "d'accord",
)
POINTING = (
    "cela ceci ça ca celui celle ceux celles elle elles ils cet cette ces sa son ses eux "
    "l'un l'une l'autre"
)
PRONOUN_REACH = 4  # a pronoun among a sentence's first words has its noun outside it
IMPERSONAL = "faut faudrait fallait faudra y est serait était suffit suffirait s'agit convient"
LEANING = 0.5
# A sentence's first clause that only sets the frame (« Pour les entreprises : … », « En
# dehors des budgets régaliens, … ») or announces what follows (« … : ») is no title of its
# own either: it counts :data:`LEANING` times as much. General French.
FRAMING = (
    "pour par en dans sur sous avec sans chez selon concernant hors vers contre entre depuis "
    "lors dès quant au aux du des de d' à afin quand lorsque si"
)
_FRAMING = frozenset(FRAMING.split())
# A sentence with no verb that opens on a word placing it (« Dans les lieux publics, à
# l'extérieur », « À tous les échelons de l'administration ») is the complement of a
# sentence left unsaid, no heading: it counts :data:`LEANING`. « Pour », « par », « sans »,
# « contre », « avec » state a purpose, a means, a position (« Pour une fiscalité plus
# juste », « Contre le nucléaire »): not these. General French.
PLACING = "dans à au aux sur sous chez hors entre vers depuis lors dès en selon concernant quant"
_PLACING = frozenset(PLACING.split())
_PLACING_A = _PLACING | {"a"}
_DASHES = "-–—•·*> \t"  # marks a list item may open on
# A sentence with no verb that ends on one of these (or « non plus ») says that what was
# said before holds for it too (« Les Français et les étrangers aussi »); one that opens on
# « pas » before anything but an amount (:data:`NEGATED_AMOUNT`) says it does not (« Pas
# que les droits »). Both take their verb from the sentence before: no heading, they count
# :data:`LEANING`. General French.
ECHOING = "aussi également itou idem pareil"
NEGATED_AMOUNT = "de d' du des plus moins assez trop autant un une besoin"
# One that opens on a word adding to or taking from what was said (« Y compris les
# résidences secondaires », « Notamment les personnes âgées », « Sauf pour les urgences »)
# or on « rien » before anything but an amount (« Rien sur internet ») takes its verb from
# the sentence before as well. General French.
ADDING = "notamment sauf hormis excepté"
_ADDING = frozenset(ADDING.split())
_ECHOING = frozenset(ECHOING.split())
_NEGATED_AMOUNT = frozenset(NEGATED_AMOUNT.split())
# Words that set aside or set the frame of what follows (« En dehors des budgets
# régaliens… », « Quant aux élus… », « Au sujet des impôts… »): a sentence opening on them
# leans as much (:data:`LEANING`), whole or not. General French.
SETTING = "hors dehors quant concernant s'agissant propos sujet matière"
SETTING_LEADS = "en au à a"  # « en dehors », « au sujet », « à propos »
_SETTING = frozenset(SETTING.split())
_SETTING_LEADS = frozenset(SETTING_LEADS.split())
# A heading states an idea: a question titles an idea only when most of its statements
# read ask one (:data:`MOSTLY`), and so does a statistic or an example's amount (« 30 % ont
# un niveau de vie moyen », « une commune de 11 660 habitants ») when most of them carry
# one. Each counts this much otherwise. A question asks: it ends on « ? », opens on a
# word that asks, or puts its subject after its verb (« n'est-il pas… »); a statistic is
# a share (« % »), a number of three digits or more, or a sentence opening on a number
# (« 6 ans », « 18 ans » say what is asked for). General French.
ASKING = 0.6
FIGURES = 0.6
MOSTLY = 0.5
LEAD_CHARACTERS = 20  # enough to read a sentence's first word
ASKING_WORDS = "qui quoi quel quelle quels quelles pourquoi comment combien où lequel laquelle"
_ASKING_WORDS = frozenset(ASKING_WORDS.split())
_INVERTED_SUBJECT = re.compile(r"(?<=\w)-(?:t-)?(?:il|ils|elle|elles|on|ce)\b", re.I)
# a word whose Shift key was held one letter too long (« PUblier », « TAxe »)
_SHIFTED = re.compile(r"\b[A-ZÀ-Ý]{2}[a-zà-ÿ]{2,}\b")
# A list mark before a text: a word of symbols alone (« ➢ », « • », a word processor's
# bullet), a lone « o », a number or a letter closed by « . », « ) », « / », « ° ».
_LIST_MARK = re.compile(r"^\s*(?:(?:[^\w\s«»\"'(\[]+|[oO]|\d{1,2}[.)/°]|[a-zA-Z][.)])\s+)+")
# An elision whose apostrophe was not typed (« trop d impôts », « L éducation civique »,
# « qu il ») is written with it in a title. Not « t » (« a t il » is « a-t-il »), not a
# letter after a number (« 5 l eau »), nor a capital further on (« vitamines C et D »).
_UNTYPED_ELISION = re.compile(
    r"(?<![\w'’-])(?<!\d )((?:jusqu|lorsqu|puisqu|qu|[dljnsmc])|^(?:[DLJNSMC]|Qu))"
    r" (?=[aeiouyhàâäéèêëîïôöûüœæ])(?!et\b)"  # « a, b, c et d »: no elision before « et »
)
_FIGURE = re.compile(r"%|\d\s?\d{2}|^\W*(?:à\s+|a\s+)?\d", re.I)
# Words a phrase cannot end on (« … tout contact avec la »): a sentence cut to
# :data:`TITLE_WORDS` words loses them at its end. General French.
DANGLING = (
    "le la les l' un une des du de d' au aux à avec pour par sur sous dans en entre chez vers "
    "sans contre et ou mais donc car ni que qu' qui dont où quand si comme son sa ses leur "
    "leurs mon ma mes ton ta tes notre nos votre vos ce cet cette ces se ne n' s' c' il ils "
    "elle elles on je j' nous vous très"
)
_DANGLING = frozenset(DANGLING.split())
# « leur » is a determiner (« leur culture ») but, after an article, a pronoun a phrase
# ends on (« nous respectons les leurs »). General French.
_PRONOUN_AFTER_ARTICLE = frozenset(("leur", "leurs"))
_ARTICLES = frozenset(("le", "la", "les"))
# Words that open a phrase a title can end before (a purpose, a place, a time, a
# condition, a relative clause), not the articles that open a verb's object. General French.
OPENING = (
    "pour afin par sur sous dans en entre chez vers sans contre avec et ou mais donc car "
    "ni que qui dont où quand si comme lorsque depuis pendant avant après dès selon"
)
_OPENING = frozenset(OPENING.split())
# Words that open a clause with a verb of its own: a title cut before that verb ends before
# them (:func:`_unopened`). General French.
_RELATIVE = frozenset(("qui", "que", "dont", "où", "lorsque", "quand"))
_RELATIVE_HINTS = ("qu", "dont", "où")  # in every word of _RELATIVE, and « qu' », « lorsqu' »
MIN_CUT_WORDS = 5  # a title cut back to a phrase keeps at least this many words
# A colon announces what follows: a title cut among the short items of the list it
# announces (at most this many words each) ends before it (« Organiser des consultations
# des citoyens sur internet à tous les niveaux : local, départemental » → « … à tous les
# niveaux »). General French.
LIST_ITEM_WORDS = 3
# A sentence's first clauses with no main verb (« Agé de 66 ans, », « Pole emploi : si on
# veut trouver un emploi, », « aujourd'hui lorsqu'on a besoin, par exemple, d'un fauteuil
# roulant électrique, ») when one of the next ones is a sentence of its own (« j'ai peur
# de… », « on cherche dans les entreprises », « ce n'est pas pris en charge ») only set
# the frame of its main clause, left out of a title cut there: they count :data:`LEANING`.
# The next clauses are read up to this many. General French.
FRAME_REACH = 3
TIME_ADVERBS = "aujourd'hui actuellement maintenant souvent parfois désormais toujours encore"
_TIME_ADVERBS = frozenset(TIME_ADVERBS.split())
_ELIDED_SUBORDINATE = ("lorsqu'", "puisqu'", "quoiqu'", "qu'")  # « lorsqu'on » is one word
LABEL_WORDS = 3  # a label (« Ma proposition : ») before a colon has at most this many words
# A heading states what was said; a testimony in the first person (« J'ai été placé à 8
# ans… ») is a quote: it titles an idea only when no statement of the idea reads as well
# (it counts this much). General French.
TESTIMONY = 0.7
FIRST_PERSON = "je j' moi me m' mon ma mes"
# Words that give an opinion or a proposal in the first person, not a testimony.
OPINION = (
    "pour moi",
    "selon moi",
    "à mon avis",
    "à mon sens",
    "je pense",
    "je crois",
    "je propose",
    "je suggère",
    "je souhaite",
    "je trouve",
    "j'estime",
    "je demande",
    "me semble",
    "me semblent",
    "me paraît",
)
_OPINION = re.compile(
    r"(?<![\w'’-])(?:"
    + "|".join(w.replace(" ", r"\s+").replace("'", "['’]") for w in OPINION)
    + r")"
    r"(?![\w'’-])(?:\s+(?:que|qu['’]|qu(?=\s)))?",  # « qu une… »: its apostrophe not typed
    re.IGNORECASE,
)
# a title does not open on them: « Je pense que nous sommes trop dépendants… » → « Nous… »
_OPINION_LEAD = re.compile(r"^\W*" + _OPINION.pattern + r"[\s,:]*(?=\S+\s+\S+\s+\S)", re.I)
_FIRST_PERSON_WORD = re.compile(
    r"(?<![\w'’-])(?:"
    + "|".join(
        w.replace("'", "['’]") if w.endswith("'") else w + r"(?![\w'’-])"
        for w in FIRST_PERSON.split()
    )
    + ")",
    re.IGNORECASE,
)
# A heading names something or says something of it: one made only of words that qualify
# (« Pénibles et dangereuses »), with no verb, determiner nor preposition, names nothing —
# the noun they qualify was the question's or another sentence's. With no list of
# adjectives, such a word is read as qualifying when the idea's statements never write it
# after a determiner (« les taxes », « l'État » name; « les pénibles » is not written): it
# counts :data:`LEANING`. General French.
QUALIFIER_WORDS = 4
GRADING = "et ou ni mais trop très tres plus moins si assez aussi pas peu bien mal vraiment souvent"
_GRADING = frozenset(GRADING.split())
_JOINING = frozenset(("et", "ou", "ni"))
NAMING = (
    "le la les l' un une des du ce cet cette ces mon ma mes ton ta tes son sa ses notre nos "
    "votre vos leur leurs"
)
_NAMING_PATTERN = "|".join(
    re.escape(w) if w.endswith("'") else re.escape(w) + r"\s" for w in NAMING.split()
)
# A later clause of a long sentence titles it when it is a sentence of its own: it opens on
# a subject (a pronoun, or a determiner and its noun) followed by a conjugated verb (« La
# Maurienne est une vallée longue de 120 km, les services sont concentrés à
# Saint-Jean-de-Maurienne »). It counts :data:`LATER`: less than a first clause, as what
# came before it may have set its subject. General French.
LATER = 0.8
SUBJECT_PRONOUNS = "je j' tu on nous vous il ils elle elles"
DETERMINERS = (
    "le la les l' un une des du ce cet cette ces mon ma mes ton ta tes son sa ses notre nos "
    "votre vos leur leurs chaque certains certaines plusieurs beaucoup peu trop tous toutes "
    "tout toute aucun aucune"
)
# A conjugated verb after one of these is not the clause's own (« des 400 euros, qu'on ajoute »)
SUBORDINATE = "que qu' qui dont où si quand lorsque lorsqu' pour afin comme"
FINITE = "est sont a ont était étaient sera seront fait font peut peuvent doit doivent va vont"
_SUBJECT_PRONOUNS = frozenset(SUBJECT_PRONOUNS.split())
_DETERMINERS = frozenset(DETERMINERS.split())
_FINITE = frozenset(FINITE.split())
_SUBORDINATE = frozenset(SUBORDINATE.split())
_PAIRS = (("(", ")"), ("[", "]"), ("«", "»"))
_PAIRED = re.compile(r'[()\[\]«»"]')
_POINTING = frozenset(POINTING.split())
# « Pour ces raisons », « À ces pays d'avoir… »: after a word that frames, they point back
DEMONSTRATIVES = "ces cet cette ceux celles celui celle cela ceci ça eux"
_DEMONSTRATIVES = frozenset(DEMONSTRATIVES.split())
_FRAMING_A = _FRAMING | {"a"}  # « à » typed without its accent
_OBJECT_PRONOUNS = frozenset(("le", "la", "les", "lui", "leur"))
# A heading that names a thing by a demonstrative past its first words (« Pour avoir accès à
# ces services, il faut… », « Accorder des droits pour valoriser cet engagement », « Dans
# ce genre de recherche ») names it by what was said before it, outside the heading; so
# does one whose subject is a pronoun of quantity (« Beaucoup sont déjà accessibles par
# internet », « Certains ne servent à rien ») or that opens on « exemple » (« Exemple des
# 80 km/h »: an example of what was said), or that names someone by « lui » or « leur »
# before a verb (« Leur donner des accès prioritaires », « La personne de l'accueil lui
# dit… »: not « leur formation »). Not a demonstrative of time (« cette année »,
# « ces dernières années », « à ce jour »), nor « ce » before a relative or a verb (« ce qui
# compte », « ce sont »). It counts :data:`LEANING`. General French.
TIME_WORDS = (
    "année années an ans jour jours moment moments temps époque siècle mois semaine "
    "semaines fois soir matin heure heures dernier dernière derniers dernières"
)
_TIME_WORDS = frozenset(TIME_WORDS.split())
QUANTITY_PRONOUNS = "beaucoup certains certaines plusieurs"
_QUANTITY_PRONOUNS = frozenset(QUANTITY_PRONOUNS.split())
_POINTING_HINT = re.compile(
    r"(?<!\w)(?:ce|cet|cette|ces|leur|lui|exemple|ex|tel|telle|tels|telles|"
    + "|".join(_QUANTITY_PRONOUNS)
    + r")(?!\w)",
    re.IGNORECASE,
)
_IMPERSONAL = frozenset(IMPERSONAL.split())
_SHOWN = {NEGATED: "pas ", MORE: "plus de ", LESS: "moins de "}  # a key term's prefix
_LINK = re.compile(
    r"^(?:(?:" + "|".join(w.replace(" ", r"\s+") for w in LINKS) + r")(?![\w'’-])[\s,:]*"
    r"|(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ANSWERS) + r")"
    r"\s*[,:;!]+\s*)+",
    re.IGNORECASE,
)
_LINK_FIRST = frozenset(word[0].lower() for word in (*LINKS, *ANSWERS))  # see _link
# « l'impôt » is shown « impôt », « quelqu'un » stays whole (not « un »)
_ELIDED = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]")
# Spaces after a sentence's end, spaces after a clause's end or before a bracket. Each pattern
# opens on one space (not on a look-behind): the regular expression engine then only tries
# the spaces of a text, not each of its characters; same matches as « (?<=[.!?;…])\s+ » and
# « (?<=[,;:])\s+|\s+(?=\() ».
_SENTENCE = re.compile(r"\s(?<=[.!?;…]\s)\s*")
_CLAUSE = re.compile(r"\s(?:(?<=[,;:]\s)\s*|\s*(?=\())")


# the spaces _SENTENCE splits at in a statement (after a sentence's end), and those _CLAUSE
# splits at (after a clause's end, before a bracket), each with a character no text of
# chunks holds in its place (see _sentences)
_SENTENCE_SPACES = tuple((f"{end} ", f"{end}\0") for end in ".!?;…")
_CLAUSE_SPACES = (*((f"{end} ", f"{end}\0") for end in ",;:"), (" (", "\0("))


def _sentences(text: str) -> list[str]:
    """``_SENTENCE.split(text)`` for a statement's text: its chunks joined by single
    spaces, so its only whitespace is one space between two chunks. The spaces the
    pattern splits at are then those right after a sentence's end: each is marked by a
    character no chunk holds and the text split there, in C (the pattern is tried at
    every space)."""
    return _split_at(text, _SENTENCE_SPACES) if "\0" not in text else _SENTENCE.split(text)


def _clauses(text: str) -> list[str]:
    """``_CLAUSE.split(text)`` for a sentence of a statement (see :func:`_sentences`): at
    the spaces after a clause's end and those before a bracket."""
    return _split_at(text, _CLAUSE_SPACES) if "\0" not in text else _CLAUSE.split(text)


def _split_at(text: str, spaces: tuple[tuple[str, str], ...]) -> list[str]:
    for space, marked in spaces:
        text = text.replace(space, marked)
    return text.split("\0")


# A capital opens a sentence: a determiner or a subject pronoun written with one after a
# word a phrase can end on, before a word in small letters (« …des maladies graves et
# handicapes La garde des enfants », « Emploi Le fonctionnement du pôle emploi doit être
# revu », « Juste 1 point: Les créateurs… »), or an infinitive with one after such a word
# that is no verb (« Partager le nucléaire Développer la recherche »), starts a new
# sentence whose full stop or line break was not typed. Not a name (« La Poste », « Le
# Havre »: a capital follows), nor after a word needing the next (« de La Rochelle »,
# « et Les »), nor a verb's infinitive after it (« Il faut Supprimer le Sénat »). General
# French.
OPENERS = (
    "Le La Les L' Un Une Des Du Ce Cet Cette Ces Mon Ma Mes Notre Nos Leur Leurs Chaque "
    "Je J' Tu Il Ils Elle Elles On Nous Vous"
)
_OPENERS = frozenset(OPENERS.split())
_GLUED = re.compile(
    r" (?<=[\w:)] )(?=(?:(?:"
    + "|".join(w for w in OPENERS.split() if not w.endswith("'"))
    + r") [a-zà-ÿ]|[LJ]['’][a-zà-ÿ]|[A-ZÀ-Ý][a-zà-ÿ]+(?:er|ir|re) ))"
)


def _unglued(sentence: str) -> list[str]:
    """``sentence`` split where a capital opens a new one (see :data:`OPENERS`)."""
    if _GLUED.search(sentence) is None:  # most sentences: no capital inside
        return [sentence]
    words = sentence.split(" ")
    pieces, start = [], 0
    for at in range(1, len(words)):
        if _opens_sentence(words[at - 1], words[at], words[at + 1 : at + 2]):
            pieces.append(" ".join(words[start:at]))
            start = at
    pieces.append(" ".join(words[start:]))
    return pieces


def _opens_sentence(before: str, word: str, after: list[str]) -> bool:
    """Whether ``word`` opens a sentence after ``before`` (see :data:`OPENERS`)."""
    if not word[:1].isupper() or not (before[-1:].isalnum() or before[-1:] in ":)"):
        return False
    if _dangles(before):
        return False
    head, mark, rest = word.replace("’", "'").partition("'")
    if mark:  # « L'école », « J'ai »
        return head + mark in _OPENERS and rest[:1].islower()
    if word in _OPENERS:
        return bool(after) and after[0][:1].islower()
    bare = _bare(before)
    return (
        before[-1:] != ":"
        and _verb_only(word.lower())
        and not (_conjugated(bare) or _verb_only(bare))
    )


def _glued_sentences(text: str) -> list[str]:
    """The sentences of a statement's text, those glued without a full stop apart."""
    return [piece for said in _sentences(text) for piece in _unglued(said)]


@dataclass
class FoundIdea:
    """One idea: its title, key terms, the answers behind it (positions in the input)."""

    title: str
    key_terms: list[str]
    members: list[int]  # positions of the answers supporting it, in order
    representatives: list[int]  # answer positions, most central first
    sub_ideas: list["FoundIdea"] = field(default_factory=list)


@dataclass
class IdeaMap:
    """The ideas of a list of answers (largest first) and the answers in none."""

    ideas: list[FoundIdea]
    isolated: list[int]


@dataclass
class _Space:
    """Statements, their vectors and weights, and what the titles need to read."""

    texts: list[str]
    statements: Statements
    vectors: sparse.csr_matrix
    weights: np.ndarray  # per statement: its answer's weight
    text_weights: np.ndarray
    # What titles read, kept for the call (an idea and its sub-ideas share statements):
    # each statement's candidates (:func:`_row_candidates`), each candidate's term ids and
    # testimony factor, each statement's one-term words (key terms), and the term ids of
    # the discourse words.
    said: dict[int, list[tuple[str, float, str]]] = field(default_factory=dict)
    short: dict[int, tuple[str, str] | None] = field(default_factory=dict)  # _short_answer
    pieces: dict[str, set[int]] = field(default_factory=dict)
    spoken: dict[str, int] = field(default_factory=dict)  # _spoken, per candidate
    testimonies: dict[str, float] = field(default_factory=dict)
    # whether a statement (by row) or a candidate asks and carries a figure (:func:`_kind`)
    kinds: dict[int | str, tuple[bool, bool]] = field(default_factory=dict)
    words: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # _single_terms
    single: dict[str, int] = field(default_factory=dict)  # _single_terms, per chunk
    empty: set[int] | None = None
    marking: frozenset[int] | None = None  # chunks that negate or quantify (_piece_terms)
    grammar: set[int] | None = None  # the term ids of :data:`FUNCTION_WORDS`, no key terms
    settled: dict[tuple, float] = field(default_factory=dict)  # _settled
    stances: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # _stances
    qualifiers: dict[str, frozenset[str]] = field(default_factory=dict)  # _qualifiers
    named: dict[bytes, frozenset[str]] = field(default_factory=dict)  # _qualifying


def find_ideas(
    texts: list[str],
    weights=None,
    question: str = "",
    vocabulary: Vocabulary | None = None,
    read: Read | None = None,
) -> IdeaMap:
    """The ideas of ``texts`` (see the module's docstring).

    :param weights: how many contributions each text stands for (1 each by default).
    :param question: the question answered; its words never seed an idea nor make a title.
    :param vocabulary: shared by the calls over one corpus, so each word is read once.
    :param read: the texts' chunk ids already read in ``vocabulary``'s numbering, so the
        texts are not split again (see :func:`consult.analysis.statements.split_statements`).
    """
    text_weights = np.ones(len(texts)) if weights is None else np.asarray(weights, float)
    space = _space(texts, text_weights, question, vocabulary or Vocabulary(), read)
    rows = np.flatnonzero(space.vectors.getnnz(axis=1) > 0)
    total = text_weights.sum()
    min_size = max(MIN_ANSWERS, min(MIN_SHARE * total, ROOT_SHARE * math.sqrt(total)))
    groups = _readable(space, rows, min_size, total)
    large = max(SUB_MIN, SUB_OF_ALL * total)
    ideas = _alike_merged(space, groups, large, min_size, question)
    ideas.sort(key=lambda idea: (-text_weights[idea.members].sum(), idea.members[0]))
    supported = np.zeros(len(texts), bool)
    for idea in ideas:
        supported[idea.members] = True
    return IdeaMap(ideas, np.flatnonzero(~supported).tolist())


def _alike_merged(
    space: _Space, groups: list[np.ndarray], large: float, min_size: float, question: str
) -> list[FoundIdea]:
    """The ideas of ``groups``; two titled alike (:func:`_said`) are one idea, titled
    again. « On paye déjà trop d'impôts » (38 answers) and « Nous payons déjà trop
    d'impôts » (35) were two ideas: « paye » is a noun as much as the verb's present, and
    its stem is the noun's (that of « pays »), so their statements never met."""
    ideas = [_idea(space, group, large, min_size) for group in groups]
    left_out = set(terms(question)) | stop_word_terms()
    alike: dict[tuple, list[int]] = {}
    for number, idea in enumerate(ideas):
        said = _said(idea.title, left_out)
        if said[0]:
            alike.setdefault(said, []).append(number)
    for numbers in alike.values():
        if len(numbers) > 1:
            rows = np.concatenate([groups[number] for number in numbers])
            ideas[numbers[0]] = _idea(space, np.sort(rows), large, min_size)
            for number in numbers[1:]:
                ideas[number] = None
    return [idea for idea in ideas if idea is not None]


def _said(title: str, left_out: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """What a title says: its terms, a present of a verb in -yer read as the verb (« paye »
    → « payer », whose stem « pai » is also that of « paie »), without ``left_out``; and its
    negations and quantities (« pas », « plus », « moins »…), so that saying the opposite
    is not saying the same."""
    words = [word.strip(_WORD_EDGES) for word in title.lower().split()]
    read = " ".join(_as_verb(word) for word in words)
    marks = frozenset(word for word in words if word in NEGATORS or word in _QUANTITIES)
    return frozenset(terms(read)) - left_out, marks


_QUANTITIES = frozenset(("ne", "n'", "plus", "moins", "davantage", "trop", "assez"))


def _as_verb(word: str) -> str:
    """The infinitive of a present of a verb in -yer that is also a noun (« paye »),
    else the word."""
    lemma = lemmatize(word) if word.isalpha() else word
    if lemma.endswith("ye") and lemmatize(lemma + "r") == lemma + "r":
        return lemma + "r"
    return word


def _readable(space: _Space, rows: np.ndarray, min_size: float, total: float) -> list:
    """The top-level groups, no more than :data:`READABLE` × √answers: long answers make many
    statements, and two answers meeting on a word would otherwise each make an idea
    (45 long answers gave 28 ideas). The smallest idea grows until the list can be read,
    unless no idea would be left."""
    groups = _cluster(space, rows, min_size, exclude=())
    while len(groups) > READABLE * math.sqrt(total):
        min_size *= GROW
        fewer = _cluster(space, rows, min_size, exclude=())
        if not fewer:  # ideas all of a size: fewer would be none, they stay
            break
        groups = fewer
    return groups


def _space(
    texts: list[str], text_weights: np.ndarray, question: str, vocabulary, read=None
) -> _Space:
    statements = split_statements(texts, vocabulary, read)
    counts = statements.counts.tocsr()
    # Said by two people at least: one text sent by a whole campaign counts its senders.
    row_weights = np.repeat(text_weights[statements.source], np.diff(counts.indptr))
    said = np.bincount(counts.indices, weights=row_weights, minlength=counts.shape[1])
    usable = said >= 2
    left_out = set(terms(question)) | stop_word_terms() | _negator_terms()
    usable[_forms(statements.vocabulary, left_out | {JUDGED})] = False  # judging splits only
    counts = product(counts, diagonal(usable.astype(np.float32)))
    counts.eliminate_zeros()
    vectors = tfidf(counts.tocsr())
    return _Space(texts, statements, vectors, text_weights[statements.source], text_weights)


@lru_cache(maxsize=1)
def _negator_terms() -> frozenset[str]:
    """The terms of the negators (:data:`consult.analysis.statements.NEGATORS`): « non »
    marks the word after it (« non respect », « non performants »), and on its own says
    nothing of what a statement is about — « pas », « jamais »… are stop words already.
    Left to itself, « non » gathered « non respect de la laïcité », « présents mais non
    performants » and « je suis parisienne et donc non représentative » into one idea."""
    return frozenset(term for word in NEGATORS for term in terms(word))


@lru_cache(maxsize=1)
def _function_terms() -> frozenset[str]:
    """The terms of :data:`FUNCTION_WORDS`."""
    return frozenset(terms(FUNCTION_WORDS))


def _forms(vocabulary: Vocabulary, bare: set[str]) -> list[int]:
    """The ids of the terms that are one of ``bare``, with a negation or quantity or not
    (the vocabulary's few forms of each, rather than each of its terms read in turn)."""
    ids = vocabulary.term_ids
    return [
        ids[form]
        for name in bare
        for form in (name, *(prefix + name for prefix in PREFIXES))
        if form in ids and strip_prefix(form) == name
    ]


def _seeds(space: _Space, rows, vectors, min_size: float, exclude) -> list[np.ndarray]:
    """Statements (positions in ``rows``; ``vectors``: theirs) grouped by the term most of
    them share, greedily (no cap)."""
    n = vectors.shape[0]
    columns = transpose(vectors)  # a row per term: the statements using it
    weights = space.weights[rows]
    # each stored value's row weight (0 for a value 0): per term, bincount adds them in row
    # order, the sums that presence.T @ weights gives without building presence matrices
    lengths = np.diff(vectors.indptr)
    given = np.repeat(weights, lengths) * (vectors.data != 0)
    left = np.bincount(vectors.indices, weights=given, minlength=vectors.shape[1])
    left[list(exclude)] = 0
    df = np.diff(columns.indptr)
    if n >= FEW:
        left[df > MAX_SEED_SHARE * n] = 0
    # a rarer term names a more precise idea: it goes first when it gathers as many
    boost = np.log((1 + n) / (1 + df)) ** SEED_IDF
    free = np.ones(n, bool)
    groups = []
    while len(left) and left.max() >= min_size:
        term = int(np.argmax(np.where(left >= min_size, left * boost, -1)))
        column = columns.indices[columns.indptr[term] : columns.indptr[term + 1]]
        taken = column[free[column]]
        free[taken] = False
        counts = lengths[taken]
        ends = np.cumsum(counts)
        where = np.repeat(vectors.indptr[taken] - (ends - counts), counts) + np.arange(
            ends[-1] if len(ends) else 0
        )
        left -= np.bincount(vectors.indices[where], weights=given[where], minlength=len(left))
        left[term] = 0
        groups.append(taken)
    return groups


def _assign(vectors, centres, labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's closest centre, its cosine similarity, and the similarity to the centre
    of its current idea (``labels``, 0 for none), a block of rows at a time."""
    n = vectors.shape[0]
    best, score, own = np.zeros(n, np.int64), np.zeros(n), np.zeros(n)
    # dense centres: a sparse × dense product is much faster than sparse × sparse; over
    # all the terms (a term no centre holds adds 0 to each sum, which leaves it as it is),
    # made terms × centres in memory order: the product reads it without a copy
    dense = _dense_columns(centres)
    for start in range(0, n, BLOCK):
        sims = times(vectors if n <= BLOCK else vectors[start : start + BLOCK], dense)
        closest = sims.argmax(axis=1)
        best[start : start + BLOCK] = closest
        lines = np.arange(len(sims))
        score[start : start + BLOCK] = sims[lines, closest]  # the maximum, read at its place
        current = labels[start : start + BLOCK]
        own[start : start + BLOCK] = np.where(current >= 0, sims[lines, np.maximum(current, 0)], 0)
    return best, score, own


def _dense_columns(centres) -> np.ndarray:
    """``transpose(centres).astype(np.float32).toarray()``: terms × centres, dense, in
    float32 (half the memory), each stored value written in place, without the sparse
    transpose and the checks of SciPy's conversions (two rounds per clustering)."""
    k = centres.shape[0]
    dense = np.zeros((centres.shape[1], k), np.float32)
    dense[centres.indices, np.arange(k).repeat(np.diff(centres.indptr))] = centres.data
    return dense


def _cluster(space: _Space, rows: np.ndarray, min_size: float, exclude) -> list[np.ndarray]:
    """Groups of statement rows (seeded, refined, incoherent ones dissolved).

    ``exclude``: terms that neither seed a group nor bring statements together — an idea's
    own key terms, when it is cut into sub-ideas: its statements all share them, so they
    would make every part's centre alike and the parts merge back into one."""
    # the excluded terms are left out of the vectors, then every term no row uses
    vectors = _used_columns(_without_terms(take_rows(space.vectors, rows), exclude))
    weights = space.weights[rows]
    groups = _seeds(space, rows, vectors, min_size, exclude=())
    if not groups:
        return []
    labels = np.full(len(rows), -1)
    for number, group in enumerate(groups):
        labels[group] = number
    source = space.statements.source[rows]
    for round_ in range(ROUNDS):
        if round_ == ROUNDS - 1:
            labels = _merge_close(vectors, weights, labels)
        labels = _refine(vectors, weights, labels, source, min_size)
        if labels.max() < 0:
            return []
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(labels.max() + 2))
    groups = [rows[order[bounds[g] : bounds[g + 1]]] for g in range(labels.max() + 1)]
    groups = [group for group in groups if len(group)]  # dissolved in the last round
    return [part for group in groups for part in _split_negation(space, group, min_size)]


def _used_columns(vectors) -> sparse.csr_matrix:
    """``vectors`` with only the columns some row uses, in the same order: the same values
    in the same order, so the same sums, centres and similarities, while the arrays made
    per term (the seeds' counts, the dense centres of each refinement round) are those of
    the terms of the statements clustered, not of the whole vocabulary (a sub-idea's
    statements use a few hundred terms of tens of thousands)."""
    used = distinct(vectors.indices)
    indices = np.searchsorted(used, vectors.indices)
    return csr(vectors.data, indices, vectors.indptr, (vectors.shape[0], len(used)))


def _without_terms(vectors, exclude):
    """``vectors`` without the columns of ``exclude``, rows normalised again."""
    if not len(exclude):
        return vectors
    kept = np.ones(vectors.shape[1], np.float32)
    kept[list(exclude)] = 0
    vectors = unit_rows(product(vectors, diagonal(kept)))
    vectors.eliminate_zeros()
    return vectors.tocsr()


def _merge_close(vectors, weights, labels) -> np.ndarray:
    """Ideas whose centres are close (cosine at least :data:`MERGE`) become one, when each
    of them is close to every other (complete linkage). Chained (A close to B, B to C),
    they made a catch-all: long answers listing several things bring an idea close to
    many, and « trier les déchets » gathered plastics, local food and the car — 386 of
    900 answers with no sub-idea — while plastics and the car are not close to each
    other."""
    inside = labels >= 0
    k = labels.max() + 1
    if k < 2:
        return labels
    centres = unit_rows(product(_onehot(weights, labels, k), vectors))
    distance = 1 - product(centres, transpose(centres)).toarray()  # centres @ centres.T
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform(np.clip(distance, 0, None), checks=False), method="complete")
    component = fcluster(tree, 1 - MERGE, criterion="distance") - 1
    return np.where(inside, component[np.maximum(labels, 0)], -1)


def _split_negation(space: _Space, rows: np.ndarray, min_size: float) -> list[np.ndarray]:
    """An idea whose statements say both "X" and "pas X", or both "plus de X" and "moins
    de X", becomes two ideas when each side gathers what an idea needs (each read again, for
    another pair). When one side is the idea's (it gathers what an idea needs), says a
    negation or a quantity, and the other is said by at most :data:`FEWER_SAY` as much, the
    statements saying only the other leave it: they do not share what it says. « Pas prêt
    à payer plus d'impôts » (47 answers) held « Je serais prêt à payer plus d'impôts si… »
    (10). Not when the idea's side is a plain word: a word often says what an idea is
    about, whatever the stance (« faire payer ceux qui ne paient pas » is no opposite of
    « payer »), while « pas prêt », « moins de taxes » say a stance."""
    vocabulary = space.statements.vocabulary
    counts = take_rows(space.statements.counts, rows)
    # per term, the weight of the rows using it (rows in order: the sums of presence.T @
    # weights, without building the presence matrix)
    present = counts.data != 0
    row_weights = np.repeat(space.weights[rows], np.diff(counts.indptr))
    weight = np.bincount(
        counts.indices[present], weights=row_weights[present], minlength=counts.shape[1]
    )
    pairs = []
    for term in np.flatnonzero(weight >= min_size).tolist():
        other = _opposite(vocabulary, vocabulary.names[term])
        if other is None or other == term or not weight[other]:
            continue
        if vocabulary.names[term].startswith(PREFIXES):
            pairs.append((term, other))
        if weight[other] < min_size or not _negative(vocabulary.names[term]):
            continue
        apart = _column(counts, term)
        # "pas de voiture …, la voiture pollue": the same statements say both; only
        # statements saying "X" without "pas X" make the other side
        plain = _column(counts, other) & ~apart
        if space.weights[rows][plain].sum() >= min_size:  # each side read again
            sides = (rows[~apart], rows[apart])
            return [part for side in sides for part in _split_negation(space, side, min_size)]
    leaving = np.zeros(len(rows), bool)
    for term, other in pairs:
        if weight[other] <= FEWER_SAY * weight[term]:
            leaving |= _column(counts, other) & ~_column(counts, term)
    return [rows[~leaving]] if leaving.any() else [rows]


def _column(counts, term: int) -> np.ndarray:
    """Whether each row of ``counts`` holds ``term``."""
    return counts[:, [term]].toarray().ravel() != 0


def _negative(name: str) -> bool:
    """Whether a term is the negated or "moins de" side of a pair of opposites."""
    return name.startswith((NEGATED, LESS))


def _opposite(vocabulary: Vocabulary, name: str) -> int | None:
    """The id of the term saying the opposite: "X" for "pas X" and back, "plus de X" for
    "moins de X" and back; None when the vocabulary has none."""
    if name.startswith(NEGATED):
        return vocabulary.term_ids.get(name.removeprefix(NEGATED))
    if name.startswith(LESS):
        return vocabulary.term_ids.get(MORE + name.removeprefix(LESS))
    if name.startswith(MORE):
        return vocabulary.term_ids.get(LESS + name.removeprefix(MORE))
    return vocabulary.term_ids.get(NEGATED + name)


def _refine(vectors, weights, labels, source, min_size) -> np.ndarray:
    """One round: each row moves to the closest centre of an idea large and coherent
    enough (the others are dissolved), or to none when no centre is close."""
    inside = labels >= 0
    k = labels.max() + 1
    centres = unit_rows(product(_onehot(weights, labels, k), vectors))
    best, score, own = _assign(vectors, centres, labels)
    members = np.maximum(np.bincount(labels[inside], minlength=k), 1)
    cohesion = np.bincount(labels[inside], weights=own[inside], minlength=k) / members
    answers = _answer_weights(labels, source, weights, k)
    keep = (cohesion >= COHERENT) & (answers >= min_size)
    return np.where((score >= JOIN) & keep[best], best, -1)


def _onehot(weights, labels, k) -> sparse.csr_matrix:
    """Ideas × rows, each row's weight in its idea's line (none for label -1): the matrix
    ``csr_matrix((weights, (labels, rows)))`` gives, built directly (same arrays, same
    order: rows in order within an idea), without its conversion from coordinates."""
    inside = np.flatnonzero(labels >= 0)
    order = inside[np.argsort(labels[inside], kind="stable")]
    indptr = np.zeros(k + 1, np.int32)
    np.cumsum(np.bincount(labels[inside], minlength=k), out=indptr[1:])
    return csr(weights[order], order.astype(np.int32), indptr, (k, len(labels)))


def _answer_weights(labels, source, weights, k) -> np.ndarray:
    """Per idea, the weight of the distinct answers having a statement in it."""
    inside = labels >= 0
    span = int(source.max()) + 1 if len(source) else 1
    # one integer per (idea, answer) pair: a flat unique is much faster than unique(axis=1)
    pairs = distinct(labels[inside].astype(np.int64) * span + source[inside])
    first = np.searchsorted(source, pairs % span)  # any statement of the answer has its weight
    return np.bincount(pairs // span, weights=weights[first], minlength=k)


def _idea(
    space: _Space, rows: np.ndarray, large: float | None, floor: float = math.inf, avoid: str = ""
) -> FoundIdea:
    """An idea made of statement ``rows``: its title, key terms, answers and sub-ideas
    (when it holds at least ``large`` answers; ``avoid``: its parent's title).

    A sub-idea gathers :data:`SUB_SHARE` of its idea, or ``floor`` answers (what an idea
    needs) when that is fewer: a sub-idea never needs more answers than an idea. Held to
    its share, a very large idea got none (« le respect », 334 of 900 answers, needed 40
    per sub-idea) and read as one idea holding 40 % of everything."""
    vectors = take_rows(space.vectors, rows)
    # the weights as one sparse row (the zero ones left out), then each row's cosine to
    # the centre by a matrix × vector product: the sums of a sparse × sparse product
    # (same terms in the same order, the missing ones adding nothing), cheaper
    weights = space.weights[rows]
    given = np.flatnonzero(weights)
    line = csr(weights[given], given, np.array([0, len(given)], np.int32), (1, len(rows)))
    centre = unit_rows(product(line, vectors))
    closeness = times(vectors, centre.toarray().ravel())
    ranked = rows[np.lexsort((rows, -closeness))]
    said = _said_title(space, ranked[:TITLE_CANDIDATES], centre, avoid)
    rows, ranked = _with_title(space, rows, ranked, said)
    source = space.statements.source
    members = distinct(source[rows])
    representatives = list(dict.fromkeys(source[ranked].tolist()))
    if space.grammar is None:
        space.grammar = set(_forms(space.statements.vocabulary, _function_terms()))
    top, shown = _top_terms(centre, space.grammar)
    idea = FoundIdea(
        title=_tidy(said),
        key_terms=_key_terms(space, ranked, shown),
        members=members.tolist(),
        representatives=representatives,
    )
    size = space.text_weights[members].sum()
    if large is not None and size >= large:
        part = max(2.0, min(SUB_SHARE * size, floor))
        subs = _cluster(space, rows, part, exclude=top[:2].tolist())
        if len(subs) >= 2:
            idea.sub_ideas = _sub_ideas(space, subs, idea.title)
    return idea


def _top_terms(centre, grammar: set[int]) -> tuple[np.ndarray, list[int]]:
    """The terms of ``centre`` by weight, largest first (ties in the order it holds them):
    the first :data:`MAX_TERMS`, and the first :data:`MAX_TERMS` not in ``grammar``. Only
    the :data:`LEADING` largest weights (and those tied with the last of them) are sorted
    when they hold enough terms outside ``grammar``: they come first in the whole order,
    in the same order (a large idea's centre holds thousands of terms)."""
    data = centre.data
    if len(data) > LEADING:
        least = -np.partition(-data, LEADING - 1)[LEADING - 1]
        leading = np.flatnonzero(data >= least)  # in the order the centre holds them
        order = centre.indices[leading[np.argsort(-data[leading], kind="stable")]]
        shown = [term for term in order.tolist() if term not in grammar][:MAX_TERMS]
        if len(shown) == MAX_TERMS:
            return order[:MAX_TERMS], shown
    order = centre.indices[np.argsort(-data, kind="stable")]
    return order[:MAX_TERMS], [term for term in order.tolist() if term not in grammar][:MAX_TERMS]


def _with_title(
    space: _Space, rows: np.ndarray, ranked: np.ndarray, said: str
) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` and ``ranked`` (the same statements, most central first) without those that
    say only the opposite of what the title ``said`` asks for or judges (« moins de X »
    under « Taxer davantage X », « Bâtir des centrales » under « Arrêter les centrales »,
    « indispensable » under « Inutile »), when they are no more than those saying what
    it says: whatever its size, an idea or sub-idea does not hold both sides under one
    title. A sub-idea is made of its idea's statements: « Baisser les taxes » is no
    sub-idea of « Taxer davantage ». Negations are not read so (« faire payer ceux qui ne
    paient pas » is no opposite of « payer »)."""
    stances = space.stances.get(said)
    if stances is None:
        stances = space.stances[said] = _stances(space, said)
    if not stances:  # most titles: no stance
        return rows, ranked
    counts = take_rows(space.statements.counts, rows)
    weights = space.weights[rows]
    leaving = np.zeros(len(rows), bool)
    for term, other in stances:
        against = _column(counts, other)
        if not against.any():
            continue
        saying = _column(counts, term)
        against &= ~saying
        if weights[against].sum() <= weights[saying].sum():
            leaving |= against
    if not leaving.any() or leaving.all():
        return rows, ranked
    return rows[~leaving], ranked[np.isin(ranked, rows[leaving], invert=True)]


def _stances(space: _Space, said: str) -> list[tuple[int, int]]:
    """The quantities and judgements a title says (« plus de X », « moins de X », and what
    raises, lowers or judges, read as the statements read them), each with its opposite,
    when the statements say it: (term id, opposite term id)."""
    vocabulary = space.statements.vocabulary
    found = space.pieces.get(said)
    if found is None:
        if space.marking is None:
            space.marking = marking_chunks(vocabulary)
        found = space.pieces[said] = _piece_terms(vocabulary, said, space.marking)
    names, term_ids = vocabulary.names, vocabulary.term_ids
    judged = chunk_judgement(vocabulary, list(map(vocabulary.chunk_ids.get, said.split())))
    said_terms = [*found, term_ids[judged]] if judged in term_ids else found
    pairs = []
    for term in said_terms:
        if names[term].startswith((MORE, LESS)):
            other = _opposite(vocabulary, names[term])
            if other is not None:
                pairs.append((term, other))
    return pairs


def _sub_ideas(space: _Space, groups: list[np.ndarray], title: str) -> list[FoundIdea]:
    """The sub-ideas of an idea titled ``title``, largest first. One answer titled like
    its idea (the answer the idea's title was taken from) says nothing more as a sub-idea
    and is left out; fewer than two left, the idea has none."""
    subs = [_idea(space, group, None, avoid=title) for group in groups]
    subs = [sub for sub in subs if sub.title != title or len(sub.members) > 1]
    subs.sort(key=lambda s: (-len(s.members), s.members[0]))
    return subs if len(subs) >= 2 else []


def _candidates(space: _Space, rows: np.ndarray) -> dict[str, tuple[float, float, tuple]]:
    """Sentences of the statements, as written, that can be a title, each with a factor:
    1 for a whole sentence, :data:`CLAUSE` for its first clauses, :data:`CUT` for its
    first words (a title starts where a sentence starts: a middle clause reads badly),
    times :data:`LEANING` when it leans on what came before (see :func:`_standalone`);
    with how many answers wrote it; and the checks that may still lower its factor, read
    only for a candidate that could win (:func:`_settled`). A short answer many wrote is
    one too (:func:`_shared_short_answers`), counted 1 + the share of answers that wrote it."""
    found: dict[str, tuple[float, str, tuple]] = {}
    written: dict[str, float] = {}
    short: dict[str, Counter] = {}
    # each statement's weight as a float (the same sums), not a numpy scalar read per row
    for row, weight in zip(rows.tolist(), space.weights[rows].tolist(), strict=True):
        said = space.said.get(row)
        if said is None:
            said = space.said[row] = _row_candidates(space, row)
        for candidate, factor, alike, checks in said:
            found.setdefault(candidate, (factor, alike, checks))
            written[alike] = written.get(alike, 0.0) + weight
        if not said and row not in space.short:
            space.short[row] = _short_answer(space.statements.text(space.texts, row))
        if space.short.get(row):
            alike, spelling = space.short[row]
            short.setdefault(alike, Counter())[spelling] += weight
    read = float(space.weights[rows].sum())
    for alike, answer, weight in _shared_short_answers(short, read):
        found[answer] = (1.0 + weight / read, alike, ())  # the more wrote it, the more it names it
        written[alike] = weight
    return {c: (factor, written[alike], checks) for c, (factor, alike, checks) in found.items()}


def _settled(space: _Space, checks: tuple) -> float:
    """What the deferred checks of a candidate (:func:`_row_candidates`) take off its
    factor: :data:`LEANING` when its sentence's object is a pronoun (:func:`_object_pronoun`),
    and when a whole sentence only frames or places (:func:`_framed`); read once each."""
    if not checks:
        return 1.0
    factor = space.settled.get(checks)
    if factor is None:
        pronoun, framed = checks
        factor = LEANING if pronoun is not None and _object_pronoun(pronoun) else 1.0
        factor *= 1.0 if framed is None else _framed(framed)
        space.settled[checks] = factor
    return factor


def _short_answer(text: str) -> tuple[str, str] | None:
    """A statement of one or two words (« géothermie. »): how it is matched (« Geothermie »
    and « géothermie » alike too), and how it is written, in the chunks the vocabulary
    knows (its title is tidied like any other), else None."""
    if not 1 <= len(text.strip(_ALIKE_EDGES).split()) <= 2:
        return None
    written = " ".join(text.split())
    return strip_accents(_alike(written)), written


def _shared_short_answers(short: dict[str, Counter], read: float) -> list[tuple[str, str, float]]:
    """Answers of one or two words that many wrote alike, as most of them wrote it
    (« Géothermie » for « géothermie », « Geothermie. »…), with how many wrote it: at least
    :data:`SHORT_ANSWER_MIN` and :data:`SHORT_ANSWER_SHARE` of the statements read. One
    person's two words are no title (a keyword is not a heading); what many said in two
    words is how they name the idea."""
    enough = max(SHORT_ANSWER_MIN, SHORT_ANSWER_SHARE * read)
    shared = []
    for alike, spellings in short.items():
        weight = sum(spellings.values())
        if weight >= enough:  # the spelling most wrote, accented if they tie
            best = max(spellings, key=lambda w: (spellings[w], not w.isascii()))
            shared.append((alike, best, weight))
    return shared


def _alike(candidate: str) -> str:
    """« se chauffer au bois » for « Se chauffer au bois ! » and « Se chauffer au bois. »."""
    return candidate.lower().strip(_ALIKE_EDGES)


_ALIKE_EDGES = _EDGES + " \n"


def _row_candidates(space: _Space, row: int) -> list[tuple[str, float, str, tuple]]:
    """The candidates of one statement, in order, each with its factor, how it is matched
    and the checks left to read if it could win (see :func:`_candidates`): the pronoun
    check of :func:`_standalone` and :func:`_framed`, which only lower a factor."""
    found: dict[str, tuple[float, tuple]] = {}
    for said in _glued_sentences(space.statements.text(space.texts, row)):
        sentence, leans = _leading(said)
        lean = LEANING if leans else 1.0
        pronoun = None if leans else sentence
        if said.startswith(("(", "[")):  # a sentence in brackets: an aside to the one before
            lean *= LEANING
        words = sentence.split()
        if len(words) < 3:
            continue
        if len(words) <= TITLE_WORDS:
            found.setdefault(sentence, (lean, (pronoun, sentence)))
            continue
        clauses = _clauses(sentence)
        lead, left_open = _run_open(clauses)
        if len(lead.split()) >= 3:
            factor = CLAUSE * lean * _framing(lead) * (LEANING if left_open else 1.0)
            found.setdefault(lead, (factor, (pronoun, None)))
        else:
            found.setdefault(_cut(words), (CUT * lean, (pronoun, None)))
        for at in range(1, len(clauses)):
            if clauses[at].startswith(("(", "[")):  # an aside, not what is said
                continue
            # its subject and verb are its own (read first: most later clauses have not)
            if not _own_sentence(_unlinked(clauses[at])[0]):
                continue
            later, left_open = _run_open(clauses[at:])
            later, leans = _leading(later)
            if len(later.split()) >= 3:
                checks = () if leans else (later, None)
                leaning = LEANING if leans or left_open else 1.0
                found.setdefault(later, (LATER * leaning, checks))
    return [(c, factor, _alike(c), checks) for c, (factor, checks) in found.items()]


def _run(clauses: list[str]) -> str:
    """The first of ``clauses``, and the next ones while they fit in a title; when the
    sentence goes on, up to a clause that ends on a word needing the next (« Il faut revoir
    les droits de succession qui, aujourd'hui, … » → « … les droits de succession »), and
    without a last clause made of link words alone (« Les petites communes se meurent,
    pourtant, elles… » → « Les petites communes se meurent »)."""
    return _run_open(clauses)[0]


def _run_open(clauses: list[str]) -> tuple[str, bool]:
    """:func:`_run`, and whether it still ends in a clause whose verb it has not reached
    (« Faire en sorte que dans les lieux publics, dans la rue… », :func:`_unopened_cut`):
    a title cut in the wrong place, which counts :data:`LEANING`."""
    taken, words = [], 0
    for clause in clauses:
        words += len(clause.split())  # joined by a space, the words of each add up
        if words > TITLE_WORDS:
            break
        taken.append(clause)
    else:
        return " ".join(taken).strip(), False
    for at, clause in enumerate(taken):
        if _dangles(*clause.split()[-2:][::-1]):
            return _undangled(" ".join(taken[: at + 1]).split()), False
    rest = clauses[len(taken) : len(taken) + FRAME_REACH]
    announced = _announced(taken)
    if announced:
        return announced, False
    while len(taken) > 1 and _only_links(taken[-1]):
        taken.pop()
    run, left_open = _unopened_cut(" ".join(taken).strip())
    return run, left_open or _frame_only(taken, rest)


def _announced(taken: list[str]) -> str:
    """The clauses ``taken`` up to a colon that announces a list they cut (« Organiser des
    consultations des citoyens sur internet à tous les niveaux : local, départemental »),
    without it, when :data:`MIN_CUT_WORDS` words stay; else ""."""
    for at in range(len(taken) - 2, -1, -1):
        if taken[at].rstrip().endswith(":"):
            items = taken[at + 1 :]
            kept = " ".join(taken[: at + 1]).rstrip(" :")
            if max(len(item.split()) for item in items) <= LIST_ITEM_WORDS and (
                len(kept.split()) >= MIN_CUT_WORDS
            ):
                return kept
            return ""
    return ""


def _frame_only(taken: list[str], rest: list[str]) -> bool:
    """Whether the clauses ``taken`` hold no main verb while one of the next ones (``rest``)
    is a sentence of its own (see :data:`FRAME_REACH`)."""
    if not taken:
        return False
    if not any(
        _own_sentence(_unlinked(clause)[0])
        for clause in rest
        if not clause.startswith(("(", "["))  # an aside, not the sentence's main clause
    ):
        return False  # most runs: read first, the next clauses are one or two
    return not any(map(_main_verb, taken))


def _main_verb(clause: str) -> bool:
    """Whether ``clause`` holds a conjugated verb that is not a subordinate clause's: one
    opening on a subordinating word (« si on veut… », « lorsqu'on a besoin… »), after a
    word of time (« aujourd'hui lorsqu'on… »), has none."""
    words = list(_words(clause))
    start = 1 if words and words[0] in _TIME_ADVERBS else 0
    if len(words) > start + 1:
        first = words[start]
        if first in _SUBORDINATE or first.startswith(_ELIDED_SUBORDINATE):
            return False
        if first == "s'" and words[start + 1][:2] == "il":  # « s'il faut… »
            return False
    return any(map(_conjugated, words))


def _link(text: str) -> re.Match | None:
    """``_LINK.match(text)``, not tried on a text that opens on an ASCII character no
    link word nor answer opens on, whatever its case (« Il faut… », « La… », « Un… »: most
    sentences): the pattern tries each of its alternatives there, in either case."""
    if text[:1].isascii() and text[:1].lower() not in _LINK_FIRST:
        return None
    return _LINK.match(text)


def _only_links(clause: str) -> bool:
    """Whether ``clause`` is made of link words alone (« pourtant, », « et donc, »)."""
    link = _link(clause)
    return link is not None and not clause[link.end() :].strip(_EDGES + " ")


def _unopened(text: str) -> str:
    """``text``, a sentence's first clauses when it goes on, without a relative clause
    whose verb it has not reached (« … oblige à se déplacer ce qui pour des personnes, pas
    forcément très mobiles, pourrait être évité » → « … oblige à se déplacer »), when
    :data:`MIN_CUT_WORDS` words stay."""
    return _unopened_cut(text)[0]


def _unopened_cut(text: str) -> tuple[str, bool]:
    """:func:`_unopened`, and whether a clause is left without its verb (too few words
    before it to cut it off), its subject not reached either: it opens on a complement."""
    lowered = text.lower()
    if not any(map(lowered.__contains__, _RELATIVE_HINTS)):  # most runs: no relative
        return text, False
    words = text.split()
    for at in range(len(words) - 1, 0, -1):
        word = _bare(words[at])
        if word in _RELATIVE or word.startswith(("qu'", "lorsqu'")):
            rest = list(_words(" ".join(words[at:])))[1:]
            if any(_conjugated(w) for w in rest if w not in ("ne", "n'")):
                return text, False
            end = at - 1 if at and _bare(words[at - 1]) in _POINTING | {"ce"} else at
            kept = _undangled(words[:end])
            if len(kept.split()) >= MIN_CUT_WORDS:
                return kept, False
            # a verb the lemmas miss (« qui paye », « que chacun paie ») is no wrong cut;
            # one is when the clause opens on a complement (« que dans les lieux
            # publics, dans la rue… »): its subject and verb come later
            return text, bool(rest) and rest[0] in _FRAMING and word not in ("qui", "dont")
    return text, False


def _words(text: str, first: int | None = None) -> Iterator[str]:
    """Lower-case words of ``text`` (of its ``first`` written words only, when given), the
    elided ones split off: « l'APA » → « l' », « apa »; one after the other (a clause is
    most often settled by its first word)."""
    written = text.split() if first is None else text.split(maxsplit=first)[:first]
    for word in written:  # lower-casing makes and loses no whitespace
        word = word.lower().replace("’", "'").strip(_WORD_EDGES)
        head, mark, rest = word.partition("'")
        if mark and rest and len(head) <= 2:
            yield head + mark
            yield rest
        elif word:
            yield word


def _own_sentence(clause: str) -> bool:
    """Whether ``clause`` opens on a subject followed by a conjugated verb (see
    :data:`LATER`): « les services sont concentrés… » is a sentence, « les
    grandes entreprises du numérique » or « pour que les gens… » is not."""
    words = _words(clause)
    first = next(words, None)
    if first is None:  # a clause of punctuation alone (« … »)
        return False
    if first in _SUBJECT_PRONOUNS:
        return True
    if first not in _DETERMINERS:
        return False
    noun = next(words, None)  # the determiner's noun
    if first == "ce" and noun in _SUBORDINATE:  # « …, ce qui n'est pas le cas »: points back
        return False
    for word in words:
        if word in _SUBORDINATE:  # « des 400 euros, qu'on ajoute… »: not its own verb
            return False
        if _conjugated(word):
            return True
    return False


@lru_cache(maxsize=50_000)
def _conjugated(word: str) -> bool:
    """Whether ``word`` is a conjugated verb: a negation (« n'osent »), a common auxiliary,
    or a form whose lemma is a verb and that is neither its infinitive, nor a participle,
    nor a plural or feminine of a noun or adjective in -er (« papiers », « première »)."""
    if word in ("ne", "n'") or word in _FINITE:
        return True
    if word in _DANGLING or word in _DETERMINERS or not word.isalpha():
        return False
    lemma = lemmatize(word)
    base = word.removesuffix("s").removesuffix("x")
    return (
        lemma != word
        and lemma.endswith(("er", "ir", "re", "oir"))
        and not word.endswith(("é", "ée", "és", "ées", "ant", "ants"))
        and base != lemma
        and base != lemma[:-2] + "ère"
    )


def _testimony(candidate: str) -> float:
    """:data:`TESTIMONY` for a candidate said in the first person singular, else 1; words
    that only give an opinion (« Je propose que tout le monde paye un impôt », « Pour moi,
    … », « … me semble suffisante ») make no testimony."""
    said = _OPINION.sub("", candidate)
    return TESTIMONY if _FIRST_PERSON_WORD.search(said) else 1.0


def _framing(lead: str) -> float:
    """:data:`LEANING` for a first clause that frames or announces (:data:`FRAMING`, « à »
    typed without its accent too, after a list mark: « - A l'Assemblée nationale, »), else 1."""
    words = lead.lower().replace("’", "'").lstrip(_DASHES).split() or [""]
    first = "d'" if words[0].startswith("d'") else words[0]
    doing = first == "en" and len(words) > 1 and words[1].endswith("ant")  # « En rendant… »
    if lead.rstrip().endswith(":") or (first in _FRAMING_A and not doing) or _participle(words):
        return LEANING
    return 1.0


def _participle(words: list[str]) -> bool:
    """Whether ``words`` (lower case) open on a present participle that sets the scene
    (« Habitant dans une grande ville, … », « Étant retraité, … »): « étant », « ayant »,
    or a word in -ant before a word that places (:data:`PLACING`, « près », « loin »)."""
    first = words[0]
    if not first.endswith("ant") or len(words) < 2:
        return False
    return first in ("étant", "ayant") or words[1] in _PLACING or words[1] in ("près", "loin")


def _framed(sentence: str) -> float:
    """:data:`LEANING` for a whole sentence that announces what follows (« …, on fait le
    calcul ainsi : »), whose subject, after a clause that frames it, points back (« Dans
    le budget de l'État, elle n'est pas financée »), or that only says where (:data:`PLACING`,
    no verb: « Dans bien des communes de France »), that leaves out its verb as said before
    it (:func:`_elliptical`), or that stops in a clause before its verb (« Faire en sorte que
    dans les lieux publics, dans la rue… », :func:`_unopened_cut`), else 1."""
    if sentence.rstrip().endswith(":"):
        return LEANING
    bare = sentence.lstrip(_DASHES)  # « - A l'Assemblée nationale »: its list mark off
    if _placing_only(bare) or _elliptical(bare):
        return LEANING
    if _unopened_cut(sentence)[1] or _antecedent_only(sentence):
        return LEANING
    clauses = _CLAUSE.split(sentence, maxsplit=1)
    if len(clauses) < 2 or len(clauses[0].split()) < 2 or len(clauses[1].split()) < 3:
        return 1.0
    if _framing(clauses[0]) == LEANING and _standalone(clauses[1])[1] == LEANING:
        return LEANING
    return 1.0


def _elliptical(sentence: str) -> bool:
    """Whether ``sentence`` has no verb and takes it from the one before: it ends on a word
    that echoes it (:data:`ECHOING`, « non plus »: « les Français et les étrangers
    aussi »), opens on a word that adds to or takes from it (:data:`ADDING`, « y
    compris ») or on a negation of something else than a quantity (« pas que les
    droits », « pas seulement l'école », « rien sur internet »; not « pas de nouvel
    impôt », « pas plus de taxes »)."""
    words = list(_words(sentence))
    if len(words) < 2:
        return False
    echoes = words[-1] in _ECHOING or words[-2:] == ["non", "plus"]
    including = words[:2] == ["y", "compris"]
    adds = words[0] in _ADDING or including
    negates = words[0] in ("pas", "rien") and words[1] not in _NEGATED_AMOUNT
    # « À débattre sur chaque session… », « A supprimer »: what is to be done to a thing
    # named before
    if words[0] in ("à", "a") and _infinitive(words[1]):
        return not any(_conjugated(word) for word in words[2:])
    if not (echoes or adds or negates):
        return False
    rest = words[2:] if including else words[1:]
    return not any(_conjugated(word) or _infinitive(word) for word in rest)


def _antecedent_only(sentence: str) -> bool:
    """Whether ``sentence`` is a pronoun standing for what the question named and what
    qualifies it, with no verb of its own: « Ce qui utilise le digital », « Tous ceux
    dématérialisés », « Tout ce qui peut être dématérialisé » answer « lesquels ? » and are no
    heading; « Ce qui coûte le plus cher est le logement » has a verb of its own. General
    French."""
    if next(_words(sentence, 2), None) not in _ANTECEDENT_LEADS:  # most sentences
        return False
    if "," in sentence:  # « Ce qui manque, c'est le contact » : its verb after the comma
        return False
    words = list(_words(sentence))
    at = 1 if words[0] in ("tout", "tous", "toutes") else 0
    if len(words) < at + 2 or words[at] not in _ANTECEDENTS:
        return False
    relative = words[at + 1] in _RELATIVE or words[at + 1].startswith("qu'")
    verbs = sum(
        1
        for word in words[at + 2 :]
        if _conjugated(word) and word not in ("ne", "n'") and not _after_modal(word)
    )
    return verbs <= (1 if relative else 0)


def _after_modal(word: str) -> bool:
    """Whether ``word`` reads as an infinitive (« peut être », « peut etre », « doit
    faire »), not a verb of its own."""
    return _infinitive(word) or word.endswith(("er", "ir", "oir")) or word in ("être", "etre")


_ANTECEDENTS = frozenset(("ce", "ceux", "celles", "celle", "celui"))
_ANTECEDENT_LEADS = _ANTECEDENTS | {"tout", "tous", "toutes"}


def _placing_only(sentence: str) -> bool:
    """Whether ``sentence`` opens on a word that places (:data:`PLACING`, « à » typed
    without its accent too; « en » but not « en créant ») and holds no verb: the
    complement of a sentence left unsaid (« A l'Assemblée nationale »)."""
    if next(_words(sentence, 2), None) not in _PLACING_A:  # most sentences: one word read
        return False
    words = list(_words(sentence))
    if words[0] == "en" and len(words) > 1 and words[1].endswith("ant"):
        return False  # « En maillant davantage les transports » says how: content
    return not any(_conjugated(word) or _infinitive(word) for word in words[1:])


@lru_cache(maxsize=50_000)
def _infinitive(word: str) -> bool:
    """Whether ``word`` may be an infinitive (a word in -er, -ir, -re, -oir that is its
    own lemma): « lumière » too, which only keeps a sentence from being read as a place."""
    return word.isalpha() and word.endswith(("er", "ir", "re", "oir")) and lemmatize(word) == word


def _standalone(sentence: str) -> tuple[str, float]:
    """The sentence without its leading link words (:data:`LINKS`), and 1, or
    :data:`LEANING` when it still points back to what was said before it."""
    rest, leans = _leading(sentence)
    return rest, LEANING if leans or _object_pronoun(rest) else 1.0


def _leading(sentence: str) -> tuple[str, bool]:
    """:func:`_standalone`, but for its pronoun check (:func:`_object_pronoun`): the
    sentence without its leading link words, and whether it points back by its first
    words."""
    rest, words = _unlinked(sentence)
    if words is None:
        return sentence, True
    first = words[0]
    if first.startswith("qu'"):  # « Qu'il en existe… », « Qu'elles soient écoutées »: its subject
        first = first[3:]
    verb = words[2] if words[1] == "ne" else words[1].removeprefix("n'")  # « il n'y a »
    leaning = (
        first in _POINTING
        or (first in _FRAMING_A and words[1] in _DEMONSTRATIVES)  # « À ces pays de… »
        or first.startswith(("c'", "quant"))
        or (first == "il" and (verb not in _IMPERSONAL or _said_to_be(verb, words[2])))
        or (first == "ce" and words[1] not in ("que", "qui", "dont"))
        or (first == "même" and words[1] == "si")
        or first in _SETTING
        or (first in _SETTING_LEADS and words[1] in _SETTING)
        or any(map(str.endswith, words, repeat(_INVERTED)))  # no generator: called per sentence
    )
    return rest, leaning


def _said_to_be(verb: str, following: str) -> bool:
    """Whether « il » + ``verb`` + ``following`` says what a thing named before is (« Il
    s'agit d'un chauffage électrique », « il s'agit d'une prise de conscience »), not what
    is to be done (« Il s'agit de faire comprendre les lois »). General French."""
    return verb == "s'agit" and following in ("d'un", "d'une", "du", "des")


def _unlinked(sentence: str) -> tuple[str, list[str] | None]:
    """The sentence without its leading link words (:data:`LINKS`) and its first three
    words, lower case; the sentence itself and None when it has no sentence of its own
    (fewer than three words, « ainsi que… »): what :func:`_leading` reads first, all that
    a later clause needs (:func:`_own_sentence`)."""
    # the link words can only lead the sentence: matched there (``sub`` would try every position)
    link = _link(sentence)
    rest = sentence if link is None else sentence[link.end() :]
    # its first three words (lower case: no whitespace made or lost, so split first)
    words = [w.lower().replace("’", "'").strip(_EDGES) for w in rest.split(None, 3)[:3]]
    if len(words) < 3 or (rest != sentence and words[0] in ("que", "qu'", "si")):
        # « ainsi que… », « alors que… », « même si… »: no sentence of its own
        return sentence, None
    return rest, words


def _object_pronoun(sentence: str) -> bool:
    """Whether one of the first words of ``sentence`` (:data:`PRONOUN_REACH`) is a pronoun
    standing for a thing named before it (« Il faut mieux les répartir », « Quand ils ne
    le paient pas… », « Nous devons les accueillir »): « les » before an infinitive, « le »,
    « la », « les », « lui », « leur » after a subject or « ne », « le », « les » after « de »
    or « à » (an article would be « du », « des », « au », « aux »), « en » or « y » before
    an infinitive (:data:`_ADVERBIAL_PRONOUNS`)."""
    # the first words only (twice as many written words: a mark alone is no word)
    words = list(islice(_words(sentence, 2 * (PRONOUN_REACH + 1)), PRONOUN_REACH + 1))
    for at in range(min(PRONOUN_REACH, len(words) - 1)):
        word, before = words[at], words[at - 1] if at else ""
        if word in ("le", "la", "l'") and _verb_only(words[at + 1]):
            return True  # « La faire vivre… », « Le privé peut le faire »
        if word in _ADVERBIAL_PRONOUNS and _verb_only(words[at + 1]):
            return words[at + 1] not in _IDIOMS  # « En tenir compte », « Il faut y remédier »
        if word in ("le", "la", "les") and words[at + 1] in _FINITE:
            return True  # « Les indirects comme le sont les radars »: no article before a verb
        if word not in _OBJECT_PRONOUNS:
            continue
        if before in _SUBJECT_PRONOUNS or before in ("ne", "n'"):
            return True
        if word in ("le", "les") and before in ("de", "à", "a"):
            return True
        if word == "les" and _infinitive(words[at + 1]):
            return True
    # « Trop d'entre elles doivent… », « Pour eux, … »: a stressed pronoun after a
    # preposition stands for what was named before (the last word read too)
    return any(
        word in _STRESSED and words[at - 1] in _BEFORE_STRESSED
        for at, word in enumerate(words)
        if at
    )


# « en » and « y » before an infinitive stand for what was named before (« En tenir compte
# pour le calcul des trimestres », « Il faut y remédier »): as prepositions they come before
# a noun or a gerund. Not in « en finir avec… », which names what it ends. General French.
_ADVERBIAL_PRONOUNS = frozenset(("en", "y"))
_IDIOMS = frozenset(("finir",))
_STRESSED = frozenset(("eux", "elles", "elle", "lui"))
_BEFORE_STRESSED = frozenset(
    ("entre", "pour", "avec", "chez", "sans", "contre", "à", "a", "de", "d'")
)


@lru_cache(maxsize=50_000)
def _verb_only(word: str) -> bool:
    """Whether ``word`` is an infinitive (:func:`_infinitive`) and no noun: it has no
    plural (« faire », « supprimer »; not « le pouvoir », « le devoir », « la mer »)."""
    return _infinitive(word) and lemmatize(word + "s") != word


def _title(space: _Space, rows: np.ndarray, centre, avoid: str = "") -> str:
    """The candidate closest to the idea's centre, tidied: "Baisser la TVA sur l'énergie"
    (see :func:`_said_title`)."""
    return _tidy(_said_title(space, rows, centre, avoid))


def _said_title(space: _Space, rows: np.ndarray, centre, avoid: str = "") -> str:
    """The candidate closest to the idea's centre, as written (:func:`_title` tidies it).

    A candidate whose words are all discourse words (:data:`DISCOURSE_WORDS`: « Ma
    proposition est la suivante ») says nothing of the idea and is passed over; a question
    or a figure counts less unless the idea is made of them (:data:`ASKING`).
    ``avoid``: a title already taken (a sub-idea is not titled like its idea).
    """
    weights = dict(zip(centre.indices.tolist(), centre.data.tolist(), strict=True))
    vocabulary = space.statements.vocabulary
    if space.empty is None:
        space.empty = _discourse_ids(vocabulary)
    empty = space.empty
    best, best_score = space.statements.text(space.texts, int(rows[0])), (-1.0, 0.0)
    usual: list[tuple[bool, bool]] = []  # read only for a question or a figure that could win
    reach = _reach(centre.data)
    for candidate, (factor, written, checks) in _candidates(space, rows).items():
        if factor * reach < best_score[0]:  # cannot win whatever its words: not read
            continue
        found, spoken = _shown_terms(space, candidate)
        if not found or found <= empty:
            continue
        said = sum(map(weights.get, found, repeat(0.0)))  # the same sums, no generator
        root = math.sqrt(spoken + 2)
        # cannot win: what is left to read, a question, a figure, a testimony only lower it
        if (factor * said / root, written) <= best_score:
            continue
        factor *= _lowering(space, rows, candidate, checks, usual)
        if (factor * said / root, written) <= best_score:
            continue
        testimony = space.testimonies.get(candidate)
        if testimony is None:
            testimony = space.testimonies[candidate] = _testimony(candidate)
        score = factor * testimony * said
        # as close to the centre: what more answers wrote
        score = (score / root, written)
        # the title taken is only looked for in a candidate that would win
        if score > best_score and not (avoid and _tidy(candidate) == avoid):
            best, best_score = candidate, score
    return best


def _shown_terms(space: _Space, candidate: str) -> tuple[set[int], int]:
    """The term ids of the words a candidate shows (an aside left open is cut off, see
    :func:`_tidy`) and how many words they say (:func:`_spoken`), read once per synthesis."""
    found = space.pieces.get(candidate)
    if found is None:
        if space.marking is None:
            space.marking = marking_chunks(space.statements.vocabulary)
        piece = _balanced(candidate)
        found = space.pieces[candidate] = _piece_terms(
            space.statements.vocabulary, piece, space.marking
        )
    spoken = space.spoken.get(candidate)
    if spoken is None:
        spoken = space.spoken[candidate] = _spoken(space.statements.vocabulary, found)
    return found, spoken


def _reach(weights: np.ndarray) -> float:
    """The most a candidate's words can score against a centre of these ``weights`` (its
    terms' weights added up, over the square root of the words they say + 2, as
    :func:`_said_title` scores them), a hair over: k terms add up to no more than the k
    largest weights, and say at least a third as many words (:func:`_spoken`: a word read
    « plus » and « moins » beside its own term). A candidate whose factor times this is
    under the best score so far cannot win, and its words are not read."""
    largest = np.sort(np.maximum(weights, 0))[::-1].cumsum()
    if not len(largest):
        return 0.0
    words = (np.arange(1, len(largest) + 1) + 2) // 3  # at least a third of the terms
    return float((largest / np.sqrt(words + 2)).max()) * (1 + 1e-9)


def _lowering(space: _Space, rows: np.ndarray, candidate: str, checks: tuple, usual: list) -> float:
    """What a candidate's checks left to read (:func:`_settled`), its question and its
    figure (:func:`_heading`) take off its factor; ``usual``: the idea's usual kind
    (:func:`_usual`), once read."""
    factor = _settled(space, checks) * (LEANING if _points_back(candidate) else 1.0)
    kind = _kind_of(space, candidate)
    if any(kind):
        if not usual:
            usual.append(_usual(space, rows))
        factor *= _heading(kind, usual[0])
    return factor * _qualifying(space, rows, candidate)


@lru_cache(maxsize=50_000)
def _points_back(candidate: str) -> bool:
    """Whether ``candidate`` names a thing only by what was said before it (see
    :data:`TIME_WORDS`): a demonstrative its first words (read by :func:`_leading`) do not
    hold, a pronoun of quantity as its subject, « leur » or « lui » before a verb,
    « exemple » first, or « un tel », « de telles » (:data:`_SUCH`)."""
    if _POINTING_HINT.search(candidate) is None:  # most candidates: none of these words
        return False
    words = list(_words(candidate))
    if len(words) < 2:
        return False
    first = words[0]
    if first in ("exemple", "ex"):
        return True
    if first in _QUANTITY_PRONOUNS and _conjugated(words[1]):  # « beaucoup sont… »
        return True
    # « À ces pays… »: :func:`_leading` reads it
    start = 2 if first in _FRAMING_A and words[1] in _DEMONSTRATIVES else 1
    if first in ("leur", "lui"):
        start = 0
    return any(map(_names_back, repeat(words), range(start, len(words) - 1)))


def _names_back(words: list[str], at: int) -> bool:
    """Whether the word at ``at`` in ``words`` names a thing by what was said before (see
    :func:`_points_back`)."""
    word, after = words[at], words[at + 1]
    if word in ("leur", "lui"):
        return _verb_only(after) or _conjugated(after)
    if word in _SUCH:
        return at > 0 and words[at - 1] in _SUCH_LEADS and not _consecutive(words, at)
    if word not in ("ce", "cet", "cette", "ces") or after in _TIME_WORDS:
        return False
    return word != "ce" or not (after in _RELATIVE or after[:3] == "qu'" or _conjugated(after))


# « Une telle mesure serait une preuve de justice sociale », « de tels comportements »:
# « tel » after an indefinite article names a thing by what was said before it. Not « tel
# que » (« des services tels que la poste » names them), nor « une telle complexité que… »
# (how much: its « que » comes a few words on). General French.
_SUCH = frozenset(("tel", "telle", "tels", "telles"))
_SUCH_LEADS = frozenset(("un", "une", "de", "d'", "des"))
SUCH_REACH = 4  # words after « tel » read for the « que » of « tel… que »


def _consecutive(words: list[str], at: int) -> bool:
    """Whether the « tel » at ``at`` in ``words`` has its « que » a few words on."""
    return any(w in ("que", "qu'") for w in words[at + 1 : at + 1 + SUCH_REACH])


def _qualifying(space: _Space, rows: np.ndarray, candidate: str) -> float:
    """:data:`LEANING` for a candidate made only of words that qualify (:func:`_qualifiers`)
    none of which the statements ``rows`` ever write after a determiner, else 1: « Pénibles
    et dangereuses » names nothing, « Taxes et impôts » does (« les taxes »)."""
    words = space.qualifiers.get(candidate)
    if words is None:
        words = space.qualifiers[candidate] = _qualifiers(candidate)
    if not words:  # most candidates: a determiner, a preposition or a verb
        return 1.0
    key = rows.tobytes()
    named = space.named.get(key)
    if named is None:  # the statements read once per idea, in lower case
        said = "\n".join(
            space.statements.text(space.texts, row).lower().replace("’", "'")
            for row in rows.tolist()
        )
        named = space.named[key] = frozenset(_NAMED.findall(said))
    return 1.0 if not words.isdisjoint(named) else LEANING


# A word written after a determiner (:data:`NAMING`), whole: one expression for every word
# of a candidate (one made per word cost more to make than to run). At a place, at most one
# determiner matches (each is a word followed by a space, or « l' »), and the spaces after
# it are all read before a word: a qualifying word (letters) is named there exactly when it
# is the whole word found. The word is looked at, not taken (a lookahead): a determiner
# that is itself the word found (« les leur… », « la leur… ») is read as one in turn.
_NAMED = re.compile(r"(?<![\w'])(?:" + _NAMING_PATTERN + r")\s*(?=(\w+))")


def _qualifiers(candidate: str) -> frozenset[str]:
    """The words of a candidate without a verb, a determiner, a preposition, a number, a
    name or an acronym, made of at most :data:`QUALIFIER_WORDS` words joined (« et »,
    « ou », a comma) and graded (:data:`GRADING`): the words that may only qualify a noun
    left unsaid (« Pénibles et dangereuses »); else none. A phrase with no joining word
    opens on its noun (« Incitation économique très forte »)."""
    written = candidate.split()
    if len(written) > 2 * QUALIFIER_WORDS:
        return frozenset()
    found, joined = set(), False
    for at, word in enumerate(written):
        bare = _bare(word)
        joined |= bare in _JOINING or (word.endswith(",") and at + 1 < len(written))
        if not bare or bare in _GRADING:
            continue
        shown = word.strip(_EDGES)
        if (
            not bare.isalpha()
            or bare in _DETERMINERS
            or bare in _OPENING
            or bare in _FRAMING
            or bare in _PLACING
            or (at and shown[:1].isupper())
            or (len(shown) > 1 and shown.isupper())
            or bare.upper() in ACRONYMS
            or _conjugated(bare)
            or _infinitive(bare)
        ):
            return frozenset()
        found.add(bare)
    return frozenset(found) if joined and len(found) <= QUALIFIER_WORDS else frozenset()


def _usual(space: _Space, rows: np.ndarray) -> tuple[bool, bool]:
    """Whether most of the statements ``rows`` (:data:`MOSTLY`) ask a question, and
    whether most of them carry a figure: then a title may too."""
    kinds = []
    for row in rows.tolist():
        kind = space.kinds.get(row)
        if kind is None:
            kind = space.kinds[row] = _kind(space.statements.text(space.texts, row))
        kinds.append(kind)
    enough = MOSTLY * len(kinds)
    return sum(k[0] for k in kinds) > enough, sum(k[1] for k in kinds) > enough


def _kind(text: str) -> tuple[bool, bool]:
    """Whether ``text`` asks a question, and whether it carries a figure."""
    return _asks(text), _FIGURE.search(text) is not None


def _kind_of(space: _Space, candidate: str) -> tuple[bool, bool]:
    """:func:`_kind` of a candidate, read once per synthesis."""
    kind = space.kinds.get(candidate)
    if kind is None:
        kind = space.kinds[candidate] = _kind(candidate)
    return kind


def _heading(kind: tuple[bool, bool], usual: tuple[bool, bool]) -> float:
    """:data:`ASKING` for a question, times :data:`FIGURES` for a figure (``kind``, see
    :func:`_kind`), each unless ``usual`` (:func:`_usual`) says the idea is made of them;
    else 1."""
    asks, figure = kind
    factor = ASKING if asks and not usual[0] else 1.0
    return factor * (FIGURES if figure and not usual[1] else 1.0)


def _asks(text: str) -> bool:
    """Whether ``text`` asks a question (see :data:`ASKING`)."""
    if text.rstrip().endswith("?") or next(_words(text[:LEAD_CHARACTERS]), "") in _ASKING_WORDS:
        return True
    return "-" in text and _INVERTED_SUBJECT.search(text) is not None  # « n'est-il », « est-ce »


def _asked_first(words: list[str]) -> bool:
    """Whether the first word asks (« Comment », « Quels », « Peut-on », « Est-ce ») — not
    an inversion further on (« Peut-être faudrait-il… » proposes), nor a concession
    (« Quelle que soit sa situation, … », « Où qu'on habite »)."""
    first, second = (w.lower().strip(_EDGES) for w in [*words[:2], "", ""][:2])
    if first in _ASKING_WORDS:
        return second not in _CONCEDING and not second.startswith(("qu'", "qu’"))
    return _INVERTED_SUBJECT.search(first) is not None


_CONCEDING = frozenset({"que", "qu"})  # « quel que soit », « où que », « quoi qu il »


@lru_cache(maxsize=1)
def _discourse_terms() -> frozenset[str]:
    return frozenset(terms(DISCOURSE_WORDS))


def _discourse_ids(vocabulary: Vocabulary) -> set[int]:
    """The term ids of :data:`DISCOURSE_WORDS`, with a negation or quantity or not."""
    ids = vocabulary.term_ids
    names = _discourse_terms()
    return {ids[n] for name in names for n in (name, *(p + name for p in PREFIXES)) if n in ids}


def _piece_terms(
    vocabulary: Vocabulary, piece: str, marking: frozenset[int] | None = None
) -> set[int]:
    """Term ids of a piece of text, through the chunks already analysed; a word after a
    negation or a quantity is read as the statements read it (« pas prêt »: the term of
    « pas prêt », not that of « prêt »), when some statement says it so. ``marking``: the
    chunks that negate or quantify (:func:`consult.analysis.statements.marking_chunks`)."""
    flat, offsets = vocabulary.flat, vocabulary.offsets
    found = set()
    ids = list(map(vocabulary.chunk_ids.get, piece.split()))
    if marking is None:
        marking = marking_chunks(vocabulary)
    if not marking.isdisjoint(ids):  # most pieces: no negation nor quantity
        return _marked_terms(vocabulary, ids)
    for index in ids:
        if index is None:
            continue
        start, end = offsets[index], offsets[index + 1]
        if end - start == 1:  # most chunks: one word, one term
            found.add(flat[start])
        elif end > start:
            found.update(flat[start:end])
    return found


def _spoken(vocabulary: Vocabulary, found: set[int]) -> int:
    """How many words the terms ``found`` of a title say: a quantity read beside its word
    (« trop longtemps »: « moins longtemps » and « longtemps ») is that word's reading, not
    one more word, so a title that says how much is not made longer for it."""
    names, term_ids = vocabulary.names, vocabulary.term_ids
    doubled = 0
    for term in found:
        name = names[term]
        if name.startswith((MORE, LESS)):
            plain = term_ids.get(name.removeprefix(MORE).removeprefix(LESS))
            doubled += plain in found
    return len(found) - doubled


def _marked_terms(vocabulary: Vocabulary, ids: list[int | None]) -> set[int]:
    """:func:`_piece_terms` of chunks some of which negate or quantify."""
    flat, offsets = vocabulary.flat, vocabulary.offsets
    names, term_ids = vocabulary.names, vocabulary.term_ids
    found = set()
    for index, (prefix, plain) in zip(ids, chunk_prefixes(vocabulary, ids), strict=True):
        if index is None:
            continue
        words = flat[offsets[index] : offsets[index + 1]]
        if prefix:
            found.update(term_ids.get(prefix + names[t], t) for t in words)
        if plain or not prefix:
            found.update(words)
    return found


def _tidy(text: str) -> str:
    """No edge punctuation, list marks or label (:func:`_unlabelled`), a capital first
    letter, no shouting nor capital typed twice (« PUblier »), an elision's apostrophe
    (« d impôts » → « d'impôts », :data:`_UNTYPED_ELISION`), a preposition and its article
    apart (:data:`_GLUED_ARTICLE`), at most 14 words; a bracket
    or quote opened and not closed is cut off (« … la fiscalité (impôt sur le revenu » →
    « … la fiscalité »), one closed is kept. A whole question keeps its question
    mark: without it, « Quels moyens le Département va-t-il mettre » reads as a statement;
    so does a question's clause cut at its comma (« Comment les communes peuvent-elles
    être associées au suivi du schéma, au-delà… ? »)."""
    text = _OPINION_LEAD.sub("", _unmarked(text), count=1)
    if _GLUED_ARTICLE.search(text) is not None:  # most titles: none
        text = _GLUED_ARTICLE.sub(_spaced, text)
    words = _infinitive_first(_unlabelled(_UNTYPED_ELISION.sub(r"\1'", text).split()))
    asks = len(words) <= TITLE_WORDS and (text.rstrip().endswith("?") or _asked_first(words))
    text = _cut(words).strip(" ,;:-–—•*'")
    text = _balanced(text.rstrip(".…!?").strip())
    text = _calm(_unwrapped(text.strip(" ,;:-–—•*'").rstrip(".…!?").strip()))
    text = _SHIFTED.sub(_unshifted, _negated_infinitive(text))
    return text[:1].upper() + text[1:] + ("\u00a0?" if asks and text else "")


# A preposition and an article typed without the space between them (« dansdes espaces »,
# « àla formation », « surla répartition ») are written apart in a title, when the two
# together are no French word (« parle », « parla » are verbs). General French.
_GLUED_ARTICLE = re.compile(
    r"(?<![\w'’-])(dans|pour|sur|sous|avec|par|chez|vers|entre|sans|à)"
    r"(les|le|la|des|du|une|un)(?![\w'’-])",
    re.IGNORECASE,
)


def _spaced(glued: re.Match) -> str:
    """A preposition and its article apart (see :data:`_GLUED_ARTICLE`)."""
    if simplemma.is_known(glued.group().lower(), lang="fr"):
        return glued.group()
    return f"{glued.group(1)} {glued.group(2)}"


def _negated_infinitive(text: str) -> str:
    """« pas payer plus d'impôts » → « ne pas payer plus d'impôts »: an infinitive is
    negated by « ne pas » in writing; a title opening on « pas » and an infinitive (what
    « pas prêt à payer… » or a shortened answer leaves) reads as a heading with its « ne »."""
    words = text.split(maxsplit=2)
    if len(words) >= 2 and words[0].lower() == "pas" and _infinitive(words[1].lower()):
        return ("Ne " if text[:1].isupper() else "ne ") + text[:1].lower() + text[1:]
    return text


def _unmarked(text: str) -> str:
    """``text`` without the list marks it opens on (« o », « 1. », « 2) », « a) », « 1/ »,
    « ➢ », a word processor's bullet), when two words follow."""
    mark = _LIST_MARK.match(text)
    if mark is None or len(text[mark.end() :].split()) < 2:
        return text
    return text[mark.end() :]


def _unwrapped(text: str) -> str:
    """``text`` without a bracket or quote pair around the whole of it (« (Conseils
    Régionaux et Etat) », « « Réduire le nombre de sénateurs » »): a heading is no aside
    nor quote."""
    for opening, closing in (*_PAIRS, ('"', '"')):
        if (
            len(text) > 2
            and text.startswith(opening)
            and text.endswith(closing)
            and text.count(opening) == (2 if opening == closing else 1)
        ):
            inner = text[1:-1].strip()
            link = _LINK.match(inner)  # « (et non en faire…) »: its link goes too
            return inner[link.end() :] if link and len(inner[link.end() :].split()) > 1 else inner
    return text


def _unlabelled(words: list[str]) -> list[str]:
    """``words`` without a label of discourse words before a colon (« Proposition : Vote
    obligatoire » → « Vote obligatoire », « Solution : imposer… »), when words follow."""
    for at, word in enumerate(words[:LABEL_WORDS]):
        if word.endswith(":"):
            label = terms(" ".join(words[: at + 1]))
            rest = words[at + 1 :]
            if label and set(label) <= _discourse_terms() and len(rest) >= 2:
                return rest
            break
    return words


def _infinitive_first(words: list[str]) -> list[str]:
    """``words`` without the « de » before the infinitive they open on, the rest of a
    « il faudrait de… » left unsaid (« D'arrêter de déstabiliser… » → « arrêter de
    déstabiliser… »), when two words follow it."""
    if len(words) < 3 or words[0][:1] not in "dD":
        return words
    first = words[0].replace("’", "'")
    if first.lower() == "de":
        rest = words[1:]
    elif first[:2].lower() == "d'" and len(first) > 2:
        rest = [words[0][2:], *words[1:]]
    else:
        return words
    return rest if _verb_only(_bare(rest[0])) else words


def _unshifted(word: re.Match) -> str:
    """« Publier » for « PUblier »: a capital typed once too often."""
    return word.group()[0] + word.group()[1:].lower()


def _calm(text: str) -> str:
    """A sentence written all in capitals, in small letters (sector acronyms kept):
    « PERSONNE NE PEUT VIVRE SANS EAU » → « personne ne peut vivre sans eau ». A text of
    capitals holding no French word but stop words is a list of acronyms, not shouting:
    « IR - TVA - CSG », « IR, TVA ET CSG » stay (« Ir - tva - csg » would misspell them)."""
    if len(text.split()) < 3 or text.upper() != text or text.lower() == text:
        return text
    words = [word.strip(_EDGES).lower() for word in text.split()]
    if not any(_content_word(word) for word in words if word.isalpha()):
        return text
    return " ".join(
        word if bare in ACRONYMS else word.lower()
        for word, bare in zip(text.split(), words, strict=True)
    )


def _content_word(word: str) -> bool:
    """Whether ``word`` (lower case) is a French word other than a stop word."""
    return word not in STOP_WORDS and simplemma.is_known(word, lang="fr")


def _cut(words: list[str]) -> str:
    """The first :data:`TITLE_WORDS` words; when that cuts the sentence, without the
    words it cannot end on (:data:`DANGLING`), and without a phrase cut in its middle
    (« … avec les entreprises de la vallée pour garder » → « … de la vallée »)."""
    if len(words) <= TITLE_WORDS:
        return " ".join(words)
    kept = _undangled(words[:TITLE_WORDS]).split()
    if kept[-1][-1:] in ",;:" or _opens(words[len(kept)]):
        return " ".join(kept)  # the cut falls between two phrases
    starts = [at for at in range(MIN_CUT_WORDS, len(kept)) if _opens(kept[at])]
    return _undangled(kept[: starts[-1]]) if starts else " ".join(kept)


def _opens(word: str) -> bool:
    return word.lower().replace("’", "'").strip(_EDGES) in _OPENING


def _undangled(words: list[str]) -> str:
    """``words`` without the :data:`DANGLING` ones at their end (three words kept)."""
    kept = list(words)
    while len(kept) > 3 and _dangles(kept[-1], kept[-2]):
        kept.pop()
    return " ".join(kept)


def _dangles(word: str, before: str = "") -> bool:
    """Whether a phrase cannot end on ``word`` (:data:`DANGLING`); ``before``: the word
    before it — « leur » after an article is a pronoun (« respecter les leurs »)."""
    word = _bare(word)
    if word in _PRONOUN_AFTER_ARTICLE and _bare(before) in _ARTICLES:
        return False
    if word.endswith("/"):  # « … et/ »: an alternative cut off (« et/ ou »)
        return True
    return word in _DANGLING or (word.endswith("'") and word[-2:-1].isalpha())


def _bare(word: str) -> str:
    return word.lower().replace("’", "'").strip(_WORD_EDGES)


def _balanced(text: str) -> str:
    """``text`` without a bracket left open (cut there, and its :data:`DANGLING` words,
    when three words stay before it, else only the mark goes), nor one closed and never
    opened, nor an odd straight quote."""
    if _PAIRED.search(text) is None:  # most texts: no bracket nor quote
        return text
    for opening, closing in _PAIRS:
        while text.count(opening) > text.count(closing):
            at = text.rfind(opening)
            head = _undangled(text[:at].rstrip(" ,;:-–—").split())
            text = head if len(head.split()) >= 3 else _without(text, at)
        while text.count(closing) > text.count(opening):
            text = _without(text, text.find(closing))
    if text.count('"') % 2:
        text = _without(text, text.rfind('"'))
    return text


def _without(text: str, at: int) -> str:
    return (text[:at] + text[at + 1 :]).strip()


def _key_terms(space: _Space, rows: np.ndarray, wanted: list[int]) -> list[str]:
    """The key terms as people wrote them most often in the idea's statements (``rows``,
    most central first): the first :data:`KEY_TERM_ROWS` of them, and further on (up to
    :data:`KEY_TERM_SCAN`) for a term none of those writes as a word of its own: a key
    term is not shown as its stem (« cyclabl », « immigr ») when the idea writes it."""
    vocabulary = space.statements.vocabulary
    names = vocabulary.names
    plain = {vocabulary.term_ids.get(strip_prefix(names[t]), t) for t in wanted}
    # per key term, the chunks that write it (« Impôts, », « impôts »), read as words at
    # the end: a statement's chunks are many, the ones counted a few
    written: dict[int, dict[str, int]] = {t: {} for t in plain}
    # the key terms counted in a statement: all of them in the first rows, past them
    # those none has written yet
    counted = written
    for at, row in enumerate(rows[:KEY_TERM_SCAN].tolist()):
        if at >= KEY_TERM_ROWS:
            counted = {t: found for t, found in written.items() if not found}
            if not counted:
                break
        words = space.words.get(row)
        if words is None:
            words = space.words[row] = _single_terms(space, row)
        for term, chunk in words:
            found = counted.get(term)
            if found is not None:
                found[chunk] = found.get(chunk, 0) + 1
    shown = []
    for t in wanted:
        base = strip_prefix(names[t])
        found = _as_words(written[vocabulary.term_ids.get(base, t)])
        word = max(found.items(), key=lambda kv: (kv[1], kv[0]))[0] if found else base
        shown.append(_elided(f"{_SHOWN.get(names[t][: -len(base)], '')}{word}"))
    return list(dict.fromkeys(shown))


def _elided(term: str) -> str:
    """« plus de impôts » → « plus d'impôts »: a key term's « de » elided before a vowel
    (not before an h: « plus de haine »), as a reader writes it."""
    return _DE_VOWEL.sub("d'", term, count=1)


_DE_VOWEL = re.compile(r"(?:(?<=\bplus )|(?<=\bmoins ))de (?=[aeiouàâéèêëîïôûü])", re.I)


def _as_words(chunks: dict[str, int]) -> Counter:
    """Counts of chunks as counts of the words they write (« Impôts, » and « impôts »
    are one word, « l'impôt » writes « impôt »)."""
    words: Counter = Counter()
    for chunk, count in chunks.items():
        words[_ELIDED.sub("", chunk.lower().strip(_EDGES))] += count
    return words


def _single_terms(space: _Space, row: int) -> list[tuple[int, str]]:
    """The chunks of a statement that make one term each: (term id, chunk)."""
    known = space.single  # a chunk read once for the call: statements repeat words
    vocabulary = space.statements.vocabulary
    chunk_ids, offsets, flat = vocabulary.chunk_ids, vocabulary.offsets, vocabulary.flat
    found = []
    for chunk in space.statements.chunks(space.texts, row):
        term = known.get(chunk)
        if term is None:  # the term of a chunk that makes one term; else -1
            index = chunk_ids.get(chunk)
            start = -1 if index is None else offsets[index]
            one = start >= 0 and offsets[index + 1] - start == 1
            term = known[chunk] = flat[start] if one else -1
        if term >= 0:
            found.append((term, chunk))
    return found
