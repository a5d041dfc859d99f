import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
application = get_wsgi_application()

# the first agreement document in this process should not wait 3-4 s for the PDF libraries
from lcv.agreements.documents import warm_up_in_background  # noqa: E402

warm_up_in_background()
