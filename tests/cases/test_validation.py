"""Field rules: resident IDs, names, phones, amounts and dates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from noticeboard.core.dates import local_today
from noticeboard.core.validation import (
    FieldError,
    clean_amount,
    clean_name,
    clean_paid_on,
    clean_phone,
    clean_resident_id,
)
from tests.factories import resident_id, with_wrong_checksum


def test_valid_resident_id_is_accepted_and_upper_cased():
    value = "11010119800101007x"
    assert clean_resident_id(value.replace("x", "X")) == value.upper()
    assert clean_resident_id(" " + value + " ") == value.upper()


def test_resident_id_with_wrong_checksum_names_the_field_and_the_check_digit():
    with pytest.raises(FieldError, match="身份证号：校验位不正确"):
        clean_resident_id(with_wrong_checksum(resident_id()))


def test_resident_id_with_impossible_birth_date_is_refused():
    body = "11010119800230001"  # 30 February
    from stdnum.cn import ric

    value = body + ric.calc_check_digit(body + "0")
    with pytest.raises(FieldError, match="出生日期不是有效日期"):
        clean_resident_id(value)


def test_resident_id_born_in_the_future_is_refused():
    from stdnum.cn import ric

    body = f"110101{date.today().year + 1}0101001"
    with pytest.raises(FieldError, match="不可能"):
        clean_resident_id(body + ric.calc_check_digit(body + "0"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写"),
        ("1101011980010100", "应为 18 位，现在是 16 位"),
        ("11010119800101A03X", "只能是数字"),
    ],
)
def test_malformed_resident_ids_get_a_specific_message(value, message):
    with pytest.raises(FieldError, match=message):
        clean_resident_id(value, "户主身份证号")


def test_resident_id_message_uses_the_field_label_it_is_given():
    with pytest.raises(FieldError, match=r"^家庭成员第 2 行身份证号："):
        clean_resident_id("123", "家庭成员第 2 行身份证号")


@pytest.mark.parametrize("name", ["张三", "欧阳娜娜", "𠮷", "阿卜杜拉·艾合买提", "Mary", "王" * 20])
def test_real_names_are_accepted(name):
    assert clean_name(name) == name


def test_middle_dot_look_alikes_become_the_middle_dot():
    assert clean_name("阿卜杜拉•艾合买提") == "阿卜杜拉·艾合买提"
    assert clean_name("阿卜杜拉・艾合买提") == "阿卜杜拉·艾合买提"


def test_name_length_counts_code_points_so_astral_characters_count_once():
    assert clean_name("𠮷" * 20) == "𠮷" * 20
    with pytest.raises(FieldError, match="最多 20 个字，现在是 21 个"):
        clean_name("𠮷" * 21)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "请填写姓名"),
        ("张 三", "不能含有空格"),
        ("张3", "不能含有“3”"),
        ("·张三", "间隔号"),
        ("张··三", "间隔号"),
    ],
)
def test_bad_names_are_refused_with_the_reason(name, message):
    with pytest.raises(FieldError, match=message):
        clean_name(name)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0591-87654321", "0591-87654321"),
        ("010-62345678", "010-62345678"),
        ("", None),
    ],
)
def test_phone_numbers_are_normalised(raw, clean):
    assert clean_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "591-1234567", "abc"])
def test_bad_phone_numbers_are_refused_with_an_example(raw):
    with pytest.raises(FieldError, match="联系电话：请填写 11 位手机号"):
        clean_phone(raw)


def test_amounts_are_exact_decimals_with_two_places():
    assert clean_amount("1,360.5", "月保障金额") == Decimal("1360.50")
    assert clean_amount("0.1", "x") + clean_amount("0.2", "x") == Decimal("0.30")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写金额"),
        ("12.345", "最多保留 2 位小数"),
        ("-5", "必须大于 0"),
        ("0", "必须大于 0"),
        ("abc", "不是金额"),
        ("NaN", "不是金额"),
        ("1e3", "不是金额"),
        ("1e200000000", "不是金额"),
        ("12345678901", "金额过大"),
        ("20000", "超过本项目上限 10000.00 元"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(raw, message):
    with pytest.raises(FieldError, match=f"月保障金额：.*{message}"):
        clean_amount(raw, "月保障金额", Decimal("10000.00"))


def test_paid_on_may_be_empty_but_not_in_the_future():
    assert clean_paid_on("") is None
    assert clean_paid_on("2026/11/05") == date(2026, 11, 5)
    with pytest.raises(FieldError, match="不能晚于今天"):
        clean_paid_on((local_today() + timedelta(days=1)).isoformat())
    with pytest.raises(FieldError, match="格式"):
        clean_paid_on("11月5日")
