from django.db import migrations


class Migration(migrations.Migration):
    """DocumentText moves to follow-up (followup 0006 takes over its tables):
    units write their documents' texts in their tasks."""

    dependencies = [
        ("documents", "0005_documentjob_task_id"),
        ("followup", "0006_document_sections_and_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DocumentText"),
                migrations.DeleteModel(name="HistoricalDocumentText"),
            ],
            database_operations=[],
        ),
    ]
