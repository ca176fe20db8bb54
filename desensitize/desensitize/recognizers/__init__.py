"""One Presidio recognizer per file, like presidio's predefined_recognizers/.

``all_recognizers()`` returns fresh instances in priority order: when spans of two
types overlap, the one listed first wins (a valid resident ID beats a bank card that
passes Luhn by chance; a USCC beats the org code inside it).
"""
from __future__ import annotations

from .address import AddressRecognizer
from .bank_card import BankCardRecognizer
from .base import ChineseRecognizer
from .email import CnEmailRecognizer
from .ip_address import CnIpAddressRecognizer
from .landline import LandlineRecognizer
from .licence_plate import LicencePlateRecognizer
from .mobile_phone import MobilePhoneRecognizer
from .org_code import OrgCodeRecognizer
from .passport import PassportRecognizer
from .person_name import PersonNameRecognizer
from .resident_id import ResidentIdRecognizer
from .travel_permit import TravelPermitRecognizer
from .uscc import UsccRecognizer

RECOGNIZER_CLASSES = (
    ResidentIdRecognizer,
    UsccRecognizer,
    BankCardRecognizer,
    CnEmailRecognizer,
    CnIpAddressRecognizer,
    MobilePhoneRecognizer,
    LandlineRecognizer,
    OrgCodeRecognizer,
    PassportRecognizer,
    TravelPermitRecognizer,
    LicencePlateRecognizer,
    AddressRecognizer,
    PersonNameRecognizer,
)

ENTITY_TYPES = tuple(cls.ENTITY for cls in RECOGNIZER_CLASSES)
#: types that are checked by pattern + checksum/shape in the residual scan
STRUCTURED_TYPES = tuple(
    cls.ENTITY for cls in RECOGNIZER_CLASSES if cls not in (AddressRecognizer, PersonNameRecognizer)
)


def all_recognizers() -> list[ChineseRecognizer]:
    return [cls() for cls in RECOGNIZER_CLASSES]


__all__ = [cls.__name__ for cls in RECOGNIZER_CLASSES] + [
    "ChineseRecognizer", "RECOGNIZER_CLASSES", "ENTITY_TYPES", "STRUCTURED_TYPES", "all_recognizers",
]
