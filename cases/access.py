"""Who may see and change which family. The only module that grants, revokes or checks per-family access.

A person sees a family only through an object permission on it: their own, or one held by a group they
are in (a ressursteam). Model-level permissions and superuser status never open a family.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import (
    Case,
    Family,
    FamilyGroupObjectPermission,
    FamilyUserObjectPermission,
    Handover,
    Level,
    Person,
    PersonRole,
    Status,
    age_on,
    current_case_first,
)
from familielos import roles
from teams.models import Ressursteam

User = get_user_model()

VIEW = "view"
CHANGE = "change"
_CODENAMES = {VIEW: "view_family", CHANGE: "change_family"}
STAFF_PERMS = (VIEW, CHANGE)


@functools.cache
def permission_id(need: str) -> int:
    """The id of the family permission `need` stands for, read once per process.

    Filtering the grant tables on the id spares every family query a join through auth_permission and
    django_content_type, which the planner misjudged. The ids are fixed once migrated; a flush (which
    recreates the permission rows) clears this cache through the post_migrate signal (cases.apps).
    """
    return Permission.objects.get(content_type__app_label="cases", codename=_CODENAMES[need]).pk


@functools.cache
def _granted_ids_sql() -> str:
    own = FamilyUserObjectPermission._meta.db_table
    through_groups = FamilyGroupObjectPermission._meta.db_table
    memberships = User.groups.through._meta.db_table
    return (
        f"SELECT content_object_id FROM {own} WHERE user_id = %s AND permission_id = %s "
        f"UNION SELECT grant_row.content_object_id FROM {through_groups} grant_row "
        f"JOIN {memberships} membership ON membership.group_id = grant_row.group_id "
        "WHERE membership.user_id = %s AND grant_row.permission_id = %s"
    )


def _granted_ids(user, need: str) -> RawSQL:
    """The ids of the families `user` holds `need` on, directly or through a group, as one subquery.

    One IN over a UNION lets PostgreSQL start from the user's own permission rows by index; an OR of two INs makes
    it scan every family. Written as SQL because every family query embeds it, often twice, and the ORM took
    about a millisecond to build it each time (a fifth of that as SQL).
    """
    perm = permission_id(need)
    return RawSQL(_granted_ids_sql(), (user.pk, perm, user.pk, perm))


def visible_families(user, need: str = VIEW) -> QuerySet[Family]:
    """The families `user` holds `need` on, directly or through a group.

    Indexed id lookups instead of guardian's get_objects_for_user, which would also accept global
    permissions and scans the family table.
    """
    if not user.is_authenticated or not user.is_active:
        return Family.objects.none()
    return Family.objects.filter(pk__in=_granted_ids(user, need))


def can(user, family: Family, need: str = VIEW) -> bool:
    return visible_families(user, need).filter(pk=family.pk).exists()


def holds_grant(user_id: F, family_id: int, need: str = VIEW) -> Q:
    """Whether the user in the field `user_id` (F("user_id") of a row) holds `need` on the family, themselves or
    through a group: to mark many people in the query that lists them (can() is the same for one user at hand)."""
    permission = permission_id(need)
    own = FamilyUserObjectPermission.objects.filter(
        content_object_id=family_id, permission_id=permission, user_id=OuterRef(user_id.name)
    )
    through_group = FamilyGroupObjectPermission.objects.filter(
        content_object_id=family_id, permission_id=permission, group__user=OuterRef(user_id.name)
    )
    return Q(Exists(own)) | Q(Exists(through_group))


def family_or_404(user, pk, need: str = VIEW, *, with_change: bool = False) -> Family:
    """The family with this id if the user may `need` it; a missing and a forbidden family look the same.

    With `with_change`, the family carries `can_change` (whether the user may change it), read in the same query.
    """
    if (family := family_or_none(user, pk, need, with_change=with_change)) is None:
        raise Http404
    return family


def family_or_none(user, pk, need: str = VIEW, *, with_change: bool = False) -> Family | None:
    """As family_or_404, None where that is a 404: for a page that goes elsewhere once the user lost the family."""
    families = visible_families(user, need)
    if with_change and user.is_authenticated:
        families = families.annotate(can_change=can_change_flag(user))
    try:
        return families.get(pk=pk)
    except (Family.DoesNotExist, ValueError, TypeError):
        return None


def can_change_flag(user, family_field: str = "pk") -> ExpressionWrapper:
    """An annotation: whether `user` may change the family in `family_field`, read in the query that reads it."""
    return ExpressionWrapper(Q(**{f"{family_field}__in": _granted_ids(user, CHANGE)}), output_field=BooleanField())


def require(user, family: Family, need: str = CHANGE) -> None:
    """Refuse an action on a family the user may not `need`; used by workflow functions."""
    if not can(user, family, need):
        raise PermissionDenied


def grant_user(user, family: Family, perms=STAFF_PERMS) -> None:
    for need in perms:
        assign_perm(_perm(need), user, family)


def revoke_user(user, family: Family, perms=STAFF_PERMS) -> None:
    for need in perms:
        remove_perm(_perm(need), user, family)


def grant_group(group: Group, family: Family, perms=STAFF_PERMS) -> None:
    for need in perms:
        assign_perm(_perm(need), group, family)


def revoke_group(group: Group, family: Family, perms=STAFF_PERMS) -> None:
    for need in perms:
        remove_perm(_perm(need), group, family)


Holder = tuple[str, int]
"""Who holds a grant: ("user", user id) or ("group", group id)."""


def desired_grants(
    *,
    level: int,
    openers: Iterable[int],
    team_group: int | None,
    familielos: int | None,
    familieteam_members: Iterable[int] = (),
) -> dict[Holder, frozenset[str]]:
    """Who should hold which permissions on a family, given its case at `level` (the one it left, if closed).

    The one rule for family grants, a pure function: everyone who opened a case of the family always; the
    ressursteam (its group) from level 2; the familielos and the familieteam's service members (those whose service
    the guardians' consent covers) at level 3. A new grantee is one line here. The family's own logins hold no
    grant: they never see the staff's pages, only their own (`portal_person`).
    """
    wanted: dict[Holder, set[str]] = defaultdict(set)
    for user_id in openers:
        wanted["user", user_id].update(STAFF_PERMS)
    if level >= Level.RESSURSTEAM and team_group is not None:
        wanted["group", team_group].update(STAFF_PERMS)
    if level >= Level.FAMILIELOS and familielos is not None:
        wanted["user", familielos].update(STAFF_PERMS)
    # sync_case_grants reads the members for an open case at level 3 only: grant them at another level, read them there.
    if level >= Level.FAMILIELOS:
        for user_id in familieteam_members:
            wanted["user", user_id].update(STAFF_PERMS)
    return {holder: frozenset(needs) for holder, needs in wanted.items()}


def sync_case_grants(case) -> None:
    """Bring the family's grant rows in line with `desired_grants` for its case: add what is missing and remove
    what no rule gives any more (a former team, a former familielos, a grant made by hand).

    A closed case keeps the grants of the level it left, so the short way back needs no new grants, as far as the
    guardians' consent still reaches (`kept_level`); but not the familieteam's members, who are no longer working with
    the family (reopening gives their access back, under the consent as it is then). So the members are read only for
    an open case at level 3, the only case they get grants for: every step syncs the grants, and most steps are below
    level 3.
    """
    family = case.family
    wanted = desired_grants(
        level=case.level if case.status == Status.OPEN else kept_level(case),
        openers=family.cases.values_list("opened_by", flat=True),
        team_group=case.ressursteam.group_id if case.ressursteam_id else None,
        familielos=case.familielos_id,
        familieteam_members=_covered_familieteam_members(case) if case.at_level_3 else (),
    )
    _apply_grants(family, wanted)


def kept_level(case) -> int:
    """The level whose grants a closed case keeps: the one it left, as far as the guardians' consent still reaches
    (consents.level_shared_at, the rule that steps an open case down)."""
    from cases import consents

    return consents.level_shared_at(case, case.closed_from_level, consents.covered_unit_ids(case.family))


def _covered_familieteam_members(case) -> list[int]:
    """The familieteam's service members whose service the guardians' consent covers today."""
    from cases import consents
    from familieteam.models import FamilieteamMember, MemberKind

    members = list(FamilieteamMember.objects.filter(team__case=case, kind=MemberKind.SERVICE).select_related("unit"))
    if not members:
        return []
    uncovered = {unit.pk for unit in consents.uncovered(case.family, [member.unit for member in members])}
    return [member.user_id for member in members if member.unit_id not in uncovered]


def current_case_for_grants(family: Family):
    """The case whose grants the family holds: its current case (close_case and reopen_case sync the grants of the
    case they act on, so a later sync must take the same one)."""
    return family.cases.select_related("ressursteam", "familielos").order_by(*current_case_first()).first()


def sync_family_grants(family: Family):
    """`sync_case_grants` for the family's current case (after a change that is not a case step); returns that case."""
    case = current_case_for_grants(family)
    if case is not None:
        sync_case_grants(case)
    return case


def _apply_grants(family: Family, wanted: dict[Holder, frozenset[str]]) -> None:
    needs_by_id = {permission_id(need): need for need in STAFF_PERMS}
    tables = {"user": (FamilyUserObjectPermission, "user_id"), "group": (FamilyGroupObjectPermission, "group_id")}
    wanted_rows = {(kind, holder, need) for (kind, holder), needs in wanted.items() for need in needs}
    # Both tables' rows in one round trip: every step syncs the grants.
    parts = [
        model.objects.filter(content_object=family, permission_id__in=needs_by_id).values_list(
            Value(kind, output_field=CharField()), "pk", holder_field, "permission_id"
        )
        for kind, (model, holder_field) in tables.items()
    ]
    held = {
        (kind, holder, needs_by_id[permission]): pk
        for kind, pk, holder, permission in parts[0].union(*parts[1:], all=True)
    }
    for kind, (model, holder_field) in tables.items():
        stale = [pk for row, pk in held.items() if row[0] == kind and row not in wanted_rows]
        if stale:
            model.objects.filter(pk__in=stale).delete()
        missing = sorted(row for row in wanted_rows if row[0] == kind and row not in held)
        model.objects.bulk_create(
            model(content_object=family, permission_id=permission_id(need), **{holder_field: holder})
            for _kind, holder, need in missing
        )


def _perm(need: str) -> str:
    return f"cases.{_CODENAMES[need]}"


def user_units(user) -> QuerySet:
    """The service units the user works in."""
    from familielos.models import ServiceUnit

    return ServiceUnit.objects.filter(memberships__user=user)


def visible_submissions(user) -> QuerySet:
    """Screenings the user may see: drafts they wrote, and submitted ones from a unit they work in.

    A screening named to a child is also the family's data, but it stays with the unit that made it:
    the family's grant opens the case, not the unit's working notes.
    """
    from screening.models import Submission, SubmissionStatus

    if not user.is_authenticated or not user.is_active:
        return Submission.objects.none()
    return Submission.objects.filter(
        Q(created_by=user, status=SubmissionStatus.DRAFT)
        | Q(status=SubmissionStatus.SUBMITTED, unit__in=user_units(user))
    )


def submission_or_404(user, pk):
    try:
        return visible_submissions(user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_teams(user) -> QuerySet[Ressursteam]:
    """The ressursteams the user is a member of."""
    if not user.is_authenticated or not user.is_active:
        return Ressursteam.objects.none()
    return Ressursteam.objects.filter(members__user=user)


def visible_referrals(user) -> QuerySet:
    """Referrals the user may open: their own (a draft too), and those sent to a team they are a member of.

    A team member sees a named referral only while holding the family grant (the case is with the team); an
    anonymous one holds no names at all.
    """
    from teams.models import Referral, ReferralStatus

    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    in_my_team = Q(team__in=member_teams(user)) & ~Q(status=ReferralStatus.DRAFT)
    # A named referral's texts are the family's data: a team member reads them only while holding the family grant.
    shareable = Q(case__isnull=True) | Q(case__family__in=visible_families(user))
    return Referral.objects.filter(Q(sender=user) | (in_my_team & shareable))


def can_open_referral_flag(user) -> ExpressionWrapper:
    """An annotation on referrals of a family the user holds the grant on: whether `referral_or_404` opens it
    (their own, or sent to a team they are in; others' drafts are never listed). The same rule as
    `visible_referrals` once the family grant is known, and much cheaper to build than it as a subquery."""
    from teams.models import TeamMember

    in_team = Exists(TeamMember.objects.filter(team=OuterRef("team_id"), user=user))
    return ExpressionWrapper(Q(sender=user) | Q(in_team), output_field=BooleanField())


def referral_or_404(user, pk):
    try:
        return visible_referrals(user).select_related("team", "case__family", "unit", "sender").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_meetings(user) -> QuerySet:
    """The meetings of the teams the user is a member of."""
    from teams.models import Meeting

    return Meeting.objects.filter(team__in=member_teams(user))


def meeting_or_404(user, pk):
    try:
        return visible_meetings(user).select_related("team").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def team_or_404(user, pk) -> Ressursteam:
    try:
        return member_teams(user).get(pk=pk)
    except (Ressursteam.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_familieteams(user) -> QuerySet:
    """The familieteams the user works in: as the case's familielos (the team's leader) or as a service member,
    of a family they hold the grant on. The ressursteam and whoever opened the case see the family, not its team."""
    from familieteam.models import Familieteam

    if not user.is_authenticated or not user.is_active:
        return Familieteam.objects.none()
    return Familieteam.objects.filter(pk__in=_familieteam_ids(user), case__family__in=visible_families(user))


@functools.cache
def _familieteam_ids_sql() -> str:
    from familieteam.models import Familieteam, FamilieteamMember

    return (
        f"SELECT team.id FROM {Familieteam._meta.db_table} team JOIN {Case._meta.db_table} team_case "
        "ON team_case.id = team.case_id WHERE team_case.familielos_id = %s "
        f"UNION SELECT member.team_id FROM {FamilieteamMember._meta.db_table} member WHERE member.user_id = %s"
    )


def _familieteam_ids(user) -> RawSQL:
    """The ids of the familieteams the user leads or is a member of, as one subquery that starts from the user's
    own rows by index (as `_granted_ids`; an OR of the two made PostgreSQL test every team)."""
    return RawSQL(_familieteam_ids_sql(), (user.pk, user.pk))


def familieteam_or_404(user, family_pk):
    """The familieteam of the family with this id, if the user works in it: the one of the family's current case
    (its open case, else the newest), as a family that came back to level 3 in a new case has a team per case."""
    try:
        team = (
            visible_familieteams(user)
            .select_related("case__family", "case__familielos")
            .filter(case__family_id=family_pk)
            .order_by(*current_case_first("case__"))
            .first()
        )
    except (ValueError, TypeError):
        team = None
    if team is None:
        raise Http404
    return team


def familieteam_meeting_or_404(user, pk):
    from familieteam.models import FamilieteamMeeting

    try:
        return (
            FamilieteamMeeting.objects.filter(team__in=visible_familieteams(user))
            .select_related("team__case__family", "team__case__familielos")
            .get(pk=pk)
        )
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_points_team_q(user_id: int | F) -> Q:
    """Action points open to the user `user_id` by the familieteam rule: a familieteam's point only to someone who
    works in the team (its familielos or a member), a level-1 agreement to anyone. `user_id` is an id, or F() of the
    point's field holding one (F("owner_user_id")): one rule for a person's points and for each point's owner."""
    from familieteam.models import FamilieteamMember

    member_id = OuterRef(user_id.name) if isinstance(user_id, F) else user_id
    member = FamilieteamMember.objects.filter(team_id=OuterRef("meeting__team_id"), user_id=member_id)
    return Q(meeting__isnull=True) | Q(meeting__team__case__familielos_id=user_id) | Exists(member)


def visible_action_points(user) -> QuerySet:
    """Action points of the families the user holds the grant on; a familieteam's points only to those who work in
    the team, like its canvas."""
    from cases.models import ActionPoint

    if not user.is_authenticated or not user.is_active:
        return ActionPoint.objects.none()
    # Staff hold the change grant; a family's own login (view only) reads its agreements on its own pages.
    return ActionPoint.objects.filter(family__in=visible_families(user, CHANGE)).filter(in_points_team_q(user.pk))


def action_point_or_404(user, pk):
    try:
        return visible_action_points(user).select_related("family", "meeting__team__case", "samtale__case").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def users_with_grant(family_ids: Iterable[int], need: str) -> dict[int, set[int]]:
    """The ids of the users holding `need` on each of these families, themselves or through a group, by family id;
    two queries however many families."""
    permission = permission_id(need)
    holders: dict[int, set[int]] = defaultdict(set)
    for family_id, user_id in FamilyUserObjectPermission.objects.filter(
        content_object_id__in=family_ids, permission_id=permission
    ).values_list("content_object_id", "user_id"):
        holders[family_id].add(user_id)
    for family_id, user_id in FamilyGroupObjectPermission.objects.filter(
        content_object_id__in=family_ids, permission_id=permission, group__user__isnull=False
    ).values_list("content_object_id", "group__user"):
        holders[family_id].add(user_id)
    return holders


def handover_or_404(user, pk):
    """A baton handover of a family `user` may change; another family's handover is a 404, like the family itself."""
    try:
        return (
            Handover.objects.filter(family__in=visible_families(user, CHANGE))
            .select_related("family", "from_user", "to_user")
            .get(pk=pk)
        )
    except (Handover.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def portal_person(user) -> Person | None:
    """The family member a login stands for on the family's own pages, or None if it may not use them.

    A family login (one whose role is only family member) linked to a guardian with parental responsibility, or to
    a child from PORTAL_YOUTH_AGE. Asked on every portal request, not granted once: removing the parental
    responsibility or unlinking the login ends the access at the next click. A staff account gets None even if it
    is linked to someone: a sign-in link or ID-porten must never sign a staff account in.
    """
    if not user.is_authenticated or not user.is_active or roles.role_of(user) != roles.FAMILY_MEMBER:
        return None
    person = Person.objects.select_related("family").filter(user=user).first()
    if person is None or not may_use_portal(person):
        return None
    return person


def may_use_portal(person: Person) -> bool:
    """The rule `portal_person` applies to a family member (and the staff page asks before linking a login)."""
    return not portal_refusal(person)


def portal_refusal(person: Person) -> str:
    """Why `person` may not use the family's own pages ("" if they may), worded for the staff page that offers them
    a login: guardians with parental responsibility and children from PORTAL_YOUTH_AGE may."""
    age = settings.PORTAL_YOUTH_AGE
    if person.role == PersonRole.GUARDIAN:
        if person.parental_responsibility:
            return ""
        return _("%(name)s has no parental responsibility, so cannot use the family's pages.") % {"name": person}
    if person.role == PersonRole.CHILD and person.birth_date is None:
        first = _("Register %(name)s's date of birth first: a young person can have a login from the age of %(age)s.")
        return first % {"name": person, "age": age}
    if person.role == PersonRole.CHILD:
        if age_on(person.birth_date, timezone.localdate()) >= age:
            return ""
        return _("A young person can have a login to the family's pages from the age of %(age)s.") % {"age": age}
    return _(
        "Only guardians with parental responsibility and young people from the age of %(age)s can have a login to "
        "the family's pages."
    ) % {"age": age}
