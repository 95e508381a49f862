"""Driver for PermledgerAuthority, the one authority of a deployment."""

from __future__ import annotations

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address
from permledger.types import Role


class PermledgerAuthority(Driver):
    """Grants, revokes and answers roles for every contract of a deployment."""

    CONTRACT = "PermledgerAuthority"

    def has_role(self, role: Role, account: AddressLike) -> bool:
        """Whether `account` holds `role`."""
        return bool(self._call("hasRole", role.value, address(account)))

    def grant_role(
        self, role: Role, account: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Grant `role` to `account` (the default admin only).

        Raises:
            AccessControlUnauthorizedAccount: the sender is not the default admin.
        """
        return self._send("grantRole", role.value, address(account), sender=sender)

    def revoke_role(
        self, role: Role, account: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Revoke `role` from `account` (the default admin only).

        Raises:
            AccessControlUnauthorizedAccount: the sender is not the default admin.
        """
        return self._send("revokeRole", role.value, address(account), sender=sender)
