/**
 * Bandit test id → the CWE of our label set it detects. Bandit 1.6.2 reports no CWE, so
 * this table is ours: it follows upstream Bandit's own mapping (bandit/core/issue.py, 1.7+)
 * where that CWE is one of our labels, and otherwise picks the nearest label (e.g. B303
 * MD5/SHA-1 → CWE-328 weak hash; B311 random → CWE-338 weak PRNG; B201 Flask debug →
 * CWE-489 active debug code). Ids without an entry (B101 assert, B110 try/except/pass,
 * B104 bind all interfaces, …) detect nothing we label and are not counted as findings.
 */
export const BANDIT_CWE: Readonly<Record<string, string>> = {
  B102: "CWE-94", // exec
  B103: "CWE-732", // chmod with permissive mask
  B105: "CWE-798", // hard-coded password string (never fires on 3.8+, see report)
  B106: "CWE-798", // hard-coded password funcarg
  B107: "CWE-798", // hard-coded password default
  B108: "CWE-377", // hard-coded tmp directory (never fires on 3.8+)
  B113: "CWE-400", // request without timeout (newer Bandit only)
  B201: "CWE-489", // flask debug=True
  B301: "CWE-502", // pickle
  B302: "CWE-502", // marshal
  B303: "CWE-328", // md5 / sha1
  B304: "CWE-327", // insecure cipher
  B305: "CWE-327", // insecure cipher mode
  B306: "CWE-377", // mktemp
  B307: "CWE-94", // eval
  B308: "CWE-79", // mark_safe
  B309: "CWE-295", // HTTPSConnection without context
  B310: "CWE-918", // urllib urlopen with arbitrary scheme
  B311: "CWE-338", // random
  B312: "CWE-319", // telnetlib
  B313: "CWE-611", B314: "CWE-611", B315: "CWE-611", B316: "CWE-611", B317: "CWE-611",
  B318: "CWE-611", B319: "CWE-611", B320: "CWE-611", // xml parsers
  B321: "CWE-319", // ftplib
  B322: "CWE-94", // input() on Python 2
  B323: "CWE-295", // unverified SSL context
  B324: "CWE-328", // hashlib.new with md5/sha1
  B325: "CWE-377", // os.tempnam
  B401: "CWE-319", // import telnetlib
  B402: "CWE-319", // import ftplib
  B403: "CWE-502", // import pickle
  B404: "CWE-78", // import subprocess
  B405: "CWE-611", B406: "CWE-611", B407: "CWE-611", B408: "CWE-611", B409: "CWE-611", B410: "CWE-611", B411: "CWE-611",
  B413: "CWE-327", // import pycrypto
  B501: "CWE-295", // requests verify=False
  B502: "CWE-327", // ssl with bad version
  B503: "CWE-327", // ssl with bad defaults
  B504: "CWE-327", // ssl with no version
  B505: "CWE-327", // weak cryptographic key
  B506: "CWE-502", // yaml.load
  B507: "CWE-295", // ssh no host key verification
  B601: "CWE-78", // paramiko exec_command
  B602: "CWE-78", // subprocess shell=True
  B603: "CWE-78", // subprocess without shell
  B604: "CWE-78", // any function with shell=True
  B605: "CWE-78", // os.system / popen
  B606: "CWE-78", // process without shell
  B607: "CWE-78", // partial executable path
  B608: "CWE-89", // SQL built from strings (never fires on 3.8+)
  B609: "CWE-78", // wildcard injection
  B610: "CWE-89", // django extra()
  B611: "CWE-89", // django RawSQL
  B701: "CWE-79", // jinja2 autoescape=False
  B702: "CWE-79", // mako templates
  B703: "CWE-79", // django mark_safe
};

/** Bandit 1.6.2 plugins that never fire on Python 3.8+: they look for `ast.Str` (fixed upstream in 1.6.3). */
export const BANDIT_DEAD_PLUGINS = ["B608 SQL injection", "B105 hard-coded password string", "B104 bind all interfaces", "B108 hard-coded tmp directory"];
