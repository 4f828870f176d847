"""Valid sign-up data for the benchmarks: distinct emails, Polish and Czech text."""

COUNTRIES = ("PL", "CZ", "DE", "SK")


def party_values(number: int, tag: str) -> dict[str, str]:
    """The party fields of SPEC §5 for the `number`-th requester of run `tag`."""
    return {
        "company_name": f"Hurtownia Łódź {tag}-{number} Sp. z o.o.",
        "first_name": "Zofia",
        "last_name": f"Žluťoučký {number}",
        "email": f"bench-{tag}-{number}@firma-{number % 97}.example.pl",
        "phone": "+48123456789",
        "job_title": "Kierownik zakupów",
        "street": "ul. Piotrkowska 104",
        "city": "Łódź",
        "state": "łódzkie",
        "postal_code": "90-926",
        "country": COUNTRIES[number % len(COUNTRIES)],
        "tax_id": "PL7251234567",
        "website": "https://firma.example.pl",
        "comments": "Zamówienia hurtowe, ok. 200 palet rocznie.",
    }


def signup_json(number: int, tag: str) -> dict:
    """A body for POST /api/channel/onboarding-requests/."""
    return {**party_values(number, tag), "language": "pl", "terms_accepted": True}


def signup_form(number: int, tag: str, csrf_token: str) -> dict[str, str]:
    """A valid sign-up form post: terms accepted, the honeypot left empty."""
    return {
        **party_values(number, tag),
        "accept_terms": "on",
        "fax": "",
        "csrfmiddlewaretoken": csrf_token,
    }
