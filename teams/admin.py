from django.contrib import admin
from django.contrib.auth.models import Group

from teams.models import Ressursteam


@admin.register(Ressursteam)
class RessursteamAdmin(admin.ModelAdmin):
    """A team gets a group of its own: choosing an existing group (a role) would hand its families to everyone in it."""

    list_display = ["name", "group"]
    filter_horizontal = ["units", "covers"]
    search_fields = ["name"]
    fields = ["name", "units", "covers"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.group = Group.objects.create(name=f"Ressursteam: {obj.name}")
        super().save_model(request, obj, form, change)
