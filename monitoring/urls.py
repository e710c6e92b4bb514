from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("quality/", views.quality_list, name="quality"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/dismiss/", views.alert_dismiss_view, name="alert_dismiss"),
]
