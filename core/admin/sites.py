"""The base of the consoles' admin sites and of their sign-in forms: a console is entered by
group membership (SPEC §10); Django's staff flag plays no part."""

from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class ConsoleAuthenticationForm(AuthenticationForm):
    """Signs in the people `may_enter` admits; each console words its own `invalid_login`."""

    required_css_class = "required"

    @staticmethod
    def may_enter(user) -> bool:
        raise NotImplementedError

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not self.may_enter(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ConsoleSite(admin.AdminSite):
    """An admin site whose door is its login form's `may_enter`."""

    login_form: type[ConsoleAuthenticationForm]
    # Lists get the whole width of a 1280 px screen; the home page and breadcrumbs navigate.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        return self.login_form.may_enter(request.user)

    def get_app_list(self, request, app_label=None) -> list[dict]:
        """Lists go by the name staff know them by ("All prospects"), not the model's."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                title = getattr(self._registry[entry["model"]], "list_title", None)
                if title:
                    entry["name"] = title
            app["models"].sort(key=lambda entry: str(entry["name"]))
        return app_list
