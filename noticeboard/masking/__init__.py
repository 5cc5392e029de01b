"""Masking of personal data (个人信息保护) for each publication channel."""

from noticeboard.masking.rules import (
    BOARD_DEFAULT,
    ONLINE_DEFAULT,
    MaskingPolicy,
    mask_address,
    mask_name,
    mask_resident_id,
)

__all__ = [
    "BOARD_DEFAULT",
    "ONLINE_DEFAULT",
    "MaskingPolicy",
    "mask_address",
    "mask_name",
    "mask_resident_id",
]
