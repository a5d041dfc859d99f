"""The role x action table: which role of an organisation may do what, written by hand from
DOMAIN.md ("People") and what each screen is for, NOT derived from `policy.RULES`. Each action is
allowed to exactly the roles listed and refused to every other role of the same organisation, at
the level of the policy (`can`) and of the real pages and form posts, where the test checks what
the page shows or what the post changed, not only the status code.

Adding an action or a URL: one line in POLICY_TABLE or VIEW_TABLE (the completeness tests fail
until it is there)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.models import User
from lcv.accounts.policy import Action, can
from lcv.accounts.tests.test_url_access import all_url_names
from lcv.agreements.models import Addendum, AddendumStatus, Agreement, AgreementStatus, Signature
from lcv.audit.models import AuditEvent
from lcv.cases import priority, triage
from lcv.cases import services as case_services
from lcv.cases.models import Case as CaseModel
from lcv.cases.models import (
    CaseAccess,
    CaseEvent,
    CaseSettings,
    CaseStatus,
    ContactAttempt,
    LetterTemplate,
    Mandate,
    Tray,
    TriageRule,
)
from lcv.debthelp.models import DebtHelpList
from lcv.debthelp.services import replace_list
from lcv.feedback.models import FeedbackMessage
from lcv.organisations.models import ChangeRequest, ChangeStatus, Organisation, OrganisationKind, Role
from lcv.registrations.models import Registration, RegistrationStatus
from lcv.signals.models import ApiToken, Delivery, DeliverySource, Signal
from lcv.testing.auth import login_verified
from lcv.testing.debthelp import bsn_csv, valid_bsns
from lcv.testing.factories import make_organisation
from lcv.testing.signals import csv_bytes, row
from lcv.testing.world import ROLES_BY_KIND, Party, World, module_world
from lcv.webhooks.models import WebhookDelivery, WebhookEndpoint
from lcv.webhooks.signing import new_secret

MUNICIPALITY = OrganisationKind.MUNICIPALITY
PARTNER = OrganisationKind.SIGNAL_PARTNER
PLATFORM = OrganisationKind.PLATFORM

CONTACT, SIGNATORY, HANDLER, DELIVERER, ANALYST, HELPDESK = (
    Role.CONTACT,
    Role.SIGNATORY,
    Role.HANDLER,
    Role.DELIVERER,
    Role.ANALYST,
    Role.HELPDESK,
)
EVERYONE = frozenset(Role)
NOBODY: frozenset[Role] = frozenset()


def roles(*members: Role) -> frozenset[Role]:
    return frozenset(members)


AGREEMENT_PARTIES = roles(CONTACT, SIGNATORY)  # DOMAIN.md: contact sees, signatory signs
PARTNER_DELIVERERS = roles(DELIVERER, CONTACT)  # a partner's deliverer; its contact may deliver too (issue 9, §1)
MUNICIPAL_DELIVERERS = roles(HANDLER, CONTACT)  # a municipality's CAK file (FAQ 29)
DEBT_HELP_KEEPERS = roles(CONTACT, HANDLER)  # R17: the municipality's own list known at its debt-help service


# --- the policy -----------------------------------------------------------------------------------

# action -> (roles that may, platform work only?). The organisation kind is checked by the pages
# (VIEW_TABLE), the role here.
POLICY_TABLE: dict[Action, tuple[frozenset[Role], bool]] = {
    Action.VIEW_HOME: (EVERYONE, False),
    Action.VIEW_ORGANISATION: (EVERYONE, False),
    Action.VIEW_AUDIT_LOG: (roles(HELPDESK), True),
    Action.MANAGE_REGISTRATIONS: (roles(HELPDESK), True),
    Action.MANAGE_CHANGE_REQUESTS: (roles(HELPDESK), True),
    Action.MANAGE_AGREEMENTS: (roles(HELPDESK), True),
    Action.REQUEST_CHANGE: (roles(CONTACT), False),  # FAQ 15
    Action.VIEW_DIRECTORY: (roles(CONTACT), False),  # R7: counterparts' contact details
    Action.LIST_AGREEMENTS: (AGREEMENT_PARTIES, False),
    Action.VIEW_AGREEMENT: (AGREEMENT_PARTIES, False),
    Action.RELEASE_AGREEMENTS: (roles(CONTACT), False),  # R3
    Action.SIGN_AGREEMENTS: (roles(SIGNATORY), False),  # R5
    Action.END_AGREEMENT: (AGREEMENT_PARTIES, False),  # R9
    Action.MANAGE_ADDENDA: (AGREEMENT_PARTIES, False),
    Action.RECORD_LOCAL_COVENANT: (roles(CONTACT), False),  # FAQ 16-17
    Action.DELIVER_SIGNALS: (PARTNER_DELIVERERS | MUNICIPAL_DELIVERERS, False),
    Action.MANAGE_API_TOKENS: (roles(CONTACT), False),
    Action.MANAGE_PEOPLE: (roles(CONTACT), False),  # issue 9: the contact manages its people
    Action.MANAGE_ALL_PEOPLE: (roles(HELPDESK), True),
    Action.EDIT_OWN_SETTINGS: (EVERYONE, False),  # one's own directory consent (R7)
    Action.HANDLE_CASES: (roles(HANDLER), False),  # R19: the handler works the cases; an analyst sees none (§4)
    Action.MANAGE_CASE_SETTINGS: (roles(CONTACT), False),  # trays, weights, mandates, letter (issue 11)
    Action.MANAGE_DEBT_HELP_LIST: (DEBT_HELP_KEEPERS, False),
    Action.VIEW_FEEDBACK: (PARTNER_DELIVERERS, False),  # R20: what its municipalities reported back
    Action.MANAGE_WEBHOOKS: (roles(CONTACT), False),  # issue 12: the partner's contact registers and replays
    Action.VIEW_WEBHOOK_LOG: (roles(CONTACT, DELIVERER), False),  # deliverers may read the log
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from module_world(django_db_blocker)


def test_every_action_of_the_policy_is_in_the_table():
    assert set(Action) - set(POLICY_TABLE) == set(), "add the new action to POLICY_TABLE with the roles that may"


POLICY_CASES = [
    pytest.param(action, kind, role, id=f"{action.value}-{kind}-{role.value}")
    for action, (_roles, platform_only) in POLICY_TABLE.items()
    for kind in (MUNICIPALITY, PARTNER, PLATFORM)
    for role in ROLES_BY_KIND[kind]
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "kind", "role"), POLICY_CASES)
def test_policy_allows_exactly_the_listed_roles(world: World, action: Action, kind: str, role: Role):
    allowed, platform_only = POLICY_TABLE[action]
    party = world.of_kind(kind)
    expected = role in allowed and (kind == PLATFORM or not platform_only)
    assert can(party.people[role], action, party.organisation) is expected
    if not platform_only and role in allowed:
        # the same role, on another organisation's object: refused (the OWN scope)
        for other in world.others(party):
            # (the start page and one's own settings name no object of another organisation)
            unscoped = action in (Action.VIEW_HOME, Action.EDIT_OWN_SETTINGS)
            assert not can(party.people[role], action, other.organisation) or unscoped


# --- the pages and posts ---------------------------------------------------------------------------

Probe = Callable[[Client, World, Party, User], bool]


def own_agreement(world: World, party: Party) -> Agreement:
    """The agreement between Utrecht and Water Midden: the one both role-table organisations share."""
    return world.agreement(world.utrecht, world.water)


def counterpart(world: World, party: Party) -> Party:
    return world.water if party is world.utrecht else world.utrecht


def set_status(agreement: Agreement, status: str) -> Agreement:
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    agreement.refresh_from_db()
    return agreement


def refused(response) -> bool:
    assert response.status_code in (403, 404), f"expected 200 or a refusal, got {response.status_code}"
    return False


def page(url: Callable[[World, Party], str], shows: Callable[[World, Party], list[str]]) -> Probe:
    """A GET: allowed means 200 showing `shows`; refused means 403/404 showing none of it."""

    def probe(client: Client, world: World, party: Party, user: User) -> bool:
        expected = shows(world, party)
        response = client.get(url(world, party))
        body = response.content.decode("utf-8-sig", errors="replace")
        if response.status_code == 200:
            missing = [text for text in expected if text not in body]
            assert not missing, f"the page is shown but lacks {missing}"
            return True
        assert not [text for text in expected if text in body]
        return refused(response)

    return probe


def block(url: Callable[[World, Party], str], marker: Callable[[World, Party], str]) -> Probe:
    """Part of a page the person may see: allowed means the page shows `marker`; refused means the
    page is shown without it, or refused as a whole."""

    def probe(client: Client, world: World, party: Party, user: User) -> bool:
        response = client.get(url(world, party))
        if response.status_code != 200:
            return refused(response)
        return marker(world, party) in response.content.decode()

    return probe


def download(url: Callable[[World, Party], str], starts: tuple[bytes, ...]) -> Probe:
    def probe(client: Client, world: World, party: Party, user: User) -> bool:
        response = client.get(url(world, party))
        if response.status_code == 200:
            assert response.content.lstrip(b"\xef\xbb\xbf").startswith(starts)
            return True
        if response.status_code == 202:  # an active agreement the worker has not sealed yet: it says so
            assert "Het document wordt verzegeld" in response.content.decode()
            return True
        return refused(response)

    return probe


def post(
    url: Callable[[World, Party], str],
    data: Callable[[World, Party, User], dict],
    effect: Callable[[World, Party, User], bool],
) -> Probe:
    """A POST: allowed means `effect` happened; refused means 403/404 and it did not."""

    def probe(client: Client, world: World, party: Party, user: User) -> bool:
        payload = data(world, party, user)
        response = client.post(url(world, party), payload)
        if effect(world, party, user):
            return True
        return refused(response)

    return probe


def prepared(prepare: Callable[[World, Party], object], probe: Probe) -> Probe:
    def run(client: Client, world: World, party: Party, user: User) -> bool:
        prepare(world, party)
        return probe(client, world, party, user)

    return run


def _proposed_by_counterpart(world: World, party: Party) -> None:
    """A local covenant the other party proposed, for this party to decide (FAQ 16-17)."""
    from lcv.agreements.models import LocalCovenant, LocalCovenantStatus

    agreement = set_status(own_agreement(world, party), AgreementStatus.DRAFT)
    other = counterpart(world, party)
    LocalCovenant.objects.create(
        municipal_party=agreement.municipal_party,
        partner=agreement.partner,
        status=LocalCovenantStatus.PROPOSED,
        proposed_by=other.organisation,
        recorded_by=other.people[CONTACT],
    )


def _covenant_url(world: World, party: Party) -> str:
    from lcv.agreements.models import LocalCovenant, LocalCovenantStatus

    agreement = own_agreement(world, party)
    covenant = LocalCovenant.objects.create(
        municipal_party=agreement.municipal_party,
        partner=agreement.partner,
        status=LocalCovenantStatus.CONFIRMED,
        recorded_by=world.utrecht.people[CONTACT],
    )
    return reverse("agreements_helpdesk:local_covenant_undo", args=[covenant.pk])


def totp_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():06d}"


def audited(world: World, party: Party, user: User) -> bool:
    """Something was done on the person's behalf: services record every change (STYLE.md)."""
    return AuditEvent.objects.filter(actor=user).exclude(action__startswith="account.").exists()


def fixed(name: str, *args: object) -> Callable[[World, Party], str]:
    return lambda world, party: reverse(name, args=args)


def on_agreement(name: str) -> Callable[[World, Party], str]:
    return lambda world, party: reverse(name, args=[own_agreement(world, party).pk])


def first_delivery(name: str) -> Callable[[World, Party], str]:
    return lambda world, party: reverse(name, args=[party.deliveries[0].pk])


def new_registration() -> Registration:
    return Registration.objects.create(
        kind="signal_partner",
        name="Aanmelder Rolentabel",
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


def new_change_request(world: World) -> ChangeRequest:
    return ChangeRequest.objects.create(
        organisation=world.zeist.organisation,
        kind="replace_contact",
        new_name="Nieuwe Contactpersoon Rolentabel",
        new_email="nieuw@zeist.nl",
        new_job_title="x",
        requested_by=world.zeist.people[CONTACT],
    )


def addendum_by_counterpart(world: World, party: Party) -> Addendum:
    other = counterpart(world, party)
    return Addendum.objects.create(
        agreement=own_agreement(world, party),
        proposed_by=other.organisation,
        uploaded_by=other.people[CONTACT],
        description="ADDENDUM-ROLENTABEL",
        pdf=b"%PDF-1.4 test %%EOF",
        sha256="0" * 64,
    )


def _addendum_url(name: str) -> Callable[[World, Party], str]:
    def url(world: World, party: Party) -> str:
        addendum = Addendum.objects.filter(description="ADDENDUM-ROLENTABEL").first() or addendum_by_counterpart(
            world, party
        )
        return reverse(name, args=[addendum.pk])

    return url


def _token_url(world: World, party: Party) -> str:
    token = ApiToken.objects.filter(organisation=party.organisation).first()
    return reverse("signals_tokens:revoke", args=[token.pk if token else 0])


def _windows(world: World, party: Party, user: User) -> dict[str, str]:
    from lcv.agreements.reference import current_template

    return {f"{sector}-min": "40" for sector in current_template().windows}


def _template_windows_url(world: World, party: Party) -> str:
    from lcv.agreements.reference import current_template

    return reverse("agreements_helpdesk:template_windows", args=[current_template().pk])


def _utrecht_case(world: World) -> CaseModel:
    return CaseModel.objects.filter(municipal_party=world.utrecht.organisation).order_by("pk")[0]


def _case_link(world: World, party: Party) -> list[str]:
    return [reverse("cases:case", args=[_utrecht_case(world).pk])]


def _on_case(name: str) -> Callable[[World, Party], str]:
    return lambda w, p: reverse(name, args=[_utrecht_case(w).pk])


def _on_person(world: World, party: Party) -> str:
    case = _utrecht_case(world)
    return reverse("cases:person", args=[case.pk, case.persons.get().pk])


def _on_person_named(name: str) -> Callable[[World, Party], str]:
    def url(world: World, party: Party) -> str:
        case = _utrecht_case(world)
        return reverse(name, args=[case.pk, case.persons.get().pk])

    return url


def _brp_asked(world: World, party: Party, user: User) -> bool:
    """The BRP's answer about the address was shown to this user (logged as an access, §4)."""
    return CaseAccess.objects.filter(case=_utrecht_case(world), user=user, what="brp").exists()


def _case_open(world: World, party: Party) -> None:
    """Utrecht's case open and in progress, with a reached contact (so every step is possible)."""
    case = _utrecht_case(world)
    CaseModel.objects.filter(pk=case.pk).update(
        status=CaseStatus.IN_PROGRESS, is_open=True, outcome="", closed_at=None, threatening=False
    )
    ContactAttempt.objects.get_or_create(
        case=case,
        note="ROLENTABEL",
        defaults={
            "kind": "phone",
            "reached": True,
            "on": timezone.localdate(),
            "recorded_by": world.utrecht.people[HANDLER],
        },
    )


def _case_closed(world: World, party: Party) -> None:
    _case_open(world, party)
    CaseModel.objects.filter(pk=_utrecht_case(world).pk).update(
        status=CaseStatus.CLOSED, is_open=False, outcome="advice", closed_at=timezone.now()
    )


def _acted(event: str) -> Callable[[World, Party, User], bool]:
    return lambda w, p, u: CaseEvent.objects.filter(case=_utrecht_case(w), event=event, actor=u).exists()


FEEDBACK_SHOWN = ["KLANT-WATER-UTRECHT", "Hulp geaccepteerd"]


def _help_accepted(world: World, party: Party) -> None:
    """Utrecht's handler records that the resident accepted help: Water Midden is told (R20)."""
    _case_open(world, party)
    case_services.accept_help(
        case_id=_utrecht_case(world).pk, actor=world.utrecht.people[HANDLER], on=timezone.localdate()
    )


WEBHOOK_URL = "https://93.184.216.34/rolentabel"
PARTNER_WEBHOOK_READERS = roles(CONTACT, DELIVERER)


def _water_endpoint(world: World) -> WebhookEndpoint:
    water = world.water
    found = WebhookEndpoint.objects.filter(organisation=water.organisation, url=WEBHOOK_URL).first()
    return found or WebhookEndpoint.objects.create(
        organisation=water.organisation,
        url=WEBHOOK_URL,
        secret=new_secret(),
        created_by=water.people[CONTACT],
        created_at=timezone.now(),
    )


def _water_webhook_delivery(world: World) -> WebhookDelivery:
    endpoint = _water_endpoint(world)
    signal = Signal.objects.filter(partner=world.water.organisation).order_by("pk")[0]
    now = timezone.now()
    message = FeedbackMessage.objects.create(
        event="feedback.created",
        partner=world.water.organisation,
        municipal_party=signal.municipal_party,
        signal=signal,
        delivery=signal.delivery,
        created_at=now,
    )
    return WebhookDelivery.objects.create(endpoint=endpoint, message=message, created_at=now, window_start=now)


def _webhook_on(name: str, obj: Callable[[World], Any]) -> Callable[[World, Party], str]:
    return lambda world, party: reverse(name, args=[obj(world).pk])


def _did(action: str) -> Callable[[World, Party, User], bool]:
    return lambda w, p, u: AuditEvent.objects.filter(actor=u, action=action).exists()


UPLOAD = csv_bytes([row(klantnummer="ROLENTABEL")])
DEBT_HELP_FILE = "SCHULDHULP-ROLENTABEL.csv"
DEBT_HELP_SHOWN = [DEBT_HELP_FILE, 'data-testid="current-count">4<']


def _utrecht_debt_help_list(world: World, party: Party) -> None:
    replace_list(
        party=world.utrecht.organisation,
        actor=world.utrecht.people[CONTACT],
        content=bsn_csv(valid_bsns(4)),
        file_name=DEBT_HELP_FILE,
    )


DRAFT = lambda world, party: set_status(own_agreement(world, party), AgreementStatus.DRAFT)  # noqa: E731
RELEASED = lambda world, party: set_status(own_agreement(world, party), AgreementStatus.RELEASED)  # noqa: E731
counterpart_name = lambda world, party: [counterpart(world, party).name]  # noqa: E731
own_name = lambda world, party: [party.name]  # noqa: E731


@dataclass(frozen=True)
class Case:
    name: str  # the URL name, with "#what" where one URL has several cases
    allowed: Mapping[str, frozenset[Role]]  # organisation kind -> the roles that may
    probe: Probe


# One line per action. The kinds listed are tried with every role that fits them (ROLES_BY_KIND).
VIEW_TABLE: list[Case] = [
    # the start page: everyone, each role its own blocks
    Case(
        "portal:home",
        {MUNICIPALITY: EVERYONE, PARTNER: EVERYONE, PLATFORM: EVERYONE},
        page(fixed("portal:home"), own_name),
    ),
    Case(
        "portal:home#agreements",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT), PLATFORM: roles(CONTACT)},
        block(fixed("portal:home"), lambda w, p: 'id="blok-overeenkomsten"'),
    ),
    Case(
        "portal:home#to-sign",
        {MUNICIPALITY: roles(SIGNATORY), PARTNER: roles(SIGNATORY)},
        block(fixed("portal:home"), lambda w, p: 'id="blok-tekenen"'),
    ),
    Case(
        "portal:home#signals",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY},
        block(fixed("portal:home"), lambda w, p: 'id="blok-signalen"'),
    ),
    Case(
        "portal:home#debt-help",
        {MUNICIPALITY: DEBT_HELP_KEEPERS, PARTNER: NOBODY, PLATFORM: NOBODY},
        block(fixed("portal:home"), lambda w, p: 'id="blok-schuldhulp"'),
    ),
    Case(
        "portal:home#deliveries",
        {MUNICIPALITY: NOBODY, PARTNER: roles(DELIVERER)},
        block(fixed("portal:home"), lambda w, p: 'id="blok-leveringen"'),
    ),
    Case(
        "portal:home#helpdesk",
        {MUNICIPALITY: NOBODY, PARTNER: NOBODY, PLATFORM: roles(HELPDESK)},
        block(fixed("portal:home"), lambda w, p: reverse("audit:log")),
    ),
    # the organisation
    Case(
        "organisations:detail",
        {MUNICIPALITY: EVERYONE, PARTNER: EVERYONE},
        page(lambda w, p: reverse("organisations:detail", args=[p.organisation.pk]), own_name),
    ),
    Case(
        "organisations:detail#change-link",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        block(
            lambda w, p: reverse("organisations:detail", args=[p.organisation.pk]),
            lambda w, p: reverse("organisations:change_request_new", args=[p.organisation.pk]),
        ),
    ),
    Case(
        "organisations:change_request_new",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        page(lambda w, p: reverse("organisations:change_request_new", args=[p.organisation.pk]), own_name),
    ),
    Case(
        "organisations:change_request_new#post",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        post(
            lambda w, p: reverse("organisations:change_request_new", args=[p.organisation.pk]),
            lambda w, p, u: {
                "kind": "replace_signatory",
                "new_name": "Nieuw",
                "new_email": "nieuw@voorbeeld.nl",
                "new_job_title": "wethouder",
            },
            lambda w, p, u: ChangeRequest.objects.filter(organisation=p.organisation).exists(),
        ),
    ),
    Case(
        "agreements:directory",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        page(
            fixed("agreements:directory"),
            lambda w, p: [counterpart(w, p).name, counterpart(w, p).people[CONTACT].email],
        ),
    ),
    # agreements
    Case(
        "agreements:list",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        page(fixed("agreements:list"), counterpart_name),
    ),
    Case(
        "agreements:to_sign",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        prepared(RELEASED, page(fixed("agreements:to_sign"), counterpart_name)),
    ),
    Case(
        "agreements:release",
        {MUNICIPALITY: roles(CONTACT)},
        prepared(
            DRAFT,
            post(
                fixed("agreements:release"),
                lambda w, p, u: {"overeenkomst": [own_agreement(w, p).pk]},
                lambda w, p, u: own_agreement(w, p).status == AgreementStatus.RELEASED,
            ),
        ),
    ),
    Case(
        "agreements:sign",
        {MUNICIPALITY: roles(SIGNATORY), PARTNER: roles(SIGNATORY)},
        prepared(
            RELEASED,
            page(lambda w, p: f"{reverse('agreements:sign')}?overeenkomst={own_agreement(w, p).pk}", counterpart_name),
        ),
    ),
    Case(
        "agreements:sign#post",
        {MUNICIPALITY: roles(SIGNATORY), PARTNER: roles(SIGNATORY)},
        prepared(
            RELEASED,
            post(
                fixed("agreements:sign"),
                lambda w, p, u: {"overeenkomst": [own_agreement(w, p).pk], "authorised": "on", "code": totp_code(u)},
                lambda w, p, u: Signature.objects.filter(organisation=p.organisation).exists(),
            ),
        ),
    ),
    Case(
        "agreements:detail",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES, PLATFORM: roles(HELPDESK)},
        page(on_agreement("agreements:detail"), counterpart_name),
    ),
    Case(
        "agreements:detail#end-form",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        block(on_agreement("agreements:detail"), lambda w, p: reverse("agreements:end", args=[own_agreement(w, p).pk])),
    ),
    Case(
        "agreements:detail#covenant-form",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        prepared(
            DRAFT,
            block(
                on_agreement("agreements:detail"),
                lambda w, p: reverse("agreements:local_covenant", args=[own_agreement(w, p).pk]),
            ),
        ),
    ),
    Case(
        "agreements:detail#addendum-form",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        block(
            on_agreement("agreements:detail"),
            lambda w, p: reverse("agreements:addendum_propose", args=[own_agreement(w, p).pk]),
        ),
    ),
    Case(
        "agreements:document",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES, PLATFORM: roles(HELPDESK)},
        download(on_agreement("agreements:document"), (b"%PDF", b"PK")),
    ),
    Case(
        "agreements:end",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        post(
            on_agreement("agreements:end"),
            lambda w, p, u: {
                "reden": "Rolentabel",
                "einddatum": (timezone.localdate() + timedelta(days=60)).isoformat(),
            },
            lambda w, p, u: Agreement.objects.get(pk=own_agreement(w, p).pk).ends_on is not None,
        ),
    ),
    Case(
        "agreements:local_covenant",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        prepared(DRAFT, post(on_agreement("agreements:local_covenant"), lambda w, p, u: {"toelichting": "x"}, audited)),
    ),
    Case(
        "agreements:local_covenant_decide",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        prepared(
            _proposed_by_counterpart,
            post(on_agreement("agreements:local_covenant_decide"), lambda w, p, u: {"besluit": "afwijzen"}, audited),
        ),
    ),
    Case(
        "agreements:addendum_propose",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        post(
            on_agreement("agreements:addendum_propose"),
            lambda w, p, u: {
                "omschrijving": "Rolentabel",
                "bestand": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x %%EOF", "application/pdf"),
            },
            lambda w, p, u: Addendum.objects.filter(proposed_by=p.organisation).exists(),
        ),
    ),
    Case(
        "agreements:addendum_decide",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        post(
            _addendum_url("agreements:addendum_decide"),
            lambda w, p, u: {"besluit": "aanvaarden"},
            lambda w, p, u: Addendum.objects.filter(status=AddendumStatus.ACCEPTED).exists(),
        ),
    ),
    Case(
        "agreements:addendum_file",
        {MUNICIPALITY: AGREEMENT_PARTIES, PARTNER: AGREEMENT_PARTIES},
        download(_addendum_url("agreements:addendum_file"), (b"%PDF",)),
    ),
    # cases (R16-R19): the municipality's handler; Utrecht's one case (the world's water signal)
    Case(
        "cases:work",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        page(fixed("cases:work"), _case_link),
    ),
    Case(
        "cases:work#csv",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        page(lambda w, p: reverse("cases:work") + "?formaat=csv", lambda w, p: ["zaaknummer;personen", "Oudegracht"]),
    ),
    Case(
        "cases:mismatches",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        page(fixed("cases:mismatches"), lambda w, p: ["BRP-controle beoordelen"]),
    ),
    Case(
        "cases:case", {MUNICIPALITY: roles(HANDLER)}, page(_on_case("cases:case"), lambda w, p: ["Oudegracht", "Berg"])
    ),
    Case("cases:person", {MUNICIPALITY: roles(HANDLER)}, page(_on_person, lambda w, p: ["Berg", "BSN"])),
    Case(
        "cases:brp_lookup",
        {MUNICIPALITY: roles(HANDLER)},
        post(_on_person_named("cases:brp_lookup"), lambda w, p, u: {}, _brp_asked),
    ),
    Case(
        "cases:brp_resolve",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(
            _case_open,
            post(_on_person_named("cases:brp_resolve"), lambda w, p, u: {"keuze": "zelf"}, _acted("brp_resolved")),
        ),
    ),
    Case(
        "cases:attempt",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(
            _case_open,
            post(
                _on_case("cases:attempt"),
                lambda w, p, u: {"kind": "phone", "reached": "ja", "on": "2026-03-22"},
                _acted("attempt"),
            ),
        ),
    ),
    Case(
        "cases:note",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(_case_open, post(_on_case("cases:note"), lambda w, p, u: {"text": "ROLENTABEL"}, _acted("note"))),
    ),
    Case(
        "cases:assign",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(_case_open, post(_on_case("cases:assign"), lambda w, p, u: {"handler": str(u.pk)}, _acted("assign"))),
    ),
    Case(
        "cases:threatening",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(_case_open, post(_on_case("cases:threatening"), lambda w, p, u: {}, _acted("threatening"))),
    ),
    Case(
        "cases:accept_help",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(_case_open, post(_on_case("cases:accept_help"), lambda w, p, u: {}, _acted("accept_help"))),
    ),
    Case(
        "cases:close",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(_case_open, post(_on_case("cases:close"), lambda w, p, u: {"outcome": "advice"}, _acted("close"))),
    ),
    Case(
        "cases:reopen",
        {MUNICIPALITY: roles(HANDLER)},
        prepared(
            _case_closed, post(_on_case("cases:reopen"), lambda w, p, u: {"reason": "ROLENTABEL"}, _acted("reopen"))
        ),
    ),
    # signals: a partner's deliverer; a municipality's handler for its CAK file
    Case(
        "signals:deliveries",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        page(fixed("signals:deliveries"), lambda w, p: [reverse("signals:delivery", args=[p.deliveries[0].pk])]),
    ),
    Case(
        "signals:upload",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        post(
            fixed("signals:upload"),
            lambda w, p, u: {"bestand": SimpleUploadedFile("rolentabel.csv", UPLOAD)},
            lambda w, p, u: Delivery.objects.filter(
                organisation=p.organisation, sha256=sha256(UPLOAD).hexdigest()
            ).exists(),
        ),
    ),
    Case(
        "signals:single_signal",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS},
        page(fixed("signals:single_signal"), lambda w, p: ['name="achternaam"']),
    ),
    Case(
        "signals:single_signal#post",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS},
        post(
            fixed("signals:single_signal"),
            lambda w, p, u: {**row(), "reference": "rolentabel"},
            lambda w, p, u: Delivery.objects.filter(organisation=p.organisation, source=DeliverySource.FORM).exists(),
        ),
    ),
    Case(
        "signals:per_municipality",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS},
        page(fixed("signals:per_municipality"), lambda w, p: [w.utrecht.name, w.zeist.name]),
    ),
    Case(
        "signals:template_csv",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        download(fixed("signals:template_csv"), (b"klantnummer;",)),
    ),
    Case(
        "signals:template_xlsx",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        download(fixed("signals:template_xlsx"), (b"PK",)),
    ),
    Case(
        "signals:delivery",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        page(first_delivery("signals:delivery"), lambda w, p: [p.errors[0]]),
    ),
    Case(
        "signals:progress",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        page(first_delivery("signals:progress"), lambda w, p: []),
    ),
    Case(
        "signals:error_report",
        {MUNICIPALITY: MUNICIPAL_DELIVERERS, PARTNER: PARTNER_DELIVERERS},
        page(first_delivery("signals:error_report"), lambda w, p: ["rij;klantnummer;veld;melding", p.errors[0]]),
    ),
    # R20: feedback. A partner's deliverer and contact read what the municipalities reported about
    # its signals; the municipality's handler what the partners of a case were told
    Case(
        "feedback:list",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS, PLATFORM: NOBODY},
        prepared(_help_accepted, page(fixed("feedback:list"), lambda w, p: FEEDBACK_SHOWN)),
    ),
    Case(
        "feedback:list#csv",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS, PLATFORM: NOBODY},
        prepared(
            _help_accepted,
            page(lambda w, p: reverse("feedback:list") + "?formaat=csv", lambda w, p: ["klantnummer", *FEEDBACK_SHOWN]),
        ),
    ),
    Case(
        "feedback:list#xlsx",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS, PLATFORM: NOBODY},
        prepared(_help_accepted, download(lambda w, p: reverse("feedback:list") + "?formaat=xlsx", (b"PK",))),
    ),
    Case(
        "feedback:delivery",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_DELIVERERS, PLATFORM: NOBODY},
        prepared(
            _help_accepted,
            page(
                # Water Midden's delivery for everyone: other kinds are refused it
                lambda w, p: reverse("feedback:delivery", args=[w.water.deliveries[0].pk]),
                lambda w, p: FEEDBACK_SHOWN,
            ),
        ),
    ),
    Case(
        "feedback:case",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        prepared(_help_accepted, page(_on_case("feedback:case"), lambda w, p: FEEDBACK_SHOWN)),
    ),
    # R17: the municipal party's list of residents known at its debt-help service (Utrecht's is
    # there whoever asks: only Utrecht's contact and handler see it, nobody else sees its file name)
    Case(
        "debthelp:index",
        {MUNICIPALITY: DEBT_HELP_KEEPERS, PARTNER: NOBODY, PLATFORM: NOBODY},
        prepared(_utrecht_debt_help_list, page(fixed("debthelp:index"), lambda w, p: DEBT_HELP_SHOWN)),
    ),
    Case(
        "debthelp:index#post",
        {MUNICIPALITY: DEBT_HELP_KEEPERS, PARTNER: NOBODY, PLATFORM: NOBODY},
        post(
            fixed("debthelp:index"),
            lambda w, p, u: {"bestand": SimpleUploadedFile("rolentabel.csv", bsn_csv(valid_bsns(2)))},
            lambda w, p, u: DebtHelpList.objects.filter(uploaded_by=u, count=2).exists(),
        ),
    ),
    # API keys: a signal partner's contact (the API is for partners' systems)
    Case(
        "signals_tokens:list",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT)},
        page(fixed("signals_tokens:list"), lambda w, p: [p.token.name] if p.token else []),
    ),
    Case(
        "signals_tokens:list#post",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT)},
        post(
            fixed("signals_tokens:list"),
            lambda w, p, u: {"name": "Rolentabel", "code": totp_code(u)},
            lambda w, p, u: ApiToken.objects.filter(created_by=u).exists(),
        ),
    ),
    Case(
        "signals_tokens:revoke",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT)},
        post(
            _token_url,
            lambda w, p, u: {},
            lambda w, p, u: ApiToken.objects.filter(organisation=p.organisation, revoked_at__isnull=False).exists(),
        ),
    ),
    # webhooks (issue 12): the partner's contact manages them, its deliverers read the log
    Case(
        "webhooks:list",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_WEBHOOK_READERS, PLATFORM: NOBODY},
        prepared(lambda w, p: _water_endpoint(w), page(fixed("webhooks:list"), lambda w, p: [WEBHOOK_URL])),
    ),
    Case(
        "webhooks:list#post",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT), PLATFORM: NOBODY},
        post(
            fixed("webhooks:list"),
            lambda w, p, u: {"url": "https://93.184.216.36/rolentabel", "code": totp_code(u)},
            lambda w, p, u: WebhookEndpoint.objects.filter(created_by=u).exists(),
        ),
    ),
    Case(
        "webhooks:log",
        {MUNICIPALITY: NOBODY, PARTNER: PARTNER_WEBHOOK_READERS, PLATFORM: NOBODY},
        page(_webhook_on("webhooks:log", _water_endpoint), lambda w, p: [WEBHOOK_URL, "Logboek webhook"]),
    ),
    Case(
        "webhooks:toggle",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT), PLATFORM: NOBODY},
        post(_webhook_on("webhooks:toggle", _water_endpoint), lambda w, p, u: {}, _did("webhooks.endpoint_disabled")),
    ),
    Case(
        "webhooks:remove",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT), PLATFORM: NOBODY},
        post(_webhook_on("webhooks:remove", _water_endpoint), lambda w, p, u: {}, _did("webhooks.endpoint_removed")),
    ),
    Case(
        "webhooks:replay",
        {MUNICIPALITY: NOBODY, PARTNER: roles(CONTACT), PLATFORM: NOBODY},
        post(
            _webhook_on("webhooks:replay", _water_webhook_delivery),
            lambda w, p, u: {},
            _did("webhooks.delivery_replayed"),
        ),
    ),
    # platform work: the helpdesk
    Case("audit:log", {PLATFORM: roles(HELPDESK)}, page(fixed("audit:log"), lambda w, p: ["API-sleutel aangemaakt"])),
    Case(
        "registrations:queue",
        {PLATFORM: roles(HELPDESK)},
        prepared(
            lambda w, p: new_registration(), page(fixed("registrations:queue"), lambda w, p: ["Aanmelder Rolentabel"])
        ),
    ),
    Case(
        "registrations:detail",
        {PLATFORM: roles(HELPDESK)},
        page(
            lambda w, p: reverse("registrations:detail", args=[new_registration().pk]),
            lambda w, p: ["Aanmelder Rolentabel"],
        ),
    ),
    Case(
        "registrations:decide",
        {PLATFORM: roles(HELPDESK)},
        post(
            lambda w, p: reverse("registrations:decide", args=[new_registration().pk]),
            lambda w, p, u: {"besluit": "afwijzen", "reden": "Rolentabel", "bevestigd": "ja"},
            lambda w, p, u: Registration.objects.filter(status=RegistrationStatus.REJECTED).exists(),
        ),
    ),
    Case(
        "organisations:change_requests",
        {PLATFORM: roles(HELPDESK)},
        prepared(
            lambda w, p: new_change_request(w),
            page(fixed("organisations:change_requests"), lambda w, p: ["Nieuwe Contactpersoon Rolentabel"]),
        ),
    ),
    Case(
        "organisations:change_request_decide",
        {PLATFORM: roles(HELPDESK)},
        post(
            lambda w, p: reverse("organisations:change_request_decide", args=[new_change_request(w).pk]),
            lambda w, p, u: {"besluit": "afwijzen", "reden": "Rolentabel", "bevestigd": "ja"},
            lambda w, p, u: ChangeRequest.objects.filter(status=ChangeStatus.REJECTED).exists(),
        ),
    ),
    Case(
        "agreements_helpdesk:list",
        {PLATFORM: roles(HELPDESK)},
        page(fixed("agreements_helpdesk:list"), lambda w, p: [w.utrecht.name, w.energy.name]),
    ),
    Case(
        "agreements_helpdesk:list#csv",
        {PLATFORM: roles(HELPDESK)},
        page(lambda w, p: reverse("agreements_helpdesk:list") + "?formaat=csv", lambda w, p: [w.zeist.name]),
    ),
    Case(
        "agreements_helpdesk:act",
        {PLATFORM: roles(HELPDESK)},
        prepared(
            DRAFT,
            post(
                fixed("agreements_helpdesk:act"),
                lambda w, p, u: {"actie": "intrekken", "reden": "x", "overeenkomst": [own_agreement(w, p).pk]},
                lambda w, p, u: own_agreement(w, p).status == AgreementStatus.WITHDRAWN,
            ),
        ),
    ),
    Case(
        "agreements_helpdesk:departure",
        {PLATFORM: roles(HELPDESK)},
        post(
            lambda w, p: reverse("agreements_helpdesk:departure", args=[departing(w).pk]),
            lambda w, p, u: {"reden": "Rolentabel"},
            lambda w, p, u: departing(w).left_at is not None,
        ),
    ),
    Case(
        "agreements_helpdesk:signal_system",
        {PLATFORM: roles(HELPDESK)},
        post(
            lambda w, p: reverse("agreements_helpdesk:signal_system", args=[w.zeist.organisation.pk]),
            lambda w, p, u: {"systeem": "ris"},
            lambda w, p, u: Organisation.objects.get(pk=w.zeist.organisation.pk).signal_system == "ris",
        ),
    ),
    Case(
        "agreements_helpdesk:cosigning_executor",
        {PLATFORM: roles(HELPDESK)},
        post(
            lambda w, p: reverse("agreements_helpdesk:cosigning_executor", args=[w.zeist.organisation.pk]),
            lambda w, p, u: {"uitvoerder": str(role_table_executor().pk)},
            lambda w, p, u: (
                Organisation.objects.get(pk=w.zeist.organisation.pk).cosigning_executor_id == role_table_executor().pk
            ),
        ),
    ),
    Case(
        "agreements_helpdesk:templates",
        {PLATFORM: roles(HELPDESK)},
        page(fixed("agreements_helpdesk:templates"), lambda w, p: ["Drinkwater"]),
    ),
    Case(
        "agreements_helpdesk:template_windows",
        {PLATFORM: roles(HELPDESK)},
        post(_template_windows_url, _windows, audited),
    ),
    Case(
        "agreements_helpdesk:local_covenants",
        {PLATFORM: roles(HELPDESK)},
        page(fixed("agreements_helpdesk:local_covenants"), lambda w, p: ["Lokale convenanten"]),
    ),
    Case(
        "agreements_helpdesk:local_covenant_undo",
        {PLATFORM: roles(HELPDESK)},
        post(lambda w, p: _covenant_url(w, p), lambda w, p, u: {}, audited),
    ),
    # people: the contact manages its own organisation's people, the helpdesk everyone's
    Case(
        "people:list",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        page(fixed("people:list"), lambda w, p: [p.people[ANALYST].full_name]),
    ),
    Case(
        "people:person",
        {MUNICIPALITY: roles(CONTACT), PARTNER: roles(CONTACT)},
        post(
            lambda w, p: reverse("people:person", args=[p.people[ANALYST].pk]),
            lambda w, p, u: {"actie": "rollen", "rollen": ["analyst"]},
            lambda w, p, u: AuditEvent.objects.filter(actor=u, action="account.roles_changed").exists(),
        ),
    ),
    Case(
        "people:helpdesk_list",
        {PLATFORM: roles(HELPDESK)},
        page(fixed("people:helpdesk_list"), lambda w, p: [w.water.people[ANALYST].full_name]),
    ),
    Case(
        "people:helpdesk_person",
        {PLATFORM: roles(HELPDESK)},
        page(
            lambda w, p: reverse("people:helpdesk_person", args=[w.water.people[ANALYST].pk]),
            lambda w, p: [w.water.people[ANALYST].email],
        ),
    ),
    Case(
        "people:settings",
        {MUNICIPALITY: EVERYONE, PARTNER: EVERYONE, PLATFORM: EVERYONE},
        page(fixed("people:settings"), lambda w, p: ["Mijn gegevens"]),
    ),
]


# case handling: the municipal party's contact sets it up; a handler makes a case's letter (issue 11)
def _utrecht_tray(world: World) -> Tray:
    return triage.ensure_default_trays(world.utrecht.organisation)[0]


def _utrecht_rule(world: World) -> TriageRule:
    _utrecht_tray(world)
    return TriageRule.objects.filter(municipal_party=world.utrecht.organisation).order_by("position")[0]


def _fresh(model: Any, world: World, **fields: object) -> Any:
    organisation = world.utrecht.organisation
    found = model.objects.filter(municipal_party=organisation, **fields).first()
    return found or model.objects.create(municipal_party=organisation, **fields)


def _fresh_tray(world: World) -> Tray:
    _utrecht_tray(world)  # the defaults first: the only tray cannot be deleted
    return _fresh(Tray, world, name="Weg", approach="card")


def _fresh_rule(world: World) -> TriageRule:
    return _fresh(TriageRule, world, tray=_utrecht_tray(world), position=99, amount_above=424242)


def _fresh_mandate(world: World) -> Mandate:
    return _fresh(
        Mandate,
        world,
        executor=role_table_executor(),
        valid_from=timezone.localdate(),
        created_by=world.utrecht.people[CONTACT],
    )


def _settings_of(world: World) -> CaseSettings | None:
    return CaseSettings.objects.filter(municipal_party=world.utrecht.organisation).first()


def _rule_form(world: World, amount: int) -> dict:
    return {"tray": str(_utrecht_tray(world).pk), "amount_above": str(amount)}


def _on(name: str, obj: Callable[[World], object]) -> Callable[[World, Party], str]:
    return lambda world, party: reverse(name, args=[obj(world).pk])  # type: ignore[attr-defined]


MUNICIPAL_CONTACT: Mapping[str, frozenset[Role]] = {MUNICIPALITY: roles(CONTACT), PARTNER: NOBODY, PLATFORM: NOBODY}
CASE_SETTINGS_TABLE = [
    Case(
        "case_settings:overview",
        MUNICIPAL_CONTACT,
        page(fixed("case_settings:overview"), lambda w, p: ["Matchingsmoment"]),
    ),
    Case(
        "case_settings:overview#post",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:overview"),
            lambda w, p, u: {"matching": "monthly", "matching_day": "21", "brp_check": "uit"},
            lambda w, p, u: getattr(_settings_of(w), "matching_day", None) == 21,
        ),
    ),
    Case(
        "case_settings:weights",
        MUNICIPAL_CONTACT,
        page(fixed("case_settings:weights"), lambda w, p: ["Gewichten aanpassen"]),
    ),
    Case(
        "case_settings:weights#post",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:weights"),
            lambda w, p, u: {**{t.weight: "7" for t in priority.TERMS}, "opslaan": "1"},
            lambda w, p, u: getattr(_settings_of(w), "weight_crisis", None) == 7,
        ),
    ),
    Case(
        "case_settings:trays", MUNICIPAL_CONTACT, page(fixed("case_settings:trays"), lambda w, p: ["Regel toevoegen"])
    ),
    Case(
        "case_settings:tray_new",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:tray_new"),
            lambda w, p, u: {"name": "Rolentabel", "approach": "phone"},
            lambda w, p, u: Tray.objects.filter(municipal_party=w.utrecht.organisation, name="Rolentabel").exists(),
        ),
    ),
    Case(
        "case_settings:tray_edit",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:tray_edit", _utrecht_tray),
            lambda w, p, u: {"name": "Hernoemd", "approach": "card"},
            lambda w, p, u: _utrecht_tray(w).name == "Hernoemd",
        ),
    ),
    Case(
        "case_settings:tray_delete",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:tray_delete", _fresh_tray),
            lambda w, p, u: {},
            lambda w, p, u: not Tray.objects.filter(municipal_party=w.utrecht.organisation, name="Weg").exists(),
        ),
    ),
    Case(
        "case_settings:tray_move",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:tray_move", _utrecht_tray),
            lambda w, p, u: {"richting": "omlaag"},
            lambda w, p, u: AuditEvent.objects.filter(actor=u, action="cases.tray_changed").exists(),
        ),
    ),
    Case(
        "case_settings:rule_new",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:rule_new"),
            lambda w, p, u: _rule_form(w, 777),
            lambda w, p, u: TriageRule.objects.filter(amount_above=777).exists(),
        ),
    ),
    Case(
        "case_settings:rule_edit",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:rule_edit", _utrecht_rule),
            lambda w, p, u: _rule_form(w, 778),
            lambda w, p, u: TriageRule.objects.filter(amount_above=778).exists(),
        ),
    ),
    Case(
        "case_settings:rule_delete",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:rule_delete", _fresh_rule),
            lambda w, p, u: {},
            lambda w, p, u: not TriageRule.objects.filter(amount_above=424242).exists(),
        ),
    ),
    Case(
        "case_settings:rule_move",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:rule_move", _utrecht_rule),
            lambda w, p, u: {"richting": "omlaag"},
            lambda w, p, u: AuditEvent.objects.filter(actor=u, action="cases.tray_changed").exists(),
        ),
    ),
    Case(
        "case_settings:mandates",
        MUNICIPAL_CONTACT,
        page(fixed("case_settings:mandates"), lambda w, p: ["Mandaat vastleggen"]),
    ),
    Case(
        "case_settings:mandates#post",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:mandates"),
            lambda w, p, u: {"executor": str(role_table_executor().pk), "valid_from": timezone.localdate().isoformat()},
            lambda w, p, u: Mandate.objects.filter(municipal_party=w.utrecht.organisation).exists(),
        ),
    ),
    Case(
        "case_settings:mandate_end",
        MUNICIPAL_CONTACT,
        post(
            _on("case_settings:mandate_end", _fresh_mandate),
            lambda w, p, u: {},
            lambda w, p, u: Mandate.objects.filter(valid_until__isnull=False).exists(),
        ),
    ),
    Case(
        "case_settings:letter_template",
        MUNICIPAL_CONTACT,
        page(fixed("case_settings:letter_template"), lambda w, p: ["Invulvelden"]),
    ),
    Case(
        "case_settings:letter_template#post",
        MUNICIPAL_CONTACT,
        post(
            fixed("case_settings:letter_template"),
            lambda w, p, u: {"body": "Beste {naam}", "phone": "", "email": ""},
            lambda w, p, u: LetterTemplate.objects.filter(municipal_party=w.utrecht.organisation).exists(),
        ),
    ),
    # §4: the contact its own cases' log, the helpdesk every row
    Case(
        "case_settings:access_log",
        {MUNICIPALITY: roles(CONTACT), PARTNER: NOBODY, PLATFORM: roles(HELPDESK)},
        page(fixed("case_settings:access_log"), lambda w, p: ["Toegangslog zaken"]),
    ),
    # R19: the letter of a case, for whoever may open the case
    Case(
        "case_settings:letter",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        page(_on("case_settings:letter", _utrecht_case), lambda w, p: ["Download de brief (PDF)"]),
    ),
    Case(
        "case_settings:letter#post",
        {MUNICIPALITY: roles(HANDLER), PARTNER: NOBODY, PLATFORM: NOBODY},
        post(
            _on("case_settings:letter", _utrecht_case),
            lambda w, p, u: {},
            lambda w, p, u: CaseEvent.objects.filter(event="letter", actor=u).exists(),
        ),
    ),
]
VIEW_TABLE += CASE_SETTINGS_TABLE


def role_table_executor() -> Organisation:
    found = Organisation.objects.filter(name="Uitvoerder Rolentabel").first()
    return found or make_organisation(
        kind=OrganisationKind.EXECUTOR, name="Uitvoerder Rolentabel", sector="", national_coverage=False
    )


def departing(world: World) -> Organisation:
    organisation = Organisation.objects.filter(name="Vertrekkende Partner").first()
    return organisation or make_organisation(name="Vertrekkende Partner", national_coverage=False)


# URLs outside the table: not an action of an organisation's role.
NOT_ROLE_BASED = {
    # public (test_url_access.PUBLIC) and the person's own login and second factor
    "portal:index",
    "core:health",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:reset",
    "accounts:invitation",
    "accounts:totp_enrol",
    "accounts:totp_verify",
    "devmail:list",
    "devmail:detail",
    "devmail:send_signing_notices",
    "set_language",
    "registrations:choose_kind",
    "registrations:register",
    "registrations:thanks",
    "verification:verify",
    "api:openapi-json",
    "api:api-root",
    # the partner API answers a signal partner's token, never a session (test_url_access); what a
    # token sees is in test_content_isolation
    "api:deliveries",
    "api:delivery",
    "api:feedback",
}


def test_every_url_is_in_the_role_table():
    covered = {case.name.split("#")[0] for case in VIEW_TABLE} | NOT_ROLE_BASED
    assert all_url_names() - covered == set(), "add a line to VIEW_TABLE: which roles may use the new URL"


VIEW_CASES = [
    pytest.param(case, kind, role, id=f"{case.name}-{kind}-{role.value}")
    for case in VIEW_TABLE
    for kind in case.allowed
    for role in ROLES_BY_KIND[kind]
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "kind", "role"), VIEW_CASES)
def test_pages_and_posts_allow_exactly_the_listed_roles(world: World, case: Case, kind: str, role: Role):
    party = world.of_kind(kind)
    user = party.people[role]
    client = Client()
    login_verified(client, user)
    granted = case.probe(client, world, party, user)
    expected = role in case.allowed[kind]
    assert granted is expected, (
        f"{case.name}: a {party.organisation.get_kind_display()} person with the role {role.value} was "
        f"{'allowed' if granted else 'refused'}; the table says {'allowed' if expected else 'refused'}"
    )
