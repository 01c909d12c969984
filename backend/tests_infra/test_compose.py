"""docker-compose.yml is a valid, coherent Compose file (no Docker engine needed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SETTINGS = ROOT / "backend" / "atendo" / "config" / "settings.py"

REQUIRED_SERVICES = {"postgres", "redis", "web", "worker", "beat"}
QUEUES = {"default", "webhooks", "automations", "analytics"}
# Read by Django/Python themselves rather than by settings.py.
RUNTIME_VARIABLES = {"DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose().get("services")
    assert isinstance(services, dict), "services must be a mapping"
    assert services, "no services"
    return services


def _app_services() -> dict[str, dict[str, Any]]:
    """Services running the Atendo image (built from the Dockerfile)."""
    return {name: svc for name, svc in _services().items() if "build" in svc}


def _settings_variables() -> set[str]:
    source = SETTINGS.read_text()
    return set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {str(k): str(v) for k, v in environment.items()}


def test_required_services_are_defined() -> None:
    assert set(_services()) >= REQUIRED_SERVICES


@pytest.mark.parametrize("name", sorted(REQUIRED_SERVICES | {"ws"}))
def test_every_service_has_an_image_or_a_build(name: str) -> None:
    service = _services()[name]
    assert "image" in service or "build" in service


def test_depends_on_names_defined_services() -> None:
    services = _services()
    for name, service in services.items():
        depends = service.get("depends_on", [])
        targets = list(depends) if isinstance(depends, (list, dict)) else []
        assert targets or "depends_on" not in service, f"{name}: malformed depends_on"
        for target in targets:
            assert target in services, f"{name} depends on undefined service {target!r}"
            assert target != name, f"{name} depends on itself"


def test_depends_on_conditions_are_valid() -> None:
    allowed = {"service_started", "service_healthy", "service_completed_successfully"}
    services = _services()
    for name, service in services.items():
        depends = service.get("depends_on", {})
        if isinstance(depends, dict):
            for target, spec in depends.items():
                condition = (spec or {}).get("condition", "service_started")
                assert condition in allowed, f"{name} -> {target}: bad condition {condition!r}"
                if condition == "service_healthy":
                    assert "healthcheck" in services[target], f"{target} has no healthcheck"


def test_worker_consumes_the_four_queues() -> None:
    command = _command(_services()["worker"])
    assert "worker" in command
    queues = command[command.index("-Q") + 1] if "-Q" in command else ""
    assert set(queues.split(",")) == QUEUES


def test_beat_uses_the_database_scheduler() -> None:
    command = " ".join(_command(_services()["beat"]))
    assert " beat" in command
    assert "django_celery_beat.schedulers:DatabaseScheduler" in command


def test_web_and_ws_run_the_configured_applications() -> None:
    services = _services()
    web = " ".join(_command(services["web"]))
    assert "granian" in web
    assert "--interface wsgi" in web
    assert "atendo.config.wsgi:application" in web
    if "ws" in services:
        assert "atendo.config.asgi:application" in " ".join(_command(services["ws"]))


def test_app_environment_uses_only_variables_settings_read() -> None:
    known = _settings_variables() | RUNTIME_VARIABLES
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"} <= known, "settings.py parse failed"
    app = _app_services()
    assert {"web", "worker", "beat"} <= set(app)
    for name, service in app.items():
        unknown = set(_environment(service)) - known
        assert not unknown, f"{name}: settings.py reads no {sorted(unknown)}"


def test_app_services_point_at_the_compose_data_stores() -> None:
    for name, service in _app_services().items():
        environment = _environment(service)
        assert "@postgres:" in environment.get("DATABASE_URL", ""), name
        assert environment.get("REDIS_URL", "").startswith("redis://redis:"), name
        assert environment.get("DEBUG", "").lower() in {"false", "0", "no", "off"}, name
