"""Python modules, read with `ast`: the calls that load a model, and the names they are given.

A loader's model argument is read where the call stands. A name is followed through the simple
assignments of its module (`MODEL_ID = "ORG/NAME"` … `from_pretrained(MODEL_ID)`, a function's
default, `os.getenv("MODEL", "ORG/NAME")`'s default, a `for` over a list of names); anything else —
an f-string, an attribute, a parameter without a default, another module's constant — is reported as
`dynamic` with the expression, never guessed. Assignments are read flow-insensitively: a name given
two values reports both.

Comments and docstrings never count (they are not calls), and neither does a string that no loader,
model argument or model-named variable holds.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from checker.discovery.finding import Finding, Known, Local, Named, ReferenceKind, is_model_key, model_name, weak_name


@dataclass(frozen=True)
class _Rule:
    kind: ReferenceKind
    positional: int | None  # the index of the model argument, if it may be positional
    keywords: tuple[str, ...]  # the keywords that give it
    names_only: bool = True  # the argument is always a name (never a model object): anything computed is dynamic
    dynamic: bool = True  # report a computed name (False: the call may as well name a model of another provider)


_FROM_PRETRAINED = _Rule(
    ReferenceKind.FROM_PRETRAINED, 0, ("pretrained_model_name_or_path", "model_id", "model_name_or_path")
)
_PEFT = _Rule(ReferenceKind.FROM_PRETRAINED, 1, ("model_id",))  # PeftModel.from_pretrained(model, "ORG/ADAPTER")
_HUB = _Rule(ReferenceKind.HUB_DOWNLOAD, 0, ("repo_id",))
_PIPELINE = _Rule(ReferenceKind.PIPELINE, 1, ("model",), names_only=False)
_ST = _Rule(ReferenceKind.SENTENCE_TRANSFORMERS, 0, ("model_name_or_path", "model_name"))
_VLLM = _Rule(ReferenceKind.VLLM, 0, ("model",))
_VLLM_ARGS = _Rule(ReferenceKind.VLLM, None, ("model",))
_CLIENT = _Rule(ReferenceKind.INFERENCE_CLIENT, 0, ("model",))
_LANGCHAIN = _Rule(ReferenceKind.LANGCHAIN, None, ("repo_id", "model_id", "model_name", "model"))
_LANGCHAIN_PIPELINE = _Rule(ReferenceKind.LANGCHAIN, 0, ("model_id",))
_LITELLM = _Rule(ReferenceKind.LITELLM, 0, ("model",), dynamic=False)
_LITELLM_CALLS = {"completion", "acompletion", "embedding", "aembedding", "text_completion", "atext_completion"}
# Calls that take an option's default: argparse's add_argument, click's and typer's options.
_OPTION_CALLS = {"add_argument", "option", "Option", "argument", "Argument"}
# Calls whose model argument names a repo this project writes, not one it uses.
_WRITERS = {"push_to_hub", "create_repo", "upload_file", "upload_folder", "delete_repo", "save_pretrained"}
# Names of objects rather than names: `pipeline(model=model)` passes a loaded model.
_NAME_WORDS = ("name", "id", "path", "repo", "checkpoint")


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Call):
        inner = _dotted(node.func)
        return f"{inner}()" if inner else None
    return None


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name → what it was imported as (`pipeline` → `transformers.pipeline`)."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _rule(call: ast.Call, imports: dict[str, str]) -> tuple[_Rule, str, str] | None:
    """The loader rule for a call, its canonical name and the call as written."""
    func = call.func
    if isinstance(func, ast.Name):
        origin = imports.get(func.id, func.id)
        name, receiver = origin.split(".")[-1], origin.rpartition(".")[0]
    elif isinstance(func, ast.Attribute):
        name = func.attr
        written = _dotted(func.value) or ""
        first = written.split(".")[0]
        receiver = imports.get(first, first) + written[len(first) :]
    else:
        return None
    shown = _dotted(func) or name
    last = receiver.split(".")[-1].removesuffix("()")
    root = receiver.split(".")[0]
    if name == "from_pretrained":
        return (_PEFT if last.startswith("PeftModel") else _FROM_PRETRAINED), name, shown
    if name == "from_model_id" and last.startswith("HuggingFace"):
        return _LANGCHAIN_PIPELINE, name, shown
    if name in {"hf_hub_download", "snapshot_download", "hf_hub_url"}:
        return _HUB, name, shown
    if name == "pipeline":
        if root == "transformers":
            return _PIPELINE, name, shown
        return _Rule(ReferenceKind.PIPELINE, 1, ("model",), names_only=False, dynamic=False), name, shown
    if name in {"SentenceTransformer", "CrossEncoder", "SparseEncoder"}:
        return _ST, name, shown
    if name == "LLM":
        return (_VLLM if root == "vllm" else _Rule(ReferenceKind.VLLM, 0, ("model",), dynamic=False)), name, shown
    if name in {"EngineArgs", "AsyncEngineArgs"} and root == "vllm":
        return _VLLM_ARGS, name, shown
    if name in {"InferenceClient", "AsyncInferenceClient"}:
        return _CLIENT, name, shown
    if name.startswith("HuggingFace") or name == "ChatHuggingFace":
        return _LANGCHAIN, name, shown
    if name in _LITELLM_CALLS and root == "litellm":
        return _LITELLM, name, shown
    return None


# ---- names bound in a module -------------------------------------------------------------------


@dataclass(frozen=True)
class _Param:
    name: str
    default: ast.expr | None
    scope: _Scope | None  # where the default is evaluated


@dataclass(frozen=True)
class _Each:
    """A name bound by `for NAME in ITER` (or a comprehension): one of ITER's items."""

    iterable: ast.expr


_OPAQUE = object()  # bound by something that gives no string: an import, `with … as`, unpacking


Binding = ast.expr | _Param | _Each | object


@dataclass
class _Scope:
    node: ast.AST
    parent: _Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    def lookup(self, name: str) -> tuple[list[Binding], _Scope] | None:
        scope: _Scope | None = self
        first = True
        while scope is not None:
            if (first or not scope.is_class) and name in scope.bindings:
                return scope.bindings[name], scope
            first = False
            scope = scope.parent
        return None


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _local(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, not those of the functions and classes nested in it (their defaults
    and decorators are the enclosing scope's)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(current.decorator_list)
            stack.extend(d for d in (*current.args.defaults, *current.args.kw_defaults) if d is not None)
            continue
        if isinstance(current, ast.ClassDef):
            stack.extend((*current.decorator_list, *current.bases))
            continue
        if isinstance(current, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(current))


def _bind_target(scope: _Scope, target: ast.AST, value: Binding) -> None:
    if isinstance(target, ast.Name):
        scope.bindings.setdefault(target.id, []).append(value)
    elif isinstance(target, ast.Tuple | ast.List):
        for item in target.elts:
            _bind_target(scope, item, _OPAQUE)
    elif isinstance(target, ast.Starred):
        _bind_target(scope, target.value, _OPAQUE)


def _collect(scope: _Scope) -> None:
    node = scope.node
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
        defaults += list(arguments.defaults)
        pairs = [
            *zip(positional, defaults, strict=True),
            *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
        ]
        for arg, default in pairs:
            scope.bindings.setdefault(arg.arg, []).append(_Param(arg.arg, default, scope.parent))
        for extra in (arguments.vararg, arguments.kwarg):
            if extra is not None:
                scope.bindings.setdefault(extra.arg, []).append(_OPAQUE)
    for item in _local(node):
        if isinstance(item, ast.Assign):
            for target in item.targets:
                _bind_target(scope, target, item.value)
        elif isinstance(item, ast.AnnAssign) and item.value is not None:
            _bind_target(scope, item.target, item.value)
        elif isinstance(item, ast.AugAssign):
            _bind_target(scope, item.target, _OPAQUE)
        elif isinstance(item, ast.withitem) and item.optional_vars is not None:
            _bind_target(scope, item.optional_vars, _OPAQUE)
        elif isinstance(item, ast.NamedExpr):
            _bind_target(scope, item.target, item.value)
        elif isinstance(item, ast.For | ast.AsyncFor | ast.comprehension):
            if isinstance(item.target, ast.Name):
                _bind_target(scope, item.target, _Each(item.iter))
            else:
                _bind_target(scope, item.target, _OPAQUE)
        elif isinstance(item, ast.Import | ast.ImportFrom):
            for alias in item.names:
                scope.bindings.setdefault(alias.asname or alias.name.split(".")[0], []).append(_OPAQUE)
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.ExceptHandler) and item.name:
            scope.bindings.setdefault(item.name, []).append(_OPAQUE)


# ---- what an expression is ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Dynamic:
    expression: str


Value = list[tuple[str, ast.Constant]] | _Dynamic | None
"""The strings an expression may be (each with the literal that gives it), `_Dynamic` when it is
computed, None when it is no name at all (`None`, a number, a loaded model object)."""


def _unparse(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 80 else text[:77] + "…"


def _env_call(node: ast.Call) -> tuple[str | None, ast.expr | None] | None:
    """`os.getenv(NAME, DEFAULT)` / `os.environ.get(NAME, DEFAULT)`: (NAME, DEFAULT); None otherwise."""
    written = _dotted(node.func) or ""
    if not (written.endswith(("getenv", "environ.get")) and node.args):
        return None
    name = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
    default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
    return (name if isinstance(name, str) else None), default


class _Reader:
    def __init__(self, tree: ast.Module, imports: dict[str, str]) -> None:
        self.tree = tree
        self.imports = imports
        self.consumed: set[int] = set()  # literals read through a name by a loader

    def value(self, node: ast.expr, scope: _Scope, *, names_only: bool, depth: int = 0) -> Value:
        if depth > 8:
            return _Dynamic(_unparse(node))
        if isinstance(node, ast.Constant):
            return [(node.value, node)] if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return self._name(node, scope, names_only=names_only, depth=depth)
        if isinstance(node, ast.Call):
            env = _env_call(node)
            if env is not None:
                name, default = env
                if default is not None:
                    found = self.value(default, scope, names_only=True, depth=depth + 1)
                    if isinstance(found, list) and found:
                        return found
                return _Dynamic(f"environment variable {name}" if name else _unparse(node))
            if _rule(node, self.imports) is not None:
                return None  # a loaded model or client, not a name
            return _Dynamic(_unparse(node)) if names_only else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.value(node.left, scope, names_only=True, depth=depth + 1)
            right = self.value(node.right, scope, names_only=True, depth=depth + 1)
            if isinstance(left, list) and isinstance(right, list) and len(left) == 1 and len(right) == 1:
                return [(left[0][0] + right[0][0], left[0][1])]
            return _Dynamic(_unparse(node))
        if isinstance(node, ast.IfExp | ast.BoolOp):
            parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
            found_all: list[tuple[str, ast.Constant]] = []
            for part in parts:
                got = self.value(part, scope, names_only=True, depth=depth + 1)
                if isinstance(got, list):
                    found_all += got
            return found_all or _Dynamic(_unparse(node))
        if isinstance(node, ast.Attribute):
            if names_only or any(w in node.attr.lower() for w in _NAME_WORDS):
                return _Dynamic(_unparse(node))
            return None
        if isinstance(node, ast.Subscript | ast.JoinedStr):
            return _Dynamic(_unparse(node))
        return _Dynamic(_unparse(node)) if names_only else None

    def _name(self, node: ast.Name, scope: _Scope, *, names_only: bool, depth: int) -> Value:
        found = scope.lookup(node.id)
        object_like = not names_only and not any(w in node.id.lower() for w in _NAME_WORDS)
        if found is None:
            return None if object_like else _Dynamic(node.id)
        bindings, home = found
        values: list[tuple[str, ast.Constant]] = []
        dynamic = False
        for binding in bindings:
            got: Value
            if isinstance(binding, _Param):
                if binding.default is None or binding.scope is None:
                    got = None if object_like else _Dynamic(f"parameter {binding.name}")
                else:
                    got = self.value(binding.default, binding.scope, names_only=names_only, depth=depth + 1)
            elif isinstance(binding, _Each):
                got = self._items(binding.iterable, home, depth=depth)
            elif isinstance(binding, ast.expr):
                got = self.value(binding, home, names_only=names_only, depth=depth + 1)
            else:
                got = None if object_like else _Dynamic(node.id)
            if isinstance(got, list):
                values += got
            elif isinstance(got, _Dynamic):
                dynamic = True
        if values:
            self.consumed.update(id(literal) for _, literal in values)
            return values
        return _Dynamic(node.id) if dynamic else None

    def _items(self, iterable: ast.expr, scope: _Scope, *, depth: int) -> Value:
        if isinstance(iterable, ast.Name):
            found = scope.lookup(iterable.id)
            if found is not None and len(found[0]) == 1 and isinstance(found[0][0], ast.List | ast.Tuple | ast.Set):
                return self._items(found[0][0], found[1], depth=depth + 1)
        if isinstance(iterable, ast.List | ast.Tuple | ast.Set):
            values: list[tuple[str, ast.Constant]] = []
            for item in iterable.elts:
                got = self.value(item, scope, names_only=True, depth=depth + 1)
                if not isinstance(got, list):
                    return _Dynamic(_unparse(iterable))
                values += got
            return values
        return _Dynamic(_unparse(iterable))


# ---- the module ---------------------------------------------------------------------------------


class PythonModule:
    """Findings in one module's source."""

    def __init__(self, source: str, file: str, *, known: Known, local: Local) -> None:
        self.source = source
        self.file = file
        self.known = known
        self.local = local
        self.lines = source.splitlines()
        self.consumed: set[int] = set()

    def _column(self, node: ast.AST) -> tuple[int, int]:
        line: int = getattr(node, "lineno", 1)
        offset: int = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        # `col_offset` counts UTF-8 bytes; a column counts characters.
        return line, len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1

    def _name(self, value: str, *, strong: bool) -> Named | None:
        return model_name(value, strong=strong, known=self.known, local=self.local)

    def findings(self) -> list[Finding]:
        tree = ast.parse(self.source, filename=self.file)
        imports = _imports(tree)
        reader = _Reader(tree, imports)
        module = _Scope(tree, None)
        scopes = [module]
        stack = [module]
        while stack:
            scope = stack.pop()
            _collect(scope)
            for item in _local(scope.node):
                if isinstance(item, _NESTED):
                    child = _Scope(item, scope)
                    scopes.append(child)
                    stack.append(child)
        out: list[Finding] = []
        for scope in scopes:
            for item in _local(scope.node):
                if isinstance(item, ast.Call):
                    out += self._call(item, scope, reader)
                elif isinstance(item, ast.Dict):
                    out += self._dict(item, scope, reader)
        self.consumed = reader.consumed
        out += self._assignments(scopes)
        unique = {(f.line, f.column, f.model, f.kind): f for f in out}
        return sorted(unique.values(), key=lambda f: (f.line, f.column, f.model or ""))

    # A loader call, an option's default, or another call's `model=` argument.
    def _call(self, call: ast.Call, scope: _Scope, reader: _Reader) -> list[Finding]:
        found = _rule(call, reader.imports)
        if found is None:
            return self._weak_call(call, scope, reader)
        rule, name, shown = found
        if name in {"hf_hub_download", "snapshot_download", "hf_hub_url"}:
            repo_type = next((k.value for k in call.keywords if k.arg == "repo_type"), None)
            if isinstance(repo_type, ast.Constant) and repo_type.value not in (None, "model"):
                return []  # a dataset or a Space, not a model
        argument = next((k.value for k in call.keywords if k.arg in rule.keywords), None)
        if argument is None and rule.positional is not None and len(call.args) > rule.positional:
            argument = call.args[rule.positional]
            if isinstance(argument, ast.Starred):
                return []
        if argument is None:
            return []
        value = reader.value(argument, scope, names_only=rule.names_only)
        line, column = self._column(argument)
        if isinstance(value, _Dynamic):
            if not rule.dynamic:
                return []
            return [
                Finding(None, self.file, line, column, ReferenceKind.DYNAMIC, detail=f"{shown}({value.expression})")
            ]
        out = []
        for text, _literal in value or []:
            named = self._named_for(rule, name, text)
            if named is not None:
                out.append(self._finding(named, line, column, rule.kind, shown))
        return out

    def _named_for(self, rule: _Rule, name: str, text: str) -> Named | None:
        if rule.kind is ReferenceKind.LITELLM:
            return weak_name(text, self.known, self.local)
        named = self._name(text, strong=True)
        if named is None and name == "SentenceTransformer" and "/" not in text:
            # sentence-transformers looks an organisation-less name up under its own organisation.
            named = self._name(f"sentence-transformers/{text}", strong=True)
            return Named(named.model, text) if named is not None and not self.local(text) else None
        return named

    def _finding(self, named: Named, line: int, column: int, kind: ReferenceKind, detail: str | None) -> Finding:
        if named.ollama:
            kind = ReferenceKind.OLLAMA
        written = named.written if named.written != named.model else None
        return Finding(named.model, self.file, line, column, kind, written, named.license, detail)

    def _weak_call(self, call: ast.Call, scope: _Scope, reader: _Reader) -> list[Finding]:
        name = (_dotted(call.func) or "").split(".")[-1]
        if name in _WRITERS:
            return []
        out: list[Finding] = []
        if name in _OPTION_CALLS:
            options = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            default = next((k.value for k in call.keywords if k.arg == "default"), None)
            if default is not None and any(o.startswith("-") and is_model_key(o.lstrip("-")) for o in options):
                out += self._weak(default, scope, reader, f"{name}({options[0]!r}) default")
        for keyword in call.keywords:
            if keyword.arg and is_model_key(keyword.arg):
                out += self._weak(keyword.value, scope, reader, f"{_dotted(call.func) or name}({keyword.arg}=…)")
        return out

    def _weak(self, node: ast.expr, scope: _Scope, reader: _Reader, detail: str) -> list[Finding]:
        value = reader.value(node, scope, names_only=False)
        if not isinstance(value, list):
            return []
        line, column = self._column(node)
        out = []
        for text, _ in value:
            named = weak_name(text, self.known, self.local)
            if named is not None:
                out.append(self._finding(named, line, column, ReferenceKind.ARGUMENT, detail))
        return out

    def _dict(self, node: ast.Dict, scope: _Scope, reader: _Reader) -> list[Finding]:
        out: list[Finding] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_model_key(key.value):
                out += self._weak(value, scope, reader, f"{{{key.value!r}: …}}")
        return out

    # A model-named variable, field or parameter default that no loader of the module reads.
    def _assignments(self, scopes: list[_Scope]) -> list[Finding]:
        out: list[Finding] = []
        for scope in scopes:
            for name, bindings in scope.bindings.items():
                if not is_model_key(name):
                    continue
                for binding in bindings:
                    expression = binding.default if isinstance(binding, _Param) else binding
                    if not isinstance(expression, ast.expr):
                        continue
                    if isinstance(expression, ast.Call) and (_dotted(expression.func) or "").split(".")[-1] in {
                        "field",
                        "Field",
                    }:
                        expression = next((k.value for k in expression.keywords if k.arg == "default"), None)
                        if expression is None:
                            continue
                    out += self._literals(expression, name)
        return out

    def _literals(self, expression: ast.expr, name: str) -> list[Finding]:
        literals: list[ast.Constant] = []
        if isinstance(expression, ast.Constant):
            literals = [expression]
        elif isinstance(expression, ast.List | ast.Tuple | ast.Set):
            literals = [e for e in expression.elts if isinstance(e, ast.Constant)]
        elif isinstance(expression, ast.Call):
            env = _env_call(expression)
            if env is not None and isinstance(env[1], ast.Constant):
                literals = [env[1]]
        out = []
        for literal in literals:
            if id(literal) in self.consumed or not isinstance(literal.value, str):
                continue
            named = weak_name(literal.value, self.known, self.local)
            if named is not None:
                line, column = self._column(literal)
                out.append(self._finding(named, line, column, ReferenceKind.ASSIGNMENT, name))
        return out


def read_python(source: str, file: str, *, known: Known, local: Local) -> list[Finding]:
    """The findings of a module. Raises SyntaxError (or ValueError for a NUL byte) when it does not parse."""
    return PythonModule(source, file, known=known, local=local).findings()
