from django.contrib import admin
from django.contrib.auth.models import Group

from familielos.admin import NotOneselfInline, VisibleNamesAdmin
from teams import workflow
from teams.models import Ressursteam, TeamMember


class TeamMemberInline(NotOneselfInline):
    model = TeamMember
    extra = 1
    autocomplete_fields = ["user"]
    refusal = workflow.NOT_ONESELF


@admin.register(Ressursteam)
class RessursteamAdmin(VisibleNamesAdmin):
    """A team gets a group of its own: choosing an existing group (a role) would hand its families to everyone in it.

    Its members are kept here (with their role in the team); teams.workflow keeps the group, which holds the team's
    family grants, in step with them, so the user admin does not offer team groups.
    """

    list_display = ["name", "group"]
    filter_horizontal = ["units", "covers"]
    search_fields = ["name"]
    fields = ["name", "units", "covers", "meeting_schedule"]
    inlines = [TeamMemberInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.group = Group.objects.create(name=f"Ressursteam: {obj.name}")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TeamMember:
            return super().save_formset(request, form, formset, change)
        # A row whose person was changed moves the membership: the old person leaves the team (and its group).
        moved = [
            TeamMember.objects.get(pk=form.instance.pk)
            for form in formset.initial_forms
            if "user" in form.changed_data and form not in formset.deleted_forms
        ]
        members = formset.save(commit=False)
        for member in [*formset.deleted_objects, *moved]:
            workflow.remove_team_member(actor=request.user, member=member)
        for member in members:
            workflow.add_team_member(actor=request.user, team=form.instance, user=member.user, role=member.role)
        return None
