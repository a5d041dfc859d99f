"""Mail that must not reveal, by its timing or by a failure, whether an address is known."""

from __future__ import annotations

from django.tasks import task


@task()
def send_password_reset_task(user_id: int) -> None:
    """R8: the reset mail is sent by the worker, so the request answers the same, just as fast,
    whether the address is known and whether the mail server is up."""
    from lcv.accounts.models import User
    from lcv.accounts.services import send_password_reset

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        send_password_reset(user=user)
