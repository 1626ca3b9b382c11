/**
 * What a reviewer reads next to a finding: the weakness's MITRE name, one sentence on why
 * the flagged code is dangerous, and concrete Python advice on how to fix it.
 *
 * Names follow MITRE CWE 4.x (https://cwe.mitre.org/); `shortName` is MITRE's own short
 * term where it gives one (the part in parentheses, e.g. "SQL Injection"), so comments and
 * check-run tables stay readable.
 */
export interface CweEntry {
  /** "CWE-89". */
  id: string;
  /** MITRE's full weakness name. */
  name: string;
  /** Short form shown in comments and `Finding.name`. */
  shortName: string;
  /** One sentence: why code like this is a weakness. */
  why: string;
  /** How to fix it in Python. */
  fix: string;
}

const ENTRIES: readonly CweEntry[] = [
  {
    id: "CWE-79",
    name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    shortName: "Cross-site Scripting",
    why: "User-controlled text reaches HTML without escaping, so an attacker can run script in another user's browser.",
    fix: "Render through a template with autoescape on (Jinja2/Django default) and pass values as context; never build HTML with f-strings or mark user data with Markup()/mark_safe()/|safe. Use markupsafe.escape() where you must build HTML by hand.",
  },
  {
    id: "CWE-89",
    name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    shortName: "SQL Injection",
    why: "A query is built from user input by string formatting, so the input can change the SQL that runs.",
    fix: "Pass values as query parameters: cursor.execute(\"SELECT … WHERE id = %s\", (user_id,)) (or ? for sqlite3), or use the ORM's filter()/text() with bound params; whitelist identifiers such as column names against a fixed set.",
  },
  {
    id: "CWE-352",
    name: "Cross-Site Request Forgery (CSRF)",
    shortName: "Cross-Site Request Forgery",
    why: "A state-changing endpoint accepts requests without a CSRF token, so another site can make a logged-in user's browser call it.",
    fix: "Keep Django's CsrfViewMiddleware and remove @csrf_exempt; in Flask use Flask-WTF's CSRFProtect; only change state on POST/PUT/DELETE and set SameSite on session cookies.",
  },
  {
    id: "CWE-862",
    name: "Missing Authorization",
    shortName: "Missing Authorization",
    why: "The code performs a privileged action or returns protected data without checking that the caller may do so.",
    fix: "Check the permission before acting: @login_required plus @permission_required / user.has_perm(), a Flask decorator that checks current_user's role, or a FastAPI dependency that raises 403.",
  },
  {
    id: "CWE-863",
    name: "Incorrect Authorization",
    shortName: "Incorrect Authorization",
    why: "An authorization check exists but tests the wrong thing (a client-supplied role, the wrong object, or an inverted condition).",
    fix: "Decide from server-side state only: the authenticated user's stored roles and the object's owner; deny by default and cover both allow and deny paths with tests.",
  },
  {
    id: "CWE-639",
    name: "Authorization Bypass Through User-Controlled Key",
    shortName: "Insecure Direct Object Reference",
    why: "An object is fetched by an id from the request without checking it belongs to the current user, so users can read or change others' records.",
    fix: "Scope the lookup to the user: Model.objects.get(pk=pk, owner=request.user) / get_object_or_404(..., owner=...), or compare obj.owner_id with the current user's id and return 404.",
  },
  {
    id: "CWE-22",
    name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    shortName: "Path Traversal",
    why: "A file path is built from user input, so '../' or an absolute path can reach files outside the intended directory.",
    fix: "Use werkzeug.utils.secure_filename() or flask.send_from_directory(); otherwise resolve the path (Path(base, name).resolve()) and check it is_relative_to(base.resolve()) before opening.",
  },
  {
    id: "CWE-78",
    name: "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    shortName: "OS Command Injection",
    why: "User input reaches a shell command line, so shell metacharacters can run arbitrary commands.",
    fix: "Call subprocess.run([\"prog\", arg], check=True) with a list and shell=False; never os.system/os.popen or shell=True with interpolated input; use shlex.quote() only as a last resort.",
  },
  {
    id: "CWE-77",
    name: "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
    shortName: "Command Injection",
    why: "User input is placed into a command or its options for another program, so it can add arguments or commands.",
    fix: "Pass arguments as a list, put '--' before user-supplied operands, and validate input against an allow-list of expected values.",
  },
  {
    id: "CWE-94",
    name: "Improper Control of Generation of Code ('Code Injection')",
    shortName: "Code Injection",
    why: "User input is evaluated as code (eval/exec, compile, or a server-side template built from input), so an attacker can run Python on the server.",
    fix: "Parse data instead of evaluating it: ast.literal_eval() or json.loads(); render templates from fixed files with user data passed as context (render_template, not render_template_string(user_input)).",
  },
  {
    id: "CWE-434",
    name: "Unrestricted Upload of File with Dangerous Type",
    shortName: "Unrestricted File Upload",
    why: "An uploaded file is stored under its client-supplied name or type, so an attacker can upload executable or overwriting content.",
    fix: "Check the extension against an allow-list, generate the stored name (uuid4().hex + ext) or use secure_filename(), store outside the web root, and enforce MAX_CONTENT_LENGTH.",
  },
  {
    id: "CWE-502",
    name: "Deserialization of Untrusted Data",
    shortName: "Unsafe Deserialization",
    why: "Untrusted bytes are deserialized with a format that can construct arbitrary objects (pickle, marshal, yaml.load, jsonpickle), which allows code execution.",
    fix: "Use json.loads() or yaml.safe_load(); if you must exchange Python objects, sign them (hmac / itsdangerous) and verify before loading, and never unpickle data from clients.",
  },
  {
    id: "CWE-306",
    name: "Missing Authentication for Critical Function",
    shortName: "Missing Authentication",
    why: "A critical operation (admin action, data export, configuration change) is reachable without logging in.",
    fix: "Require authentication on the route (@login_required, a FastAPI Depends(get_current_user), Flask-Login's login_required) and deny by default in the router.",
  },
  {
    id: "CWE-287",
    name: "Improper Authentication",
    shortName: "Improper Authentication",
    why: "The code accepts an identity it has not properly verified (a trusted header, a plain comparison, an unchecked token).",
    fix: "Verify credentials with the framework's authenticate() / check_password(), compare secrets with hmac.compare_digest(), and never trust client-supplied user ids or headers.",
  },
  {
    id: "CWE-918",
    name: "Server-Side Request Forgery (SSRF)",
    shortName: "Server-Side Request Forgery",
    why: "The server fetches a URL taken from user input, so an attacker can make it reach internal services or cloud metadata.",
    fix: "Allow-list hosts and schemes (urllib.parse.urlparse, then compare hostname to a fixed set), resolve and reject private/loopback addresses (ipaddress), and disable redirects.",
  },
  {
    id: "CWE-798",
    name: "Use of Hard-coded Credentials",
    shortName: "Hard-coded Credentials",
    why: "A password, key or token is written in the source, so anyone with the code (or the repository history) has it.",
    fix: "Read secrets from the environment or a secret manager (os.environ[\"DB_PASSWORD\"]), rotate the exposed one, and keep it out of the repository.",
  },
  {
    id: "CWE-400",
    name: "Uncontrolled Resource Consumption",
    shortName: "Uncontrolled Resource Consumption",
    why: "Input size or count is not bounded, so a request can exhaust memory, CPU or connections.",
    fix: "Cap sizes and counts (MAX_CONTENT_LENGTH, read(limit), pagination limits), set timeouts on requests/sockets, and stream large data instead of loading it whole.",
  },
  {
    id: "CWE-1333",
    name: "Inefficient Regular Expression Complexity",
    shortName: "Regular Expression Denial of Service",
    why: "A regular expression with nested or overlapping quantifiers backtracks exponentially on crafted input (ReDoS).",
    fix: "Remove nested quantifiers such as (a+)+ or (\\w+\\s?)*, anchor the pattern, limit input length before matching, or use a linear-time engine (re2).",
  },
  {
    id: "CWE-269",
    name: "Improper Privilege Management",
    shortName: "Improper Privilege Management",
    why: "The code grants, keeps or escalates privileges it should not (roles set from input, running as root, not dropping privileges).",
    fix: "Assign roles only through an admin-checked path, ignore role fields in user-submitted data, and drop privileges (os.setuid/setgid) right after binding privileged resources.",
  },
  {
    id: "CWE-732",
    name: "Incorrect Permission Assignment for Critical Resource",
    shortName: "Incorrect Permission Assignment",
    why: "A file or directory is given permissions that let other users read or change it (for example chmod 0o777).",
    fix: "Use the least permissions needed: os.chmod(path, 0o600) for secrets, 0o644/0o755 otherwise; create sensitive files with os.open(path, flags, 0o600).",
  },
  {
    id: "CWE-276",
    name: "Incorrect Default Permissions",
    shortName: "Incorrect Default Permissions",
    why: "Files or directories are created with permissive defaults (umask 0, mode 0o777), so other users can access them.",
    fix: "Set a restrictive umask (os.umask(0o077)) and pass explicit modes to os.makedirs/os.open; never set umask(0).",
  },
  {
    id: "CWE-611",
    name: "Improper Restriction of XML External Entity Reference",
    shortName: "XML External Entity",
    why: "Untrusted XML is parsed with external entities enabled, so it can read local files or make network requests.",
    fix: "Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring) or lxml with XMLParser(resolve_entities=False, no_network=True).",
  },
  {
    id: "CWE-601",
    name: "URL Redirection to Untrusted Site ('Open Redirect')",
    shortName: "Open Redirect",
    why: "The redirect target comes from user input, so a link on your domain can send users to a phishing site.",
    fix: "Redirect only to relative paths or allow-listed hosts: Django's url_has_allowed_host_and_scheme(), or urlparse(target) and check netloc is empty or in a fixed set.",
  },
  {
    id: "CWE-327",
    name: "Use of a Broken or Risky Cryptographic Algorithm",
    shortName: "Broken or Risky Cryptographic Algorithm",
    why: "The code encrypts or signs with a broken or risky algorithm or mode (DES, RC4, ECB, MD5/SHA-1 for signatures).",
    fix: "Use the cryptography package's high-level recipes: Fernet or AESGCM for encryption, Ed25519/RSA-PSS with SHA-256 for signatures.",
  },
  {
    id: "CWE-328",
    name: "Use of Weak Hash",
    shortName: "Weak Hash",
    why: "A security decision relies on a weak hash (MD5, SHA-1) that allows collisions or fast brute force.",
    fix: "Use hashlib.sha256() or blake2b for integrity, hmac with SHA-256 for authentication; mark non-security uses with usedforsecurity=False.",
  },
  {
    id: "CWE-916",
    name: "Use of Password Hash With Insufficient Computational Effort",
    shortName: "Weak Password Hash",
    why: "Passwords are hashed with a fast hash (MD5, SHA-*, unsalted), so a leaked table can be cracked quickly.",
    fix: "Use a password hasher: Django's make_password, werkzeug.security.generate_password_hash, argon2-cffi, or hashlib.scrypt/pbkdf2_hmac with a random salt and high cost.",
  },
  {
    id: "CWE-295",
    name: "Improper Certificate Validation",
    shortName: "Improper Certificate Validation",
    why: "TLS certificate checks are turned off (verify=False, CERT_NONE, _create_unverified_context), so a network attacker can impersonate the server.",
    fix: "Keep verification on: requests verify=True (default) or verify=\"/path/ca.pem\", ssl.create_default_context(); fix the trust store instead of disabling checks.",
  },
  {
    id: "CWE-330",
    name: "Use of Insufficiently Random Values",
    shortName: "Insufficiently Random Values",
    why: "A security value (token, id, nonce) is derived from predictable data such as time, a counter or a fixed seed.",
    fix: "Generate security values with secrets.token_urlsafe(), secrets.token_hex() or os.urandom().",
  },
  {
    id: "CWE-338",
    name: "Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)",
    shortName: "Weak PRNG",
    why: "The random module (Mersenne Twister) generates a secret, token or password, and its output can be predicted.",
    fix: "Use the secrets module (secrets.token_urlsafe, secrets.choice, secrets.randbelow) or random.SystemRandom for anything security-related.",
  },
  {
    id: "CWE-347",
    name: "Improper Verification of Cryptographic Signature",
    shortName: "Improper Signature Verification",
    why: "A signed token or message is accepted without verifying its signature (verify_signature False, algorithm 'none', or a non-constant-time comparison).",
    fix: "Verify with a fixed algorithm list: jwt.decode(token, key, algorithms=[\"HS256\"]); compare HMACs with hmac.compare_digest().",
  },
  {
    id: "CWE-117",
    name: "Improper Output Neutralization for Logs",
    shortName: "Log Injection",
    why: "User input is written to logs unescaped, so newlines can forge log entries or hide an attack.",
    fix: "Log with parameters (logger.info(\"user %s\", name)) and strip or escape CR/LF from user input (value.replace(\"\\n\", \"\\\\n\")), or use structured (JSON) logging.",
  },
  {
    id: "CWE-377",
    name: "Insecure Temporary File",
    shortName: "Insecure Temporary File",
    why: "A temporary file is created with a predictable name (tempfile.mktemp, /tmp/fixed-name), so another user can pre-create or replace it.",
    fix: "Use tempfile.NamedTemporaryFile(), tempfile.mkstemp() or tempfile.TemporaryDirectory(), which create the file atomically with private permissions.",
  },
  {
    id: "CWE-209",
    name: "Generation of Error Message Containing Sensitive Information",
    shortName: "Sensitive Error Message",
    why: "Exception details or stack traces are returned to the client, revealing internals that help an attacker.",
    fix: "Log the exception server-side (logger.exception) and return a generic message with an error id; never return str(e) or traceback.format_exc() in responses.",
  },
  {
    id: "CWE-215",
    name: "Insertion of Sensitive Information Into Debugging Code",
    shortName: "Sensitive Information in Debugging Code",
    why: "Debug output prints secrets or personal data (passwords, tokens, full request bodies) where others can read it.",
    fix: "Remove the debug print/log or redact the sensitive fields; log at DEBUG only non-sensitive identifiers.",
  },
  {
    id: "CWE-489",
    name: "Active Debug Code",
    shortName: "Active Debug Code",
    why: "Debug mode stays on in deployed code (app.run(debug=True), DEBUG = True), exposing an interactive debugger or detailed errors.",
    fix: "Read debug settings from the environment and default to off: app.run(debug=os.environ.get(\"FLASK_DEBUG\") == \"1\"); DEBUG = False in production settings.",
  },
  {
    id: "CWE-90",
    name: "Improper Neutralization of Special Elements used in an LDAP Query ('LDAP Injection')",
    shortName: "LDAP Injection",
    why: "An LDAP filter is built from user input, so characters like * ( ) can change the query.",
    fix: "Escape values with ldap3.utils.conv.escape_filter_chars() (or ldap.filter.escape_filter_chars) before building the filter, and validate the input format.",
  },
  {
    id: "CWE-643",
    name: "Improper Neutralization of Data within XPath Expressions ('XPath Injection')",
    shortName: "XPath Injection",
    why: "An XPath expression is built from user input, so quotes can change which nodes the query selects.",
    fix: "Use XPath variables: tree.xpath(\"//user[@name=$name]\", name=value) with lxml, instead of formatting the value into the expression.",
  },
  {
    id: "CWE-319",
    name: "Cleartext Transmission of Sensitive Information",
    shortName: "Cleartext Transmission",
    why: "Sensitive data is sent over an unencrypted channel (http://, ftp, telnet, plain SMTP), so it can be read on the network.",
    fix: "Use https:// URLs, FTP_TLS/SFTP, SMTP with starttls() or SMTP_SSL, and refuse to fall back to plaintext.",
  },
  {
    id: "CWE-614",
    name: "Sensitive Cookie in HTTPS Session Without 'Secure' Attribute",
    shortName: "Cookie Without Secure Flag",
    why: "A session or auth cookie is set without the Secure flag, so the browser may send it over plain HTTP.",
    fix: "Set secure=True in response.set_cookie(...) and SESSION_COOKIE_SECURE = True (Django/Flask).",
  },
  {
    id: "CWE-1004",
    name: "Sensitive Cookie Without 'HttpOnly' Flag",
    shortName: "Cookie Without HttpOnly Flag",
    why: "A session or auth cookie is readable by JavaScript, so any XSS can steal it.",
    fix: "Set httponly=True in response.set_cookie(...) and keep SESSION_COOKIE_HTTPONLY = True; add samesite=\"Lax\" as well.",
  },
  {
    id: "CWE-200",
    name: "Exposure of Sensitive Information to an Unauthorized Actor",
    shortName: "Sensitive Information Exposure",
    why: "The code returns or publishes data (password hashes, secrets, other users' details, internal settings) to someone who should not see it.",
    fix: "Serialize an explicit allow-list of fields (a schema or serializer with fields=[...]) instead of whole objects or __dict__, and check who is asking.",
  },
];

const BY_ID: ReadonlyMap<string, CweEntry> = new Map(ENTRIES.map((entry) => [entry.id, entry]));

/** Every CWE the catalogue describes, in a stable order. */
export function listCwes(): readonly CweEntry[] {
  return ENTRIES;
}

/**
 * The catalogue entry for `id` ("CWE-89"). Unknown ids (a newer model with a label this
 * build does not know) get a generic entry rather than an error, so a review still posts.
 *
 * @example
 * describeCwe("CWE-89").shortName // "SQL Injection"
 */
export function describeCwe(id: string): CweEntry {
  return (
    BY_ID.get(id) ?? {
      id,
      name: id,
      shortName: id,
      why: `The model flags this code as ${id}.`,
      fix: `See https://cwe.mitre.org/data/definitions/${id.replace(/^CWE-/, "")}.html for how to avoid it.`,
    }
  );
}

/** True when the catalogue has its own texts for `id`. */
export function isKnownCwe(id: string): boolean {
  return BY_ID.has(id);
}
