from django.urls import path

from .launch import views as launch_views

app_name = "lti_bridge"

urlpatterns = [
    path("lti/login", launch_views.login, name="login"),
    path("lti/launch", launch_views.launch, name="launch"),
    path("lti/jwks", launch_views.jwks, name="jwks"),
]
