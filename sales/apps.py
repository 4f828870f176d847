from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    label = "sales"
    verbose_name = "Sales"
