#!/usr/bin/env python3
"""Validate meshlint's real output against its schemas.

Runs the meshlint CLI over every config set in Corpus/ and checks that
  - `--format json` validates against schema/meshlint-output.schema.json (JSON Schema draft-07),
  - `--format sarif` validates against schema/sarif-schema-2.1.0.json (the OASIS SARIF 2.1.0 schema),
  - `--format github` prints only well-formed workflow commands,
  - the exit code is 0 or 1 and the same for every format (it never depends on the format),
  - json and sarif output is byte-identical across two runs (deterministic),
  - on exit code 2 (a missing input root) json and sarif still print valid documents.

Usage: scripts/validate-output.py [--meshlint PATH] [--corpus DIR]
Without --meshlint (or $MESHLINT_BIN) the CLI is built with `swift build --product meshlint`.
Needs Python 3 and `jsonschema` (`python3 -m pip install jsonschema`). Exits 1 on any failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys

try:  # an independent SARIF object model from PyPI, used when installed (.ci/run installs it)
    import sarif_pydantic
except ImportError:
    sarif_pydantic = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=MC[0-9]{3} [a-z0-9-]+::[^\r\n]*$")


def closed(schema):
    """The schema with every `additionalProperties: true` made false. The shipped schema accepts
    unknown properties so that consumers never break on an added field; meshlint's own output is
    checked against this closed copy, so every field it prints must be declared in the schema."""
    if isinstance(schema, dict):
        return {k: (False if k == "additionalProperties" and v is True else closed(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


def load_validator(path, strict=False):
    import jsonschema

    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    if strict:
        schema = closed(schema)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
    return cls(schema, format_checker=checker)


def build_meshlint():
    subprocess.run(["swift", "build", "--product", "meshlint"], cwd=ROOT, check=True, stdout=sys.stderr)
    bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_path, "meshlint")


def run(meshlint, args):
    p = subprocess.run([meshlint, "lint", *args], cwd=ROOT, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def sarif_link_problems(log):
    """Every related location is embedded in its result's message as `[text](id)` (GitHub shows
    only embedded ones), and every embedded id names a related location."""
    problems = []
    for i, r in enumerate(log["runs"][0]["results"]):
        ids = {loc["id"] for loc in r.get("relatedLocations", [])}
        linked = {int(m) for m in re.findall(r"(?<!\\)\]\((\d+)\)", r["message"]["text"])}
        if ids != linked:
            problems.append(f"result {i}: related location ids {sorted(ids)} but message links {sorted(linked)}")
    return problems


def step_summary_problems(meshlint, path, json_text):
    """`--format github` with GITHUB_STEP_SUMMARY set appends one table row per finding."""
    import tempfile
    with tempfile.NamedTemporaryFile("r", suffix=".md") as summary:
        env = dict(os.environ, GITHUB_STEP_SUMMARY=summary.name)
        subprocess.run([meshlint, "lint", path, "--format", "github"], cwd=ROOT, capture_output=True, env=env)
        text = summary.read()
    try:
        findings = len(json.loads(json_text)["findings"])
    except (json.JSONDecodeError, KeyError):
        return []
    rows = [line for line in text.splitlines() if re.match(r"^\| (error|warning|info) \| MC[0-9]{3} ", line)]
    if not text.startswith("### meshlint: "):
        return [f"job summary has no heading: {text[:80]!r}"]
    return [] if len(rows) == findings else [f"job summary has {len(rows)} rows for {findings} findings"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meshlint", default=os.environ.get("MESHLINT_BIN"), help="path to a built meshlint binary")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "Corpus"), help="directory of config sets")
    opts = ap.parse_args()

    try:
        import jsonschema  # noqa: F401
    except ImportError:
        print("validate-output: the Python package jsonschema is missing (python3 -m pip install jsonschema)", file=sys.stderr)
        return 2
    meshlint = opts.meshlint or build_meshlint()
    json_validator = load_validator(os.path.join(ROOT, "schema", "meshlint-output.schema.json"), strict=True)
    sarif_validator = load_validator(os.path.join(ROOT, "schema", "sarif-schema-2.1.0.json"))

    failures = []

    def validate(label, validator, text):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            failures.append(f"{label}: not JSON: {e}")
            return None
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.absolute_path) or "(root)"
            failures.append(f"{label}: {where}: {err.message}")
        return doc

    sets = sorted(d for d in os.listdir(opts.corpus) if os.path.isdir(os.path.join(opts.corpus, d)))
    if not sets:
        failures.append(f"no config sets under {opts.corpus}")
    results = 0
    for name in sets:
        path = os.path.relpath(os.path.join(opts.corpus, name), ROOT)
        codes = {}
        outputs = {}
        for fmt in ("text", "json", "sarif", "github"):
            code, out, err = run(meshlint, [path, "--format", fmt])
            codes[fmt] = code
            outputs[fmt] = out
            if code not in (0, 1):
                failures.append(f"{path} --format {fmt}: exit code {code}: {err.strip()}")
        if len(set(codes.values())) != 1:
            failures.append(f"{path}: exit code depends on the format: {codes}")
        validate(f"{path} json", json_validator, outputs["json"])
        sarif = validate(f"{path} sarif", sarif_validator, outputs["sarif"])
        if sarif:
            results += len(sarif["runs"][0]["results"])
            failures += [f"{path} sarif: {p}" for p in sarif_link_problems(sarif)]
            if sarif_pydantic:
                try:
                    sarif_pydantic.Sarif.model_validate(sarif)
                except Exception as e:  # noqa: BLE001 - any parse error is a failure
                    failures.append(f"{path} sarif: sarif-pydantic rejects it: {str(e)[:300]}")
        failures += [f"{path} github: {p}" for p in step_summary_problems(meshlint, path, outputs["json"])]
        for line in outputs["github"].splitlines():
            if not GITHUB_LINE.match(line):
                failures.append(f"{path} github: malformed workflow command: {line[:160]}")
        for fmt in ("json", "sarif"):
            if run(meshlint, [path, "--format", fmt])[1] != outputs[fmt]:
                failures.append(f"{path} --format {fmt}: output differs between two runs")
        print(f"ok  {path}  (exit {codes['json']})" if not any(f.startswith(path) for f in failures) else f"FAIL {path}")

    missing = os.path.join("Corpus", "does-not-exist")
    for fmt, validator in (("json", json_validator), ("sarif", sarif_validator)):
        code, out, err = run(meshlint, [missing, "--format", fmt])
        if code != 2 or not err.strip():
            failures.append(f"missing root --format {fmt}: expected exit 2 and a message on stderr, got {code}")
        doc = validate(f"missing root --format {fmt}", validator, out)
        if fmt == "sarif" and doc and doc["runs"][0]["invocations"][0].get("executionSuccessful") is not False:
            failures.append("missing root --format sarif: executionSuccessful is not false")
        if fmt == "json" and doc and "error" not in doc:
            failures.append("missing root --format json: no error in the document")

    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    print(f"validate-output: {len(sets)} sets, {results} SARIF results, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
