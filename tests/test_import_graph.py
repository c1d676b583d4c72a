"""The project's import graph has no circles (issue 16).

Read statically from the source (``ast``): every import counts, at module level or inside
a function, since a function-level import only hides a circle until the function runs.
Migrations are left out (Django writes them and they import nothing of ours but models).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lti_bridge", "codio_xblock")


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield _module_name(path), path


def import_graph():
    """{module: {modules of ours it imports}}."""
    sources = dict(_sources())
    graph = {}
    for name, path in sources.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # ``from pkg import name``: the submodule pkg.name when there is one
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in sources else module
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                while target and target not in sources:  # a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def circles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_scanner_sees_function_level_imports_and_circles():
    graph = import_graph()
    # lti_bridge.tasks imports the flows it runs (a module-level import)...
    assert "lti_bridge.flows.roster" in graph["lti_bridge.tasks"]
    # ...and a function-level import counts as well
    assert "lti_bridge.tasks" in graph["lti_bridge.apps"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circles(package):
    found = [c for c in circles(import_graph()) if any(m.startswith(package) for m in c)]
    assert found == []


def test_flows_and_tasks_meet_only_in_the_queue_module():
    graph = import_graph()
    queue_imports = graph["lti_bridge.queue"]
    assert queue_imports == set(), queue_imports
    for module, imported in graph.items():
        if module != "lti_bridge.tasks" and not module.startswith("lti_bridge.management"):
            assert "lti_bridge.tasks" not in imported or module == "lti_bridge.apps", module


def test_the_bridge_imports_nothing_of_the_xblock():
    """ADR 0010: the bridge stands alone; what both sides share lives in lti_bridge.protocol
    (framework-free) and lti_bridge.keyring (Django only)."""
    graph = import_graph()
    bridge = {m: deps for m, deps in graph.items() if m.startswith("lti_bridge")}
    assert bridge
    assert {m: d for m, d in bridge.items() if any(x.startswith("codio_xblock") for x in d)} == {}


def test_shared_code_drags_in_neither_side():
    graph = import_graph()
    for module, deps in graph.items():
        if module.startswith("lti_bridge.protocol"):
            assert all(d.startswith("lti_bridge.protocol") for d in deps), (module, deps)
    assert graph["lti_bridge.keyring"] <= {"lti_bridge.protocol", "lti_bridge.protocol.keys"}


# Where the XBlock reaches into the bridge's app (not only its shared code): the built-in
# bridge's registration command and the retirement signal's connection, both used only
# when lti_bridge is installed beside the platform.
BUILT_IN_BRIDGE_GLUE = {
    "codio_xblock.apps",
    "codio_xblock.management.commands.codio_register_builtin_bridge",
}


def test_the_xblock_uses_only_the_bridges_shared_code_outside_the_built_in_glue():
    graph = import_graph()
    shared = ("lti_bridge.protocol", "lti_bridge.keyring")
    reaching = {
        module: sorted(d for d in deps if d.startswith("lti_bridge") and not d.startswith(shared))
        for module, deps in graph.items()
        if module.startswith("codio_xblock")
    }
    assert {m for m, deps in reaching.items() if deps} == BUILT_IN_BRIDGE_GLUE
