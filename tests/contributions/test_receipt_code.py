"""Receipt codes: ten characters of the alphabet, each one as likely at each place."""

from collections import Counter

from consult.contributions.models import RECEIPT_ALPHABET, new_receipt_code
from consult.contributions.services import find_by_receipt


def test_a_code_is_two_groups_of_five_characters_of_the_alphabet():
    for _ in range(200):
        code = new_receipt_code()
        first, second = code.split("-")
        assert len(first) == len(second) == 5
        assert set(first + second) <= set(RECEIPT_ALPHABET)


def test_every_character_is_as_likely_at_every_place():
    codes = [new_receipt_code().replace("-", "") for _ in range(6200)]
    # 200 draws expected per character and place: far below 100 or above 300 would be a
    # bias (a place never reached by the draw, a character that cannot come out), not luck.
    for place in range(10):
        seen = Counter(code[place] for code in codes)
        assert set(seen) == set(RECEIPT_ALPHABET)
        assert min(seen.values()) > 100
        assert max(seen.values()) < 300
    assert len(set(codes)) == len(codes)


def test_a_new_code_finds_its_contribution(db, make_contribution):
    contribution = make_contribution()
    assert find_by_receipt(contribution.receipt_code.lower()) == contribution
