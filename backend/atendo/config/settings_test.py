"""Test settings: production defaults (DEBUG off) with test-only conveniences on top."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("CACHE_KEY_PREFIX", f"atendo-test-{os.getpid()}")
os.environ["DEBUG"] = "false"

from atendo.config.settings import *  # noqa: F403
from atendo.config.settings import VAR_DIR

CELERY_TASK_ALWAYS_EAGER = True
# Every stored event wakes the (eager) drain inline, in the test's own transaction.
INGESTION_WAKE_INTERVAL_MS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "test-mail")
SECURE_SSL_REDIRECT = False

# The test client's host, whatever the environment says.
ATENDO_ALLOWED_HOSTS = [*ATENDO_ALLOWED_HOSTS, "testserver"]  # noqa: F405
