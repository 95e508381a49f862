"""Driver for PermledgerAuthority, the one authority of a deployment."""

from __future__ import annotations

from eth_typing import ChecksumAddress

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

    def default_admin(self) -> ChecksumAddress:
        """The account that holds the default admin role."""
        return address(self._call("defaultAdmin"))

    def pending_default_admin(self) -> tuple[ChecksumAddress, int]:
        """The admin a transfer is under way to and when it may accept (zero address: none)."""
        new_admin, schedule = self._call("pendingDefaultAdmin")
        return address(new_admin), int(schedule)

    def default_admin_delay(self) -> int:
        """Seconds an admin transfer waits between its start and its acceptance."""
        return int(self._call("defaultAdminDelay"))

    def begin_default_admin_transfer(
        self, new_admin: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Start the two-step transfer of the default admin role (the default admin only).

        Raises:
            AccessControlUnauthorizedAccount: the sender is not the default admin.
        """
        return self._send("beginDefaultAdminTransfer", address(new_admin), sender=sender)

    def accept_default_admin_transfer(self, *, sender: Account | None = None) -> Receipt:
        """Accept a pending admin transfer (the new admin, once the delay has passed).

        Raises:
            AccessControlInvalidDefaultAdmin: the sender is not the pending admin.
            AccessControlEnforcedDefaultAdminDelay: the delay has not passed.
        """
        return self._send("acceptDefaultAdminTransfer", sender=sender)

    def role_holders(self, *, from_block: int = 0) -> dict[bytes, list[ChecksumAddress]]:
        """Who holds each role now (a `Role` where known), replayed from RoleGranted/RoleRevoked.

        AccessControl keeps no list of holders; `from_block` should be the authority's
        deployment block (the manifest records it) so the scan starts there.
        """
        logs = self.chain.get_logs(address=self.address, from_block=from_block)
        holders: dict[bytes, list[ChecksumAddress]] = {}
        for log in sorted(logs, key=lambda entry: (entry.block_number, entry.log_index)):
            for granted, name in ((True, "RoleGranted"), (False, "RoleRevoked")):
                for event in self.binding.events(name, [log]):
                    raw = bytes(event["role"])
                    role = Role(raw) if raw in _KNOWN_ROLES else raw
                    members = holders.setdefault(role, [])
                    if granted and event["account"] not in members:
                        members.append(event["account"])
                    elif not granted and event["account"] in members:
                        members.remove(event["account"])
        return {role: members for role, members in holders.items() if members}


_KNOWN_ROLES = frozenset(role.value for role in Role)
