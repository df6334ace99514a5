"""Issue 17: the participant's form builds its fields once per process, then copies them.

Each form still gets its own fields: what one request sets (data, errors, choices, a
field removed for a partner) never reaches the next form, and validation is unchanged.
"""

import pytest
from wtforms.fields.core import Field

from consult.contributions.forms import ContributionForm, EasyReadForm, RapidEntryForm

VALID = {
    "body": "Plus de bus le dimanche pour aller voir ma mère",
    "kind": "proposition",
    "author_type": "usager",
    "consent": "y",
    "territory_id": "0",
    "form_key": "k" * 32,
}


def _form(app, data):
    with app.test_request_context("/", method="POST", data=data):
        form = ContributionForm(meta={"csrf": False})
        form.fill_choices([(1, "Enfance"), (2, "Personnes âgées")], [(7, "Maurienne")])
        return form, form.validate()


def _counting_built(monkeypatch) -> list:
    built = []
    original = Field.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Field, "__init__", counting)
    return built


def test_later_forms_build_no_field(app, db, monkeypatch):
    _form(app, VALID)  # the process's first form builds the fields
    built = _counting_built(monkeypatch)
    form, valid = _form(app, VALID)
    assert valid, form.errors
    assert built == []  # copies of the kept fields, nothing constructed


@pytest.mark.parametrize("form_class", [EasyReadForm, RapidEntryForm])
def test_other_capture_forms_build_their_fields_once(app, db, monkeypatch, form_class):
    data = {**VALID, "step": "avis", "channel": "papier"}
    with app.test_request_context("/", method="POST", data=data):
        form_class(meta={"csrf": False})
        built = _counting_built(monkeypatch)
        form = form_class(meta={"csrf": False})
        assert built == []
        assert form.body.data == VALID["body"]
        assert form.kind.data == "proposition"


def test_each_form_has_its_own_fields(app, db):
    first, valid = _form(app, {**VALID, "body": "", "kind": "inconnu"})
    assert not valid
    assert set(first.errors) == {"body", "kind"}
    second, valid = _form(app, VALID)
    assert valid, second.errors
    assert second.body is not first.body
    assert second.body.data == VALID["body"]
    assert first.body.data == ""
    assert first.errors
    assert not second.errors
    assert first.body.meta is first.meta
    assert second.body.meta is second.meta
    second.territory_id.choices[99] = "ajouté par une requête"
    third, _ = _form(app, VALID)
    assert 99 not in third.territory_id.choices


def test_a_field_removed_from_one_form_stays_in_the_next(app, db):
    with app.test_request_context("/", method="POST", data=VALID):
        partner = ContributionForm(meta={"csrf": False})
        del partner.author_type
        assert "author_type" not in partner
    form, valid = _form(app, VALID)
    assert valid
    assert form.author_type.data == "usager"


def test_choices_and_validators_unchanged(app, db):
    form, valid = _form(app, {**VALID, "territory_id": "5", "public_ids": ["1", "9"]})
    assert not valid
    assert set(form.errors) == {"territory_id", "public_ids"}
    form, valid = _form(app, {**VALID, "territory_id": "7", "public_ids": ["2"]})
    assert valid
    assert form.territory_id.data == 7
    assert form.public_ids.data == [2]
    form, valid = _form(app, {**VALID, "body": "  Plus de bus le dimanche, vraiment  "})
    assert valid
    assert form.body.data == "Plus de bus le dimanche, vraiment"
