"""Changes to what core keeps itself: the staff profile."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .models import StaffProfile

DB = "default"


def staff_language_set(*, user, language: str) -> StaffProfile:
    """The console language `user` chose; it wins over the browser's on every console page."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            gettext("%(language)s is not a language of the consoles.") % {"language": language},
            code="invalid_language",
        )
    profile, _created = StaffProfile.objects.using(DB).update_or_create(
        user=user, defaults={"language": language}
    )
    return profile
