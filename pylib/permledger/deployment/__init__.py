"""Deploying a permledger system to any EVM node: a declarative plan, a manifest, resumable.

- `plan`: the ordered steps (deploy an implementation, a proxy with its initializer call,
  grant a role, ...) that each layer of the system contributes;
- `config`: networks and who receives each role, read from a TOML file;
- `manifest`: what has been deployed, written atomically after every step;
- `keys`: the deployer's key, from the environment or an encrypted keystore;
- `executor`: runs the steps a manifest does not record yet, resuming after any interruption.
"""
