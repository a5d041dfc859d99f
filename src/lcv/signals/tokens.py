"""Partners' API tokens: created by the partner's contact in the portal, shown once, stored only as
their SHA-256, revocable. The API authenticates every request with `authenticate`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.signals.models import ApiToken

TOKEN_PREFIX = "lcv_"
PREFIX_LENGTH = 12  # what lists show to recognise a token: "lcv_" and 8 random characters
MAX_ACTIVE_TOKENS = 10
MAX_TOKEN_LENGTH = 100  # a real token is 47 characters; anything much longer is not one of ours
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_VALID_DAYS = 365  # a key lives at most a year (security review: keys never expired)
VALIDITY_CHOICES = (30, 90, 180, 365)
REMIND_BEFORE = timedelta(days=30)


class TokenError(Exception):
    """Refused; the message is Dutch and says what to do."""


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def create_token(
    *, organisation: Organisation, actor: Any, name: str, valid_days: int = MAX_VALID_DAYS
) -> tuple[ApiToken, str]:
    """A new token for a signal partner's systems, valid `valid_days` (at most a year). Returns the
    token and its plain value, which is never stored and can only be shown this once."""
    name = name.strip()
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise TokenError(_("Een API-sleutel is hoogstens een jaar geldig. Kies een kortere geldigheid."))
    if organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise TokenError(_("Alleen signaalpartners leveren signalen aan via de API en kunnen een API-sleutel maken."))
    if not name:
        raise TokenError(_("Geef de API-sleutel een naam, bijvoorbeeld het systeem dat hem gebruikt."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(
            organisation=organisation, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise TokenError(
                _(
                    "Uw organisatie heeft al %(count)d actieve API-sleutels. "
                    "Trek eerst een sleutel in die u niet meer gebruikt."
                )
                % {"count": MAX_ACTIVE_TOKENS}
            )
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name[:100],
            prefix=plain[:PREFIX_LENGTH],
            token_sha256=_digest(plain),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=valid_days),
        )
        # The token itself (and its prefix) stays out of the audit log; the object id identifies it.
        record(
            action="signals.api_token_created",
            actor=actor,
            organisation=organisation,
            obj=token,
            details={"label": token.name, "valid_days": valid_days},
        )
    return token, plain


def revoke_token(*, token_id: int, organisation: Organisation, actor: Any) -> ApiToken:
    """Revoke one of the organisation's own tokens; from then on it authenticates nothing. Revoking
    an already revoked token changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or token.organisation_id != organisation.pk:
            raise TokenError(_("Deze API-sleutel hoort niet bij uw organisatie."))
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            action="signals.api_token_revoked",
            actor=actor,
            organisation=organisation,
            obj=token,
            details={"label": token.name},
        )
    return token


def authenticate(plain: str) -> ApiToken | None:
    """The active token with this value, or None (also when it has expired or its organisation has
    left the platform). Records the last use at most once a minute, so a busy partner does not write on
    every request."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(
            token_sha256=_digest(plain),
            revoked_at__isnull=True,
            expires_at__gt=now,
            organisation__left_at__isnull=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def remind_expiring_tokens() -> int:
    """A month before a key expires, its organisation's contacts get one e-mail saying so and what
    to do (make a new key, then revoke the old one). Returns the number of keys reminded of."""
    from lcv.notifications.services import absolute_url, send_templated_mail
    from lcv.organisations.selectors import contacts_of

    now = timezone.now()
    due = ApiToken.objects.select_related("organisation").filter(
        revoked_at__isnull=True,
        expiry_reminder_sent_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + REMIND_BEFORE,
        organisation__left_at__isnull=True,
    )
    reminded = 0
    for token in due:
        with transaction.atomic():
            claimed = ApiToken.objects.filter(pk=token.pk, expiry_reminder_sent_at__isnull=True).update(
                expiry_reminder_sent_at=now
            )
            if not claimed:  # another worker took it
                continue
            addresses = contacts_of(token.organisation)
            if addresses:
                context = {"token": token, "link": absolute_url(reverse("signals_tokens:list"))}
                transaction.on_commit(
                    partial(send_templated_mail, to=addresses, template="api_token_expiring", context=context)
                )
            record(action="signals.api_token_expiry_reminded", organisation=token.organisation, obj=token)
        reminded += 1
    return reminded


def _active_made_by(user: Any) -> Any:
    return ApiToken.objects.filter(created_by=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def labels_of_tokens_made_by(user: Any) -> list[str]:
    """What the people screens show before a deactivation: the person's working API keys."""
    return [
        _("API-sleutel '%(name)s' (begint met %(prefix)s…)") % {"name": token.name, "prefix": token.prefix}
        for token in _active_made_by(user)
    ]


def on_person_deactivated(*, user: Any, actor: Any, keep_api_keys: bool, **kwargs: Any) -> None:
    """A deactivated person's keys stop working, unless the organisation chose to keep them."""
    if keep_api_keys:
        return
    for token in _active_made_by(user):
        revoke_token(token_id=token.pk, organisation=token.organisation, actor=actor)


def on_role_removed(*, user: Any, role: str, actor: Any, **kwargs: Any) -> None:
    """A contact replaced through the helpdesk no longer manages keys: the keys they made stop (the
    new contact makes new ones; the change request is the organisation's own decision)."""
    if role == "contact":
        on_person_deactivated(user=user, actor=actor, keep_api_keys=False)
