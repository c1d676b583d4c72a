"""The workbench takes the learner from ``?student=``; the demo takes it from the signed-in
Django user instead, so the platform can bind launches to a real user, as Open edX does."""

from django.contrib.auth.views import redirect_to_login

WORKBENCH_PREFIXES = ("/scenario/", "/view/", "/handler/", "/xblock/")


class WorkbenchUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(WORKBENCH_PREFIXES):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            query = request.GET.copy()
            query["student"] = request.user.get_username()
            request.GET = query
        return self.get_response(request)
