"""Software keys sealed under a PIN, and the wrong-PIN lockout (5 tries)."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization

from signatures import keys, sealing
from signatures.errors import KeyStoreInvalid, KeyUnsupported, PinLocked, PinTooWeak, WrongPin
from signatures.pin import PinPolicy
from tests.signatures.conftest import CA_PASSPHRASE, PIN


def _spki(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def sealed(user_key) -> bytes:
    return keys.seal_user_key(user_key, PIN)


def test_sealed_key_opens_with_its_pin(sealed, user_key):
    unlocked = keys.unlock_user_key(sealed, PIN, failed_attempts=0)
    assert _spki(unlocked.private_key) == _spki(user_key)
    assert unlocked.failed_attempts == 0


def test_sealed_key_never_holds_the_clear_key(sealed, user_key):
    clear = user_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    document = json.loads(sealed)
    assert clear[-48:] not in sealed and clear[-48:] not in base64.b64decode(document["ciphertext"])
    assert PIN.encode() not in sealed
    assert (document["kdf"], document["n"], document["r"], document["p"]) == ("scrypt", 2**17, 8, 1)


def test_wrong_pin_is_refused_with_its_code_and_the_new_counter(sealed):
    with pytest.raises(WrongPin) as caught:
        keys.unlock_user_key(sealed, "999999", failed_attempts=1)
    assert type(caught.value) is WrongPin
    assert caught.value.code == "signature.wrong_pin"
    assert caught.value.params == {"failed_attempts": 2, "remaining": 3, "max_attempts": 5}


def test_five_wrong_pins_lock_the_key_even_for_the_right_pin(sealed):
    counter, codes = 0, []
    for _ in range(5):
        with pytest.raises(WrongPin) as caught:
            keys.unlock_user_key(sealed, "000001", failed_attempts=counter)
        counter = caught.value.params["failed_attempts"]
        codes.append(caught.value.code)
    assert codes == ["signature.wrong_pin"] * 4 + ["signature.pin_locked"]
    assert counter == 5
    with pytest.raises(PinLocked) as caught:
        keys.unlock_user_key(sealed, PIN, failed_attempts=counter)
    assert caught.value.code == "signature.pin_locked"
    assert caught.value.params == {"failed_attempts": 5, "max_attempts": 5}


def test_the_right_pin_resets_the_counter(sealed):
    assert keys.unlock_user_key(sealed, PIN, failed_attempts=4).failed_attempts == 0


def test_lockout_policy_is_a_pure_function_of_the_counter():
    policy = PinPolicy()
    assert [policy.is_locked(n) for n in range(7)] == [False] * 5 + [True] * 2
    assert policy.after_failure(0).params["failed_attempts"] == 1
    assert isinstance(policy.after_failure(4), PinLocked)
    assert policy.after_failure(9).params["failed_attempts"] == 5      # never grows past the limit
    assert policy.after_success() == 0
    policy.ensure_can_try(4)
    with pytest.raises(PinLocked):
        policy.ensure_can_try(5)


@pytest.mark.parametrize(("pin", "reason"), [("12345", "too_short"), ("111111", "repeated"),
                                             ("123456", "sequence"), ("987654", "sequence"),
                                             ("9" * 65 + "1", "too_long")])
def test_weak_pins_are_refused(user_key, pin, reason):
    with pytest.raises(PinTooWeak) as caught:
        keys.seal_user_key(user_key, pin)
    assert caught.value.code == "signature.pin_weak"
    assert caught.value.params == {"reason": reason, "min_length": 6}


def test_change_pin_needs_the_old_pin(sealed):
    resealed = keys.change_pin(sealed, PIN, "Hưng Yên 2026", failed_attempts=0)
    assert keys.unlock_user_key(resealed, "Hưng Yên 2026", failed_attempts=0).failed_attempts == 0
    with pytest.raises(WrongPin):
        keys.unlock_user_key(resealed, PIN, failed_attempts=0)
    with pytest.raises(WrongPin):
        keys.change_pin(sealed, "864209", "753197", failed_attempts=0)


def test_a_damaged_or_foreign_envelope_is_reported(sealed, pki):
    with pytest.raises(KeyStoreInvalid) as caught:
        keys.unlock_user_key(b"-----BEGIN PRIVATE KEY-----", PIN, failed_attempts=0)
    assert caught.value.code == "signature.key_store_invalid"
    with pytest.raises(KeyStoreInvalid) as caught:                 # a CA key is not a user key
        keys.unlock_user_key(pki.issuing.sealed_key, PIN, failed_attempts=0)
    assert caught.value.params["reason"] == "wrong_purpose"


def test_a_weakened_cost_in_a_stored_row_is_refused_or_detected(sealed):
    document = json.loads(sealed)
    too_cheap = json.dumps({**document, "n": 2**10}).encode()
    with pytest.raises(KeyStoreInvalid):
        keys.unlock_user_key(too_cheap, PIN, failed_attempts=0)
    # Within the allowed range, another cost derives another key: the right PIN no longer opens it.
    tampered = json.dumps({**document, "n": 2**16}).encode()
    with pytest.raises(WrongPin):
        keys.unlock_user_key(tampered, PIN, failed_attempts=0)


def test_relabelling_a_ca_key_as_a_user_key_breaks_it(pki):
    # The purpose is authenticated data: a CA key renamed "user key" does not open, even with the
    # CA passphrase, so a database edit cannot turn the CA key into somebody's signing key.
    document = json.loads(pki.issuing.sealed_key)
    relabelled = json.dumps({**document, "purpose": keys.USER_KEY_PURPOSE}).encode()
    with pytest.raises(WrongPin):
        keys.unlock_user_key(relabelled, CA_PASSPHRASE, failed_attempts=0)


def test_only_2048_or_3072_bit_user_keys():
    with pytest.raises(KeyUnsupported):
        keys.generate_user_key(1024)
    assert keys.generate_user_key(3072).key_size == 3072


def test_envelope_round_trip_is_bound_to_its_purpose():
    sealed_bytes = sealing.seal(b"secret", "mật khẩu", purpose="a")
    assert sealing.unseal(sealed_bytes, "mật khẩu", purpose="a") == b"secret"
    assert sealing.unseal(sealed_bytes, "mat khau", purpose="a") is None
