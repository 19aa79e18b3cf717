import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
django.setup(set_prefix=False)

from tongban.core.handlers import PathDispatch  # noqa: E402  (after setup: the handlers read settings)

application = PathDispatch()
