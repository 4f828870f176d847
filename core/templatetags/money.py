"""`{% load money %}{{ amount|money:currency }}`: an amount in the reader's locale, written by
core.formatting.money."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return formatting.money(amount, currency)
