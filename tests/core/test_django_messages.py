from django.utils import translation

from core.admin.django_messages import ADMIN_MESSAGES


def test_the_admin_headings_django_leaves_in_english_read_in_czech_and_polish():
    for language in ("cs", "pl"):
        with translation.override(language):
            translated = [translation.gettext(message) for message in ADMIN_MESSAGES]
        assert all(
            text and text != english
            for text, english in zip(translated, ADMIN_MESSAGES, strict=True)
        )
