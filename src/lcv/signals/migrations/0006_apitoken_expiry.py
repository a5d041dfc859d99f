from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def a_year_after_creation(apps, schema_editor):
    """Keys made before expiry existed get the longest term a new key can have."""
    apps.get_model("signals", "ApiToken").objects.update(expires_at=F("created_at") + timedelta(days=365))


class Migration(migrations.Migration):
    dependencies = [("signals", "0005_delivery_attempts")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="geldig tot"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expiry_reminder_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(a_year_after_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="geldig tot"),
        ),
    ]
