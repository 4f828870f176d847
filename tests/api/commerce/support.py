"""What the Commerce HQ API tests share."""

API = "/api/commerce"


def _numbers(response, key="prospect_number") -> list[str]:
    return [row[key] for row in response.json()["results"]]
