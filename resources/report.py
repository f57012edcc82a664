"""The analysts' report: one self-contained HTML file, `WAREHOUSE_DIR/report/index.html`.

Every chart is an inline SVG drawn here from a query of the marts, with its SQL beside it: the
file needs no network, no script and no library, opens offline in any browser, and can be
mailed as it is. Read-only: it opens the warehouse the way an analyst does.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from resources.warehouse import WAREHOUSE_FILE

WIDTH, HEIGHT, PAD = 720, 260, 44
COLOURS = ("#3b6fb6", "#e08a2c", "#3c9a5f", "#b5484e", "#7b5ea7", "#8a8a8a")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # "line" or "bar"; rows are (x, series, y)
    sql: str


CHARTS = (
    Chart("completion", "Completion rate per platform, by week", "line", """
select date_trunc('week', coalesce(started_at, created_at))::date::varchar as x,
       platform as series,
       round(count(*) filter (where status = 'completed') / count(*), 3) as y
from marts.fct_conversations
where coalesce(started_at, created_at) is not null and status <> 'scheduled'
group by all
order by x, series"""),
    Chart("length", "How long conversations last (minutes, 5-minute buckets)", "bar", """
with buckets as (
    select least(floor(duration_seconds / 300) * 5, 120)::int as minutes, platform
    from marts.fct_conversations
    where duration_seconds is not null
)
select minutes::varchar as x, platform as series, count(*) as y
from buckets
group by minutes, platform
order by minutes, series"""),
    Chart("sentiment", "Call sentiment by week (Gensail algorithm runs)", "line", """
select date_trunc('week', coalesce(completed_at, created_at))::date::varchar as x,
       call_sentiment as series,
       count(*) as y
from marts.fct_algorithm_runs
where call_sentiment is not null
group by all
order by x, series"""),
    Chart("corrections", "Corrections per run, by algorithm (reviewer feedback)", "bar", """
select algorithm_id as x,
       'corrections per run' as series,
       round(sum(correction_count) / count(*), 3) as y
from marts.fct_algorithm_runs
group by all
order by x"""),
    Chart("credits", "Credits used per day (InterviewRelay billing)", "line", """
select usage_date::varchar as x,
       'credits used' as series,
       credits_used as y
from marts.fct_billing_usage
order by x"""),
)


def _svg(chart: Chart, rows: list[tuple[Any, Any, Any]]) -> str:
    xs = list(dict.fromkeys(str(r[0]) for r in rows))
    series = list(dict.fromkeys(str(r[1]) for r in rows))
    top = max((float(r[2] or 0) for r in rows), default=0.0) or 1.0
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = plot_w / max(len(xs), 1)

    def y_of(value: float) -> float:
        return HEIGHT - PAD - plot_h * value / top

    def tip(name: str, x: str, value: float) -> str:
        return f"<title>{html.escape(name)} {html.escape(x)}: {value:g}</title>"

    marks, legend = [], []
    for i, name in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        points = {str(r[0]): float(r[2] or 0) for r in rows if str(r[1]) == name}
        if chart.kind == "line":
            coords = [(PAD + step * (xs.index(x) + 0.5), y_of(v)) for x, v in points.items()]
            line = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
            marks.append(f'<polyline data-mark="series" fill="none" stroke="{colour}" '
                         f'stroke-width="2" points="{line}"/>')
            marks += [f'<circle data-mark="point" cx="{a:.1f}" cy="{b:.1f}" r="2.5" '
                      f'fill="{colour}">{tip(name, x, v)}</circle>'
                      for (a, b), (x, v) in zip(coords, points.items(), strict=True)]
        else:
            width = step * 0.8 / len(series)
            for x, v in points.items():
                left = PAD + step * xs.index(x) + step * 0.1 + width * i
                marks.append(f'<rect data-mark="bar" x="{left:.1f}" y="{y_of(v):.1f}" '
                             f'width="{width:.1f}" height="{HEIGHT - PAD - y_of(v):.1f}" '
                             f'fill="{colour}">{tip(name, x, v)}</rect>')
        legend.append(f'<span><i style="background:{colour}"></i>{html.escape(name)}</span>')
    axis = (f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            f'stroke="#999"/><line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" '
            f'stroke="#999"/><text x="4" y="{PAD + 4}" font-size="11">{top:g}</text>'
            f'<text x="4" y="{HEIGHT - PAD}" font-size="11">0</text>')
    labels = "".join(f'<text x="{PAD + step * (i + 0.5):.1f}" y="{HEIGHT - PAD + 14}" '
                     f'font-size="10" text-anchor="middle">{html.escape(_label(x))}</text>'
                     for i, x in enumerate(xs) if i % max(1, len(xs) // 10) == 0)
    return (f'<svg class="chart" data-chart="{chart.key}" data-points="{len(rows)}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{html.escape(chart.title)}">'
            f'{axis}{labels}{"".join(marks)}</svg><div class="legend">{"".join(legend)}</div>')


def _label(x: str) -> str:
    """Dates as month-day; anything else as its first 12 characters."""
    return x[5:] if len(x) == 10 and x[4] == "-" and x[7] == "-" else x[:12]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Interview Warehouse report</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 1180px; color: #222; }}
section {{ display: grid; grid-template-columns: 720px 1fr; gap: 1rem; margin: 2rem 0; }}
pre {{ background: #f5f5f2; padding: .75rem; overflow: auto; font-size: 12px; }}
.legend span {{ margin-right: 1rem; }} .legend i {{ display: inline-block; width: 10px;
height: 10px; margin-right: 4px; }} .empty {{ color: #a33; }}
</style></head><body>
<h1>Interview Warehouse</h1>
<p>Built {built} from <code>{warehouse}</code>. Every chart is a query of the marts; the SQL is
beside it, to run yourself (<code>interview-warehouse query "…"</code>).</p>
{sections}
</body></html>
"""


def build_report(warehouse_dir: str | Path) -> tuple[Path, dict[str, int]]:
    """Write the report; returns its path and the number of data rows behind each chart."""
    root = Path(warehouse_dir).resolve()
    sections, counts = [], {}
    with duckdb.connect(str(root / WAREHOUSE_FILE), read_only=True) as conn:
        for chart in CHARTS:
            rows = conn.execute(chart.sql).fetchall()
            counts[chart.key] = len(rows)
            body = _svg(chart, rows) if rows else '<p class="empty">no data yet</p>'
            sections.append(f'<section id="{chart.key}"><div><h2>{html.escape(chart.title)}</h2>'
                            f'{body}</div><pre>{html.escape(chart.sql.strip())}</pre></section>')
    target = root / "report" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(PAGE.format(built=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                               warehouse=html.escape(str(root / WAREHOUSE_FILE)),
                               sections="\n".join(sections)))
    tmp.replace(target)
    return target, counts
