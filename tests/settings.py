"""Settings for the test suite: the product's own settings in test mode."""

import os

os.environ.setdefault("STYRHJUL_TESTING", "1")
# The suite never reads a developer's local settings file.
os.environ["STYRHJUL_ENV_FILE"] = ""

from styrhjul.settings import *  # noqa: E402,F403

# Serve static files straight from the apps in tests (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Nothing in the suite reaches the real Kolada: a client made from the
# settings points at a closed local port (the tests use recordings and a
# local fake server).
KOLADA_BASE_URL = "http://127.0.0.1:9/v3"

# Background work uses the product's own TASKS (the database backend): a test
# that orders a document or uploads a SIE file enqueues the task on commit
# and runs the real worker (`styrhjul worker --batch`, tests/worker.py).

# Each test process keeps its own cache in memory, so that the query counts
# asserted by the page tests are the pages' own queries. Production's default
# is the database cache, shared by all processes (tests/web/test_production.py
# checks it across two real processes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every test client calls from 127.0.0.1, so the open data's limit per
# address would count the calls of all the tests in a process; the tests
# of the limit turn it on (tests/api/test_open_data.py).
API_OPEN_DATA_RATE_LIMIT = 0
# The suite runs the worker inside the test process (tests/worker.py), whose
# priority it leaves alone; tests/web/test_worker_nice.py starts a real one.
WORKER_NICE = 0
