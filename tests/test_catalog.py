"""The catalog keeps whole articles and finds issues by number or printed date: the issues ingest recorded, read back."""

from __future__ import annotations

import datetime as dt

from qa.catalog import Catalog
from qa.index.manifest import Manifest


def _recorded(tmp_path, *issues) -> Catalog:
    """A catalog over an archive in which ingest recorded these issues (without chunks: the catalog never reads them)."""
    manifest = Manifest(tmp_path)
    for issue in issues:
        manifest.record(issue, [], [])
    manifest.close()
    return Catalog.open(tmp_path)


def test_按期号和出版日期找到同一期_推断日期不算出版日期(seed_issues, tmp_path):
    cat = _recorded(tmp_path, *seed_issues.values())
    assert cat.issue_by_no(2415).date == dt.date(2021, 11, 4)
    assert cat.issue_by_date(dt.date(2024, 5, 21)).issue_no == 3026
    assert cat.issue_by_date(dt.date(2023, 2, 25)) is None  # 001 has no masthead: its date is inferred
    assert cat.counts() == {"issues": 5, "articles": sum(len(i.articles) for i in seed_issues.values())}
    assert cat.issues() == sorted(seed_issues.values(), key=lambda i: i.date)  # every article, the masthead too


def test_同一来源重新写入时替换旧文章而不重复(seed_issues, tmp_path):
    issue = seed_issues["000_4891b56cadfbdf84"]
    cat = _recorded(tmp_path, issue)
    manifest = Manifest(tmp_path)
    manifest.forget(issue.source)
    manifest.record(issue.model_copy(update={"articles": issue.articles[:2]}), [], [])
    assert cat.counts() == {"issues": 1, "articles": 2}
    manifest.forget(issue.source)
    manifest.close()
    assert cat.counts() == {"issues": 0, "articles": 0}


def test_按编号取回整篇文章和它所在的期(seed_issues, tmp_path):
    cat = _recorded(tmp_path, seed_issues["000_4891b56cadfbdf84"])
    issue, article = cat.article("000_4891b56cadfbdf84-04")
    assert article.title == "韩世军主持召开奇瑞项目推进工作专题会" and issue.issue_no == 2415
    assert issue.masthead == seed_issues["000_4891b56cadfbdf84"].masthead
    assert cat.article("nope-01") is None


def test_期次列表只读报头不读文章_按文件取回一期(seed_issues, tmp_path):
    cat = _recorded(tmp_path, *seed_issues.values())
    listed = cat.issues(articles=False)
    assert [i.source for i in listed] == [i.source for i in cat.issues()]
    assert all(not i.articles for i in listed)  # the issue list of a ten-year archive reads no article
    one = seed_issues["000_4891b56cadfbdf84"]
    assert cat.issue_by_source(one.source).issue_no == 2415
    assert cat.issue_by_source("no/such/file.txt") is None
