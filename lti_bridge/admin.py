from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .flows.erase import erase_account
from .models import (
    Account,
    ClassMembership,
    Classroom,
    Deployment,
    EmailVerification,
    GradeDelivery,
    Link,
    MentorScope,
    Organization,
    OrganizationChange,
    OrgMembership,
    Registration,
    ResourceLink,
    RosterSync,
    SyncConflict,
    Unit,
    Work,
)


class OrganizationChangeInline(admin.TabularInline):
    """The audit trail of the organization's settings (read-only)."""

    model = OrganizationChange
    extra = 0
    fields = ("changed_at", "changed_by_name", "field", "old_value", "new_value")
    readonly_fields = fields
    can_delete = False
    ordering = ("-changed_at", "-pk")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "trial", "learner_email_policy", "lti_id_field")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OrganizationChangeInline]

    def save_model(self, request, obj, form, change):
        """Settings changed here are audited like those changed on the LTI Integrations page."""
        from .flows import org_settings

        before = Organization.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            org_settings.record(
                before, obj, by_name=f"{request.user.get_username()} (Django admin)"
            )


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "client_id", "organization", "enabled", "refusals")
    list_filter = ("enabled", "organization")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("refused_hosts_table",)
    inlines = [DeploymentInline]

    @admin.display(description=_("Refused hosts"))
    def refusals(self, obj):
        return len(obj.refused_hosts or {})

    @admin.display(description=_("Hosts refused for this LMS"))
    def refused_hosts_table(self, obj):
        """The hosts the bridge refused to call for this LMS (not among its URLs' hosts or
        service hosts): add one to the service hosts if it is really the LMS's."""
        from django.utils.html import format_html, format_html_join

        rows = sorted((obj.refused_hosts or {}).items(), key=lambda kv: kv[1].get("last", ""))
        if not rows:
            return _("None.")
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Host"),
            _("Times"),
            _("Last"),
            _("URL"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((host, e.get("count"), e.get("last"), e.get("url")) for host, e in reversed(rows)),
            ),
        )


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    readonly_fields = ("registration", "sub", "first_launch", "last_launch")
    can_delete = True  # unlinking: the next launch follows the mapping rules again


class OrgMembershipInline(admin.TabularInline):
    """Tick "organization administrator" to appoint one (kept whatever the LMS says)."""

    model = OrgMembership
    extra = 0
    fields = ("organization", "is_admin", "admin_from_lms", "created")
    readonly_fields = ("admin_from_lms", "created")


class SyncConflictInline(admin.TabularInline):
    """Values a launch could not copy onto the account (an email another account has)."""

    model = SyncConflict
    extra = 0
    readonly_fields = ("registration", "field", "value", "reason", "created")
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name", "email", "contact_email", "created", "last_login")
    search_fields = ("name", "email", "contact_email")
    exclude = ("password",)
    inlines = [LinkInline, OrgMembershipInline, SyncConflictInline]

    # Deleting erases everything personal hanging off the account (flows/erase.py), not
    # only the rows that cascade.
    def delete_model(self, request, obj):
        erase_account(obj)

    def delete_queryset(self, request, queryset):
        for account in queryset:
            erase_account(account)


class MembershipInline(admin.TabularInline):
    model = ClassMembership
    extra = 0


class MentorScopeInline(admin.TabularInline):
    model = MentorScope
    extra = 0


class RosterSyncInline(admin.TabularInline):
    """The class's roster readings (NRPS), newest first: what each found or why it failed."""

    model = RosterSync
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = (
        "created",
        "source",
        "state",
        "members",
        "added",
        "left",
        "waiting",
        "error",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created")


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("title", "context_id", "registration", "organization")
    readonly_fields = ("memberships_url", "roster_requested_at")
    inlines = [MembershipInline, MentorScopeInline, RosterSyncInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "organization")


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("title", "resource_link_id", "classroom", "unit")


admin.site.register(Work)


@admin.register(EmailVerification)
class EmailVerificationAdmin(admin.ModelAdmin):
    list_display = ("email", "account", "registration", "created", "expires", "sent_at", "used_at")
    readonly_fields = (
        "account",
        "registration",
        "sub",
        "email",
        "launch",
        "created",
        "expires",
        "sent_at",
        "used_at",
    )


@admin.register(GradeDelivery)
class GradeDeliveryAdmin(admin.ModelAdmin):
    """The grade outbox for operators: failed deliveries with the platform's answer, and a
    retry action (the same as the teacher's retry)."""

    list_display = (
        "work",
        "version",
        "state",
        "attempts",
        "short_error",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state",)
    search_fields = ("work__account__name", "work__account__email", "last_error")
    readonly_fields = [f.name for f in GradeDelivery._meta.fields]
    actions = ["retry_failed"]

    @admin.display(description=_("Platform's answer"))
    def short_error(self, delivery):
        return delivery.last_error[:120]

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry_failed(self, request, queryset):
        """As the teacher's retry: failed rows of a unit its LMS activity no longer opens
        are left as they are (their grades are held from the LMS, ADR 0013), and said so."""
        from django.contrib import messages

        from .delivery.deliver import not_retried, retry

        left = not_retried(queryset)
        count = retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s delivery queued again.", "%(count)s deliveries queued again.", count
            )
            % {"count": count},
        )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)s failed delivery was not retried: its LMS activity opens another "
                    "unit now, whose grade column it would overwrite.",
                    "%(count)s failed deliveries were not retried: their LMS activity opens "
                    "another unit now, whose grade column they would overwrite.",
                    left,
                )
                % {"count": left},
                level=messages.WARNING,
            )

    def has_add_permission(self, request):
        return False
