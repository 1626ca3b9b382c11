"""Data-handling families: unsafe deserialization (502), XML external entities (611),
server-side request forgery (918)."""
from core import Spec
from registry import hardneg, fam, WEB_FWS

# ---------------- CWE-502 deserialization ----------------


@fam("deser-pickle-cookie", "CWE-502", keys=["state", "prefs", "cart"], n=9)
def deser_pickle(c):
    x = c.x
    alias = c.pick("pickle", "cPickle", "pkl")
    imp = "import pickle" if alias == "pickle" else f"import pickle as {alias}"
    v = f"""
        raw = base64.b64decode({x})
        {c.n('obj')} = {alias}.loads(raw)  #@V
        result = {{"items": len({c.n('obj')})}}
    """
    s = f"""
        raw = base64.b64decode({x})
        {c.n('obj')} = json.loads(raw)
        result = {{"items": len({c.n('obj')})}}
    """
    return Spec(v=v, s=s, imports="import base64", vimports=imp, simports="import json")


@hardneg(4)
def deser_pickle_hn(c):
    s = f"""
        cache_file = os.path.join(CACHE_DIR, "index.pkl")
        # the cache is written only by this process, never from request data
        with open(cache_file, "rb") as fh:
            index = pickle.load(fh)  # nosec B301
        result = index.get({c.x}, [])
    """
    return Spec(s=s, imports="import os\nimport pickle", helpers='CACHE_DIR = "/var/cache/search"',
                notes="pickle of a locally written cache, marked nosec; input is only a key")


@fam("deser-yaml-load", "CWE-502", keys=["config", "manifest", "spec"], n=9, twin_hard=True)
def deser_yaml(c):
    x = c.x
    call = c.pick("yaml.load({}, Loader=yaml.Loader)", "yaml.load({}, Loader=yaml.FullLoader)", "yaml.unsafe_load({})", "yaml.load({}, Loader=yaml.UnsafeLoader)")
    v = f"""
        doc = {call.format(x)}  #@V
        result = {{"keys": sorted(doc) if isinstance(doc, dict) else []}}
    """
    s = f"""
        doc = {c.pick("yaml.safe_load({})", "yaml.load({}, Loader=yaml.SafeLoader)").format(x)}
        result = {{"keys": sorted(doc) if isinstance(doc, dict) else []}}
    """
    return Spec(v=v, s=s, imports="import yaml")


@fam("deser-jsonpickle", "CWE-502", keys=["payload", "snapshot"], n=8)
def deser_jsonpickle(c):
    x = c.x
    v = f"""
        restored = jsonpickle.decode({x})  #@V
        result = restored.summary() if hasattr(restored, "summary") else str(restored)
    """
    s = f"""
        restored = json.loads({x})
        result = restored.get("summary", "") if isinstance(restored, dict) else str(restored)
    """
    return Spec(v=v, s=s, vimports="import jsonpickle", simports="import json")


@fam("deser-torch-load", "CWE-502", fws=["script", "cli", "pipeline"], keys=["checkpoint", "model_path"], n=8)
def deser_torch(c):
    x = c.x
    v = f"""
        state = torch.load({x}, map_location="cpu")  #@V
        model = build_model()
        model.load_state_dict(state)
        result = sum(p.numel() for p in model.parameters())
    """
    s = f"""
        state = torch.load({x}, map_location="cpu", weights_only=True)
        model = build_model()
        model.load_state_dict(state)
        result = sum(p.numel() for p in model.parameters())
    """
    return Spec(v=v, s=s, imports="import torch", helpers="def build_model():\n    return torch.nn.Linear(16, 2)",
                notes="torch.load unpickles arbitrary objects unless weights_only=True")


@fam("deser-numpy-allow-pickle", "CWE-502", fws=["script", "cli", "pipeline"], keys=["array_file", "upload"], n=8)
def deser_numpy(c):
    x = c.x
    v = f"""
        arr = np.load({x}, allow_pickle=True)  #@V
        result = float(np.asarray(arr, dtype=float).mean())
    """
    s = f"""
        arr = np.load({x}, allow_pickle=False)
        result = float(np.asarray(arr, dtype=float).mean())
    """
    return Spec(v=v, s=s, imports="import numpy as np")


@fam("deser-pandas-read-pickle", "CWE-502", fws=["script", "cli", "pipeline"], keys=["dataset", "source"], n=8)
def deser_pandas(c):
    x = c.x
    v = f"""
        frame = pd.read_pickle({x})  #@V
        result = frame.describe().to_dict()
    """
    s = f"""
        frame = pd.read_parquet({x})
        result = frame.describe().to_dict()
    """
    return Spec(v=v, s=s, imports="import pandas as pd")


@fam("deser-marshal-socket", "CWE-502", fws=["pipeline"], keys=["blob"], n=8)
def deser_marshal(c):
    x = c.x
    mod = c.pick("marshal", "dill")
    v = f"""
        obj = {mod}.loads(bytes.fromhex({x}))  #@V
        result = repr(obj)[:200]
    """
    s = f"""
        obj = json.loads(bytes.fromhex({x}))
        result = repr(obj)[:200]
    """
    return Spec(v=v, s=s, vimports=f"import {mod}", simports="import json")


@fam("deser-joblib-model", "CWE-502", fws=["flask", "fastapi", "script", "cli"], keys=["model_name"], n=8)
def deser_joblib(c):
    x = c.x
    v = f"""
        path = os.path.join(MODEL_DIR, os.path.basename({x}))
        model = joblib.load(path)  #@V
        result = str(model.predict([[0.1, 0.2, 0.3]])[0])
    """
    s = f"""
        if {x} not in TRUSTED_MODELS:
            raise ValueError("unknown model")
        model = joblib.load(os.path.join(RELEASE_DIR, TRUSTED_MODELS[{x}]))  # nosec - shipped with the release
        result = str(model.predict([[0.1, 0.2, 0.3]])[0])
    """
    return Spec(v=v, s=s, imports="import os\nimport joblib", helpers='MODEL_DIR = "/srv/models/uploads"\nRELEASE_DIR = "/opt/app/models"\nTRUSTED_MODELS = {"churn": "churn-v3.joblib"}',
                notes="user-uploaded model file is a pickle")


# ---------------- CWE-611 XXE ----------------


@fam("xxe-lxml-resolve-entities", "CWE-611", keys=["xml", "document", "feed"], n=9, twin_hard=True)
def xxe_lxml(c):
    x = c.x
    tag = c.pick('item', 'entry', 'title')
    v = f"""
        parser = etree.XMLParser(resolve_entities=True{c.pick("", ", no_network=False", ", load_dtd=True")})  #@V
        root = etree.fromstring({x}.encode(), parser)  #@V
        result = [el.text for el in root.iter("{tag}")]
    """
    s = f"""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring({x}.encode(), parser)
        result = [el.text for el in root.iter("{tag}")]
    """
    return Spec(v=v, s=s, imports="from lxml import etree")


@hardneg(4)
def xxe_hn(c):
    s = f"""
        root = ET.fromstring({c.x})
        result = {{child.tag: child.text for child in root}}
    """
    return Spec(s=s, imports=c.pick("import defusedxml.ElementTree as ET", "from defusedxml import ElementTree as ET"),
                notes="defusedxml forbids entity declarations")


@fam("xxe-sax-external-ges", "CWE-611", keys=["upload", "xml_text"], n=8)
def xxe_sax(c):
    x = c.x
    v = f"""
        handler = CountingHandler()
        parser = xml.sax.make_parser()
        parser.setContentHandler(handler)
        parser.setFeature(feature_external_ges, True)  #@V
        parser.parse(io.StringIO({x}))  #@V
        result = handler.count
    """
    s = f"""
        handler = CountingHandler()
        parser = xml.sax.make_parser()
        parser.setContentHandler(handler)
        parser.setFeature(feature_external_ges, False)
        parser.parse(io.StringIO({x}))
        result = handler.count
    """
    helpers = """
        class CountingHandler(xml.sax.ContentHandler):
            def __init__(self):
                super().__init__()
                self.count = 0

            def startElement(self, name, attrs):
                self.count += 1
    """
    return Spec(v=v, s=s, imports="import io\nimport xml.sax\nfrom xml.sax.handler import feature_external_ges", helpers=helpers)


@fam("xxe-lxml-parse-upload", "CWE-611", fws=["script", "cli", "pipeline"], keys=["path", "xml_file"], n=8)
def xxe_parse(c):
    x = c.x
    field = c.pick('name', 'invoice/number', 'meta/title')
    v = f"""
        tree = etree.parse({x}, etree.XMLParser(dtd_validation=True, load_dtd=True))  #@V
        result = tree.getroot().findtext("{field}")
    """
    s = f"""
        tree = etree.parse({x}, etree.XMLParser(resolve_entities=False, no_network=True))
        result = tree.getroot().findtext("{field}")
    """
    return Spec(v=v, s=s, imports="from lxml import etree")


@fam("xxe-pulldom-expand", "CWE-611", keys=["payload"], n=8)
def xxe_pulldom(c):
    x = c.x
    v = f"""
        parser = xml.sax.make_parser()
        parser.setFeature(xml.sax.handler.feature_external_ges, 1)  #@V
        events = pulldom.parseString({x}, parser=parser)  #@V
        titles = []
        for event, node in events:
            if event == pulldom.START_ELEMENT and node.tagName == "title":
                events.expandNode(node)
                titles.append(node.toxml())
        result = titles
    """
    s = f"""
        events = defused_pulldom.parseString({x})
        titles = []
        for event, node in events:
            if event == pulldom.START_ELEMENT and node.tagName == "title":
                events.expandNode(node)
                titles.append(node.toxml())
        result = titles
    """
    return Spec(v=v, s=s, imports="from xml.dom import pulldom", vimports="import xml.sax\nimport xml.sax.handler",
                simports="from defusedxml import pulldom as defused_pulldom")


@fam("xxe-lxml-xslt", "CWE-611", fws=["flask", "fastapi", "script"], keys=["stylesheet"], n=8)
def xxe_xslt(c):
    x = c.x
    v = f"""
        xslt_doc = etree.fromstring({x}.encode())  #@V
        transform = etree.XSLT(xslt_doc)  #@V
        result = str(transform(etree.parse("data/{c.word}s.xml")))
    """
    s = f"""
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        xslt_doc = etree.fromstring({x}.encode(), parser)
        access = etree.XSLTAccessControl.DENY_ALL
        transform = etree.XSLT(xslt_doc, access_control=access)
        result = str(transform(etree.parse("data/{c.word}s.xml")))
    """
    return Spec(v=v, s=s, imports="from lxml import etree", notes="user stylesheet with entity resolution and file/network access")


@fam("xxe-xmlsec-saml", "CWE-611", fws=WEB_FWS, keys=["saml_response"], n=8)
def xxe_saml(c):
    x = c.x
    v = f"""
        xml_bytes = base64.b64decode({x})
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=True)  #@V
        assertion = etree.fromstring(xml_bytes, parser=parser)  #@V
        result = assertion.findtext(".//{{urn:oasis:names:tc:SAML:2.0:assertion}}NameID")
    """
    s = f"""
        xml_bytes = base64.b64decode({x})
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
        assertion = etree.fromstring(xml_bytes, parser=parser)
        result = assertion.findtext(".//{{urn:oasis:names:tc:SAML:2.0:assertion}}NameID")
    """
    return Spec(v=v, s=s, imports="import base64\nfrom lxml import etree", notes="resolve_entities=True (lxml's default before 5.0) expands external entities in the assertion")


# ---------------- CWE-918 SSRF ----------------


@fam("ssrf-requests-url", "CWE-918", keys=["url", "image_url", "target"], n=10)
def ssrf_requests(c):
    x, r = c.x, c.n("resp")
    v = f"""
        {r} = requests.get({x}, timeout=10)  #@V
        result = {{"status": {r}.status_code, "length": len({r}.content)}}
    """
    s = f"""
        parts = urlparse({x})
        if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
            raise ValueError("host not allowed")
        {r} = requests.get({x}, timeout=10, allow_redirects=False)
        result = {{"status": {r}.status_code, "length": len({r}.content)}}
    """
    return Spec(v=v, s=s, imports="import requests", simports="from urllib.parse import urlparse",
                helpers='ALLOWED_HOSTS = {"images.example-cdn.com", "api.partner.example"}')


@hardneg(5)
def ssrf_hn(c):
    x, r = c.x, c.n("resp")
    s = f"""
        {r} = requests.get(
            "https://api.github.com/search/repositories",
            params={{"q": {x}, "per_page": 10}},
            timeout=10,
        )
        result = [item["full_name"] for item in {r}.json().get("items", [])]
    """
    return Spec(s=s, imports="import requests", notes="constant URL; input only in query parameters")


@fam("ssrf-urlopen", "CWE-918", keys=["feed", "source_url"], n=8)
def ssrf_urlopen(c):
    x = c.x
    v = f"""
        with urllib.request.urlopen({x}, timeout=15) as fh:  #@V
            body = fh.read(1_000_000)
        result = body.decode("utf-8", "replace")[:500]
    """
    s = f"""
        if urllib.parse.urlsplit({x}).netloc not in FEEDS:
            raise ValueError("unknown feed host")
        with urllib.request.urlopen({x}, timeout=15) as fh:
            body = fh.read(1_000_000)
        result = body.decode("utf-8", "replace")[:500]
    """
    return Spec(v=v, s=s, imports="import urllib.request", simports="import urllib.parse",
                helpers='FEEDS = {"news.example.org", "blog.example.org"}')


@fam("ssrf-webhook-httpx", "CWE-918", fws=WEB_FWS + ["pipeline"], keys=["callback_url", "webhook"], n=8)
def ssrf_webhook(c):
    x = c.x
    v = f"""
        event = {{"type": "ping", "ts": int(time.time())}}
        r = httpx.post({x}, json=event, timeout=5)  #@V
        result = r.status_code
    """
    s = f"""
        event = {{"type": "ping", "ts": int(time.time())}}
        host = urlparse({x}).hostname or ""
        addr = ipaddress.ip_address(socket.gethostbyname(host))
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved:
            raise ValueError("callback must be a public address")
        r = httpx.post({x}, json=event, timeout=5, follow_redirects=False)
        result = r.status_code
    """
    return Spec(v=v, s=s, imports="import time\nimport httpx", simports="import ipaddress\nimport socket\nfrom urllib.parse import urlparse",
                notes="callbacks can reach 169.254.169.254 and internal services")


@fam("ssrf-host-fstring", "CWE-918", keys=["host", "server", "region"], n=8)
def ssrf_host(c):
    x = c.x
    v = f"""
        endpoint = {c.fmt("http://{}/api/v1/health", x)}  #@V
        r = requests.get(endpoint, timeout=3)  #@V
        result = r.json()
    """
    s = f"""
        if {x} not in BACKENDS:
            raise KeyError({x})
        endpoint = {c.fmt("http://{}/api/v1/health", "BACKENDS[" + x + "]")}
        r = requests.get(endpoint, timeout=3)
        result = r.json()
    """
    return Spec(v=v, s=s, imports="import requests", helpers='BACKENDS = {"eu": "eu.api.internal:8080", "us": "us.api.internal:8080"}')


@fam("ssrf-aiohttp-client", "CWE-918", fws=["aiohttp", "fastapi"], keys=["url", "avatar"], n=8, wrap=False)
def ssrf_aio(c):
    x = c.x
    v = f"""
        async with aiohttp.ClientSession() as http:
            async with http.get({x}) as upstream:  #@V
                data = await upstream.read()
        result = len(data)
    """
    s = f"""
        if urlparse({x}).hostname not in ALLOWED:
            raise ValueError("host not allowed")
        async with aiohttp.ClientSession() as http:
            async with http.get({x}, allow_redirects=False) as upstream:
                data = await upstream.read()
        result = len(data)
    """
    return Spec(v=v, s=s, imports="import aiohttp", simports="from urllib.parse import urlparse", helpers='ALLOWED = {"avatars.example.com"}')


@fam("ssrf-pdf-fetch-path", "CWE-918", keys=["path", "resource"], n=8)
def ssrf_path(c):
    x = c.x
    v = f"""
        url = INTERNAL_BASE + {x}  #@V
        r = requests.get(url, headers={{"Authorization": "Bearer " + SERVICE_TOKEN}}, timeout=5)  #@V
        result = r.text[:2000]
    """
    s = f"""
        if not re.fullmatch(r"/reports/[0-9]{{1,10}}", {x}):
            raise ValueError("bad resource path")
        url = INTERNAL_BASE + {x}
        r = requests.get(url, headers={{"Authorization": "Bearer " + SERVICE_TOKEN}}, timeout=5)
        result = r.text[:2000]
    """
    return Spec(v=v, s=s, imports="import os\nimport requests", simports="import re",
                helpers='INTERNAL_BASE = "https://reports.internal"\nSERVICE_TOKEN = os.environ.get("SERVICE_TOKEN", "")',
                notes="'@evil.host/' or '.evil.host' in the path changes the authority")
