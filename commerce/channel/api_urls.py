from rest_framework.routers import SimpleRouter

from . import api

app_name = "channel_api"

router = SimpleRouter()
router.register("onboarding-requests", api.OnboardingRequestViewSet, basename="onboarding-request")
router.register("organization/users", api.OrganizationUserViewSet, basename="organization-user")

urlpatterns = router.urls
