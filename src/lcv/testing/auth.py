"""Test helpers for logging in and for the authorisation rule every later issue must prove:
a user of organisation A is refused organisation B's pages and objects."""

from __future__ import annotations

from collections.abc import Iterable

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.models import User
from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Role, Sector
from lcv.organisations.reference import load_municipalities
from lcv.testing.factories import make_organisation, member, municipality_organisation


def login_verified(client: Client, user: User) -> None:
    """Log in and pass the second factor (as the TOTP form would), without typing a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def outsiders(exclude: Organisation, *, include_platform: bool = True) -> list[User]:
    """One user holding every role, for each organisation kind, none in `exclude`."""
    all_roles = [role.value for role in Role]
    load_municipalities()
    free = Municipality.objects.filter(organisation__isnull=True).order_by("cbs_code").first()
    assert free is not None
    organisations = [
        municipality_organisation(free.cbs_code),
        make_organisation(kind=OrganisationKind.SIGNAL_PARTNER, sector=Sector.WATER),
        make_organisation(kind=OrganisationKind.JOINT_ARRANGEMENT, sector="", national_coverage=False),
        make_organisation(kind=OrganisationKind.EXECUTOR, sector="", national_coverage=False),
    ]
    if include_platform:
        organisations.append(
            make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
        )
    return [member(org, *all_roles) for org in organisations if org.pk != exclude.pk]


def assert_refused_for_other_organisations(
    url: str,
    owner: Organisation,
    *,
    methods: Iterable[str] = ("get", "post"),
    data: dict[str, str] | None = None,
    include_platform: bool = True,
) -> None:
    """Every user of every other organisation kind, holding every role, is refused `url`
    (403 or 404) for each HTTP method, and nothing is rendered for them."""
    for user in outsiders(exclude=owner, include_platform=include_platform):
        client = Client()
        login_verified(client, user)
        for method in methods:
            response = getattr(client, method)(url, data or {})
            assert response.status_code in (403, 404), (
                f"{method.upper()} {url} gave {response.status_code} to a "
                f"{user.membership.organisation.get_kind_display()} user; expected 403 or 404"
            )
