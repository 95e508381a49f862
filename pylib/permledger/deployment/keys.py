"""The deployer's key: from the environment or an encrypted keystore, never from the command line.

`PERMLEDGER_DEPLOYER_KEY` holds a hex private key; otherwise a keystore file (eth-account's
encrypted JSON, from `--keystore` or `PERMLEDGER_DEPLOYER_KEYSTORE`) is decrypted with the
password in `PERMLEDGER_DEPLOYER_PASSWORD` or typed at a prompt. Error messages name the source,
never the key or the password.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from eth_account import Account as EthAccount

from permledger.chain import Account
from permledger.errors import KeyUnavailable

KEY_VARIABLE = "PERMLEDGER_DEPLOYER_KEY"
KEYSTORE_VARIABLE = "PERMLEDGER_DEPLOYER_KEYSTORE"
PASSWORD_VARIABLE = "PERMLEDGER_DEPLOYER_PASSWORD"  # noqa: S105  (a variable name, not a password)


def load_deployer(
    environ: Mapping[str, str],
    *,
    keystore: Path | None = None,
    prompt: Callable[[str], str] | None = None,
) -> Account:
    """The deployer account from `environ` (or the keystore given).

    `prompt` asks for a keystore password when the environment has none; by default a
    terminal prompt, and none when standard input is not a terminal.

    Raises:
        KeyUnavailable: no key, two sources at once, a malformed key, an unreadable keystore
            or a wrong password.
    """
    key_text = environ.get(KEY_VARIABLE, "").strip()
    store = keystore or (
        Path(environ[KEYSTORE_VARIABLE]) if environ.get(KEYSTORE_VARIABLE) else None
    )
    if key_text and store:
        raise KeyUnavailable(f"both {KEY_VARIABLE} and a keystore are given: use one")
    if key_text:
        return _from_hex(key_text)
    if store:
        return _from_keystore(store, environ, prompt)
    raise KeyUnavailable(
        f"no deployer key: set {KEY_VARIABLE}, or give a keystore (--keystore or "
        f"{KEYSTORE_VARIABLE}) with its password in {PASSWORD_VARIABLE} or at the prompt"
    )


def _from_hex(text: str) -> Account:
    body = text.removeprefix("0x")
    try:
        key = bytes.fromhex(body)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise KeyUnavailable(f"{KEY_VARIABLE} is not a 32-byte hex private key")
    return _account(key, KEY_VARIABLE)


def _from_keystore(
    path: Path, environ: Mapping[str, str], prompt: Callable[[str], str] | None
) -> Account:
    try:
        encrypted = json.loads(path.read_text())
    except OSError as error:
        raise KeyUnavailable(f"cannot read keystore {path}: {error.strerror}") from None
    except ValueError:
        raise KeyUnavailable(f"keystore {path} is not JSON") from None
    password = environ.get(PASSWORD_VARIABLE)
    if password is None:
        if prompt is None and not sys.stdin.isatty():
            raise KeyUnavailable(
                f"keystore {path} needs a password: set {PASSWORD_VARIABLE} (no terminal to ask)"
            )
        password = (prompt or getpass.getpass)(f"password for keystore {path}: ")
    try:
        key = bytes(EthAccount.decrypt(encrypted, password))
    except (ValueError, KeyError, TypeError):
        raise KeyUnavailable(
            f"cannot decrypt keystore {path}: wrong password or not a keystore"
        ) from None
    return _account(key, str(path))


def _account(key: bytes, source: str) -> Account:
    try:
        local = EthAccount.from_key(key)
    except (ValueError, TypeError):
        raise KeyUnavailable(f"{source} does not hold a valid secp256k1 private key") from None
    return Account("deployer", local.address, key)
