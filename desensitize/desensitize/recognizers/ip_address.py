"""IPv4 and IPv6 addresses, validated by the standard library's ipaddress.

A dotted quad whose octets are all valid is still a software version when the text
says so: a version word (版本, V, ver, version, 升级至, 固件, build…) right before it,
or 版 right after it (系统已升级至2.10.3.1版本). Such quads are not addresses.
"""
from __future__ import annotations

import ipaddress
import re

from presidio_analyzer import Pattern

from .base import ChineseRecognizer, CASE_INSENSITIVE

IPV4_REGEX = r"(?:\d{1,3}\.){3}\d{1,3}"
IPV6_REGEX = r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}"


def valid_ipv4(text: str) -> bool:
    """``ipaddress.ip_address(text)`` succeeds for a dotted quad (the same octet rules:
    ASCII digits, at most 3, no leading zero, <= 255), without its exceptions."""
    octets = text.split(".")
    return len(octets) == 4 and all(
        octet and octet.isascii() and octet.isdigit() and len(octet) <= 3 and (octet == "0" or octet[0] != "0")
        and int(octet) <= 255 for octet in octets)


_VERSION_BEFORE = re.compile(
    r"(?:版本|版本号|固件|升级至|升级到|更新至|更新到|(?<![A-Za-z])(?:v|V|ver|Ver|VER|version|Version|build|Build|release|Release))"
    r"[\s:：=号为]{0,3}$")
_VERSION_AFTER = re.compile(r"\s?(?:版|build|beta|rc|-(?:release|beta|rc))")


def looks_like_version(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12):start].rsplit("\x00", 1)[-1]
    return bool(_VERSION_BEFORE.search(before) or _VERSION_AFTER.match(text, end))


class CnIpAddressRecognizer(ChineseRecognizer):
    ENTITY = "IP_ADDRESS"
    HEADER_HINTS = ("ip", "IP地址", "登录ip")
    prefilter = r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:?[0-9A-Fa-f]"
    cell_regex = f"(?:{IPV4_REGEX}|{IPV6_REGEX})"
    score = 0.6
    flags = CASE_INSENSITIVE

    def __init__(self):
        super().__init__(
            [
                Pattern("ipv4", r"(?<![0-9.])" + IPV4_REGEX + r"(?![0-9]|\.\d)", 0.6),
                Pattern("ipv6", r"(?<![0-9A-Fa-f:])(?:" + IPV6_REGEX + r")(?![0-9A-Fa-f:])", 0.6),
            ]
        )

    def find(self, text: str):
        # each pattern only where its separator occurs at all
        spans = []
        if "." in text:
            spans += [s for s in self._spans(self._compiled[0], text, valid_ipv4)
                      if not looks_like_version(text, s[0], s[1])]
        if "::" in text or text.count(":") >= 7:
            spans += self._spans(self._compiled[1], text, self.validate_result)
        return spans

    def _spans(self, compiled, text, valid):
        return [(m.start(), m.end(), self.ENTITY, 1.0) for m in compiled.finditer(text) if valid(m.group())]

    def validate_result(self, pattern_text: str) -> bool:
        try:
            address = ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        # "::" and "1::" alone are more often text than addresses
        return address.version == 4 or pattern_text.count(":") >= 3 or len(pattern_text) > 8
