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
