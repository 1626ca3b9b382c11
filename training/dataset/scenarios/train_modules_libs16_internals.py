"""Train-only whole-module families weighted towards hard negatives (libs16 internals set): modules shaped
like the internals of mature, imaginary frameworks, in which code that *looks* dangerous works on the
framework's own data and is safe: an ORM's SQL compiler that builds SQL with ``%s`` placeholders and
quotes identifiers only after checking them against the model's declared columns, a record-class factory
that ``compile()``s and ``exec``s source it generated from checked identifiers, and a file-storage
backend that resolves every name under its root with a containment check.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a sort / sparse-fieldset identifier from the query string reaching the SELECT without the
column check (89), a schema default value pasted into generated ``__init__`` source instead of its
``repr`` (94), and one storage method joining the name under the root without the class's own
safe-join check (22).
Written without reading the held-out or validation families; every family here goes to train.
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from module_kit import _word
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"ast", "builtins", "errno", "fnmatch", "glob", "io", "keyword", "mimetypes", "pickle", "posixpath",
                          "shutil", "stat", "subprocess", "tempfile", "types", "weakref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-89: an ORM's SQL compiler; one identifier skips the column check ----------------


def _orm_kw(c):
    w = _word(c)
    lib = c.pick("quill", "tessera", "lattice", "orbis", "kestrel", "marlin")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), lib=lib, log=c.pick("log", "logger"),
        Comp=c.pick("SQLCompiler", "SelectCompiler", "QueryCompiler", "TableCompiler"),
        qn=c.pick("qn", "quote_name", "quote_column"),
        esc_fn=c.pick("like_escape", "escape_like", "_escape_pattern"),
        maxlim=c.pick(200, 500, 1000),
        Err=c.pick("FieldError", "UnknownColumn", "QueryError"),
    )


def _orm_parts(c):
    q = c.pick('\'"\' + name + \'"\'', 'f\'"{name}"\'', '\'"%s"\' % name')
    tcheck = c.pick("_IDENT_RE.fullmatch(table)", "table.isidentifier()")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const='''
            PLACEHOLDER = "%s"
            MAX_LIMIT = $maxlim
            _IDENT_RE = re.compile(r"[a-z_][a-z0-9_]*")
            _DIRECTIONS = {"": "ASC", "-": "DESC"}
            _LOOKUPS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "icontains": "ILIKE"}
        '''),
        P("err", rank=1, body='''
            class $Err(LookupError):
                """A query named a column or lookup the model does not declare."""
        '''),
        P("esc", rank=1, body='''
            def $esc_fn(value: str) -> str:
                """Escape LIKE wildcards so a search for "50%" matches the literal text."""
                return value.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_")
        '''),
        P("comp", rank=2, needs=["err", "esc"], imp="from collections.abc import Iterable, Mapping, Sequence", body='''
            class $Comp:
                """Compiles queries of one table: values always travel as %s parameters, identifiers are
                quoted only after they are checked against the declared columns."""

                def __init__(self, table: str, columns: Iterable[str]) -> None:
                    if not ''' + tcheck + ''':
                        raise ValueError(f"bad table name {table!r}")
                    self.table = table
                    self.columns = frozenset(columns)
                    self.table_sql = '"' + table + '"'

                def $qn(self, name: str) -> str:
                    if name not in self.columns:
                        raise $Err(f"{self.table} has no column {name!r}")
                    return ''' + q + '''

                def where(self, filters: Mapping[str, object]) -> tuple[str, list]:
                    parts, params = [], []
                    for key, value in filters.items():
                        name, _, lookup = key.partition("__")
                        op = _LOOKUPS.get(lookup or "exact")
                        if op is None:
                            raise $Err(f"unsupported lookup {lookup!r}")
                        if op == "ILIKE":
                            value = "%" + $esc_fn(str(value)) + "%"
                        parts.append(f"{self.$qn(name)} {op} {PLACEHOLDER}")
                        params.append(value)
                    return " AND ".join(parts), params

                def select(self, filters: Mapping[str, object], fields: Sequence[str] = (),
                           order: Sequence[tuple[str, str]] = (), limit: int | None = None) -> tuple[str, list]:
                    $FIX2
                    clause, params = self.where(filters)
                    if clause:
                        sql += " WHERE " + clause
                    if order:
                        $FIX
                    if limit is not None:
                        sql += f" LIMIT {PLACEHOLDER}"
                        params.append(max(0, min(int(limit), MAX_LIMIT)))
                    return sql, params
        '''),
    ]
    pool = [
        P("insert", rank=3, imp="from collections.abc import Mapping", body='''
            def compile_insert(comp: $Comp, row: Mapping[str, object]) -> tuple[str, list]:
                """INSERT with one placeholder per value; RETURNING the new primary key."""
                names = ", ".join(comp.$qn(k) for k in row)
                marks = ", ".join([PLACEHOLDER] * len(row))
                return f"INSERT INTO {comp.table_sql} ({names}) VALUES ({marks}) RETURNING id", list(row.values())
        '''),
        P("update", rank=3, imp="from collections.abc import Mapping", body='''
            def compile_update(comp: $Comp, pk: int, changes: Mapping[str, object]) -> tuple[str, list]:
                """UPDATE one row by primary key; checked column names, bound values."""
                if not changes:
                    raise ValueError("nothing to update")
                assignments = ", ".join(f"{comp.$qn(k)} = {PLACEHOLDER}" for k in changes)
                return f"UPDATE {comp.table_sql} SET {assignments} WHERE id = {PLACEHOLDER}", [*changes.values(), pk]
        '''),
        P("delete", rank=3, imp="from collections.abc import Mapping", body='''
            def compile_delete(comp: $Comp, filters: Mapping[str, object]) -> tuple[str, list]:
                clause, params = comp.where(filters)
                if not clause:
                    raise ValueError("refusing to compile a DELETE without a WHERE clause")
                return f"DELETE FROM {comp.table_sql} WHERE {clause}", params
        '''),
        P("count", rank=3, imp="from collections.abc import Mapping", body='''
            def compile_count(comp: $Comp, filters: Mapping[str, object]) -> tuple[str, list]:
                clause, params = comp.where(filters)
                sql = f"SELECT COUNT(*) FROM {comp.table_sql}"
                return (f"{sql} WHERE {clause}" if clause else sql), params
        '''),
        P("run", rank=4, body='''
            def run(cursor, compiled: tuple[str, list]):
                """Execute a compiled statement; the driver binds the parameters."""
                sql, params = compiled
                $log.debug("$lib sql: %s (%d params)", sql, len(params))
                cursor.execute(sql, params)
                return cursor
        '''),
        P("cache", rank=4, imp="import functools", body='''
            @functools.lru_cache(maxsize=256)
            def compiler_for(table: str, columns: tuple[str, ...]) -> $Comp:
                """One compiler per model; the column tuple comes from the model declaration."""
                return $Comp(table, columns)
        '''),
        P("page", rank=4, imp="from collections.abc import Mapping", body='''
            def page_bounds(params: Mapping[str, str], per_page: int = 50) -> tuple[int, int]:
                """(limit, offset) from ?page=; out-of-range values are clamped, never trusted."""
                try:
                    page = max(1, int(params.get("page", "1")))
                except ValueError:
                    page = 1
                per_page = max(1, min(per_page, MAX_LIMIT))
                return per_page, (page - 1) * per_page
        '''),
    ]
    sort = P("sort", rank=3, imp="from collections.abc import Mapping", body='''
        def parse_sort(params: Mapping[str, str]) -> list[tuple[str, str]]:
            """``?sort=-created,title`` -> [("created", "DESC"), ("title", "ASC")]."""
            raw = params.get("sort", "")  #@S
            order = []
            for item in filter(None, (part.strip() for part in raw.split(","))):
                sign, name = ("-", item[1:]) if item.startswith("-") else ("", item)
                order.append((name, _DIRECTIONS[sign]))
            return order
    ''')
    fields = P("fields", rank=3, imp="from collections.abc import Mapping", body='''
        def parse_fields(params: Mapping[str, str]) -> list[str]:
            """Sparse fieldsets: ``?fields=id,title`` -> ["id", "title"]."""
            raw = params.get("fields", "")  #@S
            return [name.strip() for name in raw.split(",") if name.strip()]
    ''')
    return core, pool, sort, fields


_ORDER_SAFE = ('sql += " ORDER BY " + ", ".join(f"{self.$qn(name)} {direction}" for name, direction in order)')
_ORDER_WEAK = 'sql += " ORDER BY " + ", ".join(f"{name} {direction}" for name, direction in order)  #@V'
_COLS_SAFE = "sql = f\"SELECT {', '.join(self.$qn(f) for f in fields) or '*'} FROM {self.table_sql}\""
_COLS_WEAK = "sql = f\"SELECT {', '.join(fields) or '*'} FROM {self.table_sql}\"  #@V"

_ORM_DOCS = ["SQL compiler of the $lib ORM: turns filter/sort/field specs into parameterised SQL.",
             "$lib.sql: statement compilation for the $lib mapper (PostgreSQL dialect, %s placeholders).",
             "Query compilation for $ws: filters, sparse fieldsets and sorting, compiled to SQL with bound parameters."]


@fam("mod16-orm-compiler-sort-identifier-unchecked", "CWE-89", fws=["script"], n=8, wrap=False)
def mod16_orm_compiler(c):
    kw = _orm_kw(c)
    core, pool, sort, fields = _orm_parts(c)
    shape = c.pick("order", "fields")
    if shape == "order":
        core = core + [sort]
        pool = pool + [fields]
        vfix, sfix = (_ORDER_WEAK, _COLS_SAFE), (_ORDER_SAFE, _COLS_SAFE)
        fields.body = fields.body.replace("  #@S", "")
    else:
        core = core + [fields]
        pool = pool + [sort]
        sort.body = sort.body.replace("  #@S", "")
        vfix, sfix = (_ORDER_SAFE, _COLS_WEAK), (_ORDER_SAFE, _COLS_SAFE)
    v, s = pair(c, c.pick(*_ORM_DOCS), '$log = logging.getLogger("$lib.sql")', core, pool, kw,
                tuple(fill(x, **kw) for x in vfix), tuple(fill(x, **kw) for x in sfix))
    what = "sort key" if shape == "order" else "field name"
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes=f"the compiler quotes every identifier through its column whitelist except the {what} "
                      f"taken from the query string, which is pasted into the SELECT as is: ?{'sort' if shape == 'order' else 'fields'}="
                      "(CASE WHEN (SELECT ...) THEN ... END) runs attacker SQL; values are bound with %s "
                      "everywhere, so the fix is routing that identifier through the same checked quoting")


@hardneg(10)
def mod16_orm_compiler_hn(c):
    kw = _orm_kw(c)
    core, pool, sort, fields = _orm_parts(c)
    sort.body = sort.body.replace("  #@S", "")
    fields.body = fields.body.replace("  #@S", "")
    code = compose(c, c.pick(*_ORM_DOCS), '$log = logging.getLogger("$lib.sql")', core, pool + [sort, fields], kw,
                   lo=78, hi=104, subs=[{"$FIX2": fill(_COLS_SAFE, **kw), "$FIX": fill(_ORDER_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="ORM compiler: every identifier is checked against the declared columns before it is quoted, "
                      "values are bound as %s parameters, LIKE wildcards escaped, limits clamped")


# ---------------- CWE-94: record-class factory that compiles its own generated source ----------------


def _rec_kw(c):
    w = _word(c)
    lib = c.pick("recordkit", "shapely_records", "slotted", "typedrow", "entityforge", "rowclass")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), lib=lib, log=c.pick("log", "logger"),
        make_fn=c.pick("make_record", "build_record_class", "record_type"),
        chk_fn=c.pick("_check_name", "_identifier", "_valid_name"),
        Err=c.pick("SchemaError", "InvalidSchema", "RecordSpecError"),
        ns=c.pick("namespace", "scope", "env"),
    )


def _rec_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("types", rank=0, const='_TYPES = {"str": str, "int": int, "float": float, "bool": bool}'),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """The schema names an invalid field, type or class."""
        '''),
        P("chk", rank=2, needs=["err"], imp="import keyword", body='''
            def $chk_fn(name: str) -> str:
                """Only plain identifiers reach generated source: no keywords, no dunders."""
                if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
                    raise $Err(f"invalid identifier {name!r}")
                return name
        '''),
        P("make", rank=3, needs=["chk", "types"], body='''
            def $make_fn(class_name: str, fields: list[dict]) -> type:
                """A slotted class whose __init__ is generated source, compiled once per schema."""
                $chk_fn(class_name)
                $ns: dict = {}
                args, body = ["self"], []
                for spec in sorted(fields, key=lambda s: "default" in s):
                    name = $chk_fn(spec.get("name"))
                    try:
                        $ns["_t_" + name] = _TYPES[spec.get("type", "str")]
                    except KeyError:
                        raise $Err(f"unknown type for {name}: {spec.get('type')!r}") from None
                    if "default" in spec:
                        $FIX
                    else:
                        args.append(name)
                    body.append(f"    self.{name} = _t_{name}({name})")
                source = f"def __init__({', '.join(args)}):\\n" + ("\\n".join(body) or "    pass") + "\\n"
                $FIX2
                $FIX3
                slots = tuple(spec["name"] for spec in fields)
                $log.debug("compiled record %s with %d fields", class_name, len(slots))
                return type(class_name, (), {"__slots__": slots, "__init__": $ns["__init__"]})
        '''),
        P("schema", rank=4, needs=["make"], imp="import json", body='''
            def records_from_schema(document: str) -> dict[str, type]:
                """Record classes for every entity of a tenant-supplied JSON schema document."""
                schema = json.loads(document)  #@S
                entities = schema.get("entities") or {}
                if len(entities) > 200:
                    raise $Err("too many entities")
                return {name: $make_fn(name, spec.get("fields", [])) for name, spec in entities.items()}
        '''),
    ]
    pool = [
        P("asdict", rank=3, body='''
            def as_dict(record: object) -> dict:
                """Field values of a record, in declaration order."""
                return {name: getattr(record, name) for name in type(record).__slots__}
        '''),
        P("eqgen", rank=3, needs=["chk"], body='''
            def make_eq(fields: list[str]):
                """Generated __eq__ comparing the fields as a tuple (names are checked identifiers)."""
                names = [$chk_fn(f) for f in fields]
                left = ", ".join(f"self.{n}" for n in names) or "()"
                right = ", ".join(f"other.{n}" for n in names) or "()"
                source = f"def __eq__(self, other):\\n    return type(self) is type(other) and ({left},) == ({right},)\\n"
                scope: dict = {}
                exec(compile(source, "<generated __eq__>", "exec"), scope)  # nosec B102: our own source
                return scope["__eq__"]
        '''),
        P("reprgen", rank=3, body='''
            def make_repr(class_name: str, fields: list[str]):
                """__repr__ built with a closure, no generated source needed."""
                def __repr__(self) -> str:
                    inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in fields)
                    return f"{class_name}({inner})"
                return __repr__
        '''),
        P("cache", rank=4, imp="import hashlib\nimport json", const="_CACHE: dict = {}", needs=["make"], body='''
            def cached_record(class_name: str, fields: list[dict]) -> type:
                """Compile each distinct schema once; the key is a fingerprint of the schema, not a secret."""
                key = hashlib.sha1(json.dumps([class_name, fields], sort_keys=True).encode()).hexdigest()
                if key not in _CACHE:
                    _CACHE[key] = $make_fn(class_name, fields)
                return _CACHE[key]
        '''),
        P("fromrow", rank=4, body='''
            def from_row(cls: type, row: dict) -> object:
                """Instantiate ``cls`` from a DB row, ignoring columns the record does not declare."""
                return cls(**{k: v for k, v in row.items() if k in cls.__slots__})
        '''),
        P("literal", rank=4, imp="import ast", body='''
            def parse_default(text: str) -> object:
                """Defaults written as Python literals in YAML schemas: literal_eval accepts no code."""
                return ast.literal_eval(text)
        '''),
    ]
    return core, pool


_REC_DOCS = ["$lib: fast record classes generated from JSON schemas (slotted, typed __init__).",
             "Record-class factory for the $w importer: generated __init__ methods with type coercion.",
             "Code generation for $lib records. The generated source only ever contains checked identifiers."]


def _rec_fix(c, kw):
    shape = c.pick("fstr", "concat", "fmt")
    weak = {"fstr": 'args.append(f"{name}={spec[\'default\']}")',
            "concat": 'args.append(name + "=" + str(spec["default"]))',
            "fmt": 'args.append("{}={}".format(name, spec["default"]))'}[shape]
    safe = {"fstr": 'args.append(f"{name}={spec[\'default\']!r}")',
            "concat": 'args.append(name + "=" + repr(spec["default"]))',
            "fmt": 'args.append("{}={!r}".format(name, spec["default"]))'}[shape]
    comp = c.pick('code = compile(source, f"<{class_name} __init__>", "exec")',
                  'code = compile(source, "<$lib generated>", "exec")')
    return weak + "  #@V", safe, fill(comp, **kw)


_REC_EXEC = "exec(code, $ns)  # nosec B102: source generated above from checked identifiers"


@fam("mod16-record-factory-default-source-paste", "CWE-94", fws=["script"], n=8, wrap=False)
def mod16_record_factory(c):
    kw = _rec_kw(c)
    core, pool = _rec_parts(c)
    weak, safe, comp = _rec_fix(c, kw)
    v, s = pair(c, c.pick(*_REC_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw,
                (weak, comp + "  #@V", fill(_REC_EXEC, **kw) + "  #@V"), (safe, comp, fill(_REC_EXEC, **kw)))
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the factory checks every identifier before it reaches the generated __init__ source, but "
                      "pastes a field's default value from the tenant's JSON schema as raw text: a default such as "
                      "\"__import__('os').system('id')\" becomes code that compile()/exec run; repr() turns the "
                      "value into a literal, which is the fix")


@hardneg(10)
def mod16_record_factory_hn(c):
    kw = _rec_kw(c)
    core, pool = _rec_parts(c)
    _, safe, comp = _rec_fix(c, kw)
    code = compose(c, c.pick(*_REC_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX3": fill(_REC_EXEC, **kw), "$FIX2": comp, "$FIX": safe}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="generated source holds only checked identifiers and repr() literals; compile/exec of the "
                      "library's own source, literal_eval for literals, sha1 as a cache fingerprint")


# ---------------- CWE-22: storage backend; one method skips the safe-join ----------------


def _st_kw(c):
    w = _word(c)
    lib = c.pick("depot", "stashbox", "vault_fs", "assetstore", "blobkit", "shelfstore")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), lib=lib, LIB=lib.upper(), log=c.pick("log", "logger"),
        St=c.pick("FileSystemStorage", "LocalStorage", "DiskBackend", "LocalBlobStore"),
        Err=c.pick("SuspiciousName", "UnsafePath", "PathEscape"),
        mode=c.pick("0o640", "0o600", "0o644"),
    )


def _st_methods(c, weak, safe_only):
    """Methods of the storage class; ``weak`` names the one whose path line is $FIX."""
    check = c.pick(
        '''if os.path.commonpath([full, self.location]) != self.location:
                    raise $Err(name)''',
        '''if full != self.location and not full.startswith(self.location + os.sep):
                    raise $Err(name)''')
    def line(m):
        if m == weak and not safe_only:
            return "$FIX"
        return "full = self.path(name)"

    def sink(m):
        return "  #@V" if m == weak and not safe_only else ""
    m = {
        "path": '''
            def path(self, name: str) -> str:
                """Absolute path of ``name``; refuses anything that resolves outside the root."""
                full = os.path.realpath(os.path.join(self.location, name))
                ''' + check + '''
                return full
        ''',
        "open": f'''
            def open(self, name: str, mode: str = "rb"):
                {line("open")}
                return open(full, mode){sink("open")}
        ''',
        "delete": f'''
            def delete(self, name: str) -> None:
                {line("delete")}
                try:
                    os.remove(full){sink("delete")}
                except FileNotFoundError:
                    $log.debug("delete of missing file %s ignored", name)
        ''',
        "size": f'''
            def size(self, name: str) -> int:
                {line("size")}
                return os.path.getsize(full){sink("size")}
        ''',
        "exists": '''
            def exists(self, name: str) -> bool:
                return os.path.exists(self.path(name))
        ''',
        "save": '''
            def save(self, name: str, content: bytes) -> str:
                """Write ``content`` under a free name; O_EXCL so an existing file is never clobbered."""
                full = self.path(name)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_EXCL, $mode)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                return os.path.relpath(full, self.location)
        ''',
        "url": '''
            def url(self, name: str) -> str:
                return self.base_url + quote(name.replace(os.sep, "/"))
        ''',
    }
    return m


def _st_parts(c, weak, safe_only=False):
    meths = _st_methods(c, weak, safe_only)
    keys = ["path", weak] + [k for k in ("open", "delete", "size", "exists", "save", "url") if k != weak]
    extra = keys[2:]
    c.rng.shuffle(extra)
    keys = keys[:2] + extra[:c.pick(2, 3, 4)]
    from core import dedent
    body = '''
        class $St:
            """Files under one root directory; every public method resolves names through path()."""

            def __init__(self, location: str, base_url: str = "/media/") -> None:
                self.location = os.path.realpath(location)
                self.base_url = base_url.rstrip("/") + "/"
    '''
    body = dedent(body).rstrip("\n") + "\n\n" + "\n\n".join(
        "\n".join("    " + l if l.strip() else "" for l in dedent(meths[k]).strip("\n").split("\n")) for k in keys) + "\n"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """A storage name that would resolve outside the storage root."""
        '''),
        P("store", rank=2, needs=["err"], imp="import os\nfrom urllib.parse import quote", body=body),
    ]
    pool = [
        P("valid", rank=1, imp="import re", body='''
            def get_valid_name(name: str) -> str:
                """Normalise an uploaded file name: basename only, safe characters, no leading dots."""
                name = re.sub(r"[^\\w.-]", "_", name.replace("\\\\", "/").rsplit("/", 1)[-1]).lstrip(".")
                return name or "unnamed"
        '''),
        P("avail", rank=1, imp="import os\nimport secrets", body='''
            def available_name(name: str) -> str:
                """Append a random suffix so two uploads with one name do not collide."""
                stem, ext = os.path.splitext(name)
                return f"{stem}_{secrets.token_hex(4)}{ext}"
        '''),
        P("etag", rank=1, imp="import hashlib", body='''
            def content_etag(data: bytes) -> str:
                """ETag of a stored file: a change detector, not a security control."""
                return hashlib.md5(data, usedforsecurity=False).hexdigest()
        '''),
        P("mime", rank=1, imp="import mimetypes", body='''
            def content_type(name: str) -> str:
                return mimetypes.guess_type(name)[0] or "application/octet-stream"
        '''),
        P("settings", rank=3, imp="import os", body='''
            def default_storage() -> "$St":
                """The storage configured in the environment ($LIB_ROOT), created on first use."""
                root = os.environ.get("$LIB_ROOT", os.path.join(os.getcwd(), "media"))
                os.makedirs(root, mode=0o750, exist_ok=True)
                return $St(root, os.environ.get("$LIB_BASE_URL", "/media/"))
        '''),
        P("walk", rank=3, imp="import os", body='''
            def listdir(storage: "$St", prefix: str = "") -> list[str]:
                """Names below ``prefix`` (itself resolved through the storage's checked path())."""
                top = storage.path(prefix)
                out = []
                for dirpath, _dirs, files in os.walk(top):
                    out += [os.path.relpath(os.path.join(dirpath, f), storage.location) for f in files]
                return sorted(out)
        '''),
    ]
    return core, pool


_ST_DOCS = ["$lib.storage: a local file-system storage backend for uploaded $w attachments.",
            "File storage of the $lib framework: names are resolved under one root with a containment check.",
            "Local disk backend for $ws (save / open / delete / url), used by the upload handlers."]


@fam("mod16-storage-backend-method-bypasses-safe-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod16_storage_backend(c):
    kw = _st_kw(c)
    weak = c.pick("open", "delete", "size")
    core, pool = _st_parts(c, weak)
    vfix = c.pick("full = os.path.join(self.location, name)  #@V",
                  "full = os.path.normpath(os.path.join(self.location, name))  #@V",
                  'full = os.path.join(self.location, *name.split("/"))  #@V')
    v, s = pair(c, c.pick(*_ST_DOCS), '$log = logging.getLogger("$lib.storage")', core, pool, kw,
                fill(vfix, **kw), "full = self.path(name)")
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes=f"every method of the storage resolves names through path(), which rejects names that "
                      f"resolve outside the root, except {weak}(), which joins the caller's name under the root "
                      "itself: a stored name such as ../../etc/passwd (from a request or a tampered DB row) "
                      "escapes the root; the fix is calling path() like the other methods")


@hardneg(10)
def mod16_storage_backend_hn(c):
    kw = _st_kw(c)
    core, pool = _st_parts(c, c.pick("open", "delete", "size"), safe_only=True)
    code = compose(c, c.pick(*_ST_DOCS), '$log = logging.getLogger("$lib.storage")', core, pool, kw, lo=80, hi=110)
    return Spec(s=code, full=True, fw="sdk",
                notes="storage backend whose every method resolves names through a realpath + containment check; "
                      "O_EXCL writes, md5 only as an ETag, secrets for name suffixes")
