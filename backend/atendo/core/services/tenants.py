"""Tenant lifecycle: creation (the caller becomes owner), settings and domains."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.core.access import ensure_can
from atendo.core.errors import ApplicationError, ConflictError, NotFoundError
from atendo.core.models import Role, RoleAssignment, Tenant, TenantDomain, TenantUser, User
from atendo.core.permissions import BUILTIN_ROLES, OWNER_ROLE
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record
from atendo.core.tenancy import forget_hostname, normalize_hostname

TENANT_EDITABLE_FIELDS = ("name", "timezone", "locale", "reopen_window_hours")


def builtin_roles_ensure(*, tenant: Tenant) -> dict[str, Role]:
    """Create (or bring up to date) the built-in roles of a tenant. Idempotent."""
    roles: dict[str, Role] = {}
    for slug, (name, permissions) in BUILTIN_ROLES.items():
        role, _created = Role.objects.for_tenant(tenant).update_or_create(
            tenant=tenant,
            slug=slug,
            defaults={"name": name, "permissions": sorted(permissions), "is_builtin": True},
        )
        roles[slug] = role
    return roles


def tenant_create(
    *,
    creator: User,
    name: str,
    slug: str,
    timezone_name: str = "America/Sao_Paulo",
    locale: str = "pt-BR",
    context: RequestContext = SYSTEM,
) -> Tenant:
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(name=name, slug=slug, timezone=timezone_name, locale=locale)
    except IntegrityError as exc:
        raise ConflictError(
            _("This address is already taken."), code="slug_taken", fields={"slug": [_("Already taken.")]}
        ) from exc
    with transaction.atomic():
        roles = builtin_roles_ensure(tenant=tenant)
        owner = TenantUser.objects.create(
            tenant=tenant,
            user=creator,
            display_name=creator.name or creator.email.split("@")[0],
            status=TenantUser.Status.ACTIVE,
            joined_at=timezone.now(),
        )
        RoleAssignment.objects.create(tenant=tenant, member=owner, role=roles[OWNER_ROLE])
        audit_record(
            tenant=tenant,
            actor=creator,
            action="tenant.created",
            target=tenant,
            changes={"name": name, "slug": slug},
            context=context,
        )
    return tenant


def tenant_update(
    *, tenant: Tenant, actor: TenantUser, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Tenant:
    ensure_can(actor, "tenant.manage", tenant)
    changes = assign_changed_fields(tenant, data, TENANT_EDITABLE_FIELDS)
    if changes:
        with transaction.atomic():
            tenant.save(update_fields=[*changes, "updated_at"])
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="tenant.updated",
                target=tenant,
                changes=changes,
                context=context,
            )
    return tenant


def domain_add(
    *,
    tenant: Tenant,
    actor: TenantUser,
    hostname: str,
    is_primary: bool = False,
    context: RequestContext = SYSTEM,
) -> TenantDomain:
    ensure_can(actor, "domain.manage", tenant)
    hostname = normalize_hostname(hostname)
    try:
        with transaction.atomic():
            if is_primary:
                TenantDomain.objects.for_tenant(tenant).filter(is_primary=True).update(is_primary=False)
            domain = TenantDomain.objects.create(
                tenant=tenant,
                hostname=hostname,
                is_primary=is_primary,
                verification_token=secrets.token_hex(16),
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="domain.added",
                target=domain,
                changes={"hostname": hostname, "is_primary": is_primary},
                context=context,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("This domain is already registered."),
            code="domain_taken",
            fields={"hostname": [_("Already registered.")]},
        ) from exc
    return domain


VERIFICATION_RECORD_PREFIX = "_atendo-challenge"


def domain_verification_record(domain: TenantDomain) -> tuple[str, str]:
    """The DNS TXT record (name, value) the tenant publishes to prove it owns the domain."""
    return f"{VERIFICATION_RECORD_PREFIX}.{domain.hostname}", f"atendo-verification={domain.verification_token}"


def _published_txt_values(name: str) -> list[str]:
    import dns.exception
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
    if settings.DNS_NAMESERVERS:
        resolver.nameservers = list(settings.DNS_NAMESERVERS)
        resolver.port = settings.DNS_PORT
    resolver.lifetime = settings.DNS_TIMEOUT_SECONDS
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
        return []
    except dns.exception.Timeout as exc:
        raise ApplicationError(_("The DNS lookup timed out. Try again in a minute."), code="dns_timeout") from exc
    return [b"".join(record.strings).decode(errors="replace") for record in answer]


def domain_verify(
    *, tenant: Tenant, actor: TenantUser, domain_id: Any, context: RequestContext = SYSTEM
) -> TenantDomain:
    """Check the TXT record and mark the domain verified when it is published."""
    ensure_can(actor, "domain.manage", tenant)
    domain = TenantDomain.objects.for_tenant(tenant).filter(id=domain_id).first()
    if domain is None:
        raise NotFoundError()
    if domain.is_verified:
        return domain
    name, value = domain_verification_record(domain)
    if value not in _published_txt_values(name):
        raise ApplicationError(
            _(
                "We could not find the verification record. Publish a TXT record %(name)s with the value "
                "%(value)s and try again (DNS changes can take a while)."
            )
            % {"name": name, "value": value},
            code="domain_not_verified",
            fields={"hostname": [_("Verification record not found.")]},
        )
    domain_mark_verified(domain=domain, actor=actor.user, context=context)
    return domain


def domain_mark_verified(*, domain: TenantDomain, actor: User | None, context: RequestContext = SYSTEM) -> None:
    """Only a verified domain resolves to its tenant and becomes an allowed host."""
    with transaction.atomic():
        domain.is_verified = True
        domain.verified_at = timezone.now()
        domain.save(update_fields=["is_verified", "verified_at"])
        audit_record(
            tenant=domain.tenant,
            actor=actor,
            action="domain.verified",
            target=domain,
            changes={"hostname": domain.hostname},
            context=context,
        )
    transaction.on_commit(lambda: forget_hostname(domain.hostname))


def domain_remove(*, tenant: Tenant, actor: TenantUser, domain_id: Any, context: RequestContext = SYSTEM) -> None:
    ensure_can(actor, "domain.manage", tenant)
    domain = TenantDomain.objects.for_tenant(tenant).filter(id=domain_id).first()
    if domain is None:
        raise NotFoundError()
    with transaction.atomic():
        domain.delete()
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="domain.removed",
            target_type="tenantdomain",
            target_id=str(domain_id),
            changes={"hostname": domain.hostname},
            context=context,
        )
    transaction.on_commit(lambda: forget_hostname(domain.hostname))
