import pytest
from django.core.management import call_command

from lcv.accounts.models import User
from lcv.agreements.models import Agreement, AgreementDocument, AgreementHistory, AgreementStatus, Signature
from lcv.agreements.selectors import to_sign_by
from lcv.organisations.models import Membership, Organisation, OrganisationKind
from lcv.portal.demo import DEMO_PASSWORD, load_demo_data
from lcv.registrations.models import Registration
from lcv.signals.models import Delivery, RowError, Signal


@pytest.mark.django_db
def test_demo_data_is_created_once(settings, capsys):
    settings.LCV_DEMO = True
    call_command("demo")
    first = capsys.readouterr().out
    assert "demo-LCV-2026" in first
    assert f"{Agreement.objects.count()} agreements, 3 active" in first
    assert "A demo delivery of Water Midden: 9 signals accepted, 3 rows refused." in first
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


def _pair(agreement: Agreement) -> tuple[str, str]:
    return (agreement.municipal_party.name, agreement.partner.name)


@pytest.mark.django_db
def test_demo_takes_agreements_through_release_and_signing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        load_demo_data()
    agreements = Agreement.objects.select_related("municipal_party", "partner")
    active = agreements.filter(status=AgreementStatus.ACTIVE)
    assert {_pair(a) for a in active} == {
        ("Gemeente Utrecht", "Water Midden"),
        ("Gemeente Utrecht", "Stroomlijn Energie"),
        ("Gemeente Utrecht", "Domstad Huur"),
    }
    for agreement in active:
        signatures = Signature.objects.filter(agreement=agreement).select_related("signer")
        assert {s.organisation_id for s in signatures} == {agreement.municipal_party_id, agreement.partner_id}
        for signature in signatures:
            assert Membership.objects.get(user=signature.signer).organisation_id == signature.organisation_id
            assert signature.signer.email.startswith("tekenbevoegde.")
            assert (signature.ip_address, signature.user_agent) == ("127.0.0.1", "LCV-demo")
        assert agreement.activated_at is not None
        events = list(AgreementHistory.objects.filter(agreement=agreement).values_list("event", "to_status"))
        assert events == [
            ("generate", "draft"),
            ("release", "released"),
            ("sign", "partially_signed"),
            ("sign", "active"),
        ]
    # released and waiting: both parties of Utrecht's and Amsterdam's have something to sign
    released = agreements.filter(status=AgreementStatus.RELEASED)
    assert len(released) == 3
    assert not Signature.objects.filter(agreement__in=released).exists()
    partly = agreements.get(status=AgreementStatus.PARTIALLY_SIGNED)
    assert _pair(partly) == ("Gemeente Amsterdam", "Waterbedrijf West")
    assert list(partly.signatures.values_list("organisation__name", flat=True)) == ["Waterbedrijf West"]
    amsterdam = Organisation.objects.get(name="Gemeente Amsterdam")
    assert to_sign_by(amsterdam).count() == 3
    assert to_sign_by(Organisation.objects.get(name="Gemeente Utrecht")).count() == 1
    assert to_sign_by(Organisation.objects.get(name="Amstel Wonen")).count() == 1
    # the rest stays draft; nothing was set by hand: every agreement came through the services
    assert agreements.filter(status=AgreementStatus.DRAFT).count() == agreements.count() - 7
    assert agreements.count() > 20
    # sealing is left to the worker: queued on commit, not done during the demo
    assert not AgreementDocument.objects.filter(kind="final").exists()
    assert len(callbacks) >= 3


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing():
    load_demo_data()

    def state() -> tuple[object, ...]:
        return (
            User.objects.count(),
            Organisation.objects.count(),
            sorted(Agreement.objects.values_list("id", "status")),
            Signature.objects.count(),
            AgreementHistory.objects.count(),
            AgreementDocument.objects.count(),
            list(Delivery.objects.values_list("id", "status", "accepted", "rejected")),
            Signal.objects.count(),
            RowError.objects.count(),
        )

    before = state()
    second = load_demo_data()
    assert state() == before
    assert second.created == 0
    assert (second.agreements, second.active) == (Agreement.objects.count(), 3)
    assert second.delivery is not None
    assert second.delivery.pk == Delivery.objects.get(file_name="demo-signalen.csv").pk


@pytest.mark.django_db
def test_demo_people_log_in_with_the_demo_password():
    load_demo_data()
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_every_demo_signatory_can_sign_with_the_shared_demo_code(settings):
    """A tester without an authenticator app signs with the code shown on /dev/mail/."""
    from django_otp import match_token

    from lcv.accounts.demo import current_demo_code
    from lcv.organisations.models import Membership

    settings.LCV_DEMO = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from lcv.portal.demo import load_demo_data

    load_demo_data()
    signatories = [m.user for m in Membership.objects.filter(is_signatory=True).select_related("user")]
    assert signatories
    code = current_demo_code()
    assert code is not None
    for user in signatories:
        assert match_token(user, code) is not None
