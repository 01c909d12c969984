import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0003_mailbox_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundevent",
            name="next_attempt_at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
        ),
        migrations.AddField(
            model_name="inboundevent",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveIndex(
            model_name="inboundevent",
            name="inbound_pending",
        ),
        migrations.AddIndex(
            model_name="inboundevent",
            index=models.Index(condition=models.Q(("status", "pending")), fields=["id"], name="inbound_pending_order"),
        ),
    ]
