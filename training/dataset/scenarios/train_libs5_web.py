"""Train-only web families on UI and app frameworks no other family uses: Streamlit
``st.markdown(unsafe_allow_html=True)`` / ``components.html`` with request or stored text, a Gradio
``gr.HTML`` feedback board built from posted entries, FastHTML ``NotStr`` around user text, a
Masonite controller's ``response.redirect`` to a request value, Quart-Auth's
``QUART_AUTH_COOKIE_SECURE`` turned off, and a Robyn ``@app.exception`` handler that returns the
exception text or traceback.

Groups: XSS (79), open redirect (601), cookie flags (614), error messages (209). Written without
reading the held-out families; every family here goes to train (generate.assign_splits).

Framework labels: the record schema has no Streamlit, Gradio, FastHTML, Masonite, Quart or Robyn,
so Streamlit and Gradio apps are "script" (a script run by its own server), FastHTML is "starlette"
(it is built on Starlette), Masonite is "django" (class controllers, routes module, ORM), Quart is
"flask" (as in train_modules_libs_web.py) and Robyn is "aiohttp" (async server of its own, as
Sanic is elsewhere)."""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam


# ---------------- CWE-79: Streamlit markdown / components.html with user text ----------------


def _streamlit_app(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    key = c.pick("q", "search", "highlight", "ref")
    x = c.pick(key, "query_text", "term")
    shape = c.pick("reflect", "stored", "components")
    V = "" if safe else "  #@V"
    e = (lambda v: f"html.escape({v})") if safe else (lambda v: v)
    style = c.pick("fstring", "format", "concat")
    title = c.pick(f"{W} browser", f"{W} dashboard", f"Team {w}s")
    if shape == "reflect":
        banner = c.fmt("<div class=\"hint\">Showing {}s matching <b>{}</b></div>", "WORD", e(x), style=style)
        body = f'''
            {x} = st.query_params.get("{key}", "")  #@S
            st.title("{title}")
            if {x}:
                st.markdown({banner}, unsafe_allow_html=True){V}
                {w}s = search_{w}s({x}, limit=50)
            else:
                {w}s = recent_{w}s(limit=20)
            st.dataframe([{{"id": r.id, "title": r.title, "updated": r.updated_at}} for r in {w}s], use_container_width=True)
        '''
        imports = ["import streamlit as st", "", f"from {w}_store import recent_{w}s, search_{w}s"]
        extra = f'WORD = "{w}"'
    elif shape == "stored":
        card = c.fmt("<div class=\"comment\"><b>{}</b> <span class=\"ts\">{}</span><p>{}</p></div>",
                     e('note["author"]'), 'note["created"]', e('note["text"]'), style=style)
        body = f'''
            st.title("{title}")
            {w}_id = st.query_params.get("id", "")
            if not {w}_id:
                st.info("Pick a {w} from the list on the left.")
                st.stop()
            notes = load_comments({w}_id)  #@S
            st.subheader(f"{{len(notes)}} comments")
            for note in notes:
                st.markdown({card}, unsafe_allow_html=True){V}
            with st.form("comment"):
                text = st.text_area("Add a comment")
                if st.form_submit_button("Post") and text.strip():
                    add_comment({w}_id, st.session_state.get("user", "anonymous"), text.strip())
                    st.rerun()
        '''
        imports = ["import streamlit as st", "", f"from {w}_store import add_comment, load_comments"]
        extra = ""
    else:
        box = c.fmt("<div style='padding:8px;border:1px solid #ccc'>Shared by {}: {}</div>", e("sender"), e(x),
                    style=style)
        body = f'''
            st.title("{title}")
            sender = st.query_params.get("from", "a colleague")  #@S
            {x} = st.query_params.get("{key}", "")  #@S
            if {x}:
                components.html({box}, height=60){V}
            {w} = st.selectbox("{W}", list_{w}s())
            st.write(describe_{w}({w}))
        '''
        imports = ["import streamlit as st", "import streamlit.components.v1 as components", "",
                   f"from {w}_store import describe_{w}, list_{w}s"]
        extra = ""
    imps = (["import html", ""] if safe else []) + imports
    head = f'st.set_page_config(page_title="{title}", layout="wide")' + (f"\n\n{extra}" if extra else "")
    return _mod("\n".join(imps), head, body)


@fam("xss-streamlit-unsafe-allow-html", "CWE-79", fws=["script"], n=8, wrap=False)
def xss_streamlit(c):
    v, s = _twin(c, _streamlit_app)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="st.markdown(..., unsafe_allow_html=True) and components.html put the string into the page as "
                      "HTML; the query parameter / stored comment is inserted unescaped, so a link with <img onerror=...> "
                      "runs script in the viewer's session (XSS); the fix escapes the values with html.escape")


@hardneg(4)
def xss_streamlit_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f'''
        CSS = """<style>.hint {{color: #555; font-size: 0.9rem}} .badge {{background: #eef; padding: 2px 6px}}</style>"""

        st.markdown(CSS, unsafe_allow_html=True)
        st.title("{W} browser")
        q = st.query_params.get("q", "")
        if q:
            st.markdown(f"<div class='hint'>Results for <b>{{html.escape(q)}}</b></div>", unsafe_allow_html=True)
            st.caption(f"Filter: {{q}}")
        for r in search_{w}s(q, limit=50):
            st.markdown(f"<span class='badge'>{{int(r.score)}}</span>", unsafe_allow_html=True)
            st.write(r.title)
    '''
    return Spec(s=_mod(f"import html\n\nimport streamlit as st\n\nfrom {w}_store import search_{w}s", body),
                full=True, fw="script",
                notes="unsafe_allow_html only with constant CSS, an escaped value or an int; plain text goes through "
                      "st.caption / st.write, which Streamlit renders as text")


# ---------------- CWE-79: Gradio gr.HTML board of posted entries ----------------


def _gradio_app(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    field = c.pick("text", "message", "feedback")
    V = "" if safe else "  #@V"
    e = (lambda v: f"html.escape({v})") if safe else (lambda v: v)
    layout = c.pick("list", "table")
    if layout == "list":
        row = c.fmt("<li><b>{}</b> <small>{}</small><p>{}</p></li>", e('entry["author"]'), 'entry["ts"]',
                    e(f'entry["{field}"]'))
        wrap = '"<ul class=\'board\'>" + "".join(rows) + "</ul>"'
    else:
        row = c.fmt("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", 'entry["ts"]', e('entry["author"]'),
                    e(f'entry["{field}"]'))
        wrap = '"<table><tr><th>When</th><th>Who</th><th>What</th></tr>" + "".join(rows) + "</table>"'
    limit = c.pick("30", "50", "100")
    path = c.pick(f"{w}_board.jsonl", f"/srv/gradio/{w}_feedback.jsonl", "data/board.jsonl")
    imps = ["import html"] if safe else []
    imps += ["import json", "import os", "from datetime import datetime, timezone", "", "import gradio as gr"]
    helpers = f'''
        BOARD_PATH = os.environ.get("BOARD_PATH", "{path}")


        def load_entries():
            if not os.path.exists(BOARD_PATH):
                return []
            with open(BOARD_PATH, encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]


        def render_board():
            rows = []
            for entry in load_entries()[-{limit}:]:
                rows.append({row}){V}
            return {wrap}


        def post_entry(author, {field}):
            if not {field}.strip():
                return render_board(), ""
            entry = {{"author": author.strip()[:60] or "anonymous", "{field}": {field}.strip()[:2000],  #@S
                     "ts": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")}}
            with open(BOARD_PATH, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\\n")
            return render_board(), ""
    '''
    ui = f'''
        with gr.Blocks(title="{W} feedback") as demo:
            gr.Markdown("## {W} feedback board")
            with gr.Row():
                author = gr.Textbox(label="Your name", max_lines=1)
                {field}_box = gr.Textbox(label="{field.capitalize()}", lines=4)
            post = gr.Button("Post")
            board = gr.HTML()
            post.click(post_entry, inputs=[author, {field}_box], outputs=[board, {field}_box])
            demo.load(render_board, outputs=board)


        if __name__ == "__main__":
            demo.launch(server_name="0.0.0.0", server_port={c.pick("7860", "8080", "7861")})
    '''
    return _mod("\n".join(imps), helpers, ui)


@fam("xss-gradio-html-board", "CWE-79", fws=["script"], n=8, wrap=False)
def xss_gradio(c):
    v, s = _twin(c, _gradio_app)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="gr.HTML renders its value as HTML for every visitor; the board is built from entries other "
                      "users posted, put into the markup unescaped, so a posted <img src=x onerror=...> runs in each "
                      "viewer's browser (stored XSS); the fix escapes author and text with html.escape")


@hardneg(3)
def xss_gradio_hn(c):
    w, W = c.word, c.word.capitalize()
    s = f'''
        import html

        import gradio as gr

        from {w}_stats import summary


        def render(user_filter):
            stats = summary(user_filter)
            cells = "".join(f"<td>{{int(v)}}</td>" for v in stats.values())
            return (f"<p>Filter: <code>{{html.escape(user_filter)}}</code></p>"
                    f"<table><tr>{{cells}}</tr></table>")


        with gr.Blocks(title="{W} stats") as demo:
            box = gr.Textbox(label="Filter")
            out = gr.HTML("<p>Type a filter.</p>")
            echo = gr.Textbox(label="You searched for", interactive=False)
            box.submit(render, inputs=box, outputs=out)
            box.submit(lambda t: t, inputs=box, outputs=echo)


        if __name__ == "__main__":
            demo.launch()
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="script",
                notes="gr.HTML fed with an escaped filter and integers; the raw text goes to a Textbox, which shows text")


# ---------------- CWE-79: FastHTML NotStr around user text ----------------


def _fasthtml_app(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("search", "stored")
    V = "" if safe else "  #@V"
    e = (lambda v: f"escape({v})") if safe else (lambda v: v)
    imps = (["from html import escape", ""] if safe else []) + ["from fasthtml.common import *", "",
                                                                 f"from {w}_db import {w}s"]
    if shape == "search":
        p = c.pick("q", "term", "query")
        frag = c.fmt("Results for <mark>{}</mark>", e(p))
        body = f'''
            @rt("/{w}s/search")
            def get({p}: str = ""):  #@S
                hits = {w}s(where="title LIKE ?", where_args=[f"%{{{p}}}%"], limit=50)
                return Titled(
                    "Search {w}s",
                    Form(Input(name="{p}", value={p}), Button("Search"), method="get"),
                    Div(NotStr({frag}), cls="summary"),{V}
                    Ul(*[Li(A(h.title, href=f"/{w}s/{{h.id}}")) for h in hits]),
                )
        '''
    else:
        attr = c.pick("description", "summary", "bio")
        frag = c.fmt("<section class='{}'>{}</section>", "ATTR", e(f"item.{attr}"))
        body = f'''
            ATTR = "{attr}"


            @rt("/{w}s/{{item_id}}")
            def get(item_id: int):
                item = {w}s[item_id]  #@S
                return Titled(
                    item.title,
                    P(f"Owner: {{item.owner}}"),
                    NotStr({frag}),{V}
                    A("Edit", href=f"/{w}s/{{item_id}}/edit"),
                )


            @rt("/{w}s/{{item_id}}/edit")
            def post(item_id: int, {attr}: str):
                {w}s.update(id=item_id, {attr}={attr})
                return RedirectResponse(f"/{w}s/{{item_id}}", status_code=303)
        '''
    head = f'app, rt = fast_app(title="{W}s")'
    run = "serve()"
    return _mod("\n".join(imps), head, body, run)


@fam("xss-fasthtml-notstr", "CWE-79", fws=["starlette"], n=8, wrap=False)
def xss_fasthtml(c):
    v, s = _twin(c, _fasthtml_app)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="FastHTML escapes strings passed to its components, but NotStr marks a string as ready-made HTML "
                      "and emits it verbatim; the query value / stored field inside it is not escaped, so it can carry "
                      "<script> or event-handler markup (XSS); the fix escapes the value before wrapping it")


@hardneg(4)
def xss_fasthtml_hn(c):
    w, W = c.word, c.word.capitalize()
    s = f'''
        from fasthtml.common import *

        from {w}_db import {w}s

        app, rt = fast_app(title="{W}s")

        LOGO = NotStr('<svg width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10"/></svg>')


        @rt("/{w}s/search")
        def get(q: str = ""):
            hits = {w}s(where="title LIKE ?", where_args=[f"%{{q}}%"], limit=50)
            return Titled(
                "Search {w}s",
                Div(LOGO, P("Results for ", Mark(q)), cls="summary"),
                Ul(*[Li(A(h.title, href=f"/{w}s/{{h.id}}")) for h in hits]),
            )


        serve()
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="starlette",
                notes="NotStr only on a constant SVG; the query value goes into P/Mark components, which escape it")


# ---------------- CWE-601: Masonite controller redirect to a request value ----------------


def _masonite_ctrl(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("login", "locale", "logout")
    param = c.pick("next", "return_to", "redirect")
    home = c.pick("/dashboard", f"/{w}s", "/home")
    V = "" if safe else "  #@V"
    ind = " " * 20
    guard = (f'\n{ind}if not target.startswith("/") or target.startswith(("//", "/\\\\")) or not target.isprintable():'
             f'\n{ind}    target = "{home}"') if safe else ""
    if shape == "login":
        body = f'''
            class LoginController(Controller):
                def show(self, view: View):
                    return view.render("auth.login")

                def store(self, request: Request, auth: Auth, response: Response):
                    user = auth.attempt(request.input("email"), request.input("password"))
                    if not user:
                        return response.back().with_errors({{"email": ["Invalid credentials"]}})
                    target = request.input("{param}", "{home}")  #@S{guard}
                    return response.redirect(target){V}
        '''
        extra = "from masonite.authentication import Auth\nfrom masonite.views import View"
    elif shape == "locale":
        body = f'''
            SUPPORTED = ("en", "de", "fr", "es")


            class LocaleController(Controller):
                def update(self, request: Request, response: Response):
                    lang = request.input("lang", "en")
                    if lang in SUPPORTED:
                        response.cookie("locale", lang)
                    target = request.input("{param}") or "{home}"  #@S{guard}
                    return response.redirect(target){V}
        '''
        extra = ""
    else:
        body = f'''
            class LogoutController(Controller):
                def destroy(self, request: Request, auth: Auth, response: Response):
                    auth.logout()
                    target = request.input("{param}", "/login")  #@S{guard}
                    return response.redirect(target){V}
        '''
        extra = "from masonite.authentication import Auth"
    imps = "from masonite.controllers import Controller\nfrom masonite.request import Request\n" \
           "from masonite.response import Response" + (f"\n{extra}" if extra else "")
    lines = sorted(imps.split("\n"))
    return _mod("\n".join(lines), body)


@fam("redirect-masonite-response-redirect", "CWE-601", fws=["django"], n=8, wrap=False)
def redirect_masonite(c):
    v, s = _twin(c, _masonite_ctrl)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="Masonite's response.redirect sets Location to whatever it is given; the target comes from the "
                      "request input, so ?next=https://evil.example (or //evil.example) sends the user to another site "
                      "after login (open redirect); the fix only follows local paths")


@hardneg(4)
def redirect_masonite_hn(c):
    w = c.word
    s = f'''
        from masonite.controllers import Controller
        from masonite.request import Request
        from masonite.response import Response

        TABS = {{"overview": "/{w}s", "settings": "/account/settings", "billing": "/account/billing"}}


        class TabController(Controller):
            def switch(self, request: Request, response: Response):
                tab = request.input("tab", "overview")
                return response.redirect(TABS.get(tab, "/{w}s"))

            def after_save(self, request: Request, response: Response):
                return response.redirect(name="{w}s.show", params={{"id": int(request.param("id"))}})
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="django",
                notes="redirects to a path picked from a fixed table or to a named route with an int parameter")


# ---------------- CWE-614: Quart-Auth cookie without Secure ----------------


def _quart_auth(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("item", "update", "object")
    val = "True" if safe else "False"
    V = "" if safe else "  #@V"
    days = c.pick("7", "14", "30")
    if shape == "item":
        cfg = f'''
            app = Quart(__name__)
            app.secret_key = os.environ["SECRET_KEY"]
            app.config["QUART_AUTH_COOKIE_SECURE"] = {val}{V}
            app.config["QUART_AUTH_COOKIE_SAMESITE"] = "Lax"
            app.config["QUART_AUTH_DURATION"] = {days} * 24 * 3600
            auth_manager = QuartAuth(app)
        '''
    elif shape == "update":
        cfg = f'''
            app = Quart(__name__)
            app.secret_key = os.environ["SECRET_KEY"]
            app.config.update(
                QUART_AUTH_COOKIE_NAME="{w}_session",
                QUART_AUTH_COOKIE_SECURE={val},{V}
                QUART_AUTH_DURATION={days} * 24 * 3600,
            )
            auth_manager = QuartAuth(app)
        '''
    else:
        cfg = f'''
            class Config:
                SECRET_KEY = os.environ["SECRET_KEY"]
                QUART_AUTH_COOKIE_NAME = "{w}_auth"
                QUART_AUTH_COOKIE_SECURE = {val}{V}
                QUART_AUTH_DURATION = {days} * 24 * 3600


            app = Quart(__name__)
            app.config.from_object(Config)
            auth_manager = QuartAuth(app)
        '''
    routes = f'''
        @app.route("/login", methods=["GET", "POST"])
        async def login():
            if request.method == "GET":
                return await render_template("login.html")
            form = await request.form
            user = await check_credentials(form.get("email", ""), form.get("password", ""))
            if user is None:
                return await render_template("login.html", error="Invalid email or password"), 401
            login_user(AuthUser(str(user.id)), remember=form.get("remember") == "on")
            return redirect(url_for("{w}s"))


        @app.route("/logout", methods=["POST"])
        @login_required
        async def logout():
            logout_user()
            return redirect(url_for("login"))


        @app.route("/{w}s")
        @login_required
        async def {w}s():
            items = await list_{w}s(current_user.auth_id)
            return await render_template("{w}s.html", items=items)
    '''
    imps = ("import os\n\nfrom quart import Quart, redirect, render_template, request, url_for\n"
            "from quart_auth import AuthUser, QuartAuth, current_user, login_required, login_user, logout_user\n\n"
            f"from {w}_app.accounts import check_credentials\nfrom {w}_app.store import list_{w}s")
    return _mod(imps, cfg, routes)


@fam("cookie-quart-auth-cookie-secure", "CWE-614", fws=["flask"], n=8, wrap=False)
def cookie_quart_auth(c):
    v, s = _twin(c, _quart_auth)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="QUART_AUTH_COOKIE_SECURE = False makes Quart-Auth send its signed auth cookie without the Secure "
                      "flag, so the browser also sends it over plain HTTP, where it can be read and replayed; the fix "
                      "keeps Secure on (the library default)")


@hardneg(3)
def cookie_quart_auth_hn(c):
    w = c.word
    s = f'''
        import os

        from quart import Quart
        from quart_auth import QuartAuth

        app = Quart(__name__)
        app.secret_key = os.environ["SECRET_KEY"]
        app.config["QUART_AUTH_COOKIE_SECURE"] = True
        app.config["QUART_AUTH_COOKIE_HTTP_ONLY"] = True
        app.config["QUART_AUTH_COOKIE_SAMESITE"] = "Strict"
        app.config["QUART_AUTH_COOKIE_NAME"] = "{w}_auth"
        app.config["QUART_AUTH_DURATION"] = 8 * 3600
        auth_manager = QuartAuth(app)
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="flask",
                notes="Quart-Auth cookie configured Secure, HttpOnly and SameSite=Strict")


# ---------------- CWE-209: Robyn exception handler returning exception details ----------------


def _robyn_app(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("traceback", "str", "fstring")
    V = "" if safe else "  #@V"
    if safe:
        detail = 'json.dumps({"error": "internal server error", "error_id": error_id})'
    elif shape == "traceback":
        detail = 'json.dumps({"error": str(exc), "trace": "".join(traceback.format_exception(exc))})'
    elif shape == "str":
        detail = 'json.dumps({"error": "internal server error", "detail": str(exc), "error_id": error_id})'
    else:
        detail = 'json.dumps({"error": f"{type(exc).__name__}: {exc}", "error_id": error_id})'
    std = ["import json", "import logging", "import uuid"] + (["import traceback"] if shape == "traceback" and not safe else [])
    imps = "\n".join(sorted(std)) + f"\n\nfrom robyn import Request, Response, Robyn\n\n" \
                                     f"from {w}_service import db"
    head = f'logger = logging.getLogger("{w}_api")\n\napp = Robyn(__file__)'
    body = f'''
        @app.exception
        def handle_exception(exc):
            error_id = uuid.uuid4().hex[:12]
            logger.error("unhandled error %s", error_id, exc_info=exc)
            return Response(
                status_code=500,
                headers={{"Content-Type": "application/json"}},
                description={detail},{V}
            )


        @app.get("/{w}s/:item_id")
        async def get_{w}(request: Request):
            item_id = int(request.path_params["item_id"])
            row = await db.fetch_one("SELECT id, title, status FROM {w}s WHERE id = $1", item_id)
            if row is None:
                return Response(status_code=404, headers={{}}, description=json.dumps({{"error": "not found"}}))
            return dict(row)


        @app.post("/{w}s")
        async def create_{w}(request: Request):
            payload = request.json()
            new_id = await db.insert("{w}s", title=payload["title"], status="open")
            return {{"id": new_id}}
    '''
    run = f'if __name__ == "__main__":\n    app.start(host="0.0.0.0", port={c.pick("8080", "8000", "5000")})'
    return _mod(imps, head, body, run)


@fam("errors-robyn-exception-handler", "CWE-209", fws=["aiohttp"], n=8, wrap=False)
def errors_robyn(c):
    v, s = _twin(c, _robyn_app)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="Robyn's @app.exception handler builds the 500 response for every unhandled error; it returns "
                      "the exception text (and traceback), which carries SQL, file paths, hosts and library versions "
                      "to any client; the fix logs the details under an error id and returns only the id")


@hardneg(3)
def errors_robyn_hn(c):
    w = c.word
    s = f'''
        import json
        import logging
        import traceback

        from robyn import Response, Robyn

        logger = logging.getLogger("{w}_api")

        app = Robyn(__file__)


        class ValidationError(Exception):
            pass


        @app.exception
        def handle_exception(exc):
            if isinstance(exc, ValidationError):
                return Response(status_code=422, headers={{"Content-Type": "application/json"}},
                                description=json.dumps({{"error": "invalid input"}}))
            logger.error("unhandled error\\n%s", "".join(traceback.format_exception(exc)))
            return Response(status_code=500, headers={{"Content-Type": "application/json"}},
                            description=json.dumps({{"error": "internal server error"}}))
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="aiohttp",
                notes="the traceback goes to the server log only; clients get a fixed message")
