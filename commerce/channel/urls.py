from django.urls import path

from . import views

app_name = "channel"

urlpatterns = [
    path("", views.home, name="home"),
    path("partner/sign-up/", views.sign_up, name="sign-up"),
    path("partner/sign-up/done/<uuid:request_id>/", views.sign_up_done, name="sign-up-done"),
    path("partner/request-status/", views.request_status, name="request-status"),
    # Partner users (SPEC §8, §10)
    path("partner/invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "partner/invitation/<str:token>/new-link/",
        views.invitation_new_link,
        name="invitation-new-link",
    ),
    path("partner/sign-in/", views.PartnerSignInView.as_view(), name="sign-in"),
    path("partner/sign-out/", views.PartnerSignOutView.as_view(), name="sign-out"),
    path(
        "partner/password-reset/", views.PartnerPasswordResetView.as_view(), name="password-reset"
    ),
    path(
        "partner/password-reset/sent/",
        views.PartnerPasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "partner/password-reset/<uidb64>/<token>/",
        views.PartnerPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "partner/password-reset/complete/",
        views.PartnerPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("partner/account/", views.account, name="account"),
    path(
        "partner/organization/users/",
        views.organization_user_list,
        name="organization-users",
    ),
    path(
        "partner/organization/users/add/",
        views.organization_user_add,
        name="organization-user-add",
    ),
    path(
        "partner/organization/users/<str:account_number>/edit/",
        views.organization_user_change,
        name="organization-user-change",
    ),
    path(
        "partner/organization/users/<str:account_number>/remove/",
        views.organization_user_remove,
        name="organization-user-remove",
    ),
]
