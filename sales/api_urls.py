from rest_framework.routers import SimpleRouter

from . import api

app_name = "sales_api"

router = SimpleRouter()
router.register("leads", api.LeadViewSet, basename="lead")
router.register("opportunities", api.OpportunityViewSet, basename="opportunity")
router.register("accounts", api.AccountViewSet, basename="account")
router.register("contacts", api.ContactViewSet, basename="contact")

urlpatterns = router.urls
