from django.urls import path

from atendo.core.api import auth, meta, views

urlpatterns = [
    path("health", meta.HealthApi.as_view(), name="health"),
    path("config", meta.ClientConfigApi.as_view(), name="client-config"),
    path("auth/magic-link", auth.MagicLinkApi.as_view(), name="auth-magic-link"),
    path("auth/token", auth.TokenExchangeApi.as_view(), name="auth-token"),
    path("auth/token/refresh", auth.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/logout", auth.LogoutApi.as_view(), name="auth-logout"),
    path("tenants", views.TenantListApi.as_view(), name="tenant-list"),
    path("tenants/<uuid:tenant_id>", views.TenantDetailApi.as_view(), name="tenant-detail"),
    path("tenants/<uuid:tenant_id>/domains", views.DomainListApi.as_view(), name="domain-list"),
    path("tenants/<uuid:tenant_id>/domains/<uuid:domain_id>", views.DomainDetailApi.as_view(), name="domain-detail"),
    path(
        "tenants/<uuid:tenant_id>/domains/<uuid:domain_id>/verify",
        views.DomainVerifyApi.as_view(),
        name="domain-verify",
    ),
    path("tenants/<slug:tenant_slug>/members", views.MemberListApi.as_view(), name="member-list"),
    path("tenants/<slug:tenant_slug>/members/<uuid:member_id>", views.MemberDetailApi.as_view(), name="member-detail"),
    path(
        "tenants/<slug:tenant_slug>/members/<uuid:member_id>/resend-invitation",
        views.MemberInvitationResendApi.as_view(),
        name="member-resend-invitation",
    ),
    path("tenants/<slug:tenant_slug>/roles", views.RoleListApi.as_view(), name="role-list"),
    path("tenants/<slug:tenant_slug>/roles/<uuid:role_id>", views.RoleDetailApi.as_view(), name="role-detail"),
    path("permissions", views.PermissionListApi.as_view(), name="permission-list"),
    path("users/me", views.MeApi.as_view(), name="me"),
    path("audit/logs", views.AuditLogListApi.as_view(), name="audit-log-list"),
    path("notifications", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read", views.NotificationReadApi.as_view(), name="notification-read"),
]
