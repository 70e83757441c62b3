"""Eight gradio_client sessions at once against the served app: each gets its own correct, cited answer."""

from __future__ import annotations

import threading
import time

import pytest

from app_support import app_index, free_port

pytestmark = pytest.mark.slow

# question, follow-up (or None), what each answer must say; the follow-ups only resolve
# correctly if the session's own earlier answer, and no other, is the history
SESSIONS = [
    ("谁主持了奇瑞项目推进工作专题会议？", "还有哪些领导出席了？", ["韩世军"], ["张元升", "辛启鑫", "于澎"]),
    ("孙杰在2023年担任什么职务？", "他主持了哪些会议？", ["区长"], ["孙杰", "第18次"]),
    ("王宝善出席了哪些会议？", None, ["深度行", "观摩会"], None),
    ("参加第88次工作例会的有哪些人？", None, ["衣立渊", "杨亦武", "毕安传"], None),
    ("德国ITEM项目一年能加工多少吨铝型材？", None, ["800吨"], None),
    ("第2415期的出版日期是哪天？", None, ["2021年11月4日"], None),
    ("2024年5月21日的报纸是哪一期？", None, ["第3026期"], None),
    ("即墨区少先队鼓号操大赛的冠军是谁？", None, ["未在报纸中找到"], None),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, seed_settings):
    from qa.app.serve import launch, make_app

    settings = app_index(tmp_path_factory.mktemp("app_concurrency_index"), seed_settings)
    running = launch(make_app(settings), port=free_port(), block=False, quiet=True)
    yield running.url
    running.close()


def test_八个会话同时提问各得其答(app_url):
    from gradio_client import Client

    clients = [Client(app_url, verbose=False) for _ in SESSIONS]
    start = threading.Barrier(len(SESSIONS))
    results: dict[int, tuple] = {}
    errors: list[BaseException] = []

    def session(i: int) -> None:
        question, follow_up, _, _ = SESSIONS[i]
        try:
            start.wait()
            first = clients[i].predict(question=question, api_name="/ask")
            second = None
            if follow_up:
                second = clients[i].predict(question=follow_up, history=[first], api_name="/ask")
            results[i] = (first, second)
        except BaseException as exc:  # noqa: BLE001 - reported below with the session it came from
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(SESSIONS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - started
    assert not errors, errors
    assert len(results) == len(SESSIONS)
    for i, (question, follow_up, must, must_follow) in enumerate(SESSIONS):
        first, second = results[i]
        assert first["question"] == question
        assert all(word in first["answer"] for word in must), (question, first["answer"])
        if first["mode"] == "abstain":
            assert not first["citations"]
        else:
            assert first["citations"] and "[1]" in first["answer"]
            assert all(c["quote"] and c["title"] for c in first["citations"])
        if follow_up:
            assert second["question"] == follow_up
            assert all(word in second["answer"] for word in must_follow), (follow_up, second["answer"])
    assert elapsed < 60


def test_接口给出清楚的错误并接受期号筛选(app_url):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(app_url, verbose=False)
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    with pytest.raises(AppError, match="问题为空"):
        client.predict(question="  ", api_name="/ask")
    with pytest.raises(AppError, match="日期"):
        client.predict(question="谁主持了奇瑞项目推进工作专题会？", date_from="去年", api_name="/ask")
    in_issue = client.predict(question="哪些领导出席了奇瑞项目推进工作专题会？", issue_no=2415, api_name="/ask")
    assert "张元升" in in_issue["answer"] and in_issue["citations"][0]["issue_no"] == 2415
    other_issue = client.predict(question="哪些领导出席了奇瑞项目推进工作专题会？", issue_no=3026, api_name="/ask")
    assert other_issue["mode"] == "abstain"
