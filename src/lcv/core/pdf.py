"""HTML to PDF with WeasyPrint, with no outside resources: the one renderer of the platform's
documents (agreements, letters). Knows no domain: callers pass finished HTML."""

from __future__ import annotations

from typing import Any


def no_network_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class NoNetwork(URLFetcher):
        """Documents use no outside resources: every URL (http, file, data) is refused."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"external resources are not allowed: {url[:60]}")

    return NoNetwork()


def render_pdf(html: str) -> bytes:
    """The PDF of `html` (fonts and styles inline; nothing is fetched)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=no_network_fetcher()).write_pdf())
