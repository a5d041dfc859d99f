"""The one place that answers "may this user do this on this object?".

Every view and API endpoint asks `can()` (or uses `require()` / `@allowed`). A rule names the roles
that may act and how the object is scoped:

- ``OWN``: the object must belong to the user's own organisation (the organisation is found by
  `owning_organisations`); objects of any other organisation are refused;
- ``PLATFORM``: platform-wide work, only for members of the platform organisation;
- ``ANY_MEMBER``: anyone who acts for an organisation (e.g. the home page).

Later capabilities add rules to RULES and owners to `OWNER_RESOLVERS`; nothing else decides.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lcv.organisations.models import Membership, Organisation, OrganisationKind, Role


class Scope(enum.Enum):
    OWN = "own"
    PLATFORM = "platform"
    ANY_MEMBER = "any_member"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]  # empty: any role
    scope: Scope


class Action(enum.StrEnum):
    VIEW_HOME = "home.view"
    VIEW_ORGANISATION = "organisation.view"
    VIEW_AUDIT_LOG = "audit.view"
    MANAGE_REGISTRATIONS = "registration.manage"
    MANAGE_CHANGE_REQUESTS = "change_request.manage"
    REQUEST_CHANGE = "change_request.create"
    VIEW_DIRECTORY = "directory.view"
    LIST_AGREEMENTS = "agreement.list"
    VIEW_AGREEMENT = "agreement.view"
    RELEASE_AGREEMENTS = "agreement.release"
    SIGN_AGREEMENTS = "agreement.sign"
    END_AGREEMENT = "agreement.end"
    MANAGE_ADDENDA = "addendum.manage"
    RECORD_LOCAL_COVENANT = "agreement.local_covenant"
    DELIVER_SIGNALS = "signal.deliver"  # partners: files, form; municipalities: the CAK file
    MANAGE_AGREEMENTS = "agreement.manage"  # helpdesk: withdraw, departures, local covenants, windows
    MANAGE_API_TOKENS = "api_token.manage"  # a signal partner's contact: its API tokens
    MANAGE_PEOPLE = "people.manage"  # the contact: invite colleagues, their working roles, deactivate
    MANAGE_ALL_PEOPLE = "people.manage_all"  # the helpdesk: everyone's account
    EDIT_OWN_SETTINGS = "account.settings"  # anyone: own consent to be shown in the directory
    HANDLE_CASES = "case.handle"  # R19: a handler of the municipal party, joint arrangement or executor
    MANAGE_CASE_SETTINGS = "case.settings"  # the municipal party's contact: trays, weights, mandates, letter
    MANAGE_DEBT_HELP_LIST = "debt_help.manage"  # R17: a municipal party's list known at its debt-help service
    VIEW_FEEDBACK = "feedback.view"  # R20: a signal partner's deliverer and contact read its feedback
    MANAGE_WEBHOOKS = "webhook.manage"  # a signal partner's contact: webhook addresses, "opnieuw versturen"
    VIEW_WEBHOOK_LOG = "webhook.view_log"  # the partner's contact and deliverers: the webhook addresses and their log


RULES: dict[Action, Rule] = {
    Action.VIEW_HOME: Rule(frozenset(), Scope.ANY_MEMBER),
    Action.VIEW_ORGANISATION: Rule(frozenset(), Scope.OWN),
    Action.VIEW_AUDIT_LOG: Rule(frozenset({Role.HELPDESK}), Scope.PLATFORM),
    Action.MANAGE_REGISTRATIONS: Rule(frozenset({Role.HELPDESK}), Scope.PLATFORM),
    Action.MANAGE_CHANGE_REQUESTS: Rule(frozenset({Role.HELPDESK}), Scope.PLATFORM),
    Action.REQUEST_CHANGE: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.VIEW_DIRECTORY: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.LIST_AGREEMENTS: Rule(frozenset({Role.CONTACT, Role.SIGNATORY}), Scope.OWN),
    Action.VIEW_AGREEMENT: Rule(frozenset({Role.CONTACT, Role.SIGNATORY}), Scope.OWN),
    Action.RELEASE_AGREEMENTS: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.SIGN_AGREEMENTS: Rule(frozenset({Role.SIGNATORY}), Scope.OWN),
    Action.END_AGREEMENT: Rule(frozenset({Role.CONTACT, Role.SIGNATORY}), Scope.OWN),
    Action.MANAGE_ADDENDA: Rule(frozenset({Role.CONTACT, Role.SIGNATORY}), Scope.OWN),
    Action.RECORD_LOCAL_COVENANT: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.MANAGE_AGREEMENTS: Rule(frozenset({Role.HELPDESK}), Scope.PLATFORM),
    Action.MANAGE_API_TOKENS: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.DELIVER_SIGNALS: Rule(frozenset({Role.DELIVERER, Role.CONTACT, Role.HANDLER}), Scope.OWN),
    Action.MANAGE_PEOPLE: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.MANAGE_ALL_PEOPLE: Rule(frozenset({Role.HELPDESK}), Scope.PLATFORM),
    Action.EDIT_OWN_SETTINGS: Rule(frozenset(), Scope.ANY_MEMBER),
    Action.HANDLE_CASES: Rule(frozenset({Role.HANDLER}), Scope.OWN),
    Action.MANAGE_CASE_SETTINGS: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.MANAGE_DEBT_HELP_LIST: Rule(frozenset({Role.CONTACT, Role.HANDLER}), Scope.OWN),
    Action.VIEW_FEEDBACK: Rule(frozenset({Role.DELIVERER, Role.CONTACT}), Scope.OWN),
    Action.MANAGE_WEBHOOKS: Rule(frozenset({Role.CONTACT}), Scope.OWN),
    Action.VIEW_WEBHOOK_LOG: Rule(frozenset({Role.CONTACT, Role.DELIVERER}), Scope.OWN),
}

# model class -> function returning the organisations that own an instance
OWNER_RESOLVERS: dict[type, Callable[[Any], Iterable[Organisation]]] = {
    Organisation: lambda organisation: [organisation],
}


def register_owner(model: type, resolve: Callable[[Any], Iterable[Organisation]]) -> None:
    """Apps tell the policy who owns their objects (e.g. an agreement: both parties)."""
    OWNER_RESOLVERS[model] = resolve


def owning_organisations(obj: object) -> list[Organisation]:
    for model, resolve in OWNER_RESOLVERS.items():
        if isinstance(obj, model):
            return list(resolve(obj))
    raise TypeError(f"no owner resolver for {type(obj).__name__}")


def membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


def can(user: Any, action: Action, obj: object | None = None) -> bool:
    rule = RULES[action]
    membership = membership_of(user)
    if membership is None:
        return False
    if rule.roles and not (membership.roles & rule.roles):
        return False
    if rule.scope is Scope.PLATFORM:
        return membership.organisation.kind == OrganisationKind.PLATFORM
    if rule.scope is Scope.OWN:
        if obj is None:
            raise ValueError(f"{action} is scoped to an object; pass it")
        return any(org.pk == membership.organisation_id for org in owning_organisations(obj))
    return True


def require(user: Any, action: Action, obj: object | None = None) -> None:
    """Raise when not allowed: 404 for another organisation's object (do not reveal that it
    exists), 403 for a missing role within one's own organisation or platform work."""
    if can(user, action, obj):
        return
    membership = membership_of(user)
    if obj is not None and RULES[action].scope is Scope.OWN:
        own = membership is not None and any(org.pk == membership.organisation_id for org in owning_organisations(obj))
        if not own:
            raise Http404
    raise PermissionDenied
