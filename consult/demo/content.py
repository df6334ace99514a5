"""The demo's fixed content (territories, publics, organisations, people, meetings)."""

from datetime import date

TERRITORIES = [
    ("bassin-chamberien", "Bassin chambérien"),
    ("aix-avant-pays", "Aix-les-Bains, Albanais et Avant-Pays savoyard"),
    ("combe-albertville", "Combe de Savoie et Albertville-Ugine"),
    ("tarentaise", "Tarentaise-Vanoise"),
    ("maurienne", "Maurienne"),
]

PUBLICS = [
    ("personnes_agees", "Personnes âgées"),
    ("personnes_handicapees", "Personnes en situation de handicap"),
    ("enfance_famille", "Enfance et famille"),
    ("jeunes_16_25", "Jeunes de 16 à 25 ans"),
    ("insertion_rsa", "Insertion et RSA"),
    ("mna", "Mineurs non accompagnés"),
    ("tous", "Tous publics"),
]

ORGANISATIONS = [
    ("Département de la Savoie", "departement"),
    ("CAF de la Savoie", "caf"),
    ("ARS Auvergne-Rhône-Alpes", "ars"),
    ("Association Les Amis du Lac", "association"),
]

# (key, role, display name, organisation name or None)
PEOPLE = [
    ("admin", "admin", "Claire Administratrice", "Département de la Savoie"),
    ("animateur", "facilitator", "Karim Animateur", "Département de la Savoie"),
    ("membre", "member", "Sophie Membre", "Département de la Savoie"),
    ("partenaire", "partner", "Julien Partenaire", "CAF de la Savoie"),
    ("participant", "participant", "Mamie Jo", None),
    ("representant", "participant", "Bernard, représentant des usagers", None),
]
DEMO_EMAIL_DOMAIN = "demo.consult.fr"

# (key, kind, title, territory code, date, status, place): the 2019 concertation, over.
# Head counts noted when each 2019 meeting closed (demonstration values, of the order of
# the Savoie's 788 participants over its concertations): syntheses count participants
# from them.
ATTENDANCE = {
    "ct-chambery": {
        "usagers": 18,
        "professionnels": 46,
        "partenaires": 31,
        "elus": 9,
        "agents": 22,
    },
    "ct-aix": {"usagers": 12, "professionnels": 39, "partenaires": 27, "elus": 11, "agents": 17},
    "ct-albertville": {
        "usagers": 15,
        "professionnels": 35,
        "partenaires": 22,
        "elus": 8,
        "agents": 19,
    },
    "ct-tarentaise": {
        "usagers": 9,
        "professionnels": 28,
        "partenaires": 19,
        "elus": 12,
        "agents": 14,
    },
    "ct-maurienne": {
        "usagers": 11,
        "professionnels": 30,
        "partenaires": 18,
        "elus": 10,
        "agents": 15,
    },
    "us-2019": {"usagers": 64, "proches_aidants": 21, "professionnels": 12, "agents": 9},
}
# The relevé de conclusions each 2019 meeting published when it closed (demonstration text,
# drawn from what its participants said): its results page says what was decided.
MINUTES = {
    "ct-chambery": (
        "Relevé de conclusions de la concertation du bassin chambérien.\n\n"
        "Trois priorités sont retenues pour les groupes de travail : un repérage plus précoce "
        "de la fragilité des personnes âgées, un guichet unique d'information par bassin de "
        "vie, et des modes de garde aux horaires décalés.\n\n"
        "Le groupe « Accès aux droits » étudiera les permanences d'aide au numérique dans les "
        "maisons sociales. Les délais de la MDPH et de la PMI sont transmis au comité de "
        "pilotage."
    ),
    "ct-aix": (
        "Relevé de conclusions de la concertation d'Aix-les-Bains et de l'Avant-Pays "
        "savoyard.\n\n"
        "Les participants demandent des services qui viennent aux habitants des petites "
        "communes : accueil de jour itinérant, permanences mobiles du Département dans les "
        "mairies. Ces deux propositions sont confiées aux groupes de travail.\n\n"
        "La reconnaissance du métier d'assistant familial et l'habitat inclusif seront "
        "examinés avec les partenaires."
    ),
    "ct-albertville": (
        "Relevé de conclusions de la concertation de la Combe de Savoie et d'Albertville.\n\n"
        "Le travail saisonnier marque ce territoire : logement des saisonniers, calcul du RSA "
        "et de la prime d'activité, garde d'urgence pour les parents qui reprennent un "
        "emploi.\n\n"
        "Le groupe « Du domicile à l'EHPAD » reprend le diagnostic du logement des personnes "
        "âgées qui vivent seules."
    ),
    "ct-tarentaise": (
        "Relevé de conclusions de la concertation de Tarentaise.\n\n"
        "L'hiver isole : un lien téléphonique régulier avec les personnes âgées isolées et des "
        "tournées coordonnées entre aides à domicile, infirmiers et portage de repas sont "
        "proposés aux groupes de travail.\n\n"
        "Une permanence santé et droits sociaux dans les stations sera étudiée avec les "
        "communes."
    ),
    "ct-maurienne": (
        "Relevé de conclusions de la concertation de Maurienne.\n\n"
        "La haute vallée manque de services : une permanence sociale hebdomadaire à Modane "
        "et Lanslebourg, et une plateforme de répit pour les aidants, qui n'existe pas "
        "encore en Maurienne.\n\n"
        "Le prêt de tablettes avec un accompagnement aux démarches en ligne est confié au "
        "groupe « Accès aux droits »."
    ),
    "us-2019": (
        "Relevé de conclusions de l'université sociale 2019.\n\n"
        "Les personnes accompagnées ont parlé de leur quotidien : garder la même aide à "
        "domicile, recevoir des courriers simples et illustrés, garder un éducateur de "
        "confiance après un placement.\n\n"
        "Ces propositions sont transmises telles quelles aux groupes de travail, qui diront "
        "ce qu'ils en retiennent."
    ),
    "en-ligne": (
        "Relevé de conclusions de la consultation en ligne.\n\n"
        "Les avis reçus en ligne rejoignent ceux des concertations territoriales : ils sont "
        "lus avec eux dans la synthèse et transmis aux mêmes groupes de travail."
    ),
    "gt-droits": (
        "Relevé de conclusions de la première séance du groupe « Accès aux droits ».\n\n"
        "Le groupe a lu la synthèse des concertations et retient deux pistes pour sa fiche "
        "action : des permanences de proximité et un accompagnement aux démarches en ligne. "
        "Chaque contribution qu'il reprend recevra une réponse."
    ),
    "us-2022": (
        "Relevé de conclusions de l'université sociale 2022.\n\n"
        "Premier bilan du schéma avec les personnes accompagnées : ce qui a changé depuis "
        "2019, ce qui tarde encore. Les avis sont transmis aux groupes de travail."
    ),
    "forum-2023": (
        "Relevé de conclusions du forum social 2023.\n\n"
        "Le Département a présenté l'avancement des fiches actions ; les participants ont "
        "dit ce qu'ils en voient sur le terrain. Ce qui ressort est repris dans le bilan "
        "annuel."
    ),
}
MEETINGS = [
    (
        "ct-chambery",
        "concertation_territoriale",
        "Concertation territoriale — Bassin chambérien",
        "bassin-chamberien",
        date(2019, 3, 12),
        "closed",
        "Chambéry, salle du Manège",
    ),
    (
        "ct-aix",
        "concertation_territoriale",
        "Concertation territoriale — Aix-les-Bains et Avant-Pays savoyard",
        "aix-avant-pays",
        date(2019, 3, 19),
        "closed",
        "Aix-les-Bains, centre des congrès",
    ),
    (
        "ct-albertville",
        "concertation_territoriale",
        "Concertation territoriale — Combe de Savoie et Albertville",
        "combe-albertville",
        date(2019, 3, 26),
        "closed",
        "Albertville, salle de la Pierre du Roy",
    ),
    (
        "ct-tarentaise",
        "concertation_territoriale",
        "Concertation territoriale — Tarentaise",
        "tarentaise",
        date(2019, 4, 2),
        "closed",
        "Moûtiers, maison sociale du Département",
    ),
    (
        "ct-maurienne",
        "concertation_territoriale",
        "Concertation territoriale — Maurienne",
        "maurienne",
        date(2019, 4, 9),
        "closed",
        "Saint-Jean-de-Maurienne, salle polyvalente",
    ),
    (
        "us-2019",
        "universite_sociale",
        "Université sociale 2019",
        None,
        date(2019, 5, 23),
        "closed",
        "Chambéry, Manège",
    ),
    (
        "en-ligne",
        "consultation_en_ligne",
        "Consultation en ligne sur le schéma",
        None,
        date(2019, 4, 1),
        "closed",
        "En ligne",
    ),
]

# The meeting open now (dated the day the demo is loaded): where a visitor can contribute.
CURRENT_MEETING = (
    "bilan-en-cours",
    "consultation_en_ligne",
    "Consultation en ligne : bilan à mi-parcours du schéma",
    None,
    "open",
    "En ligne",
)

# Short codes used in data/contributions.txt
KIND_CODES = {"c": "constat", "p": "proposition", "q": "question", "t": "temoignage"}
AUTHOR_CODES = {
    "u": "usager",
    "a": "proche_aidant",
    "pro": "professionnel",
    "pa": "partenaire",
    "e": "elu",
    "ag": "agent",
}
PUBLIC_CODES = {
    "pa": "personnes_agees",
    "ph": "personnes_handicapees",
    "ef": "enfance_famille",
    "j": "jeunes_16_25",
    "r": "insertion_rsa",
    "m": "mna",
    "t": "tous",
    "-": None,
}
