"""Test settings: the production settings module, run over plain HTTP with a throwaway key."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Without DATABASE_URL, the embedded PostgreSQL under .pgdata/ (production refuses to start without one).
os.environ.setdefault("EMBEDDED_POSTGRES", "1")

from familielos.settings import *  # noqa: E402,F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
