"""API fields shared by the systems."""

from django.core.validators import EmailValidator
from rest_framework import serializers

from .identity import validate_email_address


class EmailAddressField(serializers.EmailField):
    """An email address by the rules of `core.identity`, as the forms and models check it.

    DRF's own check is Django's validator, which takes `a@localhost` and IP literals and
    refuses internationalized local parts; it is replaced, the OpenAPI format stays "email".
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, EmailValidator)),
            validate_email_address,
        ]
