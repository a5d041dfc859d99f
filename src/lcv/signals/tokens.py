"""Partners' API tokens: created by the partner's contact in the portal, shown once, stored only as
their SHA-256, revocable. The API authenticates every request with `authenticate`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
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


class TokenError(Exception):
    """Refused; the message is Dutch and says what to do."""


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def create_token(*, organisation: Organisation, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for a signal partner's systems. Returns the token and its plain value, which is
    never stored and can only be shown this once."""
    name = name.strip()
    if organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise TokenError(_("Alleen signaalpartners leveren signalen aan via de API en kunnen een API-sleutel maken."))
    if not name:
        raise TokenError(_("Geef de API-sleutel een naam, bijvoorbeeld het systeem dat hem gebruikt."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(organisation=organisation, revoked_at__isnull=True)
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
        )
        # The token itself (and its prefix) stays out of the audit log; the object id identifies it.
        record(
            action="signals.api_token_created",
            actor=actor,
            organisation=organisation,
            obj=token,
            details={"label": token.name},
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
    """The active token with this value, or None (also when its organisation has left the
    platform). Records the last use at most once a minute, so a busy partner does not write on
    every request."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(token_sha256=_digest(plain), revoked_at__isnull=True, organisation__left_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
