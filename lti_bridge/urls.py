from django.urls import path

from .launch import views as launch_views
from .views import account, classes, verification

app_name = "lti_bridge"

urlpatterns = [
    path("lti/login", launch_views.login, name="login"),
    path("lti/launch", launch_views.launch, name="launch"),
    path("lti/jwks", launch_views.jwks, name="jwks"),
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
]
