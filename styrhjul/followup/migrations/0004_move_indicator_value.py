# The indicator values moved to the indicators app (its migration 0001); only
# Django's state changes here, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0003_indicator_value_source_weight'),
        ('indicators', '0001_move_indicator_value'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveField(
            model_name='indicatorvalue',
            name='item',
        ),
        migrations.RemoveField(
            model_name='indicatorvalue',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='indicatorvalue',
            name='updated_by',
        ),
        migrations.DeleteModel(
            name='HistoricalIndicatorValue',
        ),
        migrations.DeleteModel(
            name='IndicatorValue',
        ),
        ]),
    ]
