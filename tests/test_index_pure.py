"""Pure parts of retrieval: filters from the question, fusion, names, tokens, best sentence, scores."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.index.bm25 import BM25Doc, BM25Index, make_tokenizer, tokenize
from qa.index.evaluate import score
from qa.index.names import names_in_subtitle, names_in_text, person_names
from qa.index.retrieve import Filters, best_sentence, fuse_ranks, parse_filters
from qa.ingest import canonical_source

D = dt.date


@pytest.fixture(scope="module")
def tokenizer():
    return make_tokenizer(["毕安传", "衣立渊", "杨亦武"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("2021年11月的疫情防控例会是谁主持的？", Filters(D(2021, 11, 1), D(2021, 12, 3))),
        ("第2415期报道了什么？", Filters(issue_no=2415)),
        ("2023年2月24日区委常委会传达了什么？", Filters(D(2023, 2, 24), D(2023, 2, 27))),
        ("2023 年 2 月 24 号的会议", Filters(D(2023, 2, 24), D(2023, 2, 27))),
        ("２０２１年１１月４日第２４１５期", Filters(D(2021, 11, 4), D(2021, 11, 7), 2415)),
        ("2021年11月至2022年1月有哪些会议？", Filters(D(2021, 11, 1), D(2022, 2, 3))),
        ("2024-05-20召开的会议", Filters(D(2024, 5, 20), D(2024, 5, 23))),
        ("2023年度考核情况在哪次会议上通报？", Filters()),
        ("区疫情防控指挥部第88次工作例会", Filters()),
        ("2023年13月的会议", Filters()),
    ],
)
def test_问题中的日期与期号成为筛选条件(question, expected):
    assert parse_filters(question) == expected


def test_筛选条件可以由明确选项覆盖():
    parsed = parse_filters("2021年11月第2415期")
    merged = parsed.overridden_by(Filters(date_to=D(2021, 11, 30)))
    assert merged == Filters(D(2021, 11, 1), D(2021, 11, 30), 2415)
    assert merged.bounds() == (20211101, 20211130)
    assert "第2415期" in merged.describe()
    assert not Filters()


def test_倒数排名融合奖励两边都靠前的文章():
    fused = fuse_ranks({"dense": ["a", "b", "c"], "bm25": ["b", "d"]}, rrf_k=60)
    assert [k for k, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_人名作为整词切分(tokenizer):
    tokens = tokenize("衣立渊、杨亦武、李伟、冯伟、毕安传、张伟参加会议。", tokenizer)
    assert {"衣立渊", "杨亦武", "毕安传"} <= set(tokens)
    assert "、" not in tokens and "。" not in tokens


def test_疑问词不算检索词(tokenizer):
    assert "谁" not in tokenize("谁主持了会议？", tokenizer)
    assert "多少" not in tokenize("总投资是多少？", tokenizer)


def test_从署名职务与名单中收集人名(seed_issues):
    names = person_names(seed_issues["000_4891b56cadfbdf84"].articles)
    assert {"韩世军", "张元升", "王宝善", "衣立渊", "杨亦武", "毕安传", "柳承业", "吴超", "刘云睿"} <= names
    assert names_in_text("副区长马明强主持会议。区人大常委会副主任刘伟、闫丕云参加。") == {"马明强", "刘伟", "闫丕云"}
    assert names_in_subtitle("韩世军出席并讲话 孙杰主持") == {"韩世军", "孙杰"}
    assert "表示" not in person_names(seed_issues["003_fe06ce4d6c70b362"].articles)


def test_最匹配的句子(tokenizer):
    text = "昨日下午召开例会。\n会议强调要守住防线。衣立渊、杨亦武参加会议。"
    query = tokenize("杨亦武参加了哪次会议", tokenizer)
    assert best_sentence(query, text) == "衣立渊、杨亦武参加会议。"


def test_BM25按筛选条件屏蔽其他期(tokenizer, tmp_path):
    docs = [
        BM25Doc("a", "奇瑞项目推进工作专题会 毕安传参加", 20211104, 2415),
        BM25Doc("b", "奇瑞汽车青岛基地项目观摩", 20230225, 0),
    ]
    index = BM25Index.build(docs, ["毕安传"], generation=1, tokenizer=tokenizer)
    assert {i for i, _ in index.search("奇瑞项目", 5)} == {"a", "b"}
    assert [i for i, _ in index.search("奇瑞项目", 5, index.mask(20230101, None, None))] == ["b"]
    assert [i for i, _ in index.search("奇瑞项目", 5, index.mask(None, None, 2415))] == ["a"]
    assert index.search("完全无关的词语", 5) == []
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25", tokenizer=tokenizer)
    assert loaded.ids == ["a", "b"] and loaded.generation == 1 and loaded.words == ["毕安传"]
    assert [i for i, _ in loaded.search("毕安传", 5)] == ["a"]


def test_命中率与平均倒数排名():
    s = score([["x", "g1"], ["g2"], ["a", "b", "c", "d", "e", "g3"]], [("g1",), ("g2", "zz"), ("g3",)])
    assert (s.n, s.hit1, s.hit5) == (3, pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert s.mrr == pytest.approx((1 / 2 + 1 + 1 / 6) / 3)


def test_同一文件两种写法是同一来源(tmp_path):
    (tmp_path / "seeds").mkdir()
    f = tmp_path / "seeds" / "a.txt"
    f.write_text("x")
    assert canonical_source("seeds/a.txt", tmp_path) == "seeds/a.txt"
    assert canonical_source(f, tmp_path) == "seeds/a.txt"
    assert canonical_source("./seeds/../seeds/a.txt", tmp_path) == "seeds/a.txt"
    assert canonical_source(f, tmp_path / "seeds" / "deeper") == f.resolve().as_posix()
