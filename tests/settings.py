"""Settings for the test suite: the product's own settings in test mode."""

import os

os.environ.setdefault("STYRHJUL_TESTING", "1")
# The suite never reads a developer's local settings file.
os.environ["STYRHJUL_ENV_FILE"] = ""

from styrhjul.settings import *  # noqa: E402,F403
