"""What Commerce announces to parts it must not know."""

from django.dispatch import Signal

# Sent inside the creating transaction with `prospects` (a list): prospects are bulk-created,
# so post_save never fires for them, and dual-write must still write its outbox rows atomically.
prospects_created = Signal()
