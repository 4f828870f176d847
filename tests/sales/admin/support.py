"""URLs and page parts the Sales console tests share."""

from django.urls import reverse

LEADS_URL = "/sales/sales/lead/"


def sales_url(name: str, *args) -> str:
    return reverse(f"sales:sales_{name}", args=args)


def page_text(response) -> str:
    assert response.status_code == 200, response
    return response.content.decode()


def message_texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
