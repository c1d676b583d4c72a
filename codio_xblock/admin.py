from django.contrib import admin

from .models import PlatformKey, PlatformSubject, ToolRegistration


@admin.register(ToolRegistration)
class ToolRegistrationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "client_id", "deployment_id", "enabled")
    list_filter = ("enabled",)
    search_fields = ("slug", "name", "client_id")
    readonly_fields = ("created", "modified")


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
