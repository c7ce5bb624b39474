#!/usr/bin/env python3
"""Writes the throw-away PKI of Corpus/secrets-broken (Tests/Fixtures/secrets-pki/*.pem, which the unit tests read too): a mesh root, one
intermediate per cluster (one valid, one expiring 19 days after the corpus reference time
2026-12-01T00:00:00Z, one expired), an unrelated key, and a Kubernetes API server CA with its
serving certificate. Every key here is generated for this corpus and protects nothing.
Needs python3-cryptography; CI never runs it (the PEM files are committed)."""
import datetime, os
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "secrets-pki")
D = lambda s: datetime.datetime.fromisoformat(s).replace(tzinfo=datetime.timezone.utc)

def key():
    return ec.generate_private_key(ec.SECP256R1())

def name(cn, o="Istio"):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, o), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

def cert(subject, subject_key, issuer, issuer_key, start, end, ca, serial):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(subject_key.public_key()).serial_number(serial)
         .not_valid_before(D(start)).not_valid_after(D(end))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None if ca else None), critical=True))
    if not ca:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName("kubernetes.default.svc")]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())

def pem(c):
    return c.public_bytes(serialization.Encoding.PEM).decode()

def pem_key(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption()).decode()

os.makedirs(OUT, exist_ok=True)
root_k = key()
root = cert(name("Mesh Root CA"), root_k, name("Mesh Root CA"), root_k, "2026-01-01", "2036-01-01", True, 1)
files = {"root-cert.pem": pem(root)}
for cluster, start, end, serial in [("east", "2026-01-01", "2028-01-01", 2),
                                    ("west", "2025-12-20", "2026-12-20", 3),
                                    ("north", "2024-06-01", "2026-06-01", 4)]:
    k = key()
    c = cert(name(f"Intermediate CA {cluster}"), k, name("Mesh Root CA"), root_k, start, end, True, serial)
    files[f"{cluster}-ca-cert.pem"] = pem(c)
    files[f"{cluster}-ca-key.pem"] = pem_key(k)
files["unrelated-key.pem"] = pem_key(key())
api_k = key()
api = cert(name("kubernetes", "k8s"), api_k, name("kubernetes", "k8s"), api_k, "2026-01-01", "2036-01-01", True, 10)
srv_k = key()
srv = cert(name("kube-apiserver", "k8s"), srv_k, name("kubernetes", "k8s"), api_k, "2026-01-01", "2027-01-01", False, 11)
files["apiserver-ca.pem"] = pem(api)
files["apiserver-serving.pem"] = pem(srv)
for f, text in files.items():
    with open(os.path.join(OUT, f), "w") as fh:
        fh.write(text)

# The config set itself: three primaries (east, west, north) on one network.
import base64, textwrap
SET = os.path.dirname(os.path.abspath(__file__))
P = {f: open(os.path.join(OUT, f)).read() for f in os.listdir(OUT)}
b64 = lambda s: base64.b64encode(s.encode()).decode()
ind = lambda text, n: textwrap.indent(text, " " * n)

def write(path, text):
    full = os.path.join(SET, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as fh:
        fh.write(text)

def iop(c):
    return f"""apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: istio
  namespace: istio-system
spec:
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: {c}
      network: network1
"""

def cacerts(comment, files, encode):
    out = f"# {comment}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cacerts\n  namespace: istio-system\n"
    if encode:
        out += "type: Opaque\ndata:\n" + "".join(f"  {k}: {b64(v)}\n" for k, v in files)
    else:
        out += "stringData:\n" + "".join(f"  {k}: |\n{ind(v, 4)}" for k, v in files)
    return out

def remote_secret(name, key, server, cluster_extra, comment="", labelled=True):
    kubeconfig = f"""apiVersion: v1
kind: Config
clusters:
- cluster:
{ind(cluster_extra, 4)}    server: {server}
  name: {key}
contexts:
- context:
    cluster: {key}
    user: {key}
  name: {key}
current-context: {key}
users:
- name: {key}
  user:
    token: PLACEHOLDER_SERVICE_ACCOUNT_TOKEN
"""
    return f"""{comment}apiVersion: v1
kind: Secret
metadata:
  annotations:
    networking.istio.io/cluster: {key}
  labels:
    istio/multiCluster: "true"
  name: {name}
  namespace: istio-system
stringData:
  {key}: |
{ind(kubeconfig, 4)}"""

CA = f"certificate-authority-data: {b64(P['apiserver-ca.pem'])}\n"
for c in ["east", "west", "north"]:
    write(f"{c}/istio-operator.yaml", iop(c))

write("east/cacerts.yaml", cacerts("A correct plug-in CA: intermediate, its key, the root, and the chain intermediate + root.",
    [("ca-cert.pem", P["east-ca-cert.pem"]), ("ca-key.pem", P["east-ca-key.pem"]),
     ("root-cert.pem", P["root-cert.pem"]), ("cert-chain.pem", P["east-ca-cert.pem"] + P["root-cert.pem"])], False))
write("west/cacerts.yaml", cacerts("The intermediate expires on 2026-12-20 (MC307 warning at the corpus time 2026-12-01); cert-chain.pem lists the root first (MC307).",
    [("ca-cert.pem", P["west-ca-cert.pem"]), ("ca-key.pem", P["west-ca-key.pem"]),
     ("root-cert.pem", P["root-cert.pem"]), ("cert-chain.pem", P["root-cert.pem"] + P["west-ca-cert.pem"])], True))
write("north/cacerts.yaml", cacerts("The intermediate expired on 2026-06-01 and ca-key.pem is another key (MC307, twice).",
    [("ca-cert.pem", P["north-ca-cert.pem"]), ("ca-key.pem", P["unrelated-key.pem"]),
     ("root-cert.pem", P["root-cert.pem"]), ("cert-chain.pem", P["north-ca-cert.pem"] + P["root-cert.pem"])], True))

write("east/remote-secrets.yaml", "---\n".join([
    remote_secret("istio-remote-secret-west", "west", "https://198.51.100.20:6443", CA,
                  "# istioctl create-remote-secret --name=west\n"),
    remote_secret("west-credentials-2025", "west", "https://198.51.100.21:6443", CA,
                  "# A hand-made secret for west left over from a migration: istiod registers `west` for one of the two only (MC207).\n"),
    remote_secret("istio-remote-secret-north", "north", "https://198.51.100.30:6443", "insecure-skip-tls-verify: true\n",
                  "# north's API server certificate was not trusted, so verification was switched off (MC206).\n"),
]))
write("west/remote-secrets.yaml", "---\n".join([
    remote_secret("istio-remote-secret-east", "east", "https://rancher.example.com/k8s/clusters/c-m-7x2kq", CA,
                  "# east is reached through Rancher's authorised endpoint proxy, but the CA is east's own (MC206).\n"),
    remote_secret("istio-remote-secret-north", "north", "https://198.51.100.30:6443", CA),
]))
write("north/remote-secrets.yaml", "---\n".join([
    remote_secret("istio-remote-secret-east", "east", "https://198.51.100.10:6443",
                  f"certificate-authority-data: {b64(P['apiserver-serving.pem'])}\n",
                  "# The CA data is the API server's serving certificate, not its CA (MC206).\n"),
    remote_secret("istio-remote-secret-west", "west", "https://198.51.100.20:6443",
                  f"certificate-authority-data: {b64(b64(P['apiserver-ca.pem']))}\n",
                  "# The CA was base64-encoded twice (MC206).\n"),
]))
