from collections import Counter

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import router
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from familielos import roles
from familielos.models import AccessEvent, Membership, ServiceUnit
from familielos.validators import visible_name

User = get_user_model()
# What only a superuser may set: each of them is a way to every family's data or to the whole admin.
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "user_permissions")


def assignable_groups(editor):
    """The groups `editor` may put people in: the staff roles; a superuser also the groups made by hand.

    A ressursteam's group is offered to nobody: team membership is kept in the team's admin page, with a role, and
    the group follows it there (one source of who is in a team). Nor is the family role: family logins are given on
    the family's page, and the admin shows none of them (FamilielosUserAdmin).
    """
    groups = Group.objects.exclude(name=roles.FAMILY_MEMBER).order_by("name")
    if editor.is_superuser:
        return groups.filter(ressursteam__isnull=True)
    return groups.filter(name__in=roles.PERMISSIONS)


def is_family_login(user) -> bool:
    """A family member's login: in the family role, or linked to a person in a family's record."""
    return hasattr(user, "person") or user.groups.filter(name=roles.FAMILY_MEMBER).exists()


class NotOneselfFormSet(BaseInlineFormSet):
    """Rows that put a person somewhere their data opens from (a unit, a team): nobody adds themselves, superusers
    included (a row of their own already there may still be changed). `refusal` says why; the inline
    (NotOneselfInline) gives the formset the request."""

    request = None
    refusal: str

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.cleaned_data.get("DELETE") or "user" not in form.changed_data:
                continue
            if form.cleaned_data.get("user") == self.request.user:
                raise ValidationError(self.refusal)


class NotOneselfInline(admin.TabularInline):
    """An inline of NotOneselfFormSet rows; a subclass says why in `refusal`."""

    formset = NotOneselfFormSet
    refusal: str

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request, formset.refusal = request, self.refusal
        return formset


class CountedDeletionAdmin(admin.ModelAdmin):
    """Deleting (one, or the selected) names only the objects chosen, and counts per kind what would go with them or
    stops it. Django's confirmation lists each related row by its text: a user's, a unit's or a team's rows are cases,
    consents, log entries and canvas cells that name families and children, which no administrator may read
    (cases.access: a superuser opens no family). Every admin of a model that other rows point to is one
    (tests/familielos/test_admin_hardening.py)."""

    def get_deleted_objects(self, objs, request):
        _named, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        chosen = [f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in objs]
        if protected:
            # Django's list names the protected rows; collecting again counts them by kind (deleting is rare).
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            kinds = Counter(capfirst(obj._meta.verbose_name_plural) for obj in collector.protected)
            protected = [f"{kind}: {count}" for kind, count in sorted(kinds.items())]
        return chosen, model_count, perms_needed, protected


class VisibleNamesAdmin(CountedDeletionAdmin):
    """An admin whose `name_fields` hold only characters that show (familielos.validators.visible_name), as every
    name typed in the app's own forms: a person's, a unit's or a team's name is shown on pages about families, and
    to guardians."""

    name_fields: tuple[str, ...] = ("name",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.name_fields:
            formfield.validators.append(visible_name)
        return formfield


admin.site.unregister(Group)


@admin.register(Group)
class FamilielosGroupAdmin(CountedDeletionAdmin, GroupAdmin):
    """Django's group admin: a team's group holds the team's family grants, which name the families."""


admin.site.unregister(User)


@admin.register(User)
class FamilielosUserAdmin(VisibleNamesAdmin, UserAdmin):
    """Django's user admin, in which only a superuser makes superusers or staff, or gives permissions directly.

    The administrator role may change users (auth.change_user); without this it could tick is_superuser on its own
    account. Others choose among the role groups, and cannot change or delete a superuser at all. Nor can they change
    a staff account linked to a family member (its password or e-mail address would let them sign in as the family
    and read the family's pages). Nobody, superusers included, sees the family logins here: their names say who is a
    client of the service, which only those working with the family may know; staff give and remove those logins on
    the family's page. Nor does anyone put anyone in a team's group here (it follows the team's members, kept on the
    team's page) or change their own groups: a role or a team opens families' data.
    """

    def get_queryset(self, request):
        # An account given a staff role too is shown with that role, and stays here where it can be seen to.
        family_logins = roles.family_logins(User.objects.all()).values("pk")
        return super().get_queryset(request).exclude(pk__in=family_logins)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            fields = [*fields, "groups"]
        if request.user.is_superuser:
            return fields
        return [*fields, *SUPERUSER_ONLY_FIELDS]

    name_fields = ("first_name", "last_name")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = assignable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or is_family_login(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # Groups the form did not offer are not the editor's to take away: keep them.
        kept = []
        if change:
            kept = list(form.instance.groups.exclude(pk__in=assignable_groups(request.user).values("pk")))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)


class MembershipInline(NotOneselfInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    refusal = gettext_lazy("Nobody can add themselves to a unit: membership opens the unit's screenings.")


@admin.register(ServiceUnit)
class ServiceUnitAdmin(VisibleNamesAdmin):
    # The contact shows beside the name to guardians on the public self-assessment.
    name_fields = ("name", "contact")
    list_display = ["name", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, and the database refuses changes anyway.

    The address is not shown: rows written before it was stored without a query string may still name a family
    searched for (the redaction migration cleared those, but the admin never needs the raw address).
    """

    exclude = ["path"]
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


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """The task queue for those who run it: what ran and how it ended, without a task's arguments and result, which
    can say who is a client of the service (a sign-in link's address, and whether a login had it)."""

    hidden_fields = ("args_kwargs", "return_value")

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in self.hidden_fields]
