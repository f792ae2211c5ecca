import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrhjul.settings")
application = get_wsgi_application()

from styrhjul.core.cycles import settle_after_start  # noqa: E402  (after Django is set up)

settle_after_start()
