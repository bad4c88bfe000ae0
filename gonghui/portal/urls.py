from django.urls import path

from gonghui.portal import card_views
from gonghui.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.sms_code, name="sms-code"),
    path("me/", views.me, name="me"),
    path("card/", card_views.card, name="card"),
    path("logout/", views.logout, name="logout"),
]
