"""The benchmark server's URLs: the demo's, plus the bare pylti1p3 tool under /bare/ and
its workbench scenario ``bench_bare`` (one Codio unit block launching that tool)."""

from django.urls import include, path
from workbench.scenarios import add_xml_scenario, get_scenarios

from demo.urls import urlpatterns as demo_urlpatterns

from . import bare_tool

if "bench_bare" not in get_scenarios():
    add_xml_scenario(
        "bench_bare",
        "Bare pylti1p3 tool",
        '<codio_unit tool="bare" unit="hello-python" share_name="true" share_email="true"/>',
    )

urlpatterns = [path("bare/", include(bare_tool.urlpatterns)), *demo_urlpatterns]
