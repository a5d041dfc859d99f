from __future__ import annotations

from django.db.models import QuerySet

from lcv.organisations.models import Membership, Organisation


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")


def organisation_with_municipalities(pk: int) -> Organisation:
    return Organisation.objects.select_related("municipality").prefetch_related("municipalities").get(pk=pk)
