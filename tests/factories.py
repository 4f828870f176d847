"""factory-boy factories for every system; each writes to its own database alias."""

import uuid
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from commerce.channel.models import OnboardingRequest
from commerce.models import ChannelRequest, Customer, EmailNotification, JobRun, Prospect

PARTY_DEFAULTS = {
    "company_name": factory.Sequence(lambda n: f"Hurtownia Łódź {n} Sp. z o.o."),
    "first_name": "Zofia",
    "last_name": "Żółkiewska",
    "email": factory.Sequence(lambda n: f"zofia{n}@hurtownia{n}.pl"),
    "phone": "+48123456789",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 1",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-001",
    "country": "PL",
    "tax_id": "PL1234567890",
    "website": "https://hurtownia.example.pl",
    "comments": "Prosimy o kontakt.",
    "language": "pl",
}


class OnboardingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnboardingRequest
        database = "channel"

    terms_accepted_at = factory.LazyFunction(timezone.now)
    locals().update(PARTY_DEFAULTS)


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect
        database = "commerce"

    prospect_number = factory.Sequence(lambda n: f"PR-9{n:05d}")
    locals().update(PARTY_DEFAULTS)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        database = "commerce"

    account_number = factory.Sequence(lambda n: f"C-9{n:05d}")
    party_type = Customer.PartyType.ORGANIZATION
    name = factory.Sequence(lambda n: f"Žluťoučký kůň {n} s.r.o.")
    email = factory.Sequence(lambda n: f"info{n}@kun.cz")
    country = "CZ"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        database = "default"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class JobRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRun
        database = "commerce"

    job = "P-0001"
    trigger = "schedule"
    finished_at = factory.LazyFunction(lambda: timezone.now() + timedelta(seconds=2))
    rows = 3
    outcome = JobRun.Outcome.SUCCEEDED


class ChannelRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelRequest
        database = "commerce"

    request_id = factory.LazyFunction(uuid.uuid4)
    request_type = ChannelRequest.Type.ONBOARDING
    email = factory.Sequence(lambda n: f"staged{n}@hurtownia.pl")
    payload = factory.LazyAttribute(
        lambda r: {
            **{name: value for name, value in PARTY_DEFAULTS.items() if isinstance(value, str)},
            "company_name": "Hurtownia Łódź Sp. z o.o.",
            "email": r.email,
        }
    )


class EmailNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailNotification
        database = "commerce"

    type = EmailNotification.Type.PROSPECT_APPROVED
    event_key = factory.Sequence(lambda n: f"prospect_approved:PR-9{n:05d}")
    recipient = factory.Sequence(lambda n: f"zofia{n}@hurtownia{n}.pl")
    language = "pl"
    subject = "Witamy w B2B Store, Łódź"
    body_text = "Dzień dobry, Zofia Żółkiewska!"
    body_html = "<p>Dzień dobry, <strong>Zofia Żółkiewska</strong>!</p>"


class CustomerHierarchyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commerce.CustomerHierarchy"
        database = "commerce"

    hierarchy_id = factory.Sequence(lambda n: f"H-9{n:05d}")
    organization = factory.SubFactory(CustomerFactory)
    name = factory.LazyAttribute(lambda h: h.organization.name)


class PersonCustomerFactory(CustomerFactory):
    party_type = Customer.PartyType.PERSON
    first_name = "Jiří"
    last_name = factory.Sequence(lambda n: f"Dvořák {n}")
    name = factory.LazyAttribute(lambda c: f"{c.first_name} {c.last_name}")
    email = factory.Sequence(lambda n: f"jiri{n}@kun.cz")
    language = "cs"


class HierarchyMemberFactory(factory.django.DjangoModelFactory):
    """An active admin unless told otherwise."""

    class Meta:
        model = "commerce.HierarchyMember"
        database = "commerce"

    hierarchy = factory.SubFactory(CustomerHierarchyFactory)
    customer = factory.SubFactory(PersonCustomerFactory)
    role = "admin"
    status = "active"


# --- Sales (CRM) ------------------------------------------------------------------------------


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead a rep entered by hand; `b2b_commerce=True` gives one dual-write created."""

    class Meta:
        model = "sales.Lead"
        database = "sales"

    class Params:
        b2b_commerce = factory.Trait(
            lead_source="b2b_commerce",
            owner="integration",
            created_by_integration=True,
            prospect_number=factory.Sequence(lambda n: f"PR-8{n:05d}"),
        )

    topic = factory.Sequence(lambda n: f"Partnership request {n}")
    owner = "jan.rep"
    lead_source = "web"
    locals().update(PARTY_DEFAULTS)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Account"
        database = "sales"

    account_number = factory.Sequence(lambda n: f"A-9{n:05d}")
    name = factory.Sequence(lambda n: f"Žluťoučký kůň {n} s.r.o.")
    email = factory.Sequence(lambda n: f"obchod{n}@kun{n}.cz")
    country = "CZ"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Contact"
        database = "sales"

    contact_number = factory.Sequence(lambda n: f"CT-9{n:05d}")
    first_name = "Jiří"
    last_name = factory.Sequence(lambda n: f"Dvořák {n}")
    email = factory.Sequence(lambda n: f"jiri{n}@dvorak{n}.cz")
    country = "CZ"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Opportunity"
        database = "sales"

    opportunity_number = factory.Sequence(lambda n: f"OP-9{n:05d}")
    topic = factory.Sequence(lambda n: f"B2B partnership {n}")
    owner = "jan.rep"
