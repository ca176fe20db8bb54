"""Property tests: every generated valid identifier is found, in any Chinese context,
and no trace of it survives ``apply`` (structured column or free text)."""
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

import desensitize
from desensitize.detect import detect_spans
from desensitize.recognizers.resident_id import region_codes

REGIONS = sorted(c for c in region_codes() if not c.endswith("00"))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=6)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def resident_ids(draw):
    region = draw(st.sampled_from(REGIONS))
    birth = draw(st.dates(min_value=pd.Timestamp("1930-01-01").date(), max_value=pd.Timestamp("2015-12-31").date()))
    serial = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def usccs(draw):
    body = draw(st.sampled_from("159Y")) + draw(st.sampled_from("1239")) + draw(st.sampled_from(REGIONS))
    body += "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


@st.composite
def bank_cards(draw):
    prefix = draw(st.sampled_from(["62", "4", "5", "622848"]))
    length = draw(st.integers(16, 19))
    body = prefix + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=length - 1 - len(prefix),
                                          max_size=length - 1 - len(prefix))))
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


mobiles = st.builds(lambda p, n: p + f"{n:08d}", st.sampled_from(["130", "139", "150", "177", "186", "199"]),
                    st.integers(0, 99_999_999))

IDENTIFIERS = {
    "CN_RESIDENT_ID": resident_ids(), "CN_USCC": usccs(), "CN_BANK_CARD": bank_cards(), "CN_MOBILE_PHONE": mobiles,
}


def assert_found_in_context(entity, value, before, after):
    text = before + value + after
    spans = [(text[s:e], t) for s, e, t, _ in detect_spans(text)]
    assert (value, entity) in spans, spans


@SETTINGS
@given(resident_ids(), HAN, HAN)
def test_valid_ids_always_found(value, before, after):
    assert_found_in_context("CN_RESIDENT_ID", value, before, after)


@SETTINGS
@given(usccs(), HAN, HAN)
def test_valid_usccs_always_found(value, before, after):
    assert_found_in_context("CN_USCC", value, before, after)


@SETTINGS
@given(bank_cards(), HAN, HAN)
def test_valid_bank_cards_always_found(value, before, after):
    text = before + value + after
    types = {text[s:e]: t for s, e, t, _ in detect_spans(text)}
    # an 18-digit card that is also a valid resident ID is reported as the ID
    assert types.get(value) in ("CN_BANK_CARD", "CN_RESIDENT_ID" if len(value) == 18 else "CN_BANK_CARD")


@SETTINGS
@given(mobiles, HAN, HAN)
def test_valid_mobiles_always_found(value, before, after):
    assert_found_in_context("CN_MOBILE_PHONE", value, before, after)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(resident_ids(), usccs(), bank_cards(), mobiles), min_size=3, max_size=12))
def test_apply_leaves_no_generated_identifier(rows):
    frame = pd.DataFrame(rows, columns=["身份证号", "统一社会信用代码", "银行卡号", "手机"])
    frame["备注"] = [f"本人身份证{a}，卡号{c}，电话{d}。" for a, _, c, d in rows]
    report = desensitize.apply(frame, workers=1)
    text = report.frame.to_csv(index=False)
    for identifiers in rows:
        for value in identifiers:
            assert value not in text
    assert report.residual["passed"]


# valid and near-miss identifiers (one digit changed, full-width digits, separators,
# lower-case x) joined by NUL as the table path joins cells
NEAR_MISSES = st.one_of(*IDENTIFIERS.values()).flatmap(lambda v: st.sampled_from([
    v, v[:-1] + str((int(v[-1]) + 1) % 10) if v[-1].isdigit() else v[:-1] + "1", v.lower(),
    v.translate(str.maketrans("0123456789", "０１２３４５６７８９")), " ".join(v[i:i + 4] for i in range(0, len(v), 4)),
    v[:6] + "-" + v[6:]]))


@SETTINGS
@given(st.lists(st.tuples(HAN, NEAR_MISSES, HAN), min_size=1, max_size=30))
def test_vectorized_validation_agrees_with_find(cells):
    """``find_joined`` (matches validated together, numpy checksums) gives exactly
    the spans of ``find`` (one match at a time)."""
    from desensitize.detect import default_recognizers

    text = "\x00".join(a + b + c for a, b, c in cells)
    for recognizer in default_recognizers():
        assert recognizer.find_joined(text) == recognizer.find(text), recognizer.ENTITY


NO_ASCII_DIGIT = st.one_of(*IDENTIFIERS.values()).flatmap(lambda v: st.lists(
    st.sampled_from("ABCDEGHMPSXx０１２３４５６７８９ -()（）:.@京号"), min_size=len(v), max_size=len(v)).map("".join))


@SETTINGS
@given(st.lists(st.one_of(NO_ASCII_DIGIT, st.text(alphabet=st.characters(blacklist_characters="0123456789")),
                          # digit-free matches of the types that are not DIGIT_REQUIRED
                          st.sampled_from(["zhang.san@example.com", "fe80::abcd:ef", "京ABCDEF", "ABCDEFGH-X",
                                           "建国路八十八号", "联系人张伟先生"])),
                min_size=1, max_size=20))
def test_digit_required_prefilters_never_match_without_an_ascii_digit(cells):
    """The table path runs a DIGIT_REQUIRED type's prefilter only on cells with an ASCII
    digit; that is only sound if the prefilter can never match without one."""
    from desensitize.detect import default_recognizers
    from desensitize.recognizers.base import contains

    values = pd.Series(cells, dtype="str")
    for recognizer in default_recognizers():
        if recognizer.DIGIT_REQUIRED:
            assert not contains(values, recognizer.prefilter).any(), recognizer.ENTITY
