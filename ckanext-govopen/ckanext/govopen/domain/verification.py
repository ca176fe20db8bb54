"""Who counts as a *verified* requester (issue 12, finding 8): self-registration lets
one person open ten accounts, so the high-demand threshold counts only requesters
verified by the method the jurisdiction chose (setting
``govopen.demand.requester_verification``):

``email``      (default) the account's e-mail address was confirmed by a signed link
               sent to it (logic/verification.py; CKAN's mailer);
``real_name``  the jurisdiction's real-name check confirmed the person (an
               integration: see :class:`RealNameCheck`; without one nobody is verified);
``none``       every account counts (only where accounts come from a trusted
               identity provider already).

A verification is stored in the account's ``plugin_extras["govopen"]["verified"]``
as ``{method: {"at": iso time, "reference": text}}`` (plugin_extras can be written by
sysadmins and the platform only, never by the user). Plain Python, no CKAN.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional, Protocol, Set, Tuple

METHODS = ("email", "real_name", "none")
DEFAULT_METHOD = "email"


def method(setting: Optional[str]) -> str:
    """The configured method; an unknown value is a configuration error."""
    value = (setting or DEFAULT_METHOD).strip().lower()
    if value not in METHODS:
        raise ValueError("govopen.demand.requester_verification must be one of %s, not %r"
                         % ("|".join(METHODS), setting))
    return value


def is_verified(govopen_extras: Optional[Mapping], how: str) -> bool:
    """Whether an account (its ``plugin_extras["govopen"]``) is verified by ``how``."""
    if how == "none":
        return True
    done = ((govopen_extras or {}).get("verified") or {}).get(how)
    return bool(done)


def verified_rows(rows: Iterable[Tuple[str, object]], verified_ids: Set[str]) -> list:
    """The (user_id, when) rows of verified users only."""
    return [(uid, at) for uid, at in rows if uid in verified_ids]


class RealNameCheck(Protocol):
    """INTEGRATION POINT for the jurisdiction's real-name check (实名核验), e.g. the
    provincial unified identity platform. Configure a callable with
    ``govopen.demand.real_name_check = package.module:callable``; it receives the
    account (a dict: id, name, fullname, email, plugin_extras) and returns a
    reference of the check (the platform's transaction id) when the person is
    confirmed, else None. An identity provider that verifies at login can instead
    call the action ``govopen_verification_mark`` (sysadmin / platform) with
    ``method: real_name``. GovOpen ships no implementation: with none configured,
    nobody is verified by real name (never a fake "verified" for everyone)."""

    def __call__(self, user: Mapping) -> Optional[str]: ...
