"""What Django's error pages (DEBUG) and error mails may show of the settings."""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter


class SettingsFilter(SafeExceptionReporterFilter):
    """Django hides settings named like a secret (KEY, PASS, TOKEN…) but not DATABASE_URL, whose
    value carries the database password. Hide connection strings too."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|MAILERS|_URL$|DSN", flags=re.IGNORECASE
    )
