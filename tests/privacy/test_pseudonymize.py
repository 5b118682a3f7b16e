"""Keyed pseudonymization: stable keyed tokens, the dictionary attack, the leak check, refusals."""

from __future__ import annotations

import copy
import hashlib
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from greennb._validation import MISSING_COLUMN_MSG, NOT_AN_INTEGER_MSG
from greennb.data import load_dataset
from greennb.errors import GreennbWarning, InvalidTypeError, InvalidValueError
from greennb.privacy._pseudonymize import (
    COLLISION_MSG,
    EMPTY_SECRET_MSG,
    IDENTIFIERS_SURVIVE_MSG,
    KEY_BYTES_MSG,
    KEY_NOT_SERIALIZABLE_MSG,
    KEY_TYPE_MSG,
    LENGTH_MSG,
    NO_COLUMNS_MSG,
    NO_RAW_VALUES_MSG,
    NOT_ITERABLE_MSG,
    SINGLE_STRING_MSG,
    PseudonymKey,
    check_no_identifiers,
    dictionary_attack,
    plain_hash,
    pseudonymize,
    surviving_identifiers,
)

KEY = PseudonymKey.from_secret("made-up test secret")
OTHER_KEY = PseudonymKey.from_secret("another made-up secret")


@pytest.fixture
def people() -> pd.DataFrame:
    """A made-up table: ids, names (one missing), an age."""
    return pd.DataFrame(
        {
            "person_id": [101, 102, 101, 103],
            "first": ["Ada", "Bob", "Ada", None],
            "last": ["Lovelace", "Ada", "Lovelace", "Curie"],
            "age": [36, 41, 36, 66],
        }
    )


@pytest.fixture(scope="module")
def covid():
    return load_dataset("covid_testing")


def test_tokens_are_stable_hex_of_the_asked_length(people):
    released = pseudonymize(people, ["person_id", "first"], key=KEY)
    again = pseudonymize(
        people, ["person_id", "first"], key=PseudonymKey.from_secret("made-up test secret")
    )
    assert released.equals(again)
    tokens = released["person_id"]
    assert tokens.str.len().eq(16).all() and tokens.str.fullmatch("[0-9a-f]+").all()
    assert tokens[0] == tokens[2] != tokens[1]
    assert released["age"].equals(people["age"]) and released["last"].equals(people["last"])
    assert list(released.columns) == list(people.columns)
    assert people["person_id"].tolist() == [101, 102, 101, 103]  # the input is not modified


def test_token_is_the_documented_hmac(people):
    import hmac

    secret = KEY._secret
    expected = hmac.new(secret, b"person_id\x00101", hashlib.sha256).hexdigest()
    assert pseudonymize(people, ["person_id"], key=KEY, length=64)["person_id"][0] == expected
    assert pseudonymize(people, ["person_id"], key=KEY, length=8)["person_id"][0] == expected[:8]


def test_a_different_key_gives_different_tokens(people):
    mine = pseudonymize(people, ["person_id"], key=KEY)["person_id"]
    theirs = pseudonymize(people, ["person_id"], key=OTHER_KEY)["person_id"]
    assert not set(mine) & set(theirs)
    fresh = pseudonymize(people, ["person_id"], key=PseudonymKey.new())["person_id"]
    assert not set(mine) & set(fresh)


def test_the_same_value_in_another_column_gets_another_token(people):
    released = pseudonymize(people, ["first", "last"], key=KEY)
    assert people.loc[0, "first"] == people.loc[1, "last"] == "Ada"
    assert released.loc[0, "first"] != released.loc[1, "last"]


def test_missing_values_stay_missing(people):
    released = pseudonymize(people, ["first"], key=KEY)
    assert released["first"].isna().tolist() == [False, False, False, True]


def test_from_secret_is_hkdf_sha256_and_accepts_str_or_bytes():
    import hmac

    prk = hmac.digest(b"greennb.privacy.pseudonymize", b"made-up test secret", "sha256")
    expected = hmac.digest(prk, b"PseudonymKey v1\x01", "sha256")
    assert KEY._secret == expected
    assert PseudonymKey.from_secret(b"made-up test secret")._secret == expected
    assert len(PseudonymKey.new()._secret) == 32
    assert PseudonymKey.new()._secret != PseudonymKey.new()._secret


def test_dictionary_attack_recovers_every_plain_hash_and_no_hmac_token():
    ids = pd.Series(np.arange(1, 501), name="person_id")
    frame = ids.to_frame()
    candidates = range(1, 1001)  # the attacker hashes every id of a small range
    recovered = dictionary_attack(plain_hash(ids), candidates)
    assert (recovered == ids.astype(str)).mean() == 1.0
    tokens = pseudonymize(frame, ["person_id"], key=KEY)["person_id"]
    assert dictionary_attack(tokens, candidates).notna().mean() == 0.0
    full = pseudonymize(frame, ["person_id"], key=KEY, length=64)["person_id"]
    assert dictionary_attack(full, candidates).notna().sum() == 0


def test_dictionary_attack_is_aligned_and_matches_truncated_hashes():
    hashed = plain_hash(pd.Series(["Ada", None, "Zed"], index=[7, 8, 9]))
    assert hashed.isna().tolist() == [False, True, False]
    hashed[9] = hashed[9][:12]  # a truncated plain hash is no safer
    recovered = dictionary_attack(hashed, ["Bob", "Zed", "Ada"])
    assert recovered.index.tolist() == [7, 8, 9]
    assert recovered[7] == "Ada" and recovered[9] == "Zed" and pd.isna(recovered[8])
    assert plain_hash([1, 2])[0] == hashlib.sha256(b"1").hexdigest()


def test_no_raw_identifier_survives_in_a_made_up_frame(people):
    raw = [101, 102, 103, "Ada", "Bob", "Lovelace", "Curie"]
    found = surviving_identifiers(people, raw)
    assert found.to_dict("list") == {"column": ["person_id", "first", "last"], "matches": [4, 3, 4]}
    released = pseudonymize(people, ["person_id", "first", "last"], key=KEY)
    clean = surviving_identifiers(released, raw)
    assert clean.empty and list(clean.columns) == ["column", "matches"]
    check_no_identifiers(released, raw, where="the made-up release")


def test_no_raw_identifier_survives_in_covid_testing(covid):
    frame = covid.frame
    ids = frame["subject_id"]
    # Distinctive ids only: ids up to a few hundred are also ordinary pan_day or flag values.
    sample = [
        *ids[ids > 1000].drop_duplicates().sample(300, random_state=0),
        *frame["fake_first_name"].dropna().drop_duplicates().sample(100, random_state=0),
        *frame["fake_last_name"].dropna().drop_duplicates().sample(10, random_state=0),
    ]
    before = surviving_identifiers(frame, sample)
    assert before["column"].tolist() == covid.identifiers  # the check sees the raw values
    assert (before["matches"] > 0).all()
    released = pseudonymize(frame, covid.identifiers, key=KEY)
    assert surviving_identifiers(released, sample).empty
    check_no_identifiers(released, sample, where="the released covid_testing table")
    assert released["fake_first_name"].isna().sum() == frame["fake_first_name"].isna().sum()
    per_subject = released.groupby("subject_id")["fake_last_name"].nunique()
    assert per_subject.max() == 1  # one subject, one token set: rows still link up


def test_check_no_identifiers_names_where_columns_and_counts_never_values(people):
    with pytest.raises(InvalidValueError) as info:
        check_no_identifiers(people, ["Ada", "Lovelace"], where="the test table")
    message = str(info.value)
    assert message == IDENTIFIERS_SURVIVE_MSG.format(
        where="the test table", details="column 'first' (2 cells), column 'last' (3 cells)"
    )
    assert "Ada" not in message and "Lovelace" not in message


def test_repr_and_str_hide_the_key():
    for text in (repr(KEY), str(KEY), f"{KEY}", repr([KEY])):
        assert "<hidden>" in text
        assert KEY._secret.hex() not in text and str(KEY._secret) not in text


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_pickling_the_key_is_refused(protocol):
    with pytest.raises(InvalidTypeError) as info:
        pickle.dumps(KEY, protocol=protocol)
    assert str(info.value) == KEY_NOT_SERIALIZABLE_MSG
    with pytest.raises(InvalidTypeError):
        KEY.__getstate__()
    assert copy.deepcopy({"key": KEY})["key"] is KEY  # copies stay in memory


def test_json_of_the_key_is_refused_and_to_json_value_hides_it():
    import json

    from greennb._json import to_json_value

    with pytest.raises(TypeError):
        json.dumps({"key": KEY})
    assert to_json_value({"key": KEY}) == {"key": "PseudonymKey(<hidden>)"}


def test_a_collision_of_truncated_tokens_warns(monkeypatch, people):
    monkeypatch.setattr(PseudonymKey, "_token", lambda self, column, text, length: "0" * length)
    with pytest.warns(GreennbWarning) as record:
        pseudonymize(people, ["person_id"], key=KEY, length=8)
    assert [str(item.message) for item in record] == [
        COLLISION_MSG.format(length=8, collisions=2, column="person_id", high=64)
    ]


def test_no_warning_without_collisions(people):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pseudonymize(people, ["person_id", "first", "last"], key=KEY, length=8)


# --- refusals ---------------------------------------------------------------------------


def test_unknown_column_names_it_and_the_frames_columns(people):
    with pytest.raises(InvalidValueError) as info:
        pseudonymize(people, ["person_id", "surname"], key=KEY)
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role="Identifier", column="surname", available="person_id, first, last, age"
    )


@pytest.mark.parametrize("columns", [[], ()])
def test_empty_columns_are_refused(people, columns):
    with pytest.raises(InvalidValueError) as info:
        pseudonymize(people, columns, key=KEY)
    assert str(info.value) == NO_COLUMNS_MSG.format(type=type(columns).__name__)


def test_a_single_column_name_string_is_refused(people):
    with pytest.raises(InvalidTypeError) as info:
        pseudonymize(people, "first", key=KEY)
    assert str(info.value) == SINGLE_STRING_MSG.format(name="columns", type="str", value="first")


@pytest.mark.parametrize("bad", ["made-up secret", b"\x00" * 32, None])
def test_a_key_that_is_not_a_pseudonym_key_is_refused(people, bad):
    with pytest.raises(InvalidTypeError) as info:
        pseudonymize(people, ["first"], key=bad)
    assert str(info.value) == KEY_TYPE_MSG.format(
        name="key", expected="a PseudonymKey", type=type(bad).__name__
    )


@pytest.mark.parametrize("bad", [0, 7, 65, -1])
def test_length_outside_8_to_64_is_refused(people, bad):
    with pytest.raises(InvalidValueError) as info:
        pseudonymize(people, ["first"], key=KEY, length=bad)
    assert str(info.value) == LENGTH_MSG.format(low=8, high=64, value=bad)


@pytest.mark.parametrize("bad", [16.0, "16", True])
def test_length_of_the_wrong_type_is_refused(people, bad):
    with pytest.raises(InvalidTypeError) as info:
        pseudonymize(people, ["first"], key=KEY, length=bad)
    assert str(info.value) == NOT_AN_INTEGER_MSG.format(
        name="length", unit=" (hex characters)", value=bad, type=type(bad).__name__
    )


def test_a_frame_that_is_not_a_dataframe_is_refused(people):
    with pytest.raises(InvalidTypeError) as info:
        pseudonymize(people.to_dict(), ["first"], key=KEY)
    assert str(info.value) == KEY_TYPE_MSG.format(
        name="frame", expected="a pandas DataFrame", type="dict"
    )
    with pytest.raises(InvalidTypeError):
        surviving_identifiers(people["first"], ["Ada"])


@pytest.mark.parametrize(
    ("secret", "error", "message"),
    [
        ("", InvalidValueError, EMPTY_SECRET_MSG.format(type="str")),
        (b"", InvalidValueError, EMPTY_SECRET_MSG.format(type="bytes")),
        (
            42,
            InvalidTypeError,
            KEY_TYPE_MSG.format(name="secret", expected="str or bytes", type="int"),
        ),
    ],
)
def test_bad_secrets_are_refused(secret, error, message):
    with pytest.raises(error) as info:
        PseudonymKey.from_secret(secret)
    assert str(info.value) == message


def test_a_key_needs_exactly_32_bytes():
    with pytest.raises(InvalidValueError) as info:
        PseudonymKey(b"short")
    assert str(info.value) == KEY_BYTES_MSG.format(expected=32, got=5)
    with pytest.raises(InvalidTypeError) as info:
        PseudonymKey("x" * 32)
    assert str(info.value) == KEY_TYPE_MSG.format(name="secret", expected="bytes", type="str")


def test_dictionary_attack_refusals():
    with pytest.raises(InvalidTypeError) as info:
        dictionary_attack(["abc"], ["a"])
    assert str(info.value) == KEY_TYPE_MSG.format(
        name="hashed", expected="a pandas Series", type="list"
    )
    with pytest.raises(InvalidTypeError) as info:
        dictionary_attack(pd.Series(["abc"]), "Ada")
    assert str(info.value) == SINGLE_STRING_MSG.format(name="candidates", type="str", value="Ada")
    with pytest.raises(InvalidTypeError) as info:
        dictionary_attack(pd.Series(["abc"]), 12)
    assert str(info.value) == NOT_ITERABLE_MSG.format(name="candidates", type="int")


@pytest.mark.parametrize("raw", [[], [None, float("nan")]])
def test_a_check_against_no_raw_value_is_refused(people, raw):
    with pytest.raises(InvalidValueError) as info:
        check_no_identifiers(people, raw, where="the test table")
    assert str(info.value) == NO_RAW_VALUES_MSG
