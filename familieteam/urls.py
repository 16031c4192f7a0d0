"""Level 3's pages: the familieteam of a family (/familieteam/<family id>/), its meetings with samtaleduk 2 and the
PDFs for the meeting table, and everyone's own action points (/aksjonspunkt/)."""

from django.urls import path

from familieteam import action_views, canvas_views, print_views, team_views

app_name = "familieteam"

urlpatterns = [
    path("familieteam/<int:family_pk>/", team_views.team, name="team"),
    path("familieteam/<int:family_pk>/plan/", team_views.plan, name="plan"),
    path("familieteam/<int:family_pk>/medlemmer/ny/", team_views.member_add, name="member_add"),
    path("familieteam/<int:family_pk>/medlemmer/fortrolig/", team_views.trusted_add, name="trusted_add"),
    path(
        "familieteam/<int:family_pk>/medlemmer/<int:member_pk>/fjern/", team_views.member_remove, name="member_remove"
    ),
    path("familieteam/<int:family_pk>/moter/ny/", team_views.meeting_new, name="meeting_new"),
    path("familieteam/moter/<int:pk>/endre/", team_views.meeting_edit, name="meeting_edit"),
    path("familieteam/moter/<int:pk>/avslutt/", team_views.meeting_finish, name="meeting_finish"),
    path("familieteam/moter/<int:pk>/innkalling.pdf", print_views.invitation_pdf, name="invitation_pdf"),
    path("familieteam/moter/<int:pk>/", canvas_views.meeting, name="meeting"),
    path("familieteam/moter/<int:pk>/celler/", canvas_views.cell_save, name="cell_save"),
    path("familieteam/moter/<int:pk>/endringar/", canvas_views.cell_changes, name="cell_changes"),
    path("familieteam/moter/<int:pk>/celler/<int:cell_pk>/historikk/", canvas_views.cell_history, name="cell_history"),
    path("familieteam/moter/<int:pk>/evaluering/<int:cell_pk>/", canvas_views.evaluate, name="evaluate"),
    path("familieteam/moter/<int:pk>/samtaleduk.pdf", print_views.canvas_pdf, name="canvas_pdf"),
    path("familieteam/moter/<int:pk>/referat.pdf", print_views.minutes_pdf, name="minutes_pdf"),
    path("familieteam/samtaleduk-2.pdf", print_views.canvas_blank_pdf, name="canvas_blank_pdf"),
    path("familieteam/moter/<int:pk>/aksjonspunkt/ny/", action_views.action_point_new, name="action_point_new"),
    path("aksjonspunkt/", action_views.my_action_points, name="my_action_points"),
    path("aksjonspunkt/<int:pk>/status/", action_views.action_point_status, name="action_point_status"),
]
