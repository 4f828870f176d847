"""Values and look-ups the sales service tests share."""

from sales.models import TransitionLog

PROSPECT_VALUES = {
    "company_name": "Žluťoučký kůň úpěl ďábelské ódy s.r.o.",
    "first_name": "Jiří",
    "last_name": "Nováček",
    "email": "jiri@zlutoucky-kun.cz",
    "phone": "+420601234567",
    "job_title": "Nákupčí",
    "street": "Údolní 5",
    "city": "Brno",
    "state": "",
    "postal_code": "602 00",
    "country": "CZ",
    "tax_id": "CZ12345678",
    "website": "https://zlutoucky-kun.cz",
    "comments": "Zájem o velkoobchod.",
    "language": "cs",
}


def _reload(record):
    return type(record).objects.using("sales").get(pk=record.pk)


def _logs(record):
    return list(
        TransitionLog.objects.filter(
            model=record._meta.label_lower, object_key=record.transition_key
        ).order_by("id")
    )
