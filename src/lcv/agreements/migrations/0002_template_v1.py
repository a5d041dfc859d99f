"""Version 1 of the LCV agreement template, with the art. 3.1 windows per sector (FACTS.md)."""

from django.db import migrations

from lcv.agreements.reference import ensure_template_v1


def create(apps, schema_editor):
    ensure_template_v1(apps.get_model("agreements", "AgreementTemplate"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
