"""Lists the imports of Python modules from their syntax trees, for the import coverage rule.

python3 find_imports.py <root> <file>...   (files relative to root)
Prints one JSON object: {"python": "3.12.1", "files": [{"path", "imports": [...], "unchecked": [...]} or {"path", "error"}]}.
Each import: {"module", "level", "names", "line", "optional", "lazy", "dynamic"}; "module" is as written
(None for "from . import x"), "level" counts the leading dots. Only the standard library is used.
"""
import ast
import json
import os
import platform
import sys

IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError")
BROAD = ("Exception", "BaseException")


def caught_names(handler):
    if handler.type is None:
        return ["(bare except)"]
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = []
    for node in nodes:
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
    return names


def optional_reason(try_node):
    """Why imports in this try block are optional: a handler that catches the ImportError a missing module raises."""
    for handler in try_node.handlers:
        names = caught_names(handler)
        for wanted in IMPORT_ERRORS + BROAD:
            if wanted in names:
                return "try/except " + wanted
        if names == ["(bare except)"]:
            return "try/except (bare)"
    return None


def is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def call_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Finder(ast.NodeVisitor):
    def __init__(self, source):
        self.source = source
        self.imports = []
        self.unchecked = []
        self.guards = []
        self.functions = 0

    def record(self, node, module, level, names, dynamic=False):
        self.imports.append(
            {
                "module": module,
                "level": level,
                "names": names,
                "line": node.lineno,
                "optional": self.guards[-1] if self.guards else None,
                "lazy": self.functions > 0,
                "dynamic": dynamic,
            }
        )

    def guarded(self, reason, nodes):
        self.guards.append(reason)
        for node in nodes:
            self.visit(node)
        self.guards.pop()

    def visit_Try(self, node):
        reason = optional_reason(node)
        if reason:
            self.guarded(reason, node.body)
        else:
            for child in node.body:
                self.visit(child)
        for child in node.handlers + node.orelse + node.finalbody:
            self.visit(child)

    visit_TryStar = visit_Try

    def visit_If(self, node):
        if is_type_checking(node.test):
            self.guarded("if TYPE_CHECKING", node.body)
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_function(self, node):
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_FunctionDef = visit_function
    visit_AsyncFunctionDef = visit_function
    visit_Lambda = visit_function

    def visit_Import(self, node):
        for alias in node.names:
            self.record(node, alias.name, 0, [])

    def visit_ImportFrom(self, node):
        self.record(node, node.module, node.level, [alias.name for alias in node.names])

    def visit_Call(self, node):
        name = call_name(node.func)
        if name in ("import_module", "__import__") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
                level = len(text) - len(text.lstrip("."))
                self.record(node, text[level:] or None, level, [], dynamic=True)
            else:
                call = ast.get_source_segment(self.source, node) or name + "(...)"
                self.unchecked.append({"line": node.lineno, "call": call if len(call) <= 80 else call[:77] + "..."})
        self.generic_visit(node)


def main():
    root, files = sys.argv[1], sys.argv[2:]
    report = {"python": platform.python_version(), "files": []}
    for path in files:
        with open(os.path.join(root, path), "rb") as handle:
            data = handle.read()
        try:
            source = data.decode("utf-8")
            tree = ast.parse(source, filename=path)
        except (SyntaxError, UnicodeDecodeError) as error:
            line = getattr(error, "lineno", None)
            report["files"].append({"path": path, "error": ("line %s: " % line if line else "") + str(getattr(error, "msg", error))})
            continue
        finder = Finder(source)
        finder.visit(tree)
        report["files"].append({"path": path, "imports": finder.imports, "unchecked": finder.unchecked})
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
