"""Test settings: the production settings module, run over plain HTTP with a throwaway key."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "http://testserver")
# Without DATABASE_URL, the embedded PostgreSQL under .pgdata/ (production refuses to start without one).
os.environ.setdefault("EMBEDDED_POSTGRES", "1")
# The suite runs with prepared statements (off by default in production: see docs/deployment.md), so the path an
# installation opts into is the one tested.
os.environ.setdefault("DATABASE_PREPARED_STATEMENTS", "1")

from familielos.settings import *  # noqa: E402,F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# WhiteNoise serves nothing in tests: it would index every static file again for each test's Client (its middleware
# is made per client), a tenth of a view test's time. The live server (e2e) serves them through Django's finders.
WHITENOISE_USE_FINDERS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run as they are enqueued, inside the test; "database" is the production backend, which
# tests/reminders/test_tasks.py enqueues into and runs with the real worker (manage.py db_worker).
TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
