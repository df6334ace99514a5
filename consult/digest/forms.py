"""Forms of the digest: unsubscribing, forgetting the address left at submission."""

from wtforms import HiddenField

from consult.core.forms import BaseForm, length, required


class UnsubscribeForm(BaseForm):
    """The confirmation button of the unsubscribe link."""


class ForgetAddressForm(BaseForm):
    """Erase the address kept for news, proved by the receipt code."""

    code = HiddenField(validators=[required("Code de suivi manquant."), length(max=20)])
