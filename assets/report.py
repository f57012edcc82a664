"""The analysts' report as an asset: after the marts, one self-contained HTML page."""

import dagster as dg

from assets.warehouse import WAREHOUSE_AUTOMATION
from resources.report import CHARTS, build_report
from resources.warehouse import LakeResource

MARTS = ("fct_conversations", "fct_algorithm_runs", "fct_billing_usage")


@dg.asset(key=["warehouse", "report"], group_name="warehouse", kinds={"html"},
          deps=[dg.AssetKey(["warehouse", "marts", mart]) for mart in MARTS],
          automation_condition=WAREHOUSE_AUTOMATION)
def report(lake: LakeResource) -> dg.MaterializeResult:
    """`WAREHOUSE_DIR/report/index.html`: completion rate per platform by week, conversation
    length, call sentiment over time, correction rates per algorithm and credits used per day,
    each chart with its SQL beside it. Self-contained (inline SVG, no script, no CDN): it opens
    offline and can be sent as it is."""
    path, counts = build_report(lake.root)
    rows = "\n".join(f"| {chart.title} | {counts[chart.key]} |" for chart in CHARTS)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(f"| chart | data points |\n|---|---|\n{rows}\n\n"
                                       f"Open `{path}` in a browser."),
        **{f"points/{key}": n for key, n in counts.items()},
    })


ASSETS = [report]
