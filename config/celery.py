"""The Celery application: background jobs (roster imports now; exports, reports and SMS later).

Every app's `tasks.py` is found by autodiscovery. The broker is `GONGHUI_BROKER_URL` (Redis in production,
e.g. redis://127.0.0.1:6379/0); without it, kombu's filesystem transport under the data directory, so the
quick start runs a worker with no server to install. Jobs keep their state in their own rows (an import's
ImportJob), never in a result backend: results are ignored.

Start a worker: `celery -A config worker --pool=solo -l info` (`gonghui quickstart` starts one itself).
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gonghui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
