from django.urls import path

from .views import invitations, orders, organization_users, page, portal, shop, sign_in, sign_up

app_name = "channel"

urlpatterns = [
    path("", sign_up.home, name="home"),
    path("favicon.ico", page.favicon, name="favicon"),
    path("partner/sign-up/", sign_up.sign_up, name="sign-up"),
    path("partner/sign-up/done/<uuid:request_id>/", sign_up.sign_up_done, name="sign-up-done"),
    path("partner/request-status/", sign_up.request_status, name="request-status"),
    # Partner users (SPEC §8, §10)
    path("partner/invitation/<str:token>/", invitations.invitation, name="invitation"),
    path(
        "partner/invitation/<str:token>/new-link/",
        invitations.invitation_new_link,
        name="invitation-new-link",
    ),
    path("partner/sign-in/", sign_in.PartnerSignInView.as_view(), name="sign-in"),
    path("partner/sign-out/", sign_in.PartnerSignOutView.as_view(), name="sign-out"),
    path(
        "partner/password-reset/", sign_in.PartnerPasswordResetView.as_view(), name="password-reset"
    ),
    path(
        "partner/password-reset/sent/",
        sign_in.PartnerPasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "partner/password-reset/<uidb64>/<token>/",
        sign_in.PartnerPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "partner/password-reset/complete/",
        sign_in.PartnerPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("partner/account/", portal.account, name="account"),
    path(
        "partner/organization/users/",
        organization_users.organization_user_list,
        name="organization-users",
    ),
    path(
        "partner/organization/users/add/",
        organization_users.organization_user_add,
        name="organization-user-add",
    ),
    path(
        "partner/organization/users/<str:account_number>/edit/",
        organization_users.organization_user_change,
        name="organization-user-change",
    ),
    path(
        "partner/organization/users/<str:account_number>/remove/",
        organization_users.organization_user_remove,
        name="organization-user-remove",
    ),
    # The shop (SPEC §13)
    path("partner/shop/", shop.catalog, name="shop"),
    path("partner/shop/<str:product_number>/", shop.product, name="shop-product"),
    path("partner/cart/", shop.cart, name="cart"),
    path("partner/cart/add/", shop.cart_add, name="cart-add"),
    path("partner/cart/update/", shop.cart_update, name="cart-update"),
    path("partner/cart/checkout/", shop.checkout, name="checkout"),
    path("partner/quick-order/", shop.quick_order, name="quick-order"),
    path("partner/orders/", orders.order_list, name="orders"),
    path("partner/orders/<str:number>/", orders.order_detail, name="order"),
    path("partner/orders/<str:number>/approve/", orders.order_approve_view, name="order-approve"),
    path("partner/orders/<str:number>/decline/", orders.order_decline_view, name="order-decline"),
    path("partner/orders/<str:number>/reorder/", orders.order_reorder_view, name="order-reorder"),
]
