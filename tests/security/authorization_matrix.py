"""Who may open what: the one table of expected answers, URL pattern by role (SPEC §10, §11).

tests/security/test_authorization_matrix.py walks config.urls and GETs every pattern as every
role; a pattern without a row here fails, and so does a row whose pattern is gone. Path
parameters are real objects of organization A (the partner admin's); "other_admin" is the admin
of organization B.

Answers:
  ok        200, the page or the data
  login     302 to a sign-in page (HQ's, the Sales console's or the partner sign-in)
  redirect  302 elsewhere (a signed-in user on a sign-in page, a valid reset link, …)
  403, 404  refused; 404 where the object is hidden from the role (another organization's)
  405       the role passed the access check of a page that takes POST only; what a refused
            POST does is checked by the POST tests of test_authorization_matrix.py
  410       a link already used
  301       moved for good (/favicon.ico to the site's SVG icon)
"""

ROLES = (
    "anonymous",
    "partner_user",
    "partner_admin",
    "other_admin",
    "rep",
    "back_office",
    "integrator",
    "superuser",
)
ANSWERS = {"ok", "login", "redirect", "301", "403", "404", "405", "410"}

EVERYONE = ("ok",) * 8
# Anonymous visitors, partner users and reps never enter HQ; then back office, integrator, root.
HQ_OUT = ("login",) * 5


def hq(back_office: str, integrator: str, superuser: str) -> tuple[str, ...]:
    return (*HQ_OUT, back_office, integrator, superuser)


def sales(rep: str, back_office: str, superuser: str) -> tuple[str, ...]:
    """Anonymous visitors, partner users and integrators never enter the Sales console."""
    return ("login",) * 4 + (rep, back_office, "login", superuser)


def api(*answers: str) -> tuple[str, ...]:
    """An API refuses with 403, whoever is missing the group (no redirect to a sign-in)."""
    assert len(answers) == 8
    return answers


BACK_OFFICE_API = api("403", "403", "403", "403", "403", "ok", "403", "ok")
BACK_OFFICE_API_POST = api("403", "403", "403", "403", "403", "405", "403", "405")
REP_API = api("403", "403", "403", "403", "ok", "403", "403", "ok")
REP_API_POST = api("403", "403", "403", "403", "405", "403", "403", "405")
INTEGRATOR_API = api("403", "403", "403", "403", "403", "403", "ok", "ok")
INTEGRATOR_API_POST = api("403", "403", "403", "403", "403", "403", "405", "405")
# Partner pages: a signed-in staff member is told the page is for business partners (403).
PARTNER_ADMIN_PAGE = ("login", "403", "ok", "ok", "403", "403", "403", "403")
ORGANIZATION_A_USER_PAGE = ("login", "403", "ok", "404", "403", "403", "403", "403")
# The shop's pages: every partner user; its POST-only actions answer a GET with 405.
PARTNER_PAGE = ("login", "ok", "ok", "ok", "403", "403", "403", "403")
PARTNER_POST = ("login", "405", "405", "405", "403", "403", "403", "403")

# Pages other than a registered model's standard admin pages, by URL name (or route if unnamed).
STANDARD_VIEWS = ("changelist", "change", "history", "add", "delete")

PAGES = {
    "health": EVERYONE,
    "api-schema": EVERYONE,
    "api-docs": EVERYONE,
    # The consoles' language picker takes a POST only (the choice, kept for a signed-in user).
    "console-language": ("405",) * 8,
    # --- Commerce HQ -------------------------------------------------------------------------
    "hq:index": hq("ok", "ok", "ok"),
    "hq:login": ("ok",) * 5 + ("redirect",) * 3,
    "hq:logout": ("redirect",) * 5 + ("405",) * 3,
    "hq:password_change": hq("ok", "ok", "ok"),
    "hq:password_change_done": hq("ok", "ok", "ok"),
    "hq:autocomplete": hq("403", "403", "403"),
    "hq:jsi18n": hq("ok", "ok", "ok"),
    "hq:view_on_site": hq("404", "404", "404"),
    "hq:app_list[commerce]": hq("ok", "404", "ok"),
    "hq:app_list[dualwrite]": hq("ok", "ok", "ok"),
    "hq:app_list[django_celery_beat]": hq("404", "ok", "ok"),
    "hq:app_list[axes]": hq("404", "ok", "ok"),
    "hq:app_list[auth]": hq("404", "404", "ok"),
    "hq/(?P<url>.*)$": hq("404", "404", "404"),
    "hq:commerce.prospect:approve": hq("ok", "403", "ok"),
    "hq:commerce.prospect:reject": hq("ok", "403", "ok"),
    "hq:commerce.customer:credit_limit": hq("ok", "403", "ok"),
    "hq:commerce.customerhierarchy:member_add": hq("ok", "403", "ok"),
    "hq:commerce.customerhierarchy:member_change": hq("ok", "403", "ok"),
    "hq:commerce.customerhierarchy:member_remove": hq("ok", "403", "ok"),
    "hq:commerce.jobrun:run": hq("405", "405", "405"),
    "hq:auth.user:password_change": hq("403", "403", "ok"),
    # Dual-write's buttons open a confirmation page (its POST does the work), which back office
    # may not open; "Retry all" is POST only: back office passes the console's door, and the
    # POST tests show it is refused.
    "hq:dualwrite.mapstate:enable": hq("403", "ok", "ok"),
    "hq:dualwrite.mapstate:pause": hq("403", "ok", "ok"),
    "hq:dualwrite.mapstate:resume": hq("403", "ok", "ok"),
    "hq:dualwrite.mapstate:initial_sync": hq("403", "ok", "ok"),
    "hq:dualwrite.deliveryerror:retry_all": hq("405", "405", "405"),
    "hq:dualwrite.deliveryerror:retry": hq("403", "ok", "ok"),
    "hq:dualwrite.deliveryerror:skip": hq("403", "ok", "ok"),
    # --- Sales console -----------------------------------------------------------------------
    "sales:index": sales("ok", "redirect", "ok"),
    "sales:login": ("ok",) * 4 + ("redirect", "redirect", "ok", "redirect"),
    "sales:logout": ("redirect",) * 4 + ("405", "405", "redirect", "405"),
    "sales:password_change": sales("ok", "ok", "ok"),
    "sales:password_change_done": sales("ok", "ok", "ok"),
    "sales:autocomplete": sales("403", "403", "403"),
    "sales:jsi18n": sales("ok", "ok", "ok"),
    "sales:view_on_site": sales("404", "404", "404"),
    "sales:app_list[sales]": sales("ok", "ok", "ok"),
    "sales/(?P<url>.*)$": sales("404", "404", "404"),
    "sales:sales.lead:note": sales("405", "405", "405"),
    "sales:sales.lead:qualify": sales("ok", "403", "ok"),
    "sales:sales.lead:disqualify": sales("ok", "403", "ok"),
    "sales:sales.lead:reactivate": sales("ok", "403", "ok"),
    "sales:sales.opportunity:note": sales("405", "405", "405"),
    "sales:sales.opportunity:close-as-won": sales("ok", "403", "ok"),
    "sales:sales.opportunity:close-as-lost": sales("ok", "403", "ok"),
    # --- API -----------------------------------------------------------------------------------
    "channel_api:onboarding-request-list": ("405",) * 8,  # POST: anyone may sign up
    "channel_api:onboarding-request-detail": EVERYONE,  # public status, by the secret id
    "channel_api:organization-user-list": api("403", "403", "ok", "ok", *("403",) * 4),
    "channel_api:organization-user-detail": api("403", "403", "ok", "404", *("403",) * 4),
    "commerce_api:prospect-list": BACK_OFFICE_API,
    "commerce_api:prospect-detail": BACK_OFFICE_API,
    "commerce_api:prospect-approve": BACK_OFFICE_API_POST,
    "commerce_api:prospect-reject": BACK_OFFICE_API_POST,
    "commerce_api:customer-list": BACK_OFFICE_API,
    "commerce_api:customer-detail": BACK_OFFICE_API,
    "commerce_api:customer-credit-limit": BACK_OFFICE_API,
    "commerce_api:customer-hierarchy-list": BACK_OFFICE_API,
    "commerce_api:customer-hierarchy-detail": BACK_OFFICE_API,
    "commerce_api:hierarchy-member-list": BACK_OFFICE_API,
    "commerce_api:hierarchy-member-detail": BACK_OFFICE_API,
    "commerce_api:audit-entry-list": BACK_OFFICE_API,
    "commerce_api:email-notification-list": BACK_OFFICE_API,
    "commerce_api:email-notification-detail": BACK_OFFICE_API,
    "commerce_api:job-list": BACK_OFFICE_API,
    "commerce_api:job-detail": BACK_OFFICE_API,
    "commerce_api:job-run": BACK_OFFICE_API_POST,
    "commerce_api:job-run-list": BACK_OFFICE_API,
    "commerce_api:job-run-detail": BACK_OFFICE_API,
    # Back office reads the B2B commerce leads (the list with ?view=all-b2b-commerce-leads).
    "sales_api:lead-list": api("403", "403", "403", "403", "ok", "ok", "403", "ok"),
    "sales_api:lead-detail": api("403", "403", "403", "403", "ok", "ok", "403", "ok"),
    "sales_api:lead-disqualify": api("403", "403", "403", "403", "405", "405", "403", "405"),
    "sales_api:lead-qualify": api("403", "403", "403", "403", "405", "405", "403", "405"),
    "sales_api:lead-reactivate": api("403", "403", "403", "403", "405", "405", "403", "405"),
    "sales_api:opportunity-list": REP_API,
    "sales_api:opportunity-detail": REP_API,
    "sales_api:opportunity-close-as-lost": REP_API_POST,
    "sales_api:opportunity-close-as-won": REP_API_POST,
    "sales_api:account-list": REP_API,
    "sales_api:account-detail": REP_API,
    "sales_api:contact-list": REP_API,
    "sales_api:contact-detail": REP_API,
    "dualwrite_api:map-list": INTEGRATOR_API,
    "dualwrite_api:map-enable": INTEGRATOR_API_POST,
    "dualwrite_api:map-detail": INTEGRATOR_API,
    "dualwrite_api:map-initial-sync": INTEGRATOR_API_POST,
    "dualwrite_api:map-pause": INTEGRATOR_API_POST,
    "dualwrite_api:map-resume": INTEGRATOR_API_POST,
    "dualwrite_api:error-list": INTEGRATOR_API,
    "dualwrite_api:error-retry-all": INTEGRATOR_API_POST,
    "dualwrite_api:error-detail": INTEGRATOR_API,
    "dualwrite_api:error-retry": INTEGRATOR_API_POST,
    "dualwrite_api:error-skip": INTEGRATOR_API_POST,
    "dualwrite_api:conflict-list": INTEGRATOR_API,
    "dualwrite_api:conflict-detail": INTEGRATOR_API,
    # --- B2B site (also under /pl/ and /cs/) ----------------------------------------------------
    # A signed-in partner's home is their portal; everyone else sees the sign-up call.
    "channel:home": ("ok", "redirect", "redirect", "redirect", "ok", "ok", "ok", "ok"),
    "channel:favicon": ("301",) * 8,
    "channel:sign-up": EVERYONE,
    "channel:sign-up-done": EVERYONE,
    "channel:request-status": EVERYONE,
    "channel:invitation": ("410",) * 8,  # the admin's link, already used to set the password
    "channel:invitation-new-link": ("405",) * 8,
    "channel:sign-in": EVERYONE,
    "channel:sign-out": ("405",) * 8,
    "channel:password-reset": EVERYONE,
    "channel:password-reset-sent": EVERYONE,
    "channel:password-reset-confirm": ("redirect",) * 8,  # a valid link, to its password form
    "channel:password-reset-complete": EVERYONE,
    "channel:account": ("login", "ok", "ok", "ok", "403", "403", "403", "403"),
    "channel:organization-users": PARTNER_ADMIN_PAGE,
    "channel:organization-user-add": PARTNER_ADMIN_PAGE,
    "channel:organization-user-change": ORGANIZATION_A_USER_PAGE,
    "channel:organization-user-remove": ORGANIZATION_A_USER_PAGE,
    # --- the shop's pages (issue 14) ----------------------------------------------------------
    # Every partner shops; organization A's order (its user's, awaiting approval) is hidden from
    # organization B (404); its decline page is for A's admins (the buyer, a user, gets 403).
    "channel:shop": PARTNER_PAGE,
    "channel:shop-product": PARTNER_PAGE,
    "channel:cart": PARTNER_PAGE,
    "channel:cart-add": PARTNER_POST,
    "channel:cart-update": PARTNER_POST,
    "channel:checkout": PARTNER_POST,
    "channel:quick-order": PARTNER_PAGE,
    "channel:orders": PARTNER_PAGE,
    "channel:order": ("login", "ok", "ok", "404", "403", "403", "403", "403"),
    "channel:order-approve": PARTNER_POST,
    "channel:order-decline": ("login", "403", "ok", "404", "403", "403", "403", "403"),
    "channel:order-reorder": PARTNER_POST,
    # --- end of the shop's pages --------------------------------------------------------------
}

# Each registered model's standard admin pages follow the access rule of its admin.
READ_ONLY = hq("ok", "403", "ok")
NONE_HQ = hq("403", "403", "403")
OBJECT_HQ = hq("redirect", "redirect", "redirect")  # /<pk>/ redirects to /<pk>/change/
ADMIN_RULES = {
    # HQ records: viewed by back office, changed only through services (buttons, forms).
    "back office, read-only": {
        "changelist": READ_ONLY,
        "change": READ_ONLY,
        "history": READ_ONLY,
        "add": NONE_HQ,
        "delete": NONE_HQ,
        "object": OBJECT_HQ,
    },
    "back office, no delete": {
        "changelist": READ_ONLY,
        "change": READ_ONLY,
        "history": READ_ONLY,
        "add": READ_ONLY,
        "delete": NONE_HQ,
        "object": OBJECT_HQ,
    },
    # SPEC §11: schedules are for integration administrators and superusers only.
    "integrators": {view: hq("403", "ok", "ok") for view in STANDARD_VIEWS} | {"object": OBJECT_HQ},
    "integrators, read-only": {
        "changelist": hq("403", "ok", "ok"),
        "change": hq("403", "ok", "ok"),
        "history": hq("403", "ok", "ok"),
        "add": NONE_HQ,
        "delete": NONE_HQ,
        "object": OBJECT_HQ,
    },
    # Lifting a sign-in lockout deletes the attempts.
    "integrators, read and delete": {
        "changelist": hq("403", "ok", "ok"),
        "change": hq("403", "ok", "ok"),
        "history": hq("403", "ok", "ok"),
        "add": NONE_HQ,
        "delete": hq("403", "ok", "ok"),
        "object": OBJECT_HQ,
    },
    # Back office looks at the map states; changing them is the integrators' (POST pages).
    "integrators, viewed by back office": {
        "changelist": hq("ok", "ok", "ok"),
        "change": hq("ok", "ok", "ok"),
        "history": hq("ok", "ok", "ok"),
        "add": NONE_HQ,
        "delete": NONE_HQ,
        "object": OBJECT_HQ,
    },
    "superusers": {view: hq("403", "403", "ok") for view in STANDARD_VIEWS} | {"object": OBJECT_HQ},
    # Sales records: reps; nobody deletes; back office reads the B2B commerce leads.
    "reps, back office reads B2B leads": {
        "changelist": sales("ok", "ok", "ok"),
        "change": sales("ok", "ok", "ok"),
        "history": sales("ok", "ok", "ok"),
        "add": sales("ok", "403", "ok"),
        "delete": sales("403", "403", "403"),
        "object": sales("redirect", "redirect", "redirect"),
    },
    "reps": {
        "changelist": sales("ok", "403", "ok"),
        "change": sales("ok", "403", "ok"),
        "history": sales("ok", "403", "ok"),
        "add": sales("403", "403", "403"),
        "delete": sales("403", "403", "403"),
        "object": sales("redirect", "redirect", "redirect"),
    },
}

# "<site>:<app_label>.<model_name>" → rule; a model newly registered on a site needs a row.
ADMIN_MODELS = {
    "hq:commerce.prospect": "back office, read-only",
    "hq:commerce.customer": "back office, read-only",
    "hq:commerce.customerhierarchy": "back office, read-only",
    "hq:commerce.jobrun": "back office, read-only",
    "hq:commerce.channelrequest": "back office, read-only",
    "hq:commerce.emailnotification": "back office, read-only",
    "hq:commerce.transitionlog": "back office, read-only",
    "hq:commerce.auditentry": "back office, read-only",
    "hq:commerce.declinemessage": "back office, no delete",
    "hq:django_celery_beat.periodictask": "integrators",
    "hq:django_celery_beat.intervalschedule": "integrators",
    "hq:django_celery_beat.crontabschedule": "integrators",
    "hq:axes.accessattempt": "integrators, read and delete",
    "hq:axes.accesslog": "integrators, read-only",
    "hq:axes.accessfailurelog": "integrators, read-only",
    "hq:dualwrite.mapstate": "integrators, viewed by back office",
    "hq:dualwrite.deliveryerror": "integrators, read-only",
    "hq:dualwrite.conflictentry": "integrators, read-only",
    "hq:auth.user": "superusers",
    "hq:auth.group": "superusers",
    "sales:sales.lead": "reps, back office reads B2B leads",
    "sales:sales.opportunity": "reps",
    "sales:sales.account": "reps",
    "sales:sales.contact": "reps",
}


# Which value of the test's world fills a path parameter: by "<URL name>:<parameter>", else by
# parameter; all are organization A's (the partner admin's) records.
PARAMETERS = {
    "channel:sign-up-done:request_id": "request_id",
    "channel_api:onboarding-request-detail:request_id": "request_id",
    "channel:password-reset-confirm:token": "reset_token",
    "token": "token",
    "uidb64": "uidb64",
    "channel:organization-user-change:account_number": "member",
    "channel:organization-user-remove:account_number": "member",
    "channel:shop-product:product_number": "product_number",
    "channel:order:number": "order_number",
    "channel:order-approve:number": "order_number",
    "channel:order-decline:number": "order_number",
    "channel:order-reorder:number": "order_number",
    "channel_api:organization-user-detail:account_number": "member",
    "commerce_api:customer-detail:account_number": "customer",
    "commerce_api:customer-credit-limit:account_number": "customer",
    "commerce_api:hierarchy-member-detail:account_number": "member",
    "hq:commerce_customerhierarchy_member_change:account_number": "member",
    "hq:commerce_customerhierarchy_member_remove:account_number": "member",
    "sales_api:account-detail:account_number": "account_number",
    "prospect_number": "prospect_number",
    "hierarchy_id": "hierarchy_id",
    "notification_id": "notification_id",
    "slug": "job_slug",
    "job_slug": "job_slug",
    "commerce_api:job-run-detail:pk": "job_run",
    "contact_number": "contact_number",
    "code": "map",
    "id": "user_id",
}

# State-changing requests of roles without the right: (roles, method, URL, body, answer). Each is
# refused with the answer of the GET table above, and the data stays as it was.
NEW_USER = {"first_name": "Eva", "last_name": "Malá", "email": "eva@kun.cz", "role": "admin"}
MEMBER_OF_A = "/api/channel/organization/users/{member}/"
# fmt: off
REFUSED_CHANGES = [
    (("anonymous", "partner_admin", "rep", "integrator"), "post",
     "/api/commerce/prospects/{new_prospect}/approve/", {}, "403"),
    (("partner_user", "rep"), "post", "/hq/commerce/prospect/{new_prospect_pk}/approve/", {},
     "login"),
    (("integrator",), "post", "/hq/commerce/prospect/{new_prospect_pk}/approve/", {}, "403"),
    (("rep", "integrator"), "post", "/api/commerce/jobs/p-0001/run/", {}, "403"),
    (("back_office", "rep"), "post", "/api/dualwrite/maps/{map}/pause/", {}, "403"),
    (("back_office",), "post", "/hq/dualwrite/mapstate/{map_pk}/pause/", {}, "403"),
    (("back_office",), "post", "/hq/dualwrite/deliveryerror/retry-all/", {}, "403"),
    (("back_office",), "post", "/api/dualwrite/errors/{error}/skip/", {}, "403"),
    (("back_office", "integrator"), "post", "/api/sales/leads/{b2b_lead}/disqualify/",
     {"status_reason": "no_longer_interested"}, "403"),
    (("back_office",), "post", "/api/sales/opportunities/{opportunity}/close-as-won/",
     {"actual_revenue": "10"}, "403"),
    (("integrator",), "post",
     "/hq/commerce/customerhierarchy/{hierarchy_pk}/members/{member}/remove/",
     {"reason": "Leaving"}, "403"),
    (("rep", "partner_admin"), "patch",
     "/api/commerce/customer-hierarchies/{hierarchy_id}/members/{member}/", {"role": "user"},
     "403"),
    (("other_admin",), "post", "/partner/organization/users/{member}/remove/", {}, "404"),
    (("partner_user",), "post", "/partner/organization/users/{member}/remove/", {}, "403"),
    (("other_admin",), "delete", MEMBER_OF_A, {}, "404"),
    (("other_admin",), "patch", MEMBER_OF_A, {"role": "admin"}, "404"),
    (("partner_user", "back_office"), "post", "/api/channel/organization/users/", NEW_USER, "403"),
    # The shop's pages: organization A's order (awaiting approval) from organization B, and
    # the decline form from A's user who placed it.
    (("other_admin",), "post", "/partner/orders/{order_number}/approve/", {}, "404"),
    (("other_admin",), "post", "/partner/orders/{order_number}/decline/", {"reason": "No"}, "404"),
    (("partner_user",), "post", "/partner/orders/{order_number}/decline/", {"reason": "No"},
     "403"),
    (("other_admin",), "post", "/partner/orders/{order_number}/reorder/", {}, "404"),
    (("back_office",), "post", "/partner/cart/checkout/", {"purchase_order": "PO-2"}, "403"),
]
# fmt: on

# --- the shop's API and HQ console pages (issue 14) ---------------------------------------------
# Partner users order through the API; A's order (its user's, awaiting approval) is hidden from
# organization B; approving and declining are for admins (POST only: GET answers 405 to them).
PARTNER_API = api("403", "ok", "ok", "ok", "403", "403", "403", "403")
PAGES.update(
    {
        "channel_api:order-list": PARTNER_API,
        "channel_api:order-detail": api("403", "ok", "ok", "404", "403", "403", "403", "403"),
        "channel_api:order-approve": api("403", "403", "405", "405", "403", "403", "403", "403"),
        "channel_api:order-decline": api("403", "403", "405", "405", "403", "403", "403", "403"),
        "channel_api:product-list": PARTNER_API,
        "commerce_api:product-list": BACK_OFFICE_API,
        "commerce_api:product-detail": BACK_OFFICE_API,
        "commerce_api:sales-order-list": BACK_OFFICE_API,
        "commerce_api:sales-order-detail": BACK_OFFICE_API,
        "commerce_api:sales-order-confirm": BACK_OFFICE_API_POST,
        "commerce_api:sales-order-cancel": BACK_OFFICE_API_POST,
        # A sales order's buttons open a confirmation page (its POST does the work).
        "hq:commerce.salesorder:confirm": hq("ok", "403", "ok"),
        "hq:commerce.salesorder:cancel": hq("ok", "403", "ok"),
    }
)
ADMIN_MODELS.update(
    {
        # Products are added and changed in forms (saved through product_save), never deleted.
        "hq:commerce.product": "back office, no delete",
        "hq:commerce.salesorder": "back office, read-only",
    }
)
PARAMETERS.update(
    {
        "channel_api:order-detail:number": "order_number",
        "channel_api:order-approve:number": "order_number",
        "channel_api:order-decline:number": "order_number",
        "commerce_api:product-detail:product_number": "hq_product",
        "commerce_api:sales-order-detail:number": "sales_order",
        "commerce_api:sales-order-confirm:number": "sales_order",
        "commerce_api:sales-order-cancel:number": "sales_order",
    }
)
# fmt: off
REFUSED_CHANGES += [
    (("other_admin",), "post", "/api/channel/orders/{order_number}/approve/", {}, "404"),
    (("other_admin",), "post", "/api/channel/orders/{order_number}/decline/", {"reason": "No"},
     "404"),
    (("partner_user",), "post", "/api/channel/orders/{order_number}/approve/", {}, "403"),
    (("back_office", "rep"), "post", "/api/channel/orders/",
     {"purchase_order": "PO-2", "lines": [{"product_number": "FX-2001", "quantity": 1}]}, "403"),
    (("partner_admin", "integrator", "rep"), "post",
     "/api/commerce/sales-orders/{sales_order}/confirm/", {}, "403"),
    (("partner_admin", "integrator"), "post",
     "/api/commerce/sales-orders/{sales_order}/cancel/", {"reason": "No stock"}, "403"),
    (("integrator",), "post", "/hq/commerce/salesorder/{sales_order_pk}/confirm/", {}, "403"),
    (("partner_user",), "post", "/hq/commerce/salesorder/{sales_order_pk}/cancel/",
     {"reason": "No stock"}, "login"),
    (("integrator",), "post", "/api/commerce/products/",
     {"product_number": "FX-9", "name_en": "Washer", "price": "1.00"}, "403"),
]
# fmt: on
# --- end of the shop's API and HQ console pages -------------------------------------------------
