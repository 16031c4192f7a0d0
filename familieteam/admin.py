"""The municipality configures the rows of samtaleduk 2 (the life areas) here, in Bokmål and Nynorsk.

The familieteams themselves are family data: they are read and changed on the familieteam's own pages, where
access follows the team and every read is audited, never in the administration.
"""

from django.contrib import admin

from familielos.admin import CountedDeletionAdmin
from familieteam.models import LifeArea


@admin.register(LifeArea)
class LifeAreaAdmin(CountedDeletionAdmin):
    """A life area used on a canvas is kept (its cells point to it): take it out of use instead of deleting it."""

    list_display = ["position", "name_nb", "name_nn", "active"]
    list_display_links = ["name_nb"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    fields = ["name_nb", "name_nn", "position", "active"]
    ordering = ["position", "pk"]
