from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    return {"LCV_DEMO": settings.LCV_DEMO}
