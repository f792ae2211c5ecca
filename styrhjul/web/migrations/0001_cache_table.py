"""The database cache's table (settings.CACHES, docs/drift.md#flera-processer),
made by `styrhjul migrate` like every other table. It does nothing when the
cache is Redis or in the process; `styrhjul serve` makes it too, in case the
setting changed after this ran."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
