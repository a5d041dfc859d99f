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


# A Dutch number: 0 and 9 digits, or +31 and 9 digits (the leading 0 dropped); information and
# service numbers 0800/0900/0906/0909 have 4 to 7 digits after the prefix. Spaces and dashes between
# the digits are allowed; "+31 (0)" is written as "+31".
_PHONE = re.compile(r"^(0\d{9}|\+31\d{9}|0(800|900|906|909)\d{4,7})$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def is_dutch_phone(value: str) -> bool:
    return bool(_PHONE.match(normalise_phone(value).replace("+31(0)", "+31")))


def phone_error(label: object) -> ValidationError:
    """The Dutch message for a phone number that is not one, naming the field."""
    return ValidationError(
        _(
            "%(field)s: dit is geen Nederlands telefoonnummer. Vul 10 cijfers in die beginnen met 0 (zoals "
            "010 123 45 67), of +31 en 9 cijfers (zoals +31 10 123 45 67). Spaties en streepjes mogen."
        ),
        code="invalid_phone",
        params={"field": label},
    )
