"""Personal-data detection on text written like real contributions."""

import pytest

from consult.analysis.personal_data import find_personal_data, mask_personal_data


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Rappelez-moi au 06 12 34 56 78 svp", "phone", "06 12 34 56 78"),
        ("mon numéro : 04.79.96.73.73.", "phone", "04.79.96.73.73"),
        ("tel +33 6 12 34 56 78", "phone", "+33 6 12 34 56 78"),
        ("écrivez à jeanne.exemple@example.org merci", "email", "jeanne.exemple@example.org"),
        ("il vit au 14 route du Col à Montsapey", "address", "14 route du Col"),
        ("Mme Odile Rey, 23 rue Jean Jaurès", "address", "23 rue Jean Jaurès"),
        ("Bonjour, je m'appelle Sylvie Martinaud, mon dossier", "name", "Sylvie Martinaud"),
        ("Notre éducatrice Mme Sandrine Pellet nous a aidés", "name", "Sandrine Pellet"),
        ("Moi c'est Kevin Bouvier si vous voulez", "name", "Kevin Bouvier"),
        ("Contact : Brigitte Chavanne, 04 65 71 33 08.", "name", "Brigitte Chavanne"),
        ("on a vu Nathalie Girod hier", "name", "Nathalie Girod"),
    ],
)
def test_personal_data_is_found(text, kind, expected):
    assert (kind, expected) in [(f.kind, f.text) for f in find_personal_data(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Le délai MDPH est de 5 mois, il faut 2 000 places en EHPAD.",
        "La CAF de la Savoie et la Maison Sociale du Département.",
        "En 2019, 788 participants et 3 032 contributions.",
        "Je suis Bénéficiaire du RSA depuis 2 ans.",
    ],
)
def test_ordinary_text_has_no_personal_data(text):
    assert find_personal_data(text) == []


def test_masking_keeps_the_rest_of_the_text():
    text = "Je m'appelle Farid Benali, appelez le 06 39 98 73 10 ou farid@exemple.fr"
    assert mask_personal_data(text) == (
        "Je m'appelle [nom masqué], appelez le [téléphone masqué] ou [e-mail masqué]"
    )
