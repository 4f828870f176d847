"""factory-boy factories for every system; each writes to its own database alias."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from commerce.channel.models import OnboardingRequest
from commerce.models import Customer, Prospect

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
