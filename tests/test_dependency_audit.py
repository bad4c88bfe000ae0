"""scripts/audit_dependencies.py classifies installed distributions from PyPI's per-project JSON.

Unit level, no network: the documents below have the shape `https://pypi.org/pypi/<name>/json` answers with
(trimmed to the keys the audit reads), and go through `json.loads` like the real ones.
"""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import audit_dependencies as audit  # noqa: E402


def _doc(newest, releases, vulnerabilities=()):
    return json.loads(json.dumps({
        "info": {"name": "pkg", "version": newest},
        "releases": {v: [{"filename": f"pkg-{v}.tar.gz", "yanked": v.endswith("!y")}] for v in releases},
        "vulnerabilities": list(vulnerabilities),
    }).replace("!y", ""))


def _adv(id_, fixed_in, withdrawn=None, aliases=()):
    return {"id": id_, "aliases": list(aliases), "details": "…", "fixed_in": fixed_in,
            "link": f"https://osv.dev/vulnerability/{id_}", "source": "osv", "summary": None,
            "withdrawn": withdrawn}


@pytest.mark.parametrize("older, newer", [
    ("1.0", "1.0.1"), ("1.0.dev1", "1.0a1"), ("1.0a1", "1.0b2"), ("1.0rc1", "1.0"), ("1.0", "1.0.post1"),
    ("2.9.0", "2.9.0.post0"), ("23.2.1", "26.3"), ("0.60.3", "0.61.2"), ("5.2.19", "6.1.3"), ("1!0.1", "1!0.2"),
    ("9.9", "1!0.1"), ("1.9", "1.10"),
])
def test_versions_order_as_pep_440_says(older, newer):
    assert audit.version_key(older) < audit.version_key(newer)


def test_equal_spellings_compare_equal_and_junk_does_not_parse():
    assert audit.version_key("1.0") == audit.version_key("1.0.0") == audit.version_key("1.0+local.7")
    assert audit.version_key("not-a-version") is None
    assert audit.is_prerelease("2.0rc1") and audit.is_prerelease("2.0.dev3") and not audit.is_prerelease("2.0.post1")


def test_newest_release_without_advisories_is_ok():
    row = audit.classify("pkg", "2.0", _doc("2.0", ["1.0", "2.0"]), {})
    assert (row["status"], row["kind"]) == ("ok", None)


def test_advisory_on_the_installed_newest_release_is_a_finding_fixable_or_not():
    doc = _doc("2.0", ["2.0"], [_adv("PYSEC-1", ["1.9.9", "2.0.1"], aliases=["CVE-2026-1"]),
                                _adv("GHSA-2", []),
                                _adv("GHSA-3", ["2.0.1"], withdrawn="2026-11-01T00:00:00Z")])
    row = audit.classify("pkg", "2.0", doc, {"pkg": "pinned"})  # an allow-list entry never excuses an advisory
    assert (row["status"], row["kind"]) == ("finding", "vulnerable")
    assert row["advisories"] == ["PYSEC-1", "GHSA-2"]  # the withdrawn one is not counted
    assert "PYSEC-1, CVE-2026-1: fixable in 2.0.1" in row["detail"]  # 1.9.9 is older: not a fix for 2.0
    assert "GHSA-2: no fix yet" in row["detail"]


def test_older_than_newest_is_not_verifiable_and_names_the_upgrade():
    row = audit.classify("pip", "23.2.1", _doc("26.3", ["23.2.1", "23.3", "26.3"]), {})
    assert (row["status"], row["kind"]) == ("finding", "outdated")
    assert row["detail"] == "not verifiable: upgrade to 26.3"


def test_allow_list_excuses_an_older_series_only_at_the_newest_release_of_that_series():
    doc = _doc("6.1.3", ["5.2.18", "5.2.19", "5.2.20!y", "5.3a1", "6.1.3"])  # 5.2.20 yanked, 5.3a1 pre-release
    allowed = {"django": "LTS series"}
    assert audit.classify("Django", "5.2.19", doc, allowed)["status"] == "pinned"
    row = audit.classify("Django", "5.2.18", doc, allowed)
    assert (row["status"], row["kind"]) == ("finding", "outdated") and "upgrade to 5.2.19" in row["detail"]
    assert audit.classify("Django", "5.2.19", doc, {})["status"] == "finding"


def test_unknown_versions_and_versions_ahead_of_pypi_are_findings_not_passes():
    assert audit.classify("pkg", "3.0rc1", _doc("2.0", ["2.0", "3.0rc1"]), {})["kind"] == "unknown"
    assert audit.classify("pkg", "weird", _doc("2.0", ["2.0"]), {})["kind"] == "unknown"


def test_lookups_404_skip_unreachable_pypi_exits_2_findings_exit_1():
    documents = {"ok": _doc("1.0", ["1.0"]), "old": _doc("2.0", ["1.0", "2.0"]), "local-only": None}

    def fetcher(name):
        if name == "down":
            raise OSError("down: <urlopen error timed out>")
        return documents[name]

    dists = [("ok", "1.0", False), ("local-only", "0.1", False), ("gonghui", "0.1.0", True)]
    rows, errors = audit.audit(dists, fetcher, allowed={})
    assert [r["status"] for r in rows] == ["ok", "skipped", "skipped"] and audit.exit_code(rows, errors) == 0
    rows, errors = audit.audit(dists + [("old", "1.0", False)], fetcher, allowed={})
    assert audit.exit_code(rows, errors) == 1
    rows, errors = audit.audit(dists + [("old", "1.0", False), ("down", "1.0", False)], fetcher, allowed={})
    assert errors == ["down: <urlopen error timed out>"] and audit.exit_code(rows, errors) == 2


def test_allow_list_needs_a_reason_and_each_entry_names_an_installed_distribution(tmp_path):
    bad = tmp_path / "allow.txt"
    bad.write_text("# comment\nsomething\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="needs a reason"):
        audit.read_allow(bad)
    allowed = audit.read_allow()  # the project's own file
    installed = {audit.normalize(name) for name, _, _ in audit.installed_distributions()}
    assert all(reason for reason in allowed.values())
    assert set(allowed) <= installed, "a stale entry in scripts/audit_allow.txt"


def test_an_older_version_another_installed_package_requires_is_held_back_not_a_finding():
    requirements = {"packaging": [("kombu", "==26.3"), ("pytest", ">=24")], "django": [("gonghui", "<5.3,>=5.2")]}
    doc = _doc("26.4", ["26.3", "26.4"])

    held = audit.classify("packaging", "26.3", doc, {}, requirements)
    free = audit.classify("packaging", "26.3", doc, {}, {"packaging": [("pytest", ">=24")]})

    assert held["status"] == "held" and "kombu (packaging==26.3)" in held["detail"]
    assert free["status"] == "finding" and free["kind"] == "outdated"
    # being held back never hides an advisory on the newest release the package is at
    vulnerable = audit.classify("packaging", "26.4", _doc("26.4", ["26.4"], [{"id": "PYSEC-1", "fixed_in": []}]),
                                {}, requirements)
    assert vulnerable["status"] == "finding" and vulnerable["kind"] == "vulnerable"
