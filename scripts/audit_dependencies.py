"""Audit every distribution installed in the running Python environment against PyPI's advisories.

Run it with the interpreter of the environment to audit: `.venv/bin/python scripts/audit_dependencies.py`.

Why not `pip-audit`: from our network its two sources do not answer. api.osv.dev does not resolve, and PyPI's
per-version document (`/pypi/<name>/<version>/json`) answers 404, on which `pip-audit -s pypi` skips the package
and still prints "No known vulnerabilities found" and exits 0 (a false green; `--strict` turns it into an error).
What does answer is `/pypi/<name>/json`, whose `vulnerabilities` list is about the newest release only
(`info.version`) and whose `releases` map lists every version. So:

- installed == newest: every non-withdrawn advisory in that list is a finding ("fixable" when one of its
  `fixed_in` versions is newer than the installed one, "no fix yet" otherwise);
- installed older than newest: the installed version's advisories cannot be read here, so it is a finding
  ("not verifiable: upgrade to X"), unless `scripts/audit_allow.txt` names the package (the project pins it on
  purpose, e.g. an LTS series) AND the installed version is the newest release of its own series;
- installed newer than newest (a pre-release) or an unparseable version: a finding, nothing can be read;
- installed from a local path or not on PyPI (the project itself, editable): skipped.

Exit 0 when nothing was found, 1 on any finding, 2 when PyPI could not be reached for some package (the result
is incomplete, so never green). Stdlib only: it must run in any environment, before anything is installed.
"""
from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

PYPI = "https://pypi.org/pypi/{name}/json"
ALLOW_FILE = Path(__file__).resolve().parent / "audit_allow.txt"
TIMEOUT = 10  # seconds per request
TRIES = 3
THREADS = 6
# Set once a lookup has failed all its tries: the others then fail at once instead of waiting out their own
# timeouts (an unreachable PyPI would otherwise take minutes to report, at ~100 packages).
_PYPI_DOWN = threading.Event()

# PEP 440, enough of it to order released versions (local labels compare equal, as for "newer than").
_VERSION = re.compile(
    r"^\s*v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d*))?"
    r"(?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$",
    re.I,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


def version_key(text: str) -> tuple | None:
    """A sortable key for a PEP 440 version, or None when `text` is not one."""
    m = _VERSION.match(text or "")
    if not m:
        return None
    release = [int(part) for part in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    post_n = m["post_n1"] or m["post_n2"]
    has_post = m["post_n1"] is not None or m["post_l"] is not None
    if m["pre_l"]:
        pre = (0, _PRE_RANK[m["pre_l"].lower()], int(m["pre_n"] or 0))
    elif m["dev_l"] and not has_post:
        pre = (-1,)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre = (1,)
    post = (int(post_n or 0),) if has_post else (-1,)
    dev = (0, int(m["dev_n"] or 0)) if m["dev_l"] else (1,)
    return (int(m["epoch"] or 0), tuple(release), pre, post, dev)


def is_prerelease(text: str) -> bool:
    key = version_key(text)
    return key is not None and (key[2][0] != 1 or key[4][0] == 0)


def series(text: str) -> tuple:
    """The release series a version belongs to: its first two numbers (5.2.19 -> (5, 2))."""
    key = version_key(text)
    release = key[1] if key else ()
    return (release + (0, 0))[:2]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def newest_of_series(doc: dict, installed: str) -> str | None:
    """The newest final, not yanked release of PyPI in the installed version's series."""
    wanted = series(installed)
    best = None
    for version, files in (doc.get("releases") or {}).items():
        key = version_key(version)
        if key is None or is_prerelease(version) or series(version) != wanted:
            continue
        if files and all(f.get("yanked") for f in files):
            continue
        if best is None or key > version_key(best):
            best = version
    return best


def holders(requirements: dict[str, list[tuple[str, str]]], name: str, newest: str) -> list[str]:
    """The installed distributions whose requirement on `name` the newest release does not satisfy: upgrading
    would break them, so the older version is held back by them, not by us (markers and extras are ignored, so
    an extra's pin counts too: kombu[redis] pins packaging exactly)."""
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
    except ImportError:  # pip vendors it
        from pip._vendor.packaging.specifiers import InvalidSpecifier, SpecifierSet
    found = []
    for dependent, spec in requirements.get(normalize(name), []):
        try:
            if spec and not SpecifierSet(spec).contains(newest, prereleases=True):
                found.append(f"{dependent} ({normalize(name)}{spec})")
        except InvalidSpecifier:
            continue
    return found


def installed_requirements() -> dict[str, list[tuple[str, str]]]:
    """name -> [(dependent, version specifier)] over every installed distribution's Requires-Dist."""
    found: dict[str, list[tuple[str, str]]] = {}
    for dist in metadata.distributions():
        for line in dist.requires or []:
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^]]*\])?\s*\(?([^;)]*)\)?", line)
            if match:
                found.setdefault(normalize(match.group(1)), []).append(
                    (dist.metadata["Name"], match.group(2).strip()))
    return found


def classify(name: str, installed: str, doc: dict | None, allowed: dict[str, str],
             requirements: dict[str, list[tuple[str, str]]] | None = None) -> dict:
    """One row of the report for one installed distribution and its PyPI document (None: not on PyPI).

    status is "ok", "pinned" (allow-listed and newest of its series), "held" (an installed package requires the
    older version), "skipped" or "finding"; a finding carries kind "vulnerable", "outdated" or "unknown".
    """
    row = {"name": name, "installed": installed, "newest": None, "status": "ok", "kind": None, "detail": ""}
    if doc is None:
        row.update(status="skipped", detail="not on PyPI")
        return row
    newest = (doc.get("info") or {}).get("version") or ""
    row["newest"] = newest
    have, top = version_key(installed), version_key(newest)
    if have is None or top is None:
        row.update(status="finding", kind="unknown", detail=f"cannot compare versions {installed!r} and {newest!r}")
    elif have == top:
        advisories = [v for v in doc.get("vulnerabilities") or [] if not v.get("withdrawn")]
        if advisories:
            parts = []
            for adv in advisories:
                fixes = [f for f in adv.get("fixed_in") or [] if (version_key(f) or ()) > have]
                ids = ", ".join([adv.get("id") or "?"] + list(adv.get("aliases") or []))
                parts.append(f"{ids}: " + (f"fixable in {', '.join(fixes)}" if fixes else "no fix yet"))
            row.update(status="finding", kind="vulnerable", detail="; ".join(parts),
                       advisories=[a.get("id") for a in advisories])
    elif have < top:
        series_top = newest_of_series(doc, installed)
        key = normalize(name)
        held = holders(requirements or {}, name, newest)
        if held:
            row["status"] = "held"
            row["detail"] = f"held back: {newest} would break {', '.join(held)}"
        elif key in allowed and series_top is not None and version_key(series_top) <= have:
            row["status"] = "pinned"
            row["detail"] = f"pinned on purpose ({allowed[key]}); newest of its series, {newest} exists"
        elif key in allowed:
            row.update(status="finding", kind="outdated",
                       detail=f"pinned on purpose ({allowed[key]}), but not verifiable: upgrade to {series_top}, "
                              f"the newest of its series")
        else:
            row.update(status="finding", kind="outdated", detail=f"not verifiable: upgrade to {newest}")
    else:
        row.update(status="finding", kind="unknown",
                   detail=f"newer than PyPI's newest release {newest}: advisories cannot be read")
    return row


def read_allow(path: Path = ALLOW_FILE) -> dict[str, str]:
    """`name  reason` per line; `#` starts a comment. A line without a reason is refused: say why it is pinned."""
    allowed = {}
    if not path.exists():
        return allowed
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: '{name}' needs a reason after the name")
        allowed[normalize(name)] = reason.strip()
    return allowed


def installed_distributions() -> list[tuple[str, str, bool]]:
    """(name, version, local) for each distribution of this interpreter; local = installed from a path/URL."""
    seen, found = set(), []
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name or normalize(name) in seen:
            continue  # the first one on sys.path is the one imported
        seen.add(normalize(name))
        direct = dist.read_text("direct_url.json")
        local = False
        if direct:
            try:
                local = "dir_info" in json.loads(direct) or json.loads(direct).get("url", "").startswith("file:")
            except ValueError:
                pass
        found.append((name, dist.version, local))
    return sorted(found, key=lambda item: normalize(item[0]))


def fetch(name: str) -> dict | None:
    """PyPI's JSON document for `name`; None on 404; raises OSError when PyPI cannot be reached."""
    if _PYPI_DOWN.is_set():
        raise OSError(f"{name}: not looked up, PyPI did not answer for another package")
    error = None
    for attempt in range(TRIES):
        try:
            with urllib.request.urlopen(PYPI.format(name=normalize(name)), timeout=TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            error = exc
        except (OSError, ValueError) as exc:  # URLError, timeouts, a cut-off body
            error = exc
        time.sleep(0.5 * (attempt + 1))
    _PYPI_DOWN.set()
    raise OSError(f"{name}: {error}")


def audit(dists, fetcher=fetch, allowed: dict[str, str] | None = None) -> tuple[list[dict], list[str]]:
    """Rows for the distributions and the list of lookup errors."""
    allowed = read_allow() if allowed is None else allowed
    requirements = installed_requirements()
    rows, errors = [], []

    def one(item):
        name, version, local = item
        if local:
            return {"name": name, "installed": version, "newest": None, "status": "skipped", "kind": None,
                    "detail": "installed from a local path"}
        try:
            return classify(name, version, fetcher(name), allowed, requirements)
        except OSError as exc:
            errors.append(str(exc))
            return {"name": name, "installed": version, "newest": None, "status": "error", "kind": None,
                    "detail": str(exc)}

    with ThreadPoolExecutor(THREADS) as pool:
        rows = list(pool.map(one, dists))
    return rows, errors


def exit_code(rows: list[dict], errors: list[str]) -> int:
    if errors:
        return 2
    return 1 if any(r["status"] == "finding" for r in rows) else 0


def main() -> int:
    rows, errors = audit(installed_distributions())
    width = max([len(r["name"]) for r in rows] + [7])
    print(f"{'package':<{width}}  {'installed':<14} {'newest':<14} {'status':<8} detail")
    for r in rows:
        print(f"{r['name']:<{width}}  {r['installed']:<14} {r['newest'] or '-':<14} {r['status']:<8} {r['detail']}")
    code = exit_code(rows, errors)
    findings = [{k: r[k] for k in ("name", "installed", "newest", "kind", "detail")}
                for r in rows if r["status"] == "finding"]
    print(json.dumps({"checked": sum(r["status"] != "skipped" for r in rows),
                      "skipped": [r["name"] for r in rows if r["status"] == "skipped"],
                      "findings": findings, "errors": errors, "exit": code}, ensure_ascii=False))
    return code


if __name__ == "__main__":
    sys.exit(main())
