"""`Contact.identity_text`: the contact's identity values in its own row, for search.

Kept by the database, so that every writer (the contact services, channels creating web chat
visitors, merges moving identities, bulk loads, raw SQL) keeps it right without knowing of it:
- statement-level triggers on contacts_contactidentity (insert, update, delete) touch the contacts
  whose identities changed, once per statement whatever the number of rows;
- a row trigger on contacts_contact (before an insert, or an update that sets the column)
  recomputes it from the identities, so a touch refreshes it and a stale value sent by a full ORM
  save() is not stored; updates of other columns (a name an inbound message fills in,
  `updated_at`) leave it alone and skip the identities read.
Bulk loads that run with session_replication_role = replica (triggers off) fill it themselves
(bench/inbox_seed.py).
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

FORWARD = r"""
CREATE OR REPLACE FUNCTION contacts_identity_text_of(contact uuid) RETURNS text AS $$
    SELECT coalesce(string_agg(value, E'\n' ORDER BY kind, value), '')
    FROM contacts_contactidentity WHERE contact_id = contact
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION contacts_contact_identity_text() RETURNS trigger AS $$
BEGIN
    NEW.identity_text := contacts_identity_text_of(NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_contact_identity_text
    BEFORE INSERT OR UPDATE OF identity_text ON contacts_contact
    FOR EACH ROW EXECUTE FUNCTION contacts_contact_identity_text();

-- The contact's own trigger recomputes the column: touching the row is enough.
CREATE OR REPLACE FUNCTION contacts_identity_touch_inserted() RETURNS trigger AS $$
BEGIN
    UPDATE contacts_contact SET identity_text = '' WHERE id IN (SELECT contact_id FROM new_rows);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contacts_identity_touch_deleted() RETURNS trigger AS $$
BEGIN
    UPDATE contacts_contact SET identity_text = '' WHERE id IN (SELECT contact_id FROM old_rows);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION contacts_identity_touch_updated() RETURNS trigger AS $$
BEGIN
    UPDATE contacts_contact SET identity_text = ''
    WHERE id IN (SELECT contact_id FROM new_rows UNION SELECT contact_id FROM old_rows);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_identity_inserted
    AFTER INSERT ON contacts_contactidentity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contacts_identity_touch_inserted();
CREATE TRIGGER contacts_identity_deleted
    AFTER DELETE ON contacts_contactidentity REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contacts_identity_touch_deleted();
CREATE TRIGGER contacts_identity_updated
    AFTER UPDATE ON contacts_contactidentity REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contacts_identity_touch_updated();

UPDATE contacts_contact k SET identity_text = '' WHERE EXISTS (SELECT FROM contacts_contactidentity i WHERE i.contact_id = k.id);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS contacts_identity_updated ON contacts_contactidentity;
DROP TRIGGER IF EXISTS contacts_identity_deleted ON contacts_contactidentity;
DROP TRIGGER IF EXISTS contacts_identity_inserted ON contacts_contactidentity;
DROP TRIGGER IF EXISTS contacts_contact_identity_text ON contacts_contact;
DROP FUNCTION IF EXISTS contacts_identity_touch_updated();
DROP FUNCTION IF EXISTS contacts_identity_touch_deleted();
DROP FUNCTION IF EXISTS contacts_identity_touch_inserted();
DROP FUNCTION IF EXISTS contacts_contact_identity_text();
DROP FUNCTION IF EXISTS contacts_identity_text_of(uuid);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="identity_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="contact",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("identity_text"), name="gin_trgm_ops"
                ),
                name="contact_identity_text_trgm",
            ),
        ),
    ]
