from django.contrib.auth import views as auth_views
from django.urls import include, path
from workbench import views as workbench_views
from workbench.urls import urlpatterns as workbench_urls

from . import views

urlpatterns = [
    path("", views.home, name="demo-home"),
    path("workbench/", workbench_views.index, name="workbench_index"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("demo/as/<str:username>/", views.sign_in_as, name="demo-sign-in-as"),
    path("gradebook/", views.gradebook, name="demo-gradebook"),
    path("studio/", views.author, name="demo-studio"),
    path("codio/", include("codio_xblock.urls")),
    path("lti-bridge/", include("lti_bridge.urls")),
    *[p for p in workbench_urls if getattr(p.pattern, "_regex", None) != "^$"],
]
