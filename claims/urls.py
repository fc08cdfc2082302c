from django.urls import path

from .views import actions, claim, corrections, desk, groups, notes, public, queue

app_name = "claims"

urlpatterns = [
    path("", public.home, name="home"),
    path("claims/", queue.claim_queue, name="queue"),
    path("claims/bulk/", queue.claim_queue_bulk, name="queue_bulk"),
    path("claims/<int:pk>/", claim.claim_detail, name="detail"),
    path("claims/<int:pk>/history/", desk.claim_history, name="history"),
    path("claims/<int:pk>/assign/", actions.claim_assign, name="assign"),
    path("claims/<int:pk>/unassign/", actions.claim_unassign, name="unassign"),
    path("claims/<int:pk>/dismiss/", actions.claim_dismiss, name="dismiss"),
    path("claims/<int:pk>/reopen/", actions.claim_reopen, name="reopen"),
    path("claims/<int:pk>/speaker/", actions.claim_speaker, name="speaker"),
    path("claims/<int:pk>/verdict/", claim.verdict_save, name="verdict_save"),
    path("claims/<int:pk>/submit/", actions.verdict_submit, name="submit"),
    path("claims/<int:pk>/withdraw/", actions.verdict_withdraw, name="withdraw"),
    path("claims/<int:pk>/publish/", actions.verdict_publish, name="publish"),
    path("claims/<int:pk>/return/", actions.verdict_return, name="return"),
    path("claims/<int:pk>/correct/", corrections.correction_request, name="correct"),
    path(
        "corrections/<int:pk>/approve/", corrections.correction_approve, name="correction_approve"
    ),
    path("corrections/<int:pk>/reject/", corrections.correction_reject, name="correction_reject"),
    path(
        "corrections/<int:pk>/withdraw/",
        corrections.correction_withdraw,
        name="correction_withdraw",
    ),
    path("claims/<int:pk>/notes/", notes.claim_note_add, name="note_add"),
    path("notes/<int:pk>/remove/", notes.claim_note_remove, name="note_remove"),
    path("claims/<int:pk>/split/", groups.claim_split, name="split"),
    path("claims/<int:pk>/merge/", groups.group_merge, name="merge"),
    path("claims/<int:pk>/apply-verdict/", groups.claim_apply_verdict, name="apply_verdict"),
    path(
        "verdict-applications/<int:pk>/approve/",
        groups.application_approve,
        name="application_approve",
    ),
    path(
        "verdict-applications/<int:pk>/reject/",
        groups.application_reject,
        name="application_reject",
    ),
    path(
        "verdict-applications/<int:pk>/withdraw/",
        groups.application_withdraw,
        name="application_withdraw",
    ),
    path("suggestions/<int:pk>/confirm/", groups.suggestion_confirm, name="suggestion_confirm"),
    path("suggestions/<int:pk>/reject/", groups.suggestion_reject, name="suggestion_reject"),
    path("group-events/<int:pk>/undo/", groups.group_event_undo, name="group_event_undo"),
    path("claim-groups/<int:pk>/", groups.group_history, name="group_history"),
    path("canonical-claims/<int:pk>/", groups.group_history_moved, name="group_history_moved"),
    path("sentences/<int:sentence_pk>/claim/", actions.claim_add, name="add"),
    path("review/", queue.review_queue, name="review_queue"),
    path("history/", desk.desk_history, name="desk_history"),
    path("speakers/", desk.speaker_index, name="speakers"),
    path("speakers/<slug:slug>/", desk.speaker_detail, name="speaker_detail"),
    path("speakers/<slug:slug>/merge/", desk.speaker_merge, name="speaker_merge"),
    path("speakers/<slug:slug>/edit/", desk.speaker_edit, name="speaker_edit"),
    path("speaker-duplicates/", desk.speaker_duplicates, name="speaker_duplicates"),
    path("speaker-merges/<int:pk>/undo/", desk.speaker_merge_undo, name="speaker_merge_undo"),
    path("dashboard/", desk.dashboard, name="dashboard"),
    path("dashboard/fact-checks.csv", desk.verdict_export, name="verdict_export"),
    path("fact-checks/", public.verdict_index, name="public_index"),
    path("fact-checks/feed/", public.PublishedVerdictsFeed(), name="public_feed"),
    path("fact-checks/<int:pk>/", public.verdict_public, name="public"),
]
