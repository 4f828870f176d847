"""Admin list filters shared by the consoles."""

from django.conf import settings
from django.core.cache import cache
from django_countries import filters as countries_filters


class CountryFilter(countries_filters.CountryFilter):
    """The countries that occur in the list, read from the cache for a few minutes.

    django-countries reads them with SELECT DISTINCT over every row on each page (130 ms at
    100,000 prospects); a country new to the list appears once the cached entry expires
    (ADMIN_COUNTRY_FILTER_SECONDS).
    """

    def lookup_choices(self, changelist):
        model = changelist.model
        key = f"admin-country-filter:{model._meta.label_lower}:{self.field_path}"
        codes = cache.get(key)
        if codes is None:
            codes = set(
                model._default_manager.order_by().values_list(self.field_path, flat=True).distinct()
            )
            cache.set(key, codes, settings.ADMIN_COUNTRY_FILTER_SECONDS)
        # In the order of the country names in the active language.
        return [(code, name) for code, name in self.field.flatchoices if code in codes]
