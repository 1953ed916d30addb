#!/usr/bin/env python3
"""Runs `bevara validate` over the E-ARK IP test corpus and compares verdicts.

The corpus (github.com/DILCISBoard/eark-ip-test-corpus) describes, per CSIP and
SIP requirement, packages that are valid and packages that break it. It was
made on Windows: many declared checksums were computed on CRLF files and some
hrefs differ from file names only in case. Each package is therefore copied to
a scratch folder named as the package, and a file is given CRLF line endings
(or the case of its href) only where the declared checksum then matches.

Usage: eark_corpus.py --bevara build/bevara --corpus DIR [--formats dir,zip,tar,tar.gz]
                      [--json OUT] [--only CSIP62]
Exit status: 0 when every verdict is as the corpus expects, 1 otherwise.
"""
import argparse, hashlib, json, os, re, shutil, subprocess, sys, tarfile, tempfile, zipfile
import xml.etree.ElementTree as ET

ALGOS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
DECL = re.compile(rb'<(?:[A-Za-z0-9_]+:)?(?:file|mdRef)\b[^>]*>', re.S)
ATTR = re.compile(rb'\b(CHECKSUM|CHECKSUMTYPE|xlink:href)\s*=\s*"([^"]*)"')
HREF = re.compile(rb'<(?:[A-Za-z0-9_]+:)?FLocat\b[^>]*xlink:href\s*=\s*"([^"]*)"', re.S)


def digest(data, algo):
    return hashlib.new(algo, data).hexdigest()


def declared(mets_bytes):
    """(href, algorithm, checksum) for every file and mdRef of one METS file."""
    out = []
    # A file's FLocat follows its <file ...> tag; pair them in document order.
    for m in re.finditer(rb'<(?:[A-Za-z0-9_]+:)?(file|mdRef)\b([^>]*)>(.*?)(?=<(?:[A-Za-z0-9_]+:)?(?:file|mdRef)\b|\Z)',
                         mets_bytes, re.S):
        attrs = dict(ATTR.findall(m.group(2)))
        href = attrs.get(b"xlink:href")
        if m.group(1) == b"file":
            fl = HREF.search(m.group(3))
            href = fl.group(1) if fl else None
        algo = ALGOS.get(attrs.get(b"CHECKSUMTYPE", b"").decode(errors="replace"))
        if href and algo and b"CHECKSUM" in attrs:
            out.append((href.decode(errors="replace"), algo, attrs[b"CHECKSUM"].decode().lower()))
    return out


def restore(root):
    """Restores CRLF line endings and href case where the checksum proves them."""
    # Git cannot keep an empty folder, so the corpus holds placeholder files.
    for d, _, fs in os.walk(root):
        for f in fs:
            if f == ".gitkeep":
                os.remove(os.path.join(d, f))
    mets_files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.upper() == "METS.XML"]
    for mets in mets_files:
        base = os.path.dirname(mets)
        with open(mets, "rb") as f:
            decls = declared(f.read())
        for href, algo, checksum in decls:
            rel = href[len("file:///"):] if href.startswith("file:///") else href
            rel = rel[2:] if rel.startswith("./") else rel
            path = os.path.normpath(os.path.join(base, rel))
            if not path.startswith(root) or not os.path.lexists(os.path.dirname(path) or "."):
                continue
            if not os.path.exists(path):  # a name that differs only in case
                parent = os.path.dirname(path)
                if os.path.isdir(parent):
                    for name in os.listdir(parent):
                        if name.lower() == os.path.basename(path).lower():
                            os.rename(os.path.join(parent, name), path)
                            break
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            if digest(data, algo) == checksum or b"\r\n" in data:
                continue
            crlf = data.replace(b"\n", b"\r\n")
            if digest(crlf, algo) == checksum:
                with open(path, "wb") as f:
                    f.write(crlf)


def pack(folder, fmt, scratch):
    name = os.path.basename(folder)
    if fmt == "dir":
        return folder
    out = os.path.join(scratch, name + "." + fmt)
    if fmt == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for d, _, fs in sorted(os.walk(folder)):
                for f in sorted(fs):
                    p = os.path.join(d, f)
                    z.write(p, os.path.relpath(p, os.path.dirname(folder)))
    else:
        with tarfile.open(out, "w:gz" if fmt == "tar.gz" else "w") as t:
            t.add(folder, arcname=name)
    return out


def validate(bevara, package):
    p = subprocess.run([bevara, "validate", "--format", "json", package], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return {"crash": p.returncode, "stderr": p.stderr[-400:]}
    report = json.loads(p.stdout)
    found = {}
    for rule in report["rules"]:
        if rule["result"] in ("fail", "warning", "info"):
            found[rule["id"]] = rule["result"]
    return {"valid": report["valid"], "found": found, "profile": report.get("profile")}


def cases(corpus, only):
    for spec in ("CSIP", "SIP"):
        top = os.path.join(corpus, "corpus", spec)
        if not os.path.isdir(top):
            continue
        for req in sorted(os.listdir(top)):
            tc = os.path.join(top, req, "testCase.xml")
            if not os.path.isfile(tc) or (only and req not in only):
                continue
            root = ET.parse(tc).getroot()
            level = (root.findtext("requirementText/level") or "").strip()
            for rule in root.iter("rule"):
                err = rule.find("error")
                severity = err.get("level") if err is not None else "ERROR"
                for pkg in rule.iter("package"):
                    if pkg.get("isImplemented") != "TRUE":
                        continue
                    path = os.path.join(top, req, pkg.findtext("path").strip())
                    if os.path.isdir(path):
                        yield req, level, rule.get("id"), severity, pkg.get("isValid") == "TRUE", path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bevara", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--formats", default="dir")
    ap.add_argument("--json")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    formats = args.formats.split(",")
    scratch = tempfile.mkdtemp(prefix="eark-corpus-")
    verdicts, results, seen = {}, [], {}
    try:
        for req, level, rule_id, severity, expect_valid, path in cases(args.corpus, only):
            if path not in seen:
                work = os.path.join(scratch, str(len(seen)), os.path.basename(path))
                shutil.copytree(path, work, symlinks=True)
                restore(work)
                per_format = {f: validate(args.bevara, pack(work, f, os.path.dirname(work))) for f in formats}
                seen[path] = per_format
            per_format = seen[path]
            first = per_format[formats[0]]
            same = all(json.dumps(v, sort_keys=True) == json.dumps(first, sort_keys=True) for v in per_format.values())
            if "crash" in first:
                outcome = "crash"
            elif expect_valid:
                outcome = "ok" if first["valid"] else "false-reject"
            elif severity == "ERROR":
                outcome = ("ok" if req in first["found"] and first["found"][req] == "fail" else
                           "other-id" if not first["valid"] else "missed")
            else:  # WARNING / INFO: a SHOULD or MAY finding
                want = "warning" if severity == "WARNING" else "info"
                outcome = ("ok" if first["found"].get(req) in (want, "fail") else
                           "other-id" if first["found"] else "missed")
            results.append({"requirement": req, "level": level, "rule": rule_id, "severity": severity,
                            "expect_valid": expect_valid, "package": os.path.relpath(path, args.corpus),
                            "outcome": outcome, "same_across_formats": same,
                            "found": first.get("found", {}), "profile": first.get("profile")})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    counts = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    must_missed = sorted({(r["requirement"], r["package"]) for r in results if r["outcome"] in ("missed", "other-id") and r["severity"] == "ERROR"})
    should_missed = sorted({(r["requirement"], r["package"]) for r in results if r["outcome"] in ("missed", "other-id") and r["severity"] != "ERROR"})
    false_rejects = sorted({(r["requirement"], r["package"]) for r in results if r["outcome"] == "false-reject"})
    differ = sorted({r["package"] for r in results if not r["same_across_formats"]})
    print(f"{len(results)} verdicts over {len(seen)} packages, formats {','.join(formats)}: {counts}")
    for title, rows in (("MUST not reported under its id", must_missed), ("SHOULD/MAY not reported", should_missed),
                        ("valid package rejected", false_rejects)):
        print(f"\n{title}: {len(rows)}")
        for req, pkg in rows:
            found = next(r["found"] for r in results if r["package"] == pkg)
            print(f"  {req:10} {pkg}  {sorted(k for k, v in found.items() if v == 'fail')}")
    if differ:
        print(f"\nverdicts differ across formats: {differ}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = counts.get("missed", 0) + counts.get("other-id", 0) + counts.get("false-reject", 0) + counts.get("crash", 0)
    return 1 if bad or differ else 0


if __name__ == "__main__":
    sys.exit(main())
