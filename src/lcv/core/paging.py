from __future__ import annotations

from django.http import HttpRequest


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, without the page number (for includes/pager.html)."""
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("formaat", None)
    return query.urlencode()
