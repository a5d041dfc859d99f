"""People management (issue 9): an organisation's contact invites colleagues with the working roles
that fit its kind, changes those roles and deactivates people; the helpdesk does the same for
everyone, resends invitations and resets second factors. Contact and signatory stay with the
helpdesk's change requests (FAQ 15). Every write is audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from lcv.accounts.models import User
from lcv.accounts.services import invite_person
from lcv.audit.services import record
from lcv.organisations.models import MUNICIPAL_KINDS, Membership, Organisation, OrganisationKind, Role, role_field

# Sent after a person is deactivated: kwargs user, actor, keep_api_keys. The signals app revokes the
# API keys the person made unless the organisation keeps them (accounts may not import signals).
person_deactivated = Signal()

# Apps above accounts tell what a person made that outlives them (e.g. API keys): user -> labels.
MADE_BY_PROVIDERS: list[Callable[[User], list[str]]] = []


class PeopleError(Exception):
    """Refused; the message is Dutch and says what to do."""


def working_roles(organisation: Organisation) -> tuple[Role, ...]:
    """The roles a contact may hand out: handlers work signals at municipal parties and executors,
    deliverers deliver for signal partners; analysts everywhere but the platform."""
    if organisation.kind == OrganisationKind.SIGNAL_PARTNER:
        return (Role.DELIVERER, Role.ANALYST)
    if organisation.kind in (*MUNICIPAL_KINDS, OrganisationKind.EXECUTOR):
        return (Role.HANDLER, Role.ANALYST)
    if organisation.kind == OrganisationKind.PLATFORM:
        return (Role.HELPDESK,)
    return ()


def _check_roles(organisation: Organisation, roles: Iterable[Role | str]) -> list[Role]:
    chosen = [Role(role) for role in roles]
    allowed = working_roles(organisation)
    wrong = [role for role in chosen if role not in allowed]
    if wrong:
        raise PeopleError(
            _("De rol %(role)s past niet bij uw organisatie. Kies uit: %(allowed)s.")
            % {"role": wrong[0].label, "allowed": ", ".join(str(role.label) for role in allowed)}
        )
    return chosen


def invite_colleague(
    *, organisation: Organisation, actor: Any, email: str, full_name: str, roles: Iterable[Role | str]
) -> User:
    """Invite a new person with working roles; they set a password from the e-mail and enrol a
    second factor at first login."""
    chosen = _check_roles(organisation, roles)
    if not chosen:
        raise PeopleError(_("Kies minstens één rol."))
    if User.objects.filter(email__iexact=email.strip()).exists():
        raise PeopleError(
            _(
                "Er is al een account met dit e-mailadres. Werkt deze persoon bij een andere organisatie? "
                "Vraag de helpdesk."
            )
        )
    return invite_person(
        organisation=organisation, email=email.strip(), full_name=full_name.strip(), roles=chosen, invited_by=actor
    )


def change_roles(*, membership: Membership, actor: Any, roles: Iterable[Role | str]) -> Membership:
    """Set the person's working roles (contact and signatory are not touched here)."""
    organisation = membership.organisation
    chosen = set(_check_roles(organisation, roles))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = sorted(role.value for role in membership.roles)
        for role in working_roles(organisation):
            setattr(membership, role_field(role), role in chosen)
        if not membership.roles:
            raise PeopleError(
                _("Iemand zonder rol kan niets in het portaal. Deactiveer de persoon als hij niet meer meewerkt.")
            )
        membership.save()
        record(
            action="account.roles_changed",
            actor=actor,
            organisation=organisation,
            obj=membership.user,
            details={"before": before, "after": sorted(role.value for role in membership.roles)},
        )
    return membership


def made_by(user: User) -> list[str]:
    return [label for provider in MADE_BY_PROVIDERS for label in provider(user)]


def deactivate(*, user: User, actor: Any, keep_api_keys: bool = False) -> None:
    """The person loses access at once, open sessions included (an inactive user is no longer
    loaded from a session). What they made (API keys) stops working unless the organisation keeps it."""
    if user.pk == getattr(actor, "pk", None):
        raise PeopleError(_("U kunt uzelf niet deactiveren. Vraag een collega of de helpdesk."))
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    if membership is not None and (membership.is_contact or membership.is_signatory):
        remaining = Membership.objects.filter(
            organisation=membership.organisation, user__is_active=True, is_contact=True
        ).exclude(user=user)
        if membership.is_signatory or (membership.is_contact and not remaining.exists()):
            raise PeopleError(
                _(
                    "Deze persoon is tekenbevoegde of de enige contactpersoon. Vraag eerst via een "
                    "wijzigingsverzoek een opvolger aan; daarna kunt u hem deactiveren."
                )
            )
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        record(
            action="account.deactivated",
            actor=actor,
            organisation=membership.organisation if membership else None,
            obj=user,
            details={"keep_api_keys": keep_api_keys},
        )
        person_deactivated.send(sender=User, user=user, actor=actor, keep_api_keys=keep_api_keys)


def reactivate(*, user: User, actor: Any) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        membership = Membership.objects.filter(user=user).select_related("organisation").first()
        record(
            action="account.reactivated",
            actor=actor,
            organisation=membership.organisation if membership else None,
            obj=user,
        )


def status_of(user: User) -> str:
    if not user.is_active:
        return str(_("Gedeactiveerd"))
    if not user.has_usable_password():
        return str(_("Uitgenodigd, nog niet aangemeld"))
    return str(_("Actief"))
