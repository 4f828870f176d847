from django.urls import path

from . import views

app_name = "channel"

urlpatterns = [
    path("", views.home, name="home"),
    path("partner/sign-up/", views.sign_up, name="sign-up"),
    path("partner/sign-up/done/<uuid:request_id>/", views.sign_up_done, name="sign-up-done"),
    path("partner/request-status/", views.request_status, name="request-status"),
]
