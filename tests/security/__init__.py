"""Security tests: the access matrix and hostile input.

Shared here: signing a user in without the login form, and the typical objects
(built on first use with the factories) whose ids fill URL parameters.
"""

from functools import cached_property

import pytest
import sqlalchemy as sa
from flask_login import utils as login_utils

from consult.accounts import services as account_services
from consult.contributions import importing
from consult.core.access import ROLES
from consult.core.db import utcnow
from consult.site import services as site_services
from tests.factories import load_fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# Plain text: the factories' default (markup, stored raw) would blur what a test injects.
BODY = "Plus de bus le dimanche pour aller voir ma mère à l'EHPAD"
CSV = b"texte;type\nPlus de bus le dimanche;proposition\n"


def url_rules(app) -> dict:
    """Endpoint → werkzeug rule (one rule per endpoint in this application)."""
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def sign_in(client, user) -> None:
    """Sign ``user`` in without the login form (the session keys Flask-Login writes).

    Argon2 at every one of the matrix's hundreds of requests would take minutes;
    ``test_a_session_written_by_sign_in_is_a_real_sign_in`` keeps this honest.
    """
    with client.session_transaction() as session:
        session.clear()
    if user is None:
        return
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_utils._create_identifier()  # what "strong" protection checks
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


class World:
    """Typical objects, built on first use with the factories, then committed.

    Committing releases the test's savepoint only (``db`` fixture): the objects stay
    in the test's transaction even when a request that fails rolls its work back.
    """

    def __init__(self, app, db, factories):
        self.app, self.db, self.f = app, db, factories

    def commit(self):
        self.db.session.commit()

    @cached_property
    def scheme(self):
        document = load_fixture("savoie.json")
        return self.f["make_scheme"](
            department="Sécurité",
            axes=document["axes"][:1],
            themes=document["themes"][:2],
            fiches=document["fiches"][:1],
        )

    @cached_property
    def territory(self):
        return self.f["make_territory"]()

    def open_meeting(self, **extra):
        extra.setdefault("publish_immediately", True)
        return self.f["make_meeting"](
            scheme=self.scheme, status="open", territory=self.territory, **extra
        )

    @cached_property
    def meeting(self):
        return self.open_meeting()

    @cached_property
    def draft_meeting(self):
        return self.f["make_meeting"](scheme=self.scheme, status="draft")

    @cached_property
    def contribution(self):
        return self.f["make_contribution"](
            meeting=self.meeting, status="published", published_at=utcnow(), body=BODY
        )

    @cached_property
    def pending_contribution(self):
        return self.f["make_contribution"](meeting=self.meeting, status="pending", body=BODY)

    @cached_property
    def upload(self):
        upload = importing.store_upload(self.meeting, "import.csv", CSV, self.user("facilitator"))
        self.db.session.flush()
        return upload

    @cached_property
    def target_user(self):
        return self.f["make_user"](role="participant")

    @cached_property
    def invited_user(self):
        return self.f["make_user"](role="facilitator", password_hash=None)

    def token(self, salt: str, user) -> str:
        return account_services.make_token(user, self.app.config["SECRET_KEY"], salt)

    @cached_property
    def reset_token(self) -> str:
        return self.token(account_services.RESET_SALT, self.target_user)

    @cached_property
    def invitation_token(self) -> str:
        return self.token(account_services.INVITATION_SALT, self.invited_user)

    @cached_property
    def logo(self):
        settings = site_services.update_settings(
            department_name="Savoie",
            platform_name="Consult",
            primary_colour="#1d4f91",
            contact_email="",
            logo=PNG,
        )
        self.db.session.flush()
        return settings

    def _synthesis(self, status: str):
        from consult.core.jobs import JobRun
        from consult.synthesis.document import Document
        from consult.synthesis.models import Synthesis, SynthesisVersion

        now = utcnow()
        synthesis = Synthesis(
            scheme=self.scheme,
            title=f"Synthèse ({status})",
            template="concertations",
            scope={"published_only": True},
            job_run=JobRun(name="synthese", status="done", progress=100),
        )
        document = Document(
            title=synthesis.title,
            template="concertations",
            scope=[],
            generated_at=now,
            participants=None,
            contributions=0,
        )
        synthesis.versions.append(
            SynthesisVersion(number=1, status=status, document=document.to_dict(), generated_at=now)
        )
        self.db.session.add(synthesis)
        self.db.session.flush()
        return synthesis

    @cached_property
    def synthesis(self):
        return self._synthesis("published")

    @cached_property
    def draft_synthesis(self):
        return self._synthesis("draft")

    @cached_property
    def shared_synthesis(self):
        return self._synthesis("shared")

    # --- Working groups and follow-up ----------------------------------------------

    @cached_property
    def group(self):
        """The working group "member" belongs to, as its pilot; it follows fiche 1."""
        group = self.f["make_working_group"](
            scheme=self.scheme,
            members=[(self.users["member"], "pilote"), (self.f["make_user"](), "membre")],
            theme=self.scheme.themes[0],
        )
        group.fiches.append(self.public_fiche)
        self.db.session.flush()
        return group

    @cached_property
    def other_group(self):
        """A group none of the matrix's users belongs to."""
        return self.f["make_working_group"](scheme=self.scheme, name="Autre groupe")

    def _draft_fiche(self, group, number: str):
        from consult.schemes.models import Fiche

        fiche = Fiche(
            scheme=self.scheme,
            number=number,
            title=f"Fiche en préparation {number}",
            status="brouillon",
            working_group_id=group.id,
        )
        self.db.session.add(fiche)
        self.db.session.flush()
        return fiche

    @cached_property
    def group_fiche(self):
        """A fiche the group is drafting; it answers the typical contribution."""
        from consult.workgroups.models import FicheContribution

        fiche = self._draft_fiche(self.group, "GT-1")
        self.db.session.add(FicheContribution(fiche_id=fiche.id, contribution=self.contribution))
        self.db.session.flush()
        return fiche

    @cached_property
    def other_fiche(self):
        return self._draft_fiche(self.other_group, "GT-2")

    @cached_property
    def public_fiche(self):
        return self.scheme.fiches[0]

    @property
    def followed_fiche(self):
        """Fiche 1, adopted, followed by the group ("member" is its pilot)."""
        _ = self.group
        return self.public_fiche

    @cached_property
    def milestone(self):
        from consult.followup.models import Milestone

        milestone = Milestone(action=self.public_fiche.top_actions[0], label="Premier comité")
        self.db.session.add(milestone)
        self.db.session.flush()
        return milestone

    def _followed(self, fiche):
        """An action, a milestone and an indicator of ``fiche`` (made when missing)."""
        from consult.followup.models import Milestone
        from consult.schemes.models import Action, Indicator

        if fiche is self.public_fiche:
            return fiche.top_actions[0], self.milestone, fiche.indicators[0]
        action = Action(fiche=fiche, title="Action en préparation")
        indicator = Indicator(fiche=fiche, label="Indicateur en préparation")
        milestone = Milestone(action=action, label="Jalon en préparation")
        self.db.session.add_all([action, indicator, milestone])
        self.db.session.flush()
        return action, milestone, indicator

    def _measurement(self, indicator):
        """A 2023 value of ``indicator`` (made again when a request deleted it)."""
        from consult.followup.models import Measurement

        measurement = self.db.session.scalar(
            sa.select(Measurement).filter_by(indicator_id=indicator.id, year=2023)
        )
        if measurement is not None:
            return measurement
        measurement = Measurement(indicator=indicator, year=2023, value=12)
        self.db.session.add(measurement)
        self.db.session.flush()
        return measurement

    @cached_property
    def draft_followed(self):
        return self._followed(self.other_fiche)

    @cached_property
    def group_version(self):
        """A version shared with the group, with real ideas to discuss."""
        meeting = self.f["make_meeting"](scheme=self.scheme, status="open", title="Séance")
        return self.f["make_synthesis_version"](meeting=meeting, group=self.group)

    @cached_property
    def membership(self):
        return next(m for m in self.group.members if m.role == "membre")

    def _report(self, status: str):
        from consult.reports.models import AnnualReport
        from consult.reports.services import build_report

        report = AnnualReport(
            scheme=self.scheme,
            year=2023 if status == "published" else 2022,
            status=status,
            document=build_report(self.scheme, 2023).to_dict(),
            generated_at=utcnow(),
        )
        self.db.session.add(report)
        self.db.session.flush()
        return report

    @cached_property
    def api_token(self):
        from consult.accounts.models import Organisation
        from consult.api.auth import create_token

        organisation = Organisation(name="Partenaire de la matrice", kind="association")
        self.db.session.add(organisation)
        token, _raw = create_token(organisation, ["contributions:write"], now=utcnow())
        return token

    @cached_property
    def report(self):
        return self._report("published")

    @cached_property
    def draft_report(self):
        return self._report("draft")

    @cached_property
    def users(self) -> dict:
        return {role: self.f["make_user"](role=role) for role in ROLES if role != "anonymous"}

    def user(self, role: str):
        return None if role == "anonymous" else self.users[role]

    # --- URL parameters -------------------------------------------------------------

    def param(self, endpoint: str, name: str, variant: str | None = None):
        """The value of URL parameter ``name`` for ``endpoint`` (and a private variant)."""
        private = {
            ("draft_meeting", "meeting_id"): lambda: self.draft_meeting.id,
            ("pending_contribution", "contribution_id"): lambda: self.pending_contribution.id,
            # The upload belongs to the open meeting; the URL names another one.
            ("other_meeting_upload", "meeting_id"): lambda: self.draft_meeting.id,
            ("expired_token", "token"): lambda: "lien-perime",
            ("draft_version", "synthesis_id"): lambda: self.draft_synthesis.id,
            ("shared_version", "synthesis_id"): lambda: self.shared_synthesis.id,
            ("other_group", "group_id"): lambda: self.other_group.id,
            ("other_group", "fiche_id"): lambda: self.other_fiche.id,
            ("draft_fiche", "fiche_id"): lambda: self.other_fiche.id,
            ("draft_fiche", "action_id"): lambda: self.draft_followed[0].id,
            ("draft_fiche", "milestone_id"): lambda: self.draft_followed[1].id,
            ("draft_fiche", "indicator_id"): lambda: self.draft_followed[2].id,
            ("draft_fiche", "measurement_id"): lambda: self._measurement(self.draft_followed[2]).id,
            ("draft_report", "report_id"): lambda: self.draft_report.id,
        }
        if (variant, name) in private:
            return private[(variant, name)]()
        if endpoint.startswith("fiches.") and name == "fiche_id":
            return self.group_fiche.id
        if endpoint == "fiches.decide" and name == "contribution_id":
            _ = self.group_fiche  # the group's fiche answers the typical contribution
            return self.contribution.id
        specific = {
            ("fiches.read", "number"): lambda: self.scheme.fiches[0].number,
            ("suite.track_link", "code"): lambda: self.contribution.receipt_code,
            ("accounts.reset_password", "token"): lambda: self.reset_token,
            ("accounts.accept_invitation", "token"): lambda: self.invitation_token,
            ("digest.unsubscribe", "token"): lambda: "jeton-de-desabonnement",
            ("synthesis.export", "kind"): lambda: "json",
            ("synthesis.export_contributions", "kind"): lambda: "csv",
            ("reports.export", "kind"): lambda: "docx",
            ("opendata.download", "name"): lambda: "contributions.csv",
        }
        if (endpoint, name) in specific:
            return specific[(endpoint, name)]()
        generic = {
            "meeting_id": lambda: self.meeting.id,
            "contribution_id": lambda: self.contribution.id,
            "import_id": lambda: self.upload.id,
            "user_id": lambda: self.target_user.id,
            "slug": lambda: self.scheme.slug,
            "code": lambda: self.meeting.join_code,
            "filename": lambda: "css/consult.css",
            "synthesis_id": lambda: self.synthesis.id,
            "number": lambda: 1,  # synthesis versions
            "job_run_id": lambda: self.synthesis.job_run_id,
            "group_id": lambda: self.group.id,
            "fiche_id": lambda: self.followed_fiche.id,
            "action_id": lambda: self.followed_fiche.top_actions[0].id,
            "milestone_id": lambda: self.followed_fiche and self.milestone.id,
            "indicator_id": lambda: self.followed_fiche.indicators[0].id,
            "measurement_id": lambda: self._measurement(self.followed_fiche.indicators[0]).id,
            "theme_id": lambda: self.scheme.themes[0].id,
            "membership_id": lambda: self.membership.id,
            "version_id": lambda: self.group_version.id,
            "section": lambda: 0,
            "idea": lambda: 0,
            "report_id": lambda: self.report.id,
            "token_id": lambda: self.api_token.id,
        }
        if name not in generic:
            pytest.fail(
                f"{endpoint} : aucun objet pour le paramètre d'adresse « {name} » ; "
                "ajoutez-le à World.param (tests/security/__init__.py) "
                "et à OBJECTS (consult/core/access.py)."
            )
        return generic[name]()

    def form_data(self, endpoint: str, variant: str | None = None) -> dict:
        """What a POST to ``endpoint`` sends when the object travels in the form."""
        if endpoint in (
            "suite.download_data",
            "suite.erase",
            "digest.forget_address",
        ):
            code = "ZZZZZ-99999" if variant == "unknown_receipt" else None
            return {"code": code or self.contribution.receipt_code}
        return {}

    def url(self, endpoint: str, variant: str | None = None, **override) -> str:
        rule = url_rules(self.app)[endpoint]
        if endpoint == "site.logo":
            _ = self.logo
        values = {name: self.param(endpoint, name, variant) for name in rule.arguments}
        values.update(override)
        self.commit()
        return self.app.url_map.bind("localhost").build(endpoint, values)


@pytest.fixture(name="world")
def world_fixture(
    app,
    db,
    make_scheme,
    make_territory,
    make_meeting,
    make_contribution,
    make_user,
    make_working_group,
    make_synthesis_version,
):
    factories = {
        "make_working_group": make_working_group,
        "make_synthesis_version": make_synthesis_version,
        "make_scheme": make_scheme,
        "make_territory": make_territory,
        "make_meeting": make_meeting,
        "make_contribution": make_contribution,
        "make_user": make_user,
    }
    return World(app, db, factories)
