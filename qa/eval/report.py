"""Presenting an eval run: terminal tables, `eval/report.md`, and the per-type bar chart."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from qa.eval.judge import disabled
from qa.eval.run import EvalReport, SystemResult, is_ahead
from qa.eval.score import METRIC_BY_KEY, METRICS, Metric

TYPE_LABELS = {
    "overall": "总体 overall",
    "chair": "主持 chair",
    "attendees": "出席 attendees",
    "participants": "参加 participants",
    "speakers": "讲话 speakers",
    "role": "职务 role",
    "person_meetings": "个人会议 person",
    "date": "日期 date",
    "number": "数字 number",
    "place": "地点 place",
    "issue_lookup": "期号 issue",
    "caption": "图片 caption",
    "unanswerable": "不可答 unanswerable",
    "english": "英文 english",
    "followup": "追问 follow-up",
}
# The per-type table keeps to the figures that differ by type; the overall table has them all.
TYPE_COLUMNS = ["correct", "citation_precision", "citation_recall", "grounding_violation_rate", "hit_at_5"]
CLOSING_METRICS = {
    "correct": "答案正确率",
    "citation_precision": "引用精确率",
    "citation_recall": "引用召回",
    "grounding_violation_rate": "含无据事实的答案",
    "abstain_recall": "不可答题拒答率",
    "false_refusal_rate": "误拒率",
    "hit_at_5": "检索 hit@5",
    "latency_p50": "耗时中位数（秒）",
}


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


def _value(system: SystemResult | None, group: str, key: str) -> float | None:
    if system is None or group not in system.summary:
        return None
    return system.summary[group].values.get(key)


def overall_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Every metric: project, baseline, ratio, and how many questions it was averaged over."""
    p, b = report.project, report.baseline
    headers = ["指标 metric"]
    headers += [p.label] if p else []
    headers += [b.label] if b else []
    headers += ["比值 ratio"] if p and b else []
    headers += ["题数 n"]
    rows = []
    for m in METRICS:
        row = [m.label + (" ↓" if m.better == "lower" else "")]
        if p:
            row.append(fmt(_value(p, "overall", m.key), m))
        if b:
            row.append(fmt(_value(b, "overall", m.key), m))
        if p and b:
            row.append(ratio(_value(p, "overall", m.key), _value(b, "overall", m.key)))
        counted = (p or b).summary["overall"].counts.get(m.key, 0)
        row.append(str(counted))
        rows.append(row)
    return headers, rows


def type_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Per question type: the main figures for project and baseline side by side (P / B) and the ratio of correctness."""
    p, b = report.project, report.baseline
    first = p or b
    headers = ["题型 type", "n"]
    for key in TYPE_COLUMNS:
        label = METRIC_BY_KEY[key].label
        headers.append(f"{label} P/B" if p and b else label)
    if p and b:
        headers.append("正确率比值 ratio")
    rows = []
    for group, summary in first.summary.items():
        row = [TYPE_LABELS.get(group, group), str(summary.n)]
        for key in TYPE_COLUMNS:
            m = METRIC_BY_KEY[key]
            cells = [fmt(_value(s, group, key), m) for s in (p, b) if s]
            row.append(" / ".join(cells))
        if p and b:
            row.append(ratio(_value(p, group, "correct"), _value(b, group, "correct")))
        rows.append(row)
    return headers, rows


def closing_note(report: EvalReport) -> str:
    """One paragraph quoting both columns on the figures that matter, and whether the project is ahead."""
    p, b = report.project, report.baseline
    if p is None:
        return "本次只运行了基线（答案引擎不可用），没有可比较的项目数字。"
    parts = []
    for key, name in CLOSING_METRICS.items():
        m = METRIC_BY_KEY[key]
        pv = _value(p, "overall", key)
        if b is None:
            parts.append(f"{name} {fmt(pv, m)}")
            continue
        bv = _value(b, "overall", key)
        parts.append(f"{name} {fmt(pv, m)}（基线 {fmt(bv, m)}）")
    text = f"本项目在 {report.n_questions} 道题上：" + "；".join(parts) + "。"
    if b is not None:
        key_metrics = ("correct", "citation_precision", "grounding_violation_rate")
        ahead = [k for k in key_metrics if is_ahead(k, _value(p, "overall", k), _value(b, "overall", k))]
        behind = [CLOSING_METRICS[k] for k in key_metrics if k not in ahead]
        if not behind:
            text += "答案正确率、引用精确率和接地（含无据事实的答案更少）三项均领先基线。"
        else:
            names = [CLOSING_METRICS[k] for k in ahead]
            text += f"领先基线的：{'、'.join(names) or '无'}；未领先的：{'、'.join(behind)}。"
    return text


def render_text(report: EvalReport) -> str:
    """What `qa eval` prints: both tables, the check, the closing note."""
    h, rows = overall_rows(report)
    th, trows = type_rows(report)
    parts = [f"评测集 {report.questions_file}：{report.n_questions} 题" + ("（--limit 截取）" if report.limited else ""),
             "", text_table(h, rows), "", text_table(th, trows), ""]
    parts += [f"注：{n}" for n in report.notes]
    if report.check is not None:
        status = "通过" if report.check.ok else "未通过"
        parts.append(f"阈值检查{status}" + ("" if report.check.ok else "：") )
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


def render_markdown(report: EvalReport, chart: Path | None) -> str:
    """`eval/report.md`: setup, both tables, the chart, the project's misses, the judge, the closing note."""
    h, rows = overall_rows(report)
    th, trows = type_rows(report)
    out = [
        "# 评测报告 Eval report",
        "",
        f"生成于 {report.created:%Y-%m-%d %H:%M}，评测集 `{report.questions_file}`，{report.n_questions} 题"
        + ("（--limit 截取，数字不可与全量比较）" if report.limited else "") + "。由 `qa eval` 写出，请勿手改。",
        "",
    ]
    out += [f"- {k}：{v}" for k, v in report.setup.items()]
    for s in report.systems.values():
        computed = sum(a.seconds for a in s.answers)
        cached = f"，其中 {s.cached} 个回答取自缓存（当初计算共用 {computed:.0f} 秒）" if s.cached else ""
        out.append(f"- {s.label}：本次用时 {s.seconds:.0f} 秒{cached}")
    out += ["", "评分规则：答案须陈述全部金标准事实（日期任意写法均可）；名单题还不得出现名单与允许名单之外的人名；"
            "不可回答的题只有拒答才算对。引用精确率＝被引文章（或引文）含金标准事实的引用所占比例；引用召回＝引用了金标准文章的题所占比例；"
            "“含无据事实的答案”＝答案里有人名、数字或日期不见于所引资料和问题本身的比例（↓ 越低越好）。"
            "检索指标按文章计，只算有金标准文章的题。", ""]
    out += ["## 总体 Overall", "", md_table(h, rows), "", "## 分题型 By type", "", md_table(th, trows), ""]
    if chart is not None:
        out += [f"![分题型正确率与引用精确率]({chart.name})", ""]
    out += [f"> 注：{n}" for n in report.notes]
    if report.notes:
        out.append("")
    if report.check is not None:
        out += ["## 阈值检查 Check", "", "通过。" if report.check.ok else "未通过：", ""]
        out += [f"- ✗ {f}" for f in report.check.failures]
        out += [f"- ✓ {f}" for f in report.check.passed]
        out.append("")
    out += ["## LLM 评审 Judge", ""]
    if report.judge is None:
        out += [f"- {disabled().reason}", ""]
    else:
        for name, j in report.judge.items():
            label = report.systems[name].label if name in report.systems else name
            if not j.scored:
                out.append(f"- {label}：未评分，{j.reason}")
                continue
            unscored = f"，未评 {j.unscored} 题：{'；'.join(j.reasons)}" if j.unscored else ""
            out.append(f"- {label}：正确 {j.correct:.1%}，忠实 {j.faithful:.1%}（评了 {j.scored} 题{unscored}）")
        out.append("")
    if report.project is not None:
        out += ["## 本项目答错或无据的题 Misses", "", _failures_md(report.project), ""]
    out += ["## 结论 Closing note", "", closing_note(report), ""]
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
    colours = {"project": "#1f77b4", "baseline": "#bbbbbb"}
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
