import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_KVK = re.compile(r"^\d{8}$")


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def validate_kvk(value: str) -> None:
    """A KvK number is eight digits (not all zero).

    The KvK publishes no check digit for its numbers (older numbers happen to pass an 11-test,
    newer ones need not), so the format is what can be checked here; see docs/adr/0001-stack.md.
    """
    number = normalise_kvk(value)
    if not _KVK.match(number) or number == "00000000":
        raise ValidationError(_("Een KvK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."), code="invalid_kvk")
