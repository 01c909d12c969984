"""The audit log is append-only in the database too: row UPDATE and DELETE are refused.

TRUNCATE is left to the table owner (test flushes use it; an owner could drop the trigger anyway).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditlog is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditlog_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditlog_no_update_delete ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
