from django.urls import path

from gonghui.portal import card_views
from gonghui.portal import join_views, transfer_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.sms_code, name="sms-code"),
    path("me/", views.me, name="me"),
    path("card/", card_views.card, name="card"),
    path("logout/", views.logout, name="logout"),
    path("transfer/", transfer_views.transfer, name="transfer"),
    path("transfer/<int:pk>/cancel/", transfer_views.transfer_cancel, name="transfer-cancel"),
    path("join/", join_views.join, name="join"),
    path("join/code/", join_views.join_code, name="join-code"),
    path("join/employers/", join_views.join_employers, name="join-employers"),
    path("join/divisions/", join_views.join_divisions, name="join-divisions"),
    path("join/status/", join_views.join_status, name="join-status"),
    path("join/<int:pk>/withdraw/", join_views.join_withdraw_view, name="join-withdraw"),
]
