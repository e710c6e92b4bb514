"""The Celery app: Redis in production (REDIS_URL), in-process eager tasks when unset."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")

app = Celery("povertymgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
