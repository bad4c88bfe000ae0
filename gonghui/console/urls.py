from django.urls import path

from gonghui.console.views import auth, join, members, orgs, stats, stats_quality, stats_report, transfers

app_name = "console"
urlpatterns = [
    path("", orgs.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("totp/setup/", auth.totp_setup, name="totp-setup"),
    path("totp/verify/", auth.totp_verify, name="totp-verify"),
    path("orgs/", orgs.org_tree, name="org-tree"),
    path("orgs/<int:pk>/", orgs.org_detail, name="org-detail"),
    path("orgs/<int:pk>/children/", orgs.org_children, name="org-children"),
    path("members/", members.member_list, name="member-list"),
    path("members/<int:pk>/", members.member_detail, name="member-detail"),
    path("members/<int:pk>/transfer/", transfers.member_transfer, name="member-transfer"),
    path("transfers/", transfers.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/accept/", transfers.transfer_accept, name="transfer-accept"),
    path("transfers/<int:pk>/decline/", transfers.transfer_decline, name="transfer-decline"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel, name="transfer-cancel"),
    path("join/", join.join_queue, name="join-queue"),
    path("join/approve/", join.join_approve_several, name="join-approve-bulk"),
    path("join/<int:pk>/", join.join_detail, name="join-detail"),
    path("join/<int:pk>/approve/", join.join_approve_one, name="join-approve"),
    path("join/<int:pk>/reject/", join.join_reject_one, name="join-reject"),
    path("stats/", stats.stats_dashboard, name="stats-home"),
    path("stats/<int:pk>/", stats.stats_dashboard, name="stats-dashboard"),
    path("stats/<int:pk>/screen/", stats.stats_bigscreen, name="stats-bigscreen"),
    path("stats/<int:pk>/export.xlsx", stats.stats_export, name="stats-export"),
    path("stats/<int:pk>/quality/", stats_quality.stats_quality, name="stats-quality"),
    path("stats/<int:pk>/quality/records/", stats_quality.stats_quality_list, name="stats-quality-list"),
    path("stats/<int:pk>/report/", stats_report.stats_report, name="stats-report"),
    path("stats/<int:pk>/report.xlsx", stats_report.stats_report_xlsx, name="stats-report-xlsx"),
    path("stats/<int:pk>/report.pdf", stats_report.stats_report_pdf, name="stats-report-pdf"),
]
