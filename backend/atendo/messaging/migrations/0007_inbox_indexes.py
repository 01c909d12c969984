"""Two inbox orders no index gave (bench/inbox_scale.py, 100,000 conversations): "mine" with any
status, and "unassigned" with a status (IS NULL is no equality to the planner, so conv_assignee
cannot give those rows in order: it read thousands of rows to keep a hundred)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0006_conversation_sla"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["tenant", "assignee", "-last_activity_at", "-id"], name="conv_assignee_recent"),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True)),
                fields=["tenant", "status", "-last_activity_at", "-id"],
                name="conv_unassigned",
            ),
        ),
    ]
