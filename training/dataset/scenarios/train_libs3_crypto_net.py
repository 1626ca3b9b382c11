"""Train-only crypto, TLS, randomness and secrets families on APIs no other family uses (groups
327/328/916, 295, 319, 330/338, 798): the bcrypt package's gensalt with a test-sized cost, license
signatures with cryptography's hashes.SHA1, paho-mqtt's tls_insecure_set / publish.single
"insecure" TLS option, an SSL context with verification switched off passed to
asyncio.open_connection, ftplib.FTP_TLS transfers without prot_p(), a confluent-kafka client on
SASL_PLAINTEXT, OAuth PKCE verifiers and state drawn from random, and a Twilio auth token
written in the source."""
from core import Spec, dedent
from module_kit import shell_pair as _pair
from registry import hardneg, fam


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


def _lines(*parts):
    """A body from lines at the same base indentation (None entries are left out)."""
    return "\n".join(p for p in parts if p is not None)


def _hex(c, n):
    return "".join(c.rng.choice("0123456789abcdef") for _ in range(n))


# ---------------- CWE-916 password hash with too little work ----------------


_ACCOUNT = {
    "flask": "g.account_id",
    "django": "request.user.pk",
    "aiohttp": 'request["account_id"]',
    "cli": "getpass.getuser()",
    "script": "getpass.getuser()",
    "pipeline": 'message["account_id"]',
}
_ACCOUNT_IMPORT = {"flask": "from flask import g", "cli": "import getpass", "script": "import getpass"}


def _password_src(c):
    """A new password arrives in a request body, a file or the environment (not a URL or argv)."""
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "script":
        c.src = c.pick("file", "env")


@fam("hash-bcrypt-gensalt-low-rounds", "CWE-916", fws=["flask", "django", "aiohttp", "pipeline", "script"],
     keys=["password", "new_password"], n=8, wrap=False)
def hash_bcrypt_rounds(c):
    _pin(c)
    _password_src(c)
    x, digest = c.x, c.n("digest")
    kw = c.pick("rounds=", "")
    prefix = c.pick("", "", ', prefix=b"2a"')
    weak = f"bcrypt.gensalt({kw}{c.pick(4, 5, 6)}{prefix})"
    strong = c.pick(f"bcrypt.gensalt({kw}{c.pick(12, 13)}{prefix})", f"bcrypt.gensalt({prefix[2:]})")
    acct = _ACCOUNT[c.fw]
    minlen = c.pick(10, 12, 14)
    check = [f"if len({x}) < {minlen}:", f'    raise ValueError("password must be at least {minlen} characters")']
    if c.pick("inline", "salt") == "inline":
        v = _lines(*check, f'{digest} = bcrypt.hashpw({x}.encode("utf-8"), {weak})  #@V',
                   f"set_password_hash({acct}, {digest})", 'result = {"updated": True}')
        s = _lines(*check, f'{digest} = bcrypt.hashpw({x}.encode("utf-8"), {strong})',
                   f"set_password_hash({acct}, {digest})", 'result = {"updated": True}')
    else:
        v = _lines(*check, f"salt = {weak}  #@V", f"{digest} = bcrypt.hashpw({x}.encode(), salt)",
                   f"set_password_hash({acct}, {digest})", 'result = {"updated": True}')
        s = _lines(*check, f"salt = {strong}", f"{digest} = bcrypt.hashpw({x}.encode(), salt)",
                   f"set_password_hash({acct}, {digest})", 'result = {"updated": True}')
    helpers = f'''
        DB_PATH = os.environ.get("ACCOUNTS_DB", "{c.pick("accounts.db", "/var/lib/" + c.word + "/users.db")}")


        def set_password_hash(account_id, pw_hash: bytes) -> None:
            with sqlite3.connect(DB_PATH) as conn:
                conn.execute(
                    "UPDATE accounts SET pw_hash = ?, pw_changed_at = datetime('now') WHERE id = ?",
                    (pw_hash.decode("ascii"), account_id),
                )
    '''
    imports = "import os\nimport sqlite3\nimport bcrypt\n" + _ACCOUNT_IMPORT.get(c.fw, "")
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes="bcrypt's cost is a power of two: gensalt(4..6) does 2^4-2^6 key-expansion rounds, a test-suite setting, "
                      "so a leaked table is cracked 64 to 256 times faster than at the default cost 12 (2^12); the fix "
                      "uses cost >= 12")


@hardneg(4)
def hash_bcrypt_rounds_hn(c):
    _password_src(c)
    c.key = c.x = c.pick("password", "current_password")
    x = c.x
    acct = _ACCOUNT[c.fw]
    s = f"""
        stored = load_password_hash({acct})
        if stored is None or not bcrypt.checkpw({x}.encode("utf-8"), stored):
            raise PermissionError("invalid credentials")
        if int(stored.split(b"$")[2]) < MIN_COST:
            set_password_hash({acct}, bcrypt.hashpw({x}.encode("utf-8"), bcrypt.gensalt(rounds=MIN_COST)))
        result = {{"ok": True}}
    """
    helpers = '''
        DB_PATH = os.environ.get("ACCOUNTS_DB", "accounts.db")
        MIN_COST = 12


        def load_password_hash(account_id):
            with sqlite3.connect(DB_PATH) as conn:
                row = conn.execute("SELECT pw_hash FROM accounts WHERE id = ?", (account_id,)).fetchone()
            return row[0].encode("ascii") if row else None


        def set_password_hash(account_id, pw_hash: bytes) -> None:
            with sqlite3.connect(DB_PATH) as conn:
                conn.execute("UPDATE accounts SET pw_hash = ? WHERE id = ?", (pw_hash.decode("ascii"), account_id))
    '''
    return Spec(s=s, imports="import os\nimport sqlite3\nimport bcrypt\n" + _ACCOUNT_IMPORT.get(c.fw, ""), helpers=helpers,
                notes="bcrypt.checkpw on login, and hashes below cost 12 are upgraded with gensalt(rounds=12)")


# ---------------- CWE-328 weak hash in a signature ----------------


_SIGS = {
    "pkcs1": ("padding.PKCS1v15(), hashes.{h}()", "from cryptography.hazmat.primitives.asymmetric import padding"),
    "pss": ("padding.PSS(mgf=padding.MGF1(hashes.{h}()), salt_length=padding.PSS.MAX_LENGTH), hashes.{h}()",
            "from cryptography.hazmat.primitives.asymmetric import padding"),
    "ecdsa": ("ec.ECDSA(hashes.{h}())", "from cryptography.hazmat.primitives.asymmetric import ec"),
}


@fam("hash-sha1-license-signing", "CWE-328", fws=["cli", "pipeline", "script"],
     keys=["customer", "org_name", "machine_id"], n=8)
def hash_sha1_license(c):
    _pin(c)
    x = c.x
    alg = c.pick("pkcs1", "pss", "ecdsa")
    sig, imp = _SIGS[alg]
    good = c.pick("SHA256", "SHA384", "SHA512")
    plan = c.pick("enterprise", "team", "site")
    days = c.pick(30, 90, 365)
    keyvar = c.pick("SIGNING_KEY", "LICENSE_KEY", "issuer_key")
    body = f"""
        claims = {{
            "licensee": {x},
            "product": "{c.word}-server",
            "plan": "{plan}",
            "expires": (date.today() + timedelta(days={days})).isoformat(),
        }}
        payload = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
        signature = {keyvar}.sign(payload, __SIG__)__MARK__
        result = base64.urlsafe_b64encode(payload).decode() + "." + base64.urlsafe_b64encode(signature).decode()
    """
    v = body.replace("__SIG__", sig.format(h="SHA1")).replace("__MARK__", "  #@V")
    s = body.replace("__SIG__", sig.format(h=good)).replace("__MARK__", "")
    helpers = f'''
        KEY_PATH = os.environ.get("LICENSE_SIGNING_KEY", "/etc/{c.word}/license-signing-key.pem")

        with open(KEY_PATH, "rb") as _fh:
            {keyvar} = serialization.load_pem_private_key(_fh.read(), password=None)
    '''
    imports = ("import base64\nimport json\nimport os\nfrom datetime import date, timedelta\n"
               f"from cryptography.hazmat.primitives import hashes, serialization\n{imp}")
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes="the license signature is computed over SHA-1, which is disallowed for signature generation (NIST SP "
                      "800-131A) since chosen-prefix collisions became practical; the licensee controls part of the "
                      "signed document, the setting in which a signature on one claim set can be carried over to a "
                      "colliding one; the fix signs with SHA-2")


@hardneg(3)
def hash_sha1_license_hn(c):
    c.key = c.x = c.pick("license", "license_token")
    s = f"""
        token = {c.x}.strip()
        payload_b64, sig_b64 = token.split(".", 1)
        payload = base64.urlsafe_b64decode(payload_b64)
        try:
            PUBLIC_KEY.verify(base64.urlsafe_b64decode(sig_b64), payload, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise PermissionError("license signature does not match")
        claims = json.loads(payload)
        if date.fromisoformat(claims["expires"]) < date.today():
            raise PermissionError("license expired")
        result = claims["plan"]
    """
    helpers = f'''
        with open("/etc/{c.word}/license-public-key.pem", "rb") as _fh:
            PUBLIC_KEY = serialization.load_pem_public_key(_fh.read())
    '''
    imports = ("import base64\nimport json\nfrom datetime import date\nfrom cryptography.exceptions import InvalidSignature\n"
               "from cryptography.hazmat.primitives import hashes, serialization\n"
               "from cryptography.hazmat.primitives.asymmetric import padding")
    return Spec(s=s, imports=imports, helpers=helpers, notes="license verification over SHA-256 with the public key")


# ---------------- CWE-295 certificate validation ----------------


@fam("tls-paho-mqtt-insecure", "CWE-295", fws=["script", "cli", "pipeline"], keys=["setpoint", "mode"], n=8)
def tls_paho(c):
    _pin(c)
    x = c.x
    shape = c.pick("insecure_set", "cert_none", "single")
    ctor = c.pick("mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=CLIENT_ID)", "mqtt.Client(client_id=CLIENT_ID)")
    pre = [f'payload = json.dumps({{"{c.key}": {x}, "issued_at": int(time.time())}})']
    if shape == "single":
        def mk(tls, mark):
            return _lines(*pre,
                          "publish.single(",
                          "    TOPIC,",
                          "    payload,",
                          "    qos=1,",
                          "    hostname=BROKER_HOST,",
                          "    port=8883,",
                          "    client_id=CLIENT_ID,",
                          '    auth={"username": MQTT_USER, "password": os.environ["MQTT_PASSWORD"]},',
                          f"    tls={tls},{mark}",
                          ")",
                          'result = "sent"')
        v = mk('{"ca_certs": CA_FILE, "insecure": True}', "  #@V")
        s = mk('{"ca_certs": CA_FILE}', "")
        imports = "import json\nimport os\nimport time\nimport paho.mqtt.publish as publish"
    else:
        def mk(tls):
            return _lines(*pre,
                          f"client = {ctor}",
                          'client.username_pw_set(MQTT_USER, os.environ["MQTT_PASSWORD"])',
                          *tls,
                          "client.connect(BROKER_HOST, 8883, keepalive=30)",
                          "client.loop_start()",
                          "info = client.publish(TOPIC, payload, qos=1)",
                          "info.wait_for_publish(timeout=10)",
                          "client.loop_stop()",
                          "client.disconnect()",
                          "result = info.rc")
        if shape == "insecure_set":
            v = mk(["client.tls_set(ca_certs=CA_FILE)", "client.tls_insecure_set(True)  #@V"])
            s = mk(["client.tls_set(ca_certs=CA_FILE)"])
            imports = "import json\nimport os\nimport time\nimport paho.mqtt.client as mqtt"
        else:
            v = mk(["client.tls_set(cert_reqs=ssl.CERT_NONE)  #@V", "client.tls_insecure_set(True)  #@V"])
            s = mk(["client.tls_set(ca_certs=CA_FILE, cert_reqs=ssl.CERT_REQUIRED)"])
            imports = "import json\nimport os\nimport ssl\nimport time\nimport paho.mqtt.client as mqtt"
    site = c.pick("plant-3", "dc-west", "warehouse-7")
    helpers = f'''
        BROKER_HOST = "mqtt.{c.word}.example.com"
        CA_FILE = "/etc/{c.word}/mqtt-ca.pem"
        CLIENT_ID = "{c.word}-controller"
        MQTT_USER = "{c.word}-svc"
        TOPIC = "{site}/{c.word}/{c.key}/set"
    '''
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes="paho-mqtt told not to match the broker hostname (tls_insecure_set / tls insecure) or not to check "
                      "the chain at all (CERT_NONE): a host on the path with any accepted certificate poses as the broker, "
                      "reads the MQTT password and the commands; the fix keeps hostname and chain checks against the "
                      "broker CA")


@hardneg(3)
def tls_paho_hn(c):
    s = f"""
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="{c.word}-edge")
        client.tls_set(
            ca_certs="/etc/{c.word}/mqtt-ca.pem",
            certfile="/etc/{c.word}/edge.crt",
            keyfile="/etc/{c.word}/edge.key",
            cert_reqs=ssl.CERT_REQUIRED,
        )
        client.tls_insecure_set(False)
        client.connect("mqtt.{c.word}.example.com", 8883)
        client.loop_start()
        info = client.publish("{c.word}/status", json.dumps({{"{c.key}": {c.x}}}), qos=1)
        info.wait_for_publish(timeout=10)
        client.loop_stop()
        client.disconnect()
        result = info.rc
    """
    return Spec(s=s, imports="import json\nimport ssl\nimport paho.mqtt.client as mqtt",
                notes="paho-mqtt with a CA, a client certificate, CERT_REQUIRED and hostname checks left on")


_ASYNC = ("aiohttp", "fastapi")


@fam("tls-asyncio-stream-cert-none", "CWE-295", fws=["aiohttp", "fastapi", "pipeline", "script", "cli"],
     keys=["reading", "event_name"], n=8, wrap=False)
def tls_asyncio_stream(c):
    x = c.x
    host = c.pick(f"ingest.{c.word}.example.net", f"collector.{c.word}-ops.com", f"gw.{c.word}.internal")
    port = c.pick(7443, 6514, 9443)
    ca = f"/etc/ssl/certs/{c.word}-ingest-ca.pem"
    auth = c.pick('writer.write(("AUTH " + os.environ["INGEST_TOKEN"] + "\\n").encode())',
                  'writer.write((json.dumps({"token": os.environ["INGEST_TOKEN"]}) + "\\n").encode())')
    send = f"""
        reader, writer = await asyncio.open_connection(INGEST_HOST, INGEST_PORT, ssl=__CTX__)
        try:
            {auth}
            writer.write((json.dumps(record) + "\\n").encode())
            await writer.drain()
            ack = await asyncio.wait_for(reader.readline(), timeout=10)
        finally:
            writer.close()
            await writer.wait_closed()
        return ack.decode().strip()
    """
    fn_sig = "async def forward(record: dict) -> str:"
    shape = c.pick("module", "local")
    fix = c.pick("default", "cafile") if shape == "module" else "cafile"
    consts = f'INGEST_HOST = "{host}"\nINGEST_PORT = {port}' + (f'\nCA_FILE = "{ca}"' if fix == "cafile" else "")
    if shape == "module":
        sctx = "ssl.create_default_context()" if fix == "default" else "ssl.create_default_context(cafile=CA_FILE)"
        fn = fn_sig + "\n" + "\n".join("    " + l if l else "" for l in dedent(send.replace("__CTX__", "TLS_CTX")).split("\n"))
        hv = (consts + "\n\nTLS_CTX = ssl.create_default_context()\nTLS_CTX.check_hostname = False  #@V\n"
              "TLS_CTX.verify_mode = ssl.CERT_NONE  #@V\n\n\n" + fn)
        hs = consts + f"\n\nTLS_CTX = {sctx}\n\n\n" + fn
    else:
        tail = "\n".join("    " + l if l else "" for l in dedent(send.replace("__CTX__", "ctx")).split("\n"))
        hv = (consts + "\n\n\n" + fn_sig + "\n    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
              "    ctx.check_hostname = False  #@V\n    ctx.verify_mode = ssl.CERT_NONE  #@V\n" + tail)
        hs = (consts + "\n\n\n" + fn_sig + "\n    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
              "    ctx.load_verify_locations(cafile=CA_FILE)\n" + tail)
    rec = f'{{"{c.key}": {x}, "source": "{c.word}", "ts": time.time()}}'
    call = f"await forward({rec})" if c.fw in _ASYNC else f"asyncio.run(forward({rec}))"
    body = f"result = {call}"
    return _pair(c, body, body, hv, hs, imports="import asyncio\nimport json\nimport os\nimport ssl\nimport time",
                 notes="the TLS context given to asyncio.open_connection neither checks the hostname nor the chain, so "
                       "any interceptor receives the ingest token and the records; the fix keeps verification on")


@hardneg(3)
def tls_asyncio_stream_hn(c):
    helpers = f'''
        TLS_CTX = ssl.create_default_context(cafile="/etc/ssl/certs/{c.word}-ingest-ca.pem")
        TLS_CTX.load_cert_chain("/etc/{c.word}/client.crt", "/etc/{c.word}/client.key")


        async def forward(record: dict) -> str:
            reader, writer = await asyncio.open_connection("ingest.{c.word}.example.net", 7443, ssl=TLS_CTX)
            writer.write((json.dumps(record) + "\\n").encode())
            await writer.drain()
            ack = await reader.readline()
            writer.close()
            await writer.wait_closed()
            return ack.decode().strip()
    '''
    rec = f'{{"{c.key}": {c.x}}}'
    call = f"await forward({rec})" if c.fw in _ASYNC else f"asyncio.run(forward({rec}))"
    return Spec(s=f"result = {call}", imports="import asyncio\nimport json\nimport ssl", helpers=helpers,
                notes="asyncio stream over mutual TLS with a CA-verifying default context")


# ---------------- CWE-319 cleartext transmission ----------------


@fam("clear-ftp-tls-data-channel", "CWE-319", fws=["script", "cli", "pipeline"], keys=["period", "batch_date"], n=8)
def clear_ftp_tls_data(c):
    _pin(c)
    x = c.x
    kind = c.pick("payroll", "bank-statements", "patient-export", "card-settlement")
    var = c.pick("ftps", "ftp", "session")
    login = f'{var}.login(FTP_USER, os.environ["FTP_PASSWORD"])'
    conn = f"FTP_TLS(FTP_HOST, context=ssl.create_default_context(), timeout=30)"
    name = f'name = "{kind}-" + os.path.basename({x}) + ".csv"'
    shape = c.pick("upload", "download", "with")

    def mk(prot, mark):
        p = f"{var}.prot_p()" if prot else None
        if shape == "upload":
            return _lines(name, "local = os.path.join(EXPORT_DIR, name)", f"{var} = {conn}", login, p,
                          f'{var}.cwd("/incoming")', 'with open(local, "rb") as fh:',
                          f'    {var}.storbinary("STOR " + name, fh){mark}', f"result = {var}.quit()")
        if shape == "download":
            return _lines(name, "local = os.path.join(EXPORT_DIR, name)", f"{var} = {conn}", login, p,
                          f'{var}.cwd("/outgoing")', 'with open(local, "wb") as fh:',
                          f'    {var}.retrbinary("RETR " + name, fh.write){mark}', f"{var}.quit()",
                          "result = os.path.getsize(local)")
        return _lines(name, f"with {conn} as {var}:", "    " + login, "    " + p if p else None,
                      '    with open(os.path.join(EXPORT_DIR, name), "rb") as fh:',
                      f'        {var}.storbinary("STOR " + name, fh, blocksize=65536){mark}',
                      "    result = name")
    v = mk(False, "  #@V")
    s = mk(True, "")
    helpers = f'''
        FTP_HOST = "{c.pick("sftp-gw", "ftps", "transfer")}.{c.pick("partnerbank", "payroll-provider", "clearinghouse")}.com"
        FTP_USER = "{c.word}-feed"
        EXPORT_DIR = "/var/lib/{c.word}/exports"
    '''
    return Spec(v=v, s=s, imports="import os\nimport ssl\nfrom ftplib import FTP_TLS", helpers=helpers,
                notes="FTP_TLS encrypts only the control connection on login(); without prot_p() the data connection "
                      f"stays in clear, so the {kind} file crosses the network readable; the fix calls prot_p() "
                      "before the transfer")


@hardneg(3)
def clear_ftp_tls_data_hn(c):
    s = f"""
        with FTP_TLS("ftps.partnerbank.com", context=ssl.create_default_context(), timeout=30) as ftps:
            ftps.login("{c.word}-feed", os.environ["FTP_PASSWORD"])
            ftps.prot_p()
            wanted = [n for n in ftps.nlst("/outgoing") if n.endswith(".csv") and os.path.basename({c.x}) in n]
            for remote in wanted:
                with open(os.path.join("/var/lib/{c.word}/imports", os.path.basename(remote)), "wb") as fh:
                    ftps.retrbinary("RETR " + remote, fh.write)
        result = len(wanted)
    """
    return Spec(s=s, imports="import os\nimport ssl\nfrom ftplib import FTP_TLS",
                notes="FTP_TLS with a verifying context and prot_p() before any listing or transfer")


@fam("clear-confluent-kafka-sasl-plaintext", "CWE-319", fws=["pipeline", "script", "cli", "flask", "fastapi"],
     keys=["customer_email", "order_id", "patient_ref"], n=8)
def clear_confluent_kafka(c):
    x = c.x
    topic = c.pick(f"{c.word}.events", f"{c.word}-created", f"prod.{c.word}.v1")
    fix = c.pick("plain", "ca")
    mech = c.pick("PLAIN", "PLAIN", "SCRAM-SHA-512")
    style = c.pick("inline", "conf")

    def conf(proto, mark, extra):
        items = ['    "bootstrap.servers": os.environ["KAFKA_BOOTSTRAP"],',
                 f'    "security.protocol": "{proto}",{mark}']
        if extra:
            items.append('    "ssl.ca.location": "/etc/ssl/certs/kafka-ca.pem",')
        items += [f'    "sasl.mechanism": "{mech}",',
                  '    "sasl.username": os.environ["KAFKA_USERNAME"],',
                  '    "sasl.password": os.environ["KAFKA_PASSWORD"],',
                  f'    "client.id": "{c.word}-service",',
                  '    "acks": "all",']
        if style == "inline":
            return "producer = Producer({\n" + "\n".join(items) + "\n})"
        return "KAFKA_CONF = {\n" + "\n".join(items) + "\n}\n\nproducer = Producer(KAFKA_CONF)"

    head = f'TOPIC = "{topic}"\n\n'
    hv = head + conf("SASL_PLAINTEXT", "  #@V", False)
    hs = head + conf("SASL_SSL", "", fix == "ca")
    body = f"""
        event = {{"type": "{c.word}.updated", "{c.key}": {x}, "at": time.time()}}
        producer.produce(TOPIC, key=str({x}).encode(), value=json.dumps(event).encode())
        producer.flush(10)
        result = "queued"
    """
    return _pair(c, body, body, hv, hs, imports="import json\nimport os\nimport time\nfrom confluent_kafka import Producer",
                 notes="librdkafka's SASL_PLAINTEXT sends the records (and, with the PLAIN mechanism, the SASL password) "
                       "without TLS; the fix uses SASL_SSL, which verifies the broker certificate by default")


@hardneg(3)
def clear_confluent_kafka_hn(c):
    local = c.pick(True, False)
    if local:
        helpers = (f'# integration-test producer: the docker-compose broker on this host, no credentials\n'
                   f'producer = Producer({{"bootstrap.servers": "localhost:9092", "client.id": "{c.word}-tests"}})')
    else:
        helpers = ('producer = Producer({\n'
                   '    "bootstrap.servers": os.environ["KAFKA_BOOTSTRAP"],\n'
                   '    "security.protocol": "SASL_SSL",\n'
                   '    "ssl.ca.location": "/etc/ssl/certs/kafka-ca.pem",\n'
                   '    "sasl.mechanism": "SCRAM-SHA-512",\n'
                   '    "sasl.username": os.environ["KAFKA_USERNAME"],\n'
                   '    "sasl.password": os.environ["KAFKA_PASSWORD"],\n'
                   '})')
    s = f"""
        producer.produce("{c.word}.events", value=json.dumps({{"{c.key}": {c.x}}}).encode())
        producer.flush(10)
        result = "queued"
    """
    return Spec(s=s, imports="import json\nimport os\nfrom confluent_kafka import Producer", helpers=helpers,
                notes="confluent-kafka over SASL_SSL, or plaintext only to a local test broker without credentials")


# ---------------- CWE-338 weak PRNG ----------------


@fam("rand-oauth-pkce-verifier", "CWE-338", fws=["flask", "django", "fastapi", "aiohttp", "cli"], keys=["provider", "idp"], n=8)
def rand_pkce(c):
    _pin(c)
    x = c.x
    gen = c.pick("choices", "choice", "randbytes")
    if gen == "choices":
        vst, vver = '"".join(random.choices(PKCE_CHARS, k=32))', '"".join(random.choices(PKCE_CHARS, k=64))'
        sst, sver = "secrets.token_urlsafe(24)", "secrets.token_urlsafe(48)"
    elif gen == "choice":
        vst, vver = ('"".join(random.choice(PKCE_CHARS) for _ in range(32))',
                     '"".join(random.choice(PKCE_CHARS) for _ in range(64))')
        sst, sver = ('"".join(secrets.choice(PKCE_CHARS) for _ in range(32))',
                     '"".join(secrets.choice(PKCE_CHARS) for _ in range(64))')
    else:
        vst, vver = "random.randbytes(16).hex()", 'base64.urlsafe_b64encode(random.randbytes(48)).rstrip(b"=").decode()'
        sst, sver = "secrets.token_bytes(16).hex()", 'base64.urlsafe_b64encode(secrets.token_bytes(48)).rstrip(b"=").decode()'
    scope = c.pick("openid email profile", "openid email", "openid offline_access")
    body = """
        cfg = PROVIDERS[{x}]
        state = {st}{mark}
        code_verifier = {ver}{mark}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode("ascii")).digest()).rstrip(b"=").decode()
        PENDING_LOGINS[state] = {{"provider": {x}, "verifier": code_verifier, "expires": time.time() + 600}}
        params = {{
            "response_type": "code",
            "client_id": cfg["client_id"],
            "redirect_uri": cfg["redirect_uri"],
            "scope": "{scope}",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }}
        result = cfg["authorize_url"] + "?" + urlencode(params)
    """
    v = body.format(x=x, st=vst, ver=vver, mark="  #@V", scope=scope)
    s = body.format(x=x, st=sst, ver=sver, mark="", scope=scope)
    helpers = f'''
        PKCE_CHARS = string.ascii_letters + string.digits + "-._~"
        PROVIDERS = {{
            "google": {{
                "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
                "client_id": os.environ.get("GOOGLE_CLIENT_ID", ""),
                "redirect_uri": "https://{c.word}.example.com/auth/callback/google",
            }},
            "okta": {{
                "authorize_url": "https://{c.word}.okta.com/oauth2/default/v1/authorize",
                "client_id": os.environ.get("OKTA_CLIENT_ID", ""),
                "redirect_uri": "https://{c.word}.example.com/auth/callback/okta",
            }},
        }}
        PENDING_LOGINS = {{}}
    '''
    return Spec(v=v, s=s, imports="import base64\nimport hashlib\nimport os\nimport string\nimport time\nfrom urllib.parse import urlencode",
                vimports="import random", simports="import secrets", helpers=helpers,
                notes="the OAuth state and the PKCE code_verifier come from the Mersenne Twister, whose output can be "
                      "reconstructed from earlier values, so an attacker can predict the verifier of a pending login and "
                      "the CSRF state; the fix draws both from secrets")


@hardneg(3)
def rand_pkce_hn(c):
    x = c.x
    s = f"""
        cfg = PROVIDERS[{x}]
        state = secrets.token_urlsafe(24)
        code_verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
        PENDING_LOGINS[state] = {{"provider": {x}, "verifier": code_verifier}}
        host = random.choice(cfg["hosts"])  # spread logins over the IdP front ends
        result = f"https://{{host}}/authorize?" + urlencode({{"client_id": cfg["client_id"], "state": state,
                                                          "code_challenge": challenge, "code_challenge_method": "S256",
                                                          "response_type": "code"}})
    """
    helpers = f'''
        PROVIDERS = {{"corp": {{"hosts": ["sso1.{c.word}.example.com", "sso2.{c.word}.example.com"], "client_id": "{c.word}-web"}}}}
        PENDING_LOGINS = {{}}
    '''
    return Spec(s=s, imports="import base64\nimport hashlib\nimport random\nimport secrets\nfrom urllib.parse import urlencode",
                helpers=helpers, notes="state and verifier from secrets; random only picks which IdP front end to use")


# ---------------- CWE-798 hard-coded credentials ----------------


@fam("secret-twilio-auth-token", "CWE-798", fws=["flask", "django", "fastapi", "script", "cli", "pipeline"],
     keys=["phone", "to_number"], n=8)
def secret_twilio(c):
    x = c.x
    sid = "AC" + _hex(c, 32)
    tok = _hex(c, 32)
    num = "+1" + c.pick("4155550123", "2025550186", "6465550142")
    shape = c.pick("const", "inline", "apikey")
    if shape == "const":
        hv = (f'TWILIO_ACCOUNT_SID = "{sid}"\nTWILIO_AUTH_TOKEN = "{tok}"  #@V\n'
              "twilio_client = Client(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
        hs = (f'TWILIO_ACCOUNT_SID = "{sid}"\nTWILIO_AUTH_TOKEN = os.environ["TWILIO_AUTH_TOKEN"]\n'
              "twilio_client = Client(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    elif shape == "inline":
        hv = f'twilio_client = Client("{sid}", "{tok}")  #@V'
        hs = f'twilio_client = Client("{sid}", os.environ["TWILIO_AUTH_TOKEN"])'
    else:
        key_sid = "SK" + _hex(c, 32)
        hv = f'twilio_client = Client(username="{key_sid}", password="{tok}", account_sid="{sid}")  #@V'
        hs = f'twilio_client = Client(username="{key_sid}", password=os.environ["TWILIO_API_KEY_SECRET"], account_sid="{sid}")'
    msg = c.pick('"Your order has shipped and arrives tomorrow."', '"Reminder: your appointment is tomorrow at 9:00."',
                 '"Your parcel is out for delivery today."')
    common = f'SMS_FROM = "{num}"\nE164 = re.compile(r"\\+[1-9][0-9]{{7,14}}")\n\n'
    body = f"""
        to_number = {x}.strip()
        if not E164.fullmatch(to_number):
            raise ValueError("phone number must be in E.164 format")
        sms = twilio_client.messages.create(to=to_number, from_=SMS_FROM, body={msg})
        result = sms.sid
    """
    return _pair(c, body, body, common + hv, common + hs, imports="import re\nfrom twilio.rest import Client", simports="import os",
                 notes="the Twilio auth token (or API key secret) is written in the source, so everyone with the code or "
                       "its history can send SMS and read message logs on the account; the fix reads it from the "
                       "environment (the account SID is an identifier, not a secret)")


@hardneg(3)
def secret_twilio_hn(c):
    x = c.x
    shape = c.pick("env", "explicit")
    if shape == "env":
        helpers = "# Client() reads TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN from the environment\ntwilio_client = Client()"
    else:
        helpers = 'twilio_client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])'
    s = f"""
        sms = twilio_client.messages.create(to={x}, from_="+14155550123", body="Your delivery window has changed.")
        result = sms.sid
    """
    return Spec(s=s, imports="from twilio.rest import Client" + ("" if shape == "env" else "\nimport os"), helpers=helpers,
                notes="Twilio client credentials come from the environment")
