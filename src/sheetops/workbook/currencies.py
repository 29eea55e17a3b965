"""The ISO 4217 currency codes in use (2026), for checking the Settings ``Currency``.

A code outside this list is almost always a typo (``USDD``, ``XYZ``); the run says so at the
Settings cell and assumes the default instead of flagging every order line.
"""

from __future__ import annotations

ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())
"""Active ISO 4217 codes of money (not metals, test or fund-only codes such as XAU, XTS, XDR)."""

COMMON = ("USD", "EUR", "GBP", "CAD", "AUD", "SGD", "MYR", "IDR", "THB", "VND", "PHP", "MXN", "JPY", "BRL")
"""The codes named in help texts: the currencies TikTok Shop sells in, and a few more."""


def is_currency(code: str) -> bool:
    """``is_currency("usd")`` is True; ``is_currency("XYZ")`` is False."""
    return code.strip().upper() in ISO_4217
