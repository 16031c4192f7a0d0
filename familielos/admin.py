from django.contrib import admin

from familielos.models import AccessEvent, Membership, ServiceUnit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, and the database refuses changes anyway."""

    list_display = ["at", "actor_username", "role", "action", "family_id", "object_type", "object_id", "ip"]
    list_filter = ["action", "role"]
    search_fields = ["actor_username", "=family_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
