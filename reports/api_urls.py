"""Report routes of /api/v1/ (§12, §13)."""

urlpatterns: list = []
