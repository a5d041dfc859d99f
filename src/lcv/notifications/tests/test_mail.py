"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1) and the demo mail viewer."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from lcv.config.mail import mailers_from_url
from lcv.notifications.models import DevMail
from lcv.testing.factories import make_user

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}")
    yield sink
    controller.stop()


def test_reset_mail_goes_out_over_smtp(smtp_sink, reset_password_of):
    make_user(email="smtp@voorbeeld.nl", full_name="Sanne Smit")
    reset_password_of("smtp@voorbeeld.nl")
    assert len(smtp_sink.messages) == 1
    recipients, message = smtp_sink.messages[0]
    assert recipients == ["smtp@voorbeeld.nl"]
    assert message["Subject"] == "Nieuw wachtwoord voor het LCV-portaal"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "http://127.0.0.1:8000/account/wachtwoord/" in parts["text/plain"]
    assert "Sanne Smit" in parts["text/html"]


def test_devmail_backend_keeps_the_mail_and_the_viewer_shows_it(client, settings, reset_password_of):
    settings.LCV_DEMO = True
    settings.MAILERS = mailers_from_url("devmail:")
    make_user(email="demo@voorbeeld.nl")
    reset_password_of("demo@voorbeeld.nl")
    mail = DevMail.objects.get()
    assert mail.to == "demo@voorbeeld.nl"
    listing = client.get(reverse("devmail:list"))
    assert "Nieuw wachtwoord voor het LCV-portaal" in listing.content.decode()
    detail = client.get(reverse("devmail:detail", args=[mail.pk]))
    assert 'href="http://127.0.0.1:8000/account/wachtwoord/' in detail.content.decode()


def test_mail_viewer_does_not_exist_outside_demo_mode(client, settings):
    settings.LCV_DEMO = False
    mail = DevMail.objects.create(from_email="a@b.nl", to="c@d.nl", subject="s", body="b")
    assert client.get(reverse("devmail:list")).status_code == 404
    assert client.get(reverse("devmail:detail", args=[mail.pk])).status_code == 404


def test_a_new_partner_notice_goes_to_the_addresses_its_caller_gives(django_capture_on_commit_callbacks, mailoutbox):
    """notifications looks up no contact persons (it imports no domain app): the caller passes
    each recipient organisation with the addresses to mail."""
    from lcv.notifications.models import Notice
    from lcv.notifications.services import notify_new_partner
    from lcv.testing.factories import make_organisation, member, municipality_organisation

    amsterdam = municipality_organisation("0363")
    member(amsterdam, "contact", email="contact@amsterdam.nl")  # not asked for: not mailed
    partner = make_organisation(kind="signal_partner", name="Waterbedrijf Test", sector="water")
    with django_capture_on_commit_callbacks(execute=True):
        told = notify_new_partner(partner=partner, recipients=[(amsterdam, ["gekozen@voorbeeld.nl"])])
    assert told == 1
    assert Notice.objects.get(subject=partner).recipient == amsterdam
    assert [m.to for m in mailoutbox] == [["gekozen@voorbeeld.nl"]]
