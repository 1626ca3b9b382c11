"""Train-only resource-exhaustion and query-injection families on libraries and APIs no other family
uses (groups 1333, 400, 77, 90, 643): an attrs class whose ``validators.matches_re`` pattern has a
nested quantifier; Django REST framework pagination classes whose ``get_page_size`` / ``get_limit``
override (or a hand-driven paginator) takes the page size from the client with no cap; NumPy arrays
(``linspace``, ``zeros``, ``histogram``, ``default_rng().standard_normal``) sized by a request value;
a code-search endpoint that passes the search term to ripgrep or ``git grep`` as a positional
argument without ``-e``/``--`` (``--pre=`` / ``--open-files-in-pager=`` run commands); Samba's
``SamDB.search`` with a filter formatted from input instead of ``ldb.binary_encode``; and lxml's
``XPathEvaluator`` called with a formatted expression instead of XPath variables.

Framework label: the DRF modules are "drf" (recorded as "django"). Written without reading the
held-out or validation families; every family here goes to train (generate.assign_splits)."""
from core import Spec, dedent, shell
from module_kit import sub
from registry import fam, hardneg


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-1333: attrs validators.matches_re with a nested quantifier ----------------

_ATTRS_PATS = {
    # key: (nested-quantifier pattern, linear pattern for the same strings)
    "sku": (r"([A-Z0-9]+-?)+", r"[A-Z0-9]+(?:-[A-Z0-9]+)*-?"),
    "tags": (r"(\w+,?)+", r"\w+(?:,\w+)*,?"),
    "version": (r"v?(\d+\.?)+(-[0-9A-Za-z.]+)?", r"v?\d+(?:\.\d+)*\.?(-[0-9A-Za-z.]+)?"),
    "full_name": (r"([A-Za-z'-]+\s?)+", r"[A-Za-z'-]+(?:\s[A-Za-z'-]+)*\s?"),
}


def _attrs_class(c, pat, mark, shape, cls, key, other):
    oname, otype, odef = other
    if shape == "define":
        return sub('''
            PATTERN = re.compile(r"$pat")$mark


            @define
            class $cls:
                $key: str = field(validator=validators.matches_re(PATTERN))
                $oname: $otype = $odef
        ''', pat=pat, mark=mark, cls=cls, key=key, oname=oname, otype=otype, odef=odef), \
            "import re\nfrom attrs import define, field, validators"
    if shape == "attr_s":
        return sub('''
            @attr.s(frozen=True)
            class $cls:
                $key = attr.ib(validator=attr.validators.matches_re(re.compile(r"$pat")))$mark
                $oname = attr.ib(default=$odef)
        ''', pat=pat, mark=mark, cls=cls, key=key, oname=oname, odef=odef), "import re\nimport attr"
    KEY = key.upper()
    return sub('''
        $KEY_RE = re.compile(r"$pat")$mark


        @frozen
        class $cls:
            $key: str = field(validator=validators.and_(validators.instance_of(str), validators.matches_re($KEY_RE)))
            $oname: $otype = field(default=$odef)
    ''', KEY=KEY, pat=pat, mark=mark, cls=cls, key=key, oname=oname, otype=otype, odef=odef), \
        "import re\nfrom attrs import field, frozen, validators"


def _shell2(c, vbody, sbody, imports, vhelpers, shelpers, ret="result"):
    """Both renderings through the framework shell, with module-level helpers that differ between
    them (the shell shares ``Spec.helpers``); the twin replays the shell's draws."""
    state = c.snapshot()
    v = shell(c, vbody, Spec(helpers=vhelpers, ret=ret), imports)
    c.restore(state)
    s = shell(c, sbody, Spec(helpers=shelpers, ret=ret), imports)
    return v, s


@fam("redos-attrs-matches-re", "CWE-1333", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=list(_ATTRS_PATS), n=8, wrap=False)
def redos_attrs(c):
    _pin(c)
    bad, good = _ATTRS_PATS[c.key]
    cls = c.word.capitalize() + c.pick("Input", "Request", "Form", "Spec")
    other = c.pick(("note", "str", '""'), ("quantity", "int", "1"), ("public", "bool", "False"))
    shape = c.pick("define", "attr_s", "and_")
    use_cattrs = c.pick(False, True)
    obj = c.n("obj")
    vh, imports = _attrs_class(c, bad, "  #@V", shape, cls, c.key, other)
    sh, _ = _attrs_class(c, good, "", shape, cls, c.key, other)
    if use_cattrs:
        imports += "\nfrom cattrs import structure\nfrom cattrs.errors import ClassValidationError"
        body = f"""
            try:
                {obj} = structure({{"{c.key}": {c.x}, "{other[0]}": {other[2]}}}, {cls})
            except ClassValidationError:
                result = {{"error": "invalid {c.key}"}}
            else:
                result = {{"{c.key}": {obj}.{c.key}}}
        """
    else:
        body = f"""
            try:
                {obj} = {cls}({c.key}={c.x}.strip())
            except (TypeError, ValueError) as exc:
                result = {{"error": str(exc)}}
            else:
                result = {{"{c.key}": {obj}.{c.key}, "{other[0]}": {obj}.{other[0]}}}
        """
    v, s = _shell2(c, body, body, imports, vh, sh)
    return Spec(v=v, s=s, full=True,
                notes="attrs' matches_re runs the pattern with re.fullmatch in __init__ on the request value; the "
                      "group with an inner + repeated by an outer quantifier can split a run of characters in "
                      "exponentially many ways, so a long run followed by a character that cannot match pins a "
                      "worker (ReDoS); the fix uses an unambiguous pattern accepting the same strings")


@hardneg(4)
def redos_attrs_hn(c):
    _pin(c)
    cls = c.word.capitalize() + c.pick("Input", "Payload")
    pat = {"sku": r"[A-Z0-9]{2,12}(?:-[A-Z0-9]{2,12}){0,3}", "tags": r"[a-z0-9_]{1,32}(?:,[a-z0-9_]{1,32}){0,9}",
           "version": r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?", "full_name": r"[A-Za-z'-]+(?: [A-Za-z'-]+){0,5}"}[c.key]
    helpers = sub('''
        PATTERN = re.compile(r"$pat")


        @define
        class $cls:
            $key: str = field(validator=[validators.max_len(64), validators.matches_re(PATTERN)])
    ''', pat=pat, cls=cls, key=c.key)
    body = f"""
        try:
            result = {cls}({c.key}={c.x}).{c.key}
        except ValueError:
            result = None
    """
    return Spec(s=body, helpers=helpers, imports="import re\nfrom attrs import define, field, validators",
                notes="matches_re with a pattern whose repeated groups start with a separator (one way to match "
                      "any string) and a max_len validator run first")


# ---------------- CWE-400: DRF pagination override that takes the page size from the client ----------------


def _drf_pagination(c, safe: bool) -> str:
    w = "note" if c.word == "profile" else c.word
    W = w.capitalize()
    shape = c.pick("page_number", "limit_offset", "cursor", "manual")
    cap = c.pick("100", "200", "250", "500")
    declared = c.pick(True, False)
    param = c.pick("page_size", "per_page", "size")
    perm = c.pick("IsAuthenticated", "IsAuthenticatedOrReadOnly")
    order = c.pick("-created_at", "-updated_at", "-id")
    V = "" if safe else "  #@V"
    if shape == "page_number":
        maxattr = f"    max_page_size = {cap}\n" if declared else ""
        bound = "self.max_page_size" if declared else cap
        val = f"max(1, min(int(raw), {bound}))" if safe else "int(raw)"
        pag = f'''
class {W}Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "{param}"
{maxattr}
    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)  #@S
        if not raw or not raw.isdigit():
            return self.page_size
        return {val}{V}
'''
        imp = "from rest_framework.pagination import PageNumberPagination"
    elif shape == "limit_offset":
        maxattr = f"    max_limit = {cap}\n" if declared else ""
        bound = "self.max_limit" if declared else cap
        val = f"min(int(value), {bound})" if safe else "int(value)"
        pag = f'''
class {W}Pagination(LimitOffsetPagination):
    default_limit = 50
    limit_query_param = "{c.pick("limit", "count", "take")}"
{maxattr}
    def get_limit(self, request):
        value = request.query_params.get(self.limit_query_param, "")  #@S
        try:
            limit = {val}{V}
        except ValueError:
            return self.default_limit
        return limit if limit > 0 else self.default_limit
'''
        imp = "from rest_framework.pagination import LimitOffsetPagination"
    elif shape == "cursor":
        maxattr = f"    max_page_size = {cap}\n" if declared else ""
        bound = "self.max_page_size" if declared else cap
        val = f"min(int(requested), {bound})" if safe else "int(requested)"
        pag = f'''
class {W}Cursor(CursorPagination):
    ordering = "{order}"
    page_size = 50
    page_size_query_param = "{param}"
{maxattr}
    def get_page_size(self, request):
        requested = request.query_params.get(self.page_size_query_param)  #@S
        if requested and requested.isdigit() and int(requested) > 0:
            return {val}{V}
        return self.page_size
'''
        imp = "from rest_framework.pagination import CursorPagination"
    else:
        val = f"min(int(request.query_params.get(\"{param}\", 20)), {cap})" if safe else \
            f"int(request.query_params.get(\"{param}\", 20))"
        view = f'''
class {W}ListView(APIView):
    permission_classes = [{perm}]

    def get(self, request):
        queryset = {W}.objects.filter(owner=request.user).order_by("{order}")
        paginator = PageNumberPagination()
        try:
            paginator.page_size = {val}{V}
        except ValueError:
            return Response({{"detail": "{param} must be an integer"}}, status=400)
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response({W}Serializer(page, many=True).data)
'''
        imps = ["from rest_framework.pagination import PageNumberPagination",
                f"from rest_framework.permissions import {perm}", "from rest_framework.response import Response",
                "from rest_framework.views import APIView", "", f"from .models import {W}",
                f"from .serializers import {W}Serializer"]
        return "\n".join(imps) + "\n\n\n" + view.strip("\n") + "\n"
    cname = pag.strip().split("\n")[0][6:].split("(")[0]
    vs = c.pick("readonly", "list")
    if vs == "readonly":
        view = f'''
class {W}ViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = {W}Serializer
    pagination_class = {cname}
    permission_classes = [{perm}]

    def get_queryset(self):
        return {W}.objects.filter(owner=self.request.user).order_by("{order}")
'''
        vimp = "from rest_framework import viewsets"
    else:
        view = f'''
class {W}List(generics.ListAPIView):
    queryset = {W}.objects.select_related("owner").order_by("{order}")
    serializer_class = {W}Serializer
    pagination_class = {cname}
    permission_classes = [{perm}]
'''
        vimp = "from rest_framework import generics"
    imps = [vimp, imp, f"from rest_framework.permissions import {perm}", "", f"from .models import {W}",
            f"from .serializers import {W}Serializer"]
    return "\n".join(imps) + "\n\n\n" + pag.strip("\n").replace("\n\n    def", "\n\n    def") + "\n\n\n" + \
        view.strip("\n") + "\n"


@fam("dos-drf-page-size-override", "CWE-400", fws=["drf"], keys=["page_size"], n=8, wrap=False)
def dos_drf_page_size(c):
    state = c.snapshot()
    v = _drf_pagination(c, False)
    c.restore(state)
    s = _drf_pagination(c, True)
    return Spec(v=v, s=s, full=True, fw="drf",
                notes="the pagination override returns the page size the client asked for (int of a query "
                      "parameter) without the cap DRF's own get_page_size / get_limit applies (max_page_size / "
                      "max_limit), so ?page_size=10000000 makes the view load and serialize the whole table per "
                      "request (uncontrolled resource consumption); the fix clamps the value to a maximum")


@hardneg(3)
def dos_drf_page_size_hn(c):
    w = "note" if c.word == "profile" else c.word
    W = w.capitalize()
    cap = c.pick("100", "200")
    s = f'''
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from .models import {W}
from .serializers import {W}Serializer


class {W}Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = {cap}

    def get_page_size(self, request):
        size = super().get_page_size(request)
        return max(size or self.page_size, 1)


class {W}ViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = {W}Serializer
    pagination_class = {W}Pagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        limit = int(self.request.query_params.get("recent_days", "30"))
        return {W}.objects.filter(owner=self.request.user).order_by("-created_at")[: min(limit, 90) * 100]
'''
    return Spec(s=s.strip("\n") + "\n", full=True, fw="drf",
                notes="the override defers to DRF's get_page_size, which caps the value at max_page_size; the other "
                      "integer from the query is clamped")


# ---------------- CWE-400: NumPy arrays sized by a request value ----------------


@fam("dos-numpy-client-sized-array", "CWE-400", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["samples", "bins", "resolution", "paths"], n=8)
def dos_numpy_sized(c):
    _pin(c)
    x = c.x
    shape = {"samples": "linspace", "bins": "histogram", "resolution": "canvas", "paths": "walks"}[c.key]
    cap = {"linspace": c.pick("10_000", "50_000", "100_000"), "histogram": c.pick("512", "1000", "4096"),
           "canvas": c.pick("1024", "2048", "4096"), "walks": c.pick("5000", "10_000", "20_000")}[shape]
    n = {"samples": "n", "bins": "nbins", "resolution": "side", "paths": "npaths"}[c.key]
    how = c.pick("clamp", "reject")
    parse_v = f"{n} = int({x})  #@V"
    if how == "clamp":
        parse_s = f"{n} = max(1, min(int({x}), {cap}))"
        guard = ""
    else:
        parse_s = f"{n} = int({x})"
        guard = f'if not 0 < {n} <= {cap}:\n    raise ValueError("{c.key} must be between 1 and {cap}")\n'
    if shape == "linspace":
        span = c.pick("2 * np.pi", "10.0", "float(period)")
        pre = "period = 4.0\n" if "period" in span else ""
        core_ = f"""
            xs = np.linspace(0.0, {span}, {n})  #@V
            ys = np.sin(xs) * np.exp(-xs / 8.0)
            result = {{"points": {n}, "peak": float(ys.max()), "mean": float(np.abs(ys).mean())}}
        """
        core_ = pre + dedent(core_)
    elif shape == "canvas":
        core_ = f"""
            canvas = np.zeros(({n}, {n}, 4), dtype=np.uint8)  #@V
            canvas[..., 3] = 255
            yy, xx = np.mgrid[0:{n}, 0:{n}]
            canvas[..., 0] = (xx * 255 // max({n} - 1, 1)).astype(np.uint8)
            canvas[..., 2] = (yy * 255 // max({n} - 1, 1)).astype(np.uint8)
            result = {{"shape": list(canvas.shape), "checksum": int(canvas.sum() % 65521)}}
        """
    elif shape == "histogram":
        src = c.pick("np.load(\"latencies.npy\", mmap_mode=\"r\")", "np.loadtxt(\"latencies.csv\", delimiter=\",\")")
        core_ = f"""
            values = {src}
            counts, edges = np.histogram(values, bins={n})  #@V
            result = {{"counts": counts.tolist(), "edges": np.round(edges, 3).tolist()}}
        """
    else:
        steps = c.pick("252", "365", "500")
        core_ = f"""
            rng = np.random.default_rng({c.pick("7", "2024", "None")})
            walks = rng.standard_normal(size=({n}, {steps})).cumsum(axis=1)  #@V
            finals = walks[:, -1]
            result = {{"mean": float(finals.mean()), "p05": float(np.percentile(finals, 5)), "p95": float(np.percentile(finals, 95))}}
        """
    core_ = dedent(core_).rstrip()
    v = parse_v + "\n" + core_
    s = parse_s + "\n" + guard + core_.replace("  #@V", "")
    return Spec(v=v, s=s, imports="import numpy as np",
                notes="the array size comes straight from the request: np.linspace / np.zeros / np.histogram / "
                      "standard_normal allocate memory proportional to the number (side*side*4 bytes for a canvas), "
                      "so one request with a huge value exhausts the worker's memory or CPU (uncontrolled resource "
                      "consumption); the fix bounds the number before allocating")


@hardneg(4)
def dos_numpy_sized_hn(c):
    x = c.x
    s = f"""
        count = int({x})
        if count < 1 or count > 1000:
            raise ValueError("{c.key} out of range")
        grid = np.zeros((count, 16), dtype=np.float32)
        grid[:, 0] = np.linspace(0.0, 1.0, count)
        result = {{"rows": int(grid.shape[0]), "total": float(grid.sum())}}
    """
    return Spec(s=s, imports="import numpy as np", notes="the size is checked against a maximum before np.zeros")


# ---------------- CWE-77: search term passed to ripgrep / git grep as a positional argument ----------------


@fam("argi-grep-tool-search-term", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["term", "q", "search"], n=8)
def argi_grep_tool(c):
    _pin(c)
    x = c.x
    tool = c.pick("rg", "rg", "git")
    fixed = c.pick("", '"--fixed-strings", ', '"-F", ', '"-i", ')
    call = c.pick("run", "check_output", "popen")
    if tool == "rg":
        mc = c.pick("20", "50", "100")
        head = f'"rg", "--json", "--max-count", "{mc}", {fixed}'
        v_argv = f"[{head}{x}, str(REPO_ROOT)]"
        s_argv = f"[{head}\"--regexp\", {x}, \"--\", str(REPO_ROOT)]"
        parse = """
            hits = [json.loads(line) for line in out.splitlines() if line.strip()]
            result = sorted({h["data"]["path"]["text"] for h in hits if h["type"] == "match"})
        """
        imports = "import json\nimport os\nimport subprocess\nfrom pathlib import Path"
    else:
        head = f'"git", "-C", str(REPO_ROOT), "grep", "-n", "-I", {fixed}'
        # search the committed tree (HEAD): after an option-shaped term, "HEAD" is taken as the pattern,
        # so -O<cmd> / --open-files-in-pager=<cmd> runs; with the term last, git only dies "no pattern given"
        v_argv = f"[{head}{x}, \"HEAD\"]"
        s_argv = f"[{head}\"-e\", {x}, \"HEAD\", \"--\"]"
        parse = """
            result = [line.split(":", 3)[1:3] for line in out.splitlines()[:200]]
        """
        imports = "import os\nimport subprocess\nfrom pathlib import Path"
    argv = c.pick("argv", "cmd", "search_cmd")
    t = c.pick("15", "30", "60")
    if call == "run":
        run = f"""
            proc = subprocess.run({argv}, capture_output=True, text=True, timeout={t})  #@V
            out = proc.stdout if proc.returncode in (0, 1) else ""
        """
    elif call == "check_output":
        run = f"""
            try:
                out = subprocess.check_output({argv}, text=True, timeout={t})  #@V
            except subprocess.CalledProcessError as exc:
                out = exc.output or ""
        """
    else:
        run = f"""
            with subprocess.Popen({argv}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:  #@V
                out, _ = proc.communicate(timeout={t})
        """
    body = f"{argv} = {{A}}  #@V\n" + dedent(run).rstrip() + "\n" + dedent(parse).rstrip()
    root = c.pick(f'os.environ.get("REPO_ROOT", "/srv/git/{c.word}s")', f'os.environ.get("SEARCH_ROOT", "/var/lib/{c.word}/checkout")')
    return Spec(v=body.replace("{A}", v_argv), s=body.replace("{A}", s_argv).replace("  #@V", ""),
                imports=imports, helpers=f"REPO_ROOT = Path({root})",
                notes="the argument list avoids the shell, but the search term is a positional argument of "
                      "rg / git grep: a term starting with '-' is parsed as an option, and '--pre=sh' (rg runs the "
                      "command on every file) or '--open-files-in-pager=<cmd>' (git grep, which then takes HEAD as the "
                      "pattern) execute commands; the fix "
                      "passes the term as the value of --regexp / -e and ends the options with '--'")


@hardneg(4)
def argi_grep_tool_hn(c):
    x = c.x
    s = f"""
        if not {x} or len({x}) > 200:
            raise ValueError("bad search term")
        argv = ["rg", "--json", "--fixed-strings", "-e", {x}, "--", str(REPO_ROOT)]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        result = [line for line in proc.stdout.splitlines() if '"type":"match"' in line][:50]
    """
    return Spec(s=s, imports="import subprocess\nfrom pathlib import Path",
                helpers=f'REPO_ROOT = Path("/srv/git/{c.word}s")',
                notes="the term goes after -e, so rg takes it as a pattern even when it starts with '-'")


# ---------------- CWE-90: Samba SamDB.search with a filter formatted from input ----------------

_SAMBA_Q = {
    # key: (filter template, attributes)
    "username": ("(&(objectClass=user)(sAMAccountName={}))", '["displayName", "mail", "userAccountControl"]'),
    "computer": ("(&(objectClass=computer)(name={}))", '["dNSHostName", "operatingSystem", "lastLogonTimestamp"]'),
    "group_name": ("(&(objectClass=group)(cn={}))", '["member", "description"]'),
    "email": ("(&(objectCategory=person)(mail={}))", '["sAMAccountName", "displayName"]'),
}


@fam("ldapi-samba-samdb-search", "CWE-90", fws=["flask", "django", "fastapi", "pipeline"],
     keys=list(_SAMBA_Q), n=8)
def ldapi_samba(c):
    _pin(c)
    x = c.x
    tmpl, attrs = _SAMBA_Q[c.key]
    conn = c.pick("local", "remote")
    if conn == "local":
        helpers = '''
            def open_samdb():
                lp = LoadParm()
                lp.load_default()
                return SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
        '''
        imports = "import ldb\nfrom samba.auth import system_session\nfrom samba.param import LoadParm\nfrom samba.samdb import SamDB"
    else:
        helpers = f'''
            def open_samdb():
                lp = LoadParm()
                lp.load_default()
                creds = Credentials()
                creds.guess(lp)
                creds.set_username(os.environ.get("AD_BIND_USER", "svc-{c.word}"))
                creds.set_password(os.environ["AD_BIND_PASSWORD"])
                return SamDB(url=os.environ.get("AD_URL", "ldap://dc1.corp.example"), session_info=system_session(),
                             credentials=creds, lp=lp)
        '''
        imports = ("import ldb\nimport os\nfrom samba.auth import system_session\nfrom samba.credentials import Credentials\n"
                   "from samba.param import LoadParm\nfrom samba.samdb import SamDB")
    db = c.pick("samdb", "sam", "ad")
    base = c.pick(f"{db}.domain_dn()", f'"CN=Users," + str({db}.domain_dn())' if c.key in ("username", "email")
                  else f"{db}.domain_dn()")
    scope = "ldb.SCOPE_ONELEVEL" if base.startswith('"CN=Users') else "ldb.SCOPE_SUBTREE"
    expr = c.pick("expression", "filt", "ldap_filter")
    out = c.pick("list", "one", "count")
    if out == "list":
        tail = """
            result = [str(m.dn) for m in res]
        """
    elif out == "one":
        tail = f"""
            if len(res) != 1:
                result = None
            else:
                result = {{"dn": str(res[0].dn), "attributes": sorted(k for k in res[0].keys() if k != "dn")}}
        """
    else:
        tail = """
            result = {"matches": len(res)}
        """
    body = f"""
        {db} = open_samdb()
        {expr} = {{E}}  #@V
        res = {db}.search(base={base}, scope={scope}, expression={expr}, attrs={attrs})  #@V
    """
    body = dedent(body).rstrip() + "\n" + dedent(tail).rstrip()
    v = body.replace("{E}", c.fmt(tmpl, x))
    s = body.replace("{E}", c.fmt(tmpl, f"ldb.binary_encode({x})")).replace("  #@V", "")
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes="SamDB.search takes an LDAP filter string; the request value is formatted into it unescaped, so "
                      "'*' or ')(objectClass=*' widens or rewrites the filter and returns or probes other directory "
                      "objects (LDAP injection); the fix escapes the value with ldb.binary_encode as samba-tool does")


@hardneg(4)
def ldapi_samba_hn(c):
    x = c.x
    s = f"""
        samdb = open_samdb()
        res = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                           expression="(&(objectClass=user)(sAMAccountName=%s))" % ldb.binary_encode({x}),
                           attrs=["displayName"])
        result = [str(m.dn) for m in res]
    """
    helpers = '''
        def open_samdb():
            lp = LoadParm()
            lp.load_default()
            return SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
    '''
    return Spec(s=s, helpers=helpers,
                imports="import ldb\nfrom samba.auth import system_session\nfrom samba.param import LoadParm\nfrom samba.samdb import SamDB",
                notes="the value is escaped with ldb.binary_encode before it goes into the filter")


# ---------------- CWE-643: lxml XPathEvaluator called with a formatted expression ----------------

_XPE_Q = {
    # key: (expression template, expression with a $variable, element word)
    "isbn": ("//book[@isbn='{}']", "//book[@isbn=$isbn]", "book"),
    "author": ("//book[author='{}']", "//book[author=$author]", "book"),
    "sku": ("//item[sku='{}']", "//item[sku=$sku]", "item"),
    "account": ("//account[@login='{}']", "//account[@login=$account]", "account"),
}


@fam("xpathi-lxml-xpathevaluator", "CWE-643", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=list(_XPE_Q), n=8)
def xpathi_xpe(c):
    _pin(c)
    x = c.x
    tmpl, var, el = _XPE_Q[c.key]
    cls = c.pick("XPathEvaluator", "XPathDocumentEvaluator", "XPathElementEvaluator")
    target = "tree.getroot()" if cls == "XPathElementEvaluator" else "tree"
    what = c.pick("count", "titles", "nodes")
    if what == "count":
        vexpr, sexpr = f"count({tmpl})", f"count({var})"
    elif what == "titles":
        child = {"book": "title", "item": "name", "account": "display_name"}[el]
        vexpr, sexpr = f"{tmpl}/{child}/text()", f"{var}/{child}/text()"
    else:
        vexpr, sexpr = tmpl, var
    ev = c.pick("find", "evaluate", "xp")
    v_call = f"{ev}({c.fmt(vexpr, x)})"
    s_call = f'{ev}("{sexpr}", {c.key}={x})'
    if what == "count":
        tail = "result = int(found)"
    elif what == "titles":
        tail = "result = [str(t) for t in found]"
    else:
        tail = "result = [etree.tostring(n, encoding=\"unicode\") for n in found[:20]]"
    body = f"""
        tree = etree.parse(DATA_FILE)
        {ev} = etree.{cls}({target})
        found = {{C}}  #@V
        {tail}
    """
    path = c.pick(f"/srv/data/{c.word}s.xml", f"data/{c.word}_catalog.xml", f"/var/lib/{c.word}/index.xml")
    return Spec(v=body.replace("{C}", v_call), s=body.replace("{C}", s_call).replace("  #@V", ""),
                imports="import os\nfrom lxml import etree",
                helpers=f'DATA_FILE = os.environ.get("{c.word.upper()}_XML", "{path}")',
                notes=f"the XPath expression given to lxml's {cls} is built from the request value, so a quote "
                      "closes the string literal and \"' or '1'='1\" (or a union with another path) selects other "
                      "nodes (XPath injection); the fix passes the value as an XPath variable ($name) bound by keyword")


@hardneg(4)
def xpathi_xpe_hn(c):
    x = c.x
    s = f"""
        tree = etree.parse(DATA_FILE)
        evaluate = etree.XPathEvaluator(tree)
        total = evaluate("count(//entry)")
        found = evaluate("//entry[@key=$key]/value/text()", key={x})
        result = {{"total": int(total), "values": [str(v) for v in found]}}
    """
    return Spec(s=s, imports="from lxml import etree", helpers='DATA_FILE = "data/entries.xml"',
                notes="constant expressions; the request value is bound as an XPath variable")
