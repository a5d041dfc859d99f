"""On PostgreSQL, store delivery content uncompressed out of line (STORAGE EXTERNAL), so reading it
a megabyte at a time with substring() fetches only those bytes instead of decompressing the whole
file for every block."""

from django.db import migrations


def external(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE signals_delivery ALTER COLUMN content SET STORAGE EXTERNAL")


def extended(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE signals_delivery ALTER COLUMN content SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("signals", "0002_delivery_heartbeat")]

    operations = [migrations.RunPython(external, extended)]
