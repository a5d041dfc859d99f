import pytest
from django.core.management import call_command

from lcv.accounts.models import User
from lcv.organisations.models import Membership, Organisation, OrganisationKind
from lcv.registrations.models import Registration


@pytest.mark.django_db
def test_demo_data_is_created_once(settings, capsys):
    settings.LCV_DEMO = True
    call_command("demo")
    first = capsys.readouterr().out
    assert "demo-LCV-2026" in first
    counts = (User.objects.count(), Organisation.objects.count(), Registration.objects.count())
    call_command("demo")
    assert (User.objects.count(), Organisation.objects.count(), Registration.objects.count()) == counts
    assert Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count() == 5
    assert Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER).count() == 12
    assert set(Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER).values_list("sector", flat=True)) == {
        "housing",
        "water",
        "energy",
        "health_insurance",
    }
    assert Membership.objects.filter(is_helpdesk=True).exists()
    assert Registration.objects.filter(duplicate_of__isnull=False).count() == 1


@pytest.mark.django_db
def test_demo_refuses_outside_demo_mode(settings):
    from django.core.management.base import CommandError

    settings.LCV_DEMO = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not User.objects.exists()
