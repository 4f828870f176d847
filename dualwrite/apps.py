from django.apps import AppConfig


class DualwriteConfig(AppConfig):
    name = "dualwrite"
    label = "dualwrite"
    verbose_name = "Dual-write"
