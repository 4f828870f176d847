"""B2B site actions."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import actor_name
from core.errors import NotAllowed, NotFound
from core.identity import email_normalize

from .hq import (
    ONE_ORGANIZATION,
    Invitation,
    InvitationLink,
    hierarchy_member_current,
    invitation_redeem,
    invitation_renew,
    onboarding_open_for_email,
    requests_upload_on_commit,
)
from .models import (
    ChannelHierarchy,
    ChannelHierarchyMember,
    OnboardingRequest,
    PartnerUser,
    PartnerUserRequest,
)
from .selectors import (
    organization_admins_remaining,
    organization_member,
    partner_email_in_use,
    partner_invitation_link,
    partner_membership,
    partner_removed_on_site,
)

DB = "channel"
USERS_DB = "default"
PARTNER_USER_ADD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "role",
    "spending_limit",
    "monthly_spending_limit",
    "language",
)
PARTNER_USER_CHANGE_FIELDS = (
    "first_name",
    "last_name",
    "role",
    "spending_limit",
    "monthly_spending_limit",
)


@dataclass(frozen=True)
class OnboardingRequestResult:
    request: OnboardingRequest | None
    created: bool
    # Why nothing was stored: "open_request_exists" or "partner_exists"; empty when created.
    refusal: str = ""


def _open_request_exists(email: str) -> bool:
    """`email` is in its one form (core.identity), as every stored request's is."""
    received = (
        OnboardingRequest.objects.using(DB)
        .filter(email=email, status=OnboardingRequest.Status.RECEIVED)
        .exists()
    )
    return received or onboarding_open_for_email(email=email)


def _not_created(refusal: str) -> OnboardingRequestResult:
    return OnboardingRequestResult(request=None, created=False, refusal=refusal)


def onboarding_request_create(*, values: dict, language: str) -> OnboardingRequestResult:
    """Store a validated sign-up; a second open request for the same email is not duplicated.

    `values` holds the party fields of SPEC §5, already cleaned by the sign-up form. A person
    who already is a partner user is not signed up again (one organization per person).
    """
    request = OnboardingRequest(**values, language=language, terms_accepted_at=timezone.now())
    # Validated before the email is looked up: a value no database can hold never reaches one.
    # The one-open-request constraint is left to the database, which answers races too.
    request.full_clean(exclude=["request_id", "status"], validate_constraints=False)
    request.email = email_normalize(request.email)
    if partner_email_in_use(email=request.email):
        return _not_created("partner_exists")
    if _open_request_exists(request.email):
        return _not_created("open_request_exists")
    try:
        with transaction.atomic(using=DB):
            request.save(using=DB)
            requests_upload_on_commit(using=DB)
    except IntegrityError:
        # The same sign-up sent at once: the other one passed the check above at the same
        # moment and the constraint refused this one (channel_request_one_open_per_email).
        if not _open_request_exists(request.email):
            raise
        return _not_created("open_request_exists")
    return OnboardingRequestResult(request=request, created=True)


# --- partner users ----------------------------------------------------------------------------


def _partner_username(email: str) -> str:
    """The sign-in name of a partner user: their email in its one form (core.identity)."""
    try:
        return email_normalize(email)
    except ValidationError:  # an address HQ stored before the one form: as it was then
        return email.strip().lower()


def _login_of_another_member(user, link: InvitationLink) -> bool:
    """The login is a current user of another hierarchy, whom accepting would move."""
    current = PartnerUser.objects.using(DB).filter(user_id=user.pk).first()
    if current is None or (current.hierarchy_id, current.account_number) == (
        link.hierarchy_id,
        link.account_number,
    ):
        return False
    return hierarchy_member_current(
        hierarchy_id=current.hierarchy_id, account_number=current.account_number
    )


def _partner_login_save(link: InvitationLink, password: str):
    """Create or update the Django user of an invited person (username: the email's one form).

    A staff account with that name is never taken over: staff and partners stay apart. Nor is
    the login of a current user of another organization moved: one organization per person.
    """
    User = get_user_model()
    username = _partner_username(link.email)
    if len(username) > (User._meta.get_field("username").max_length or 0):
        raise NotAllowed(
            _("This email address is too long to sign in with. Please contact us."),
            code="email_too_long",
        )
    users = User.objects.using(USERS_DB).select_for_update()
    user = users.filter(username__iexact=username).first()
    if user is None:
        user = User(username=username)
    elif user.is_staff or user.is_superuser or user.groups.exists():
        raise NotAllowed(
            _(
                "This email address belongs to a staff account, which cannot be used on the "
                "B2B site. Please contact us."
            ),
            code="staff_account",
        )
    elif _login_of_another_member(user, link):
        raise NotAllowed(
            _(
                "You already are a user of another organization on the B2B site, and a person "
                "can be a user of one organization only. Please contact us."
            ),
            code="other_organization",
        )
    user.email = link.email
    user.first_name = link.first_name[: User._meta.get_field("first_name").max_length]
    user.last_name = link.last_name[: User._meta.get_field("last_name").max_length]
    user.is_active = True
    user.is_staff = False
    user.set_password(password)
    user.save(using=USERS_DB)
    PartnerUser.objects.using(DB).update_or_create(
        user_id=user.pk,
        defaults={"account_number": link.account_number, "hierarchy_id": link.hierarchy_id},
    )
    return user


def _revoked(link: InvitationLink) -> NotAllowed:
    return NotAllowed(
        # Worded without "you are a user", which Polish and Czech would have to gender.
        _("This invitation was withdrawn: you no longer have access to %(company)s.")
        % {"company": link.company_name},
        code="revoked",
    )


def partner_invitation_accept(*, token: str, password: str) -> AbstractBaseUser:
    """Set the password of an invited partner user and use up the link (single use).

    The user is written first and the link used last, inside both transactions: a link that
    turns out used, expired, replaced or revoked leaves no user changed behind. HQ checks the
    membership in the transaction that uses the link; the site checks its own removals under
    the organization's lock, which an admin's removal takes too.
    """
    link = partner_invitation_link(token=token)
    if link is None:
        raise NotFound(_("This link is not valid."), code="invalid_link")
    with transaction.atomic(using=USERS_DB), transaction.atomic(using=DB):
        list(
            ChannelHierarchy.objects.using(DB)
            .select_for_update()
            .filter(hierarchy_id=link.hierarchy_id)
            .values_list("pk", flat=True)
        )
        if partner_removed_on_site(
            hierarchy_id=link.hierarchy_id, account_number=link.account_number
        ):
            raise _revoked(link)
        user = _partner_login_save(link, password)
        invitation_redeem(token=token)
    return user


def _login_active(email: str) -> bool:
    return (
        get_user_model()
        .objects.using(USERS_DB)
        .filter(username__iexact=_partner_username(email), is_active=True)
        .exists()
    )


def partner_invitation_renew(*, token: str) -> Invitation:
    """Email a fresh link for an expired, replaced or used one (SPEC §11); older links stop.

    A used link of a person who can sign in gives none: they sign in, or reset a forgotten
    password, and a link that reached someone else cannot take their account over.
    """
    link = partner_invitation_link(token=token)
    if link is None:
        raise NotFound(_("This link is not valid."), code="invalid_link")
    if link.state == "revoked":
        raise _revoked(link)
    if link.state == "used" and _login_active(link.email):
        raise NotAllowed(
            _(
                "You have already set your password with this link. Sign in with it, or reset "
                "your password if you have forgotten it."
            ),
            code="account_active",
        )
    return invitation_renew(token=token)


def _requesting_admin(user) -> ChannelHierarchyMember:
    member = partner_membership(user_id=user.pk) if user.is_authenticated else None
    if member is None or not member.has_access or not member.is_admin:
        raise NotAllowed(
            _("Only an admin of your organization can manage its users."), code="not_admin"
        )
    return member


def _hierarchy_locked(hierarchy_id: str) -> None:
    """Serializes admins of one organization, so two cannot remove the last two admins."""
    ChannelHierarchy.objects.using(DB).select_for_update().get(hierarchy_id=hierarchy_id)


def _member_of(admin: ChannelHierarchyMember, account_number: str) -> ChannelHierarchyMember:
    member = organization_member(hierarchy_id=admin.hierarchy_id, account_number=account_number)
    if member is None:
        raise NotFound(_("Your organization has no such user."), code="not_found")
    return member


def _admin_remains(admin: ChannelHierarchyMember, member: ChannelHierarchyMember) -> None:
    if member.is_admin and not organization_admins_remaining(
        hierarchy_id=admin.hierarchy_id, without=member.customer_id
    ):
        raise NotAllowed(
            _("%(name)s is the last admin of your organization. Make another user an admin first.")
            % {"name": member.customer.name},
            code="last_admin",
        )


def _request_save(request: PartnerUserRequest) -> PartnerUserRequest:
    request.full_clean(exclude=["request_id", "status"])
    request.save(using=DB)
    requests_upload_on_commit(using=DB)
    return request


def _staff_login_exists(email: str) -> bool:
    return (
        get_user_model()
        .objects.using(USERS_DB)
        .filter(username__iexact=email)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__isnull=False))
        .exists()
    )


def _email_free(admin: ChannelHierarchyMember, request: PartnerUserRequest) -> None:
    """One organization per person (SPEC §11); the refusal does not say whose the email is."""
    try:
        request.email = email_normalize(request.email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}, code="invalid_email") from exc
    holders = partner_email_in_use(email=request.email)
    if admin.hierarchy_id in holders:
        raise ValidationError(
            {"email": _("A user with this email address already exists on the B2B site.")},
            code="duplicate_email",
        )
    if holders or _staff_login_exists(request.email):
        raise ValidationError({"email": str(ONE_ORGANIZATION)}, code="other_organization")


def partner_user_request_add(*, user: AbstractBaseUser, values: dict) -> PartnerUserRequest:
    """An admin adds a user to their organization; HQ sets it up through the jobs (SPEC §6).

    `values`: first_name, last_name, email, role, spending_limit and monthly_spending_limit
    (None or missing: no limit), language.
    """
    admin = _requesting_admin(user)
    request = PartnerUserRequest(
        hierarchy_id=admin.hierarchy_id,
        action=PartnerUserRequest.Action.ADD,
        requested_by=actor_name(user),
        **{
            name: values.get(name) if name == "monthly_spending_limit" else values[name]
            for name in PARTNER_USER_ADD_FIELDS
        },
    )
    with transaction.atomic(using=DB):
        _hierarchy_locked(admin.hierarchy_id)
        _email_free(admin, request)
        return _request_save(request)


def partner_user_request_change(
    *, user: AbstractBaseUser, account_number: str, values: dict
) -> PartnerUserRequest:
    """An admin changes a user's names, role or spending limits; missing values stay as they are.

    The request carries the complete result, so HQ applies exactly what the admin saw.
    """
    admin = _requesting_admin(user)
    with transaction.atomic(using=DB):
        _hierarchy_locked(admin.hierarchy_id)
        member = _member_of(admin, account_number)
        current = {
            "first_name": member.customer.first_name,
            "last_name": member.customer.last_name,
            "role": member.role,
            "spending_limit": member.spending_limit,
            "monthly_spending_limit": member.monthly_spending_limit,
        }
        wanted = {**current, **{n: values[n] for n in PARTNER_USER_CHANGE_FIELDS if n in values}}
        if wanted["role"] != ChannelHierarchyMember.Role.ADMIN:
            _admin_remains(admin, member)
        return _request_save(
            PartnerUserRequest(
                hierarchy_id=admin.hierarchy_id,
                action=PartnerUserRequest.Action.CHANGE,
                account_number=account_number,
                email=member.customer.email,
                requested_by=actor_name(user),
                **wanted,
            )
        )


def partner_user_request_remove(
    *, user: AbstractBaseUser, account_number: str
) -> PartnerUserRequest:
    """An admin removes a user: site access ends now; HQ removes the member through the jobs."""
    admin = _requesting_admin(user)
    with transaction.atomic(using=DB), transaction.atomic(using=USERS_DB):
        _hierarchy_locked(admin.hierarchy_id)
        member = _member_of(admin, account_number)
        _admin_remains(admin, member)
        member.access_revoked_at = timezone.now()
        member.save(using=DB, update_fields=["access_revoked_at"])
        # Sessions and API tokens of an inactive user stop working on their next request.
        logins = PartnerUser.objects.using(DB).filter(
            hierarchy_id=admin.hierarchy_id, account_number=account_number
        )
        get_user_model().objects.using(USERS_DB).filter(
            pk__in=list(logins.values_list("user_id", flat=True))
        ).update(is_active=False)
        return _request_save(
            PartnerUserRequest(
                hierarchy_id=admin.hierarchy_id,
                action=PartnerUserRequest.Action.REMOVE,
                account_number=account_number,
                email=member.customer.email,
                first_name=member.customer.first_name,
                last_name=member.customer.last_name,
                requested_by=actor_name(user),
            )
        )
