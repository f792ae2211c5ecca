from django.db import migrations

from styrhjul.organisation.defaults import DEFAULT_UNIT_TYPES


def seed(apps, schema_editor):
    UnitType = apps.get_model("organisation", "UnitType")
    for name, plural, order in DEFAULT_UNIT_TYPES:
        UnitType.objects.get_or_create(name=name, defaults={"plural": plural, "order": order})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
