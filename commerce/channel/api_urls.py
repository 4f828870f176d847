from rest_framework.routers import SimpleRouter

from . import api

app_name = "channel_api"

router = SimpleRouter()
router.register("onboarding-requests", api.OnboardingRequestViewSet, basename="onboarding-request")

urlpatterns = router.urls
