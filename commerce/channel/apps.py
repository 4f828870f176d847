from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "commerce.channel"
    label = "channel"
    verbose_name = "B2B site (channel)"
