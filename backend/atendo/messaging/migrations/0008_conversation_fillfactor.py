"""Room on each page of messaging_conversation for updated rows (fillfactor 85).

Writes that touch no indexed column (the SLA copy an SLA scan writes on a thousand conversations
at once, read/unread counters) can then be HOT updates: the new row version stays on its page
and none of the table's 18 indexes gets an entry. With full pages each such update wrote all of
them (bench/sla_scan.py: the scan's conversation UPDATE of 1,000 rows took 50 ms, 9 ms HOT).
Changing the setting takes a light lock and rewrites nothing: pages filled from now on stop at
85%, existing full ones gain room as vacuum frees it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0007_inbox_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE messaging_conversation SET (fillfactor = 85)",
            reverse_sql="ALTER TABLE messaging_conversation RESET (fillfactor)",
        ),
    ]
