"""Every URL of the platform is classified here, and every organisation-scoped URL is proven to
refuse users of any other organisation. A new URL that is not listed fails this test."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lcv.organisations.models import Organisation, OrganisationKind
from lcv.testing.auth import assert_refused_for_other_organisations, login_verified
from lcv.testing.factories import make_organisation, member, municipality_organisation

PUBLIC = {
    "portal:index",
    "core:health",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:reset",
    "accounts:invitation",
    "devmail:list",  # demo mode only: 404 otherwise (notifications tests)
    "devmail:detail",
    "devmail:send_signing_notices",  # demo mode only, POST: sends the Monday e-mail now (portal tests)
    "set_language",
    "registrations:choose_kind",  # R1: the public registration form
    "registrations:register",
    "registrations:thanks",
    "verification:verify",  # R6: anyone may check a sealed agreement
    "api:openapi-json",  # the partner API's OpenAPI document (also committed in docs/api/)
    "api:api-root",  # django-ninja's root: always 404
}
# No object in the URL; the view works on the person's own organisation (or none).
ANY_LOGGED_IN = {
    "portal:home",
    "accounts:totp_enrol",
    "accounts:totp_verify",
    "agreements:directory",
    "agreements:list",
    "agreements:to_sign",
    "agreements:release",  # releases only agreements of the person's own organisation (tested in agreements)
    "agreements:sign",  # signs only for the person's own organisation (tested in agreements)
    "signals:deliveries",  # the person's own organisation's deliveries (tested in signals)
    "signals:upload",
    "signals:single_signal",
    "signals:per_municipality",
    "signals:template_csv",
    "signals:template_xlsx",
    "signals_tokens:list",  # the own organisation's API tokens (tested in signals/tests/test_tokens.py)
    "webhooks:list",  # the own partner's webhook addresses (webhooks/tests/test_views.py)
    "people:list",  # the own organisation's people (tested in accounts/tests/test_people.py)
    "people:settings",  # the person's own settings
    "cases:work",  # the cases the person's own organisation may see (tested in cases/tests/test_views.py)
    "cases:mismatches",
    "debthelp:index",  # the own municipal party's debt-help list (tested in debthelp/tests/test_views.py)
    # the own municipal party's case settings (a contact; other kinds 403), tested in cases/tests/test_settings_*
    "case_settings:overview",
    "case_settings:weights",
    "case_settings:trays",
    "case_settings:tray_new",
    "case_settings:rule_new",
    "case_settings:mandates",
    "case_settings:letter_template",
    # the own municipal party's access log, or all rows for the helpdesk (cases/tests/test_settings_access_log.py)
    "case_settings:access_log",
    # the own signal partner's feedback (R20), tested in feedback/tests/test_portal_views.py
    "feedback:list",
}


def _registration_url(name: str) -> str:
    from lcv.registrations.models import Registration

    registration = Registration.objects.create(
        kind="signal_partner",
        name="Aanmelder",
        kvk_number="12345678",
        sector="water",
        contact_name="A",
        contact_email="a@voorbeeld.nl",
        contact_phone="1",
        contact_job_title="x",
        signatory_name="B",
        signatory_email="b@voorbeeld.nl",
        signatory_job_title="y",
    )
    return reverse(name, args=[registration.pk])


def _change_request_url(name: str) -> str:
    from lcv.organisations.models import ChangeRequest

    organisation = make_organisation()
    change = ChangeRequest.objects.create(
        organisation=organisation,
        kind="replace_contact",
        new_name="N",
        new_email="n@voorbeeld.nl",
        new_job_title="x",
        requested_by=member(organisation, "contact"),
    )
    return reverse(name, args=[change.pk])


def _template_url(name: str) -> str:
    from lcv.agreements.reference import current_template

    return reverse(name, args=[current_template().pk])


# Decisions accept POST only (GET answers 405 before anything else happens).
POST_ONLY = {
    "registrations:decide",
    "organisations:change_request_decide",
    "agreements:release",
    "agreements:end",
    "agreements:addendum_propose",
    "agreements:addendum_decide",
    "agreements:local_covenant",
    "agreements:local_covenant_decide",
    "agreements_helpdesk:local_covenant_undo",
    "agreements_helpdesk:act",
    "signals:upload",
    "agreements_helpdesk:departure",
    "agreements_helpdesk:signal_system",
    "agreements_helpdesk:cosigning_executor",
    "agreements_helpdesk:template_windows",
    "signals_tokens:revoke",
    "webhooks:toggle",
    "webhooks:remove",
    "webhooks:replay",
    "cases:assign",
    "cases:attempt",
    "cases:note",
    "cases:threatening",
    "cases:accept_help",
    "cases:close",
    "cases:reopen",
    "cases:brp_lookup",
    "cases:brp_resolve",
    "case_settings:tray_move",
    "case_settings:rule_delete",
    "case_settings:rule_move",
    "case_settings:mandate_end",
}

# Platform work (helpdesk): name -> builds the URL
PLATFORM_ONLY: dict[str, Callable[[], str]] = {
    "audit:log": lambda: reverse("audit:log"),
    "registrations:queue": lambda: reverse("registrations:queue"),
    "registrations:detail": lambda: _registration_url("registrations:detail"),
    "registrations:decide": lambda: _registration_url("registrations:decide"),
    "organisations:change_requests": lambda: reverse("organisations:change_requests"),
    "organisations:change_request_decide": lambda: _change_request_url("organisations:change_request_decide"),
    "agreements_helpdesk:list": lambda: reverse("agreements_helpdesk:list"),
    "agreements_helpdesk:act": lambda: reverse("agreements_helpdesk:act"),
    "agreements_helpdesk:departure": lambda: reverse("agreements_helpdesk:departure", args=[make_organisation().pk]),
    "agreements_helpdesk:cosigning_executor": lambda: reverse(
        "agreements_helpdesk:cosigning_executor", args=[municipality_organisation("0344").pk]
    ),
    "agreements_helpdesk:signal_system": lambda: reverse(
        "agreements_helpdesk:signal_system", args=[municipality_organisation("0344").pk]
    ),
    "agreements_helpdesk:templates": lambda: reverse("agreements_helpdesk:templates"),
    "agreements_helpdesk:template_windows": lambda: _template_url("agreements_helpdesk:template_windows"),
    "people:helpdesk_list": lambda: reverse("people:helpdesk_list"),
    "agreements_helpdesk:local_covenants": lambda: reverse("agreements_helpdesk:local_covenants"),
    "agreements_helpdesk:local_covenant_undo": lambda: reverse("agreements_helpdesk:local_covenant_undo", args=[1]),
    "people:helpdesk_person": lambda: reverse(
        "people:helpdesk_person", args=[member(make_organisation(), "deliverer").pk]
    ),
}

# name -> builds (url, owning organisation)
ORGANISATION_SCOPED: dict[str, Callable[[], tuple[str, Organisation]]] = {}
# Organisation pages the helpdesk may also read (issue 10: it answers "who signed, when, what is
# missing"); the role table checks that it does and that it gets none of the parties' forms.
HELPDESK_READS = {"agreements:detail", "agreements:document"}


def scoped(name: str):
    def register(build: Callable[[], tuple[str, Organisation]]):
        ORGANISATION_SCOPED[name] = build
        return build

    return register


@scoped("organisations:detail")
def _organisation_detail() -> tuple[str, Organisation]:
    organisation = municipality_organisation("0344")
    return reverse("organisations:detail", args=[organisation.pk]), organisation


@scoped("agreements:detail")
def _agreement_detail() -> tuple[str, Organisation]:
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement

    organisation = municipality_organisation("0344")
    make_organisation(name="Landelijk Water", national_coverage=True)
    generate_agreements()
    agreement = Agreement.objects.get(municipal_party=organisation)
    return reverse("agreements:detail", args=[agreement.pk]), organisation


@scoped("agreements:document")
def _agreement_document() -> tuple[str, Organisation]:
    url, organisation = _agreement_detail()
    return url + "document/", organisation


@scoped("agreements:end")
def _agreement_end() -> tuple[str, Organisation]:
    url, organisation = _agreement_detail()
    return url + "beeindigen/", organisation


@scoped("agreements:local_covenant")
def _local_covenant() -> tuple[str, Organisation]:
    url, organisation = _agreement_detail()
    return url + "lokaal-convenant/", organisation


@scoped("agreements:local_covenant_decide")
def _local_covenant_decide() -> tuple[str, Organisation]:
    url, organisation = _agreement_detail()
    return url + "lokaal-convenant/besluit/", organisation


@scoped("agreements:addendum_propose")
def _addendum_propose() -> tuple[str, Organisation]:
    url, organisation = _agreement_detail()
    return url + "addendum/", organisation


def _addendum(name: str) -> tuple[str, Organisation]:
    from lcv.agreements.models import Addendum, Agreement

    _url, organisation = _agreement_detail()
    agreement = Agreement.objects.get(municipal_party=organisation)
    addendum = Addendum.objects.create(
        agreement=agreement,
        proposed_by=organisation,
        uploaded_by=member(organisation, "contact"),
        description="Andere aanleverdagen",
        pdf=b"%PDF-1.4 test %%EOF",
        sha256="0" * 64,
    )
    return reverse(name, args=[addendum.pk]), organisation


ORGANISATION_SCOPED["agreements:addendum_file"] = lambda: _addendum("agreements:addendum_file")
ORGANISATION_SCOPED["agreements:addendum_decide"] = lambda: _addendum("agreements:addendum_decide")


def _delivery(name: str) -> tuple[str, Organisation]:
    from lcv.signals.models import Delivery

    partner = make_organisation(name="Water Midden", sector="water")
    delivery = Delivery.objects.create(
        organisation=partner, source="upload", file_format="csv", content=b"achternaam\n", sha256="0" * 64
    )
    return reverse(name, args=[delivery.pk]), partner


ORGANISATION_SCOPED["signals:delivery"] = lambda: _delivery("signals:delivery")
ORGANISATION_SCOPED["feedback:delivery"] = lambda: _delivery("feedback:delivery")


@scoped("people:person")
def _person() -> tuple[str, Organisation]:
    organisation = make_organisation()
    return reverse("people:person", args=[member(organisation, "deliverer").pk]), organisation


ORGANISATION_SCOPED["signals:progress"] = lambda: _delivery("signals:progress")
ORGANISATION_SCOPED["signals:error_report"] = lambda: _delivery("signals:error_report")


@scoped("signals_tokens:revoke")
def _api_token_revoke() -> tuple[str, Organisation]:
    from lcv.signals.tokens import create_token

    partner = make_organisation(name="Water Midden", sector="water")
    token, _plain = create_token(organisation=partner, actor=member(partner, "contact"), name="x")
    return reverse("signals_tokens:revoke", args=[token.pk]), partner


def _webhook_endpoint() -> tuple[Any, Organisation]:
    from lcv.webhooks.models import WebhookEndpoint
    from lcv.webhooks.signing import new_secret

    partner = make_organisation(name="Water Midden", sector="water")
    endpoint = WebhookEndpoint.objects.create(
        organisation=partner,
        url="https://93.184.216.34/lcv",
        secret=new_secret(),
        created_by=member(partner, "contact"),
        created_at=timezone.now(),
    )
    return endpoint, partner


def _webhook_url(name: str) -> tuple[str, Organisation]:
    endpoint, partner = _webhook_endpoint()
    return reverse(name, args=[endpoint.pk]), partner


for _name in ("webhooks:log", "webhooks:toggle", "webhooks:remove"):
    ORGANISATION_SCOPED[_name] = partial(_webhook_url, _name)


@scoped("webhooks:replay")
def _webhook_replay() -> tuple[str, Organisation]:
    from lcv.feedback.models import FeedbackMessage
    from lcv.organisations.models import Municipality
    from lcv.signals.models import Delivery, Signal
    from lcv.webhooks.models import WebhookDelivery

    endpoint, partner = _webhook_endpoint()
    municipality = municipality_organisation("0344")
    delivery = Delivery.objects.create(
        organisation=partner, source="upload", file_format="csv", content=b"achternaam\n", sha256="1" * 64
    )
    signal = Signal.objects.create(
        delivery=delivery,
        partner=partner,
        municipal_party=municipality,
        municipality=Municipality.objects.get(cbs_code="0344"),
        row_number=1,
        surname="Berg",
        postcode="3511AB",
        house_number=12,
        signal_type="water",
        kind="early",
        amount=100,
        arrears_since=timezone.localdate(),
        days_in_arrears=60,
        received_at=timezone.now(),
    )
    now = timezone.now()
    message = FeedbackMessage.objects.create(
        event="feedback.created",
        partner=partner,
        municipal_party=municipality,
        signal=signal,
        delivery=delivery,
        created_at=now,
    )
    webhook = WebhookDelivery.objects.create(endpoint=endpoint, message=message, created_at=now, window_start=now)
    return reverse("webhooks:replay", args=[webhook.pk]), partner


# The partner API authenticates with a bearer token, never with the session; that another
# organisation's deliveries answer 404 is tested in signals/tests/test_api.py.
API_TOKEN_ONLY: dict[str, Callable[[], str]] = {
    "api:deliveries": lambda: reverse("api:deliveries"),
    "api:delivery": lambda: reverse("api:delivery", args=["aanlevering-1"]),
    "api:feedback": lambda: reverse("api:feedback"),  # only the token's own partner's feedback (feedback tests)
}


def _case_settings_object(name: str, kind: str) -> tuple[str, Organisation]:
    from django.utils import timezone

    from lcv.cases.models import Mandate, TriageRule
    from lcv.cases.triage import ensure_default_trays

    organisation = municipality_organisation("0344")
    tray = ensure_default_trays(organisation)[0]
    objects: dict[str, Any] = {
        "tray": tray,
        "rule": TriageRule.objects.filter(municipal_party=organisation).first(),
        "mandate": Mandate.objects.create(
            municipal_party=organisation,
            executor=make_organisation(kind=OrganisationKind.EXECUTOR, sector="", national_coverage=False),
            valid_from=timezone.localdate(),
            created_by=member(organisation, "contact"),
        ),
    }
    return reverse(name, args=[objects[kind].pk]), organisation


for _name, _kind in (
    ("case_settings:tray_edit", "tray"),
    ("case_settings:tray_delete", "tray"),
    ("case_settings:tray_move", "tray"),
    ("case_settings:rule_edit", "rule"),
    ("case_settings:rule_delete", "rule"),
    ("case_settings:rule_move", "rule"),
    ("case_settings:mandate_end", "mandate"),
):
    ORGANISATION_SCOPED[_name] = partial(_case_settings_object, _name, _kind)


@scoped("case_settings:letter")
def _case_letter() -> tuple[str, Organisation]:
    """A case's letter: only the handlers of the organisations that may open the case (R16, R19)."""
    from django.utils import timezone

    from lcv.cases.models import Case
    from lcv.organisations.models import Municipality

    organisation = municipality_organisation("0344")
    now = timezone.now()
    case = Case.objects.create(
        municipal_party=organisation,
        municipality=Municipality.objects.get(cbs_code="0344"),
        postcode="3511AB",
        house_number=12,
        opened_at=now,
        first_received_at=now,
        last_signal_at=now,
    )
    return reverse("case_settings:letter", args=[case.pk]), organisation


@scoped("organisations:change_request_new")
def _change_request_new() -> tuple[str, Organisation]:
    organisation = municipality_organisation("0344")
    return reverse("organisations:change_request_new", args=[organisation.pk]), organisation


def _case(name: str, *extra: str) -> tuple[str, Organisation]:
    from lcv.cases.models import Case, CasePerson
    from lcv.organisations.models import Municipality

    organisation = municipality_organisation("0344")
    now = timezone.now()
    case = Case.objects.create(
        municipal_party=organisation,
        municipality=Municipality.objects.get(cbs_code="0344"),
        postcode="3511AB",
        house_number=12,
        opened_at=now,
        first_received_at=now,
        last_signal_at=now,
        enters_at=now,
    )
    person = CasePerson.objects.create(case=case, surname_key="berg", surname="Berg")
    with_person = name in ("cases:person", "cases:brp_lookup", "cases:brp_resolve")
    args = [case.pk, person.pk] if with_person else [case.pk]
    return reverse(name, args=args), organisation


for _name in (
    "cases:case",
    "cases:person",
    "cases:assign",
    "cases:attempt",
    "cases:note",
    "cases:threatening",
    "cases:accept_help",
    "cases:close",
    "cases:reopen",
    "cases:brp_lookup",
    "cases:brp_resolve",
    "feedback:case",  # what the partners were told about the case (R20): whoever may open the case
):
    ORGANISATION_SCOPED[_name] = lambda _name=_name: _case(_name)  # type: ignore[misc]


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's admin: staff only, guarded by Django itself
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_classified():
    classified = PUBLIC | ANY_LOGGED_IN | set(PLATFORM_ONLY) | set(ORGANISATION_SCOPED) | set(API_TOKEN_ONLY)
    assert all_url_names() - classified == set(), "classify the new URL here and test its access"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(API_TOKEN_ONLY))
def test_api_urls_refuse_requests_without_a_token_even_when_logged_in(client, name):
    url = API_TOKEN_ONLY[name]()
    assert client.get(url).status_code == 401
    partner = make_organisation(sector="water")
    login_verified(client, member(partner, "contact", "deliverer"))
    assert client.get(url).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ORGANISATION_SCOPED))
def test_organisation_scoped_urls_refuse_every_other_organisation(name):
    url, owner = ORGANISATION_SCOPED[name]()
    methods = ("post",) if name in POST_ONLY else ("get", "post")
    assert_refused_for_other_organisations(url, owner, methods=methods, include_platform=name not in HELPDESK_READS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PLATFORM_ONLY))
def test_platform_urls_refuse_every_other_organisation(name):
    platform = make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)
    methods = ("post",) if name in POST_ONLY else ("get", "post")
    assert_refused_for_other_organisations(PLATFORM_ONLY[name](), platform, include_platform=False, methods=methods)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ANY_LOGGED_IN | set(PLATFORM_ONLY) | set(ORGANISATION_SCOPED)))
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    if name in ORGANISATION_SCOPED:
        url = ORGANISATION_SCOPED[name]()[0]
    elif name in PLATFORM_ONLY:
        url = PLATFORM_ONLY[name]()
    else:
        url = reverse(name)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_home_page_shows_only_the_own_organisation(client):
    mine = make_organisation(name="Eigen Organisatie")
    make_organisation(name="Andere Organisatie")
    user = member(mine, "contact")
    login_verified(client, user)
    content = client.get(reverse("portal:home")).content.decode()
    assert "Eigen Organisatie" in content
    assert "Andere Organisatie" not in content
