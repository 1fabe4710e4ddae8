"""PIN rules and the wrong-PIN lockout, as pure functions of a counter the engine stores.

The engine keeps ``failed_attempts`` per key in its own row and must commit the new value even
when the step that asked for the PIN rolls back, otherwise a clerk could retry forever. Nothing
here has state: each function takes the stored counter and says what to store next.

Lockout is checked *before* the key is decrypted, so once locked the right PIN no longer helps
and an online attacker gets exactly ``max_attempts`` guesses. It does not protect a stolen
database (offline guessing); that is what the scrypt cost in :mod:`signatures.sealing` is for.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from signatures.errors import PinLocked, PinTooWeak, WrongPin

DIGITS = "0123456789"


@dataclass(frozen=True)
class PinPolicy:
    """How long a PIN must be and how many wrong tries lock the key (5, as the issue asks)."""

    max_attempts: int = 5
    min_length: int = 6
    max_length: int = 64

    def check_new_pin(self, pin: str) -> None:
        """Refuse a PIN that is too short, too long or trivially guessable.

        :raises PinTooWeak: with ``reason`` one of ``too_short``, ``too_long``, ``repeated``,
            ``sequence`` and the policy's ``min_length``.
        """
        pin = unicodedata.normalize("NFC", pin)
        reason = None
        if len(pin) < self.min_length:
            reason = "too_short"
        elif len(pin) > self.max_length:
            reason = "too_long"
        elif len(set(pin)) == 1:
            reason = "repeated"
        elif pin in DIGITS or pin in DIGITS[::-1]:
            reason = "sequence"
        if reason:
            raise PinTooWeak(reason=reason, min_length=self.min_length)

    def could_be_a_pin(self, pin: str) -> bool:
        """Whether ``pin`` has a PIN's length at all: one that cannot be right is refused without
        counting a wrong try (a stray keystroke does not bring the key closer to locking)."""
        return self.min_length <= len(unicodedata.normalize("NFC", pin or "")) <= self.max_length

    def is_locked(self, failed_attempts: int) -> bool:
        """Say whether a key with this stored counter refuses every PIN."""
        return failed_attempts >= self.max_attempts

    def ensure_can_try(self, failed_attempts: int) -> None:
        """Raise :class:`PinLocked` (counter unchanged) if no further try is allowed."""
        if self.is_locked(failed_attempts):
            raise PinLocked(failed_attempts=failed_attempts, max_attempts=self.max_attempts)

    def after_failure(self, failed_attempts: int) -> WrongPin:
        """Return the error to raise for one more wrong PIN; its ``params`` hold the new counter.

        The try that reaches ``max_attempts`` returns :class:`PinLocked`, so the clerk learns at once
        that the key is now locked rather than on the next try.
        """
        counter = min(failed_attempts + 1, self.max_attempts)
        if self.is_locked(counter):
            return PinLocked(failed_attempts=counter, max_attempts=self.max_attempts)
        return WrongPin(failed_attempts=counter, remaining=self.max_attempts - counter,
                        max_attempts=self.max_attempts)

    @staticmethod
    def after_success() -> int:
        """Return the counter to store after the right PIN: zero."""
        return 0
