import re

from cocreate.core.charts import bar_chart, column_chart, funnel_chart


def test_bar_chart_prints_every_label_and_value():
    svg = bar_chart([("Technical support", 12), ("Logistics", 3)], title="Tickets by category")

    assert svg.startswith("<svg") and 'aria-label="Tickets by category"' in svg
    assert "Technical support" in svg and ">12<" in svg and ">3<" in svg


def test_chart_text_is_escaped():
    svg = bar_chart([("<script>alert(1)</script>", 1)], title="<b>x</b>")

    assert "<script>" not in svg and "<b>" not in svg


def test_column_chart_handles_empty_and_zero_series():
    assert "<svg" in column_chart([], title="Votes per day")
    svg = column_chart([("1 Nov", 0), ("2 Nov", 4)], title="Votes per day")
    assert ">4<" in svg and "2 Nov" in svg


def test_funnel_shows_share_of_the_first_stage():
    svg = funnel_chart([("Open", 200), ("Under review", 50), ("Adopted", 10)], title="Funnel")

    assert "50 (25%)" in svg and "10 (5%)" in svg


def test_charts_are_never_scaled_and_their_text_is_at_least_12_px():
    svgs = [
        bar_chart([("Upgrade and maintenance", 3)], title="Tickets"),
        column_chart([(f"Nov {day}", day) for day in range(1, 31)], title="Per day"),
        funnel_chart([("Open", 2), ("Adopted", 1)], title="Funnel"),
    ]
    for svg in svgs:
        # No viewBox: the box's width is the chart's, so text keeps its size in pixels.
        assert "viewBox" not in svg and 'width="100%"' in svg
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 12


def test_a_long_label_is_cut_and_keeps_its_full_text_in_a_title():
    long = "Aurora 3 Professional Edition with the extended battery and dock"
    svg = bar_chart([(long, 4), ("Upgrade and maintenance", 2)], title="By product")

    assert f"<title>{long}</title>" in svg
    assert ">Aurora 3 Professional…</text>" in svg
    assert ">Upgrade and maintenance</text>" in svg  # short enough: whole, no title
    chinese = bar_chart([("极光三代专业版，配备加长电池和底座的套装", 1)], title="按产品")
    assert "<title>极光三代专业版，配备加长电池和底座的套装</title>" in chinese


def test_a_long_series_prints_four_axis_labels_and_its_peak():
    svg = column_chart([(f"Nov {day}", day % 7) for day in range(1, 31)], title="Per day")

    axis = re.findall(
        r'text-anchor="(start|middle|end)" fill="#6b7280" font-size="12">(Nov \d+)<', svg
    )
    assert axis == [
        ("start", "Nov 1"),
        ("middle", "Nov 11"),
        ("middle", "Nov 20"),
        ("end", "Nov 30"),
    ]
    assert ">6</text>" in svg  # the peak, on its grid line
    assert "<title>Nov 13: 6</title>" in svg  # each column on hover
