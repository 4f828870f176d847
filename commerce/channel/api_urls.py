from rest_framework.routers import SimpleRouter

from . import api, api_shop

app_name = "channel_api"

router = SimpleRouter()
router.register("onboarding-requests", api.OnboardingRequestViewSet, basename="onboarding-request")
router.register("organization/users", api.OrganizationUserViewSet, basename="organization-user")
router.register("orders", api_shop.ChannelOrderViewSet, basename="order")
router.register("products", api_shop.ChannelProductViewSet, basename="product")

urlpatterns = router.urls
