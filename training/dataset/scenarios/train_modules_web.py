"""Train-only whole-module web families: realistic modules of 80-130 lines (blueprints, routers,
class-based handlers, settings, helpers, dataclasses, logging) in which exactly one weakness sits,
each with a safe twin that differs only by the minimal fix.

The snippet families teach the sinks; these teach finding one sink inside ordinary code written
by someone else: sibling routes that are protected, validation, pagination and serializers around
the one line that is wrong. Written without reading the held-out families; every family here goes
to train (generate.assign_splits).
"""
from core import Spec, dedent
from module_kit import _clean, _w
from registry import fam, hardneg


def fill(text, **kw):
    """Dedent ``text`` and substitute ``$name`` tokens (longest names first). A token alone on
    its line is replaced by a block, indented like the token; an empty block drops the line."""
    text = dedent(text)
    keys = sorted(kw, key=len, reverse=True)
    out = []
    for line in text.split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw:
            ind = line[: len(line) - len(line.lstrip())]
            block = str(kw[st[1:]])
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


# ---------------- CWE-79: a comment preview / mention renderer in a discussion module ----------------


@fam("mod-comment-thread-xss", "CWE-79", fws=["flask", "flask", "starlette"], n=6, wrap=False)
def mod_comment_xss(c):
    w, Wc = _w(c)
    shape = c.pick("preview", "stored")
    maxb = c.pick(2000, 4000, 8000)
    psize = c.pick(20, 25, 50)
    body = c.pick("body", "text", "message")
    if c.fw == "flask":
        if shape == "preview":
            read = f'{body} = request.form.get("{body}", "")[:MAX_BODY]  #@S'
            vfix = (f'html = "<div class=\\"comment-preview\\">" + {body}.replace("\\n", "<br>") + "</div>"  #@V',
                    "return Markup(_mention_links(str(escape(body))))")
            sfix = (f'html = "<div class=\\"comment-preview\\">" + str(escape({body})).replace("\\n", "<br>") + "</div>"',
                    "return Markup(_mention_links(str(escape(body))))")
            add_read = 'body = (request.form.get("body") or "").strip()'
        else:
            read = f'{body} = request.form.get("{body}", "")[:MAX_BODY]'
            vfix = (f'html = "<div class=\\"comment-preview\\">" + str(escape({body})).replace("\\n", "<br>") + "</div>"',
                    "return Markup(_mention_links(body))  #@V")
            sfix = (f'html = "<div class=\\"comment-preview\\">" + str(escape({body})).replace("\\n", "<br>") + "</div>"',
                    "return Markup(_mention_links(str(escape(body))))")
            add_read = 'body = (request.form.get("body") or "").strip()  #@S'
        tmpl = '''
            """$Wc discussion threads: listing, posting, previewing and deleting comments."""
            from __future__ import annotations

            import logging
            import re
            from dataclasses import dataclass
            from datetime import datetime, timezone

            from flask import Blueprint, abort, jsonify, make_response, render_template, request
            from flask_login import current_user, login_required
            from markupsafe import Markup, escape

            from .models import $Wc, Comment, db

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_comments", __name__, url_prefix="/$ws")

            MAX_BODY = $maxb
            PAGE_SIZE = $psize
            MENTION = re.compile(r"@([a-z0-9_]{3,30})")


            @dataclass
            class CommentView:
                id: int
                author: str
                html: Markup
                created: datetime
                edited: bool = False

                def age_label(self) -> str:
                    delta = datetime.now(timezone.utc) - self.created
                    return f"{delta.days}d" if delta.days else f"{delta.seconds // 3600}h"


            def _mention_links(text: str) -> str:
                return MENTION.sub(lambda m: f'<a href="/u/{m.group(1)}">@{m.group(1)}</a>', text)


            def _render_body(body: str) -> Markup:
                $FIX2


            def _page() -> int:
                try:
                    return max(1, int(request.args.get("page", "1")))
                except ValueError:
                    return 1


            @bp.get("/<int:$w_id>/comments")
            @login_required
            def list_comments($w_id: int):
                parent = db.get_or_404($Wc, $w_id)
                q = Comment.query.filter_by($w_id=parent.id).order_by(Comment.created_at.desc())
                views = [CommentView(id=cm.id, author=cm.author.display_name, html=_render_body(cm.body),
                                     created=cm.created_at, edited=cm.updated_at is not None)
                         for cm in q.offset((_page() - 1) * PAGE_SIZE).limit(PAGE_SIZE)]
                return render_template("$w/comments.html", parent=parent, comments=views)


            @bp.post("/<int:$w_id>/comments")
            @login_required
            def add_comment($w_id: int):
                parent = db.get_or_404($Wc, $w_id)
                $add_read
                if not body or len(body) > MAX_BODY:
                    abort(400)
                cm = Comment($w_id=parent.id, author_id=current_user.id, body=body)
                db.session.add(cm)
                db.session.commit()
                log.info("comment %s added to $w %s by %s", cm.id, parent.id, current_user.id)
                return jsonify(id=cm.id), 201


            @bp.post("/comments/preview")
            @login_required
            def preview_comment():
                $read
                $FIX
                return make_response(html)


            @bp.delete("/comments/<int:comment_id>")
            @login_required
            def delete_comment(comment_id: int):
                cm = db.get_or_404(Comment, comment_id)
                if cm.author_id != current_user.id and not current_user.is_moderator:
                    abort(403)
                db.session.delete(cm)
                db.session.commit()
                return "", 204
        '''
        v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, maxb=maxb, psize=psize, read=read, add_read=add_read)
        return Spec(v=v, s=s, full=True, fw="flask",
                    notes="user comment text reaches an HTML response / Markup without escaping")
    # starlette
    read = f'{body} = str(form.get("{body}", ""))[:MAX_BODY]  #@S'
    if shape == "preview":
        vfix = f'inner = _paragraphs({body})  #@V'
        sfix = f'inner = _paragraphs(html.escape({body}))'
    else:
        vfix = f'inner = f"<h3>{{html.escape(title)}}</h3>" + _paragraphs({body})  #@V'
        sfix = f'inner = f"<h3>{{html.escape(title)}}</h3>" + _paragraphs(html.escape({body}))'
    tmpl = '''
        """Starlette endpoints for $w comments: list (JSON), create, and the live preview pane."""
        from __future__ import annotations

        import html
        import logging
        from dataclasses import asdict, dataclass

        from starlette.authentication import requires
        from starlette.requests import Request
        from starlette.responses import HTMLResponse, JSONResponse
        from starlette.routing import Route

        from .store import CommentStore

        logger = logging.getLogger("$w.comments")

        MAX_BODY = $maxb
        PAGE_SIZE = $psize
        store = CommentStore()


        @dataclass
        class CommentOut:
            id: int
            author: str
            body: str
            created: str


        def _paragraphs(text: str) -> str:
            parts = [p.strip() for p in text.split("\\n\\n") if p.strip()]
            return "".join(f"<p>{p}</p>" for p in parts)


        def _int_param(request: Request, name: str, default: int) -> int:
            try:
                return max(1, int(request.query_params.get(name, default)))
            except ValueError:
                return default


        @requires("authenticated")
        async def list_comments(request: Request) -> JSONResponse:
            $w_id = request.path_params["$w_id"]
            page = _int_param(request, "page", 1)
            rows = await store.page($w_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            return JSONResponse([asdict(CommentOut(r.id, r.author, r.body, r.created.isoformat())) for r in rows])


        @requires("authenticated")
        async def create_comment(request: Request) -> JSONResponse:
            form = await request.form()
            body = str(form.get("body", "")).strip()
            if not body or len(body) > MAX_BODY:
                return JSONResponse({"error": "body must be 1-$maxb characters"}, status_code=400)
            cid = await store.add(request.path_params["$w_id"], request.user.identity, body)
            logger.info("comment %s created by %s", cid, request.user.identity)
            return JSONResponse({"id": cid}, status_code=201)


        @requires("authenticated")
        async def preview(request: Request) -> HTMLResponse:
            form = await request.form()
            title = str(form.get("title", "Preview"))[:120]
            $read
            $FIX
            return HTMLResponse(f"<article class=\\"preview\\">{inner}</article>")


        @requires("authenticated")
        async def delete_comment(request: Request) -> JSONResponse:
            comment = await store.get(request.path_params["comment_id"])
            if comment is None:
                return JSONResponse({"error": "not found"}, status_code=404)
            if comment.author != request.user.identity and "moderator" not in request.auth.scopes:
                return JSONResponse({"error": "forbidden"}, status_code=403)
            await store.delete(comment.id)
            logger.info("comment %s deleted by %s", comment.id, request.user.identity)
            return JSONResponse({"deleted": comment.id})


        routes = [
            Route("/$ws/{$w_id:int}/comments", list_comments, methods=["GET"]),
            Route("/$ws/{$w_id:int}/comments", create_comment, methods=["POST"]),
            Route("/$ws/comments/preview", preview, methods=["POST"]),
            Route("/$ws/comments/{comment_id:int}", delete_comment, methods=["DELETE"]),
        ]
    '''
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, maxb=maxb, psize=psize, read=read)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the preview pane writes the submitted comment text into an HTML response unescaped")


@hardneg(3)
def mod_comment_xss_hn(c):
    w, Wc = _w(c)
    trunc = c.pick(140, 200, 280)
    tmpl = """
        \"\"\"Template tags for rendering $w comments: mentions, links, badges and excerpts.\"\"\"
        from __future__ import annotations

        import logging
        import re
        from urllib.parse import urlsplit

        from django import template
        from django.urls import reverse
        from django.utils.html import escape, format_html, format_html_join
        from django.utils.safestring import mark_safe
        from django.utils.text import Truncator

        register = template.Library()
        log = logging.getLogger(__name__)

        MENTION = re.compile(r"@([a-z0-9_]{3,30})")
        URL = re.compile(r"https?://[^\\s<>\\"']+")
        EXCERPT_CHARS = $trunc
        BADGES = {"staff": "badge-staff", "owner": "badge-owner", "bot": "badge-bot"}


        def _link(match: re.Match) -> str:
            url = match.group(0)
            if urlsplit(url).scheme not in ("http", "https"):
                return url
            return f'<a href="{url}" rel="nofollow noopener" target="_blank">{url}</a>'


        def _mention(match: re.Match) -> str:
            href = reverse("people:detail", args=[match.group(1)])
            return f'<a class="mention" href="{href}">@{match.group(1)}</a>'


        @register.filter(name="comment_html")
        def comment_html(text: str) -> str:
            \"\"\"Escape first, then add links to the escaped text (which contains no markup of its own).\"\"\"
            safe_text = escape(text or "")
            safe_text = URL.sub(_link, safe_text)
            safe_text = MENTION.sub(_mention, safe_text)
            paragraphs = [p for p in safe_text.split("\\n\\n") if p.strip()]
            return mark_safe("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


        @register.filter(name="excerpt")
        def excerpt(text: str) -> str:
            return Truncator(text or "").chars(EXCERPT_CHARS)


        @register.simple_tag
        def author_badge(user) -> str:
            css = BADGES.get(getattr(user, "kind", ""), "badge-member")
            return format_html('<span class="badge {}" title="{}">{}</span>', css, user.get_full_name(),
                               user.get_username())


        @register.simple_tag
        def tag_list(tags) -> str:
            items = ((reverse("$ws:by_tag", args=[t.slug]), t.name) for t in tags[:12])
            return format_html('<ul class="tags">{}</ul>', format_html_join("", '<li><a href="{}">{}</a></li>', items))


        @register.inclusion_tag("$w/_comment_count.html")
        def comment_count($w) -> dict:
            n = $w.comments.filter(hidden=False).count()
            return {"n": n, "label": "comment" if n == 1 else "comments"}


        @register.simple_tag
        def reaction_summary(reactions) -> str:
            counts: dict[str, int] = {}
            for r in reactions:
                counts[r.emoji] = counts.get(r.emoji, 0) + 1
            top = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
            return format_html_join(" ", '<span class="reaction">{} {}</span>', top)


        @register.filter(name="initials")
        def initials(name: str) -> str:
            parts = [p for p in (name or "").split() if p]
            return "".join(p[0].upper() for p in parts[:2]) or "?"
    """
    return Spec(s=fill(tmpl, w=w, Wc=Wc, trunc=trunc) + "\n", full=True, fw="django",
                notes="mark_safe wraps text that was escaped before links were added; the other tags use format_html")


# ---------------- CWE-352: a state-changing action routed for GET as well as POST ----------------


@fam("mod-settings-get-action-csrf", "CWE-352", fws=["flask", "flask", "django"], n=6, wrap=False)
def mod_settings_csrf(c):
    w, Wc = _w(c)
    act = c.pick("key", "member", "webhook")
    keep = c.pick(30, 60, 90)
    if act == "key":
        thing, Thing, verb = "api_key", "ApiKey", "revoke"
    elif act == "member":
        thing, Thing, verb = "membership", "Membership", "remove"
    else:
        thing, Thing, verb = "webhook", "Webhook", "delete"
    if c.fw == "flask":
        tmpl = '''
            """Workspace settings for $w owners: $thing listing, creation and removal (Flask-WTF CSRFProtect is on app-wide)."""
            from __future__ import annotations

            import logging
            import secrets
            from dataclasses import dataclass
            from datetime import datetime, timedelta, timezone

            from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
            from flask_login import current_user, login_required

            from .extensions import db
            from .forms import $ThingForm
            from .models import $Thing, Workspace

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_settings", __name__, url_prefix="/settings/$ws")

            RETENTION_DAYS = $keep
            MAX_ITEMS = 25


            @dataclass(frozen=True)
            class Usage:
                total: int
                stale: int

                @property
                def remaining(self) -> int:
                    return max(0, MAX_ITEMS - self.total)


            def _workspace_or_403(ws_id: int) -> Workspace:
                ws = db.get_or_404(Workspace, ws_id)
                if current_user.id not in {m.user_id for m in ws.members if m.is_owner}:
                    abort(403)
                return ws


            def _stale(item: $Thing) -> bool:
                cutoff = datetime.now(timezone.utc) - timedelta(days=RETENTION_DAYS)
                return item.last_used_at is not None and item.last_used_at < cutoff


            @bp.get("/<int:ws_id>/$thing")
            @login_required
            def index(ws_id: int):
                ws = _workspace_or_403(ws_id)
                items = $Thing.query.filter_by(workspace_id=ws.id).order_by($Thing.created_at.desc()).all()
                stale = {i.id for i in items if _stale(i)}
                return render_template("settings/$thing.html", ws=ws, items=items, stale=stale,
                                       usage=Usage(total=len(items), stale=len(stale)), form=$ThingForm())


            @bp.get("/<int:ws_id>/$thing/<int:item_id>")
            @login_required
            def detail(ws_id: int, item_id: int):
                ws = _workspace_or_403(ws_id)
                item = $Thing.query.filter_by(id=item_id, workspace_id=ws.id).first_or_404()
                return render_template("settings/$thing_detail.html", ws=ws, item=item, stale=_stale(item))


            @bp.post("/<int:ws_id>/$thing")
            @login_required
            def create(ws_id: int):
                ws = _workspace_or_403(ws_id)
                form = $ThingForm()
                if not form.validate_on_submit():
                    flash("Please correct the errors below.", "error")
                    return redirect(url_for(".index", ws_id=ws.id))
                if $Thing.query.filter_by(workspace_id=ws.id).count() >= MAX_ITEMS:
                    flash("Limit reached.", "error")
                    return redirect(url_for(".index", ws_id=ws.id))
                item = $Thing(workspace_id=ws.id, label=form.label.data, ref=secrets.token_hex(4))
                db.session.add(item)
                db.session.commit()
                log.info("%s %s created in workspace %s by %s", "$thing", item.id, ws.id, current_user.id)
                return redirect(url_for(".index", ws_id=ws.id))


            $FIX
            @login_required
            def $verb(ws_id: int, item_id: int):
                ws = _workspace_or_403(ws_id)
                item = $Thing.query.filter_by(id=item_id, workspace_id=ws.id).first_or_404()
                db.session.delete(item)  #@V
                db.session.commit()
                log.info("%s %s removed from workspace %s by %s", "$thing", item_id, ws.id, current_user.id)
                flash("Removed.", "info")
                return redirect(url_for(".index", ws_id=ws.id))
        '''
        route = '@bp.route("/<int:ws_id>/$thing/<int:item_id>/$verb", methods='
        v, s = pair(tmpl, route + '["GET", "POST"])  #@V', route + '["POST"])', w=w, Wc=Wc, thing=thing, Thing=Thing, verb=verb, keep=keep)
        return Spec(v=v, s=s, full=True, fw="flask",
                    notes="the removal route also answers GET, which CSRF protection does not check: a link or image "
                          "tag on another site performs the deletion")
    tmpl = '''
        """Django views for $w workspace settings: $thing list, create and $verb."""
        from __future__ import annotations

        import logging

        from django.contrib import messages
        from django.contrib.auth.decorators import login_required
        from django.core.paginator import Paginator
        from django.http import HttpRequest, HttpResponse
        from django.shortcuts import get_object_or_404, redirect, render
        from django.views.decorators.http import require_GET, require_http_methods, require_POST

        from .forms import $ThingForm
        from .models import $Thing, Workspace

        logger = logging.getLogger(__name__)

        PER_PAGE = 20
        RETENTION_DAYS = $keep


        def _owned_workspace(request: HttpRequest, ws_id: int) -> Workspace:
            return get_object_or_404(Workspace, pk=ws_id, members__user=request.user, members__is_owner=True)


        @login_required
        @require_GET
        def $thing_list(request: HttpRequest, ws_id: int) -> HttpResponse:
            ws = _owned_workspace(request, ws_id)
            qs = $Thing.objects.filter(workspace=ws).order_by("-created_at")
            page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
            return render(request, "settings/$thing_list.html", {"ws": ws, "page": page, "form": $ThingForm()})


        @login_required
        @require_POST
        def $thing_create(request: HttpRequest, ws_id: int) -> HttpResponse:
            ws = _owned_workspace(request, ws_id)
            form = $ThingForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Please correct the errors below.")
                return redirect("settings:$thing_list", ws_id=ws.id)
            item = form.save(commit=False)
            item.workspace = ws
            item.created_by = request.user
            item.save()
            logger.info("%s %s created in %s by %s", "$thing", item.pk, ws.pk, request.user.pk)
            return redirect("settings:$thing_list", ws_id=ws.id)


        @login_required
        @require_POST
        def $thing_rename(request: HttpRequest, ws_id: int, pk: int) -> HttpResponse:
            ws = _owned_workspace(request, ws_id)
            item = get_object_or_404($Thing, pk=pk, workspace=ws)
            label = request.POST.get("label", "").strip()
            if not label or len(label) > 80:
                messages.error(request, "Labels are 1-80 characters.")
            else:
                item.label = label
                item.save(update_fields=["label"])
            return redirect("settings:$thing_detail", ws_id=ws.id, pk=item.pk)


        @login_required
        $FIX
        def $thing_$verb(request: HttpRequest, ws_id: int, pk: int) -> HttpResponse:
            ws = _owned_workspace(request, ws_id)
            item = get_object_or_404($Thing, pk=pk, workspace=ws)
            item.delete()  #@V
            logger.info("%s %s removed from %s by %s", "$thing", pk, ws.pk, request.user.pk)
            messages.success(request, "Removed.")
            return redirect("settings:$thing_list", ws_id=ws.id)


        @login_required
        @require_GET
        def $thing_detail(request: HttpRequest, ws_id: int, pk: int) -> HttpResponse:
            ws = _owned_workspace(request, ws_id)
            item = get_object_or_404($Thing, pk=pk, workspace=ws)
            return render(request, "settings/$thing_detail.html", {"ws": ws, "item": item,
                                                                   "retention_days": RETENTION_DAYS})
    '''
    v, s = pair(tmpl, '@require_http_methods(["GET", "POST"])  #@V', "@require_POST",
                w=w, Wc=Wc, thing=thing, Thing=Thing, verb=verb, keep=keep)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the delete view accepts GET; CsrfViewMiddleware only checks unsafe methods, so a cross-site "
                      "GET performs the deletion")


@hardneg(3)
def mod_webhook_csrf_exempt_hn(c):
    w, Wc = _w(c)
    hdr = c.pick("X-Hub-Signature-256", "X-Signature", "Stripe-Signature-V1")
    tmpl = '''
        """Inbound $w webhooks from the billing provider and the internal status page."""
        from __future__ import annotations

        import hashlib
        import hmac
        import json
        import logging
        import os
        from dataclasses import dataclass

        from flask import Blueprint, abort, current_app, jsonify, request
        from flask_login import login_required

        from .extensions import csrf, db
        from .models import $Wc, WebhookDelivery

        log = logging.getLogger(__name__)
        bp = Blueprint("$w_hooks", __name__, url_prefix="/hooks/$ws")

        MAX_PAYLOAD = 256 * 1024
        HANDLED = {"$w.created", "$w.updated", "$w.closed"}


        @dataclass
        class Event:
            id: str
            kind: str
            data: dict


        def _secret() -> bytes:
            return os.environ["$WU_WEBHOOK_SECRET"].encode()


        def _verify(raw: bytes, header: str) -> bool:
            expected = "sha256=" + hmac.new(_secret(), raw, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, header or "")


        def _parse(raw: bytes) -> Event:
            doc = json.loads(raw)
            return Event(id=str(doc["id"]), kind=str(doc["type"]), data=dict(doc.get("data") or {}))


        @bp.post("/provider")
        @csrf.exempt
        def provider_hook():
            raw = request.get_data(cache=False)
            if len(raw) > MAX_PAYLOAD:
                abort(413)
            if not _verify(raw, request.headers.get("$hdr", "")):
                log.warning("rejected $w webhook with bad signature from %s", request.remote_addr)
                abort(401)
            event = _parse(raw)
            if WebhookDelivery.query.filter_by(event_id=event.id).first():
                return jsonify(status="duplicate")
            db.session.add(WebhookDelivery(event_id=event.id, kind=event.kind))
            if event.kind in HANDLED:
                item = $Wc.query.filter_by(external_id=event.data.get("id")).first()
                if item is not None:
                    item.status = event.kind.split(".", 1)[1]
            db.session.commit()
            return jsonify(status="ok")


        @bp.get("/deliveries")
        @login_required
        def deliveries():
            limit = min(int(request.args.get("limit", 50)), 200)
            rows = WebhookDelivery.query.order_by(WebhookDelivery.received_at.desc()).limit(limit)
            return jsonify([{"event": r.event_id, "kind": r.kind, "at": r.received_at.isoformat()} for r in rows])


        @bp.post("/deliveries/<int:delivery_id>/replay")
        @login_required
        def replay(delivery_id: int):
            row = db.get_or_404(WebhookDelivery, delivery_id)
            current_app.task_queue.enqueue("replay_delivery", row.id)
            return jsonify(queued=row.id), 202
    '''
    return Spec(s=fill(tmpl, w=w, Wc=Wc, WU=w.upper(), hdr=hdr) + "\n", full=True, fw="flask",
                notes="the CSRF-exempt route is a server-to-server webhook authenticated by an HMAC signature over "
                      "the raw body; browser routes keep CSRF protection")


# ---------------- CWE-601: the login flow redirects to the raw "next" parameter ----------------


@fam("mod-login-next-redirect", "CWE-601", fws=["fastapi", "aiohttp"], n=6, wrap=False)
def mod_login_redirect(c):
    w, Wc = _w(c)
    param = c.pick("next", "return_to", "continue")
    ttl = c.pick(3600, 7200, 28800)
    var = c.pick("next_url", "target", "destination")
    if c.fw == "fastapi":
        tmpl = '''
            """Browser login / logout for the $w portal (session cookie based)."""
            from __future__ import annotations

            import logging
            from urllib.parse import urlparse

            from fastapi import APIRouter, Depends, Form, Request
            from fastapi.responses import HTMLResponse, RedirectResponse
            from fastapi.templating import Jinja2Templates
            from sqlalchemy.orm import Session

            from .db import get_session
            from .security import SessionStore, verify_password
            from .users import find_user

            log = logging.getLogger(__name__)
            router = APIRouter(tags=["auth"])
            templates = Jinja2Templates(directory="templates")
            sessions = SessionStore(ttl_seconds=$ttl)

            DEFAULT_LANDING = "/$ws"
            MAX_ATTEMPTS = 5


            def _is_local(url: str) -> bool:
                parts = urlparse(url)
                return not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//")


            def _client_key(request: Request, username: str) -> str:
                forwarded = request.headers.get("x-forwarded-for", "")
                host = forwarded.split(",")[0].strip() if forwarded else request.client.host
                return f"{host}:{username.strip().lower()}"


            def _throttled(request: Request, username: str) -> bool:
                key = f"{request.client.host}:{username.lower()}"
                return sessions.failures(key) >= MAX_ATTEMPTS


            @router.get("/login", response_class=HTMLResponse)
            async def login_form(request: Request):
                return templates.TemplateResponse("login.html", {"request": request,
                                                                 "$param": request.query_params.get("$param", "")})


            @router.get("/session")
            async def session_info(request: Request):
                info = sessions.lookup(request.cookies.get("sid", ""))
                if info is None:
                    return {"authenticated": False}
                return {"authenticated": True, "user_id": info.user_id, "expires": info.expires_at.isoformat()}


            @router.post("/login")
            async def login(request: Request, username: str = Form(...), password: str = Form(...),
                            db: Session = Depends(get_session)):
                $var = request.query_params.get("$param") or DEFAULT_LANDING  #@S
                if _throttled(request, username):
                    return templates.TemplateResponse("login.html", {"request": request, "error": "Try later"},
                                                      status_code=429)
                user = find_user(db, username)
                if user is None or not verify_password(password, user.password_hash):
                    sessions.record_failure(f"{request.client.host}:{username.lower()}")
                    log.info("failed login for %s", username)
                    return templates.TemplateResponse("login.html", {"request": request, "error": "Invalid login"},
                                                      status_code=401)
                sid = sessions.create(user.id)
                $FIX
                response.set_cookie("sid", sid, max_age=$ttl, secure=True, httponly=True, samesite="lax")
                log.info("user %s logged in", user.id)
                return response


            @router.post("/logout")
            async def logout(request: Request):
                sessions.revoke(request.cookies.get("sid", ""))
                back = request.query_params.get("$param", "/")
                response = RedirectResponse(back if _is_local(back) else "/", status_code=303)
                response.delete_cookie("sid")
                return response
        '''
        vfix = f"response = RedirectResponse({var}, status_code=303)  #@V"
        sfix = f"response = RedirectResponse({var} if _is_local({var}) else DEFAULT_LANDING, status_code=303)"
        v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, param=param, ttl=ttl, var=var)
        return Spec(v=v, s=s, full=True, fw="fastapi",
                    notes="after login the user is redirected to the query parameter without the _is_local check "
                          "the logout route applies")
    tmpl = '''
        """aiohttp login handlers for the $w console."""
        from __future__ import annotations

        import logging
        import secrets
        import time
        from urllib.parse import urlsplit

        from aiohttp import web
        from aiohttp_session import get_session, new_session

        from .passwords import check_password
        from .repo import UserRepo

        log = logging.getLogger("$w.auth")
        routes = web.RouteTableDef()

        LANDING = "/$ws/"
        SESSION_TTL = $ttl


        def _client(request: web.Request) -> str:
            peer = request.transport.get_extra_info("peername") if request.transport else None
            return peer[0] if peer else "unknown"


        def _safe_target(url: str) -> str:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
                return LANDING
            return url


        @routes.get("/login")
        async def login_page(request: web.Request) -> web.Response:
            return web.Response(text=request.app["templates"].render("login.html"), content_type="text/html")


        @routes.post("/login")
        async def login(request: web.Request) -> web.Response:
            form = await request.post()
            username = str(form.get("username", "")).strip()
            password = str(form.get("password", ""))
            $var = request.query.get("$param", LANDING)  #@S
            repo: UserRepo = request.app["users"]
            user = await repo.by_username(username)
            if user is None or not check_password(password, user.password_hash):
                log.info("failed login for %r from %s", username, _client(request))
                await repo.record_failure(username)
                raise web.HTTPUnauthorized(text="invalid credentials")
            session = await new_session(request)
            session["uid"] = user.id
            session["csrf"] = secrets.token_urlsafe(16)
            session["expires"] = int(time.time()) + SESSION_TTL
            await repo.touch_login(user.id)
            $FIX


        @routes.post("/logout")
        async def logout(request: web.Request) -> web.Response:
            session = await get_session(request)
            session.invalidate()
            raise web.HTTPFound(_safe_target(request.query.get("$param", LANDING)))


        @routes.post("/password/forgot")
        async def forgot(request: web.Request) -> web.Response:
            form = await request.post()
            email = str(form.get("email", "")).strip().lower()
            if "@" not in email or len(email) > 254:
                raise web.HTTPBadRequest(text="invalid e-mail")
            await request.app["mailer"].queue_reset(email)
            return web.json_response({"status": "sent"})


        @routes.get("/whoami")
        async def whoami(request: web.Request) -> web.Response:
            session = await get_session(request)
            if "uid" not in session or session.get("expires", 0) < time.time():
                raise web.HTTPUnauthorized()
            user = await request.app["users"].by_id(session["uid"])
            return web.json_response({"id": user.id, "username": user.username})


        def setup(app: web.Application) -> None:
            app.add_routes(routes)
    '''
    v, s = pair(tmpl, f"raise web.HTTPFound({var})  #@V", f"raise web.HTTPFound(_safe_target({var}))",
                w=w, Wc=Wc, param=param, ttl=ttl, var=var)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the login handler redirects to the query parameter unchecked; logout uses _safe_target")


@hardneg(3)
def mod_login_redirect_hn(c):
    w, Wc = _w(c)
    param = c.pick("next", "return_to", "redirect_uri")
    hosts = c.pick('{"app.example.com", "www.example.com"}', '{"portal.example.org"}', '{"example.net", "id.example.net"}')
    tmpl = '''
        """Single sign-on hand-off for the $w portal: validated post-login redirects."""
        from __future__ import annotations

        import logging
        from urllib.parse import urlsplit

        from flask import Blueprint, abort, redirect, render_template, request, session, url_for
        from werkzeug.security import check_password_hash

        from .models import User

        log = logging.getLogger(__name__)
        bp = Blueprint("$w_sso", __name__)

        ALLOWED_HOSTS = $hosts
        DEFAULT = "/$ws"


        def _allowed(target: str) -> bool:
            parts = urlsplit(target)
            if not parts.netloc:
                return target.startswith("/") and not target.startswith("//") and "\\\\" not in target
            return parts.scheme == "https" and parts.hostname in ALLOWED_HOSTS and "\\\\" not in target


        def _target() -> str:
            target = request.values.get("$param", "")
            return target if target and _allowed(target) else DEFAULT


        @bp.get("/login")
        def login_form():
            return render_template("login.html", $param=_target())


        @bp.post("/login")
        def login():
            user = User.query.filter_by(email=request.form.get("email", "").lower()).first()
            if user is None or not check_password_hash(user.password_hash, request.form.get("password", "")):
                log.info("failed login from %s", request.remote_addr)
                return render_template("login.html", error="Invalid login", $param=_target()), 401
            session.clear()
            session["uid"] = user.id
            session.permanent = True
            log.info("user %s signed in", user.id)
            return redirect(_target())


        @bp.get("/sso/continue")
        def sso_continue():
            if "uid" not in session:
                return redirect(url_for(".login_form", $param=request.full_path))
            target = request.args.get("$param", "")
            if not _allowed(target):
                log.warning("blocked redirect to %s", target[:200])
                abort(400)
            return redirect(target)


        @bp.get("/account/switch")
        def switch_account():
            if "uid" not in session:
                abort(401)
            options = User.query.filter(User.linked_to == session["uid"]).order_by(User.email).limit(20).all()
            return render_template("switch.html", options=options, $param=_target())


        @bp.post("/account/switch/<int:other_id>")
        def do_switch(other_id: int):
            if "uid" not in session:
                abort(401)
            other = User.query.filter_by(id=other_id, linked_to=session["uid"]).first_or_404()
            session["uid"] = other.id
            log.info("user %s switched to linked account %s", other.linked_to, other.id)
            return redirect(_target())


        @bp.post("/logout")
        def logout():
            session.clear()
            return redirect(DEFAULT)
    '''
    return Spec(s=fill(tmpl, w=w, Wc=Wc, param=param, hosts=hosts) + "\n", full=True, fw="flask",
                notes="every redirect target goes through _allowed: relative paths or https URLs on listed hosts")


# ---------------- CWE-1004: the session cookie is set without HttpOnly ----------------


@fam("mod-session-cookie-httponly", "CWE-1004", fws=["fastapi", "fastapi", "tornado", "fastapi"], n=6, wrap=False)
def mod_cookie_httponly(c):
    w, Wc = _w(c)
    cname = c.pick("session", "sid", f"{w}_session")
    ttl = c.pick(3600, 43200, 604800)
    same = c.pick('"lax"', '"strict"')
    if c.fw == "fastapi":
        tmpl = '''
            """Session issuing for the $w API: login, refresh, logout and the UI preference cookie."""
            from __future__ import annotations

            import logging
            import secrets
            from dataclasses import dataclass
            from datetime import datetime, timedelta, timezone

            from fastapi import APIRouter, Cookie, Depends, HTTPException, Response, status
            from pydantic import BaseModel, Field

            from .accounts import AccountService, get_accounts
            from .sessions import SessionRepo, get_sessions

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/auth", tags=["auth"])

            COOKIE = "$cname"
            TTL_SECONDS = $ttl
            THEMES = {"light", "dark", "system"}


            class Credentials(BaseModel):
                email: str = Field(min_length=3, max_length=254)
                password: str = Field(min_length=8, max_length=200)


            @dataclass
            class Issued:
                token: str
                expires: datetime


            def _issue(repo: SessionRepo, account_id: int) -> Issued:
                token = secrets.token_urlsafe(32)
                expires = datetime.now(timezone.utc) + timedelta(seconds=TTL_SECONDS)
                repo.store(token, account_id, expires)
                return Issued(token, expires)


            def _set_session(response: Response, issued: Issued) -> None:
                $FIX


            @router.post("/login")
            def login(creds: Credentials, response: Response, accounts: AccountService = Depends(get_accounts),
                      repo: SessionRepo = Depends(get_sessions)):
                account = accounts.verify(creds.email.lower(), creds.password)
                if account is None:
                    log.info("failed login for %s", creds.email)
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
                _set_session(response, _issue(repo, account.id))
                return {"id": account.id, "name": account.display_name}


            @router.post("/refresh")
            def refresh(response: Response, token: str | None = Cookie(default=None, alias=COOKIE),
                        repo: SessionRepo = Depends(get_sessions)):
                account_id = repo.lookup(token or "")
                if account_id is None:
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED)
                repo.revoke(token)
                _set_session(response, _issue(repo, account_id))
                return {"refreshed": True}


            @router.post("/logout", status_code=204)
            def logout(response: Response, token: str | None = Cookie(default=None, alias=COOKIE),
                       repo: SessionRepo = Depends(get_sessions)):
                if token:
                    repo.revoke(token)
                response.delete_cookie(COOKIE, path="/")


            @router.put("/preferences/theme", status_code=204)
            def set_theme(theme: str, response: Response):
                if theme not in THEMES:
                    raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown theme")
                response.set_cookie("ui_theme", theme, max_age=31536000, secure=True, samesite="lax")
        '''
        vfix = f"response.set_cookie(COOKIE, issued.token, expires=issued.expires, secure=True, samesite={same})  #@V"
        sfix = f"response.set_cookie(COOKIE, issued.token, expires=issued.expires, secure=True, httponly=True, samesite={same})"
        v, s = pair(tmpl, vfix, sfix, w=w, cname=cname, ttl=ttl)
        return Spec(v=v, s=s, full=True, fw="fastapi",
                    notes="the session token cookie lacks HttpOnly, so any script injected into the page can read it")
    tmpl = '''
        """Tornado handlers that sign $w users in and out."""
        from __future__ import annotations

        import logging
        import secrets
        import time

        import tornado.web
        from tornado.escape import json_decode

        from .store import SessionStore, UserStore

        log = logging.getLogger("$w.auth")

        COOKIE = "$cname"
        TTL_SECONDS = $ttl
        MAX_FAILURES = 5


        class BaseHandler(tornado.web.RequestHandler):
            @property
            def users(self) -> UserStore:
                return self.application.settings["users"]

            @property
            def sessions(self) -> SessionStore:
                return self.application.settings["sessions"]

            def get_current_user(self):
                token = self.get_cookie(COOKIE)
                return self.sessions.lookup(token) if token else None

            def set_default_headers(self) -> None:
                self.set_header("Cache-Control", "no-store")
                self.set_header("X-Content-Type-Options", "nosniff")

            def on_finish(self) -> None:
                if self.get_status() >= 400:
                    log.debug("%s %s -> %s", self.request.method, self.request.path, self.get_status())

            def write_json(self, payload: dict, status: int = 200) -> None:
                self.set_status(status)
                self.set_header("Content-Type", "application/json")
                self.finish(payload)


        class LoginHandler(BaseHandler):
            async def post(self):
                try:
                    body = json_decode(self.request.body)
                    email, password = body["email"].strip().lower(), body["password"]
                except (ValueError, KeyError):
                    return self.write_json({"error": "email and password required"}, 400)
                if self.users.failures(email) >= MAX_FAILURES:
                    return self.write_json({"error": "locked, try later"}, 429)
                user = await self.users.verify(email, password)
                if user is None:
                    self.users.record_failure(email)
                    log.info("failed login for %s", email)
                    return self.write_json({"error": "invalid credentials"}, 401)
                token = secrets.token_urlsafe(32)
                self.sessions.save(token, user.id, expires=time.time() + TTL_SECONDS)
                $FIX
                self.write_json({"id": user.id, "name": user.name})


        class LogoutHandler(BaseHandler):
            @tornado.web.authenticated
            def post(self):
                self.sessions.revoke(self.get_cookie(COOKIE))
                self.clear_cookie(COOKIE)
                self.write_json({"ok": True})


        class MeHandler(BaseHandler):
            @tornado.web.authenticated
            def get(self):
                user = self.current_user
                self.write_json({"id": user.id, "name": user.name, "roles": sorted(user.roles)})


        def routes():
            return [(r"/auth/login", LoginHandler), (r"/auth/logout", LogoutHandler), (r"/auth/me", MeHandler)]
    '''
    sfix = f"self.set_cookie(COOKIE, token, expires_days=TTL_SECONDS / 86400, secure=True, httponly=True,\n                samesite={same})"
    vfix = f"self.set_cookie(COOKIE, token, expires_days=TTL_SECONDS / 86400, secure=True, samesite={same})  #@V"
    v, s = pair(tmpl, vfix, sfix, w=w, cname=cname, ttl=ttl)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="the session token cookie is set without httponly, readable from page scripts")


@hardneg(3)
def mod_cookie_flags_hn(c):
    w, Wc = _w(c)
    cname = c.pick("session", "auth", f"{w}_sid")
    tmpl = '''
        """aiohttp session middleware for the $w dashboard; cookies carry all the flags."""
        from __future__ import annotations

        import logging
        import secrets
        import time
        from dataclasses import dataclass, field

        from aiohttp import web

        log = logging.getLogger("$w.session")

        COOKIE = "$cname"
        TTL = 8 * 3600
        PUBLIC = ("/login", "/healthz", "/static/")


        @dataclass
        class Session:
            user_id: int
            created: float = field(default_factory=time.time)

            @property
            def expired(self) -> bool:
                return time.time() - self.created > TTL


        class SessionTable:
            def __init__(self) -> None:
                self._rows: dict[str, Session] = {}

            def create(self, user_id: int) -> str:
                token = secrets.token_urlsafe(32)
                self._rows[token] = Session(user_id)
                return token

            def get(self, token: str) -> Session | None:
                row = self._rows.get(token)
                if row is None or row.expired:
                    self._rows.pop(token, None)
                    return None
                return row

            def drop(self, token: str) -> None:
                self._rows.pop(token, None)


        def set_session_cookie(response: web.StreamResponse, token: str) -> None:
            response.set_cookie(COOKIE, token, max_age=TTL, path="/", secure=True, httponly=True, samesite="Strict")


        @web.middleware
        async def session_middleware(request: web.Request, handler):
            if request.path.startswith(PUBLIC):
                return await handler(request)
            row = request.app["sessions"].get(request.cookies.get(COOKIE, ""))
            if row is None:
                raise web.HTTPFound("/login")
            request["user_id"] = row.user_id
            return await handler(request)


        async def login(request: web.Request) -> web.Response:
            form = await request.post()
            user = await request.app["users"].verify(str(form.get("email", "")), str(form.get("password", "")))
            if user is None:
                log.info("failed login from %s", request.remote)
                raise web.HTTPUnauthorized()
            response = web.HTTPFound("/$ws")
            set_session_cookie(response, request.app["sessions"].create(user.id))
            response.set_cookie("tz", str(form.get("tz", "UTC"))[:40], max_age=31536000, secure=True, samesite="Lax")
            raise response


        async def logout(request: web.Request) -> web.Response:
            request.app["sessions"].drop(request.cookies.get(COOKIE, ""))
            response = web.HTTPFound("/login")
            response.del_cookie(COOKIE, path="/")
            raise response


        def build_app() -> web.Application:
            app = web.Application(middlewares=[session_middleware])
            app["sessions"] = SessionTable()
            app.router.add_post("/login", login)
            app.router.add_post("/logout", logout)
            return app
    '''
    return Spec(s=fill(tmpl, w=w, cname=cname) + "\n", full=True, fw="aiohttp",
                notes="the session cookie is Secure, HttpOnly and SameSite; only a timezone preference is script-readable")


# ---------------- CWE-862: a class-based handler whose delete method skips the role check ----------------


@fam("mod-handler-delete-no-role", "CWE-862", fws=["tornado", "flask", "flask", "tornado"], n=6, wrap=False)
def mod_handler_norole(c):
    w, Wc = _w(c)
    role = c.pick("admin", "manager", "owner")
    page = c.pick(25, 50, 100)
    if c.fw == "tornado":
        tmpl = '''
            """Tornado REST handlers for $w records (JSON)."""
            from __future__ import annotations

            import json
            import logging
            from dataclasses import asdict, dataclass

            import tornado.web

            from .repo import $WcRepo

            log = logging.getLogger("$w.api")

            PAGE_SIZE = $page
            EDITABLE = ("title", "status", "due_date")


            @dataclass
            class ${Wc}Out:
                id: int
                title: str
                status: str
                owner: str


            class BaseHandler(tornado.web.RequestHandler):
                def get_current_user(self):
                    return self.application.settings["auth"].user_from_token(self.request.headers.get("Authorization"))

                @property
                def repo(self) -> ${Wc}Repo:
                    return self.application.settings["$w_repo"]

                def require_role(self, role: str) -> None:
                    if role not in self.current_user.roles:
                        raise tornado.web.HTTPError(403)

                def send(self, payload, status: int = 200) -> None:
                    self.set_status(status)
                    self.set_header("Content-Type", "application/json")
                    self.finish(json.dumps(payload, default=str))


            class ${Wc}ListHandler(BaseHandler):
                @tornado.web.authenticated
                async def get(self):
                    page = max(1, int(self.get_query_argument("page", "1")))
                    rows = await self.repo.page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
                    self.send([asdict(${Wc}Out(r.id, r.title, r.status, r.owner)) for r in rows])

                @tornado.web.authenticated
                async def post(self):
                    self.require_role("$role")
                    data = {k: v for k, v in json.loads(self.request.body).items() if k in EDITABLE}
                    if not data.get("title"):
                        raise tornado.web.HTTPError(400, reason="title is required")
                    new_id = await self.repo.create(owner=self.current_user.name, **data)
                    self.send({"id": new_id}, status=201)


            class ${Wc}Handler(BaseHandler):
                @tornado.web.authenticated
                async def get(self, item_id: str):
                    row = await self.repo.get(int(item_id))
                    if row is None:
                        raise tornado.web.HTTPError(404)
                    self.send(asdict(${Wc}Out(row.id, row.title, row.status, row.owner)))

                @tornado.web.authenticated
                async def patch(self, item_id: str):
                    self.require_role("$role")
                    changes = {k: v for k, v in json.loads(self.request.body).items() if k in EDITABLE}
                    await self.repo.update(int(item_id), **changes)
                    log.info("$w %s updated by %s: %s", item_id, self.current_user.name, sorted(changes))
                    self.send({"updated": int(item_id)})

                @tornado.web.authenticated
                async def delete(self, item_id: str):  #@V
                    $FIX
                    await self.repo.delete(int(item_id))  #@V
                    log.info("$w %s deleted by %s", item_id, self.current_user.name)
                    self.send({"deleted": int(item_id)})


            def routes():
                return [(r"/api/$ws", ${Wc}ListHandler), (r"/api/$ws/(\\d+)", ${Wc}Handler)]
        '''
        tmpl = tmpl.replace("${Wc}", "$Wc")
        v, s = pair(tmpl, "", f'self.require_role("{role}")', w=w, Wc=Wc, role=role, page=page)
        return Spec(v=v, s=s, full=True, fw="tornado",
                    notes="patch requires the role, delete only requires a logged-in user")
    tmpl = '''
        """Flask MethodView API for $w records."""
        from __future__ import annotations

        import logging
        from functools import wraps

        from flask import Blueprint, abort, g, jsonify, request
        from flask.views import MethodView

        from .auth import token_required
        from .models import $Wc, db

        log = logging.getLogger(__name__)
        bp = Blueprint("$w_api", __name__, url_prefix="/api/$ws")

        PAGE_SIZE = $page
        EDITABLE = {"title", "status", "due_date", "notes"}


        def role_required(role: str):
            def deco(fn):
                @wraps(fn)
                def inner(*args, **kwargs):
                    if role not in g.user.roles:
                        abort(403)
                    return fn(*args, **kwargs)
                return inner
            return deco


        def _out(obj: $Wc) -> dict:
            return {"id": obj.id, "title": obj.title, "status": obj.status, "due_date": obj.due_date}


        def _changes(payload: dict) -> dict:
            changes = {k: v for k, v in payload.items() if k in EDITABLE}
            if "title" in changes and not str(changes["title"]).strip():
                abort(400, description="title must not be empty")
            return changes


        class ${Wc}Collection(MethodView):
            decorators = [token_required]

            def get(self):
                page = request.args.get("page", 1, type=int)
                q = $Wc.query.order_by($Wc.id).paginate(page=page, per_page=PAGE_SIZE, error_out=False)
                return jsonify(items=[_out(o) for o in q.items], total=q.total)

            @role_required("$role")
            def post(self):
                data = request.get_json(force=True) or {}
                obj = $Wc(**_changes(data), created_by=g.user.id)
                db.session.add(obj)
                db.session.commit()
                return jsonify(_out(obj)), 201


        class ${Wc}Item(MethodView):
            decorators = [token_required]

            def get(self, pk: int):
                return jsonify(_out(db.get_or_404($Wc, pk)))

            @role_required("$role")
            def patch(self, pk: int):
                obj = db.get_or_404($Wc, pk)
                for key, value in _changes(request.get_json(force=True) or {}).items():
                    setattr(obj, key, value)
                db.session.commit()
                log.info("$w %s updated by %s", pk, g.user.id)
                return jsonify(_out(obj))

            $FIX
            def delete(self, pk: int):  #@V
                obj = db.get_or_404($Wc, pk)
                db.session.delete(obj)  #@V
                db.session.commit()
                log.info("$w %s deleted by %s", pk, g.user.id)
                return "", 204


        bp.add_url_rule("/", view_func=${Wc}Collection.as_view("$w_collection"))
        bp.add_url_rule("/<int:pk>", view_func=${Wc}Item.as_view("$w_item"))
    '''
    tmpl = tmpl.replace("${Wc}", "$Wc")
    v, s = pair(tmpl, "", f'@role_required("{role}")', w=w, Wc=Wc, role=role, page=page)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="post and patch carry role_required, delete is reachable by any token holder")


# ---------------- CWE-639: one download route fetches the object by id without owner scoping ----------------


@fam("mod-invoice-download-idor", "CWE-639", fws=["flask", "fastapi", "fastapi", "flask"], n=6, wrap=False)
def mod_download_idor(c):
    w, Wc = _w(c)
    if w in ("invoice", "receipt", "export"):
        w, Wc = c.pick(("statement", "Statement"), ("payslip", "Payslip")) if w != "export" else ("export", "Export")
    fmt = c.pick("pdf", "csv")
    page = c.pick(20, 30, 50)
    scope = c.pick("account_id", "owner_id")
    if c.fw == "flask":
        tmpl = '''
            """Customer-facing $w pages: list, detail and $FMT download."""
            from __future__ import annotations

            import io
            import logging
            from dataclasses import dataclass
            from datetime import date

            from flask import Blueprint, abort, jsonify, request, send_file
            from flask_login import current_user, login_required

            from .models import $Wc, db
            from .rendering import render_$fmt

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_portal", __name__, url_prefix="/portal/$ws")

            PAGE_SIZE = $page
            MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv"}


            @dataclass
            class Period:
                start: date
                end: date

                @classmethod
                def from_args(cls) -> "Period | None":
                    try:
                        return cls(date.fromisoformat(request.args["from"]), date.fromisoformat(request.args["to"]))
                    except (KeyError, ValueError):
                        return None


            def _mine():
                return $Wc.query.filter_by($scope=current_user.$scope)


            def _summary(obj: $Wc) -> dict:
                return {"id": obj.id, "number": obj.number, "issued": obj.issued_on.isoformat(),
                        "total": str(obj.total), "status": obj.status}


            @bp.get("/")
            @login_required
            def index():
                q = _mine().order_by($Wc.issued_on.desc())
                period = Period.from_args()
                if period is not None:
                    q = q.filter($Wc.issued_on.between(period.start, period.end))
                page = q.paginate(page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
                return jsonify(items=[_summary(o) for o in page.items], pages=page.pages)


            @bp.get("/<int:$w_id>")
            @login_required
            def detail($w_id: int):
                obj = _mine().filter_by(id=$w_id).first_or_404()
                data = _summary(obj)
                data["lines"] = [{"text": ln.text, "amount": str(ln.amount)} for ln in obj.lines]
                return jsonify(data)


            @bp.post("/<int:$w_id>/email")
            @login_required
            def email_copy($w_id: int):
                obj = _mine().filter_by(id=$w_id).first_or_404()
                if not current_user.email_verified:
                    abort(409, description="verify your e-mail address first")
                current_user.mailer.send_attachment(subject=f"Your $w {obj.number}", body=render_$fmt(obj),
                                                    filename=f"$w-{obj.number}.$fmt")
                log.info("%s %s e-mailed to user %s", "$w", obj.id, current_user.id)
                return jsonify(sent=True), 202


            @bp.get("/<int:$w_id>/download")
            @login_required
            def download($w_id: int):  #@S
                $FIX
                if obj is None:
                    abort(404)
                body = render_$fmt(obj)
                log.info("%s %s downloaded by user %s", "$w", obj.id, current_user.id)
                return send_file(io.BytesIO(body), mimetype=MIMETYPES["$fmt"], as_attachment=True,
                                 download_name=f"$w-{obj.number}.$fmt")
        '''
        vfix = f"obj = db.session.get({Wc}, {w}_id)  #@V"
        sfix = f"obj = _mine().filter_by(id={w}_id).first()"
        v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, fmt=fmt, FMT=fmt.upper(), page=page, scope=scope)
        return Spec(v=v, s=s, full=True, fw="flask",
                    notes="the download route loads the record by the id in the URL without the owner filter used by "
                          "the list and detail routes")
    tmpl = '''
        """FastAPI router serving $w documents to signed-in customers."""
        from __future__ import annotations

        import logging
        from datetime import datetime

        from fastapi import APIRouter, Depends, HTTPException, Query
        from fastapi.responses import Response
        from pydantic import BaseModel
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from .auth import CurrentUser, current_user
        from .db import get_db
        from .models import $Wc
        from .rendering import render_$fmt

        log = logging.getLogger(__name__)
        router = APIRouter(prefix="/api/$ws", tags=["$ws"])

        MEDIA = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


        class ${Wc}Summary(BaseModel):
            id: int
            number: str
            issued_at: datetime
            total: str

            @classmethod
            def of(cls, obj: $Wc) -> "${Wc}Summary":
                return cls(id=obj.id, number=obj.number, issued_at=obj.issued_at, total=str(obj.total))


        def _owned(user: CurrentUser):
            return select($Wc).where($Wc.$scope == user.$scope)


        @router.get("/", response_model=list[${Wc}Summary])
        def list_$ws(limit: int = Query($page, le=100), offset: int = Query(0, ge=0),
                       db: Session = Depends(get_db), user: CurrentUser = Depends(current_user)):
            rows = db.scalars(_owned(user).order_by($Wc.issued_at.desc()).limit(limit).offset(offset))
            return [${Wc}Summary.of(r) for r in rows]


        @router.get("/totals")
        def totals(db: Session = Depends(get_db), user: CurrentUser = Depends(current_user)):
            by_status: dict[str, int] = {}
            grand = 0
            for obj in db.scalars(_owned(user)):
                by_status[obj.status] = by_status.get(obj.status, 0) + 1
                grand += obj.total
            return {"count": sum(by_status.values()), "by_status": by_status, "total": str(grand)}


        @router.get("/{$w_id}", response_model=${Wc}Summary)
        def get_$w($w_id: int, db: Session = Depends(get_db), user: CurrentUser = Depends(current_user)):
            obj = db.scalar(_owned(user).where($Wc.id == $w_id))
            if obj is None:
                raise HTTPException(404)
            return ${Wc}Summary.of(obj)


        @router.get("/{$w_id}/file")
        def download_$w($w_id: int, db: Session = Depends(get_db),  #@S
                        user: CurrentUser = Depends(current_user)):
            $FIX
            if obj is None:
                raise HTTPException(404)
            log.info("%s %s fetched by %s", "$w", obj.id, user.id)
            headers = {"Content-Disposition": f'attachment; filename="$w-{obj.number}.$fmt"'}
            return Response(render_$fmt(obj), media_type=MEDIA["$fmt"], headers=headers)


        @router.delete("/{$w_id}", status_code=204)
        def archive_$w($w_id: int, db: Session = Depends(get_db), user: CurrentUser = Depends(current_user)):
            obj = db.scalar(_owned(user).where($Wc.id == $w_id))
            if obj is None:
                raise HTTPException(404)
            obj.archived = True
            db.commit()
    '''
    tmpl = tmpl.replace("${Wc}", "$Wc")
    vfix = f"obj = db.get({Wc}, {w}_id)  #@V"
    sfix = f"obj = db.scalar(_owned(user).where({Wc}.id == {w}_id))"
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc, fmt=fmt, page=page, scope=scope)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the file route loads the document by its id alone; the other routes select through _owned(user)")


@hardneg(3)
def mod_download_idor_hn(c):
    w, Wc = _w(c)
    page = c.pick(20, 25, 50)
    tmpl = '''
        """DRF viewset for $w records; every queryset is scoped to the requesting user's organisation."""
        from __future__ import annotations

        import logging

        from django.db.models import Count, QuerySet
        from django.http import FileResponse
        from rest_framework import mixins, permissions, serializers, viewsets
        from rest_framework.decorators import action
        from rest_framework.pagination import PageNumberPagination
        from rest_framework.response import Response

        from .models import $Wc
        from .rendering import render_pdf

        logger = logging.getLogger(__name__)


        class IsOrganisationMember(permissions.BasePermission):
            message = "Join an organisation first."

            def has_permission(self, request, view) -> bool:
                return getattr(request.user, "organisation_id", None) is not None


        class Pages(PageNumberPagination):
            page_size = $page
            max_page_size = 200
            page_size_query_param = "size"


        class ${Wc}Serializer(serializers.ModelSerializer):
            item_count = serializers.IntegerField(read_only=True)

            class Meta:
                model = $Wc
                fields = ("id", "title", "status", "created_at", "item_count")
                read_only_fields = ("id", "created_at")


        class ${Wc}ViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                           viewsets.GenericViewSet):
            serializer_class = ${Wc}Serializer
            permission_classes = [permissions.IsAuthenticated, IsOrganisationMember]
            pagination_class = Pages

            def get_queryset(self) -> QuerySet:
                return ($Wc.objects.filter(organisation=self.request.user.organisation)
                        .annotate(item_count=Count("items"))
                        .order_by("-created_at"))

            def filter_queryset(self, queryset: QuerySet) -> QuerySet:
                status = self.request.query_params.get("status")
                if status in {"draft", "open", "closed"}:
                    queryset = queryset.filter(status=status)
                search = self.request.query_params.get("q", "").strip()
                if search:
                    queryset = queryset.filter(title__icontains=search[:100])
                return queryset

            def perform_update(self, serializer):
                obj = serializer.save(updated_by=self.request.user)
                logger.info("%s %s updated by %s", "$w", obj.pk, self.request.user.pk)

            @action(detail=True, methods=["get"])
            def pdf(self, request, pk=None):
                obj = self.get_object()
                return FileResponse(render_pdf(obj), as_attachment=True, filename=f"$w-{obj.pk}.pdf")

            @action(detail=False, methods=["get"])
            def stats(self, request):
                qs = self.get_queryset()
                by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
                return Response({"total": qs.count(), "by_status": by_status})

            @action(detail=True, methods=["post"])
            def duplicate(self, request, pk=None):
                src = self.get_object()
                copy = $Wc.objects.create(organisation=src.organisation, title=f"{src.title} (copy)",
                                          status="draft", created_by=request.user)
                return Response(self.get_serializer(copy).data, status=201)
    '''
    tmpl = tmpl.replace("${Wc}", "$Wc")
    return Spec(s=fill(tmpl, w=w, Wc=Wc, page=page) + "\n", full=True, fw="drf",
                notes="get_object() resolves the pk inside get_queryset(), which filters by the user's organisation")


# ---------------- CWE-306: an operations endpoint registered without the operator dependency ----------------


@fam("mod-ops-endpoint-noauth", "CWE-306", fws=["fastapi", "fastapi", "fastapi", "tornado"], n=6, wrap=False)
def mod_ops_noauth(c):
    w, Wc = _w(c)
    op, call = c.pick(("rebuild-index", "search.rebuild"), ("flush-cache", "cache.flush"),
                      ("replay-dead-letters", "queue.replay_dead_letters"))
    fn = op.replace("-", "_")
    workers = c.pick(2, 4, 8)
    if c.fw == "fastapi":
        tmpl = '''
            """Operations API for the $w service: health, metrics and maintenance jobs."""
            from __future__ import annotations

            import logging
            import os
            import time
            from dataclasses import dataclass

            from fastapi import APIRouter, Depends, Header, HTTPException, status

            from .jobs import JobRunner
            from .security import Operator, require_operator

            log = logging.getLogger("$w.ops")
            router = APIRouter(prefix="/ops", tags=["ops"])
            runner = JobRunner(max_workers=$workers)
            STARTED = time.monotonic()


            @dataclass
            class JobTicket:
                id: str
                kind: str
                requested_by: str

                def as_dict(self) -> dict:
                    return {"id": self.id, "kind": self.kind, "requested_by": self.requested_by}


            def _ticket(kind: str, who: str) -> JobTicket:
                job_id = runner.submit(kind)
                log.info("job %s (%s) requested by %s", job_id, kind, who)
                return JobTicket(job_id, kind, who)


            @router.get("/health")
            def health():
                return {"status": "ok", "uptime": round(time.monotonic() - STARTED, 1)}


            @router.get("/metrics")
            def metrics(op: Operator = Depends(require_operator)):
                return {"queued": runner.queued(), "running": runner.running(), "pid": os.getpid()}


            @router.post("/jobs/reindex-one/{$w_id}")
            def reindex_one($w_id: int, op: Operator = Depends(require_operator)):
                return _ticket(f"reindex:{$w_id}", op.name).as_dict()


            @router.post("/jobs/$op", status_code=status.HTTP_202_ACCEPTED)
            $FIX
                ticket = _ticket("$call", $who)  #@V
                return ticket.as_dict()


            @router.get("/jobs")
            def list_jobs(limit: int = 50, op: Operator = Depends(require_operator)):
                limit = max(1, min(limit, 200))
                return {"jobs": [{"id": j.id, "kind": j.kind, "state": j.state} for j in runner.recent(limit)]}


            @router.post("/jobs/warm-up", status_code=status.HTTP_202_ACCEPTED)
            def warm_up(op: Operator = Depends(require_operator)):
                return _ticket("warmup", op.name).as_dict()


            @router.get("/jobs/{job_id}")
            def job_status(job_id: str, op: Operator = Depends(require_operator)):
                state = runner.state(job_id)
                if state is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown job")
                return {"id": job_id, "state": state}


            @router.delete("/jobs/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
            def cancel_job(job_id: str, op: Operator = Depends(require_operator)):
                if not runner.cancel(job_id):
                    raise HTTPException(status.HTTP_409_CONFLICT, "job already finished")
                log.info("job %s cancelled by %s", job_id, op.name)
        '''
        shape = c.pick("header", "plain")
        if shape == "header":
            vfix = f'def {fn}(x_requested_by: str = Header(default="unknown")):  #@V'
            who = "x_requested_by"
        else:
            vfix = f"def {fn}():  #@V"
            who = '"api"'
        sfix = f"def {fn}(op: Operator = Depends(require_operator)):"
        v, s = pair(tmpl, vfix, sfix, w=w, op=op, call=call, workers=workers, who=who)
        s = s.replace(f'_ticket("{call}", {who})', f'_ticket("{call}", op.name)')
        return Spec(v=v, s=s, full=True, fw="fastapi",
                    notes="the maintenance job route has no require_operator dependency, so anyone reaching the API "
                          "can trigger it")
    tmpl = '''
        """Tornado admin console handlers for the $w service."""
        from __future__ import annotations

        import json
        import logging
        import time

        import tornado.web

        log = logging.getLogger("$w.admin")

        WORKERS = $workers


        class AdminBase(tornado.web.RequestHandler):
            def get_current_user(self):
                token = self.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                return self.settings["operators"].resolve(token) if token else None

            def get_login_url(self) -> str:
                return "/admin/login"

            @property
            def services(self):
                return self.settings["services"]

            def reply(self, payload: dict, status: int = 200) -> None:
                self.set_status(status)
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps(payload))


        class HealthHandler(AdminBase):
            def get(self):
                self.reply({"status": "ok", "time": int(time.time())})


        class StatsHandler(AdminBase):
            @tornado.web.authenticated
            def get(self):
                self.reply({"workers": WORKERS, "queue": self.services.queue.depth(),
                            "cache_keys": self.services.cache.size()})


        class UserLockHandler(AdminBase):
            @tornado.web.authenticated
            async def post(self, user_id: str):
                await self.services.users.lock(int(user_id), by=self.current_user.name)
                log.info("user %s locked by %s", user_id, self.current_user.name)
                self.reply({"locked": int(user_id)})


        class MaintenanceHandler(AdminBase):
            $FIX
            async def post(self):  #@V
                started = time.monotonic()
                result = await self.services.$call()  #@V
                log.info("%s finished in %.1fs", "$op", time.monotonic() - started)
                self.reply({"job": "$op", "result": result})


        class QueueHandler(AdminBase):
            @tornado.web.authenticated
            def get(self):
                queue = self.services.queue
                self.reply({"depth": queue.depth(), "dead_letters": queue.dead_letter_count(),
                            "oldest_age": queue.oldest_age_seconds()})


        class AuditHandler(AdminBase):
            @tornado.web.authenticated
            def get(self):
                limit = min(int(self.get_query_argument("limit", "100")), 500)
                self.reply({"entries": self.services.audit.tail(limit)})


        def admin_routes():
            return [
                (r"/admin/health", HealthHandler),
                (r"/admin/stats", StatsHandler),
                (r"/admin/users/(\\d+)/lock", UserLockHandler),
                (r"/admin/$op", MaintenanceHandler),
                (r"/admin/queue", QueueHandler),
                (r"/admin/audit", AuditHandler),
            ]
    '''
    v, s = pair(tmpl, "", "@tornado.web.authenticated", w=w, op=op, call=call, workers=workers)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="the maintenance handler lacks @tornado.web.authenticated, unlike its sibling admin handlers")


# ---------------- CWE-287: API keys are matched by their public prefix only ----------------


@fam("mod-apikey-prefix-auth", "CWE-287", fws=["fastapi", "flask"], n=6, wrap=False)
def mod_apikey_prefix(c):
    w, Wc = _w(c)
    plen = c.pick(8, 10, 12)
    hdr = c.pick("X-API-Key", "X-Api-Token", "Authorization")
    if c.fw == "fastapi":
        tmpl = '''
            """API key authentication and key management for the $w API."""
            from __future__ import annotations

            import hashlib
            import hmac
            import logging
            import secrets
            from dataclasses import dataclass
            from datetime import datetime, timezone

            from fastapi import APIRouter, Depends, Header, HTTPException, status
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            from .db import get_db
            from .models import ApiKey, User
            from .sessions import session_user

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/keys", tags=["keys"])

            PREFIX_LEN = $plen
            MAX_KEYS = 10


            def _digest(raw: str) -> str:
                return hashlib.sha256(raw.encode()).hexdigest()


            @dataclass(frozen=True)
            class KeyInfo:
                id: int
                prefix: str
                label: str
                last_used: datetime | None

                @property
                def masked(self) -> str:
                    return self.prefix + "…"


            def _new_key() -> tuple[str, str]:
                raw = secrets.token_urlsafe(32)
                return raw, raw[:PREFIX_LEN]


            def api_key_user(key: str = Header(default="", alias="$hdr"), db: Session = Depends(get_db)) -> User:
                raw = key.removeprefix("Bearer ").strip()  #@S
                if len(raw) <= PREFIX_LEN:
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing API key")
                record = db.scalar(select(ApiKey).where(ApiKey.prefix == raw[:PREFIX_LEN]))
                $FIX
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid API key")
                record.last_used_at = datetime.now(timezone.utc)
                db.commit()
                return record.user


            @router.get("/")
            def list_keys(user: User = Depends(session_user), db: Session = Depends(get_db)):
                rows = db.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked.is_(False)))
                infos = [KeyInfo(k.id, k.prefix, k.label, k.last_used_at) for k in rows]
                return [{"id": i.id, "key": i.masked, "label": i.label, "last_used": i.last_used} for i in infos]


            @router.post("/", status_code=201)
            def create_key(label: str, user: User = Depends(session_user), db: Session = Depends(get_db)):
                if db.query(ApiKey).filter_by(user_id=user.id, revoked=False).count() >= MAX_KEYS:
                    raise HTTPException(status.HTTP_409_CONFLICT, "too many keys")
                raw, prefix = _new_key()
                db.add(ApiKey(user_id=user.id, label=label[:60], prefix=prefix, digest=_digest(raw)))
                db.commit()
                log.info("api key %s created for user %s", prefix, user.id)
                return {"key": raw, "prefix": prefix}


            @router.delete("/{key_id}", status_code=204)
            def revoke_key(key_id: int, user: User = Depends(session_user), db: Session = Depends(get_db)):
                record = db.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user.id))
                if record is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND)
                record.revoked = True
                db.commit()


            @router.get("/whoami")
            def whoami(user: User = Depends(api_key_user)):
                return {"id": user.id, "email": user.email}
        '''
    else:
        tmpl = '''
            """Flask API-key authentication for the $w integration endpoints."""
            from __future__ import annotations

            import hashlib
            import hmac
            import logging
            import secrets
            from datetime import datetime, timezone
            from functools import wraps

            from flask import Blueprint, abort, g, jsonify, request
            from flask_login import current_user, login_required

            from .models import ApiKey, db

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_integrations", __name__, url_prefix="/integrations")

            PREFIX_LEN = $plen


            def _digest(raw: str) -> str:
                return hashlib.sha256(raw.encode()).hexdigest()


            def key_required(fn):
                @wraps(fn)
                def inner(*args, **kwargs):
                    raw = request.headers.get("$hdr", "").removeprefix("Bearer ").strip()  #@S
                    if len(raw) <= PREFIX_LEN:
                        abort(401)
                    record = ApiKey.query.filter_by(prefix=raw[:PREFIX_LEN]).first()
                    $FIX
                        log.info("rejected API key with prefix %s", raw[:PREFIX_LEN])
                        abort(401)
                    record.last_used_at = datetime.now(timezone.utc)
                    db.session.commit()
                    g.api_user = record.user
                    return fn(*args, **kwargs)
                return inner


            @bp.post("/keys")
            @login_required
            def create_key():
                raw = secrets.token_urlsafe(32)
                key = ApiKey(user_id=current_user.id, prefix=raw[:PREFIX_LEN], digest=_digest(raw),
                             label=(request.form.get("label") or "default")[:60])
                db.session.add(key)
                db.session.commit()
                return jsonify(key=raw, prefix=key.prefix), 201


            @bp.post("/keys/<int:key_id>/revoke")
            @login_required
            def revoke_key(key_id: int):
                key = ApiKey.query.filter_by(id=key_id, user_id=current_user.id).first_or_404()
                key.revoked = True
                db.session.commit()
                log.info("api key %s revoked by user %s", key.prefix, current_user.id)
                return jsonify(revoked=key.id)


            @bp.get("/keys")
            @login_required
            def list_keys():
                rows = ApiKey.query.filter_by(user_id=current_user.id, revoked=False).order_by(ApiKey.created_at)
                return jsonify([{"id": k.id, "prefix": k.prefix, "label": k.label} for k in rows])


            @bp.get("/$ws")
            @key_required
            def export_$ws():
                since = request.args.get("since")
                rows = g.api_user.$ws_since(since)
                return jsonify([{"id": r.id, "updated": r.updated_at.isoformat()} for r in rows])


            @bp.post("/$ws/<int:item_id>/ack")
            @key_required
            def ack(item_id: int):
                g.api_user.acknowledge_$w(item_id)
                log.info("%s %s acknowledged via key of user %s", "$w", item_id, g.api_user.id)
                return jsonify(ok=True)
        '''
    vfix = "if record is None or record.revoked:  #@V"
    sfix = "if record is None or record.revoked or not hmac.compare_digest(record.digest, _digest(raw)):"
    v, s = pair(tmpl, vfix, sfix, w=w, plen=plen, hdr=hdr)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the key is looked up by its public prefix and accepted without comparing the stored digest "
                      "of the full secret")


# ---------------- CWE-269: a manager may grant any role, including ones above their own ----------------


@fam("mod-member-role-grant", "CWE-269", fws=["django", "fastapi", "django", "django"], n=6, wrap=False)
def mod_role_grant(c):
    w, Wc = _w(c)
    roles = c.pick(("viewer", "editor", "manager", "owner"), ("member", "lead", "admin", "owner"),
                   ("guest", "staff", "supervisor", "owner"))
    mgr = roles[2]
    rank = ", ".join(f'"{r}": {i}' for i, r in enumerate(roles))
    if c.fw == "django":
        tmpl = '''
            """Django views for managing members of a $w team."""
            from __future__ import annotations

            import json
            import logging

            from django.contrib.auth.decorators import login_required
            from django.core.exceptions import PermissionDenied
            from django.db import transaction
            from django.http import HttpRequest, JsonResponse
            from django.shortcuts import get_object_or_404
            from django.views.decorators.http import require_GET, require_POST

            from .models import Membership, Team

            logger = logging.getLogger(__name__)

            ROLE_RANK = {$rank}
            MANAGER = "$mgr"


            def _membership(request: HttpRequest, team: Team) -> Membership:
                m = Membership.objects.filter(team=team, user=request.user).first()
                if m is None:
                    raise PermissionDenied
                return m


            def _require_manager(actor: Membership) -> None:
                if ROLE_RANK[actor.role] < ROLE_RANK[MANAGER]:
                    raise PermissionDenied


            def _as_json(m: Membership) -> dict:
                return {"id": m.pk, "user": m.user.get_username(), "role": m.role, "joined": m.created_at.isoformat()}


            @login_required
            @require_GET
            def members(request: HttpRequest, team_id: int) -> JsonResponse:
                team = get_object_or_404(Team, pk=team_id)
                _membership(request, team)
                rows = Membership.objects.filter(team=team).select_related("user").order_by("created_at")
                return JsonResponse({"members": [_as_json(m) for m in rows]})


            @login_required
            @require_POST
            def change_role(request: HttpRequest, team_id: int, member_id: int) -> JsonResponse:
                team = get_object_or_404(Team, pk=team_id)
                actor = _membership(request, team)
                _require_manager(actor)
                new_role = json.loads(request.body or b"{}").get("role", "")  #@S
                if new_role not in ROLE_RANK:
                    return JsonResponse({"error": "unknown role"}, status=400)
                target = get_object_or_404(Membership, pk=member_id, team=team)
                if target.user_id == request.user.pk:
                    return JsonResponse({"error": "you cannot change your own role"}, status=400)
                $FIX
                with transaction.atomic():
                    target.role = new_role  #@V
                    target.save(update_fields=["role"])
                logger.info("member %s of team %s set to %s by %s", target.pk, team.pk, new_role, request.user.pk)
                return JsonResponse(_as_json(target))


            @login_required
            @require_POST
            def leave_team(request: HttpRequest, team_id: int) -> JsonResponse:
                team = get_object_or_404(Team, pk=team_id)
                me = _membership(request, team)
                if me.role == "owner" and not Membership.objects.filter(team=team, role="owner").exclude(pk=me.pk).exists():
                    return JsonResponse({"error": "transfer ownership before leaving"}, status=409)
                me.delete()
                logger.info("user %s left team %s", request.user.pk, team.pk)
                return JsonResponse({"left": team.pk})


            @login_required
            @require_POST
            def remove_member(request: HttpRequest, team_id: int, member_id: int) -> JsonResponse:
                team = get_object_or_404(Team, pk=team_id)
                actor = _membership(request, team)
                _require_manager(actor)
                target = get_object_or_404(Membership, pk=member_id, team=team)
                if ROLE_RANK[target.role] >= ROLE_RANK[actor.role]:
                    raise PermissionDenied
                target.delete()
                logger.info("member %s removed from team %s by %s", member_id, team.pk, request.user.pk)
                return JsonResponse({"removed": member_id})
        '''
        sfix = "if ROLE_RANK[new_role] >= ROLE_RANK[actor.role] or ROLE_RANK[target.role] >= ROLE_RANK[actor.role]:\n    raise PermissionDenied"
    else:
        tmpl = '''
            """FastAPI router: $w workspace membership administration."""
            from __future__ import annotations

            import logging
            from enum import Enum

            from fastapi import APIRouter, Depends, HTTPException, status
            from pydantic import BaseModel
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            from .auth import User, current_user
            from .db import get_db
            from .models import Member

            log = logging.getLogger(__name__)
            router = APIRouter(prefix="/workspaces/{ws_id}/members", tags=["members"])

            ROLE_RANK = {$rank}
            Role = Enum("Role", {r: r for r in ROLE_RANK}, type=str)


            class RoleChange(BaseModel):
                role: Role


            class MemberOut(BaseModel):
                id: int
                email: str
                role: str


            def acting_member(ws_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)) -> Member:
                me = db.scalar(select(Member).where(Member.workspace_id == ws_id, Member.user_id == user.id))
                if me is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND)
                return me


            def manager(me: Member = Depends(acting_member)) -> Member:
                if ROLE_RANK[me.role] < ROLE_RANK["$mgr"]:
                    raise HTTPException(status.HTTP_403_FORBIDDEN, "managers only")
                return me


            def _target(db: Session, ws_id: int, member_id: int) -> Member:
                m = db.scalar(select(Member).where(Member.workspace_id == ws_id, Member.id == member_id))
                if m is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND)
                return m


            @router.get("/", response_model=list[MemberOut])
            def list_members(ws_id: int, me: Member = Depends(acting_member), db: Session = Depends(get_db)):
                rows = db.scalars(select(Member).where(Member.workspace_id == ws_id).order_by(Member.id))
                return [MemberOut(id=m.id, email=m.email, role=m.role) for m in rows]


            @router.get("/me", response_model=MemberOut)
            def me_in_workspace(me: Member = Depends(acting_member)):
                return MemberOut(id=me.id, email=me.email, role=me.role)


            @router.put("/{member_id}/role", response_model=MemberOut)
            def set_role(ws_id: int, member_id: int, change: RoleChange,  #@S
                         me: Member = Depends(manager), db: Session = Depends(get_db)):
                target = _target(db, ws_id, member_id)
                if target.id == me.id:
                    raise HTTPException(status.HTTP_400_BAD_REQUEST, "cannot change your own role")
                $FIX
                target.role = change.role.value  #@V
                db.commit()
                log.info("member %s in workspace %s now %s (by %s)", target.id, ws_id, target.role, me.id)
                return MemberOut(id=target.id, email=target.email, role=target.role)


            @router.delete("/{member_id}", status_code=204)
            def remove(ws_id: int, member_id: int, me: Member = Depends(manager), db: Session = Depends(get_db)):
                target = _target(db, ws_id, member_id)
                if ROLE_RANK[target.role] >= ROLE_RANK[me.role]:
                    raise HTTPException(status.HTTP_403_FORBIDDEN, "cannot remove a peer or superior")
                db.delete(target)
                db.commit()
                log.info("member %s removed from workspace %s by %s", member_id, ws_id, me.id)
        '''
        sfix = ("if max(ROLE_RANK[change.role.value], ROLE_RANK[target.role]) >= ROLE_RANK[me.role]:\n"
                "    raise HTTPException(status.HTTP_403_FORBIDDEN, \"cannot grant or change a role at or above yours\")")
    v, s = pair(tmpl, "", sfix, w=w, rank=rank, mgr=mgr)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="a manager can assign any role, including owner or their own rank, to other members "
                      "(no ceiling at the actor's rank)")


# ---------------- CWE-200: a member directory serializer includes a secret field ----------------


@fam("mod-directory-secret-field", "CWE-200", fws=["drf", "flask", "drf", "flask"], n=6, wrap=False)
def mod_directory_secret(c):
    w, Wc = _w(c)
    secret = c.pick("api_token", "totp_secret", "password_reset_token")
    page = c.pick(25, 50, 100)
    if c.fw == "drf":
        tmpl = '''
            """DRF endpoints of the $w team directory."""
            from __future__ import annotations

            import logging

            from django.contrib.auth import get_user_model
            from django.db.models import Q
            from rest_framework import generics, permissions, serializers
            from rest_framework.pagination import LimitOffsetPagination

            from .models import Team

            logger = logging.getLogger(__name__)
            User = get_user_model()


            class DirectoryPagination(LimitOffsetPagination):
                default_limit = $page
                max_limit = 200


            class TeamSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Team
                    fields = ("id", "name", "slug")


            class DirectoryEntrySerializer(serializers.ModelSerializer):
                team = TeamSerializer(read_only=True)
                full_name = serializers.SerializerMethodField()

                class Meta:
                    model = User
                    $FIX
                    read_only_fields = fields

                def get_full_name(self, obj) -> str:
                    return f"{obj.first_name} {obj.last_name}".strip() or obj.username


            class DirectoryList(generics.ListAPIView):
                serializer_class = DirectoryEntrySerializer
                permission_classes = [permissions.IsAuthenticated]
                pagination_class = DirectoryPagination

                def get_queryset(self):
                    qs = User.objects.filter(is_active=True, organisation=self.request.user.organisation)
                    term = self.request.query_params.get("q", "").strip()[:80]
                    if term:
                        qs = qs.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term)
                                       | Q(username__icontains=term))
                    team = self.request.query_params.get("team")
                    if team and team.isdigit():
                        qs = qs.filter(team_id=int(team))
                    return qs.select_related("team").order_by("last_name", "first_name")


            class DirectoryDetail(generics.RetrieveAPIView):
                serializer_class = DirectoryEntrySerializer
                permission_classes = [permissions.IsAuthenticated]
                lookup_field = "username"

                def get_queryset(self):
                    return User.objects.filter(is_active=True, organisation=self.request.user.organisation)


            class TeamMembers(generics.ListAPIView):
                serializer_class = DirectoryEntrySerializer
                permission_classes = [permissions.IsAuthenticated]
                pagination_class = DirectoryPagination

                def get_queryset(self):
                    return (User.objects.filter(is_active=True, organisation=self.request.user.organisation,
                                                team__slug=self.kwargs["slug"])
                            .select_related("team").order_by("last_name"))


            class TeamList(generics.ListAPIView):
                serializer_class = TeamSerializer
                permission_classes = [permissions.IsAuthenticated]

                def get_queryset(self):
                    return Team.objects.filter(organisation=self.request.user.organisation).order_by("name")
        '''
        base = '"id", "username", "full_name", "email", "team", "title", "date_joined"'
        vfix = f"fields = ({base}, \"{secret}\")  #@V"
        sfix = f"fields = ({base})"
    else:
        tmpl = '''
            """Flask blueprint: $w team directory (JSON)."""
            from __future__ import annotations

            import logging
            from dataclasses import dataclass

            from flask import Blueprint, abort, jsonify, request
            from flask_login import current_user, login_required
            from sqlalchemy import or_

            from .models import Team, User

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_directory", __name__, url_prefix="/directory")

            PAGE_SIZE = $page


            @dataclass
            class Query:
                term: str
                team_id: int | None
                page: int

                @classmethod
                def parse(cls) -> "Query":
                    team = request.args.get("team", "")
                    return cls(term=request.args.get("q", "").strip()[:80],
                               team_id=int(team) if team.isdigit() else None,
                               page=max(1, request.args.get("page", 1, type=int)))


            def _entry(u: User) -> dict:
                return {
                    "id": u.id,
                    "name": u.display_name,
                    "email": u.email,
                    "team": u.team.name if u.team else None,
                    "title": u.job_title,
                    $FIX
                }


            def _scoped():
                return User.query.filter_by(organisation_id=current_user.organisation_id, active=True)


            @bp.get("/people")
            @login_required
            def people():
                q = Query.parse()
                rows = _scoped()
                if q.term:
                    like = f"%{q.term}%"
                    rows = rows.filter(or_(User.display_name.ilike(like), User.email.ilike(like)))
                if q.team_id is not None:
                    rows = rows.filter_by(team_id=q.team_id)
                page = rows.order_by(User.display_name).paginate(page=q.page, per_page=PAGE_SIZE, error_out=False)
                return jsonify(people=[_entry(u) for u in page.items], total=page.total)


            @bp.get("/people/<int:user_id>")
            @login_required
            def person(user_id: int):
                u = _scoped().filter_by(id=user_id).first()
                if u is None:
                    abort(404)
                return jsonify(_entry(u))


            @bp.get("/teams/<int:team_id>/people")
            @login_required
            def team_people(team_id: int):
                team = Team.query.filter_by(id=team_id, organisation_id=current_user.organisation_id).first_or_404()
                rows = _scoped().filter_by(team_id=team.id).order_by(User.display_name).limit(500)
                return jsonify(team=team.name, people=[_entry(u) for u in rows])


            @bp.get("/teams")
            @login_required
            def teams():
                rows = Team.query.filter_by(organisation_id=current_user.organisation_id).order_by(Team.name)
                return jsonify([{"id": t.id, "name": t.name, "size": len(t.members)} for t in rows])
        '''
        vfix = f'"{secret}": u.{secret},  #@V'
        sfix = ""
    v, s = pair(tmpl, vfix, sfix, w=w, page=page)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"every colleague's {secret} is returned by the directory endpoints")


# ---------------- CWE-209: the error middleware returns the traceback to the client ----------------


@fam("mod-error-middleware-trace", "CWE-209", fws=["aiohttp", "aiohttp", "tornado"], n=6, wrap=False)
def mod_error_trace(c):
    w, Wc = _w(c)
    key = c.pick("detail", "trace", "debug")
    if c.fw == "aiohttp":
        tmpl = '''
            """aiohttp application factory for the $w API: middlewares, routes, lifecycle."""
            from __future__ import annotations

            import logging
            import time
            import traceback
            import uuid

            from aiohttp import web

            from .db import close_pool, open_pool
            from .views import routes

            log = logging.getLogger("$w.app")

            SLOW_MS = 750


            @web.middleware
            async def request_id(request: web.Request, handler):
                request["rid"] = request.headers.get("X-Request-ID") or uuid.uuid4().hex
                response = await handler(request)
                response.headers["X-Request-ID"] = request["rid"]
                return response


            @web.middleware
            async def timing(request: web.Request, handler):
                started = time.perf_counter()
                try:
                    return await handler(request)
                finally:
                    ms = (time.perf_counter() - started) * 1000
                    if ms > SLOW_MS:
                        log.warning("slow request %s %s: %.0f ms", request.method, request.path, ms)


            @web.middleware
            async def security_headers(request: web.Request, handler):
                response = await handler(request)
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                response.headers.setdefault("Cache-Control", "no-store")
                return response


            @web.middleware
            async def errors(request: web.Request, handler):
                try:
                    return await handler(request)
                except web.HTTPException:
                    raise
                except Exception:
                    log.exception("unhandled error in %s %s", request.method, request.path)
                    $FIX


            async def on_startup(app: web.Application) -> None:
                app["pool"] = await open_pool(app["config"]["database_url"])


            async def on_cleanup(app: web.Application) -> None:
                await close_pool(app["pool"])


            async def health(request: web.Request) -> web.Response:
                async with request.app["pool"].acquire() as conn:
                    await conn.execute("SELECT 1")
                return web.json_response({"status": "ok"})


            def create_app(config: dict) -> web.Application:
                app = web.Application(middlewares=[request_id, timing, security_headers, errors], client_max_size=2 * 1024 * 1024)
                app["config"] = config
                app.router.add_get("/healthz", health)
                app.add_routes(routes)
                app.on_startup.append(on_startup)
                app.on_cleanup.append(on_cleanup)
                return app


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                web.run_app(create_app({"database_url": "postgresql://localhost/$w"}), port=8080)
        '''
        vfix = ('return web.json_response({"error": "internal error", "request_id": request.get("rid"),\n'
                f'                          "{key}": traceback.format_exc()}}, status=500)  #@V')
        sfix = ('return web.json_response({"error": "internal error", "request_id": request.get("rid")},\n'
                '                         status=500)')
        v, s = pair(tmpl, vfix, sfix, w=w)
        s = s.replace("import traceback\n", "")
        return Spec(v=v, s=s, full=True, fw="aiohttp",
                    notes="the error middleware sends the Python traceback of unhandled exceptions to the client")
    tmpl = '''
        """Tornado base handler and application for the $w service."""
        from __future__ import annotations

        import json
        import logging
        import traceback
        import uuid

        import tornado.web

        from .handlers import $WcHandler, $WcListHandler

        log = logging.getLogger("$w.web")


        class JsonHandler(tornado.web.RequestHandler):
            def prepare(self) -> None:
                self.request_id = self.request.headers.get("X-Request-ID") or uuid.uuid4().hex
                self.set_header("X-Request-ID", self.request_id)
                if self.request.method in ("POST", "PUT", "PATCH") and self.request.body:
                    try:
                        self.json = json.loads(self.request.body)
                    except ValueError:
                        raise tornado.web.HTTPError(400, reason="body must be JSON")
                else:
                    self.json = {}

            def set_default_headers(self) -> None:
                self.set_header("Content-Type", "application/json")
                self.set_header("Cache-Control", "no-store")

            def write_error(self, status_code: int, **kwargs) -> None:
                payload = {"error": self._reason, "status": status_code, "request_id": self.request_id}
                if "exc_info" in kwargs and status_code >= 500:
                    log.error("request %s failed", self.request_id, exc_info=kwargs["exc_info"])
                    $FIX
                self.finish(json.dumps(payload))

            def send(self, payload, status: int = 200) -> None:
                self.set_status(status)
                self.finish(json.dumps(payload, default=str))


        class HealthHandler(JsonHandler):
            def get(self):
                self.send({"status": "ok"})


        class VersionHandler(JsonHandler):
            def get(self):
                self.send({"version": self.settings.get("version", "dev")})


        class NotFoundHandler(JsonHandler):
            def prepare(self) -> None:
                super().prepare()
                raise tornado.web.HTTPError(404, reason="no such route")


        def make_app(settings: dict) -> tornado.web.Application:
            return tornado.web.Application(
                [
                    (r"/healthz", HealthHandler),
                    (r"/version", VersionHandler),
                    (r"/api/$ws", $WcListHandler),
                    (r"/api/$ws/(\\d+)", $WcHandler),
                ],
                cookie_secret=settings["cookie_secret"],
                default_handler_class=NotFoundHandler,
                **{k: v for k, v in settings.items() if k != "cookie_secret"},
            )


        def main() -> None:
            import tornado.ioloop
            from .config import load_settings

            logging.basicConfig(level=logging.INFO)
            app = make_app(load_settings())
            app.listen(8888)
            tornado.ioloop.IOLoop.current().start()
    '''
    vfix = f'payload["{key}"] = "".join(traceback.format_exception(*kwargs["exc_info"]))  #@V'
    sfix = 'payload["error"] = "internal error"'
    v, s = pair(tmpl, vfix, sfix, w=w, Wc=Wc)
    s = s.replace("import traceback\n", "")
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="write_error puts the formatted exception and stack into the JSON error body")


# ---------------- CWE-863: the scope/role check tests the wrong thing ----------------


@fam("mod-scope-check-wrong", "CWE-863", fws=["fastapi", "flask", "fastapi", "flask"], n=6, wrap=False)
def mod_scope_wrong(c):
    w, Wc = _w(c)
    shape = c.pick("any", "prefix")
    page = c.pick(20, 50, 100)
    if c.fw == "fastapi":
        tmpl = '''
            """$Wc API secured with OAuth2 bearer tokens and per-route scopes."""
            from __future__ import annotations

            import logging

            import jwt
            from fastapi import APIRouter, Depends, HTTPException, status
            from fastapi.security import OAuth2PasswordBearer
            from pydantic import BaseModel, Field

            from .config import settings
            from .repo import $WcRepo, get_repo

            log = logging.getLogger(__name__)
            oauth2 = OAuth2PasswordBearer(tokenUrl="/oauth/token")
            router = APIRouter(prefix="/api/$ws", tags=["$ws"])


            class ${Wc}In(BaseModel):
                title: str = Field(min_length=1, max_length=200)
                notes: str = Field(default="", max_length=4000)


            def token_claims(token: str = Depends(oauth2)) -> dict:
                try:
                    return jwt.decode(token, settings.jwt_public_key, algorithms=["RS256"], audience="$w-api")
                except jwt.PyJWTError:
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")


            def require_scope(scope: str):
                def checker(claims: dict = Depends(token_claims)) -> dict:
                    granted = set(claims.get("scope", "").split())
                    $FIX
                        log.info("token of %s lacks scope %s", claims.get("sub"), scope)
                        raise HTTPException(status.HTTP_403_FORBIDDEN, f"requires {scope}")
                    return claims
                return checker


            @router.get("/")
            def list_$ws(limit: int = $page, claims: dict = Depends(require_scope("$w:read")),
                           repo: ${Wc}Repo = Depends(get_repo)):
                return repo.list(owner=claims["sub"], limit=min(limit, 200))


            @router.get("/{item_id}")
            def get_$w(item_id: int, claims: dict = Depends(require_scope("$w:read")),
                       repo: ${Wc}Repo = Depends(get_repo)):
                item = repo.get(item_id, owner=claims["sub"])
                if item is None:
                    raise HTTPException(status.HTTP_404_NOT_FOUND)
                return item


            @router.get("/{item_id}/history")
            def history(item_id: int, claims: dict = Depends(require_scope("$w:read")),
                        repo: ${Wc}Repo = Depends(get_repo)):
                return {"id": item_id, "events": repo.history(item_id, owner=claims["sub"], limit=100)}


            @router.post("/", status_code=201)
            def create_$w(body: ${Wc}In, claims: dict = Depends(require_scope("$w:write")),
                          repo: ${Wc}Repo = Depends(get_repo)):
                new_id = repo.create(owner=claims["sub"], **body.model_dump())
                log.info("%s %s created by %s", "$w", new_id, claims["sub"])
                return {"id": new_id}


            @router.put("/{item_id}")
            def update_$w(item_id: int, body: ${Wc}In, claims: dict = Depends(require_scope("$w:write")),
                          repo: ${Wc}Repo = Depends(get_repo)):
                if not repo.update(item_id, owner=claims["sub"], **body.model_dump()):
                    raise HTTPException(status.HTTP_404_NOT_FOUND)
                return {"id": item_id}


            @router.delete("/{item_id}", status_code=204)
            def purge_$w(item_id: int, claims: dict = Depends(require_scope("$w:admin")),
                         repo: ${Wc}Repo = Depends(get_repo)):
                repo.purge(item_id)
                log.warning("%s %s purged by %s", "$w", item_id, claims["sub"])
        '''
        fixed = "if scope not in granted:"
    else:
        tmpl = '''
            """Flask blueprint for $w records with role-based access."""
            from __future__ import annotations

            import logging
            from functools import wraps

            from flask import Blueprint, abort, g, jsonify, request

            from .auth import load_user_from_token
            from .models import $Wc, db

            log = logging.getLogger(__name__)
            bp = Blueprint("$w_records", __name__, url_prefix="/api/$ws")

            PAGE_SIZE = $page


            @bp.before_request
            def authenticate():
                g.user = load_user_from_token(request.headers.get("Authorization", ""))
                if g.user is None:
                    abort(401)


            def roles_required(*roles: str):
                def deco(fn):
                    @wraps(fn)
                    def inner(*args, **kwargs):
                        granted = {r.name for r in g.user.roles}
                        $FIX
                            log.info("user %s denied %s (needs %s)", g.user.id, fn.__name__, roles)
                            abort(403)
                        return fn(*args, **kwargs)
                    return inner
                return deco


            def _out(obj: $Wc) -> dict:
                return {"id": obj.id, "title": obj.title, "state": obj.state, "updated": obj.updated_at.isoformat()}


            @bp.get("/")
            @roles_required("$w.viewer", "$w.editor", "$w.admin")
            def index():
                page = request.args.get("page", 1, type=int)
                rows = $Wc.query.order_by($Wc.updated_at.desc()).paginate(page=page, per_page=PAGE_SIZE)
                return jsonify(items=[_out(o) for o in rows.items], total=rows.total)


            @bp.post("/")
            @roles_required("$w.editor", "$w.admin")
            def create():
                data = request.get_json(force=True) or {}
                title = str(data.get("title", "")).strip()
                if not title:
                    abort(400)
                obj = $Wc(title=title[:200], state="draft", created_by=g.user.id)
                db.session.add(obj)
                db.session.commit()
                return jsonify(_out(obj)), 201


            @bp.get("/<int:pk>")
            @roles_required("$w.viewer", "$w.editor", "$w.admin")
            def show(pk: int):
                return jsonify(_out(db.get_or_404($Wc, pk)))


            @bp.delete("/<int:pk>")
            @roles_required("$w.admin")
            def destroy(pk: int):
                obj = db.get_or_404($Wc, pk)
                db.session.delete(obj)
                db.session.commit()
                log.warning("%s %s deleted by %s", "$w", pk, g.user.id)
                return "", 204


            @bp.post("/<int:pk>/publish")
            @roles_required("$w.admin")
            def publish(pk: int):
                obj = db.get_or_404($Wc, pk)
                obj.state = "published"
                db.session.commit()
                log.info("%s %s published by %s", "$w", pk, g.user.id)
                return jsonify(_out(obj))
        '''
        fixed = "if not granted.intersection(roles):"
    tmpl = tmpl.replace("${Wc}", "$Wc")
    if c.fw == "fastapi":
        bad = ("if not granted:  #@V" if shape == "any"
               else 'if not any(s.startswith(scope.split(":")[0]) for s in granted):  #@V')
    else:
        bad = ("if not granted:  #@V" if shape == "any"
               else 'if not any(r.startswith(roles[0].split(".")[0]) for r in granted):  #@V')
    v, s = pair(tmpl, bad, fixed, w=w, Wc=Wc, page=page)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the check accepts any scope/role (or any of the same resource prefix) instead of the "
                      "required one, so read-only tokens reach write and admin routes")
