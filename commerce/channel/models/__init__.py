"""The B2B site's models: its own requests, the copies it keeps of HQ, and the shop."""

from .copies import (
    ChannelCustomer,
    ChannelHierarchy,
    ChannelHierarchyMember,
    MembershipTerms,
)
from .requests import OnboardingRequest, PartnerUser, PartnerUserRequest, TransitionLog
from .shop import (
    CartLine,
    ChannelProduct,
    NumberSequence,
    Order,
    OrderLine,
    OrderLineTerms,
    ProductTexts,
    Unit,
)

__all__ = [
    "CartLine",
    "ChannelCustomer",
    "ChannelHierarchy",
    "ChannelHierarchyMember",
    "ChannelProduct",
    "MembershipTerms",
    "NumberSequence",
    "OnboardingRequest",
    "Order",
    "OrderLine",
    "OrderLineTerms",
    "PartnerUser",
    "PartnerUserRequest",
    "ProductTexts",
    "TransitionLog",
    "Unit",
]
