import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from lcv.audit.models import AppendOnlyError, AuditEvent
from lcv.audit.services import record
from lcv.organisations.models import OrganisationKind
from lcv.testing.auth import login_verified
from lcv.testing.factories import make_organisation, member

pytestmark = pytest.mark.django_db


def platform():
    return make_organisation(kind=OrganisationKind.PLATFORM, kvk_number="", sector="", national_coverage=False)


def test_record_keeps_actor_organisation_object_and_origin(client):
    organisation = make_organisation()
    user = member(organisation, "contact")
    client.post(reverse("accounts:login"), {"username": user.email, "password": "fout"}, HTTP_USER_AGENT="Test/1.0")
    event = AuditEvent.objects.get(action="account.login_failed")
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "Test/1.0"
    event = record(action="test.done", actor=user, obj=organisation, details={"count": 2})
    assert event.organisation == organisation
    assert event.object_type == "organisations.organisation"
    assert event.object_id == str(organisation.pk)


def test_events_cannot_be_changed_or_removed_through_the_orm():
    event = record(action="test.done")
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_from_raw_sql():
    event = record(action="test.done")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger exists on PostgreSQL only")
def test_postgresql_refuses_deletes_from_raw_sql():
    event = record(action="test.done")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_personal_data_is_refused_in_details():
    with pytest.raises(ValueError, match="personal data"):
        record(action="test.done", details={"bsn": "123456782"})


def test_helpdesk_reads_the_audit_log(client):
    helpdesk = member(platform(), "helpdesk")
    record(action="organisation.created")
    login_verified(client, helpdesk)
    response = client.get(reverse("audit:log"), {"handeling": "organisation.created"})
    assert response.status_code == 200
    assert "Organisatie aangemaakt" in response.content.decode()  # words, not the code (test_log_screen.py)


@pytest.mark.parametrize("roles", [("contact", "signatory", "handler", "deliverer", "analyst"), ("helpdesk",)])
def test_audit_log_is_refused_outside_the_platform_helpdesk(client, roles):
    # all roles of a signal partner, and a "helpdesk" role held outside the platform organisation
    user = member(make_organisation(), *roles)
    login_verified(client, user)
    assert client.get(reverse("audit:log")).status_code == 403


def test_platform_members_without_helpdesk_role_are_refused(client):
    analyst = member(platform(), "analyst")
    login_verified(client, analyst)
    assert client.get(reverse("audit:log")).status_code == 403


def test_audit_log_pages_keep_the_filter(client):
    helpdesk = member(platform(), "helpdesk")
    for _ in range(60):
        record(action="organisation.created")
    login_verified(client, helpdesk)
    content = client.get(reverse("audit:log"), {"handeling": "organisation"}).content.decode()
    assert "Pagina 1 van 2" in content
    assert "?handeling=organisation&amp;pagina=2" in content
    second = client.get(reverse("audit:log"), {"handeling": "organisation", "pagina": "2"}).content.decode()
    assert "Pagina 2 van 2" in second
