from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's check with a Dutch message (Django's own Dutch catalogue lacks this string)."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens.")
                % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("Uw wachtwoord moet minstens %(min_length)d tekens hebben.") % {"min_length": self.min_length}
