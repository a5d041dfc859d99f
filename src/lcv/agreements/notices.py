"""R4: every Monday, each signatory with agreements newly waiting for their signature gets one
e-mail listing them; no e-mail when there are none. No deadline: an agreement stays open."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.db import transaction
from django.urls import reverse

from lcv.agreements.models import Agreement, AgreementStatus, Signature, SigningNotice
from lcv.audit.services import record
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Membership, Organisation


def _waiting_by_organisation() -> dict[int, list[int]]:
    waiting: dict[int, list[int]] = defaultdict(list)
    agreements = Agreement.objects.filter(
        status__in=[AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED]
    ).values_list("id", "municipal_party_id", "partner_id", "executor_id")
    signed = set(
        Signature.objects.filter(
            agreement__status__in=[AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED]
        ).values_list("agreement_id", "organisation_id")
    )
    noticed = set(SigningNotice.objects.values_list("agreement_id", "organisation_id"))
    for agreement_id, *party_ids in agreements:
        for party in party_ids:
            if party and (agreement_id, party) not in signed and (agreement_id, party) not in noticed:
                waiting[party].append(agreement_id)
    return waiting


def send_signing_notices() -> int:
    """Send the Monday e-mails; returns the number of e-mails. Running it again sends nothing new."""
    sent = 0
    for organisation_id, agreement_ids in _waiting_by_organisation().items():
        signatory = (
            Membership.objects.filter(organisation_id=organisation_id, is_signatory=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        if signatory is None:
            continue  # told once a signatory exists
        with transaction.atomic():
            organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
            already = set(
                SigningNotice.objects.filter(organisation=organisation, agreement_id__in=agreement_ids).values_list(
                    "agreement_id", flat=True
                )
            )
            new_ids = [pk for pk in agreement_ids if pk not in already]
            if not new_ids:
                continue
            SigningNotice.objects.bulk_create(
                [SigningNotice(agreement_id=pk, organisation=organisation) for pk in new_ids]
            )
            agreements = list(
                Agreement.objects.filter(pk__in=new_ids).select_related("municipal_party", "partner").order_by("id")
            )
            context = {
                "organisation": organisation,
                "signatory": signatory.user,
                "agreements": agreements,
                "link": absolute_url(reverse("agreements:to_sign")),
            }
            transaction.on_commit(
                partial(send_templated_mail, to=[signatory.user.email], template="signing_notice", context=context)
            )
            record(action="agreements.signing_notice_sent", organisation=organisation, details={"count": len(new_ids)})
            sent += 1
    return sent
