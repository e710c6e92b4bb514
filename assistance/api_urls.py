"""Assistance routes of /api/v1/ (§4, §13)."""

from rest_framework.routers import SimpleRouter

from .api import AssistanceRecordViewSet, SmallLoanViewSet, VisitViewSet

router = SimpleRouter()
router.register("assistance/records", AssistanceRecordViewSet, basename="api-assistance-record")
router.register("assistance/loans", SmallLoanViewSet, basename="api-small-loan")
router.register("assistance/visits", VisitViewSet, basename="api-visit")

urlpatterns = router.urls
