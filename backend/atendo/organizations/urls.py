from django.urls import path

from atendo.organizations import api

urlpatterns = [
    path("departments", api.DepartmentListApi.as_view(), name="department-list"),
    path("departments/<uuid:department_id>", api.DepartmentDetailApi.as_view(), name="department-detail"),
    path("teams", api.TeamListApi.as_view(), name="team-list"),
    path("teams/<uuid:team_id>", api.TeamDetailApi.as_view(), name="team-detail"),
    path("teams/<uuid:team_id>/members", api.TeamMembersApi.as_view(), name="team-members"),
    path("teams/<uuid:team_id>/members/<uuid:member_id>", api.TeamMemberDetailApi.as_view(), name="team-member-detail"),
    path("sla-policies", api.SlaPolicyListApi.as_view(), name="sla-policy-list"),
    path("sla-policies/<uuid:policy_id>", api.SlaPolicyDetailApi.as_view(), name="sla-policy-detail"),
]
