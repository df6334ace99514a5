"""Every domain's models, imported once so the metadata (and Alembic) sees all tables."""

from consult.accounts import models as accounts  # noqa: F401
from consult.api import models as api  # noqa: F401
from consult.contributions import counts as contribution_counts  # noqa: F401 - triggers
from consult.contributions import models as contributions  # noqa: F401
from consult.core import (
    idempotency,  # noqa: F401 - FormSubmission
    jobs,  # noqa: F401 - JobRun
)
from consult.decidim import models as decidim  # noqa: F401
from consult.deliberations import models as deliberations  # noqa: F401
from consult.digest import models as digest  # noqa: F401
from consult.followup import models as followup  # noqa: F401
from consult.history import models as history  # noqa: F401
from consult.meetings import models as meetings  # noqa: F401
from consult.moderation import models as moderation  # noqa: F401
from consult.moderation import queue as moderation_queue  # noqa: F401 - search DDL listener
from consult.reports import models as reports  # noqa: F401
from consult.schemes import models as schemes  # noqa: F401
from consult.site import models as site  # noqa: F401
from consult.suite import counts as suite_counts  # noqa: F401 - triggers
from consult.synthesis import models as synthesis  # noqa: F401
from consult.tagging import models as tagging  # noqa: F401
from consult.workgroups import models as workgroups  # noqa: F401
