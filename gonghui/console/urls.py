from django.urls import path

from gonghui.console.views import auth, members, orgs

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
]
