"""Core data: tenants and their domains, users, memberships, roles, audit, login tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from atendo.core.tenancy import TenantOwnedModel, TenantQuerySet


class Locale(models.TextChoices):
    PT_BR = "pt-BR", "Português (Brasil)"
    EN = "en", "English"
    ES = "es", "Español"

    @classmethod
    def from_language_code(cls, code: str | None) -> Locale:
        """Django's language code ("pt-br", "es-ar", "en-us") to one of ours."""
        code = (code or "").lower()
        if code.startswith("pt"):
            return cls.PT_BR
        if code.startswith("es"):
            return cls.ES
        if code.startswith("en"):
            return cls.EN
        return cls.PT_BR

    @property
    def language_code(self) -> str:
        return self.value.lower()


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Tenant(UUIDModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=63, unique=True)
    timezone = models.CharField(max_length=64, default="America/Sao_Paulo")
    locale = models.CharField(max_length=5, choices=Locale.choices, default=Locale.PT_BR)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # A contact writing again within this many hours of a resolution reopens that conversation;
    # later, a new conversation starts.
    reopen_window_hours = models.PositiveIntegerField(default=24)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.slug


class TenantDomain(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    hostname = models.CharField(max_length=253, unique=True)
    is_verified = models.BooleanField(default=False)
    is_primary = models.BooleanField(default=False)
    verification_token = models.CharField(max_length=64, default="", blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="one_primary_domain_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return self.hostname


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in with a magic link sent to `email` (no password by default)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True, default="")
    preferred_language = models.CharField(max_length=5, choices=Locale.choices, default=Locale.PT_BR)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class TenantUser(UUIDModel, TenantOwnedModel):
    """Membership of a user in a tenant: the actor of every tenant-scoped action."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DISABLED = "disabled", "Disabled"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    display_name = models.CharField(max_length=150, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    joined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant", "user"], name="one_membership_per_user")]
        indexes: ClassVar = [models.Index(fields=["user", "status"], name="membership_user_status")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.tenant_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Role(UUIDModel, TenantOwnedModel):
    """A named set of permissions. Built-in roles are created for every tenant and read-only."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="roles")
    slug = models.SlugField(max_length=63)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True, default="")
    permissions = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant", "slug"], name="role_slug_per_tenant")]
        ordering: ClassVar = ["slug"]

    def __str__(self) -> str:
        return self.slug


class ScopeType(models.TextChoices):
    """Org units a role can be limited to. The models arrive with the organizations app;
    the assignment stores (type, id) so they plug in without changing this table."""

    DEPARTMENT = "department", "Department"
    TEAM = "team", "Team"


class RoleAssignment(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="role_assignments")
    member = models.ForeignKey(TenantUser, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    scope_type = models.CharField(max_length=16, choices=ScopeType.choices, null=True, blank=True)
    scope_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(models.Q(scope_type__isnull=True) & models.Q(scope_id__isnull=True))
                | (models.Q(scope_type__isnull=False) & models.Q(scope_id__isnull=False)),
                name="role_scope_type_and_id_together",
            ),
            models.UniqueConstraint(
                fields=["member", "role", "scope_type", "scope_id"],
                nulls_distinct=False,
                name="role_assignment_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_id}@{self.scope_type or 'tenant'}:{self.scope_id or ''}"


class AuditLogQuerySet(TenantQuerySet):
    """Append-only: the ORM refuses bulk updates and deletes; a trigger refuses them in SQL."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit log rows are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit log rows are append-only.")


class AuditLog(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null for events that belong to no tenant (a magic link asked for an unknown address).
    tenant = models.ForeignKey(Tenant, null=True, on_delete=models.PROTECT, related_name="+")
    # PROTECT: people are anonymised, never deleted, while the audit trail names them.
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True, default="")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = models.Manager.from_queryset(AuditLogQuerySet)()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="audit_tenant_time"),
            models.Index(fields=["tenant", "action", "-created_at"], name="audit_tenant_action"),
            models.Index(fields=["tenant", "actor", "-created_at"], name="audit_tenant_actor"),
            models.Index(fields=["tenant", "target_type", "target_id"], name="audit_tenant_target"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit log rows are append-only.")


class MagicLinkToken(models.Model):
    """A single-use login link. Only the SHA-256 of the secret is stored."""

    class Purpose(models.TextChoices):
        LOGIN = "login", "Login"
        SIGNUP = "signup", "Sign-up"
        INVITE = "invite", "Invitation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Set by the delivery task, which mints the secret itself: the secret never travels
    # through the broker and never sits in a log, only in the e-mail.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    membership = models.ForeignKey(TenantUser, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=5, choices=Locale.choices, default=Locale.PT_BR)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["expires_at"], name="magic_link_expiry")]

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.email}"


class Notification(UUIDModel, TenantOwnedModel):
    """An in-app notice for one member (also e-mailed for the kinds that warrant it)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(TenantUser, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)  # e.g. sla.warning, sla.breached
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=1000, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
