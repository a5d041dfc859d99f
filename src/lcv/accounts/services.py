"""Writes for people: invitations, password links, second factor. Each emits an audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.models import User
from lcv.accounts.tasks import send_password_reset_task
from lcv.accounts.tokens import PurposeTokenGenerator, invitation_tokens, reset_tokens
from lcv.audit.context import current_origin
from lcv.audit.models import AuditEvent
from lcv.audit.services import record
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Membership, Organisation, Role, role_field


def _link(user: User, url_name: str, generator: PurposeTokenGenerator) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse(url_name, kwargs={"uidb64": uidb64, "token": generator.make_token(user)}))


def invite_person(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    phone: str = "",
    job_title: str = "",
    consents_to_share_contact_details: bool = False,
    invited_by: Any = None,
) -> User:
    """Create a person with roles in one organisation and e-mail an invitation to set a password
    (R1, FAQ 10). All or nothing: a refused role (a second signatory) creates nobody."""
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            full_name=full_name,
            phone=phone,
            job_title=job_title,
            consents_to_share_contact_details=consents_to_share_contact_details,
        )
        Membership.objects.create(user=user, organisation=organisation, **{role_field(r): True for r in roles})
        record(action="account.invited", actor=invited_by, organisation=organisation, obj=user)
        transaction.on_commit(lambda: send_invitation(user=user))
    return user


def send_invitation(*, user: User) -> None:
    """E-mail (again) a link to set a first password; it works once and expires after a week."""
    link = _link(user, "accounts:invitation", invitation_tokens)
    send_templated_mail(to=[user.email], template="invitation", context={"user": user, "link": link})


RESETS_PER_ACCOUNT_PER_HOUR = 3
RESET_REQUESTS_PER_ADDRESS = 10  # from one client address in RESET_WINDOW
RESET_WINDOW = timedelta(minutes=15)


class TooManyResetRequests(Exception):
    """One client address asked for too many reset links; the view answers 429."""


def request_password_reset(*, email: str) -> None:
    """Self-service reset (R8). Says nothing about whether the address is known: the mail is sent
    by the worker (no difference in time or on a mail-server failure), and at most
    RESETS_PER_ACCOUNT_PER_HOUR mails go to one account, so nobody can flood a mailbox."""
    origin = current_origin.get()
    if origin is not None and origin.ip_address:
        recent = AuditEvent.objects.filter(
            action__startswith="account.reset_requested",
            ip_address=origin.ip_address,
            at__gte=timezone.now() - RESET_WINDOW,
        ).count()
        if recent >= RESET_REQUESTS_PER_ADDRESS:
            raise TooManyResetRequests
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        record(action="account.reset_requested_unknown")
        return
    sent = AuditEvent.objects.filter(
        action="account.reset_requested",
        object_type=User._meta.label_lower,
        object_id=str(user.pk),
        at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    if sent >= RESETS_PER_ACCOUNT_PER_HOUR:
        record(action="account.reset_requested_throttled", obj=user, organisation=_organisation_of(user))
        return
    record(action="account.reset_requested", obj=user, organisation=_organisation_of(user))
    transaction.on_commit(partial(send_password_reset_task.enqueue, user.pk))


def send_password_reset(*, user: User) -> None:
    link = _link(user, "accounts:reset", reset_tokens)
    send_templated_mail(to=[user.email], template="password_reset", context={"user": user, "link": link})


def set_password_from_link(*, user: User, password: str, purpose: str) -> None:
    """Set the password from an invitation or reset link; this kills the link (single use)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(action=f"account.password_set.{purpose}", actor=user, obj=user)


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the person is enrolling, created once."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator-app"}
    )
    return device


def confirm_totp_enrolment(*, user: User, device: TOTPDevice) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(action="account.second_factor_enrolled", actor=user, obj=user)


def _organisation_of(user: User) -> Organisation | None:
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None


def reset_second_factor(*, user: User, actor: Any = None) -> int:
    """Remove a person's authenticator devices (lost or new phone); they enrol again at their next
    login. Done by the helpdesk; returns the number of devices removed."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        record(action="account.second_factor_reset", actor=actor, obj=user, organisation=_organisation_of(user))
    return removed


def set_directory_consent(*, user: User, consents: bool) -> None:
    """R7: the person's own choice to be shown to counterparts in the contact directory."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(consents_to_share_contact_details=consents)
        user.consents_to_share_contact_details = consents
        record(
            action="account.directory_consent_changed",
            actor=user,
            obj=user,
            details={"consents": consents},
        )
