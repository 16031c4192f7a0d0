from django.contrib import admin

from teams.models import Ressursteam


@admin.register(Ressursteam)
class RessursteamAdmin(admin.ModelAdmin):
    list_display = ["name", "group"]
    filter_horizontal = ["units"]
    search_fields = ["name"]
