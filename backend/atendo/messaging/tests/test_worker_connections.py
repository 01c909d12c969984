"""Worker tasks keep their database connection (a reconnect per drain task cost ~15 % of it):
closed only when broken or older than CONN_MAX_AGE, like Django does around requests."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.db import connection, connections

from atendo.config.celery import _close_old_db_connections, app

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as in a worker


def _task(*, eager: bool) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_a_task_keeps_a_sound_connection_and_drops_an_obsolete_one():
    # Celery's Django fixup would otherwise close every connection around every task.
    assert app.conf.db_reuse_max and app.conf.db_reuse_max >= 100
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60  # as set at connect for CONN_MAX_AGE
    session = connection.connection
    _close_old_db_connections(task=_task(eager=False))
    assert connection.connection is session
    with connection.cursor() as cursor:  # health-checked, then used as it is
        cursor.execute("SELECT 1")
    assert connection.connection is session
    connection.close_at = time.monotonic() - 1  # past CONN_MAX_AGE
    _close_old_db_connections(task=_task(eager=False))
    assert connection.connection is None


def test_eager_tasks_leave_the_callers_connection_alone():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    session = connection.connection
    _close_old_db_connections(task=_task(eager=True))
    assert connection.connection is session


def test_a_drain_right_after_another_skips_the_health_check_and_survives_a_dead_connection(monkeypatch):
    from atendo.messaging import tasks

    connection.ensure_connection()
    monkeypatch.setattr(tasks, "_connection_proven_at", time.monotonic())  # a drain just ended
    _close_old_db_connections(task=_task(eager=False))
    dead = connection.connection
    other = connections.create_connection("default")  # the session dies meanwhile (a restart)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dead.info.backend_pid])
    finally:
        other.close()
    assert tasks.drain_inbound_events.run() == 0  # no `SELECT 1` first: fails, then a new session
    assert connection.connection is not None and connection.connection is not dead
    assert tasks._connection_proven_at > time.monotonic() - 1


def test_a_drain_after_a_pause_checks_its_connection_first(monkeypatch):
    from atendo.messaging import tasks

    connection.ensure_connection()
    monkeypatch.setattr(tasks, "_connection_proven_at", time.monotonic() - 60)
    _close_old_db_connections(task=_task(eager=False))
    assert tasks._skip_health_check_if_proven() is False
    assert connection.health_check_done is False
