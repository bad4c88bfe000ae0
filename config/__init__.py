# Loaded with Django so that @shared_task binds to the project's app (config/celery.py) and its broker.
from config.celery import app as celery_app

__all__ = ["celery_app"]
