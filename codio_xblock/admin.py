from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lti_bridge.protocol.vocabulary import Scope

from .models import LineItem, PlatformKey, PlatformSubject, ToolRegistration


@admin.register(ToolRegistration)
class ToolRegistrationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "client_id", "deployment_id", "enabled")
    list_filter = ("enabled",)
    search_fields = ("slug", "name", "client_id")
    readonly_fields = ("created", "modified")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "service_scopes":  # the exact URIs an operator may paste
            offered = ", ".join(scope.value for scope in Scope)
            field.help_text = format_lazy("{} {}", field.help_text, _("Offered: %s") % offered)
        return field

    fieldsets = (
        (None, {"fields": ("slug", "name", "enabled")}),
        (
            _("LTI 1.3"),
            {
                "fields": (
                    "client_id",
                    "deployment_id",
                    "oidc_login_url",
                    "launch_url",
                    "deep_linking_url",
                    "redirect_uris",
                    "keyset_url",
                    "public_key_pem",
                )
            },
        ),
        # who may get what of the services (ADR 0012): the operator decides per tool
        (_("Services (AGS, NRPS)"), {"fields": ("service_scopes",)}),
        (None, {"fields": ("created", "modified")}),
    )


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    """The blocks' line items and those tools made (read-only: the blocks and the tools keep
    them; ADR 0012)."""

    list_display = ("label", "course_id", "tool", "usage_id", "resource_link_id", "tag", "modified")
    list_filter = ("tool",)
    search_fields = ("label", "course_id", "usage_id", "resource_link_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a block's goes with the block (its scores, who may be scored)


@admin.register(PlatformKey)
class PlatformKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "created", "retired_at", "publish_until")
    exclude = ("private_pem",)
    readonly_fields = ("kid", "created", "retired_at", "publish_until")

    def has_add_permission(self, request):
        return False  # keys are made by `manage.py codio_rotate_keys`


@admin.register(PlatformSubject)
class PlatformSubjectAdmin(admin.ModelAdmin):
    list_display = ("user_key", "sub", "created")
    search_fields = ("user_key", "sub")
    readonly_fields = ("user_key", "sub", "created")
