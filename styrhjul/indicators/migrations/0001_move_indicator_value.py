# The indicator values (IndicatorValue and its history) move from the followup
# app to the indicators app. Only Django's state moves: the tables keep their
# names (followup_indicatorvalue, followup_historicalindicatorvalue), so no
# data is copied. The content types are renamed, so permissions stay.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def rename_content_types(old, new):
    """SQL that gives the content types of the moved models their new app
    label, unless it exists already (plain SQL: no model states to build)."""
    return (
        f"UPDATE django_content_type SET app_label = '{new}' "
        f"WHERE app_label = '{old}' "
        "AND model IN ('indicatorvalue', 'historicalindicatorvalue') "
        "AND NOT EXISTS (SELECT 1 FROM django_content_type AS other "
        f"WHERE other.app_label = '{new}' AND other.model = django_content_type.model)"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('followup', '0003_indicator_value_source_weight'),
        ('organisation', '0002_default_unit_types'),
        ('planning', '0004_indicator_series_targets_aggregation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='HistoricalIndicatorValue',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveIntegerField(verbose_name='år')),
                ('period', models.CharField(blank=True, help_text='Tom för helår, annars t.ex. 2025-08.', max_length=10, verbose_name='period')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall')),
                ('value_women', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall kvinnor')),
                ('value_men', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall män')),
                ('note', models.CharField(blank=True, help_text='Vad värdet avser, t.ex. ”Avser period ett”.', max_length=300, verbose_name='avser')),
                ('source', models.CharField(choices=[('manual', 'Manuellt'), ('imported', 'Import'), ('computed', 'Beräknat från underliggande enheter')], default='manual', max_length=10, verbose_name='källa')),
                ('weight', models.DecimalField(blank=True, decimal_places=2, help_text='För viktat medelvärde, t.ex. antal svarande eller elever.', max_digits=14, null=True, verbose_name='vikt')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='senast ändrad')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='planning.item')),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisation.unit')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ändrad av')),
            ],
            options={
                'verbose_name': 'historical utfall',
                'verbose_name_plural': 'historical utfall',
                'db_table': 'followup_historicalindicatorvalue',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='IndicatorValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveIntegerField(verbose_name='år')),
                ('period', models.CharField(blank=True, help_text='Tom för helår, annars t.ex. 2025-08.', max_length=10, verbose_name='period')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall')),
                ('value_women', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall kvinnor')),
                ('value_men', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='utfall män')),
                ('note', models.CharField(blank=True, help_text='Vad värdet avser, t.ex. ”Avser period ett”.', max_length=300, verbose_name='avser')),
                ('source', models.CharField(choices=[('manual', 'Manuellt'), ('imported', 'Import'), ('computed', 'Beräknat från underliggande enheter')], default='manual', max_length=10, verbose_name='källa')),
                ('weight', models.DecimalField(blank=True, decimal_places=2, help_text='För viktat medelvärde, t.ex. antal svarande eller elever.', max_digits=14, null=True, verbose_name='vikt')),
                ('updated_at', models.DateTimeField(auto_now=True, null=True, verbose_name='senast ändrad')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='values', to='planning.item')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicator_values', to='organisation.unit')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ändrad av')),
            ],
            options={
                'verbose_name': 'utfall',
                'verbose_name_plural': 'utfall',
                'db_table': 'followup_indicatorvalue',
                'ordering': ['year', 'period'],
                'constraints': [models.UniqueConstraint(fields=('item', 'unit', 'year', 'period'), name='one_value_per_period')],
            },
        ),
        ]),
        migrations.RunSQL(
            rename_content_types('followup', 'indicators'),
            rename_content_types('indicators', 'followup'),
        ),
    ]
