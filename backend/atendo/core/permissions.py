"""Named permissions and the built-in roles.

A Role is a named set of these permission names. Later apps add their permissions here so that
one registry lists everything a custom role can be granted (the API validates against it).
"""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# name -> human description (shown in role editors)
PERMISSIONS: Final[dict[str, str | Promise]] = {
    "tenant.view": _("See the workspace and its settings"),
    "tenant.manage": _("Change workspace settings"),
    "domain.manage": _("Add and remove workspace domains"),
    "member.view": _("See the members of the workspace"),
    "member.invite": _("Invite members"),
    "member.manage": _("Change, disable and remove members and their roles"),
    "role.manage": _("Create and edit custom roles"),
    "audit.view": _("Read the audit log"),
    "department.manage": _("Manage departments, teams and SLA policies"),
    "channel.manage": _("Connect and configure channels"),
    "contact.view": _("See contacts"),
    "contact.edit": _("Create and edit contacts"),
    "contact.manage": _("Edit, merge, export and anonymise contacts"),
    "conversation.view": _("See conversations in scope"),
    "conversation.reply": _("Reply and write private notes"),
    "conversation.assign": _("Assign and transfer conversations"),
    "ticket.view": _("See tickets in scope"),
    "ticket.manage": _("Create, update and transfer tickets"),
    "knowledge.manage": _("Manage quick replies and knowledge articles"),
    "automation.manage": _("Build and publish automation flows"),
    "analytics.view": _("See analytics"),
}

ALL_PERMISSIONS: Final[frozenset[str]] = frozenset(PERMISSIONS)

_AGENT = frozenset(
    {
        "tenant.view",
        "member.view",
        "contact.view",
        "contact.edit",
        "conversation.view",
        "conversation.reply",
        "conversation.assign",
        "ticket.view",
        "ticket.manage",
    }
)
_SUPERVISOR = _AGENT | {"contact.manage", "analytics.view", "knowledge.manage", "member.invite"}
_ADMIN = ALL_PERMISSIONS

# slug -> (display name, permissions). Owner and admin hold every permission; only an owner
# may grant or revoke the owner role (checked in services), which is what sets them apart.
BUILTIN_ROLES: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "owner": ("Owner", ALL_PERMISSIONS),
    "admin": ("Administrator", _ADMIN),
    "supervisor": ("Supervisor", frozenset(_SUPERVISOR)),
    "agent": ("Agent", _AGENT),
}

OWNER_ROLE: Final = "owner"
