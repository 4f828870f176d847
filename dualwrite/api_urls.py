from rest_framework.routers import SimpleRouter

from . import api

app_name = "dualwrite_api"

router = SimpleRouter()
router.register("maps", api.MapViewSet, basename="map")
router.register("errors", api.DeliveryErrorViewSet, basename="error")
router.register("conflicts", api.ConflictEntryViewSet, basename="conflict")

urlpatterns = router.urls
