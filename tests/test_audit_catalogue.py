"""The audit log's and the access checks' vocabularies are closed catalogues: every audit() call records an
AuditAction and every require_role / require_tenant(s) names a PermissionAction, each with Chinese words."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenants.access import PermissionAction
from tenants.audit import AuditAction

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("checks", "loaders", "tenants", "reformboard", "dashboard", "textsafety")
# call name -> where its action is: a keyword, or a positional index
CHECKED_CALLS = {
    "audit": (AuditAction, 2),
    "require_tenant": (PermissionAction, 3),
    "require_tenants": (PermissionAction, 3),
    "require_role": (PermissionAction, "action"),
}


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from (ROOT / package).rglob("*.py")


def calls_with_parameters(tree: ast.AST) -> Iterator[tuple[ast.Call, dict[str, str]]]:
    """Every call, with the annotations of the parameters of the functions around it."""

    def visit(node: ast.AST, parameters: dict[str, str]) -> Iterator[tuple[ast.Call, dict[str, str]]]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            parameters = {**parameters, **{a.arg: ast.unparse(a.annotation) for a in arguments if a.annotation}}
        if isinstance(node, ast.Call):
            yield node, parameters
        for child in ast.iter_child_nodes(node):
            yield from visit(child, parameters)

    yield from visit(tree, {})


def names_a_member(node: ast.AST, catalogue: type, parameters: dict[str, str]) -> bool:
    """`Catalogue.MEMBER`, a parameter typed as the catalogue, or a choice between such."""
    name = catalogue.__name__
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
        return node.attr in catalogue.__members__
    if isinstance(node, ast.IfExp):
        return names_a_member(node.body, catalogue, parameters) and names_a_member(node.orelse, catalogue, parameters)
    return isinstance(node, ast.Name) and parameters.get(node.id) == name


def action_argument(call: ast.Call, where: int | str) -> ast.AST | None:
    if isinstance(where, str):
        return next((k.value for k in call.keywords if k.arg == where), None)
    return call.args[where] if len(call.args) > where else None


def test_every_audit_and_access_check_names_a_catalogue_member() -> None:
    strays = []
    for path in sources():
        for call, parameters in calls_with_parameters(ast.parse(path.read_text(encoding="utf-8"))):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if name not in CHECKED_CALLS:
                continue
            catalogue, where = CHECKED_CALLS[name]
            argument = action_argument(call, where)
            if argument is None or not names_a_member(argument, catalogue, parameters):
                strays.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)[:80]}")
    assert strays == []


@pytest.mark.parametrize("catalogue", [AuditAction, PermissionAction])
def test_each_member_has_its_own_value_and_chinese_words(catalogue: type) -> None:
    members = list(catalogue)
    assert len({m.value for m in members}) == len(members)
    assert len({m.label for m in members}) == len(members)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m.label) for m in members)


def test_a_member_is_stored_as_its_plain_value() -> None:
    assert AuditAction("school_added") is AuditAction.SCHOOL_ADDED
    assert str(AuditAction.SCHOOL_ADDED) == "school_added" and AuditAction.SCHOOL_ADDED.label == "添加学校"
