"""Payloads of the dual-write API for integration administrators (SPEC §7, §10)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_multiline, validate_single_line

from .maps import MAPS
from .models import ConflictEntry, DeliveryError, MapState
from .selectors import OFF, OFF_LABEL

MAP_CHOICES = [(code, table_map.name) for code, table_map in MAPS.items()]
# "off": every map while the Sales integration is off (SPEC §3 step 9).
MAP_STATE_CHOICES = [*MapState.State.choices, (OFF, OFF_LABEL)]


class MapStatusSerializer(serializers.Serializer):
    """A map's state and delivery figures (dualwrite.selectors.MapStatus)."""

    code = serializers.ChoiceField(choices=MAP_CHOICES)
    name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=MAP_STATE_CHOICES,
        help_text=_("The map's state; every map is off while the Sales integration is off."),
    )
    state_display = serializers.CharField(help_text=_("The state in words."))
    backlog = serializers.IntegerField(help_text=_("Messages waiting in the outboxes."))
    delivered = serializers.IntegerField()
    lag_seconds = serializers.FloatField(
        allow_null=True, help_text=_("Age of the oldest undelivered message; null when none.")
    )
    last_error = serializers.CharField()
    open_errors = serializers.IntegerField()
    initial_sync_percent = serializers.IntegerField(min_value=0, max_value=100)
    alert_raised = serializers.BooleanField(
        help_text=_("The alert rule paused the map; resuming clears it.")
    )


class MapDetailSerializer(MapStatusSerializer):
    """One map: its status with the alert rule and initial-sync counters of its registry row."""

    alert_errors = serializers.IntegerField(
        help_text=_("Alert rule: this many failed deliveries within alert_minutes pause the map.")
    )
    alert_minutes = serializers.IntegerField()
    initial_sync_done = serializers.IntegerField()
    initial_sync_total = serializers.IntegerField()
    initial_sync_started_at = serializers.DateTimeField(allow_null=True)
    initial_sync_finished_at = serializers.DateTimeField(allow_null=True)
    changed_at = serializers.DateTimeField(allow_null=True)
    changed_by = serializers.CharField()


class MapsQueuedSerializer(serializers.Serializer):
    maps = serializers.ListField(child=serializers.ChoiceField(choices=MAP_CHOICES))
    queued = serializers.BooleanField()


class DeliveryErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryError
        fields = (
            "id",
            "map",
            "source",
            "record_key",
            "event",
            "payload",
            "error",
            "attempts",
            "next_retry_at",
            "state",
            "resolution",
            "resolved_by",
            "first_failed_at",
            "last_failed_at",
        )


class DeliveryErrorFilterSerializer(serializers.Serializer):
    map = serializers.ChoiceField(choices=MAP_CHOICES, required=False)
    state = serializers.ChoiceField(
        choices=DeliveryError.State.choices,
        default=DeliveryError.State.OPEN,
        help_text=_("Open errors unless told otherwise."),
    )


class RetryAllFilterSerializer(serializers.Serializer):
    map = serializers.ChoiceField(
        choices=MAP_CHOICES, required=False, help_text=_("Only this map's open errors.")
    )


class RetriedSerializer(serializers.Serializer):
    retried = serializers.IntegerField()


class DeliveryErrorSkipSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[validate_multiline])


class ConflictEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ConflictEntry
        fields = (
            "id",
            "map",
            "record_key",
            "field",
            "rule",
            "winner",
            "incoming_side",
            "incoming_value",
            "local_value",
            "resolved_value",
            "created_at",
        )


class ConflictFilterSerializer(serializers.Serializer):
    record_key = serializers.CharField(
        max_length=100, required=False, validators=[validate_single_line]
    )
