"""Ledger routes of /api/v1/ (§11, §13)."""

from rest_framework.routers import SimpleRouter

from .api import AllocationViewSet, ArrangementViewSet, DisbursementViewSet

router = SimpleRouter()
router.register("funds/allocations", AllocationViewSet, basename="api-allocation")
router.register("funds/arrangements", ArrangementViewSet, basename="api-arrangement")
router.register("funds/disbursements", DisbursementViewSet, basename="api-disbursement")

urlpatterns = router.urls
