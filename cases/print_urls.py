"""PDFs and the letter-template editor, included at the site root (family PDFs sit under /familier/)."""

from django.urls import path

from cases import print_views

app_name = "print"

urlpatterns = [
    path(
        "familier/<int:family_pk>/samtale/<int:samtale_pk>/invitasjon.pdf",
        print_views.invitation_letter,
        name="invitation_letter",
    ),
    path(
        "familier/<int:family_pk>/samtale/<int:samtale_pk>/samtaleduk-1.pdf",
        print_views.samtaleduk_filled,
        name="samtaleduk_filled",
    ),
    path("samtaleduk-1.pdf", print_views.samtaleduk_blank, name="samtaleduk_blank"),
    path("brevmaler/", print_views.letter_template_list, name="letter_template_list"),
    path("brevmaler/<slug:kind>/", print_views.letter_template_edit, name="letter_template_edit"),
    path(
        "brevmaler/<slug:kind>/forhandsvisning.pdf", print_views.letter_template_preview, name="letter_template_preview"
    ),
]
