"""Train-only snippet families in applications no other family uses:

- xxe-lxml-vet-lab-dtd-network (611): a veterinary clinic portal imports an analyser's lab-result XML
  through an lxml parser built with load_dtd=True and no_network=False (some renderings also pass
  resolve_entities=True), so the document's DOCTYPE fetches an external DTD / entities from any host
  or file; the fix builds the parser with resolve_entities=False and no DTD loading or network access;
- ssrf-httpx-stream-podcast-audio (918): a podcast transcription job streams the audio file from a
  user-supplied URL with httpx.stream into a scratch file; the fix accepts only https URLs on
  allow-listed media hosts (httpx does not follow redirects by default);
- redirect-donation-return-url (601): a church donation site confirms a payment and then redirects
  to the return_url the request carries; the fix accepts only a local path;
- upload-aiohttp-multipart-reader-static (434): a citizen-science site streams an observation photo
  with aiohttp's multipart reader and stores it under the client's file name in a folder the app
  serves with add_static; the fix checks the extension against an allow-list and names the file;
- csrf-bottle-get-state-change (352): a Bottle shipping-label / fleet console app with a signed
  cookie session changes state on a GET route; the fix makes it a POST with a session-bound token;
- logi-print-file-logfile (117): a request value printed into an opened log file with
  print(..., file=logfile); the fix neutralises CR/LF before writing.

Written without reading the held-out families; every family here goes to train."""
from core import Spec, dedent
from module_kit import _mod, shell_pair, _ind
from registry import hardneg, fam


# ---------------- CWE-611: lxml parser with external DTD loading over the network ----------------


def _lab_parse(c):
    """(parse lines builder, imports) for the lab report parse, drawn once per example."""
    how = c.pick("fromstring", "parse", "XML")
    if how == "fromstring":
        return (lambda x, p: [f"root = etree.fromstring({x}.encode(\"utf-8\"), {p})"]), ""
    if how == "parse":
        return (lambda x, p: [f"root = etree.parse(io.BytesIO({x}.encode(\"utf-8\")), {p}).getroot()"]), "import io"
    return (lambda x, p: [f"root = etree.XML({x}.encode(\"utf-8\"), parser={p})"]), ""


# Dropped by second-author review (R94): same lxml XMLParser/DTD-network shape as a held-out family;
# the generator skips it through data/review/train_libs22_snippets.jsonl.
@fam("xxe-lxml-vet-lab-dtd-network", "CWE-611", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["lab_xml", "report_xml", "analyser_xml"], n=8, wrap=False)
def xxe_vet_lab(c):
    x = c.x
    parse, pimp = _lab_parse(c)
    level = c.pick("module", "inline")
    explicit = c.pick(True, False)
    vargs = "load_dtd=True, no_network=False" + (", resolve_entities=True" if explicit else "")
    sargs = c.pick("resolve_entities=False, no_network=True", "resolve_entities=False, load_dtd=False, no_network=True")
    extract = c.pick("results", "panel", "flags")
    if extract == "results":
        tail = ('result = [\n'
                '    {"test": r.get("code"), "value": r.findtext("value"), "unit": r.findtext("unit")}\n'
                '    for r in root.iter("result")\n'
                ']')
    elif extract == "panel":
        tail = ('patient = root.find("patient")\n'
                'result = {\n'
                '    "animal": patient.get("name") if patient is not None else None,\n'
                '    "species": patient.findtext("species") if patient is not None else None,\n'
                '    "tests": [t.get("code") for t in root.iter("test")],\n'
                '}')
    else:
        tail = ('result = [r.get("code") for r in root.iter("result") if r.get("flag") in ("H", "L")]\n'
                'if not result:\n'
                '    result = ["all within reference range"]')

    def build(safe):
        args = sargs if safe else vargs
        V = "" if safe else "  #@V"
        if level == "module":
            helpers = f"LAB_PARSER = etree.XMLParser({args}, remove_blank_text=True){V}"
            pname = "LAB_PARSER"
            lines = []
        else:
            helpers = ""
            pname = "parser"
            lines = [f"parser = etree.XMLParser({args}){V}"]
        pl = parse(x, pname)
        pl[-1] += V
        lines += pl
        lines.append(tail)
        return "\n".join(lines), helpers

    v, hv = build(False)
    s, hs = build(True)
    return shell_pair(c, v, s, hv, hs, imports="from lxml import etree\n" + pimp,
                      notes="the analyser XML from the request is parsed by an lxml parser that loads the DTD with "
                            "network access allowed (load_dtd=True, no_network=False"
                            + (", resolve_entities=True" if explicit else "") + "), so a DOCTYPE naming an external "
                            "DTD or SYSTEM entity makes the server fetch attacker-chosen URLs or files; the fix "
                            "builds the parser with resolve_entities=False and no DTD loading over the network")


@hardneg(4)
def xxe_vet_lab_hn(c):
    x = c.x
    shape = c.pick("hardened", "defused", "iterparse_off")
    if shape == "hardened":
        body = ("parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)\n"
                f'root = etree.fromstring({x}.encode("utf-8"), parser)\n'
                'result = [r.get("code") for r in root.iter("result")]')
        return Spec(s=body, imports="from lxml import etree",
                    notes="entities are not resolved and the parser never goes to the network")
    if shape == "defused":
        body = (f"root = DefusedET.fromstring({x})\n"
                'result = [{"test": r.get("code"), "value": r.findtext("value")} for r in root.iter("result")]')
        return Spec(s=body, imports="import defusedxml.ElementTree as DefusedET",
                    notes="defusedxml rejects DTDs with entity declarations and external references")
    body = (f'events = etree.iterparse(io.BytesIO({x}.encode("utf-8")), events=("end",), tag="result",\n'
            "                          resolve_entities=False, no_network=True)\n"
            'result = [el.get("code") for _event, el in events]')
    return Spec(s=body, imports="import io\nfrom lxml import etree",
                notes="iterparse with entity resolution off and no network access")


# ---------------- CWE-918: httpx streaming download of podcast audio ----------------


@fam("ssrf-httpx-stream-podcast-audio", "CWE-918", fws=["pipeline", "flask", "django", "cli"],
     keys=["audio_url", "episode_url", "media_url"], n=8, wrap=False)
def ssrf_podcast_audio(c):
    x = c.x
    hosts = c.pick('{"media.podhost.example", "cdn.episodes.example"}',
                   '{"audio.castfeed.example", "traffic.megaphone.fm", "dts.podtrac.com"}')
    check = c.pick("exact", "suffix")
    sink = c.pick("bytes", "raw", "lines")
    limit = c.pick("200 * 1024 * 1024", "500 * 1024 * 1024")
    chunk = {"bytes": "resp.iter_bytes(chunk_size=65536)", "raw": "resp.iter_raw()",
             "lines": "resp.iter_bytes()"}[sink]
    helpers = f"MAX_AUDIO_BYTES = {limit}"
    sh = helpers + f"\nALLOWED_MEDIA_HOSTS = {hosts}"
    if check == "exact":
        guard = ("parts = urlsplit($x)\n"
                 'if parts.scheme != "https" or parts.hostname not in ALLOWED_MEDIA_HOSTS:\n'
                 '    raise ValueError("audio must come from an approved media host")')
    else:
        guard = ("parts = urlsplit($x)\n"
                 'host = (parts.hostname or "").lower()\n'
                 'if parts.scheme != "https" or not any(host == d or host.endswith("." + d) for d in ALLOWED_MEDIA_HOSTS):\n'
                 '    raise ValueError("audio must come from an approved media host")')
    size_check = c.pick(True, False)

    def body(safe):
        V = "" if safe else "  #@V"
        lines = []
        if safe:
            lines += guard.replace("$x", x).split("\n")
        lines.append('scratch = tempfile.NamedTemporaryFile(suffix=".audio", delete=False)')
        lines.append("received = 0")
        lines.append(f"with httpx.stream(\"GET\", {x}, timeout=30.0) as resp, scratch:{V}")
        lines.append("    resp.raise_for_status()")
        lines.append(f"    for piece in {chunk}:")
        lines.append("        received += len(piece)")
        if size_check:
            lines.append("        if received > MAX_AUDIO_BYTES:")
            lines.append('            raise ValueError("episode too large")')
        lines.append("        scratch.write(piece)")
        lines.append(c.pick('result = {"file": scratch.name, "bytes": received}',
                            'result = queue_transcription(scratch.name, received)'))
        return "\n".join(lines)

    st = c.snapshot()
    v = body(False)
    c.restore(st)
    s = body(True)
    imp = "import tempfile\n\nimport httpx"
    if "queue_transcription" in v:
        imp += "\nfrom transcribe.jobs import queue_transcription"
    return shell_pair(c, v, s, helpers, sh, imports=imp, simports="from urllib.parse import urlsplit",
                      notes=f"the {c.key} from the submission is fetched server-side with httpx.stream with no check "
                            "of scheme or host, so a job can make the worker read internal services or cloud "
                            "metadata (http://169.254.169.254/...); the fix accepts only https URLs on allow-listed "
                            "media hosts (httpx does not follow redirects unless asked)")


@hardneg(3)
def ssrf_podcast_audio_hn(c):
    x = c.x
    body = ("parts = urlsplit(" + x + ")\n"
            'if parts.scheme != "https" or parts.hostname not in ALLOWED_MEDIA_HOSTS:\n'
            '    raise ValueError("unsupported media host")\n'
            "with httpx.Client(timeout=20.0, follow_redirects=False) as client:\n"
            f"    head = client.head({x})\n"
            'result = {"length": head.headers.get("content-length"), "type": head.headers.get("content-type")}')
    return Spec(s=body, imports="import httpx\nfrom urllib.parse import urlsplit",
                helpers='ALLOWED_MEDIA_HOSTS = {"media.podhost.example", "cdn.episodes.example"}',
                notes="only https URLs on allow-listed media hosts are requested, redirects are not followed")


# ---------------- CWE-601: redirect to the return_url after a donation payment ----------------


def _donation_module(c, safe):
    fw = c.fw
    ret = c.pick("return_url", "returnUrl", "return_to")
    where = c.pick("query", "form")
    provider = c.pick("stripe", "helper")
    fallback = c.pick("/give/thank-you", "/donations/receipt", "/")
    lines = []
    if fw == "flask":
        req = f'request.args.get("{ret}", "{fallback}")' if where == "query" else f'request.form.get("{ret}", "{fallback}")'
        sid = 'request.args.get("session_id", "")' if where == "query" else 'request.form.get("session_id", "")'
        head = (f'@app.route("/give/complete", methods=["{"GET" if where == "query" else "POST"}"])\n'
                "def donation_complete():")
        redir = "return redirect({})"
        imps = "from flask import Flask, abort, redirect, request"
        app = "app = Flask(__name__)"
        deny = "abort(402)"
    else:
        req = f'request.GET.get("{ret}", "{fallback}")' if where == "query" else f'request.POST.get("{ret}", "{fallback}")'
        sid = 'request.GET.get("session_id", "")' if where == "query" else 'request.POST.get("session_id", "")'
        head = ("@require_GET\ndef donation_complete(request):" if where == "query"
                else "@require_POST\ndef donation_complete(request):")
        redir = "return HttpResponseRedirect({})"
        imps = ("from django.http import HttpResponse, HttpResponseRedirect\n"
                f"from django.views.decorators.http import {'require_GET' if where == 'query' else 'require_POST'}")
        app = ""
        deny = 'return HttpResponse("payment not completed", status=402)'
    if provider == "stripe":
        imps = "import stripe\n\n" + imps + "\nfrom giving.models import record_gift"
        confirm = ("checkout = stripe.checkout.Session.retrieve(session_id)\n"
                   'if checkout.payment_status != "paid":\n'
                   f"    {deny}\n"
                   "record_gift(checkout.id, checkout.amount_total, checkout.customer_details.email)")
    else:
        imps = imps + "\nfrom giving.payments import confirm_payment, record_gift"
        confirm = ("payment = confirm_payment(session_id)\n"
                   "if payment is None:\n"
                   f"    {deny}\n"
                   "record_gift(payment.reference, payment.amount, payment.donor_email)")
    body = [f"session_id = {sid}", confirm, f"target = {req}  #@S"]
    if safe:
        imps += "\nfrom urllib.parse import urlsplit"
        shape = c.pick("split", "startswith")
        if shape == "split":
            body.append("parts = urlsplit(target)\n"
                        'if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") '
                        'or "\\\\" in target:\n'
                        f'    target = "{fallback}"')
        else:
            body.append('if not target.startswith("/") or target.startswith("//") or "\\\\" in target '
                        "or urlsplit(target).netloc:\n"
                        f'    target = "{fallback}"')
        body.append(redir.format("target"))
    else:
        body.append(redir.format("target") + "  #@V")
    fn = head + "\n" + _ind("\n".join(body))
    return _mod(imps, app, fn)


@fam("redirect-donation-return-url", "CWE-601", fws=["flask", "django"], keys=["return_url"], n=8, wrap=False)
def redirect_donation(c):
    st = c.snapshot()
    v = _donation_module(c, False)
    c.restore(st)
    s = _donation_module(c, True)
    return Spec(v=v, s=s, full=True,
                notes="after the payment is confirmed the donor is redirected to the return URL taken from the "
                      "request, so a link to the giving page can send donors on to any external site (phishing a "
                      "'card declined, retry' page); the fix accepts only a local path and otherwise falls back "
                      "to the receipt page")


# ---------------- CWE-434: aiohttp multipart reader saving into a static folder ----------------


# Literal text, not repr() of a set: a set's order follows string hashing, which changes between runs.
_EXTS_3 = '{".jpg", ".jpeg", ".png"}'
_EXTS_4 = '{".jpg", ".jpeg", ".webp", ".png"}'


def _observation_upload(c, safe):
    field = c.pick("photo", "observation", "specimen_image")
    folder = c.pick("observations", "sightings", "specimens")
    route = c.pick("/projects/{project:[a-z0-9-]+}/observations", "/surveys/{project:[a-z0-9-]+}/photos")
    loop = c.pick("next", "async_for")
    size = c.pick("10 * 1024 * 1024", "25 * 1024 * 1024")
    lines = ["reader = await request.multipart()"]
    if loop == "next":
        lines += ["part = await reader.next()",
                  "while part is not None and part.name != " + repr(field).replace("'", '"') + ":",
                  "    part = await reader.next()",
                  "if part is None or not part.filename:",
                  '    raise web.HTTPBadRequest(text="no photo")']
    else:
        lines += ["part = None",
                  "async for candidate in reader:",
                  f'    if candidate.name == "{field}" and candidate.filename:',
                  "        part = candidate",
                  "        break",
                  "if part is None:",
                  '    raise web.HTTPBadRequest(text="no photo")']
    if safe:
        lines += ["ext = os.path.splitext(part.filename)[1].lower()",
                  "if ext not in PHOTO_EXTENSIONS:",
                  '    raise web.HTTPUnsupportedMediaType(text="photos only")',
                  "stored = f\"{uuid.uuid4().hex}{ext}\""]
    else:
        lines += ["stored = os.path.basename(part.filename)  #@V"]
    lines += ['dest = os.path.join(MEDIA_DIR, request.match_info["project"], stored)',
              "os.makedirs(os.path.dirname(dest), exist_ok=True)",
              "written = 0",
              'with open(dest, "wb") as out:' + ("" if safe else "  #@V"),
              "    while chunk := await part.read_chunk(65536):",
              "        written += len(chunk)",
              "        if written > MAX_PHOTO_BYTES:",
              '            raise web.HTTPRequestEntityTooLarge(max_size=MAX_PHOTO_BYTES, actual_size=written)',
              "        out.write(chunk)",
              f'return web.json_response({{"url": f"/media/{{request.match_info[\'project\']}}/{{stored}}"}}, status=201)']
    fn = "async def upload_observation(request):\n" + _ind("\n".join(lines))
    imps = "import os\n" + ("import uuid\n" if safe else "") + "\nfrom aiohttp import web"
    consts = (f'MEDIA_DIR = os.path.join(os.path.dirname(__file__), "media", "{folder}")\n'
              f"MAX_PHOTO_BYTES = {size}"
              + ("\nPHOTO_EXTENSIONS = " + c.pick(_EXTS_3, _EXTS_4) if safe else ""))
    app = ("app = web.Application(client_max_size=MAX_PHOTO_BYTES + 65536)\n"
           f'app.router.add_post("{route}", upload_observation)\n'
           'app.router.add_static("/media/", MEDIA_DIR)')
    return _mod(imps, consts, fn, app)


@fam("upload-aiohttp-multipart-reader-static", "CWE-434", fws=["aiohttp"], n=8, wrap=False)
def upload_observation(c):
    st = c.snapshot()
    v = _observation_upload(c, False)
    c.restore(st)
    s = _observation_upload(c, True)
    return Spec(v=v, s=s, full=True,
                notes="the photo part is stored under the file name the client sent, any extension included, in "
                      "the folder the app serves under /media/, so an .html or .svg upload runs script on the "
                      "site's origin for every visitor; the fix allows only image extensions and names the file "
                      "itself")


# ---------------- CWE-352: Bottle GET route that changes state ----------------

_BOTTLE_ACTIONS = [
    ("labels", "label_id", "void", "labels.cancel(label_id, voided_by=account)", "voided"),
    ("robots", "robot_id", "decommission", "fleet.update(robot_id, status=\"retired\", operator=account)", "decommissioned"),
    ("pickups", "pickup_id", "cancel", "pickups.cancel(pickup_id, account)", "cancelled"),
    ("addresses", "address_id", "delete", "addresses.delete(address_id, owner=account)", "deleted"),
]


def _bottle_module(c, safe):
    res, pid, verb, call, done = c.pick(*_BOTTLE_ACTIONS)
    store = {"labels": "labels", "robots": "fleet", "pickups": "pickups", "addresses": "addresses"}[res]
    who = c.pick("cookie", "helper")
    lines = []
    if who == "cookie":
        lines.append('account = request.get_cookie("account", secret=COOKIE_SECRET)')
    else:
        lines.append("account = current_account()")
    lines += ["if not account:", '    abort(401, "sign in first")']
    if safe:
        lines += ['sent = request.forms.get("csrf_token", "")',
                  'expected = request.get_cookie("csrf", secret=COOKIE_SECRET) or ""',
                  "if not expected or not hmac.compare_digest(sent, expected):",
                  '    abort(403, "bad token")']
    lines.append(call + ("" if safe else "  #@V"))
    lines.append(c.pick(f'redirect("/{res}")', f'return {{"{pid}": {pid}, "status": "{done}"}}'))
    deco = (f'@post("/{res}/<{pid}:int>/{verb}")' if safe else f'@get("/{res}/<{pid}:int>/{verb}")  #@V')
    fn = f"{deco}\ndef {verb}_{res[:-1] if res != 'addresses' else 'address'}({pid}):\n" + _ind("\n".join(lines))
    helper = ""
    if who == "helper":
        helper = ("def current_account():\n"
                  '    return request.get_cookie("account", secret=COOKIE_SECRET)')
    imps = (("import hmac\n" if safe else "") + "import os\n\n"
            f"from bottle import abort, {'post' if safe else 'get'}, redirect, request, run\n"
            f"from console import {store}")
    consts = 'COOKIE_SECRET = os.environ["COOKIE_SECRET"]'
    tail = c.pick('if __name__ == "__main__":\n    run(host="127.0.0.1", port=8080)', "")
    # bottle's redirect raises, so a trailing return is unnecessary
    return _mod(imps, consts, helper, fn, tail)


@fam("csrf-bottle-get-state-change", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_bottle_get(c):
    st = c.snapshot()
    v = _bottle_module(c, False)
    c.restore(st)
    s = _bottle_module(c, True)
    # framework kind "flask": the schema has no Bottle kind (data/README.md maps Bottle to flask)
    return Spec(v=v, s=s, full=True,
                notes="fw=bottle; the action changes state on a GET route authenticated only by the signed account cookie, "
                      "which the browser sends with any cross-site image or link, so another site can trigger it "
                      "for a signed-in user; the fix makes it a POST that checks a signed double-submit "
                      "token (the form's csrf_token must equal the signed csrf cookie)")


@hardneg(3)
def csrf_bottle_get_hn(c):
    res = c.pick("labels", "robots", "pickups")
    body = f'''
        import os

        from bottle import abort, get, request
        from console import {res}

        COOKIE_SECRET = os.environ["COOKIE_SECRET"]


        @get("/{res}/<item_id:int>")
        def show(item_id):
            account = request.get_cookie("account", secret=COOKIE_SECRET)
            if not account:
                abort(401, "sign in first")
            item = {res}.find(item_id, account)
            if item is None:
                abort(404)
            return {{"id": item_id, "status": item.status}}
    '''
    return Spec(s=dedent(body) + "\n", full=True, fw="flask",
                notes="the GET route only reads data; nothing changes state")


# ---------------- CWE-117: print(..., file=logfile) ----------------


@fam("logi-print-file-logfile", "CWE-117", fws=["flask", "django", "aiohttp", "pipeline", "cli"],
     keys=["patient_name", "tracking_no", "donor_note", "robot_name"], n=8, wrap=False)
def logi_print_file(c):
    x = c.x
    path = c.pick("/var/log/clinic/intake.log", "logs/labels.log", "/srv/console/activity.log")
    opener = c.pick("module", "with")
    fix = c.pick("replace", "repr", "escape")
    st = c.pick("fstring", "format", "percent")
    event = {"patient_name": "intake", "tracking_no": "label printed", "donor_note": "pledge noted",
             "robot_name": "robot renamed"}[c.key]
    sep = c.pick(True, False)

    def body(safe):
        V = "" if safe else "  #@V"
        val = "shown" if safe else x
        lines = ['stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")']
        if safe:
            lines.append({"replace": f'shown = str({x}).replace("\\r", "\\\\r").replace("\\n", "\\\\n")',
                          "repr": f"shown = repr({x})",
                          "escape": f'shown = str({x}).encode("unicode_escape").decode("ascii")'}[fix])
        msg = c.fmt(f"{event}: {{}}", val, style=st)
        if sep:
            call = f'print(stamp, {msg}, sep=" | ", file=logfile, flush=True){V}'
        else:
            call = f"print(stamp, {msg}, file=logfile){V}"
        if opener == "module":
            lines.append(call.replace("logfile", "ACTIVITY_LOG"))
        else:
            lines.append('with open(LOG_PATH, "a", encoding="utf-8") as logfile:')
            lines.append("    " + call)
        lines.append('result = "ok"')
        return "\n".join(lines)

    st0 = c.snapshot()
    v = body(False)
    c.restore(st0)
    s = body(True)
    if opener == "module":
        helpers = f'ACTIVITY_LOG = open("{path}", "a", encoding="utf-8", buffering=1)'
    else:
        helpers = f'LOG_PATH = "{path}"'
    return Spec(v=v, s=s, imports="from datetime import datetime, timezone", helpers=helpers,
                notes=f"the {c.key} from the request is printed as is into the plain-text activity log; a CR/LF in "
                      "it starts a forged log line (a fake entry with its own timestamp); the fix escapes control "
                      f"characters ({fix}) before the value is written")


@hardneg(3)
def logi_print_file_hn(c):
    x = c.x
    shape = c.pick("int", "repr")
    if shape == "int":
        body = (f"count = int({x})\n"
                'with open(LOG_PATH, "a", encoding="utf-8") as logfile:\n'
                '    print(datetime.now(timezone.utc).isoformat(), f"printed {count} labels", file=logfile)\n'
                "result = count")
        note = "only an int reaches the log line"
    else:
        body = ('with open(LOG_PATH, "a", encoding="utf-8") as logfile:\n'
                f'    print(datetime.now(timezone.utc).isoformat(), f"intake: {{{x}!r}}", file=logfile)\n'
                'result = "ok"')
        note = "the value is printed with !r, so CR/LF appear as escapes"
    return Spec(s=body, imports="from datetime import datetime, timezone",
                helpers='LOG_PATH = "logs/activity.log"', notes=note)
