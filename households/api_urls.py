"""Household routes of /api/v1/ (§13)."""

from rest_framework.routers import SimpleRouter

from .api import HouseholdViewSet

router = SimpleRouter()
router.register("households", HouseholdViewSet, basename="api-household")

urlpatterns = router.urls
