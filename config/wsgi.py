import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The votes of the rush are answered in front of Django's handler (see the module).
from voting.api.middleware import quick_vote_application  # noqa: E402

application = quick_vote_application(application)
