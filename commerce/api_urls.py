from rest_framework.routers import SimpleRouter

from . import api, api_orders

app_name = "commerce_api"

router = SimpleRouter()
router.register("prospects", api.ProspectViewSet, basename="prospect")
router.register("customers", api.CustomerViewSet, basename="customer")
router.register("customer-hierarchies", api.CustomerHierarchyViewSet, basename="customer-hierarchy")
router.register(
    rf"customer-hierarchies/(?P<hierarchy_id>{api.BUSINESS_KEY})/members",
    api.HierarchyMemberViewSet,
    basename="hierarchy-member",
)
router.register("audit", api.AuditEntryViewSet, basename="audit-entry")
router.register("email-notifications", api.EmailNotificationViewSet, basename="email-notification")
router.register("jobs", api.JobViewSet, basename="job")
router.register("job-runs", api.JobRunViewSet, basename="job-run")
router.register("products", api_orders.ProductViewSet, basename="product")
router.register("sales-orders", api_orders.SalesOrderViewSet, basename="sales-order")

urlpatterns = router.urls
