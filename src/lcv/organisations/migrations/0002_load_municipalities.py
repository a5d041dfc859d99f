"""Load the 342 municipalities of 1 January 2025 (CBS) from organisations/data/gemeenten-2025.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "gemeenten-2025.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("organisations", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        rows = [(row["cbs_code"].zfill(4), row["name"]) for row in csv.DictReader(handle)]
    existing = set(Municipality.objects.values_list("cbs_code", flat=True))
    Municipality.objects.bulk_create(
        [Municipality(cbs_code=code, name=name) for code, name in rows if code not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
