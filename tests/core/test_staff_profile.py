"""The staff profile: a console user's language, created on their first choice."""

import pytest
from django.core.exceptions import ValidationError

from core.models import StaffProfile
from core.selectors import staff_language
from core.services import staff_language_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases=["default"])


def test_the_first_choice_creates_the_profile_and_the_next_changes_it():
    user = UserFactory()
    assert staff_language(user_id=user.pk) is None

    staff_language_set(user=user, language="pl")
    staff_language_set(user=user, language="cs")

    assert staff_language(user_id=user.pk) == "cs"
    assert StaffProfile.objects.filter(user=user).count() == 1


def test_a_language_the_consoles_do_not_speak_is_refused():
    user = UserFactory()

    with pytest.raises(ValidationError) as refused:
        staff_language_set(user=user, language="de")

    assert refused.value.code == "invalid_language"
    assert not StaffProfile.objects.exists()
