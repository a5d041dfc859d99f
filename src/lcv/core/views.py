from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from lcv.core.selectors import health as health_report


def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when a worker is alive and the queue moves, 503
    with what is wrong otherwise (issue 9: a dead worker must not go unnoticed)."""
    report = health_report()
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response
