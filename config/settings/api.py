REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Bounded bodies (size, JSON depth) and pages, and JSON even for server errors (SPEC §11).
    "DEFAULT_PARSER_CLASSES": [
        "core.api_guards.JSONParser",
        "core.api_guards.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api_guards.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api_guards.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner onboarding API",
    "DESCRIPTION": "B2B site, Commerce HQ, Sales CRM and dual-write.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc served from the project (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_refusals",
    ],
    # A choice set used by more than one component needs a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "EmailNotificationStatusEnum": "commerce.models.EmailNotification.Status",
        "MapStateEnum": "dualwrite.models.MapState.State",
        # A map's state as reported: the stored states plus "off" while the integration is off.
        "MapStatusStateEnum": "dualwrite.serializers.MAP_STATE_CHOICES",
        "DeliveryErrorStateEnum": "dualwrite.models.DeliveryError.State",
        "MapCodeEnum": "dualwrite.serializers.MAP_CHOICES",
        # The shop (SPEC §13): a site order's and an HQ sales order's states.
        "ChannelOrderStatusEnum": "commerce.channel.models.Order.Status",
        "SalesOrderStatusEnum": "commerce.models.SalesOrder.Status",
    },
}
