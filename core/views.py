from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse


def health(request):
    """Each database alias answers a trivial query; 503 when one does not."""
    databases = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            databases[alias] = "ok"
        except DatabaseError as exc:
            databases[alias] = f"down: {type(exc).__name__}"
    healthy = all(state == "ok" for state in databases.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "databases": databases},
        status=200 if healthy else 503,
    )
