from __future__ import annotations

from celery import shared_task

from atendo.tickets.sla import sla_scan


@shared_task(queue="default", acks_late=True)
def scan_sla() -> dict[str, int]:
    """Every minute (beat): mark due SLA warnings and breaches. Idempotent and concurrency-safe."""
    return sla_scan()
