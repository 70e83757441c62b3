"""Presenting an eval run: terminal tables, `eval/report.md`, and the per-type bar charts.

Sealed splits are shown as aggregates only (overall, per type, per facet): no question,
answer or miss of a sealed set is ever printed or written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from qa.eval.judge import disabled
from qa.eval.run import BASELINE, CITATION, PROJECT, EvalReport, SystemResult, is_ahead
from qa.eval.score import METRIC_BY_KEY, METRICS, Metric

TYPE_LABELS = {
    "overall": "总体 overall",
    "chair": "主持 chair",
    "attendees": "出席 attendees",
    "participants": "参加 participants",
    "speakers": "讲话 speakers",
    "other_role": "其他角色 other role",
    "role": "职务 role",
    "who_held": "任职者 who held",
    "person_meetings": "个人会议 person",
    "date": "日期 date",
    "number": "数字 number",
    "count": "计数 count",
    "place": "地点 place",
    "issue_lookup": "期号 issue",
    "caption": "图片 caption",
    "what": "内容 what",
    "compound": "复合 compound",
    "unanswerable": "不可答 unanswerable",
    "english": "英文 english",
    "followup": "追问 follow-up",
    "#new_issue": "·新一期 new issues",
    "#seeds": "·种子期 seed issues",
    "#compound": "·复合 compound",
    "#english": "·英文 english",
    "#traditional": "·繁体 traditional",
    "#paraphrase": "·换说法 paraphrase",
    "#count": "·计数 count",
    "#relative_date": "·相对日期 relative date",
    "#ocr": "·OCR 拆字 ocr",
    "#unanswerable": "·不可答 unanswerable",
}
# The per-type table keeps to the figures that differ by type; the overall table has them all.
TYPE_COLUMNS = ["correct_cited", "correct", "citation_recall", "grounding_violation_rate", "false_refusal_rate"]
CLOSING_METRICS = {
    "correct_cited": "正确且引用正确",
    "correct": "答案正确率",
    "citation_precision": "引用精确率",
    "grounding_violation_rate": "含无据事实的答案",
    "abstain_recall": "不可答题拒答率",
    "false_refusal_rate": "误拒率",
    "latency_p50": "耗时中位数（秒）",
}
TUNED_CAVEAT = (
    "dev 与由它生成的变体（perturbations）上的数字是在调过的数据上得到的：引擎的规则是看着这些题写的，"
    "它们不能说明新问题、新一期上的表现。sealed 是由没见过引擎的人盲写的留出集，只报汇总，是唯一能预测用户所见的数字。"
)

def fmt(value: float | None, metric: Metric) -> str:
    """A figure as the tables show it."""
    if value is None:
        return "—"
    if metric.unit == "pct":
        return f"{value * 100:.1f}%"
    if metric.unit == "seconds":
        return f"{value:.2f}"
    if metric.unit == "count":
        return f"{value:.0f}"
    return f"{value:.3f}"


def ratio(project: float | None, baseline: float | None) -> str:
    """project / baseline, with the cases a division cannot show spelt out."""
    if project is None or baseline is None:
        return "—"
    if baseline == 0:
        return "=" if project == 0 else "∞"
    return f"{project / baseline:.2f}×"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain table aligned for a terminal, counting Chinese characters as two columns."""
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def md_table(headers: list[str], rows: list[list[str]], figures: bool = True) -> str:
    """A Markdown table, first column left-aligned, figures right-aligned (all left for text tables)."""
    align = ["--:" if figures else ":--"] * (len(headers) - 1)
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join([":--", *align]) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def _value(system: SystemResult | None, group: str, key: str, sample: bool = False) -> float | None:
    if system is None:
        return None
    summary = system.sample_summary if sample and system.sample_summary else system.summary
    if group not in summary:
        return None
    return summary[group].values.get(key)


def _systems(report: EvalReport) -> list[SystemResult]:
    return [report.systems[k] for k in (PROJECT, BASELINE, CITATION) if k in report.systems]


def overall_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Every metric: the project on all questions, then (on the baselines' questions) the project and each baseline."""
    p = report.project
    others = [s for s in _systems(report) if s.name != PROJECT]
    sampled = bool(report.baseline_sample) and p is not None and others
    headers = ["指标 metric"]
    headers += [p.label] if p else []
    if sampled:
        headers += [f"本项目·样本 project on sample ({report.baseline_sample})"]
    headers += [s.label for s in others]
    headers += ["比值 ratio"] if p and others else []
    headers += ["题数 n"]
    rows = []
    for m in METRICS:
        row = [m.label + (" ↓" if m.better == "lower" else "")]
        if p:
            row.append(fmt(_value(p, "overall", m.key), m))
        if sampled:
            row.append(fmt(_value(p, "overall", m.key, sample=True), m))
        for s in others:
            row.append(fmt(_value(s, "overall", m.key), m))
        if p and others:
            row.append(ratio(_value(p, "overall", m.key, sample=True), _value(others[0], "overall", m.key)))
        counted = (p or others[0]).summary["overall"].counts.get(m.key, 0)
        row.append(str(counted))
        rows.append(row)
    if report.ceiling.get("overall") is not None:
        row = ["检索上限 ceiling (gold in top 5)", fmt(report.ceiling["overall"], METRIC_BY_KEY["correct"])]
        row += ["—"] * (len(headers) - 3) + [str(report.ceiling_n.get("overall", 0))]
        rows.append(row)
    return headers, rows


def type_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Per question type and facet: the project's main figures, the retrieval ceiling, the baselines' correct+cited."""
    p = report.project
    others = [s for s in _systems(report) if s.name != PROJECT]
    first = p or others[0]
    headers = ["题型 type", "n"] + [METRIC_BY_KEY[k].label for k in TYPE_COLUMNS] + ["检索上限 ceiling"]
    headers += [f"{s.label} correct+cited" for s in others]
    rows = []
    for group, summary in first.summary.items():
        row = [TYPE_LABELS.get(group, group), str(summary.n)]
        row += [fmt(_value(first, group, k), METRIC_BY_KEY[k]) for k in TYPE_COLUMNS]
        row.append(fmt(report.ceiling.get(group), METRIC_BY_KEY["correct"]))
        row += [fmt(_value(s, group, "correct_cited"), METRIC_BY_KEY["correct_cited"]) for s in others]
        rows.append(row)
    return headers, rows


def robustness_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    r = report.robustness
    headers = ["变体 kind", "n", "与原题同分 same as original", "答对 correct"]
    rows = [["全部 all", str(r.n_variants), fmt(r.same, METRIC_BY_KEY["correct"]), fmt(r.correct, METRIC_BY_KEY["correct"])]]
    for kind, value in sorted(r.by_kind.items()):
        correct = _value(report.perturbations, f"#{kind}", "correct") if report.perturbations else None
        rows.append([kind, str(r.n_by_kind.get(kind, 0)), fmt(value, METRIC_BY_KEY["correct"]), fmt(correct, METRIC_BY_KEY["correct"])])
    return headers, rows


def closing_note(report: EvalReport) -> str:
    """One paragraph quoting the figures that matter, the baselines beside them (on the same questions)."""
    p = report.project
    if p is None:
        return "本次只运行了基线（答案引擎不可用），没有可比较的项目数字。"
    others = [s for s in _systems(report) if s.name != PROJECT]
    parts = []
    for key, name in CLOSING_METRICS.items():
        m = METRIC_BY_KEY[key]
        extra = "".join(f"，{s.label.split(' ')[0]} {fmt(_value(s, 'overall', key), m)}" for s in others)
        parts.append(f"{name} {fmt(_value(p, 'overall', key), m)}{extra and '（' + extra[1:] + '）'}")
    kind = "留出集 sealed" if report.sealed else "调过的 dev"
    text = f"{report.split}（{kind}）{report.n_questions} 道题：" + "；".join(parts) + "。"
    if report.ceiling.get("overall") is not None:
        text += f"检索上限（金标准文章在前 5）{fmt(report.ceiling['overall'], METRIC_BY_KEY['correct'])}。"
    if report.robustness and report.robustness.same is not None:
        text += (f"{report.robustness.n_variants} 个变体中与原题同分的占 "
                 f"{fmt(report.robustness.same, METRIC_BY_KEY['correct'])}。")
    if others:
        key_metrics = ("correct_cited", "citation_precision", "grounding_violation_rate")
        behind = [CLOSING_METRICS[k] for k in key_metrics
                  if not all(is_ahead(k, _value(p, "overall", k, sample=True), _value(s, "overall", k)) for s in others)]
        text += "三项主要数字均领先两个基线。" if not behind else f"未全面领先基线的：{'、'.join(behind)}。"
    return text


def render_text(report: EvalReport) -> str:
    """What `qa eval` prints for one split: the tables, the check, the closing note (sealed: aggregates only)."""
    h, rows = overall_rows(report)
    th, trows = type_rows(report)
    kind = "留出集，只报汇总 sealed: aggregates only" if report.sealed else "调过的数据 tuned data"
    parts = [f"== {report.split}（{kind}）：{report.n_questions} 题" + ("（--limit 截取）" if report.limited else ""),
             "", text_table(h, rows), "", text_table(th, trows), ""]
    if report.robustness is not None:
        rh, rrows = robustness_rows(report)
        parts += [text_table(rh, rrows), ""]
    parts += [f"注：{n}" for n in report.notes]
    if report.check is not None:
        status = "通过" if report.check.ok else "未通过"
        parts.append(f"门槛检查{status}" + ("" if report.check.ok else "："))
        parts += [f"  ✗ {f}" for f in report.check.failures]
    parts += ["", closing_note(report)]
    return "\n".join(parts)


def _failures_md(system: SystemResult, limit: int = 40) -> str:
    rows = []
    for s, a in zip(system.scores, system.answers, strict=True):
        if s.correct and not s.grounding_violations:
            continue
        problems = []
        if s.error:
            problems.append(f"出错：{s.error}")
        if s.missing_facts:
            problems.append("缺：" + "、".join(s.missing_facts))
        if s.extra_names:
            problems.append("多出：" + "、".join(s.extra_names))
        if not s.answerable and not s.correct:
            problems.append("应拒答")
        if s.false_refusal:
            problems.append("误拒")
        if s.grounding_violations:
            problems.append("无据：" + "、".join(s.grounding_violations))
        answer = a.answer.replace("\n", " ").replace("|", "｜")
        answer = answer[:80] + ("…" if len(answer) > 80 else "")
        rows.append([s.id, s.type, a.question.replace("|", "｜"), a.mode, answer, "；".join(problems)])
    if not rows:
        return "没有答错或无据的题。"
    more = f"\n\n（另有 {len(rows) - limit} 题未列出，见 `qa eval --json`。）" if len(rows) > limit else ""
    return md_table(["题号", "题型", "问题", "模式", "答案", "问题所在"], rows[:limit], figures=False) + more


def _split_markdown(report: EvalReport, chart: Path | None) -> list[str]:
    h, rows = overall_rows(report)
    th, trows = type_rows(report)
    kind = "留出集 sealed（只报汇总）" if report.sealed else "dev（调过的数据）"
    out = [f"## {report.split}：{kind}", "",
           f"{report.n_questions} 题，`{report.questions_file}`" + ("（--limit 截取，数字不可与全量比较）" if report.limited else "")
           + (f"，commit {report.commit}" if report.commit else "") + "。", ""]
    out += [f"- {k}：{v}" for k, v in report.setup.items()]
    for s in _systems(report):
        cached = f"，其中 {s.cached} 个回答取自缓存" if s.cached else ""
        out.append(f"- {s.label}：本次用时 {s.seconds:.0f} 秒{cached}")
    out += ["", "### 总体 Overall", "", md_table(h, rows), "", "### 分题型与分类 By type and facet", "", md_table(th, trows), ""]
    if chart is not None:
        out += [f"![{report.split} 分题型]({chart.name})", ""]
    if report.robustness is not None:
        rh, rrows = robustness_rows(report)
        out += ["### 变体稳健性 Perturbation robustness", "",
                "由每道 dev 题生成的变体（换疑问词、同义词、繁体、全半角、口语填充、名字被空格拆开、"
                "手写的英文和换说法）；稳健性＝与原题得分相同（同对或同错）的变体所占比例。", "", md_table(rh, rrows), ""]
    out += [f"> 注：{n}" for n in report.notes]
    if report.notes:
        out.append("")
    if report.check is not None:
        out += ["### 门槛检查 Check", "", "通过。" if report.check.ok else "未通过：", ""]
        out += [f"- ✗ {f}" for f in report.check.failures]
        out += [f"- ✓ {f}" for f in report.check.passed]
        out.append("")
    if report.project is not None and not report.sealed:
        out += ["### 本项目答错或无据的题 Misses", "", _failures_md(report.project), ""]
    out += ["### 结论 Closing note", "", closing_note(report), ""]
    return out


def render_markdown(reports: EvalReport | Sequence[EvalReport], charts: Sequence[Path | None] | Path | None = None) -> str:
    """`eval/report.md`: the tuned-data caveat first, then each split (sealed: aggregates only)."""
    if isinstance(reports, EvalReport):
        reports, charts = [reports], [charts]
    charts = list(charts or [None] * len(reports))
    created = reports[0].created
    out = ["# 评测报告 Eval report", "", f"> {TUNED_CAVEAT}", "",
           f"生成于 {created:%Y-%m-%d %H:%M}，由 `qa eval` 写出，请勿手改。", "",
           "评分规则：答案须陈述全部金标准事实（日期任意写法均可）；名单题还不得出现名单与允许名单之外的人名；"
           "不可回答的题只有拒答才算对。“正确且引用正确”另要求引用了金标准文章。引用精确率＝被引文章（或引文）含金标准事实的引用所占比例；"
           "“含无据事实的答案”＝答案里有人名、数字或日期不见于所引资料和问题本身的比例（↓ 越低越好）。"
           "检索上限＝本项目混合检索的前 5 篇里有金标准文章的可答题所占比例。", ""]
    for report, chart in zip(reports, charts, strict=True):
        out += _split_markdown(report, chart)
    judged = [r for r in reports if r.judge is not None and not r.sealed]
    out += ["## LLM 评审 Judge", ""]
    if not judged:
        out += [f"- {disabled().reason}", ""]
    for report in judged:
        for name, j in report.judge.items():
            label = report.systems[name].label if name in report.systems else name
            if not j.scored:
                out.append(f"- {report.split} {label}：未评分，{j.reason}")
                continue
            unscored = f"，未评 {j.unscored} 题：{'；'.join(j.reasons)}" if j.unscored else ""
            out.append(f"- {report.split} {label}：正确 {j.correct:.1%}，忠实 {j.faithful:.1%}（评了 {j.scored} 题{unscored}）")
        out.append("")
    return "\n".join(out)


def write_chart(report: EvalReport, path: Path) -> Path:
    """A grouped bar chart per question type: correctness and citation precision, project beside baseline."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = next((f.name for f in font_manager.fontManager.ttflist if f.name.startswith("WenQuanYi") or "CJK" in f.name), None)
    if cjk:
        plt.rcParams["font.family"] = [cjk, "DejaVu Sans"]
    systems = list(report.systems.values())
    groups = list(systems[0].summary)
    labels = [TYPE_LABELS.get(g, g) if cjk else g for g in groups]
    fig, axes = plt.subplots(2, 1, figsize=(max(8, 0.75 * len(groups) + 2), 7), sharex=True)
    width = 0.8 / len(systems)
    colours = {"project": "#1f77b4", "baseline": "#bbbbbb", "citation": "#ff7f0e"}
    for ax, key in zip(axes, ("correct", "citation_precision"), strict=True):
        for i, s in enumerate(systems):
            values = [(_value(s, g, key) or 0.0) * 100 for g in groups]
            xs = [x + (i - (len(systems) - 1) / 2) * width for x in range(len(groups))]
            ax.bar(xs, values, width, label=s.label if cjk else s.name, color=colours.get(s.name))
        ax.set_ylabel(METRIC_BY_KEY[key].label if cjk else key + " (%)")
        ax.set_ylim(0, 105)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(ncol=len(systems), loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes[1].set_xticks(range(len(groups)), labels, rotation=35, ha="right")
    fig.suptitle("分题型 by question type" if cjk else "by question type")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
