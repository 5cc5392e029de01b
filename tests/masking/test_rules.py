"""Tests for noticeboard.masking.rules (姓名、身份证号、地址脱敏)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noticeboard.masking.rules import (
    BOARD_DEFAULT,
    COMPOUND_SURNAMES,
    MASK,
    NAME_DOTS,
    ONLINE_DEFAULT,
    MaskingPolicy,
    mask_address,
    mask_name,
    mask_resident_id,
)

# ---------------------------------------------------------------- mask_name examples


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张*"),
        ("欧阳娜", "欧阳*"),
        ("张三丰", "张*丰"),
        ("欧阳娜娜", "欧阳*娜"),
        ("王小明明", "王**明"),
        ("司马光", "司马*"),
        ("阿卜杜拉·艾合买提", "阿***·****"),
        ("𠮷张三", "𠮷*三"),
        ("张𠮷", "张*"),
        ("欧阳", "欧*"),
        ("张", "*"),
        ("𠮷", "*"),
        ("", ""),
    ],
)
def test_mask_name_matches_spec_examples(name, expected):
    assert mask_name(name) == expected


def test_mask_name_strips_surrounding_whitespace():
    assert mask_name("  张三丰\n") == "张*丰"
    assert mask_name("   ") == ""


@pytest.mark.parametrize("dot", sorted(NAME_DOTS))
def test_mask_name_keeps_look_alike_dots_as_written(dot):
    assert mask_name(f"阿卜杜拉{dot}艾合买提") == f"阿***{dot}****"


def test_mask_name_hides_the_only_real_character_of_a_dotted_name():
    assert mask_name("阿·") == "*·"


# ---------------------------------------------------------------- mask_name properties

ASTRAL = ["𠮷", "𠀀", "𪚥", "𤭢", "𡃁"]
cjk_char = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(ASTRAL),
)
plain_name = st.one_of(
    st.text(cjk_char, min_size=1, max_size=20),
    st.builds(
        lambda surname, given: surname + given,
        st.sampled_from(sorted(COMPOUND_SURNAMES)),
        st.text(cjk_char, min_size=0, max_size=18),
    ),
)
dotted_name = st.builds(
    lambda parts, dots: "".join(p + d for p, d in zip(parts[:-1], dots, strict=False)) + parts[-1],
    st.lists(st.text(cjk_char, min_size=1, max_size=6), min_size=2, max_size=3),
    st.lists(st.sampled_from(sorted(NAME_DOTS)), min_size=2, max_size=2),
).filter(lambda n: len(n) <= 20)
any_name = st.one_of(plain_name, dotted_name)


def visible_positions(name):
    """Positions the spec allows to stay readable."""
    if any(ch in NAME_DOTS for ch in name):
        return {0} | {i for i, ch in enumerate(name) if ch in NAME_DOTS}
    surname_len = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    last = {len(name) - 1} if len(name) - surname_len >= 2 else set()
    return set(range(surname_len)) | last


@given(any_name)
def test_masked_name_has_same_code_point_count(name):
    assert len(mask_name(name)) == len(name)


@given(any_name)
def test_masked_name_reveals_only_allowed_positions(name):
    masked = mask_name(name)
    allowed = visible_positions(name) if len(name) > 1 else set()
    for i, (original, shown) in enumerate(zip(name, masked, strict=True)):
        if i in allowed:
            assert shown == original
        else:
            assert shown == MASK


@given(any_name.filter(lambda n: len(n) >= 2))
def test_masked_name_of_two_or_more_chars_contains_a_mask(name):
    assert MASK in mask_name(name)


@given(any_name.filter(lambda n: len(n) >= 2))
def test_masked_name_of_two_or_more_chars_differs_from_input(name):
    assert mask_name(name) != name


# ---------------------------------------------------------------- mask_resident_id

RID = "35021119900101123X"


def test_resident_id_none_returns_empty_string():
    assert mask_resident_id(RID) == ""
    assert mask_resident_id(RID, "none") == ""


def test_resident_id_6_plus_4_keeps_first_six_and_last_four():
    assert mask_resident_id(RID, "6+4") == "350211********123X"
    assert len(mask_resident_id(RID, "6+4")) == 18


def test_resident_id_lowercase_x_is_normalised():
    assert mask_resident_id(RID.lower(), "6+4") == "350211********123X"


@pytest.mark.parametrize(
    "bad",
    [
        "35021119900101123",  # 17 chars
        "35021119900101123X0",  # 19 chars
        "3502111990010112X3",  # X not in check-digit position
        "张三丰张三丰张三丰张三丰张三丰张三丰",  # 18 chars, but not an ID
    ],
)
def test_resident_id_bad_value_raises_without_echoing_it(bad):
    with pytest.raises(ValueError) as excinfo:
        mask_resident_id(bad, "6+4")
    assert bad not in str(excinfo.value)
    assert str(excinfo.value) == "not a resident ID"


def test_resident_id_unknown_keep_raises():
    with pytest.raises(ValueError):
        mask_resident_id(RID, "3+4")


# ---------------------------------------------------------------- mask_address


@pytest.mark.parametrize(
    ("group", "keep", "expected"),
    [
        ("3组", "village_group", "东风村3组"),
        (None, "village_group", "东风村"),
        ("", "village_group", "东风村"),
        ("3组", "village", "东风村"),
        ("3组", "none", ""),
    ],
)
def test_mask_address_applies_keep_mode(group, keep, expected):
    assert mask_address("东风村", group, keep) == expected


def test_mask_address_unknown_keep_raises():
    with pytest.raises(ValueError):
        mask_address("东风村", "3组", "town")


# ---------------------------------------------------------------- MaskingPolicy


def test_policy_defaults_match_spec():
    assert BOARD_DEFAULT.to_dict() == {
        "name": "full",
        "resident_id": "none",
        "address": "village_group",
    }
    assert ONLINE_DEFAULT.to_dict() == {
        "name": "masked",
        "resident_id": "none",
        "address": "village",
    }


def test_policy_apply_methods_use_configured_modes():
    assert BOARD_DEFAULT.apply_name("张三丰") == "张三丰"
    assert ONLINE_DEFAULT.apply_name("张三丰") == "张*丰"
    assert ONLINE_DEFAULT.apply_resident_id(RID) == ""
    assert BOARD_DEFAULT.apply_address("东风村", "3组") == "东风村3组"
    assert ONLINE_DEFAULT.apply_address("东风村", "3组") == "东风村"
    policy = MaskingPolicy(name="masked", resident_id="6+4", address="none")
    assert policy.apply_resident_id(RID) == "350211********123X"


@pytest.mark.parametrize("field", ["name", "resident_id", "address"])
def test_policy_invalid_value_raises_naming_the_field(field):
    values = BOARD_DEFAULT.to_dict() | {field: "bogus"}
    with pytest.raises(ValueError, match=field):
        MaskingPolicy(**values)


@pytest.mark.parametrize("policy", [BOARD_DEFAULT, ONLINE_DEFAULT])
def test_policy_dict_round_trip(policy):
    assert MaskingPolicy.from_dict(policy.to_dict()) == policy


def test_policy_from_dict_fills_missing_keys_from_default():
    policy = MaskingPolicy.from_dict({"name": "masked"}, BOARD_DEFAULT)
    assert policy == MaskingPolicy(name="masked", resident_id="none", address="village_group")
    assert MaskingPolicy.from_dict({}) == ONLINE_DEFAULT
