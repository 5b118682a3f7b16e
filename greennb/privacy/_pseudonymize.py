"""Keyed pseudonymization of direct identifiers, the dictionary attack it resists, a leak check.

Why a plain hash is not enough
------------------------------
A hash such as SHA-256 is deterministic and public: anyone can compute it. The values a
direct identifier can take are few — the integer ids 1 to 20,000, the few thousand first
names of a country — so an attacker simply hashes every candidate and looks the released
hashes up in that table (a *dictionary attack*, :func:`dictionary_attack`). On a laptop this
takes about a second per million candidates, and it recovers every value that is in the
dictionary. :func:`plain_hash` exists only to show this.

What the key protects
---------------------
:func:`pseudonymize` replaces each value by the HMAC-SHA256 (RFC 2104) under the key of the
column name, a NUL byte and ``str(value)``, truncated to ``length`` hex characters. Without
the 32-byte (256-bit) secret of the :class:`PseudonymKey` nobody can compute the token of a
candidate, so the dictionary attack finds nothing; with the same key, the same value of the
same column always gets the same token, so rows of one subject still link up (within the
release, and across releases made with the same key). The column name is part of the
message, so the same string in two columns (a first name that is also a last name) gets two
unrelated tokens. Whoever holds the key can run the dictionary attack with it and
re-identify everyone: keep it apart from the data, never write it into a record (the key
refuses pickling and hides itself in ``repr``), and make a fresh key
(:meth:`PseudonymKey.new`) for each release that need not link.

What pseudonymization does NOT do
---------------------------------
It removes *direct* identifiers only. The remaining columns still re-identify: age, gender,
clinic and test day together are often unique to one person (Sweeney found 87 % of the US
population unique by ZIP code, gender and date of birth). That risk is measured by
k-anonymity over the quasi-identifiers (``1 / k`` per row), elsewhere in
:mod:`greennb.privacy`. Tokens are deterministic, so they also keep equality and frequency:
the most frequent token of a name column is probably the most frequent name. In law, the
GDPR (Art. 4(5)) calls this *pseudonymisation*, and its Recital 26 says that pseudonymised
data, which could be attributed to a person by the use of additional information (the key),
is still personal data: the GDPR still applies. Only anonymous data falls outside it.

:func:`surviving_identifiers` and :func:`check_no_identifiers` verify a table before it
leaves: they count, per column, the cells that still equal a raw identifier value (exact
matches of ``str(value)``; the index and substrings of free text are not inspected), and
report columns and counts, never the values.

Only the standard library is needed (:mod:`hmac`, :mod:`hashlib`, :mod:`secrets`): a keyed
hash is a few lines, no dependency is worth adding for it.

Examples
--------
>>> import pandas as pd
>>> key = PseudonymKey.from_secret("made-up secret for the docs")
>>> key
PseudonymKey(<hidden>)
>>> frame = pd.DataFrame({"patient": ["Ada", "Bob", "Ada"], "age": [30, 41, 30]})
>>> released = pseudonymize(frame, ["patient"], key=key, length=8)
>>> released["patient"].iloc[0] == released["patient"].iloc[2] != released["patient"].iloc[1]
True
>>> dictionary_attack(plain_hash(frame["patient"]), ["Ada", "Bob", "Eve"]).tolist()
['Ada', 'Bob', 'Ada']
>>> dictionary_attack(released["patient"], ["Ada", "Bob", "Eve"]).isna().all()
np.True_
>>> check_no_identifiers(released, ["Ada", "Bob"], where="the released table")
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from greennb._validation import NOT_AN_INTEGER_MSG, is_integer, require_columns
from greennb.errors import GreennbWarning, InvalidTypeError, InvalidValueError

KEY_BYTES = 32  # bytes of secret: 256 bits, the output size of SHA-256
MIN_LENGTH, MAX_LENGTH = 8, 64  # hex characters of a token (4 bits each)
HKDF_SALT = b"greennb.privacy.pseudonymize"
HKDF_INFO = b"PseudonymKey v1"

# Error-message templates, kept here so that tests can match them.
KEY_BYTES_MSG = "PseudonymKey needs exactly {expected} bytes of secret; got {got}."
KEY_TYPE_MSG = "{name} must be {expected}; got a value of type {type}."
EMPTY_SECRET_MSG = "PseudonymKey.from_secret needs a non-empty secret; got an empty {type}."
KEY_NOT_SERIALIZABLE_MSG = (
    "A PseudonymKey cannot be pickled or serialized: the key must never reach a file or a run "
    "record. Keep it in memory, or keep its secret apart from the data and rebuild it with "
    "PseudonymKey.from_secret."
)
LENGTH_MSG = "length must be an integer in [{low}, {high}] (hex characters); got {value!r}."
NO_COLUMNS_MSG = "pseudonymize needs at least one column to replace; got an empty {type}."
SINGLE_STRING_MSG = "{name} must be a collection of values, not a single {type}; got {value!r}."
NOT_ITERABLE_MSG = "{name} must be an iterable of values; got a value of type {type}."
NO_RAW_VALUES_MSG = (
    "raw_values has no non-missing value: a check against no identifier proves nothing. "
    "Pass a sample of the raw identifier values."
)
COLLISION_MSG = (
    "length={length} gave {collisions} token collision(s) in column {column!r}: distinct "
    "values now share a token. Use a longer length (at most {high})."
)
IDENTIFIERS_SURVIVE_MSG = (
    "Raw identifier values survive in {where}: {details}. Pseudonymize or drop these columns "
    "before the table leaves."
)


class PseudonymKey:
    """A secret key for :func:`pseudonymize`, which never shows or serializes its bytes.

    Parameters
    ----------
    secret : bytes
        Exactly 32 bytes (256 bits) of secret. Prefer :meth:`new` (random) or
        :meth:`from_secret` (derived from a passphrase) to building one by hand.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``secret`` is not ``bytes``, and on any attempt to pickle or copy it into a
        serialized form.
    greennb.errors.InvalidValueError
        If ``secret`` is not 32 bytes long.
    """

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, bytes):
            kind = type(secret).__name__
            raise InvalidTypeError(KEY_TYPE_MSG.format(name="secret", expected="bytes", type=kind))
        if len(secret) != KEY_BYTES:
            raise InvalidValueError(KEY_BYTES_MSG.format(expected=KEY_BYTES, got=len(secret)))
        self._secret = secret

    @classmethod
    def new(cls) -> PseudonymKey:
        """Return a fresh random key (32 bytes from :func:`secrets.token_bytes`)."""
        return cls(secrets.token_bytes(KEY_BYTES))

    @classmethod
    def from_secret(cls, secret: str | bytes) -> PseudonymKey:
        """Derive a key from a passphrase, for runs that must reproduce their tokens.

        The 32 key bytes come from HKDF-SHA256 (RFC 5869: extract, then one expand
        block) of ``secret``, with a fixed salt. The key is only as secret as the
        passphrase: a guessable secret (``"seed 0"``, a published notebook parameter)
        gives guessable tokens, and then the dictionary attack works again.

        Parameters
        ----------
        secret : str or bytes
            The passphrase (a str is encoded as UTF-8); not empty.

        Returns
        -------
        PseudonymKey
            The same key for the same secret.
        """
        kind = type(secret).__name__
        if not isinstance(secret, str | bytes):
            raise InvalidTypeError(
                KEY_TYPE_MSG.format(name="secret", expected="str or bytes", type=kind)
            )
        if not secret:
            raise InvalidValueError(EMPTY_SECRET_MSG.format(type=kind))
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        # HKDF written out: hashlib has no HKDF, and `cryptography`'s would be a dependency
        # for two HMAC calls.
        pseudo_random_key = hmac.digest(HKDF_SALT, secret, "sha256")
        return cls(hmac.digest(pseudo_random_key, HKDF_INFO + b"\x01", "sha256"))

    def _token(self, column: str, text: str, length: int) -> str:
        """Return the hex token of one value's text in ``column`` (see :func:`pseudonymize`)."""
        message = f"{column}\0{text}".encode()
        return hmac.digest(self._secret, message, "sha256").hex()[:length]

    def __repr__(self) -> str:
        return "PseudonymKey(<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise InvalidTypeError(KEY_NOT_SERIALIZABLE_MSG)

    def __getstate__(self) -> NoReturn:
        raise InvalidTypeError(KEY_NOT_SERIALIZABLE_MSG)

    def __copy__(self) -> PseudonymKey:
        return self  # immutable: a copy is the same key, and no bytes leave memory

    def __deepcopy__(self, memo: dict[int, Any]) -> PseudonymKey:
        return self


def _check_length(length: Any) -> int:
    if not is_integer(length):
        kind = type(length).__name__
        raise InvalidTypeError(
            NOT_AN_INTEGER_MSG.format(
                name="length", unit=" (hex characters)", value=length, type=kind
            )
        )
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise InvalidValueError(LENGTH_MSG.format(low=MIN_LENGTH, high=MAX_LENGTH, value=length))
    return int(length)


def _check_frame(frame: Any, name: str = "frame") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        kind = type(frame).__name__
        raise InvalidTypeError(
            KEY_TYPE_MSG.format(name=name, expected="a pandas DataFrame", type=kind)
        )
    return frame


def _value_list(values: Any, *, name: str) -> list[Any]:
    """Return ``values`` as a list, refusing a bare string (which iterates its characters)."""
    if isinstance(values, str | bytes):
        kind = type(values).__name__
        raise InvalidTypeError(SINGLE_STRING_MSG.format(name=name, type=kind, value=values))
    if not isinstance(values, Iterable):
        raise InvalidTypeError(NOT_ITERABLE_MSG.format(name=name, type=type(values).__name__))
    return list(values)


def _pseudonymized_column(values: pd.Series, key: PseudonymKey, length: int) -> pd.Series:
    column = str(values.name)
    raw = values.to_numpy(dtype=object)
    present = values.notna().to_numpy()
    tokens: dict[str, str] = {}  # one HMAC per distinct value
    out = raw.copy()
    for position in np.flatnonzero(present):
        text = str(raw[position])
        if text not in tokens:
            tokens[text] = key._token(column, text, length)
        out[position] = tokens[text]
    collisions = len(tokens) - len(set(tokens.values()))
    if collisions:
        message = COLLISION_MSG.format(
            length=length, collisions=collisions, column=column, high=MAX_LENGTH
        )
        warnings.warn(message, GreennbWarning, stacklevel=3)
    return pd.Series(list(out), index=values.index, name=values.name)


def pseudonymize(
    frame: pd.DataFrame, columns: Sequence[str], *, key: PseudonymKey, length: int = 16
) -> pd.DataFrame:
    """Return a copy of ``frame`` whose ``columns`` hold keyed HMAC-SHA256 tokens.

    Each value becomes the HMAC-SHA256 under ``key`` of the column name, a NUL byte and
    ``str(value)``, in hex, cut to ``length`` characters. The same value of the same
    column under the same key always gets the same token; another key or another column
    gives unrelated tokens; missing values stay missing. Note ``str(value)``: an id read
    as ``12.0`` is not the id ``12``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not modified.
    columns : sequence of str
        The direct identifiers to replace (e.g. ``dataset.identifiers``); not empty.
    key : PseudonymKey
        The secret (:meth:`PseudonymKey.new` or :meth:`PseudonymKey.from_secret`).
    length : int, default=16
        Hex characters kept per token, 8 to 64 (4 bits each): 16 gives 64 bits, with a
        collision expected only after about 4 billion distinct values; 8 gives 32 bits,
        with a first collision likely from about 77,000 (a warning says so when it happens).

    Returns
    -------
    pandas.DataFrame
        A copy with the same index, columns and order; the named columns hold tokens.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame, ``columns`` is a single string, ``key`` is not a
        :class:`PseudonymKey` or ``length`` is not an integer.
    greennb.errors.InvalidValueError
        If ``columns`` is empty, names a column the frame lacks (the message lists the
        frame's columns), or ``length`` is outside [8, 64].

    Warns
    -----
    greennb.errors.GreennbWarning
        If two distinct values of a column got the same (truncated) token.
    """
    frame = _check_frame(frame)
    names = _value_list(columns, name="columns")
    if not names:
        raise InvalidValueError(NO_COLUMNS_MSG.format(type=type(columns).__name__))
    require_columns(frame, names, role="Identifier")
    if not isinstance(key, PseudonymKey):
        kind = type(key).__name__
        raise InvalidTypeError(
            KEY_TYPE_MSG.format(name="key", expected="a PseudonymKey", type=kind)
        )
    length = _check_length(length)
    released = frame.copy()
    for name in dict.fromkeys(names):
        released[name] = _pseudonymized_column(frame[name], key, length)
    return released


def plain_hash(values: Iterable[object]) -> pd.Series:
    """Return the unkeyed SHA-256 hex digest of ``str(value)`` of each value: what NOT to do.

    Shown only beside :func:`dictionary_attack`, which reverses it.

    Parameters
    ----------
    values : iterable
        The values (a Series keeps its index and name); missing values stay missing.

    Returns
    -------
    pandas.Series
        64 hex characters per present value.
    """
    series = (
        values if isinstance(values, pd.Series) else pd.Series(_value_list(values, name="values"))
    )
    present = series.notna()
    digests = [
        hashlib.sha256(str(value).encode()).hexdigest() if keep else value
        for value, keep in zip(series.to_numpy(dtype=object), present, strict=True)
    ]
    return pd.Series(digests, index=series.index, name=series.name)


def dictionary_attack(hashed: pd.Series, candidates: Iterable[object]) -> pd.Series:
    """Re-identify plain SHA-256 hashes by hashing every candidate value.

    This is the attack a keyed token resists: every candidate (every integer id of a
    range, a list of first names) is hashed with :func:`plain_hash`'s function and
    looked up. Truncated hashes are matched on their prefix. Cost: one SHA-256 per
    candidate, about a microsecond each.

    Parameters
    ----------
    hashed : pandas.Series
        Released hashes (or tokens) as hex strings.
    candidates : iterable
        The attacker's dictionary; compared as ``str(candidate)``.

    Returns
    -------
    pandas.Series
        Aligned with ``hashed``: the recovered original as a str, or NaN where no
        candidate matches (all NaN for HMAC tokens without the key).

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``hashed`` is not a Series or ``candidates`` is a single string or not iterable.
    """
    if not isinstance(hashed, pd.Series):
        kind = type(hashed).__name__
        raise InvalidTypeError(
            KEY_TYPE_MSG.format(name="hashed", expected="a pandas Series", type=kind)
        )
    texts = [str(candidate) for candidate in _value_list(candidates, name="candidates")]
    lengths = {len(value) for value in hashed.dropna() if isinstance(value, str)}
    table: dict[str, str] = {}
    for text in texts:
        digest = hashlib.sha256(text.encode()).hexdigest()
        for length in lengths:
            table.setdefault(digest[:length], text)
    recovered = [table.get(value, np.nan) if isinstance(value, str) else np.nan for value in hashed]
    return pd.Series(recovered, index=hashed.index, name=hashed.name, dtype=object)


def surviving_identifiers(frame: pd.DataFrame, raw_values: Iterable[object]) -> pd.DataFrame:
    """Count, per column, the cells that still equal a raw identifier value.

    Every column is compared, whatever its dtype, as ``str(cell)`` against
    ``str(value)``; missing cells and missing raw values are skipped. Only exact cell
    matches count: the index and substrings of free text are not inspected. A raw value
    that is also an ordinary value elsewhere counts there too (the subject id ``5`` and a
    pandemic day 5): check with distinctive values (names, ids above the range of the
    other integer columns), or read the counts column by column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table about to be released.
    raw_values : iterable
        Raw identifier values (e.g. a sample of names and ids); at least one present.

    Returns
    -------
    pandas.DataFrame
        Columns ``column`` (str) and ``matches`` (int, cells), one row per column with
        matches, in the frame's column order; no rows when the table is clean. The
        values themselves are never returned.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``frame`` is not a DataFrame or ``raw_values`` is a single string.
    greennb.errors.InvalidValueError
        If ``raw_values`` has no present value (a check against nothing proves nothing).
    """
    frame = _check_frame(frame)
    raw = {str(value) for value in _value_list(raw_values, name="raw_values") if not pd.isna(value)}
    if not raw:
        raise InvalidValueError(NO_RAW_VALUES_MSG)
    rows = []
    for name in frame.columns:
        cells = frame[name]
        present = cells.notna().to_numpy()
        values = cells.to_numpy(dtype=object)[present]
        matches = sum(str(value) in raw for value in values)
        if matches:
            rows.append((str(name), int(matches)))
    return pd.DataFrame(rows, columns=["column", "matches"]).astype({"matches": "int64"})


def check_no_identifiers(frame: pd.DataFrame, raw_values: Iterable[object], *, where: str) -> None:
    """Raise if any raw identifier value survives in ``frame`` (see :func:`surviving_identifiers`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table about to be released.
    raw_values : iterable
        Raw identifier values to look for.
    where : str
        What the table is (``"the released test table"``), named in the message.

    Raises
    ------
    greennb.errors.InvalidValueError
        Naming ``where``, the columns and their counts of matching cells — never the values.
    """
    found = surviving_identifiers(frame, raw_values)
    if len(found):
        details = ", ".join(
            f"column {column!r} ({matches} cells)"
            for column, matches in zip(found["column"], found["matches"], strict=True)
        )
        raise InvalidValueError(IDENTIFIERS_SURVIVE_MSG.format(where=where, details=details))
