"""The second text of the LCV agreement (issue 10): art. 3.5 without a fixed delivery date (FAQ 25),
LCV-portaal among the systems of art. 3.2, and the signature page instead of blank signature lines."""

from django.db import migrations

from lcv.agreements.reference import ensure_text_v2


def create(apps, schema_editor):
    ensure_text_v2(apps.get_model("agreements", "AgreementTemplate"), apps.get_model("agreements", "Agreement"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0009_addendum_acceptance_and_signal_system")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
