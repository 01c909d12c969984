"""Magic-link sign-in, JWT exchange, refresh rotation with reuse detection, logout."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import jwt
import pytest
from django.core import mail
from django.utils import timezone

from atendo.core.models import AuditLog, MagicLinkToken, TenantUser, User

pytestmark = pytest.mark.django_db

MAGIC = "/api/v1/auth/magic-link"
TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"


def request_link(anon, email, django_capture_on_commit_callbacks, **headers):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(MAGIC, {"email": email}, **headers)
    return response


def secret_from_last_mail() -> str:
    match = re.search(r"/auth/verify\?token=([\w-]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_known_and_unknown_addresses_get_the_same_answer(
    anon, two_tenants, django_capture_on_commit_callbacks, settings
):
    settings.SIGNUP_ENABLED = False
    known = request_link(anon, "owner@acme.test", django_capture_on_commit_callbacks)
    unknown = request_link(anon, "nobody@nowhere.test", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["owner@acme.test"]]


def test_magic_link_signs_in_and_is_single_use(anon, two_tenants, django_capture_on_commit_callbacks):
    request_link(anon, "Owner@ACME.test", django_capture_on_commit_callbacks)
    secret = secret_from_last_mail()
    assert MagicLinkToken.objects.get().token_hash != secret  # only the hash is stored

    response = anon.post(TOKEN, {"token": secret})
    assert response.status_code == 200
    pair = response.json()
    me = anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 200
    assert me.json()["email"] == "owner@acme.test"
    assert [m["tenant"]["slug"] for m in me.json()["memberships"]] == ["acme"]

    again = anon.post(TOKEN, {"token": secret})
    assert again.status_code == 400
    assert again.json()["code"] == "token_used"
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="auth.login").count() == 1


def test_expired_and_forged_links_are_refused(anon, two_tenants, django_capture_on_commit_callbacks):
    request_link(anon, "agent@acme.test", django_capture_on_commit_callbacks)
    secret = secret_from_last_mail()
    MagicLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = anon.post(TOKEN, {"token": secret})
    assert (expired.status_code, expired.json()["code"]) == (400, "token_expired")
    forged = anon.post(TOKEN, {"token": "x" * 43})
    assert (forged.status_code, forged.json()["code"]) == (400, "token_invalid")


def test_email_is_in_the_users_language(anon, two_tenants, django_capture_on_commit_callbacks):
    User.objects.filter(email="agent@acme.test").update(preferred_language="es")
    request_link(anon, "agent@acme.test", django_capture_on_commit_callbacks)
    assert "enlace" in mail.outbox[-1].subject.lower()
    User.objects.filter(email="agent@acme.test").update(preferred_language="pt-BR")
    request_link(anon, "agent@acme.test", django_capture_on_commit_callbacks)
    assert "link de acesso" in mail.outbox[-1].subject.lower()


def test_signup_creates_the_user_on_first_verification(anon, db, django_capture_on_commit_callbacks):
    request_link(anon, "new.person@example.test", django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="es-AR")
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert "Atendo" in mail.outbox[-1].subject
    response = anon.post(TOKEN, {"token": secret_from_last_mail()})
    assert response.status_code == 200
    user = User.objects.get(email="new.person@example.test")
    assert user.preferred_language == "es"


def test_no_signup_mail_when_signup_is_disabled(anon, db, django_capture_on_commit_callbacks, settings):
    settings.SIGNUP_ENABLED = False
    response = request_link(anon, "stranger@example.test", django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert mail.outbox == []
    assert not MagicLinkToken.objects.exists()


def test_disabled_account_gets_no_link(anon, two_tenants, django_capture_on_commit_callbacks):
    User.objects.filter(email="agent@acme.test").update(is_active=False)
    assert request_link(anon, "agent@acme.test", django_capture_on_commit_callbacks).status_code == 202
    assert mail.outbox == []


def test_rate_limited_per_email_and_per_ip(anon, two_tenants, django_capture_on_commit_callbacks, settings):
    settings.MAGIC_LINK_RATE_PER_EMAIL = 2
    settings.MAGIC_LINK_RATE_PER_IP = 4
    codes = [request_link(anon, "owner@acme.test", django_capture_on_commit_callbacks).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    limited = anon.post(MAGIC, {"email": "owner@acme.test"})
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    # A different address from the same IP uses up the IP budget.
    codes = [anon.post(MAGIC, {"email": f"p{i}@x.test"}).status_code for i in range(2)]
    assert codes == [429, 429]
    other_ip = anon.post(MAGIC, {"email": "fresh@x.test"}, REMOTE_ADDR="10.9.9.9")
    assert other_ip.status_code == 202


def test_refresh_rotates_and_reuse_revokes_every_session(anon, two_tenants, django_capture_on_commit_callbacks):
    request_link(anon, "owner@acme.test", django_capture_on_commit_callbacks)
    first = anon.post(TOKEN, {"token": secret_from_last_mail()}).json()
    request_link(anon, "owner@acme.test", django_capture_on_commit_callbacks)
    other_device = anon.post(TOKEN, {"token": secret_from_last_mail()}).json()

    rotated = anon.post(REFRESH, {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]

    reused = anon.post(REFRESH, {"refresh": first["refresh"]})
    assert (reused.status_code, reused.json()["code"]) == (400, "token_revoked")
    # Theft response: the rotated token and the other device's token are revoked as well.
    assert anon.post(REFRESH, {"refresh": rotated.json()["refresh"]}).status_code == 400
    assert anon.post(REFRESH, {"refresh": other_device["refresh"]}).status_code == 400
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="auth.refresh_reuse_detected").exists()


def test_logout_blacklists_the_refresh_token(anon, two_tenants, django_capture_on_commit_callbacks):
    request_link(anon, "agent@acme.test", django_capture_on_commit_callbacks)
    pair = anon.post(TOKEN, {"token": secret_from_last_mail()}).json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {pair['access']}"}
    assert anon.post(LOGOUT, {"refresh": pair["refresh"]}, **bearer).status_code == 204
    refused = anon.post(REFRESH, {"refresh": pair["refresh"]})
    assert refused.status_code == 400


def test_logout_refuses_someone_elses_refresh_token(anon, two_tenants):
    from rest_framework_simplejwt.tokens import RefreshToken

    victim = RefreshToken.for_user(two_tenants.a.user("owner"))
    attacker = two_tenants.b.api("agent")
    response = attacker.post(LOGOUT, {"refresh": str(victim)})
    assert (response.status_code, response.json()["code"]) == (400, "token_invalid")


def test_jwt_signed_with_another_key_is_refused(anon, two_tenants):
    user = two_tenants.a.user("owner")
    forged = jwt.encode(
        {"token_type": "access", "user_id": str(user.id), "jti": "x", "exp": 4102444800},
        "another-key-that-is-long-enough-for-hs256!!",
        algorithm="HS256",
    )
    response = anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")


def test_expired_access_token_is_refused(anon, two_tenants, settings):
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(two_tenants.a.user("owner"))
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")


def test_following_any_link_accepts_pending_invitations(anon, two_tenants, django_capture_on_commit_callbacks):
    invited = two_tenants.b.add_member("agent", email="owner@acme.test", status=TenantUser.Status.INVITED)
    request_link(anon, "owner@acme.test", django_capture_on_commit_callbacks)
    anon.post(TOKEN, {"token": secret_from_last_mail()})
    invited.refresh_from_db()
    assert invited.status == TenantUser.Status.ACTIVE


def test_a_validated_access_token_is_reused_until_it_expires(anon, two_tenants, monkeypatch):
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(two_tenants.a.user("owner"))
    expires = int(time.time()) + 2  # (the claim is in whole seconds: at least one from now)
    token["exp"] = expires
    decoded = []
    real_decode = TokenBackend.decode
    monkeypatch.setattr(TokenBackend, "decode", lambda self, *a, **kw: decoded.append(1) or real_decode(self, *a, **kw))
    for _ in range(3):
        assert anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert len(decoded) == 1  # checked once, then remembered
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    response = anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")
    assert len(decoded) == 2  # expired: checked again, and refused by simplejwt
