from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.clickjacking import xframe_options_exempt
from workbench import views as workbench_views
from workbench.urls import urlpatterns as workbench_urls

from . import views

# The workbench's own routes the demo does not serve: its handler (replaced below), and its
# developer tools, which an LMS has not: anyone could wipe every block's state with a GET
# (reset_state), list the users (userlist) or call handlers unauthenticated.
WORKBENCH_LEFT_OUT = ("handler", "reset_state", "userlist", "unauth_handler")

urlpatterns = [
    path("", views.home, name="demo-home"),
    path("workbench/", workbench_views.index, name="workbench_index"),
    # the Learning MFE (another origin) sends signed-out learners here and back
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("demo/as/<str:username>/", views.sign_in_as, name="demo-sign-in-as"),
    path("gradebook/", views.gradebook, name="demo-gradebook"),
    path("studio/", views.author, name="demo-studio"),
    path("studio/publish/", views.publish, name="demo-studio-publish"),
    path("learning/course/<str:scenario_id>/", views.mfe_course, name="demo-mfe-course"),
    path("xblock/<str:scenario_id>/", views.render_xblock, name="demo-render-xblock"),
    # edx-platform's XBlock handler views are exempt from X-Frame-Options
    # (lms/djangoapps/courseware/block_render.py handle_xblock_callback): a unit's frame
    # starts at its launch handler, inside the MFE's frame.
    re_path(
        r"^handler/(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$",
        xframe_options_exempt(workbench_views.handler),
        {"authenticated": True},
        name="handler",
    ),
    path("codio/", include("codio_xblock.urls")),
    path("lti-bridge/", include("lti_bridge.urls")),
    *[
        p
        for p in workbench_urls
        if getattr(p.pattern, "_regex", None) != "^$"
        and getattr(p, "name", "") not in WORKBENCH_LEFT_OUT
    ],
    # their names stay (the workbench's templates link them), answered by a 404
    *[
        re_path(p.pattern.regex.pattern, views.not_served, name=p.name)
        for p in workbench_urls
        if getattr(p, "name", "") in WORKBENCH_LEFT_OUT and p.name != "handler"
    ],
]
