from django.urls import path

from .launch import views as launch_views
from .views import (
    account,
    classes,
    classroom,
    deep_linking,
    exports,
    grading,
    organization,
    verification,
)
from .views.responses import bridge_view

app_name = "lti_bridge"

urlpatterns = [
    path("lti/login", launch_views.login, name="login"),
    path("lti/launch", launch_views.launch, name="launch"),
    path("lti/jwks", launch_views.jwks, name="jwks"),
    path("deep-linking/<str:token>/", deep_linking.picker, name="deep-linking"),
    path("verify/<str:key>/", verification.verify_email, name="verify-email"),
    path("account/", account.account_home, name="account"),
    path("account/sign-in/", account.sign_in_view, name="sign-in"),
    path("account/sign-out/", account.sign_out, name="sign-out"),
    path("account/password/", account.password_reset, name="password-reset"),
    path(
        "account/password/<str:uidb64>/<str:token>/",
        account.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("classes/join/<str:token>/", classes.join, name="join"),
    path("classes/<int:class_id>/", classroom.class_page, name="class"),
    path("classes/<int:class_id>/settings/", classroom.class_settings, name="class-settings"),
    path("classes/<int:class_id>/mentors/", classroom.mentors_page, name="mentors"),
    path("classes/<int:class_id>/roster/sync/", classroom.sync_roster, name="sync-roster"),
    path("units/<int:link_id>/", classroom.unit_page, name="unit"),
    path("units/<int:link_id>/content/", classroom.edit_unit_content, name="unit-content"),
    path("units/<int:link_id>/learners/<int:account_id>/", classroom.work_page, name="work"),
    path("api/v1/classes/<int:class_id>/mentors", classroom.mentors_api, name="api-mentors"),
    path("units/<int:link_id>/work/", grading.save_work, name="save-work"),
    path("units/<int:link_id>/learners/<int:account_id>/grade/", grading.grade_work, name="grade"),
    path(
        "units/<int:link_id>/learners/<int:account_id>/completion/",
        grading.set_completion,
        name="completion",
    ),
    path("units/<int:link_id>/release/", grading.release_grades, name="release"),
    path("units/<int:link_id>/deliveries/retry/", grading.retry_deliveries, name="retry"),
    path("units/<int:link_id>/deliveries/", grading.delivery_progress, name="delivery-progress"),
    path("feedback/<int:work_id>/", grading.feedback, name="feedback"),
    path(
        "organizations/<int:org_id>/lti-integrations/",
        organization.lti_integrations,
        name="lti-integrations",
    ),
    path("units/<int:link_id>/export.csv", exports.unit_grades, name="export-unit"),
    path("classes/<int:class_id>/export.csv", exports.class_grades, name="export-class"),
    path("classes/<int:class_id>/roster.csv", exports.roster, name="export-roster"),
    path("classes/<int:class_id>/grade-history.csv", exports.grade_history, name="export-history"),
    path(
        "classes/<int:class_id>/assignments.csv", exports.assignment_urls, name="export-assignments"
    ),
]

# Every response: nosniff, framing only where a page allows it, refusals that say what happened,
# and every form protected one way (forms_token.protect, applied by bridge_view; ADR 0015).
for pattern in urlpatterns:
    pattern.callback = bridge_view(pattern.callback)
