"""Access-control families: missing authorization (862), incorrect authorization (863),
user-controlled keys / IDOR (639), missing authentication (306), improper authentication (287),
privilege management (269). The vulnerable lines are the unprotected action and, where the
weakness is a missing or wrong check, the line where the check is (or should be)."""
from core import Spec
from registry import hardneg, fam


def W(c):
    return c.word, c.word.capitalize()


# ---------------- CWE-862 missing authorization ----------------


@fam("authz-flask-admin-action", "CWE-862", fws=["flask"], n=8, wrap=False)
def authz_flask(c):
    w, Wc = W(c)
    model = c.pick("User", "Account", "Member")
    act, attr = c.pick(("disable_user", "disabled"), ("lock_user", "locked"), ("flag_user", "flagged"), ("suspend_user", "suspended"))
    v = f"""
        from flask import Flask, abort, jsonify
        from flask_login import current_user, login_required

        from .models import {model}, db

        app = Flask(__name__)


        @app.route("/admin/users/<int:user_id>/{act}", methods=["POST"])
        @login_required
        def {act}(user_id):  #@V
            target = db.session.get({model}, user_id)
            if target is None:
                abort(404)
            target.{attr} = True  #@V
            db.session.commit()
            return jsonify(ok=True, user=user_id)
    """
    s = v.replace("""        def {act}(user_id):  #@V
            target""".format(act=act), """        def {act}(user_id):
            if not current_user.is_admin:
                abort(403)
            target""".format(act=act)).replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="any logged-in user can run an admin action")


@fam("authz-django-export-all", "CWE-862", fws=["django"], n=8, wrap=False)
def authz_django(c):
    w, Wc = W(c)
    v = f"""
        import csv

        from django.contrib.auth.decorators import login_required
        from django.http import HttpResponse

        from .models import {Wc}


        @login_required  #@V
        def export_{w}s(request):
            response = HttpResponse(content_type="text/csv")
            writer = csv.writer(response)
            for obj in {Wc}.objects.all():  #@V
                writer.writerow([obj.pk, obj.owner.email, obj.created_at])
            return response
    """
    s = v.replace("@login_required  #@V", f'@permission_required("app.export_{w}", raise_exception=True)').replace(
        "from django.contrib.auth.decorators import login_required", "from django.contrib.auth.decorators import permission_required").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("authz-drf-isauthenticated", "CWE-862", fws=["django"], n=8, wrap=False)
def authz_drf(c):
    w, Wc = W(c)
    v = f"""
        from rest_framework import viewsets
        from rest_framework.permissions import IsAuthenticated

        from .models import Refund
        from .serializers import RefundSerializer


        class {Wc}RefundViewSet(viewsets.ModelViewSet):
            queryset = Refund.objects.select_related("order")
            serializer_class = RefundSerializer
            permission_classes = [IsAuthenticated]  #@V
    """
    s = v.replace("permission_classes = [IsAuthenticated]  #@V", "permission_classes = [IsAuthenticated, IsAdminUser]").replace(
        "import IsAuthenticated", "import IsAdminUser, IsAuthenticated")
    return Spec(v=v, s=s, full=True, notes="refund management open to every authenticated customer")


@fam("authz-fastapi-feature-flags", "CWE-862", fws=["fastapi"], n=8, wrap=False)
def authz_fastapi(c):
    w, Wc = W(c)
    flag = c.pick("maintenance_mode", "signup_enabled", "beta_pricing", "rate_limit")
    v = f"""
        from fastapi import Depends, FastAPI, HTTPException

        from .auth import User, get_current_user
        from .flags import FLAGS

        app = FastAPI()


        @app.put("/{w}/flags/{{name}}")
        async def set_flag(name: str, value: bool, user: User = Depends(get_current_user)):  #@V
            if name not in FLAGS:
                raise HTTPException(status_code=404)
            FLAGS[name] = value  #@V
            return {{"{flag}": FLAGS.get("{flag}"), "changed": name}}
    """
    s = v.replace("""            if name not in FLAGS:
                raise HTTPException(status_code=404)""", """            if "admin" not in user.roles:
                raise HTTPException(status_code=403)
            if name not in FLAGS:
                raise HTTPException(status_code=404)""").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("authz-aiohttp-config", "CWE-862", fws=["aiohttp"], n=8, wrap=False)
def authz_aiohttp(c):
    w, Wc = W(c)
    v = f"""
        from aiohttp import web
        from aiohttp_session import get_session


        async def update_{w}_config(request):
            session = await get_session(request)
            if "uid" not in session:  #@V
                raise web.HTTPUnauthorized()
            body = await request.json()
            request.app["config"].update(body)  #@V
            return web.json_response(request.app["config"])
    """
    s = v.replace("""            body = await request.json()""", """            if session.get("role") != "admin":
                raise web.HTTPForbidden()
            body = await request.json()""").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("authz-flask-admin-modelview", "CWE-862", fws=["flask"], n=8, wrap=False)
def authz_modelview(c):
    w, Wc = W(c)
    v = f"""
        from flask import Flask
        from flask_admin import Admin
        from flask_admin.contrib.sqla import ModelView
        from flask_login import current_user

        from .models import {Wc}, User, db

        app = Flask(__name__)
        admin = Admin(app, name="{w} admin")


        class SecureView(ModelView):  #@V
            column_exclude_list = ["password_hash"]


        admin.add_view(SecureView(User, db.session))  #@V
        admin.add_view(SecureView({Wc}, db.session))  #@V
    """
    s = v.replace('''            column_exclude_list = ["password_hash"]''', '''            column_exclude_list = ["password_hash"]

            def is_accessible(self):
                return current_user.is_authenticated and current_user.is_admin''').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="admin views without is_accessible are open to everyone")


@fam("authz-queue-command", "CWE-862", fws=["pipeline"], n=8, wrap=False)
def authz_queue(c):
    w, Wc = W(c)
    v = f"""
        import json

        from .tenants import delete_tenant, get_membership


        def handle_{w}_command(raw):
            msg = json.loads(raw)
            actor, tenant = msg["actor_id"], msg["tenant_id"]
            if msg["action"] == "delete_tenant":
                get_membership(actor, tenant)  #@V
                delete_tenant(tenant)  #@V
            return {{"done": msg["action"]}}
    """
    s = v.replace("""                get_membership(actor, tenant)  #@V
                delete_tenant(tenant)  #@V""", """                membership = get_membership(actor, tenant)
                if membership is None or membership.role != "owner":
                    raise PermissionError("only the owner may delete a tenant")
                delete_tenant(tenant)""")
    return Spec(v=v, s=s, full=True)


# ---------------- CWE-863 incorrect authorization ----------------


@fam("authz-role-from-cookie", "CWE-863", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def authz_cookie_role(c):
    w, Wc = W(c)
    if c.fw == "flask":
        v = f"""
            from flask import Flask, abort, request, session

            app = Flask(__name__)


            @app.route("/{w}s/<int:pk>", methods=["DELETE"])
            def delete_{w}(pk):
                if request.cookies.get("role") != "admin":  #@V
                    abort(403)
                remove(pk)  #@V
                return "", 204


            def remove(pk):
                return pk
        """
        s = v.replace('request.cookies.get("role") != "admin":  #@V', 'session.get("role") != "admin":').replace("  #@V", "")
    elif c.fw == "django":
        v = f"""
            from django.http import HttpResponseForbidden, JsonResponse

            from .models import {Wc}


            def delete_{w}(request, pk):
                if request.headers.get("X-User-Role") != "admin":  #@V
                    return HttpResponseForbidden()
                {Wc}.objects.filter(pk=pk).delete()  #@V
                return JsonResponse({{"deleted": pk}})
        """
        s = v.replace('request.headers.get("X-User-Role") != "admin":  #@V', 'not request.user.has_perm("app.delete_{w}"):'.format(w=w)).replace("  #@V", "")
    else:
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session


            async def delete_{w}(request):
                body = await request.json()
                if not body.get("is_admin"):  #@V
                    raise web.HTTPForbidden()
                await request.app["db"].execute("DELETE FROM {w}s WHERE id = $1", int(request.match_info["id"]))  #@V
                return web.json_response({{"ok": True}})
        """
        s = v.replace('''                body = await request.json()
                if not body.get("is_admin"):  #@V''', '''                session = await get_session(request)
                if session.get("role") != "admin":''').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="authorization decided from client-controlled data")


@fam("authz-wrong-permission", "CWE-863", fws=["django"], n=8, wrap=False)
def authz_wrong_perm(c):
    w, Wc = W(c)
    v = f"""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404, redirect

        from .models import {Wc}


        def delete_{w}(request, pk):
            if not request.user.has_perm("billing.view_{w}"):  #@V
                raise PermissionDenied
            obj = get_object_or_404({Wc}, pk=pk)
            obj.delete()  #@V
            return redirect("{w}-list")
    """
    s = v.replace(f'has_perm("billing.view_{w}"):  #@V', f'has_perm("billing.delete_{w}"):').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="checks the view permission before a delete")


@fam("authz-name-based-admin", "CWE-863", fws=["flask", "fastapi"], n=8, wrap=False)
def authz_name(c):
    w, Wc = W(c)
    cond = c.pick('user.email.endswith("@{w}.com")', 'user.username.startswith("admin")', '"admin" in user.username')
    cond = cond.replace("{w}", w)
    if c.fw == "flask":
        v = f"""
            from flask import Flask, abort, jsonify
            from flask_login import current_user as user, login_required

            app = Flask(__name__)


            @app.route("/admin/{w}/audit")
            @login_required
            def audit_{w}():
                if not ({cond}):  #@V
                    abort(403)
                return jsonify(entries=load_audit())  #@V


            def load_audit():
                return []
        """
        s = v.replace(f"if not ({cond}):  #@V", "if not user.is_admin:").replace("  #@V", "")
    else:
        v = f"""
            from fastapi import Depends, FastAPI, HTTPException

            from .audit import load_audit
            from .auth import get_current_user

            app = FastAPI()


            @app.get("/admin/{w}/audit")
            def audit_{w}(user=Depends(get_current_user)):
                if not ({cond}):  #@V
                    raise HTTPException(status_code=403)
                return {{"entries": load_audit()}}  #@V
        """
        s = v.replace(f"if not ({cond}):  #@V", 'if "auditor" not in user.roles:').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="admin status inferred from a user-chosen name or address")


@fam("authz-or-public", "CWE-863", fws=["flask"], n=8, wrap=False)
def authz_or(c):
    w, Wc = W(c)
    v = f"""
        from flask import Flask, abort, request
        from flask_login import current_user, login_required

        from .models import {Wc}, db

        app = Flask(__name__)


        @app.route("/{w}s/<int:pk>", methods=["PUT"])
        @login_required
        def edit_{w}(pk):
            obj = db.get_or_404({Wc}, pk)
            if not (obj.is_public or obj.owner_id == current_user.id):  #@V
                abort(403)
            obj.title = request.json["title"]  #@V
            db.session.commit()
            return {{"id": obj.id}}
    """
    s = v.replace("if not (obj.is_public or obj.owner_id == current_user.id):  #@V", "if obj.owner_id != current_user.id:").replace("  #@V", "")
    return Spec(v=v, s=s, full=True, fw="flask", notes="read rule (public) reused for a write")


@fam("authz-group-substring", "CWE-863", fws=["flask", "script", "pipeline"], n=8, wrap=False)
def authz_substr(c):
    w, Wc = W(c)
    grp = c.pick("admins", "ops", "finance")
    v = f"""
        def can_approve_{w}(user):
            groups = user.get("groups", "")  # comma separated, from the directory
            return "{grp}" in groups  #@V


        def approve_{w}(user, item):
            if not can_approve_{w}(user):
                raise PermissionError("not allowed")
            item["approved_by"] = user["name"]  #@V
            return item
    """
    s = v.replace(f'return "{grp}" in groups  #@V', f'return "{grp}" in [g.strip() for g in groups.split(",")]').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="substring test matches groups like 'not-{grp}'")


@fam("authz-user-passes-test", "CWE-863", fws=["django"], n=8, wrap=False)
def authz_upt(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.auth.decorators import user_passes_test
        from django.shortcuts import render

        from .models import {Wc}


        @user_passes_test(lambda u: u.is_active)  #@V
        def manage_{w}s(request):
            return render(request, "admin/{w}s.html", {{"items": {Wc}.objects.all()}})  #@V
    """
    s = v.replace("@user_passes_test(lambda u: u.is_active)  #@V", "@user_passes_test(lambda u: u.is_active and u.is_staff)").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


# ---------------- CWE-639 IDOR ----------------


@fam("idor-django-get-pk", "CWE-639", fws=["django"], n=8, wrap=False)
def idor_django(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.auth.decorators import login_required
        from django.http import FileResponse
        from django.shortcuts import get_object_or_404

        from .models import {Wc}


        @login_required
        def download_{w}(request, pk):
            obj = get_object_or_404({Wc}, pk=pk)  #@V
            return FileResponse(obj.file.open("rb"), as_attachment=True)
    """
    s = v.replace(f"get_object_or_404({Wc}, pk=pk)  #@V", f"get_object_or_404({Wc}, pk=pk, owner=request.user)")
    return Spec(v=v, s=s, full=True)


@fam("idor-sql-order-id", "CWE-639", fws=["flask", "django", "aiohttp", "fastapi"], keys=["order_id", "invoice_id", "ticket_id"], n=9)
def idor_sql(c):
    x = c.x
    v = f"""
        uid = current_user_id()
        row = db.execute(
            "SELECT id, total, status FROM orders WHERE id = ?",  #@V
            ({x},),
        ).fetchone()
        result = dict(row) if row else None
    """
    s = f"""
        uid = current_user_id()
        row = db.execute(
            "SELECT id, total, status FROM orders WHERE id = ? AND customer_id = ?",
            ({x}, uid),
        ).fetchone()
        result = dict(row) if row else None
    """
    helpers = """
        db = sqlite3.connect("shop.db", check_same_thread=False)
        db.row_factory = sqlite3.Row


        def current_user_id():
            return getattr(g, "uid", None)
    """
    return Spec(v=v, s=s, imports="import sqlite3\nfrom flask import g" if c.fw == "flask" else "import sqlite3\nfrom contextvars import ContextVar",
                helpers=helpers if c.fw == "flask" else helpers.replace('getattr(g, "uid", None)', "CURRENT_UID.get()").replace(
                    "db.row_factory = sqlite3.Row", 'db.row_factory = sqlite3.Row\n        CURRENT_UID = ContextVar("uid")'),
                notes="record fetched by a client-supplied id without an owner filter")


@fam("idor-fastapi-document", "CWE-639", fws=["fastapi"], n=8, wrap=False)
def idor_fastapi(c):
    w, Wc = W(c)
    v = f"""
        from fastapi import Depends, FastAPI, HTTPException
        from sqlalchemy.orm import Session

        from .db import get_session
        from .models import {Wc}
        from .security import current_user

        app = FastAPI()


        @app.get("/{w}s/{{{w}_id}}")
        def read_{w}({w}_id: int, user=Depends(current_user), db: Session = Depends(get_session)):
            obj = db.get({Wc}, {w}_id)  #@V
            if obj is None:  #@V
                raise HTTPException(status_code=404)
            return {{"id": obj.id, "body": obj.body}}
    """
    s = v.replace("if obj is None:  #@V", "if obj is None or obj.owner_id != user.id:").replace("  #@V", "")
    return Spec(v=v, s=s, full=True, fw="fastapi")


@fam("idor-aiohttp-profile-update", "CWE-639", fws=["aiohttp"], n=8, wrap=False)
def idor_aiohttp(c):
    w, Wc = W(c)
    fld = c.pick("bio", "display_name", "avatar_url", "phone")
    v = f"""
        from aiohttp import web
        from aiohttp_session import get_session


        async def update_{w}_profile(request):
            session = await get_session(request)
            if "uid" not in session:
                raise web.HTTPUnauthorized()
            body = await request.json()
            user_id = body["user_id"]  #@V
            await request.app["db"].execute(
                "UPDATE {w}_profiles SET {fld} = $1 WHERE user_id = $2", body["{fld}"], user_id  #@V
            )
            return web.json_response({{"updated": user_id}})
    """
    s = v.replace('user_id = body["user_id"]  #@V', 'user_id = session["uid"]').replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("idor-drf-queryset", "CWE-639", fws=["django"], n=8, wrap=False)
def idor_drf(c):
    w, Wc = W(c)
    v = f"""
        from rest_framework import generics
        from rest_framework.permissions import IsAuthenticated

        from .models import {Wc}
        from .serializers import {Wc}Serializer


        class {Wc}Detail(generics.RetrieveUpdateAPIView):
            serializer_class = {Wc}Serializer
            permission_classes = [IsAuthenticated]

            def get_queryset(self):
                return {Wc}.objects.all()  #@V
    """
    s = v.replace(f"return {Wc}.objects.all()  #@V", f"return {Wc}.objects.filter(owner=self.request.user)")
    return Spec(v=v, s=s, full=True)


@fam("idor-statement-file", "CWE-639", fws=["flask", "fastapi"], keys=["account_id", "customer_no"], n=8)
def idor_file(c):
    x = c.x
    v = f"""
        acct = int({x})  #@V
        path = os.path.join(STATEMENTS, "%d.pdf" % acct)
        with open(path, "rb") as fh:  #@V
            result = base64.b64encode(fh.read()).decode()
    """
    s = f"""
        acct = int({x})
        if acct not in accounts_of(current_uid()):
            raise PermissionError("not your account")
        path = os.path.join(STATEMENTS, "%d.pdf" % acct)
        with open(path, "rb") as fh:
            result = base64.b64encode(fh.read()).decode()
    """
    helpers = """
        STATEMENTS = "/srv/statements"


        def current_uid():
            return 0


        def accounts_of(uid):
            return {uid}
    """
    return Spec(v=v, s=s, imports="import base64\nimport os", helpers=helpers)


@fam("idor-sqlalchemy-message", "CWE-639", fws=["flask"], n=8, wrap=False)
def idor_sa(c):
    w, Wc = W(c)
    v = f"""
        from flask import Flask, abort, jsonify
        from flask_login import current_user, login_required

        from .models import Message, db

        app = Flask(__name__)


        @app.route("/{w}/messages/<int:msg_id>")
        @login_required
        def show_message(msg_id):
            msg = Message.query.filter_by(id=msg_id).first()  #@V
            if msg is None:
                abort(404)
            return jsonify(subject=msg.subject, body=msg.body)
    """
    s = v.replace("Message.query.filter_by(id=msg_id).first()  #@V", "Message.query.filter_by(id=msg_id, recipient_id=current_user.id).first()")
    return Spec(v=v, s=s, full=True, fw="orm")


# ---------------- CWE-306 missing authentication ----------------


@fam("noauth-flask-admin-endpoint", "CWE-306", fws=["flask"], n=8, wrap=False)
def noauth_flask(c):
    w, Wc = W(c)
    act = c.pick("reset_db", "rotate_keys", "flush_cache", "reindex")
    v = f"""
        from flask import Flask, jsonify
        from flask_login import login_required

        from .maintenance import {act}

        app = Flask(__name__)


        @app.route("/internal/{w}/{act}", methods=["POST"])  #@V
        def {act}_view():
            {act}()  #@V
            return jsonify(status="done")
    """
    s = v.replace(f'methods=["POST"])  #@V', 'methods=["POST"])\n        @login_required').replace(
        f"            {act}()  #@V", f"            if not current_user.is_admin:\n                abort(403)\n            {act}()").replace(
        "from flask import Flask, jsonify", "from flask import Flask, abort, jsonify").replace(
        "from flask_login import login_required", "from flask_login import current_user, login_required").replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="critical maintenance action reachable without logging in")


@fam("noauth-django-settings-view", "CWE-306", fws=["django"], n=8, wrap=False)
def noauth_django(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.admin.views.decorators import staff_member_required
        from django.http import JsonResponse
        from django.views.decorators.http import require_POST

        from .models import SiteSetting


        @require_POST  #@V
        def update_{w}_settings(request):
            for key, value in request.POST.items():
                SiteSetting.objects.update_or_create(key=key, defaults={{"value": value}})  #@V
            return JsonResponse({{"ok": True}})
    """
    s = v.replace("@require_POST  #@V", "@staff_member_required\n        @require_POST").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("noauth-fastapi-apikey-create", "CWE-306", fws=["fastapi"], n=8, wrap=False)
def noauth_fastapi(c):
    w, Wc = W(c)
    v = f"""
        import secrets

        from fastapi import Depends, FastAPI

        from .auth import require_admin
        from .store import save_key

        app = FastAPI()


        @app.post("/{w}/api-keys")
        def create_api_key(owner: str):  #@V
            key = secrets.token_urlsafe(32)
            save_key(owner, key)  #@V
            return {{"owner": owner, "key": key}}
    """
    s = v.replace("def create_api_key(owner: str):", "def create_api_key(owner: str, admin=Depends(require_admin)):").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("noauth-aiohttp-shutdown", "CWE-306", fws=["aiohttp"], n=8, wrap=False)
def noauth_aiohttp(c):
    w, Wc = W(c)
    v = f"""
        import asyncio
        import hmac
        import os

        from aiohttp import web

        ADMIN_TOKEN = os.environ["{w.upper()}_ADMIN_TOKEN"]


        async def shutdown(request):  #@V
            asyncio.get_running_loop().call_later(1, request.app["stop"].set)  #@V
            return web.json_response({{"stopping": True}})
    """
    s = v.replace("""        async def shutdown(request):  #@V
""", """        async def shutdown(request):
            supplied = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(supplied, ADMIN_TOKEN):
                raise web.HTTPUnauthorized()
""").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("noauth-drf-allowany", "CWE-306", fws=["django"], n=8, wrap=False)
def noauth_drf(c):
    w, Wc = W(c)
    v = f"""
        from rest_framework.decorators import api_view, permission_classes
        from rest_framework.permissions import AllowAny, IsAdminUser
        from rest_framework.response import Response

        from .models import {Wc}


        @api_view(["DELETE"])
        @permission_classes([AllowAny])  #@V
        def purge_{w}s(request):
            count, _ = {Wc}.objects.filter(archived=True).delete()  #@V
            return Response({{"deleted": count}})
    """
    s = v.replace("@permission_classes([AllowAny])  #@V", "@permission_classes([IsAdminUser])").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("noauth-socket-commands", "CWE-306", fws=["pipeline", "script"], n=8, wrap=False)
def noauth_socket(c):
    w, Wc = W(c)
    v = f"""
        import hmac
        import json
        import os
        import socketserver

        TOKEN = os.environ.get("{w.upper()}_CONTROL_TOKEN", "")


        class ControlHandler(socketserver.StreamRequestHandler):
            def handle(self):
                cmd = json.loads(self.rfile.readline())
                if cmd.get("op") == "{c.pick("drain", "restart", "drop_queue")}":  #@V
                    self.server.controller.run(cmd["op"])  #@V
                self.wfile.write(b"ok\\n")


        def serve():
            with socketserver.TCPServer(("0.0.0.0", {c.pick("7000", "7070", "9100")}), ControlHandler) as srv:
                srv.serve_forever()
    """
    s = v.replace("""                cmd = json.loads(self.rfile.readline())
""", """                cmd = json.loads(self.rfile.readline())
                if not TOKEN or not hmac.compare_digest(cmd.get("token", ""), TOKEN):
                    self.wfile.write(b"denied\\n")
                    return
""").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


@fam("noauth-flask-internal-metrics-run", "CWE-306", fws=["flask"], n=8, wrap=False)
def noauth_jobs(c):
    w, Wc = W(c)
    v = f"""
        import hmac

        from flask import Flask, abort, request

        from .jobs import enqueue

        app = Flask(__name__)


        @app.post("/jobs/{w}/<name>")
        def trigger_job(name):  #@V
            job_id = enqueue(name, request.get_json(silent=True) or {{}})  #@V
            return {{"job": job_id}}, 202
    """
    s = v.replace("""        def trigger_job(name):  #@V
""", """        def trigger_job(name):
            supplied = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(supplied, app.config["JOBS_TOKEN"]):
                abort(401)
""").replace("  #@V", "")
    return Spec(v=v, s=s, full=True)


# ---------------- CWE-287 improper authentication ----------------


@fam("authn-user-exists-only", "CWE-287", fws=["flask"], n=8, wrap=False)
def authn_exists(c):
    w, Wc = W(c)
    v = f"""
        from flask import Flask, request, session
        from werkzeug.security import check_password_hash

        from .models import User

        app = Flask(__name__)


        @app.route("/{w}/login", methods=["POST"])
        def {w}_login():
            user = User.query.filter_by({c.pick("username", "email", "login")}=request.form["{c.pick("username", "user", "account")}"]).first()
            if user is not None:  #@V
                session["{c.pick("uid", "user_id", "account_id")}"] = user.id  #@V
                return {{"ok": True}}
            return {{"ok": False}}, 401
    """
    s = v.replace("if user is not None:  #@V", 'if user is not None and check_password_hash(user.password_hash, request.form["password"]):').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, fw="flask", notes="password never checked")


@fam("authn-authenticate-ignored", "CWE-287", fws=["django"], n=8, wrap=False)
def authn_ignored(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.auth import authenticate, login
        from django.contrib.auth.models import User
        from django.shortcuts import redirect


        def {w}_login(request):
            username = request.POST["username"]
            authenticate(request, username=username, password=request.POST["password"])  #@V
            user = User.objects.get(username=username)
            login(request, user)  #@V
            return redirect("/{w}s/")
    """
    s = v.replace("""            authenticate(request, username=username, password=request.POST["password"])  #@V
            user = User.objects.get(username=username)
            login(request, user)  #@V""", """            user = authenticate(request, username=username, password=request.POST["password"])
            if user is None:
                return redirect("/login?failed=1")
            login(request, user)""")
    return Spec(v=v, s=s, full=True)


@fam("authn-trust-forwarded-user", "CWE-287", fws=["flask", "aiohttp", "fastapi"], keys=["remote_user"], n=8)
def authn_forwarded(c):
    x = c.x
    v = f"""
        username = {x}  #@V
        result = {{"user": username, "admin": username in ADMINS}}
    """
    s = f"""
        username = verify_sso_assertion(SSO_COOKIE_PLACEHOLDER)
        result = {{"user": username, "admin": username in ADMINS, "claimed": {x}}}
    """
    helpers = """
        ADMINS = {"root", "ops"}
        SSO_COOKIE_PLACEHOLDER = ""


        def verify_sso_assertion(assertion):
            return None
    """
    return Spec(v=v, s=s, helpers=helpers, notes="identity taken from a client-supplied value (header, cookie or parameter) without authentication")


@fam("authn-apikey-substring", "CWE-287", fws=["flask", "fastapi", "aiohttp", "django"], keys=["api_key"], n=8)
def authn_apikey(c):
    x = c.x
    op = c.pick("{x} in API_KEYS_CSV", "API_KEY.startswith({x})", "{x} in API_KEY")
    op = op.format(x=x)
    v = f"""
        if not {x} or not ({op}):  #@V
            raise PermissionError("invalid api key")
        result = "authorized"
    """
    s = f"""
        if not {x} or not any(hmac.compare_digest({x}, k) for k in API_KEYS_CSV.split(",")):
            raise PermissionError("invalid api key")
        result = "authorized"
    """
    return Spec(v=v, s=s, simports="import hmac", imports="import os",
                helpers='API_KEYS_CSV = os.environ.get("API_KEYS", "")\nAPI_KEY = API_KEYS_CSV.split(",")[0]',
                notes="substring/prefix test accepts partial keys (even a single character)")


@fam("authn-ldap-empty-password", "CWE-287", fws=["flask", "django"], n=8, wrap=False)
def authn_ldap(c):
    # python-ldap: a simple bind with an empty password is an unauthenticated bind that succeeds
    # (RFC 4513 5.1.2); ldap3 would refuse it client-side, so the template uses python-ldap.
    w, Wc = W(c)
    ou = c.pick("people", "users", "staff")
    if c.fw == "flask":
        v = f"""
            import ldap
            from flask import Flask, request, session
            from ldap.dn import escape_dn_chars

            app = Flask(__name__)
            LDAP_URI = "ldaps://ldap.corp.local"


            @app.post("/{w}/login")
            def {w}_login():
                username = request.form["username"]
                password = request.form.get("password", "")  #@S
                conn = ldap.initialize(LDAP_URI)
                try:
                    conn.simple_bind_s("uid=%s,ou={ou},dc=corp,dc=local" % escape_dn_chars(username), password)  #@V
                except ldap.INVALID_CREDENTIALS:
                    return {{"ok": False}}, 401
                session["user"] = username  #@V
                return {{"ok": True}}
        """
        guard = """                if not password:
                    return {"ok": False}, 401
"""
    else:
        v = f"""
            import ldap
            from django.contrib.auth import login
            from django.contrib.auth.models import User
            from django.http import JsonResponse
            from ldap.dn import escape_dn_chars

            LDAP_URI = "ldaps://ldap.corp.local"


            def {w}_login(request):
                username = request.POST["username"]
                password = request.POST.get("password", "")  #@S
                conn = ldap.initialize(LDAP_URI)
                try:
                    conn.simple_bind_s("uid=%s,ou={ou},dc=corp,dc=local" % escape_dn_chars(username), password)  #@V
                except ldap.INVALID_CREDENTIALS:
                    return JsonResponse({{"ok": False}}, status=401)
                user, _ = User.objects.get_or_create(username=username)
                login(request, user)  #@V
                return JsonResponse({{"ok": True}})
        """
        guard = """                if not password:
                    return JsonResponse({"ok": False}, status=401)
"""
    s = v.replace("                conn = ldap.initialize(LDAP_URI)\n", guard + "                conn = ldap.initialize(LDAP_URI)\n")
    s = s.replace("  #@V", "").replace("  #@S", "")
    return Spec(v=v, s=s, full=True, notes="an empty password makes the LDAP simple bind an unauthenticated bind that succeeds")


@fam("authn-token-none-compare", "CWE-287", fws=["flask", "django", "fastapi", "aiohttp"], keys=["token", "reset_token"], n=8)
def authn_none(c):
    x = c.x
    v = f"""
        expected = PENDING_RESETS.get(EMAIL_FOR_DEMO, "")
        if {x} == expected:  #@V
            result = "password reset allowed"
        else:
            result = "invalid token"
    """
    s = f"""
        expected = PENDING_RESETS.get(EMAIL_FOR_DEMO)
        if expected is not None and {x} and hmac.compare_digest({x}, expected):
            result = "password reset allowed"
        else:
            result = "invalid token"
    """
    return Spec(v=v, s=s, simports="import hmac", helpers='PENDING_RESETS = {}\nEMAIL_FOR_DEMO = "a@example.com"',
                notes="with no pending reset the lookup default (empty string) matches an empty token")


@fam("authn-basic-auth-parse", "CWE-287", fws=["flask", "aiohttp", "django"], keys=["authorization"], n=8)
def authn_basic(c):
    x = c.x
    v = f"""
        raw = base64.b64decode({x}.split(" ", 1)[-1]).decode()
        user, _, pw = raw.partition(":")
        if user in USERS:  #@V
            result = {{"user": user}}
        else:
            result = {{"user": None}}
    """
    s = f"""
        raw = base64.b64decode({x}.split(" ", 1)[-1]).decode()
        user, _, pw = raw.partition(":")
        stored = USERS.get(user)
        if stored is not None and check_password_hash(stored, pw):
            result = {{"user": user}}
        else:
            result = {{"user": None}}
    """
    return Spec(v=v, s=s, imports="import base64", simports="from werkzeug.security import check_password_hash",
                helpers='USERS = {"svc-report": "scrypt:32768:8:1$placeholder$00"}')


# ---------------- CWE-269 privilege management ----------------


@fam("priv-signup-role", "CWE-269", fws=["flask", "fastapi", "django", "aiohttp"], keys=["role"], n=8)
def priv_signup(c):
    x = c.x
    v = f"""
        account = {{"username": "new-user", "role": {x} or "member"}}  #@V
        ACCOUNTS.append(account)
        result = account
    """
    s = f"""
        account = {{"username": "new-user", "role": "member", "requested_role": {x}}}
        ACCOUNTS.append(account)
        result = account
    """
    return Spec(v=v, s=s, helpers="ACCOUNTS = []", notes="self-registration lets the caller pick their own role")


@fam("priv-setuid-order", "CWE-269", fws=["script", "cli"], n=8, wrap=False)
def priv_setuid(c):
    w, Wc = W(c)
    user = c.pick("nobody", "www-data", w)
    v = f"""
        import os
        import pwd
        import socket


        def drop_privileges(username="{user}"):
            entry = pwd.getpwnam(username)
            os.setuid(entry.pw_uid)  #@V
            try:
                os.setgid(entry.pw_gid)  #@V
            except PermissionError:
                pass


        def main():
            sock = socket.socket()
            sock.bind(("0.0.0.0", {c.pick("80", "443", "514")}))
            drop_privileges()
            sock.listen(16)


        if __name__ == "__main__":
            main()
    """
    s = v.replace("""            os.setuid(entry.pw_uid)  #@V
            try:
                os.setgid(entry.pw_gid)  #@V
            except PermissionError:
                pass""", """            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)""")
    return Spec(v=v, s=s, full=True, notes="setgid after setuid fails (error swallowed): gid 0 and root's supplementary groups are kept")


@fam("priv-mass-assign-setattr", "CWE-269", fws=["django"], n=8, wrap=False)
def priv_setattr(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.auth.decorators import login_required
        from django.http import JsonResponse


        @login_required
        def update_{w}_profile(request):
            user = request.user
            for field, value in request.POST.items():
                setattr(user, field, value)  #@V
            user.save()
            return JsonResponse({{"ok": True}})
    """
    s = v.replace("""            for field, value in request.POST.items():
                setattr(user, field, value)  #@V""", """            for field in ("first_name", "last_name", "email"):
                if field in request.POST:
                    setattr(user, field, request.POST[field])""")
    return Spec(v=v, s=s, full=True, fw="django", notes="mass assignment can set is_superuser / is_staff")


@fam("priv-drf-writable-staff", "CWE-269", fws=["django"], n=8, wrap=False)
def priv_drf(c):
    w, Wc = W(c)
    v = f"""
        from django.contrib.auth import get_user_model
        from rest_framework import generics, serializers
        from rest_framework.permissions import IsAuthenticated


        class {Wc}AccountSerializer(serializers.ModelSerializer):
            class Meta:
                model = get_user_model()
                fields = ["id", "username", "email", "is_staff", "is_superuser"]  #@V


        class My{Wc}Account(generics.RetrieveUpdateAPIView):
            serializer_class = {Wc}AccountSerializer
            permission_classes = [IsAuthenticated]

            def get_object(self):
                return self.request.user
    """
    s = v.replace('fields = ["id", "username", "email", "is_staff", "is_superuser"]  #@V',
                  'fields = ["id", "username", "email", "is_staff", "is_superuser"]\n                read_only_fields = ["is_staff", "is_superuser"]')
    return Spec(v=v, s=s, full=True)


@fam("priv-invite-role-escalation", "CWE-269", fws=["flask", "fastapi", "aiohttp", "django"], keys=["role"], n=8)
def priv_invite(c):
    x = c.x
    v = f"""
        inviter = MEMBERS.get("current")
        MEMBERS["invitee"] = {{"role": {x}}}  #@V
        result = {{"invited_as": {x}, "by": inviter["role"]}}
    """
    s = f"""
        inviter = MEMBERS.get("current")
        if RANK.get({x}, 99) > RANK[inviter["role"]]:
            raise PermissionError("cannot grant a role above your own")
        MEMBERS["invitee"] = {{"role": {x}}}
        result = {{"invited_as": {x}, "by": inviter["role"]}}
    """
    return Spec(v=v, s=s, helpers='RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}\nMEMBERS = {"current": {"role": "member"}}',
                notes="a member can grant owner")


@fam("priv-docker-privileged", "CWE-269", fws=["script", "pipeline", "cli"], keys=["image"], n=8)
def priv_docker(c):
    x = c.x
    v = f"""
        client = docker.from_env()
        container = client.containers.run(
            {x},
            command=["python", "job.py"],
            privileged=True,  #@V
            detach=True,
        )
        result = container.id
    """
    s = f"""
        client = docker.from_env()
        container = client.containers.run(
            {x},
            command=["python", "job.py"],
            cap_drop=["ALL"],
            user="1000:1000",
            detach=True,
        )
        result = container.id
    """
    return Spec(v=v, s=s, imports="import docker")
