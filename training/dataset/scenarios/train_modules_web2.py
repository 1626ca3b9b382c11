"""Train-only whole-module web families, second set (mod2-*): realistic modules of about 80-110
lines with exactly one weakness each and a safe twin that differs only by the minimal fix.

Covers: a Jinja2 Environment built with autoescape off for invitation e-mails and their
"view in browser" page (79), a FastAPI portal with cross-site cookie sessions whose CSRF
middleware exempts a state-changing route (352), a logout ``return_to`` redirect in aiohttp /
Tornado (601), a remember-me cookie set with ``secure=False`` (614), a health / diagnostics
endpoint that dumps the process environment or the app config (200), a log-ingest parser whose
line validator has a nested quantifier (1333), a report exporter that makes its output
world-writable (732) and an lxml catalog search that builds its XPath with string formatting
(643). Written without reading the held-out families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _w
from registry import fam, hardneg


def fill(text, **kw):
    """Dedent ``text`` and substitute ``$name`` tokens (longest names first). A token alone on
    its line is replaced by a block, indented like the token; an empty block drops the line.
    Unlike train_modules_web's `fill`, the block is dedented and a whole optional function keeps
    its two blank lines (sharing one version changes that module's rendered examples)."""
    text = dedent(text)
    keys = sorted(kw, key=len, reverse=True)
    out = []
    for line in text.split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw:
            ind = line[: len(line) - len(line.lstrip())]
            block = dedent(str(kw[st[1:]]).rstrip()) if str(kw[st[1:]]).strip() else ""
            if block.startswith("def ") or block.startswith("@") or block.startswith("class "):
                block += "\n\n"  # a whole optional function: keep two blank lines after it
            for k in keys:
                if not k.startswith("FIX"):
                    block = block.replace("$" + k, str(kw[k]))
            out += [ind + b if b.strip() else "" for b in block.split("\n") if block]
            continue
        for k in keys:
            line = line.replace("$" + k, str(kw[k]))
        out.append(line)
    return "\n".join(out)


def pair(text, vfix, sfix, **kw):
    """Vulnerable and safe module from one template: ``$FIX`` (and ``$FIX2``...) take the values
    of ``vfix`` / ``sfix`` (tuples for several spots)."""
    if isinstance(vfix, str):
        vfix, sfix = (vfix,), (sfix,)
    names = ["FIX"] + [f"FIX{i}" for i in range(2, len(vfix) + 1)]
    v = fill(text, **kw, **dict(zip(names, vfix)))
    s = fill(text, **kw, **dict(zip(names, sfix)))
    return v.strip("\n") + "\n", _clean(s).strip("\n") + "\n"


# ---------------- CWE-79: invitation e-mails rendered by a Jinja2 Environment with autoescape off ----------------


@fam("mod2-invite-email-autoescape", "CWE-79", fws=["fastapi", "flask", "fastapi"], n=6, wrap=False)
def mod2_invite_xss(c):
    w, Wc = _w(c)
    days = c.pick(7, 14, 30)
    field = c.pick("message", "note", "personal_note")
    vfix, sfix = c.pick(("autoescape=False,  #@V", "autoescape=True,"),
                        ("autoescape=False,  #@V", 'autoescape=select_autoescape(["html", "xml"]),'),
                        ('autoescape=select_autoescape(enabled_extensions=("xml",)),  #@V',
                         'autoescape=select_autoescape(enabled_extensions=("html", "xml")),'))
    jimp = ", select_autoescape" if "select_autoescape" in sfix else ""
    resend = c.pick("", '''
        def _can_resend(invite) -> bool:
            last = invite.last_sent_at or invite.created_at
            return datetime.now(timezone.utc) - last > timedelta(minutes=RESEND_MINUTES)
    ''')
    stats = c.pick("", '''
        def _summary(invites) -> dict:
            pending = [i for i in invites if i.accepted_at is None]
            return {"total": len(invites), "pending": len(pending), "accepted": len(invites) - len(pending)}
    ''')
    if c.fw == "fastapi":
        resend_ep = '''
            @router.post("/{invite_id}/resend", status_code=202)
            async def resend(invite_id: int, user: CurrentUser = Depends(get_current_user),
                             repo: InviteRepo = Depends(get_repo)):
                invite = await repo.get(invite_id)
                if invite is None or invite.workspace_id != user.workspace_id:
                    raise HTTPException(404)
                if not _can_resend(invite):
                    raise HTTPException(429, "please wait before resending")
                await send_mail(to=invite.email, subject="Reminder: your invitation", html=_render(invite, user.display_name))
                await repo.touch_sent(invite.id)
        ''' if resend else ""
        stats_ep = '''
            @router.get("")
            async def list_invites(user: CurrentUser = Depends(get_current_user), repo: InviteRepo = Depends(get_repo)):
                invites = await repo.for_workspace(user.workspace_id)
                return {"summary": _summary(invites),
                        "items": [{"id": i.id, "email": i.email, "accepted": i.accepted_at is not None} for i in invites]}
        ''' if stats else ""
        tmpl = '''
            """Team invitations for the $w workspace: create, e-mail and "view in browser" pages."""
            from __future__ import annotations

            import logging
            import secrets
            from datetime import datetime, timedelta, timezone
            from pathlib import Path

            from fastapi import APIRouter, Depends, HTTPException
            from fastapi.responses import HTMLResponse
            from jinja2 import Environment, FileSystemLoader, StrictUndefined$jimp
            from pydantic import BaseModel, EmailStr, Field

            from .auth import CurrentUser, get_current_user
            from .invites import InviteRepo, get_repo
            from .mailer import send_mail

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/invites", tags=["invites"])

            INVITE_DAYS = $days
            RESEND_MINUTES = 10
            env = Environment(
                loader=FileSystemLoader(Path(__file__).parent / "templates" / "email"),
                $FIX
                undefined=StrictUndefined,
                trim_blocks=True,
            )


            class InviteIn(BaseModel):
                email: EmailStr
                $field: str = Field(default="", max_length=1000)


            $resend
            $stats
            def _render(invite, inviter_name: str) -> str:
                tmpl = env.get_template("invite.html")
                return tmpl.render(inviter=inviter_name, $field=invite.$field, workspace=invite.workspace_name,
                                   accept_url=f"https://app.example.com/invites/{invite.token}/accept")


            @router.post("", status_code=201)
            async def create_invite(body: InviteIn, user: CurrentUser = Depends(get_current_user),
                                    repo: InviteRepo = Depends(get_repo)):
                if await repo.pending_count(user.workspace_id) >= 50:
                    raise HTTPException(429, "too many pending invitations")
                invite = await repo.create(workspace_id=user.workspace_id, email=body.email,
                                           $field=body.$field,  #@S
                                           token=secrets.token_urlsafe(24),
                                           expires_at=datetime.now(timezone.utc) + timedelta(days=INVITE_DAYS))
                await send_mail(to=body.email, subject=f"{user.display_name} invited you to $Wc",
                                html=_render(invite, user.display_name))
                log.info("invite %s created by user %s", invite.id, user.id)
                return {"id": invite.id, "expires_at": invite.expires_at.isoformat()}


            @router.get("/{token}/view", response_class=HTMLResponse)
            async def view_in_browser(token: str, repo: InviteRepo = Depends(get_repo)):
                invite = await repo.by_token(token)
                if invite is None or invite.expires_at < datetime.now(timezone.utc):
                    raise HTTPException(404)
                return HTMLResponse(_render(invite, invite.inviter_name))


            @router.post("/{token}/accept")
            async def accept(token: str, user: CurrentUser = Depends(get_current_user), repo: InviteRepo = Depends(get_repo)):
                invite = await repo.by_token(token)
                if invite is None or invite.accepted_at is not None or invite.expires_at < datetime.now(timezone.utc):
                    raise HTTPException(404)
                if invite.email.lower() != user.email.lower():
                    raise HTTPException(403, "this invitation was sent to another address")
                await repo.accept(invite.id, user.id)
                log.info("invite %s accepted by user %s", invite.id, user.id)
                return {"workspace_id": invite.workspace_id}


            @router.delete("/{invite_id}", status_code=204)
            async def revoke(invite_id: int, user: CurrentUser = Depends(get_current_user),
                             repo: InviteRepo = Depends(get_repo)):
                invite = await repo.get(invite_id)
                if invite is None or invite.workspace_id != user.workspace_id:
                    raise HTTPException(404)
                await repo.delete(invite.id)
                log.info("invite %s revoked by user %s", invite.id, user.id)


            $resend_ep
            $stats_ep
        '''
    else:
        resend_ep = '''
            @bp.post("/<int:invite_id>/resend")
            @login_required
            def resend(invite_id: int):
                invite = Invite.query.filter_by(id=invite_id, workspace_id=current_user.workspace_id).first_or_404()
                if not _can_resend(invite):
                    abort(429)
                mail.send(to=invite.email, subject="Reminder: your invitation", html=_render(invite))
                invite.last_sent_at = datetime.now(timezone.utc)
                db.session.commit()
                return "", 202
        ''' if resend else ""
        stats_ep = '''
            @bp.get("")
            @login_required
            def list_invites():
                invites = Invite.query.filter_by(workspace_id=current_user.workspace_id).all()
                return jsonify(summary=_summary(invites),
                               items=[{"id": i.id, "email": i.email, "accepted": i.accepted_at is not None} for i in invites])
        ''' if stats else ""
        tmpl = '''
            """Team invitations for the $w workspace (Flask): create, e-mail and "view in browser" pages."""
            from __future__ import annotations

            import logging
            import secrets
            from datetime import datetime, timedelta, timezone

            from flask import Blueprint, abort, current_app, jsonify, request
            from flask_login import current_user, login_required
            from jinja2 import Environment, PackageLoader, StrictUndefined$jimp

            from .extensions import db, mail
            from .models import Invite

            log = logging.getLogger(__name__)
            bp = Blueprint("invites", __name__, url_prefix="/invites")

            INVITE_DAYS = $days
            RESEND_MINUTES = 10
            email_env = Environment(
                loader=PackageLoader("$w_app", "templates/email"),
                $FIX
                undefined=StrictUndefined,
            )


            $resend
            $stats
            def _render(invite: Invite) -> str:
                return email_env.get_template("invite.html").render(
                    inviter=invite.inviter_name, $field=invite.$field, workspace=invite.workspace_name,
                    accept_url=f"{current_app.config['PUBLIC_URL']}/invites/{invite.token}/accept")


            @bp.post("")
            @login_required
            def create_invite():
                payload = request.get_json(silent=True) or {}
                email = str(payload.get("email", "")).strip().lower()
                if "@" not in email or len(email) > 254:
                    abort(400)
                invite = Invite(workspace_id=current_user.workspace_id, email=email,
                                inviter_name=current_user.display_name,
                                $field=str(payload.get("$field", ""))[:1000],  #@S
                                token=secrets.token_urlsafe(24),
                                expires_at=datetime.now(timezone.utc) + timedelta(days=INVITE_DAYS))
                db.session.add(invite)
                db.session.commit()
                mail.send(to=email, subject=f"{current_user.display_name} invited you", html=_render(invite))
                log.info("invite %s created by user %s", invite.id, current_user.id)
                return jsonify(id=invite.id), 201


            @bp.get("/<token>/view")
            def view_in_browser(token: str):
                invite = Invite.query.filter_by(token=token).first_or_404()
                if invite.expires_at < datetime.now(timezone.utc):
                    abort(410)
                return _render(invite), 200, {"Content-Type": "text/html; charset=utf-8"}


            @bp.post("/<token>/accept")
            @login_required
            def accept(token: str):
                invite = Invite.query.filter_by(token=token, accepted_at=None).first_or_404()
                if invite.expires_at < datetime.now(timezone.utc):
                    abort(410)
                if invite.email != current_user.email.lower():
                    abort(403)
                invite.accepted_at = datetime.now(timezone.utc)
                invite.accepted_by = current_user.id
                db.session.commit()
                log.info("invite %s accepted by user %s", invite.id, current_user.id)
                return jsonify(workspace_id=invite.workspace_id)


            @bp.delete("/<int:invite_id>")
            @login_required
            def revoke(invite_id: int):
                invite = Invite.query.filter_by(id=invite_id, workspace_id=current_user.workspace_id).first_or_404()
                db.session.delete(invite)
                db.session.commit()
                log.info("invite %s revoked by user %s", invite.id, current_user.id)
                return "", 204


            $resend_ep
            $stats_ep
        '''
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, days=days, field=field, resend=resend, stats=stats, jimp=jimp,
                resend_ep=resend_ep, stats_ep=stats_ep)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the invitation text written by one user is rendered into HTML (e-mail and the public "
                      "view-in-browser page) by a Jinja2 Environment whose autoescape is off for .html templates "
                      "(autoescape=False, or select_autoescape enabled only for xml)")


@hardneg(3)
def mod2_invite_xss_hn(c):
    w, Wc = _w(c)
    auto = c.pick('select_autoescape(["html", "xml"], default_for_string=True)', "True",
                  'select_autoescape(enabled_extensions=("html", "htm"), default=True)')
    limit = c.pick(5, 10, 20)
    extra = c.pick("", '''
        def _plain(text: str, width: int = 72) -> str:
            """The text/plain part: no markup at all, just wrapped paragraphs."""
            return "\\n\\n".join(textwrap.fill(p, width) for p in text.split("\\n\\n") if p.strip())
    ''')
    tmpl = '''
        """Weekly $w digest e-mails: collects activity per member and renders the HTML part with Jinja2."""
        from __future__ import annotations

        import logging
        import textwrap
        from dataclasses import dataclass, field
        from datetime import datetime, timedelta, timezone

        from jinja2 import Environment, PackageLoader, select_autoescape
        from markupsafe import Markup, escape

        from .mailer import send_mail
        from .models import Activity, Member

        log = logging.getLogger(__name__)

        MAX_ITEMS = $limit
        env = Environment(
            loader=PackageLoader("$w_app", "templates/digest"),
            autoescape=$auto,
        )


        @dataclass
        class DigestItem:
            title: str
            author: str
            url: str
            when: datetime


        @dataclass
        class Digest:
            member: Member
            items: list[DigestItem] = field(default_factory=list)

            def headline(self) -> Markup:
                """Bold count, escaped name: Markup.format escapes every argument."""
                return Markup("<strong>{}</strong> new items for {}").format(len(self.items), self.member.display_name)


        def _highlight(title: str, term: str) -> Markup:
            """Wrap occurrences of term in <mark>, escaping both the title and the term first."""
            safe_title, safe_term = str(escape(title)), str(escape(term))
            if not safe_term:
                return Markup(safe_title)
            return Markup(safe_title.replace(safe_term, f"<mark>{safe_term}</mark>"))


        $extra
        def build(member: Member, since: datetime) -> Digest:
            rows = (Activity.query.filter(Activity.workspace_id == member.workspace_id, Activity.created_at >= since)
                    .order_by(Activity.created_at.desc()).limit(MAX_ITEMS))
            return Digest(member, [DigestItem(a.title, a.author_name, a.url, a.created_at) for a in rows])


        def send_weekly(member: Member) -> bool:
            digest = build(member, datetime.now(timezone.utc) - timedelta(days=7))
            if not digest.items:
                return False
            html = env.get_template("weekly.html").render(digest=digest, highlight=_highlight,
                                                          term=member.watch_term or "")
            send_mail(to=member.email, subject=f"Your $w digest ({len(digest.items)})", html=html)
            log.info("digest sent to member %s with %d items", member.id, len(digest.items))
            return True
    '''
    s = fill(tmpl, w=w, Wc=Wc, auto=auto, limit=limit, extra=extra).strip("\n") + "\n"
    if not extra:
        s = s.replace("import textwrap\n", "")
    if "select_autoescape(" not in auto:
        s = s.replace("PackageLoader, select_autoescape", "PackageLoader")
    return Spec(v="", s=s, full=True, fw="celery",
                notes="Jinja2 environment with autoescape on; Markup only wraps text that was escaped first "
                      "(Markup.format escapes its arguments)")


# ---------------- CWE-352: a FastAPI portal with cross-site cookie sessions exempts a POST route from CSRF ----------------


@fam("mod2-portal-csrf-exempt-route", "CWE-352", fws=["fastapi"], n=6, wrap=False)
def mod2_csrf_exempt(c):
    w, Wc = _w(c)
    kind = c.pick("lib", "custom", "lib")
    route, action = c.pick(("/account/email", "await store.update_email(uid, email)"),
                           ("/account/payout", "await store.update_payout_account(uid, iban)"),
                           ("/account/delete", "await store.delete_account(uid)"))
    if route == "/account/email":
        params = "email: str = Form(..., max_length=254)"
        body = 'if "@" not in email:\n    raise HTTPException(400, "invalid e-mail address")'
    elif route == "/account/payout":
        params = "iban: str = Form(..., min_length=15, max_length=34)"
        body = 'iban = iban.replace(" ", "").upper()\nif not iban.isalnum():\n    raise HTTPException(400, "invalid IBAN")'
    else:
        params = 'confirm: str = Form(...)'
        body = 'if confirm != "DELETE":\n    raise HTTPException(400, "type DELETE to confirm")'
    prefs = c.pick("", '''
        @app.post("/account/preferences")
        async def save_preferences(request: Request, theme: str = Form("system")):
            uid = _uid(request)
            if theme not in {"light", "dark", "system"}:
                raise HTTPException(400, "unknown theme")
            await store.set_preference(uid, "theme", theme)
            return RedirectResponse("/account", status_code=303)
    ''')
    if kind == "lib":
        vfix = f'CSRF_EXEMPT = [re.compile(r"^/webhooks/billing$"), re.compile(r"^/healthz$"), re.compile(r"^{route}$")]  #@V'
        sfix = 'CSRF_EXEMPT = [re.compile(r"^/webhooks/billing$"), re.compile(r"^/healthz$")]'
        mw = '''
            from starlette_csrf import CSRFMiddleware
        '''
        setup = '''
            app.add_middleware(CSRFMiddleware, secret=os.environ["PORTAL_CSRF_SECRET"], exempt_urls=CSRF_EXEMPT,
                               sensitive_cookies={SESSION_COOKIE}, cookie_secure=True, cookie_samesite="none")
        '''
        extra = ""
    else:
        vfix = f'CSRF_EXEMPT_PATHS = frozenset({{"/webhooks/billing", "/healthz", "{route}"}})  #@V'
        sfix = 'CSRF_EXEMPT_PATHS = frozenset({"/webhooks/billing", "/healthz"})'
        mw = ""
        setup = ""
        extra = '''
            @app.middleware("http")
            async def double_submit_csrf(request: Request, call_next):
                """Unsafe methods must echo the csrftoken cookie (issued at login) in the X-CSRF-Token header."""
                if request.method in SAFE_METHODS or request.url.path in CSRF_EXEMPT_PATHS:
                    return await call_next(request)
                cookie = request.cookies.get("csrftoken", "")
                header = request.headers.get("x-csrf-token", "")
                if not cookie or not hmac.compare_digest(cookie, header):
                    log.warning("csrf check failed for %s %s", request.method, request.url.path)
                    return JSONResponse({"detail": "CSRF token missing or invalid"}, status_code=403)
                return await call_next(request)
        '''
    tmpl = '''
        """App factory for the $w partner portal: cookie sessions, CSRF protection and account routes.

        The portal is embedded in partner dashboards, so the session cookie is SameSite=None and
        every state-changing browser request must carry a CSRF token.
        """
        from __future__ import annotations

        $hmacimp
        import logging
        import os
        import re

        from fastapi import FastAPI, Form, HTTPException, Request
        from fastapi.responses import $respimp
        from starlette.middleware.sessions import SessionMiddleware
        $mw

        from .store import AccountStore
        from .webhooks import verify_billing_signature

        log = logging.getLogger(__name__)

        SESSION_COOKIE = "$w_portal"
        $safemeth
        $FIX

        store = AccountStore()
        app = FastAPI(title="$Wc partner portal")
        $setup
        app.add_middleware(SessionMiddleware, secret_key=os.environ["PORTAL_SESSION_SECRET"],
                           session_cookie=SESSION_COOKIE, same_site="none", https_only=True, max_age=8 * 3600)


        $extra
        def _uid(request: Request) -> int:
            uid = request.session.get("uid")
            if uid is None:
                raise HTTPException(401, "login required")
            return int(uid)


        def _audit(request: Request, uid: int, action: str) -> None:
            ip = request.client.host if request.client else "-"
            log.info("audit uid=%s action=%s ip=%s ua=%s", uid, action, ip, request.headers.get("user-agent", "-")[:80])


        @app.get("/healthz")
        async def healthz():
            return {"ok": True}


        @app.get("/account")
        async def account(request: Request):
            acct = await store.get(_uid(request))
            return {"id": acct.id, "email": acct.email, "plan": acct.plan}


        $prefs
        @app.post("$route")
        async def $fname(request: Request, $params):
            uid = _uid(request)
            $body
            $FIX2
            _audit(request, uid, "$route")
            return RedirectResponse("/account", status_code=303)


        @app.get("/account/sessions")
        async def list_sessions(request: Request):
            uid = _uid(request)
            return [{"id": s.id, "created": s.created.isoformat(), "ip": s.ip} for s in await store.sessions(uid)]


        @app.post("/account/sessions/revoke-others")
        async def revoke_other_sessions(request: Request):
            uid = _uid(request)
            await store.revoke_sessions(uid, keep=request.session.get("sid"))
            _audit(request, uid, "revoke-other-sessions")
            return RedirectResponse("/account", status_code=303)


        @app.post("/webhooks/billing")
        async def billing_webhook(request: Request):
            raw = await request.body()
            if not verify_billing_signature(raw, request.headers.get("x-billing-signature", "")):
                raise HTTPException(400, "bad signature")
            await store.apply_billing_event(raw)
            return {"received": True}
    '''
    v, s = pair(tmpl, (vfix, action + "  #@V"), (sfix, action), w=w, Wc=Wc, mw=mw, setup=setup, extra=extra,
                prefs=prefs, route=route, params=params, body=body,
                hmacimp="import hmac" if kind == "custom" else "",
                fname={"/account/email": "change_email", "/account/payout": "update_payout",
                       "/account/delete": "delete_account"}[route],
                respimp="JSONResponse, RedirectResponse" if kind == "custom" else "RedirectResponse",
                safemeth='SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}' if kind == "custom" else "")
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"POST {route} changes the account with only the (SameSite=None) session cookie as "
                      "authentication, and it is listed among the CSRF-exempt paths")


# ---------------- CWE-601: logout honours an unchecked return_to (aiohttp / Tornado) ----------------


@fam("mod2-logout-return-to-redirect", "CWE-601", fws=["aiohttp", "tornado"], n=6, wrap=False)
def mod2_logout_redirect(c):
    w, Wc = _w(c)
    param = c.pick("return_to", "redirect_uri", "after")
    var = c.pick("return_to", "target", "dest")
    ttl = c.pick(1800, 3600, 14400)
    check = c.pick('''
        def _safe_target(url: str, default: str) -> str:
            """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
            if not url or "\\\\" in url:
                return default
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
                return default
            return url
    ''', '''
        def _safe_target(url: str, default: str) -> str:
            """Relative paths on this site, or absolute URLs on one of our own hosts."""
            parts = urlsplit(url or "")
            if not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//"):
                return url
            if parts.scheme == "https" and parts.hostname in TRUSTED_HOSTS and "\\\\" not in url:
                return url
            return default
    ''')
    if c.fw == "aiohttp":
        refresh = c.pick("", '''
            @routes.post("/session/refresh")
            async def refresh(request: web.Request) -> web.Response:
                session = await get_session(request)
                if "uid" not in session:
                    raise web.HTTPUnauthorized()
                session["refreshed"] = int(time.time())
                return web.json_response({"expires_in": SESSION_TTL})
        ''')
        tmpl = '''
            """Session views for the $w console (aiohttp + aiohttp_session): login, logout, refresh."""
            from __future__ import annotations

            import logging
            import time
            from urllib.parse import urlencode, urlsplit

            from aiohttp import web
            from aiohttp_session import get_session, new_session

            from .accounts import check_credentials

            log = logging.getLogger(__name__)
            routes = web.RouteTableDef()

            SESSION_TTL = $ttl
            TRUSTED_HOSTS = {"console.example.com", "docs.example.com"}
            PUBLIC_PREFIXES = ("/login", "/logout", "/static/", "/healthz")


            $check
            @web.middleware
            async def require_login(request: web.Request, handler):
                """Everything outside the public prefixes needs a session with a uid."""
                if request.path.startswith(PUBLIC_PREFIXES):
                    return await handler(request)
                session = await get_session(request)
                if "uid" not in session or time.time() - session.get("since", 0) > SESSION_TTL:
                    raise web.HTTPFound("/login?" + urlencode({"$param": request.path_qs}))
                return await handler(request)


            @routes.get("/session")
            async def whoami(request: web.Request) -> web.Response:
                session = await get_session(request)
                return web.json_response({"uid": session.get("uid"), "since": session.get("since")})


            @routes.get("/login")
            async def login_page(request: web.Request) -> web.Response:
                raise web.HTTPFound("/static/login.html?" + request.query_string)


            @routes.post("/login")
            async def login(request: web.Request) -> web.Response:
                form = await request.post()
                uid = await check_credentials(request.app["db"], form.get("username", ""), form.get("password", ""))
                if uid is None:
                    log.info("failed login for %r", form.get("username", "")[:64])
                    raise web.HTTPFound("/login?error=1")
                session = await new_session(request)
                session["uid"] = uid
                session["since"] = int(time.time())
                raise web.HTTPFound(_safe_target(form.get("$param", ""), "/$ws"))


            $refresh
            @routes.get("/logout")
            async def logout(request: web.Request) -> web.Response:
                session = await get_session(request)
                uid = session.get("uid")
                session.invalidate()
                $var = request.query.get("$param", "/login")  #@S
                log.info("user %s logged out", uid)
                $FIX


            def setup(app: web.Application) -> None:
                app.middlewares.append(require_login)
                app.add_routes(routes)
        '''
        vfix = f"raise web.HTTPFound({var})  #@V"
        sfix = f'raise web.HTTPFound(_safe_target({var}, "/login"))'
    else:
        refresh = c.pick("", '''
            class KeepAliveHandler(BaseHandler):
                @tornado.web.authenticated
                def post(self) -> None:
                    """Re-issue the signed cookie so an active console tab does not expire mid-task."""
                    self.set_signed_cookie("uid", self.current_user.decode(), httponly=True, secure=True, samesite="Lax")
                    self.write({"ttl": SESSION_TTL})
        ''')
        tmpl = '''
            """Tornado handlers for the $w console session: login form, login, logout."""
            from __future__ import annotations

            import logging
            from urllib.parse import urlencode, urlsplit

            import tornado.web

            from .accounts import check_credentials

            log = logging.getLogger(__name__)

            SESSION_TTL = $ttl
            TRUSTED_HOSTS = {"console.example.com", "docs.example.com"}


            $check
            class BaseHandler(tornado.web.RequestHandler):
                def get_current_user(self):
                    return self.get_signed_cookie("uid", max_age_days=SESSION_TTL / 86400)

                def get_login_url(self) -> str:
                    return "/login?" + urlencode({"$param": self.request.uri})

                def write_error(self, status_code: int, **kwargs) -> None:
                    self.finish({"error": self._reason, "status": status_code})


            class SessionHandler(BaseHandler):
                @tornado.web.authenticated
                def get(self) -> None:
                    self.write({"uid": int(self.current_user), "remote": self.request.remote_ip})


            class LoginHandler(BaseHandler):
                def get(self) -> None:
                    self.render("login.html", $param=self.get_argument("$param", ""), error=None)

                async def post(self) -> None:
                    username = self.get_body_argument("username", "")
                    uid = await check_credentials(self.settings["db"], username, self.get_body_argument("password", ""))
                    if uid is None:
                        log.info("failed login for %r", username[:64])
                        self.render("login.html", $param="", error="Invalid credentials")
                        return
                    self.set_signed_cookie("uid", str(uid), httponly=True, secure=True, samesite="Lax")
                    self.redirect(_safe_target(self.get_body_argument("$param", ""), "/$ws"))


            $refresh
            class LogoutHandler(BaseHandler):
                def get(self) -> None:
                    uid = self.current_user
                    self.clear_cookie("uid")
                    $var = self.get_argument("$param", "/login")  #@S
                    log.info("user %s logged out", uid)
                    $FIX


            def routes() -> list:
                return [(r"/login", LoginHandler), (r"/logout", LogoutHandler),
                        (r"/session", SessionHandler)$extra_route]
        '''
        vfix = f"self.redirect({var})  #@V"
        sfix = f'self.redirect(_safe_target({var}, "/login"))'
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, param=param, var=var, ttl=ttl, check=check, refresh=refresh,
                extra_route=', (r"/session/keepalive", KeepAliveHandler)' if (c.fw == "tornado" and refresh) else "")
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"logout redirects to the {param} query parameter without the same-site check login uses")


@hardneg(3)
def mod2_logout_redirect_hn(c):
    w, Wc = _w(c)
    langs = c.pick('("en", "de", "fr")', '("en", "es", "pt", "it")', '("en", "nl")')
    targets = c.pick('{"billing": "/billing", "settings": "/settings", "home": "/"}',
                     '{"reports": "/$ws", "team": "/team", "home": "/"}')
    extra = c.pick("", '''
        @routes.get("/go/docs/{topic}")
        async def docs(request: web.Request) -> web.Response:
            topic = request.match_info["topic"]
            if topic not in DOC_TOPICS:
                raise web.HTTPNotFound()
            raise web.HTTPFound(f"https://docs.example.com/{topic}")
    ''')
    tmpl = '''
        """Small navigation endpoints of the $w console: language switch, named return targets, workspace switch."""
        from __future__ import annotations

        import logging
        from urllib.parse import urlsplit

        from aiohttp import web
        from aiohttp_session import get_session

        log = logging.getLogger(__name__)
        routes = web.RouteTableDef()

        LANGUAGES = $langs
        RETURN_TARGETS = $targets
        DOC_TOPICS = {"getting-started", "api", "billing"}


        def _same_site_path(url: str | None, default: str = "/") -> str:
            """Keep only the path and query of a same-site URL; anything with a host or scheme falls back."""
            if not url or "\\\\" in url:
                return default
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
                return default
            return parts.path + (f"?{parts.query}" if parts.query else "")


        @routes.post("/lang")
        async def set_language(request: web.Request) -> web.Response:
            form = await request.post()
            lang = str(form.get("lang", "en"))
            if lang not in LANGUAGES:
                raise web.HTTPBadRequest(text="unsupported language")
            session = await get_session(request)
            session["lang"] = lang
            raise web.HTTPFound(_same_site_path(form.get("back")))


        @routes.get("/return/{name}")
        async def named_return(request: web.Request) -> web.Response:
            """Links in e-mails say /return/billing rather than carrying a URL."""
            raise web.HTTPFound(RETURN_TARGETS.get(request.match_info["name"], "/"))


        @routes.post("/workspaces/{ws_id:\\\\d+}/switch")
        async def switch_workspace(request: web.Request) -> web.Response:
            session = await get_session(request)
            ws_id = int(request.match_info["ws_id"])
            if ws_id not in session.get("workspaces", []):
                raise web.HTTPForbidden()
            session["workspace"] = ws_id
            log.info("user %s switched to workspace %s", session.get("uid"), ws_id)
            location = request.app.router["dashboard"].url_for(ws_id=str(ws_id))
            raise web.HTTPFound(location)


        $extra
        def setup(app: web.Application) -> None:
            app.add_routes(routes)
    '''
    s = fill(tmpl, w=w, ws=w + "s", langs=langs, targets=targets, extra=extra).strip("\n") + "\n"
    return Spec(v="", s=s, full=True, fw="aiohttp",
                notes="every redirect target is a same-site path, a server-side table entry or a router URL")


# ---------------- CWE-614: the remember-me cookie is set with secure=False ----------------


@fam("mod2-remember-me-cookie-insecure", "CWE-614", fws=["fastapi", "flask"], n=6, wrap=False)
def mod2_remember_cookie(c):
    w, Wc = _w(c)
    days = c.pick(14, 30, 90)
    cname = c.pick("remember_me", "rm_token", f"{w}_remember")
    same = c.pick('"lax"', '"strict"')
    same_f = same.replace('"l', '"L').replace('"s', '"S')
    rotate = c.pick("", '''
        def _rotate(store, old_selector: str, account_id: int) -> tuple[str, str]:
            """Each use of a remember-me token replaces it (theft shows up as a reused selector)."""
            store.delete(old_selector)
            return _new_token(store, account_id)
    ''')
    if c.fw == "fastapi":
        tmpl = '''
            """Login, remember-me and logout for the $w web app (FastAPI)."""
            from __future__ import annotations

            import hashlib
            import hmac
            import logging
            import secrets
            from datetime import datetime, timedelta, timezone

            from fastapi import APIRouter, Cookie, Depends, HTTPException, Response
            from pydantic import BaseModel, Field

            from .accounts import AccountService, get_accounts
            from .tokens import RememberStore, get_remember_store

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/auth", tags=["auth"])

            SESSION_COOKIE = "sid"
            REMEMBER_COOKIE = "$cname"
            REMEMBER_DAYS = $days


            class LoginIn(BaseModel):
                email: str = Field(min_length=3, max_length=254)
                password: str = Field(min_length=1, max_length=200)
                remember: bool = False


            def _new_token(store: RememberStore, account_id: int) -> tuple[str, str]:
                selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
                expires = datetime.now(timezone.utc) + timedelta(days=REMEMBER_DAYS)
                store.save(selector, hashlib.sha256(validator.encode()).hexdigest(), account_id, expires)
                return selector, validator


            $rotate
            @router.post("/login")
            def login(body: LoginIn, response: Response, accounts: AccountService = Depends(get_accounts),
                      store: RememberStore = Depends(get_remember_store)):
                account = accounts.authenticate(body.email, body.password)
                if account is None:
                    log.info("failed login for %s", body.email.lower())
                    raise HTTPException(401, "invalid credentials")
                sid = accounts.open_session(account.id)
                response.set_cookie(SESSION_COOKIE, sid, httponly=True, secure=True, samesite=$same)
                if body.remember:
                    selector, validator = _new_token(store, account.id)
                    $FIX
                return {"id": account.id, "name": account.display_name}


            @router.post("/resume")
            def resume(response: Response, token: str | None = Cookie(default=None, alias=REMEMBER_COOKIE),
                       accounts: AccountService = Depends(get_accounts),
                       store: RememberStore = Depends(get_remember_store)):
                if not token or ":" not in token:
                    raise HTTPException(401)
                selector, validator = token.split(":", 1)
                row = store.get(selector)
                digest = hashlib.sha256(validator.encode()).hexdigest()
                if row is None or row.expires < datetime.now(timezone.utc) or not hmac.compare_digest(row.digest, digest):
                    raise HTTPException(401)
                $rotate_use
                response.set_cookie(SESSION_COOKIE, accounts.open_session(row.account_id), httponly=True,
                                    secure=True, samesite=$same)
                return {"id": row.account_id}


            @router.get("/devices")
            def devices(sid: str | None = Cookie(default=None, alias=SESSION_COOKIE),
                        accounts: AccountService = Depends(get_accounts),
                        store: RememberStore = Depends(get_remember_store)):
                account_id = accounts.session_account(sid) if sid else None
                if account_id is None:
                    raise HTTPException(401)
                return [{"selector": r.selector, "expires": r.expires.isoformat(), "last_used": r.last_used}
                        for r in store.for_account(account_id)]


            @router.delete("/devices/{selector}", status_code=204)
            def forget_device(selector: str, sid: str | None = Cookie(default=None, alias=SESSION_COOKIE),
                              accounts: AccountService = Depends(get_accounts),
                              store: RememberStore = Depends(get_remember_store)):
                account_id = accounts.session_account(sid) if sid else None
                row = store.get(selector)
                if account_id is None or row is None or row.account_id != account_id:
                    raise HTTPException(404)
                store.delete(selector)
                log.info("remember-me token %s revoked by account %s", selector, account_id)


            @router.post("/logout", status_code=204)
            def logout(response: Response, sid: str | None = Cookie(default=None, alias=SESSION_COOKIE),
                       accounts: AccountService = Depends(get_accounts)):
                if sid:
                    accounts.close_session(sid)
                response.delete_cookie(SESSION_COOKIE)
                response.delete_cookie(REMEMBER_COOKIE)
        '''
        vfix = ("response.set_cookie(REMEMBER_COOKIE, f\"{selector}:{validator}\", max_age=REMEMBER_DAYS * 86400,  #@V\n"
                f"                    httponly=True, secure=False, samesite={same})  #@V")
        sfix = ("response.set_cookie(REMEMBER_COOKIE, f\"{selector}:{validator}\", max_age=REMEMBER_DAYS * 86400,  #@V\n"
                f"                    httponly=True, secure=True, samesite={same})")
    else:
        tmpl = '''
            """Login, remember-me and logout views for the $w web app (Flask)."""
            from __future__ import annotations

            import hashlib
            import hmac
            import logging
            import secrets
            from datetime import datetime, timedelta, timezone

            from flask import Blueprint, abort, jsonify, make_response, request, session

            from .accounts import accounts
            from .tokens import remember_store

            log = logging.getLogger(__name__)
            bp = Blueprint("auth", __name__, url_prefix="/auth")

            REMEMBER_COOKIE = "$cname"
            REMEMBER_DAYS = $days


            def _new_token(store, account_id: int) -> tuple[str, str]:
                selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
                expires = datetime.now(timezone.utc) + timedelta(days=REMEMBER_DAYS)
                store.save(selector, hashlib.sha256(validator.encode()).hexdigest(), account_id, expires)
                return selector, validator


            $rotate
            @bp.post("/login")
            def login():
                data = request.get_json(silent=True) or {}
                account = accounts.authenticate(str(data.get("email", "")), str(data.get("password", "")))
                if account is None:
                    log.info("failed login for %s", str(data.get("email", ""))[:254].lower())
                    abort(401)
                session.clear()
                session["uid"] = account.id
                resp = make_response(jsonify(id=account.id, name=account.display_name))
                if data.get("remember"):
                    selector, validator = _new_token(remember_store, account.id)
                    $FIX
                return resp


            @bp.post("/resume")
            def resume():
                token = request.cookies.get(REMEMBER_COOKIE, "")
                if ":" not in token:
                    abort(401)
                selector, validator = token.split(":", 1)
                row = remember_store.get(selector)
                digest = hashlib.sha256(validator.encode()).hexdigest()
                if row is None or row.expires < datetime.now(timezone.utc) or not hmac.compare_digest(row.digest, digest):
                    abort(401)
                session.clear()
                session["uid"] = row.account_id
                $resume_ret


            @bp.get("/devices")
            def devices():
                if "uid" not in session:
                    abort(401)
                rows = remember_store.for_account(session["uid"])
                return jsonify([{"selector": r.selector, "expires": r.expires.isoformat(), "last_used": r.last_used}
                                for r in rows])


            @bp.delete("/devices/<selector>")
            def forget_device(selector: str):
                row = remember_store.get(selector)
                if "uid" not in session or row is None or row.account_id != session["uid"]:
                    abort(404)
                remember_store.delete(selector)
                log.info("remember-me token %s revoked by account %s", selector, session["uid"])
                return "", 204


            @bp.post("/logout")
            def logout():
                session.clear()
                resp = make_response("", 204)
                resp.delete_cookie(REMEMBER_COOKIE)
                return resp
        '''
        vfix = ("resp.set_cookie(REMEMBER_COOKIE, f\"{selector}:{validator}\", max_age=REMEMBER_DAYS * 86400,  #@V\n"
                f"                httponly=True, secure=False, samesite={same_f})  #@V")
        sfix = ("resp.set_cookie(REMEMBER_COOKIE, f\"{selector}:{validator}\", max_age=REMEMBER_DAYS * 86400,  #@V\n"
                f"                httponly=True, secure=True, samesite={same_f})")
    if c.fw == "fastapi":
        rotate_use = ('selector, validator = _rotate(store, selector, row.account_id)\n'
                      'response.set_cookie(REMEMBER_COOKIE, f"{selector}:{validator}", max_age=REMEMBER_DAYS * 86400,\n'
                      f'                    httponly=True, secure=True, samesite={same})') if rotate else ""
        resume_ret = ""
    else:
        rotate_use = ""
        resume_ret = ('resp = make_response(jsonify(id=row.account_id))\n'
                      'selector, validator = _rotate(remember_store, selector, row.account_id)\n'
                      'resp.set_cookie(REMEMBER_COOKIE, f"{selector}:{validator}", max_age=REMEMBER_DAYS * 86400,\n'
                      f'                httponly=True, secure=True, samesite={same_f})\n'
                      'return resp') if rotate else "return jsonify(id=row.account_id)"
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, days=days, cname=cname, same=same, rotate=rotate,
                rotate_use=rotate_use, resume_ret=resume_ret)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the long-lived remember-me token cookie is set with secure=False, so it is also sent over "
                      "plain HTTP")


# ---------------- CWE-200: a public health / diagnostics endpoint dumps the environment or the settings ----------------


@fam("mod2-health-env-dump", "CWE-200", fws=["flask", "fastapi"], n=6, wrap=False)
def mod2_health_dump(c):
    w, Wc = _w(c)
    what = c.pick("config", "env")
    timeout = c.pick(0.5, 1.0, 2.0)
    disk = c.pick("", '''
        def _disk_ok(path: str = "/", min_free_mb: int = 512) -> bool:
            usage = shutil.disk_usage(path)
            return usage.free // (1024 * 1024) >= min_free_mb
    ''')
    disk_line = 'checks["disk"] = _disk_ok()' if disk else ""
    pkgs = c.pick('("flask", "sqlalchemy", "redis")', '("sqlalchemy", "pydantic", "httpx", "redis")', '("requests", "sqlalchemy")')
    versions = '''
        def _versions() -> dict:
            out = {}
            for name in PACKAGES:
                try:
                    out[name] = metadata.version(name)
                except metadata.PackageNotFoundError:
                    out[name] = None
            return out
    '''
    lag = c.pick("", '''
        def _queue_lag() -> float:
            oldest = QUEUE.oldest_enqueued_at()
            return 0.0 if oldest is None else round(time.time() - oldest, 1)
    ''')
    lag_line = '"queue_lag_seconds": _queue_lag(),' if lag else ""
    if c.fw == "flask":
        if what == "env":
            vfix = '"environment": dict(os.environ),  #@V'
            sfix = '"environment": {k: os.environ.get(k, "") for k in PUBLIC_ENV},'
        else:
            vfix = '"config": dict((k, str(v)) for k, v in current_app.config.items()),  #@V'
            sfix = '"config": {k: current_app.config.get(k) for k in PUBLIC_CONFIG},'
        tmpl = '''
            """Health, readiness and build-info endpoints of the $w service (used by the load balancer
            and the status page, so they are reachable without a login)."""
            from __future__ import annotations

            import logging
            import os
            import platform
            import shutil
            import time
            from importlib import metadata

            from flask import Blueprint, current_app, jsonify
            from sqlalchemy import text

            from .extensions import cache, db
            $qimp

            log = logging.getLogger(__name__)
            bp = Blueprint("health", __name__)

            STARTED = time.time()
            CHECK_TIMEOUT = $timeout
            PUBLIC_ENV = ("APP_ENV", "GIT_SHA", "BUILD_DATE", "REGION")
            PUBLIC_CONFIG = ("APP_ENV", "VERSION", "FEATURE_FLAGS_REFRESH", "DEFAULT_LOCALE")
            PACKAGES = $pkgs


            def _db_ok() -> bool:
                try:
                    db.session.execute(text("SELECT 1")).scalar()
                    return True
                except Exception:  # noqa: BLE001 (any failure means "not ready")
                    log.warning("readiness: database check failed", exc_info=True)
                    return False


            def _cache_ok() -> bool:
                try:
                    return cache.ping(timeout=CHECK_TIMEOUT)
                except Exception:  # noqa: BLE001
                    return False


            $versions
            $lag
            $disk
            @bp.get("/healthz")
            def healthz():
                return jsonify(status="ok")


            @bp.get("/readyz")
            def readyz():
                checks = {"database": _db_ok(), "cache": _cache_ok()}
                $disk_line
                ready = all(checks.values())
                return jsonify(ready=ready, checks=checks), 200 if ready else 503


            @bp.get("/healthz/info")
            def info():
                return jsonify({
                    "service": "$w",
                    "version": current_app.config.get("VERSION", "dev"),
                    "python": platform.python_version(),
                    "packages": _versions(),
                    $lag_line
                    "uptime_seconds": int(time.time() - STARTED),
                    $FIX
                })
        '''
    else:
        if what == "env":
            vfix = '"environment": dict(os.environ),  #@V'
            sfix = '"environment": {k: os.environ.get(k, "") for k in PUBLIC_ENV},'
        else:
            vfix = '"settings": settings.dict(),  #@V'
            sfix = '"settings": settings.dict(include=PUBLIC_SETTINGS),'
        tmpl = '''
            """Health, readiness and build-info routes of the $w API (public: the load balancer and the
            status page call them without credentials)."""
            from __future__ import annotations

            import asyncio
            import logging
            import os
            import platform
            import shutil
            import time
            from importlib import metadata

            from fastapi import APIRouter
            from fastapi.responses import JSONResponse
            from pydantic import BaseSettings, PostgresDsn, RedisDsn

            from .db import engine
            from .redis import redis_client
            $qimp

            log = logging.getLogger(__name__)
            router = APIRouter(tags=["health"])


            class Settings(BaseSettings):
                app_env: str = "production"
                version: str = "dev"
                database_url: PostgresDsn
                redis_url: RedisDsn
                jwt_signing_key: str
                sentry_dsn: str = ""


            settings = Settings()
            STARTED = time.monotonic()
            CHECK_TIMEOUT = $timeout
            PUBLIC_ENV = ("APP_ENV", "GIT_SHA", "BUILD_DATE", "REGION")
            PUBLIC_SETTINGS = {"app_env", "version"}
            PACKAGES = $pkgs


            async def _db_ok() -> bool:
                try:
                    async with engine.connect() as conn:
                        await asyncio.wait_for(conn.exec_driver_sql("SELECT 1"), CHECK_TIMEOUT)
                    return True
                except Exception:  # noqa: BLE001 (any failure means "not ready")
                    log.warning("readiness: database check failed", exc_info=True)
                    return False


            $versions
            $lag
            $disk
            @router.get("/healthz")
            async def healthz():
                return {"status": "ok"}


            @router.get("/readyz")
            async def readyz():
                checks = {"database": await _db_ok(), "redis": bool(await redis_client.ping())}
                $disk_line
                ready = all(checks.values())
                return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


            @router.get("/healthz/info")
            async def info():
                return {
                    "service": "$w",
                    "version": settings.version,
                    "python": platform.python_version(),
                    "packages": _versions(),
                    $lag_line
                    "uptime_seconds": int(time.monotonic() - STARTED),
                    $FIX
                }
        '''
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, timeout=timeout, disk=disk, disk_line=disk_line,
                pkgs=pkgs, versions=versions, lag=lag, lag_line=lag_line,
                qimp="from .jobs import QUEUE" if lag else "")
    if not disk:
        v, s = (x.replace("import shutil\n", "") for x in (v, s))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the unauthenticated info endpoint returns the whole process environment / settings "
                      "(database URLs, signing keys, API tokens) instead of an allow-listed subset")


# ---------------- CWE-1333: a log-ingest validator with a nested quantifier runs on agent-supplied fields ----------------


_REDOS = {
    "host": ("HOST_RE", r'r"^([a-z0-9]+(-[a-z0-9]+)*\.?)+$"', r'r"^(?=.{1,253}$)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?$"',
             "host", "hostname"),
    "tags": ("TAGS_RE", r'r"^([a-z0-9_]+,?)+$"', r'r"^[a-z0-9_]+(?:,[a-z0-9_]+)*,?$"', "tags", "tag list"),
    "service": ("SERVICE_RE", r'r"^([A-Za-z][A-Za-z0-9]*[._-]?)+$"', r'r"^[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*$"',
                "service", "service name"),
}


@fam("mod2-log-ingest-nested-quantifier", "CWE-1333", fws=["fastapi", "kafka"], n=6, wrap=False)
def mod2_log_redos(c):
    w, Wc = _w(c)
    which = c.pick("host", "tags", "service")
    const, vre, sre, fld, desc = _REDOS[which]
    maxlines = c.pick(500, 1000, 5000)
    level_map = c.pick("", '''
        def _normalise_level(level: str) -> str:
            level = level.upper()
            return {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR"}.get(level, level)
    ''')
    lvl = "_normalise_level(m.group(\"level\"))" if level_map else "m.group(\"level\").upper()"
    vfix = f"{const} = re.compile({vre})  #@V"
    sfix = f"{const} = re.compile({sre})"
    common = '''
        LINE_RE = re.compile(r"^(?P<ts>\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z?) (?P<level>[A-Z]+) (?P<msg>.*)$")
        $FIX
        MAX_LINES = $maxlines
        MAX_FIELD = 256
        MAX_MESSAGE = 4000
        SECRET_KV = re.compile(r"(?i)\\b(authorization|api[_-]?key|passw(or)?d)=\\S+")


        @dataclass
        class Entry:
            ts: datetime
            level: str
            $fld: str
            message: str


        class Rejected(ValueError):
            pass


        $level_map
        def _redact(message: str) -> str:
            """Agents sometimes log request parameters; mask obvious credentials before storing."""
            return SECRET_KV.sub(lambda m: m.group(1) + "=***", message)


        def _check_source(value: str) -> str:
            value = value.strip()[:MAX_FIELD]
            if not $const.match(value):  #@V
                raise Rejected(f"invalid $desc: {value[:40]!r}")
            return value


        def parse_lines($fld: str, lines: list[str]) -> list[Entry]:
            """Parse agent log lines; lines that do not look like our format are skipped and counted."""
            out, skipped = [], 0
            for line in lines[:MAX_LINES]:
                m = LINE_RE.match(line)
                if m is None:
                    skipped += 1
                    continue
                ts = datetime.fromisoformat(m.group("ts").replace("Z", "+00:00"))
                out.append(Entry(ts=ts, level=$lvl, $fld=$fld,
                                 message=_redact(m.group("msg")[:MAX_MESSAGE])))
            if skipped:
                log.debug("skipped %d unparseable lines from %s", skipped, $fld)
            return out
    '''
    if c.fw == "fastapi":
        tmpl = '''
            """Log ingestion API for the $w fleet: agents POST batches of raw lines, we parse and store them."""
            from __future__ import annotations

            import logging
            import re
            from dataclasses import asdict, dataclass
            from datetime import datetime

            from fastapi import APIRouter, Depends, HTTPException
            from pydantic import BaseModel

            from .auth import agent_token
            from .storage import LogStore, get_store

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/ingest", tags=["ingest"])

            $common


            class Batch(BaseModel):
                $fld: str
                lines: list[str]


            @router.post("/logs", status_code=202)
            async def ingest(batch: Batch, agent: str = Depends(agent_token), store: LogStore = Depends(get_store)):
                try:
                    source = _check_source(batch.$fld)  #@S
                except Rejected as exc:
                    raise HTTPException(422, str(exc)) from None
                entries = parse_lines(source, batch.lines)
                await store.bulk_insert([asdict(e) for e in entries])
                log.info("agent %s: %d entries from %s", agent, len(entries), source)
                return {"accepted": len(entries)}
        '''
    else:
        tmpl = '''
            """Kafka consumer that turns raw agent log batches from the $w fleet into structured entries."""
            from __future__ import annotations

            import json
            import logging
            import re
            from dataclasses import asdict, dataclass
            from datetime import datetime

            from kafka import KafkaConsumer

            from .storage import LogStore

            log = logging.getLogger(__name__)

            $common


            def handle(record: dict, store: LogStore) -> int:
                try:
                    source = _check_source(str(record.get("$fld", "")))  #@S
                except Rejected as exc:
                    log.warning("dropping batch: %s", exc)
                    return 0
                entries = parse_lines(source, list(record.get("lines", [])))
                store.bulk_insert([asdict(e) for e in entries])
                return len(entries)


            def run(bootstrap: str, topic: str = "$w.logs.raw") -> None:
                consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="log-ingest",
                                         enable_auto_commit=False, value_deserializer=lambda b: json.loads(b))
                store = LogStore.from_env()
                for msg in consumer:
                    n = handle(msg.value, store)
                    consumer.commit()
                    log.debug("offset %s: %d entries", msg.offset, n)
        '''
    tmpl = tmpl.replace("$common", dedent(common).strip("\n").replace("\n", "\n" + " " * 12))
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, const=const, fld=fld, desc=desc, maxlines=maxlines,
                level_map=level_map, lvl=lvl)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"the {desc} validator {const} nests a quantified group inside another quantifier; a crafted "
                      "value from an agent makes the match backtrack exponentially")


# ---------------- CWE-732: a report exporter leaves its output world-writable ----------------


@fam("mod2-report-export-world-writable", "CWE-732", fws=["cli", "celery"], n=6, wrap=False)
def mod2_export_perms(c):
    w, Wc = _w(c)
    spot = c.pick("file", "pathlib", "dir", "stat")
    fmt = c.pick("csv", "tsv")
    delim = '","' if fmt == "csv" else '"\\t"'
    keep = c.pick(7, 14, 30)
    if spot == "file":
        vfix, sfix = "os.chmod(final, 0o666)  #@V", "os.chmod(final, 0o640)"
        dfix = ("", "")
    elif spot == "pathlib":
        vfix, sfix = "final.chmod(0o666)  #@V", "final.chmod(0o600)"
        dfix = ("", "")
    elif spot == "stat":
        vfix = "os.chmod(final, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)  #@V"
        sfix = "os.chmod(final, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)"
        dfix = ("", "")
    else:
        vfix, sfix = "os.chmod(final, 0o640)", "os.chmod(final, 0o640)"
        dfix = ("os.chmod(day_dir, 0o777)  #@V", "os.chmod(day_dir, 0o750)")
    prune = c.pick("", '''
        def prune_old(root: Path, keep_days: int = KEEP_DAYS) -> int:
            """Delete export folders older than the retention period; returns how many were removed."""
            cutoff = date.today() - timedelta(days=keep_days)
            removed = 0
            for child in root.iterdir():
                try:
                    day = date.fromisoformat(child.name)
                except ValueError:
                    continue
                if child.is_dir() and day < cutoff:
                    shutil.rmtree(child)
                    removed += 1
            return removed
    ''')
    body = '''
        """$Wc report exporter: dumps the previous day's $ws to a $fmt file under EXPORT_ROOT/<date>/,
        where the finance SFTP account picks them up."""
        from __future__ import annotations

        $stdimp
        import csv
        import hashlib
        import json
        import logging
        import os
        import shutil
        import stat
        import tempfile
        from datetime import date, timedelta
        from pathlib import Path

        $fwimports

        from .db import session_scope
        from .models import $Wc

        log = logging.getLogger(__name__)

        EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", "/srv/exports/$ws"))
        KEEP_DAYS = $keep
        COLUMNS = ("id", "created_at", "customer_id", "amount", "currency", "status")


        def _rows(day: date):
            with session_scope() as s:
                q = (s.query($Wc).filter($Wc.created_at >= day, $Wc.created_at < day + timedelta(days=1))
                     .order_by($Wc.id))
                for obj in q.yield_per(1000):
                    yield [getattr(obj, col) for col in COLUMNS]


        def _sha256(path: Path) -> str:
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 16), b""):
                    h.update(chunk)
            return h.hexdigest()


        def _write_manifest(day_dir: Path, final: Path, count: int) -> None:
            """The pickup job verifies the file against this manifest before importing it."""
            manifest = {"file": final.name, "rows": count, "sha256": _sha256(final), "columns": list(COLUMNS)}
            (day_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


        def export_day(day: date, root: Path = EXPORT_ROOT) -> Path:
            """Write the export atomically (temp file + rename) so the pickup never sees a partial file."""
            day_dir = root / day.isoformat()
            day_dir.mkdir(parents=True, exist_ok=True)
            $FIX2
            final = day_dir / f"$ws-{day.isoformat()}.$fmt"
            fd, tmp_name = tempfile.mkstemp(dir=day_dir, prefix=".partial-", suffix=".$fmt")
            count = 0
            try:
                with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                    writer = csv.writer(fh, delimiter=$delim)
                    writer.writerow(COLUMNS)
                    for row in _rows(day):
                        writer.writerow(row)
                        count += 1
                os.replace(tmp_name, final)
            except BaseException:
                Path(tmp_name).unlink(missing_ok=True)
                raise
            $FIX
            _write_manifest(day_dir, final, count)
            log.info("exported %d $ws for %s to %s", count, day, final)
            return final


        $prune
        $entry
    '''
    stdimp = ""
    if c.fw == "cli":
        stdimp, fwimports = "import argparse", ""
        entry = '''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Export $ws for finance")
                parser.add_argument("--day", type=date.fromisoformat, default=date.today() - timedelta(days=1))
                parser.add_argument("--root", type=Path, default=EXPORT_ROOT)
                $pruneopt
                args = parser.parse_args(argv)
                path = export_day(args.day, args.root)
                $prunecall
                print(path)
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''
    else:
        fwimports = "from celery import shared_task"
        entry = '''
            @shared_task(bind=True, max_retries=3, default_retry_delay=300, acks_late=True)
            def export_yesterday(self) -> str:
                day = date.today() - timedelta(days=1)
                try:
                    return str(export_day(day))
                except OSError as exc:
                    log.warning("export of %s failed, retrying: %s", day, exc)
                    raise self.retry(exc=exc)
        '''
    if not prune:
        body = body.replace("        import shutil\n", "")
    if spot not in ("stat",):
        body = body.replace("        import stat\n", "")
    pruneopt = 'parser.add_argument("--prune", action="store_true", help="also delete old exports")' if prune else ""
    prunecall = ('if args.prune:\n    log.info("pruned %d old export folders", prune_old(args.root))' if prune else "")
    entry_f = fill(entry, w=w, ws=w + "s", pruneopt=pruneopt, prunecall=prunecall)
    v, s = pair(body, (vfix, dfix[0]), (sfix, dfix[1]), w=w, ws=w + "s", Wc=Wc, fmt=fmt, delim=delim, keep=keep,
                prune=prune, entry=entry_f, fwimports=fwimports, stdimp=stdimp)
    v, s = (x.replace("\n\n\n\n", "\n\n\n").replace("\n\n\nfrom .db", "\n\nfrom .db") for x in (v, s))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the exported report (or its folder) is made writable by every local user, so any account "
                      "on the host can replace the file finance picks up")


@hardneg(3)
def mod2_export_perms_hn(c):
    w, Wc = _w(c)
    group = c.pick("finance", "ops", "reporting")
    mode = c.pick(("0o640", "0o750"), ("0o600", "0o700"), ("0o640", "0o2750"))
    keep = c.pick(3, 5, 10)
    lock = c.pick('''
        @contextlib.contextmanager
        def _locked(root: Path):
            """One backup at a time: O_EXCL lock file, removed on exit."""
            lock_path = root / ".backup.lock"
            fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, str(os.getpid()).encode())
                yield
            finally:
                os.close(fd)
                lock_path.unlink(missing_ok=True)
    ''', "")
    tmpl = '''
        """Nightly $w database backups: pg_dump output written into a group-readable folder for the $group team."""
        from __future__ import annotations

        import contextlib
        import grp
        import logging
        import os
        import shutil
        import subprocess
        from datetime import datetime, timezone
        from pathlib import Path

        log = logging.getLogger(__name__)

        BACKUP_ROOT = Path(os.environ.get("BACKUP_ROOT", "/var/backups/$w"))
        FILE_MODE = $fmode
        DIR_MODE = $dmode
        KEEP = $keep
        SHARE_GROUP = "$group"


        @contextlib.contextmanager
        def _private_umask():
            """Files created inside start owner-only; modes are widened explicitly afterwards."""
            old = os.umask(0o077)
            try:
                yield
            finally:
                os.umask(old)


        def _share(path: Path, mode: int) -> None:
            gid = grp.getgrnam(SHARE_GROUP).gr_gid
            os.chown(path, -1, gid)
            os.chmod(path, mode)


        $lock
        def backup(db_name: str = "$w") -> Path:
            """Credentials come from the service account's ~/.pgpass, never from the command line."""
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            BACKUP_ROOT.mkdir(parents=True, exist_ok=True)
            _share(BACKUP_ROOT, DIR_MODE)
            with $ctx:
                target = BACKUP_ROOT / f"$w-{stamp}.dump"
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    subprocess.run(["pg_dump", "--format=custom", "--no-password", db_name],
                                   stdout=out, check=True, timeout=3600)
            _share(target, FILE_MODE)
            log.info("backup written to %s (%d bytes)", target, target.stat().st_size)
            return target


        def rotate(keep: int = KEEP) -> list[Path]:
            dumps = sorted(BACKUP_ROOT.glob("$w-*.dump"))
            removed = dumps[:-keep] if keep else []
            for old in removed:
                old.unlink()
            if shutil.disk_usage(BACKUP_ROOT).free < 5 * 1024 ** 3:
                log.warning("less than 5 GiB free under %s", BACKUP_ROOT)
            return removed
    '''
    ctx = "_locked(BACKUP_ROOT), _private_umask()" if lock else "_private_umask()"
    s = fill(tmpl, w=w, group=group, fmode=mode[0], dmode=mode[1], keep=keep, lock=lock, ctx=ctx).strip("\n") + "\n"
    return Spec(v="", s=s, full=True, fw="cli",
                notes="owner-only umask while writing, O_EXCL 0o600 creation, then group-only modes set explicitly")


# ---------------- CWE-643: an lxml product-catalog search builds its XPath by string formatting ----------------


@fam("mod2-catalog-xpath-format", "CWE-643", fws=["flask", "fastapi"], n=6, wrap=False)
def mod2_catalog_xpath(c):
    w, Wc = _w(c)
    spot = c.pick("search", "item", "category")
    limit = c.pick(20, 50, 100)
    style = c.pick("f", "pct", "fmt")

    def q(template, var):
        # template uses {} for the interpolated value
        if style == "f":
            return 'f"' + template.replace("{}", "{" + var + "}") + '"'
        if style == "pct":
            return '"' + template.replace("{}", "%s") + '" % ' + var
        return '"' + template + '".format(' + var + ")"

    safe = {
        "search": 'catalog.xpath("//product[contains(translate(name, $upper, $lower), $needle)]",\n'
                  '                     upper=UPPER, lower=LOWER, needle=needle.lower())',
        "item": 'catalog.xpath("//product[@sku = $sku_value]", sku_value=sku)',
        "category": 'catalog.xpath("//product[category = $cat_name]", cat_name=category)',
    }
    vuln = {
        "search": "catalog.xpath(" + q("//product[contains(translate(name, '{}', '{}'), '{}')]", "UPPER, LOWER, needle.lower()" if style != "f" else "X") + ")",
        "item": "catalog.xpath(" + q("//product[@sku = '{}']", "sku") + ")",
        "category": "catalog.xpath(" + q("//product[category = '{}']", "category") + ")",
    }
    if style == "f":
        vuln["search"] = "catalog.xpath(f\"//product[contains(translate(name, '{UPPER}', '{LOWER}'), '{needle.lower()}')]\")"
    if style == "pct":
        vuln["search"] = "catalog.xpath(\"//product[contains(translate(name, '%s', '%s'), '%s')]\" % (UPPER, LOWER, needle.lower()))"
    if style == "fmt":
        vuln["search"] = "catalog.xpath(\"//product[contains(translate(name, '{}', '{}'), '{}')]\".format(UPPER, LOWER, needle.lower()))"
    lines = {k: safe[k] for k in safe}
    assign = {"search": "hits = ", "item": "found = ", "category": "hits = "}
    vfix = {k: assign[k] + (vuln[k] + "  #@V" if k == spot else lines[k]) for k in safe}
    sfix = {k: assign[k] + lines[k] for k in safe}
    src = {"search": "needle", "item": "sku", "category": "category"}[spot]
    facets = c.pick("", '''
        def _facets(hits) -> dict:
            counts: dict[str, int] = {}
            for el in hits:
                cat = el.findtext("category", default="other")
                counts[cat] = counts.get(cat, 0) + 1
            return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    ''')
    facet_field = '"facets": _facets(hits), ' if facets else ""
    if c.fw == "flask":
        reads = {
            "search": 'needle = request.args.get("q", "").strip()[:80]',
            "item": "",
            "category": 'category = request.args.get("name", "").strip()',
        }
        tmpl = '''
            """Read-only product catalog API for the $w shop, served from the nightly catalog.xml export."""
            from __future__ import annotations

            import logging
            import os
            from functools import lru_cache

            from flask import Blueprint, abort, jsonify, request
            from lxml import etree

            log = logging.getLogger(__name__)
            bp = Blueprint("catalog", __name__, url_prefix="/catalog")

            CATALOG_PATH = os.environ.get("CATALOG_XML", "/srv/$w/catalog.xml")
            PAGE_LIMIT = $limit
            UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            LOWER = "abcdefghijklmnopqrstuvwxyz"
            _parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


            @lru_cache(maxsize=2)
            def _load(mtime: float) -> etree._ElementTree:
                log.info("loading catalog %s (mtime %s)", CATALOG_PATH, mtime)
                return etree.parse(CATALOG_PATH, _parser)


            def _catalog() -> etree._ElementTree:
                return _load(os.path.getmtime(CATALOG_PATH))


            def _to_dict(el) -> dict:
                return {"sku": el.get("sku"), "name": el.findtext("name", default=""),
                        "category": el.findtext("category", default=""),
                        "price": float(el.findtext("price", default="0") or 0),
                        "in_stock": el.get("stock", "0") not in ("0", "")}


            $facets
            @bp.get("/search")
            def search():
                $read_search
                if len(needle) < 2:
                    return jsonify(items=[], total=0)
                catalog = _catalog()
                $FIX
                return jsonify({"items": [_to_dict(e) for e in hits[:PAGE_LIMIT]], $facet_field"total": len(hits)})


            @bp.get("/price-range")
            def price_range():
                try:
                    lo = float(request.args.get("min", "0"))
                    hi = float(request.args.get("max", "1e9"))
                except ValueError:
                    abort(400)
                hits = _catalog().xpath("//product[number(price) >= $lo and number(price) <= $hi]", lo=lo, hi=hi)
                return jsonify(items=[_to_dict(e) for e in hits[:PAGE_LIMIT]], total=len(hits))


            @bp.get("/stats")
            def stats():
                catalog = _catalog()
                return jsonify(products=int(catalog.xpath("count(//product)")),
                               categories=sorted(set(catalog.xpath("//product/category/text()"))))


            @bp.get("/items/<sku>")
            def item(sku: str):
                catalog = _catalog()
                $FIX2
                if not found:
                    abort(404)
                return jsonify(_to_dict(found[0]))


            @bp.get("/category")
            def by_category():
                $read_category
                catalog = _catalog()
                $FIX3
                return jsonify(items=[_to_dict(e) for e in hits[:PAGE_LIMIT]], total=len(hits))
        '''
        rs = 'needle = request.args.get("q", "").strip()[:80]'
        rc = 'category = request.args.get("name", "").strip()'
        item_sig = None
    else:
        tmpl = '''
            """Read-only product catalog API for the $w shop (FastAPI), served from the nightly catalog.xml export."""
            from __future__ import annotations

            import logging
            import os
            from functools import lru_cache

            from fastapi import APIRouter, HTTPException, Query
            from lxml import etree

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/catalog", tags=["catalog"])

            CATALOG_PATH = os.environ.get("CATALOG_XML", "/srv/$w/catalog.xml")
            PAGE_LIMIT = $limit
            UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            LOWER = "abcdefghijklmnopqrstuvwxyz"
            _parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


            @lru_cache(maxsize=2)
            def _load(mtime: float) -> etree._ElementTree:
                log.info("loading catalog %s (mtime %s)", CATALOG_PATH, mtime)
                return etree.parse(CATALOG_PATH, _parser)


            def _catalog() -> etree._ElementTree:
                return _load(os.path.getmtime(CATALOG_PATH))


            def _to_dict(el) -> dict:
                return {"sku": el.get("sku"), "name": el.findtext("name", default=""),
                        "category": el.findtext("category", default=""),
                        "price": float(el.findtext("price", default="0") or 0),
                        "in_stock": el.get("stock", "0") not in ("0", "")}


            $facets
            @router.get("/search")
            async def search(q: str = Query("", max_length=80)):
                $read_search
                if len(needle) < 2:
                    return {"items": [], "total": 0}
                catalog = _catalog()
                $FIX
                return {"items": [_to_dict(e) for e in hits[:PAGE_LIMIT]], $facet_field"total": len(hits)}


            @router.get("/price-range")
            async def price_range(lo: float = Query(0, alias="min", ge=0), hi: float = Query(1e9, alias="max")):
                hits = _catalog().xpath("//product[number(price) >= $lo and number(price) <= $hi]", lo=lo, hi=hi)
                return {"items": [_to_dict(e) for e in hits[:PAGE_LIMIT]], "total": len(hits)}


            @router.get("/stats")
            async def stats():
                catalog = _catalog()
                return {"products": int(catalog.xpath("count(//product)")),
                        "categories": sorted(set(catalog.xpath("//product/category/text()")))}


            @router.get("/items/{sku}")
            async def item(sku: str):
                catalog = _catalog()
                $FIX2
                if not found:
                    raise HTTPException(404, "unknown sku")
                return _to_dict(found[0])


            @router.get("/category")
            async def by_category(name: str = Query(..., max_length=60)):
                $read_category
                catalog = _catalog()
                $FIX3
                return {"items": [_to_dict(e) for e in hits[:PAGE_LIMIT]], "total": len(hits)}
        '''
        rs = "needle = q.strip()"
        rc = "category = name.strip()"
    if spot == "search":
        rs += "  #@S"
    elif spot == "category":
        rc += "  #@S"
    else:
        # the path segment is the input: mark the handler signature that receives it
        tmpl = tmpl.replace('def item(sku: str):', 'def item(sku: str):  #@S')
    v, s = pair(tmpl, (vfix["search"], vfix["item"], vfix["category"]),
                (sfix["search"], sfix["item"], sfix["category"]), w=w, Wc=Wc, limit=limit, facets=facets,
                facet_field=facet_field, read_search=rs, read_category=rc)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"the {spot} endpoint puts the request value ({src}) into the XPath expression by string "
                      "formatting; a quote in it rewrites the query (the other endpoints bind XPath variables)")
