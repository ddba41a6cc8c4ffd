"""Create the audit chain's head row (the genesis state) so every writer can lock it."""

from django.db import migrations


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("governance", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
