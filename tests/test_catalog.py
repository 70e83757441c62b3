"""The catalog keeps whole articles and finds issues by number or printed date."""

from __future__ import annotations

import datetime as dt

from qa.catalog import Catalog


def test_按期号和出版日期找到同一期_推断日期不算出版日期(seed_issues, tmp_path):
    cat = Catalog.open(tmp_path)
    for issue in seed_issues.values():
        cat.upsert_issue(issue)
    assert cat.issue_by_no(2415).date == dt.date(2021, 11, 4)
    assert cat.issue_by_date(dt.date(2024, 5, 21)).issue_no == 3026
    assert cat.issue_by_date(dt.date(2023, 2, 25)) is None  # 001 has no masthead: its date is inferred
    assert cat.counts() == {"issues": 5, "articles": sum(len(i.articles) for i in seed_issues.values())}


def test_同一来源重新写入时替换旧文章而不重复(seed_issues, tmp_path):
    cat = Catalog.open(tmp_path)
    issue = seed_issues["000_4891b56cadfbdf84"]
    cat.upsert_issue(issue)
    shorter = issue.model_copy(update={"articles": issue.articles[:2]})
    cat.upsert_issue(shorter)
    assert cat.counts() == {"issues": 1, "articles": 2}
    cat.remove_source(issue.source)
    assert cat.counts() == {"issues": 0, "articles": 0}


def test_按编号取回整篇文章和它所在的期(seed_issues, tmp_path):
    cat = Catalog.open(tmp_path)
    cat.upsert_issue(seed_issues["000_4891b56cadfbdf84"])
    issue, article = cat.article("000_4891b56cadfbdf84-04")
    assert article.title == "韩世军主持召开奇瑞项目推进工作专题会" and issue.issue_no == 2415
    assert cat.article("nope-01") is None
