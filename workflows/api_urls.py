"""API routes of the workflows app (§13)."""

urlpatterns = []
