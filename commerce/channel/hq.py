"""What the B2B site asks of Commerce HQ: its one way into the rest of commerce.

The site works on its own data (commerce.channel.models, and the copies job 1010 keeps of HQ's
organizations and users). Only what HQ alone knows or does is reached here, so the boundary
between the two is this one file; import-linter holds every other channel module to it
(pyproject.toml, [tool.importlinter]).
"""

from commerce.jobs import job_kick_on_commit
from commerce.models import Invitation
from commerce.selectors import (
    InvitationLink,
    hierarchy_member_current,
    invitation_lookup,
    onboarding_open_for_email,
    prospect_status_for_request,
)
from commerce.services import ONE_ORGANIZATION, invitation_redeem, invitation_renew

__all__ = [
    # The refusal HQ gives when a person would join a second organization (SPEC §11).
    "ONE_ORGANIZATION",
    # An invitation link as HQ knows it: whom it is for and whether it can still be used.
    "Invitation",
    "InvitationLink",
    "hierarchy_member_current",
    "invitation_lookup",
    "invitation_redeem",
    "invitation_renew",
    "onboarding_open_for_email",
    "prospect_status_for_request",
    "requests_upload_on_commit",
]


def requests_upload_on_commit(*, using: str) -> None:
    """Have job P-0001 upload the site's new requests to HQ soon after this transaction commits.

    `using` is the site's database, whose transaction holds the new request (SPEC §6: seconds,
    not minutes).
    """
    job_kick_on_commit(code="P-0001", using=using)
