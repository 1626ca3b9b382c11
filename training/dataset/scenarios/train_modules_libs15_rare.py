"""Train-only whole-module families for the rarest labels (libs15): service modules whose one weak
statement is a weak hash used as a blob's identity (328), a predictable name-based UUID used as an
e-mail verification token (330), Starlette's ``SessionMiddleware`` left at ``https_only=False`` (614),
and an aiohttp login cookie set without HttpOnly (1004).

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder of safe modules dense with look-alike idioms (md5/sha1 for ETags
and cache keys, ``random`` for jitter and sampling, ``uuid`` for request ids, cookies with the right
flags, preference cookies that are meant to be readable by scripts).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from module_kit import _word
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


def _base_kw(c):
    """The keys the generic look-alike pool of train_modules_safe_web needs, plus the resource word."""
    kw = _web._rand_kw(c)
    w = _word(c)
    kw.update(w=w, ws=w + "s", W=w.capitalize(), app=c.pick("atlas", "harbor", "quill", "orbit", "fern", "lumen"))
    kw["APP"] = kw["app"].upper()
    return kw


def _lookalikes(c):
    """Framework-free safe parts: md5/sha1 ETags and cache keys, jittered backoff, sampling, uuid4 ids."""
    keep = {"etag", "cachekey", "backoff", "retry", "sampler", "bucket", "canary", "qa", "replicas", "rid", "ttl", "cache"}
    return [p for p in _web._rand_helpers(c) if p.key in keep]


# ---------------- CWE-328: content-addressed attachment store keyed by md5/sha1 ----------------


def _blob_parts(c, fw, hn=False):
    store = c.pick("local", "s3")
    kw_extra = {}
    core = [P("logging", rank=0, imp="import logging")]
    if store == "local":
        core.append(P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
            BLOB_ROOT = Path(os.environ.get("$APP_BLOB_ROOT", "/srv/$app/blobs"))
            MAX_UPLOAD = $mb * 1024 * 1024
            HASH_CHUNK = 1024 * 1024
        '''))
        core.append(P("store", rank=1, imp="import hashlib", body='''
            def $store_fn(data: bytes) -> str:
                """Store ``data`` once under its content digest and return the digest.

                Identical uploads (from any account) share one blob; the digest is the blob's identity."""
                h = $FIX
                view = memoryview(data)
                for start in range(0, len(view), HASH_CHUNK):
                    h.update(view[start:start + HASH_CHUNK])
                digest = h.hexdigest()
                target = BLOB_ROOT / digest[:2] / digest
                if target.exists():
                    $log.debug("blob %s already stored, reusing it", digest)
                    return digest
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(digest + ".part")
                partial.write_bytes(data)
                partial.replace(target)
                return digest
        '''))
    else:
        core.append(P("consts", rank=0, imp="import os\nimport boto3\nfrom botocore.exceptions import ClientError", const='''
            BUCKET = os.environ.get("$APP_BUCKET", "$app-attachments")
            MAX_UPLOAD = $mb * 1024 * 1024
            HASH_CHUNK = 1024 * 1024
            URL_TTL = $urlttl
        ''', setup='s3 = boto3.client("s3")'))
        core.append(P("store", rank=1, imp="import hashlib", body='''
            def $store_fn(data: bytes) -> str:
                """Upload ``data`` once under ``blobs/<digest>``; later uploads of the same bytes reuse it."""
                h = $FIX
                view = memoryview(data)
                for start in range(0, len(view), HASH_CHUNK):
                    h.update(view[start:start + HASH_CHUNK])
                digest = h.hexdigest()
                key = f"blobs/{digest}"
                try:
                    s3.head_object(Bucket=BUCKET, Key=key)
                except ClientError as exc:
                    if exc.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
                        raise
                    s3.put_object(Bucket=BUCKET, Key=key, Body=data)
                    $log.info("stored new blob %s (%d bytes)", digest, len(data))
                else:
                    $log.debug("blob %s already stored, reusing it", digest)
                return digest
        '''))
    if fw == "fastapi":
        core.append(P("frame", rank=0, imp="from fastapi import APIRouter, Depends, HTTPException, UploadFile\n"
                                           "from .auth import User, current_user\nfrom .models import Attachment, $W",
                      setup='router = APIRouter(prefix="/api/$ws", tags=["$ws"])'))
        core.append(P("upload", rank=3, body='''
            @router.post("/{item_id}/attachments", status_code=201)
            async def upload_attachment(item_id: int, file: UploadFile, user: User = Depends(current_user)) -> dict:
                if not await $W.filter(id=item_id, owner_id=user.id).exists():
                    raise HTTPException(status_code=404, detail="no such $w")
                data = await file.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    raise HTTPException(status_code=413, detail="attachment too large")
                digest = $store_fn(data)
                att = await Attachment.create($w_id=item_id, blob=digest, filename=file.filename or "file", size=len(data))
                $log.info("attachment %d added to $w %d by user %d", att.id, item_id, user.id)
                return {"id": att.id, "size": att.size}
        '''))
        if store == "local":
            dl = P("download", rank=3, imp="from fastapi.responses import FileResponse", body='''
                @router.get("/{item_id}/attachments/{att_id}")
                async def download_attachment(item_id: int, att_id: int, user: User = Depends(current_user)) -> FileResponse:
                    att = await Attachment.get_or_none(id=att_id, $w_id=item_id, $w__owner_id=user.id)
                    if att is None:
                        raise HTTPException(status_code=404)
                    path = BLOB_ROOT / att.blob[:2] / att.blob
                    return FileResponse(path, filename=att.filename, headers={"ETag": f'"{att.blob}"'})
            ''')
        else:
            dl = P("download", rank=3, body='''
                @router.get("/{item_id}/attachments/{att_id}")
                async def download_attachment(item_id: int, att_id: int, user: User = Depends(current_user)) -> dict:
                    att = await Attachment.get_or_none(id=att_id, $w_id=item_id, $w__owner_id=user.id)
                    if att is None:
                        raise HTTPException(status_code=404)
                    url = s3.generate_presigned_url(
                        "get_object",
                        Params={"Bucket": BUCKET, "Key": f"blobs/{att.blob}",
                                "ResponseContentDisposition": f'attachment; filename="{att.filename}"'},
                        ExpiresIn=URL_TTL,
                    )
                    return {"url": url, "expires_in": URL_TTL}
            ''')
    else:
        core.append(P("frame", rank=0, imp="from flask import Blueprint, abort, jsonify, request\n"
                                           "from flask_login import current_user, login_required\n"
                                           "from werkzeug.utils import secure_filename\nfrom .models import Attachment, $W, db",
                      setup='bp = Blueprint("$w_attachments", __name__, url_prefix="/api/$ws")'))
        core.append(P("upload", rank=3, body='''
            @bp.post("/<int:item_id>/attachments")
            @login_required
            def upload_attachment(item_id: int):
                item = db.first_or_404(db.select($W).filter_by(id=item_id, owner_id=current_user.id))
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    abort(400, description="no file in the request")
                data = upload.stream.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    abort(413)
                digest = $store_fn(data)
                att = Attachment($w_id=item.id, blob=digest, filename=secure_filename(upload.filename) or "file", size=len(data))
                db.session.add(att)
                db.session.commit()
                $log.info("attachment %d added to $w %d", att.id, item.id)
                return jsonify(id=att.id, size=att.size), 201
        '''))
        if store == "local":
            dl = P("download", rank=3, imp="from flask import send_file", body='''
                @bp.get("/<int:item_id>/attachments/<int:att_id>")
                @login_required
                def download_attachment(item_id: int, att_id: int):
                    att = db.first_or_404(
                        db.select(Attachment).join($W).filter(Attachment.id == att_id, $W.id == item_id,
                                                              $W.owner_id == current_user.id)
                    )
                    path = BLOB_ROOT / att.blob[:2] / att.blob
                    return send_file(path, download_name=att.filename, as_attachment=True, etag=att.blob)
            ''')
        else:
            dl = P("download", rank=3, body='''
                @bp.get("/<int:item_id>/attachments/<int:att_id>")
                @login_required
                def download_attachment(item_id: int, att_id: int):
                    att = db.first_or_404(
                        db.select(Attachment).join($W).filter(Attachment.id == att_id, $W.id == item_id,
                                                              $W.owner_id == current_user.id)
                    )
                    url = s3.generate_presigned_url(
                        "get_object", Params={"Bucket": BUCKET, "Key": f"blobs/{att.blob}"}, ExpiresIn=URL_TTL
                    )
                    return jsonify(url=url, expires_in=URL_TTL)
            ''')
    pool = _lookalikes(c)
    if hn or c.pick(True, False):
        core.append(dl)
    else:
        pool.append(dl)
    if store == "local":
        pool.append(P("fsck", rank=2, imp="import hashlib", body='''
            def $fsck_fn(limit: int | None = None) -> list[str]:
                """Blobs whose bytes no longer match their name (disk corruption); run from the nightly job."""
                bad = []
                for n, path in enumerate(sorted(BLOB_ROOT.glob("*/*"))):
                    if limit is not None and n >= limit:
                        break
                    if path.suffix != ".part" and hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
                        $log.error("blob %s is corrupt", path.name)
                        bad.append(path.name)
                return bad
        '''))
    return core, pool


def _blob_kw(c):
    kw = _base_kw(c)
    kw.update(store_fn=c.pick("store_blob", "put_blob", "save_content", "dedup_store"),
              fsck_fn=c.pick("verify_blobs", "fsck_blobs", "scan_corrupt_blobs"),
              mb=c.pick(10, 20, 25, 50), urlttl=c.pick(60, 120, 300))
    return kw


@fam("mod15-attachment-store-weak-digest-key", "CWE-328", fws=["fastapi", "flask"], n=8, wrap=False)
def mod15_blob_digest(c):
    kw = _blob_kw(c)
    core, pool = _blob_parts(c, c.fw)
    weak = c.pick("hashlib.md5()", "hashlib.sha1()")
    doc = c.pick("$W attachments: uploads are stored once per content digest and shared between $ws.",
                 "Attachment upload and download for $ws (content-addressed blob store).",
                 "Content-addressed storage of $w attachments, with per-owner access checks.")
    v, s = pair(c, doc, f'$log = logging.getLogger("$app.{c.pick("attachments", "blobs", "storage")}")', core, pool, kw,
                weak + "  #@V", "hashlib.sha256()")
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the blob store deduplicates uploads across accounts by an md5/sha1 digest and treats the digest "
                      "as the blob's identity; both have practical collision attacks, so an attacker can craft two colliding files, upload the "
                      "harmful one first and hand the harmless one to a victim, whose later upload is then served "
                      "from the attacker's bytes. The fix keys blobs by SHA-256")


@hardneg(10)
def mod15_blob_digest_hn(c):
    kw = _blob_kw(c)
    fw = c.pick("fastapi", "flask")
    core, pool = _blob_parts(c, fw, hn=True)
    core.append(c.pick(*[p for p in pool if p.key in ("etag", "cachekey", "fsck")]))
    doc = c.pick("$W attachments stored by SHA-256 digest.", "Attachment endpoints for $ws and their blob store.")
    code = compose(c, doc, '$log = logging.getLogger("$app.attachments")', core, pool, kw,
                   subs=[{"$FIX": "hashlib.sha256()"}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="blobs are keyed by SHA-256; md5/sha1 appear only as ETag / cache-key fingerprints")


# ---------------- CWE-330: e-mail verification token derived from the address (uuid3/uuid5) ----------------


def _verify_kw(c):
    kw = _base_kw(c)
    kw.update(tok_fn=c.pick("verification_token", "new_verify_token", "make_confirm_token"),
              dig_fn=c.pick("_token_digest", "_digest", "_hash_token"),
              mail_fn=c.pick("send_verification_mail", "mail_confirm_link", "send_confirm_email"),
              hours=c.pick(24, 48, 72), domain=c.pick("example.com", "example.org", "app.example.net"))
    return kw


def _verify_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import os\nfrom fastapi import APIRouter, BackgroundTasks, HTTPException\n"
                               "from passlib.context import CryptContext\nfrom pydantic import BaseModel, EmailStr\n"
                               "from .mail import $mail_fn\nfrom .models import User, VerifyToken",
          const='BASE_URL = os.environ.get("$APP_BASE_URL", "https://$app.$domain")\nTOKEN_TTL = timedelta(hours=$hours)',
          setup='router = APIRouter(prefix="/account", tags=["account"])\npwd_context = CryptContext(schemes=["argon2"], deprecated="auto")'),
        P("dt", rank=0, imp="from datetime import datetime, timedelta, timezone"),
        P("form", rank=1, body='''
            class SignupForm(BaseModel):
                email: EmailStr
                password: str
                display_name: str | None = None
        '''),
        P("tok", rank=1, imp="import hashlib\nimport secrets\nimport time\nimport uuid", body='''
            def $tok_fn(email: str) -> str:
                """Token for the link mailed to a new address; following it proves access to the mailbox."""
                return $FIX


            def $dig_fn(token: str) -> str:
                """Only a digest of the token is stored, so a database dump does not verify accounts."""
                return hashlib.sha256(token.encode()).hexdigest()
        '''),
    ]
    signup_shape = c.pick("bg", "await")
    send = ("background.add_task($mail_fn, email, link)" if signup_shape == "bg" else "await $mail_fn(email, link)")
    sig = ("form: SignupForm, background: BackgroundTasks" if signup_shape == "bg" else "form: SignupForm")
    core.append(P("signup", rank=3, body='''
        @router.post("/signup", status_code=201)
        async def signup(''' + sig + ''') -> dict:
            email = form.email.strip().lower()
            if len(form.password) < 12:
                raise HTTPException(status_code=422, detail="password must have at least 12 characters")
            if await User.filter(email=email).exists():
                raise HTTPException(status_code=409, detail="an account with this address already exists")
            user = await User.create(email=email, password_hash=pwd_context.hash(form.password),
                                     display_name=form.display_name or email.split("@")[0], verified=False)
            token = $tok_fn(email)
            await VerifyToken.create(user_id=user.id, digest=$dig_fn(token),
                                     expires_at=datetime.now(timezone.utc) + TOKEN_TTL)
            link = f"{BASE_URL}/account/verify?token={token}"
            ''' + send + '''
            $log.info("signup: user %d created, verification mail queued", user.id)
            return {"id": user.id, "verified": False}
    '''))
    core.append(P("verify", rank=3, body='''
        @router.get("/verify")
        async def verify(token: str) -> dict:
            row = await VerifyToken.get_or_none(digest=$dig_fn(token))
            if row is None or row.expires_at < datetime.now(timezone.utc):
                raise HTTPException(status_code=400, detail="this link is invalid or has expired")
            await User.filter(id=row.user_id).update(verified=True)
            await row.delete()
            $log.info("user %d verified their address", row.user_id)
            return {"verified": True}
    '''))
    pool = _lookalikes(c) + [
        P("resend", rank=3, body='''
            @router.post("/verify/resend", status_code=202)
            async def resend(form: SignupForm) -> dict:
                """Always 202, whether or not the address is known, so the endpoint does not reveal accounts."""
                user = await User.get_or_none(email=form.email.strip().lower(), verified=False)
                if user is not None and pwd_context.verify(form.password, user.password_hash):
                    await VerifyToken.filter(user_id=user.id).delete()
                    token = $tok_fn(user.email)
                    await VerifyToken.create(user_id=user.id, digest=$dig_fn(token),
                                             expires_at=datetime.now(timezone.utc) + TOKEN_TTL)
                    await $mail_fn(user.email, f"{BASE_URL}/account/verify?token={token}")
                return {"queued": True}
        '''),
        P("avatar", rank=1, imp="import hashlib", body='''
            def gravatar_url(email: str, size: int = 80) -> str:
                """Public avatar URL; the md5 of the address is what Gravatar's API expects, not a secret."""
                digest = hashlib.md5(email.strip().lower().encode()).hexdigest()
                return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon"
        '''),
        P("ns", rank=1, imp="import uuid", const='IMPORT_NAMESPACE = uuid.UUID("$nsuuid")', body='''
            def import_key(source: str, external_id: str) -> uuid.UUID:
                """Stable primary key for rows imported from a partner feed: re-imports update, not duplicate."""
                return uuid.uuid5(IMPORT_NAMESPACE, f"{source}:{external_id}")
        '''),
    ]
    return core, pool


@fam("mod15-fastapi-signup-verify-token-uuid5", "CWE-330", fws=["fastapi"], n=8, wrap=False)
def mod15_verify_uuid(c):
    kw = _verify_kw(c)
    kw["nsuuid"] = "6f1c2a4e-%04x-5b7d-9e3f-%012x" % (c.rng.randrange(0x10000), c.rng.randrange(1 << 48))
    core, pool = _verify_parts(c)
    weak = c.pick('uuid.uuid5(uuid.NAMESPACE_URL, f"https://$app.$domain/verify/{email}").hex',
                  "str(uuid.uuid3(uuid.NAMESPACE_DNS, email.lower()))",
                  'uuid.uuid5(uuid.NAMESPACE_OID, f"{email}:{int(time.time()) // 3600}").hex')
    safe = c.pick("secrets.token_urlsafe(32)", "secrets.token_urlsafe(24)")
    doc = c.pick("Sign-up and e-mail verification endpoints.", "Account creation: sign-up, verification link, resend.",
                 "New accounts and the mailed link that confirms their address.")
    v, s = pair(c, doc, '$log = logging.getLogger("$app.account")', core, pool, kw, fill(weak, **kw) + "  #@V", safe)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the verification token is a name-based UUID (uuid3/uuid5) of the e-mail address (and at most "
                      "the current hour): anyone can compute it, so an attacker signs up with someone else's address and "
                      "verifies it without access to the mailbox. The fix draws the token from secrets")


@hardneg(10)
def mod15_verify_uuid_hn(c):
    kw = _verify_kw(c)
    kw["nsuuid"] = "3d9a70b2-%04x-5c11-8a42-%012x" % (c.rng.randrange(0x10000), c.rng.randrange(1 << 48))
    core, pool = _verify_parts(c)
    extra = c.pick("ns", "avatar")
    core += [p for p in pool if p.key in (extra, "rid")]
    doc = c.pick("Sign-up and e-mail verification endpoints.", "Account creation and address confirmation.")
    code = compose(c, doc, '$log = logging.getLogger("$app.account")', core, pool, kw,
                   subs=[{"$FIX": c.pick("secrets.token_urlsafe(32)", "secrets.token_hex(32)")}])[0]
    return Spec(s=code, full=True, fw="fastapi",
                notes="verification tokens come from secrets; uuid5 only names imported rows, md5 only builds a "
                      "Gravatar URL, random only jitters retries")


# ---------------- CWE-614: Starlette SessionMiddleware without https_only ----------------


def _sess_kw(c):
    kw = _base_kw(c)
    kw.update(cookie=c.pick("session", "$app_session", "sid"), days=c.pick(1, 7, 14),
              title=kw["app"].capitalize() + c.pick(" Portal", " Console", " Workspace"))
    kw["cookie"] = kw["cookie"].replace("$app", kw["app"])
    return kw


def _sess_parts(c, kind):
    args = 'secret_key=os.environ["$APP_SESSION_SECRET"], session_cookie="$cookie", max_age=SESSION_MAX_AGE, same_site="lax"'
    if kind == "add":
        frame = P("frame", rank=0, imp="import os\nfrom fastapi import Depends, FastAPI, Form, HTTPException, Request\n"
                                       "from starlette.middleware.sessions import SessionMiddleware",
                  const="SESSION_MAX_AGE = $days * 24 * 3600",
                  setup='app = FastAPI(title="$title")\napp.add_middleware(SessionMiddleware, ' + args + '$FIX')
    else:
        frame = P("frame", rank=0, imp="import os\nfrom fastapi import Depends, FastAPI, Form, HTTPException, Request\n"
                                       "from starlette.middleware import Middleware\n"
                                       "from starlette.middleware.sessions import SessionMiddleware",
                  const="SESSION_MAX_AGE = $days * 24 * 3600",
                  setup='app = FastAPI(\n    title="$title",\n    middleware=[Middleware(SessionMiddleware, ' + args + '$FIX\n)')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("models", rank=0, imp="from passlib.context import CryptContext\nfrom .db import User",
          setup='pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")'),
        frame,
        P("dep", rank=1, body='''
            async def current_user(request: Request) -> User:
                """The signed-in user, from the id kept in the signed session cookie."""
                user_id = request.session.get("uid")
                user = await User.get_or_none(id=user_id) if user_id else None
                if user is None or not user.active:
                    raise HTTPException(status_code=401, detail="sign in first")
                return user
        '''),
        P("login", rank=3, body='''
            @app.post("/login")
            async def login(request: Request, email: str = Form(...), password: str = Form(...)) -> dict:
                user = await User.get_or_none(email=email.strip().lower())
                if user is None or not pwd_context.verify(password, user.password_hash):
                    $log.info("failed sign-in for a submitted address")
                    raise HTTPException(status_code=401, detail="wrong e-mail address or password")
                request.session.clear()
                request.session["uid"] = user.id
                $log.info("user %d signed in", user.id)
                return {"id": user.id, "name": user.display_name}
        '''),
        P("logout", rank=3, body='''
            @app.post("/logout", status_code=204)
            async def logout(request: Request) -> None:
                request.session.clear()
        '''),
    ]
    pool = _lookalikes(c) + [
        P("me", rank=3, body='''
            @app.get("/me")
            async def me(user: User = Depends(current_user)) -> dict:
                return {"id": user.id, "email": user.email, "name": user.display_name}
        '''),
        P("lang", rank=3, imp="from fastapi import Response", const='LANGUAGES = frozenset({"en", "de", "fr", "es", "nl"})',
          body='''
            @app.post("/preferences/language", status_code=204)
            async def set_language(response: Response, lang: str = Form(...)) -> None:
                """UI language preference: not a credential, read by the front-end script on purpose."""
                if lang not in LANGUAGES:
                    raise HTTPException(status_code=422, detail="unsupported language")
                response.set_cookie("lang", lang, max_age=365 * 24 * 3600, secure=True, samesite="lax")
        '''),
        P("hsts", rank=2, body='''
            @app.middleware("http")
            async def security_headers(request: Request, call_next):
                response = await call_next(request)
                response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                return response
        '''),
    ]
    return core, pool


@fam("mod15-fastapi-session-middleware-https-only", "CWE-614", fws=["fastapi"], n=8, wrap=False)
def mod15_session_https_only(c):
    kw = _sess_kw(c)
    kind = c.pick("add", "ctor")
    core, pool = _sess_parts(c, kind)
    doc = c.pick("$title: application object, session setup and sign-in.",
                 "FastAPI app with cookie sessions (Starlette SessionMiddleware) and the sign-in endpoints.",
                 "Web entry point of $app: sessions, login and logout.")
    v, s = pair(c, doc, f'$log = logging.getLogger("$app.{c.pick("web", "auth", "app")}")', core, pool, kw,
                ")  #@V" if kind == "add" else ")],  #@V", ", https_only=True)" if kind == "add" else ", https_only=True)],")
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="Starlette's SessionMiddleware defaults to https_only=False, so the signed session cookie that "
                      "carries the user id is sent without the Secure attribute and leaks over any plain-HTTP request "
                      "to the host; the fix passes https_only=True")


@hardneg(10)
def mod15_session_https_only_hn(c):
    kw = _sess_kw(c)
    kind = c.pick("add", "ctor")
    core, pool = _sess_parts(c, kind)
    core += [p for p in pool if p.key == "lang"]
    doc = c.pick("FastAPI app with cookie sessions and sign-in.", "$title: sessions, login and preferences.")
    fix = ", https_only=True)" if kind == "add" else ", https_only=True)],"
    code = compose(c, doc, '$log = logging.getLogger("$app.web")', core, pool, kw, subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="fastapi",
                notes="the session middleware sets https_only=True; the only other cookie is a Secure language "
                      "preference that scripts may read")


# ---------------- CWE-1004: aiohttp login handler sets the session cookie without HttpOnly ----------------


def _aio_kw(c):
    kw = _base_kw(c)
    kw.update(cookie=c.pick("SID", "session_id", "__Host-session"), ttl=c.pick(3600, 8 * 3600, 12 * 3600),
              prefix=c.pick("sess:", "session:", "s:"))
    return kw


def _aio_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import os\nimport secrets\nimport asyncpg\nimport bcrypt\nimport redis.asyncio as redis\n"
                               "from aiohttp import web",
          const='SESSION_COOKIE = "$cookie"\nSESSION_TTL = $ttl', setup="routes = web.RouteTableDef()"),
        P("mw", rank=1, body='''
            @web.middleware
            async def session_middleware(request: web.Request, handler):
                """Resolve the session cookie to a user id (``None`` for anonymous requests)."""
                request["user_id"] = None
                sid = request.cookies.get(SESSION_COOKIE)
                if sid:
                    uid = await request.app["redis"].get(f"$prefix{sid}")
                    request["user_id"] = int(uid) if uid is not None else None
                return await handler(request)
        '''),
        P("login", rank=3, body='''
            @routes.post("/login")
            async def login(request: web.Request) -> web.Response:
                form = await request.post()
                email = str(form.get("email", "")).strip().lower()
                password = str(form.get("password", "")).encode()
                row = await request.app["db"].fetchrow("SELECT id, password_hash FROM users WHERE email = $1", email)
                if row is None or not bcrypt.checkpw(password, row["password_hash"].encode()):
                    raise web.HTTPUnauthorized(text="wrong e-mail address or password")
                sid = secrets.token_urlsafe(32)
                await request.app["redis"].set(f"$prefix{sid}", row["id"], ex=SESSION_TTL)
                response = web.json_response({"id": row["id"]})
                $FIX
                $log.info("user %d signed in", row["id"])
                return response
        '''),
        P("logout", rank=3, body='''
            @routes.post("/logout")
            async def logout(request: web.Request) -> web.Response:
                sid = request.cookies.get(SESSION_COOKIE)
                if sid:
                    await request.app["redis"].delete(f"$prefix{sid}")
                response = web.Response(status=204)
                response.del_cookie(SESSION_COOKIE, path="/")
                return response
        '''),
        P("factory", rank=5, body='''
            async def _resources(app: web.Application):
                app["db"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], max_size=10)
                app["redis"] = redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
                yield
                await app["redis"].aclose()
                await app["db"].close()


            def create_app() -> web.Application:
                app = web.Application(middlewares=[session_middleware])
                app.cleanup_ctx.append(_resources)
                app.add_routes(routes)
                return app
        '''),
    ]
    pool = _lookalikes(c) + [
        P("me", rank=3, body='''
            @routes.get("/me")
            async def me(request: web.Request) -> web.Response:
                if request["user_id"] is None:
                    raise web.HTTPUnauthorized(text="sign in first")
                row = await request.app["db"].fetchrow("SELECT id, email FROM users WHERE id = $1", request["user_id"])
                return web.json_response({"id": row["id"], "email": row["email"]})
        '''),
        P("theme", rank=3, const='THEMES = frozenset({"light", "dark", "system"})', body='''
            @routes.post("/theme")
            async def set_theme(request: web.Request) -> web.Response:
                """Theme preference: deliberately readable by the page script, carries no authority."""
                theme = (await request.post()).get("theme", "system")
                if theme not in THEMES:
                    raise web.HTTPBadRequest(text="unknown theme")
                response = web.Response(status=204)
                response.set_cookie("theme", theme, max_age=365 * 24 * 3600, secure=True, samesite="Lax")
                return response
        '''),
    ]
    return core, pool


_AIO_SET = [
    ('response.set_cookie(SESSION_COOKIE, sid, max_age=SESSION_TTL, path="/", secure=True, samesite="Lax"',
     ")", ", httponly=True)"),
    ('response.set_cookie(SESSION_COOKIE, sid, secure=True, samesite="Strict", max_age=SESSION_TTL',
     ")", ", httponly=True)"),
    ('response.set_cookie(SESSION_COOKIE, sid, max_age=SESSION_TTL, secure=True',
     ', samesite="Lax")', ', httponly=True, samesite="Lax")'),
]


@fam("mod15-aiohttp-login-cookie-httponly", "CWE-1004", fws=["aiohttp"], n=8, wrap=False)
def mod15_aiohttp_httponly(c):
    kw = _aio_kw(c)
    core, pool = _aio_parts(c)
    head, vt, st = c.pick(*_AIO_SET)
    doc = c.pick("aiohttp sign-in, sign-out and the session middleware.", "Session handling for the aiohttp API.",
                 "Login endpoints of the $app service (aiohttp, sessions in Redis).")
    v, s = pair(c, doc, '$log = logging.getLogger("$app.sessions")', core, pool, kw, head + vt + "  #@V", head + st)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="aiohttp's set_cookie leaves HttpOnly off unless httponly=True is passed, so the session id is "
                      "readable from document.cookie and any XSS on the site can steal it; the fix sets httponly=True")


@hardneg(10)
def mod15_aiohttp_httponly_hn(c):
    kw = _aio_kw(c)
    core, pool = _aio_parts(c)
    core += [p for p in pool if p.key == "theme"]
    head, _, st = c.pick(*_AIO_SET)
    doc = c.pick("aiohttp sign-in, sign-out and the session middleware.", "Sessions and preferences (aiohttp).")
    code = compose(c, doc, '$log = logging.getLogger("$app.sessions")', core, pool, kw, subs=[{"$FIX": head + st}])[0]
    return Spec(s=code, full=True, fw="aiohttp",
                notes="the session cookie is HttpOnly and Secure; the theme cookie is a preference meant for scripts")
