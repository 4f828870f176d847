"""Bulk approve and reject from All prospects (commerce/admin/prospects.py): a confirmation
page, then each prospect through the services, with a tally of done and refused."""

import pytest

from commerce.models import CustomerHierarchy, EmailNotification, Prospect
from tests.factories import ProspectFactory

from .support import PROSPECTS_URL, prospect_get

pytestmark = pytest.mark.django_db(databases="__all__")


def _action(client, action: str, prospects, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in prospects], **extra}
    return client.post(PROSPECTS_URL, data, follow="apply" in extra)


def test_bulk_approve_first_shows_what_will_happen_to_which_prospects(back_office):
    first, second = ProspectFactory(), ProspectFactory(company_name="Žluťoučký kůň s.r.o.")

    page = _action(back_office, "approve_selected", [first, second]).content.decode()

    assert "the organization and person customers and the customer hierarchy" in page
    assert first.prospect_number in page and "Žluťoučký kůň s.r.o." in page
    assert 'name="apply" value="yes"' in page
    assert {prospect_get(p.prospect_number).status for p in (first, second)} == {"new"}


def test_bulk_approve_decides_each_new_one_and_tallies_the_refused(back_office):
    first, second = ProspectFactory(), ProspectFactory()
    decided = ProspectFactory(status=Prospect.Status.REJECTED, status_reason="Duplikat")

    response = _action(back_office, "approve_selected", [first, second, decided], apply="yes")

    page = response.content.decode()
    assert "2 prospects are approved" in page
    assert "1 prospect was refused" in page and decided.prospect_number in page
    assert prospect_get(first.prospect_number).status == Prospect.Status.APPROVED
    assert prospect_get(second.prospect_number).decided_by == "ewa.backoffice"
    assert prospect_get(decided.prospect_number).status == Prospect.Status.REJECTED
    assert CustomerHierarchy.objects.using("commerce").count() == 2


def test_bulk_reject_asks_one_reason_for_all(back_office):
    first, second = ProspectFactory(), ProspectFactory()

    asked = _action(back_office, "reject_selected", [first, second], apply="yes", reason=" ")
    done = _action(
        back_office, "reject_selected", [first, second], apply="yes", reason="Sklep detaliczny."
    )

    assert "This field is required." in asked.content.decode()
    assert "2 prospects are rejected" in done.content.decode()
    for prospect in (first, second):
        rejected = prospect_get(prospect.prospect_number)
        assert (rejected.status, rejected.status_reason) == ("rejected", "Sklep detaliczny.")
    assert EmailNotification.objects.using("commerce").filter(type="prospect_rejected").count() == 2


@pytest.mark.parametrize("action", ["approve_selected", "reject_selected"])
def test_with_the_integration_on_bulk_decisions_are_refused(back_office, settings, action):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()

    response = _action(back_office, action, [prospect], apply="yes", reason="Nie")

    assert "this prospect is decided in Sales" in response.content.decode()
    assert prospect_get(prospect.prospect_number).status == Prospect.Status.NEW
    assert not EmailNotification.objects.using("commerce").exists()
