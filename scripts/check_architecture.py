#!/usr/bin/env python3
"""Check every #include of the source tree against the module order (docs/architecture.md).

The module graph comes from the build (CMake writes <build>/modules.txt from the td_module()
calls, one line "module: dep dep ..."), so the CMake link order and this check cannot drift
apart. A file in module M may include headers of M and of every module M depends on,
directly or through others. Tests in tests/M follow M's rule; tests/support and tests/crosscheck
(checks between peer engines) may include the engines and everything below them;
tests/install (a program outside the project) may use any module. The Python extension
(python/, above drivers) is in modules.txt like a library module, and tests/python follows it. The
generated header thermodrift/Version.h belongs to core. Exit status 1 lists each violation as
file:line.
"""
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')
SOURCE_SUFFIXES = {".h", ".hpp", ".cpp", ".cc"}
# Test folders that are not modules, with the modules they may reach (closure taken below).
TEST_ONLY = {"support": ["drivers"], "crosscheck": ["fv", "column", "stochastic"],
             "install": ["drivers"], "fuzz": ["drivers"]}


def read_graph(path):
    graph = {}
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        name, _, deps = line.partition(":")
        graph[name.strip()] = deps.split()
    return graph


def closure(graph, roots):
    seen, todo = set(), list(roots)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(graph.get(m, []))
    return seen


def check_acyclic(graph):
    state = {}

    def visit(m, stack):
        if state.get(m) == 1:
            raise SystemExit("module cycle: " + " -> ".join(stack + [m]))
        if state.get(m) == 2:
            return
        state[m] = 1
        for d in graph.get(m, []):
            visit(d, stack + [m])
        state[m] = 2

    for m in graph:
        visit(m, [])


def target_of(include, modules):
    """Module an include names, or None for system and third-party headers."""
    head = include.split("/", 1)[0]
    if head == "thermodrift":
        return "core"
    if head in modules:
        return head
    if head == "tests":
        return include
    return None


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: check_architecture.py SOURCE_DIR BUILD_DIR/modules.txt")
    root = Path(sys.argv[1])
    graph = read_graph(sys.argv[2])
    check_acyclic(graph)
    modules = set(graph)
    errors = []

    # Every folder with C++ sources at the top level must be a module (or tests/bench).
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        # build trees (build/, build-asan/, ...) hold generated sources, never the library's
        if d.name in modules or d.name in {"tests", "bench", "examples", "validation"} \
                or d.name == "build" or d.name.startswith("build-"):
            continue
        if any(f.suffix in SOURCE_SUFFIXES for f in d.rglob("*")):
            errors.append(f"{d.name}/: C++ sources outside any module of modules.txt")

    def allowed_for(folder):
        if folder in modules:
            return closure(graph, [folder])
        if folder in TEST_ONLY:
            return closure(graph, TEST_ONLY[folder])
        return None

    def check_file(f, folder, allowed, is_test):
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            tgt = target_of(inc, modules)
            if tgt is None:
                continue
            if tgt.startswith("tests/"):
                if not is_test:
                    errors.append(f"{f.relative_to(root)}:{n}: library code includes test header {inc}")
                    continue
                sub = tgt.split("/")[1]
                if sub == "support" or sub == folder or sub in allowed:
                    continue
                errors.append(f"{f.relative_to(root)}:{n}: {inc}: tests/{folder} may not use tests/{sub}")
                continue
            if tgt not in allowed:
                errors.append(
                    f"{f.relative_to(root)}:{n}: {inc}: module '{folder}' may not include '{tgt}' "
                    f"(allowed: {', '.join(sorted(allowed))})")

    for mod in sorted(modules):
        allowed = closure(graph, [mod])
        for f in sorted((root / mod).rglob("*")):
            if f.suffix in SOURCE_SUFFIXES:
                check_file(f, mod, allowed, False)
    tests = root / "tests"
    for d in sorted(p for p in tests.iterdir() if p.is_dir()):
        allowed = allowed_for(d.name)
        if allowed is None:
            errors.append(f"tests/{d.name}/: not a module folder (tests/ mirrors the modules)")
            continue
        for f in sorted(d.rglob("*")):
            if f.suffix in SOURCE_SUFFIXES:
                check_file(f, d.name, allowed, True)

    for e in errors:
        print(e)
    files = sum(1 for m in modules for f in (root / m).rglob("*") if f.suffix in SOURCE_SUFFIXES)
    print(f"architecture: {len(modules)} modules, {files} library files, "
          f"{len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
