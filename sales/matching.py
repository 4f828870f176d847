"""Text folding for duplicate detection: one place for the rules and the free-mail list."""

import re
import unicodedata

# Addresses at these providers say nothing about the company, so a shared domain is no match.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "op.pl",
        "gazeta.pl",
        "tlen.pl",
        "seznam.cz",
        "email.cz",
        "centrum.cz",
        "post.cz",
        "volny.cz",
        "atlas.cz",
    }
)

# Letters NFKD does not decompose (they are letters of their own, not letter + mark).
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t"})  # noqa: RUF001
_NON_ALPHANUMERIC = re.compile(r"[\W_]+")


def company_name_key(name: str) -> str:
    """Fold case, accents and punctuation: "ŁÓDŹ sp. z o.o." and "Łódź Sp. z o.o." match."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = without_marks.casefold().translate(_UNDECOMPOSED)
    return _NON_ALPHANUMERIC.sub(" ", folded).strip()


def company_email_domain(email: str) -> str:
    """The domain of a company address, or "" for a free-mail (or malformed) address."""
    _, at, domain = email.strip().rpartition("@")
    domain = domain.casefold()
    if not at or not domain or domain in FREE_MAIL_DOMAINS:
        return ""
    return domain
