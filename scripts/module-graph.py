#!/usr/bin/env python3
"""Checks that the modules of a crate import each other without cycles, and that the
browser shell's layers only import downwards.

The graph is read from the `mod` tree (starting at the crate root, following `mod x;`
to `x.rs` or `x/mod.rs`) and from every `crate::…` and `super::…` path in each module's
code (comments and string literals are ignored). A path names the longest module it
reaches. A module and its own submodules are one unit (a child may use its parent's
items), so only imports between separate subtrees count as edges.

    python3 scripts/module-graph.py src core/src sim/src       # check; exit 1 on a cycle
    python3 scripts/module-graph.py --dot src > shell.dot       # the graph, for a picture

For `src/` (the shell) it also checks the layers: screens (`components`) → state →
runs → transport, with `browser` and `format` as helpers any layer may use and the page's
entry points (`lib`, `sign_in_page`, `workspace_loader`) above all of them.
"""

import os
import re
import sys

SHELL_LAYERS = {
    "sign_in_page": 5,
    "workspace_loader": 5,
    "components": 4,
    "state": 3,
    "runs": 2,
    "transport": 1,
    "browser": 0,
    "format": 0,
}
LAYER_NAMES = {5: "entry", 4: "screens", 3: "state", 2: "runs", 1: "transport", 0: "helpers"}


def code_of(text):
    """The text with comments and string literals blanked (line numbers kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('r#"', i) or text.startswith('r"', i):
            hashes = 1 if text[i + 1] == "#" else 0
            end = '"' + "#" * hashes
            j = text.find(end, i + 2 + hashes)
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i : i + 4]):
            j = text.index("'", i + 2 if text[i + 1] != "\\" else i + 3) + 1
            out.append("' '")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mod_tree(root_file):
    """{module path tuple: file} for every module reachable from the crate root."""
    modules = {}

    def visit(path, file):
        modules[path] = file
        text = code_of(open(file, encoding="utf-8").read())
        base = os.path.dirname(file)
        stem = os.path.splitext(os.path.basename(file))[0]
        if stem not in ("lib", "main", "mod"):
            base = os.path.join(base, stem)
        for name in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M):
            for candidate in (os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")):
                if os.path.exists(candidate):
                    visit(path + (name,), candidate)
                    break
            else:
                sys.exit(f"{file}: `mod {name};` has no file")

    visit((), root_file)
    return modules


def expand_group(prefix, body):
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e]."""
    items, depth, current = [], 0, ""
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    paths = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = re.match(r"([\w:]*?)(::)?\{(.*)\}$", item, re.S)
        if m:
            inner = prefix + [p for p in m.group(1).split("::") if p]
            paths.extend(expand_group(inner, m.group(3)))
        else:
            name = item.split(" as ")[0].strip()
            paths.append(prefix + [p for p in name.split("::") if p and p != "self"])
    return paths


def references(module, text):
    """(line, path parts) for every crate:: or super:: path in the module's code."""
    found = []
    for m in re.finditer(r"\b(crate|super)((?:::(?:\w+|super))*)(::\{)?", text):
        line = text.count("\n", 0, m.start()) + 1
        parts = [p for p in m.group(2).split("::") if p]
        if m.group(1) == "super":
            base = list(module[:-1])
            while parts and parts[0] == "super":
                base = base[:-1]
                parts = parts[1:]
            parts = base + parts
        if m.group(3):
            depth, j = 1, m.end()
            while depth and j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            for path in expand_group(parts, text[m.end() : j - 1]):
                found.append((line, path))
        else:
            found.append((line, parts))
    return found


def graph(root_dir):
    root_file = next(
        os.path.join(root_dir, f) for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(root_dir, f))
    )
    modules = mod_tree(root_file)
    edges = {}
    for module, file in modules.items():
        text = code_of(open(file, encoding="utf-8").read())
        for line, parts in references(module, text):
            target = tuple(parts)
            while target and target not in modules:
                target = target[:-1]
            if not target or target == module:
                continue
            if module[: len(target)] == target or target[: len(module)] == module:
                continue  # a module and its own submodules are one unit
            edges.setdefault(module, {}).setdefault(target, (file, line))
    return modules, edges


def cycles(modules, edges):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in modules:
        if v not in index:
            connect(v)
    return found


def name(module):
    return "::".join(module) or "crate"


def layer_of(module):
    return SHELL_LAYERS.get(module[0]) if module else 5


def main(argv):
    dot = "--dot" in argv
    roots = [a for a in argv if not a.startswith("--")] or ["src"]
    failed = False
    for root in roots:
        modules, edges = graph(root)
        if dot:
            print(f'digraph "{root}" {{')
            for a, targets in sorted(edges.items()):
                for b in sorted(targets):
                    print(f'  "{name(a)}" -> "{name(b)}";')
            print("}")
            continue
        for component in cycles(modules, edges):
            failed = True
            members = set(component)
            print(f"{root}: import cycle between {', '.join(sorted(name(m) for m in component))}:")
            for a in sorted(component):
                for b, (file, line) in sorted(edges.get(a, {}).items()):
                    if b in members:
                        print(f"  {file}:{line}: {name(a)} uses {name(b)}")
        if os.path.normpath(root) == "src":
            for a, targets in sorted(edges.items()):
                for b, (file, line) in sorted(targets.items()):
                    la, lb = layer_of(a), layer_of(b)
                    if la is None or lb is None:
                        failed = True
                        unknown = a if la is None else b
                        print(f"{file}:{line}: module {name(unknown)} belongs to no layer (add it to SHELL_LAYERS)")
                    elif lb > la:
                        failed = True
                        print(
                            f"{file}:{line}: {name(a)} ({LAYER_NAMES[la]}) uses {name(b)} ({LAYER_NAMES[lb]}): "
                            "layers run screens → state → runs → transport"
                        )
        if not dot:
            count = sum(len(t) for t in edges.values())
            print(f"{root}: {len(modules)} modules, {count} imports between them")
    if failed:
        return 1
    if not dot:
        print("module graph: no cycles, every layer imports only downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
