"""Numbers as officials read them, in Chinese and in English."""

from django.utils import translation

from metrics.templatetags.metrics_format import count, pct, pct_change, yuan


def test_large_counts_read_in_wan_in_chinese():
    with translation.override("zh-hans"):
        assert count(79300) == "7.93万" and count(283900) == "28.39万" and count(9999) == "9,999"
        assert yuan(25000) == "2.5万元" and yuan("1234.5") == "1,234.50元"


def test_large_counts_are_written_out_in_english():
    with translation.override("en"):
        assert count(79300) == "79,300" and count(283900) == "283,900" and count(9999) == "9,999"
        assert yuan(25000) == "¥25,000" and yuan("1234.5") == "¥1,234.50"


def test_money_reads_in_wan_and_yi_yuan_with_grouped_digits():
    with translation.override("zh-hans"):
        assert yuan(306800000) == "3.07亿元"
        assert yuan(24752947) == "2,475.29万元"
        assert yuan(4200) == "4,200元" and yuan(None) == "—"


def test_percent_has_one_decimal_and_unknown_is_a_dash():
    assert pct(13.64) == "13.6%" and pct(51.0) == "51.0%" and pct(None) == "—" and count(None) == "—"
    with translation.override("zh-hans"):
        assert pct_change(-3.67) == "−3.7 个百分点"
