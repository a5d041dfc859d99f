"""Load the 342 municipalities of 1 January 2025 (CBS) from organisations/data/gemeenten-2025.csv."""

from django.db import migrations

from lcv.organisations.reference import load_municipalities


def load(apps, schema_editor):
    load_municipalities(apps.get_model("organisations", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
