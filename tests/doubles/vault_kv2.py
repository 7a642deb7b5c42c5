# Copyright: mcpfleet.mcp contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HashiCorp Vault test double: token auth and KV version 2 reads, as hvac 2.x and
community.hashi_vault (vault_kv2_get module and lookup) call them. No real Vault can run here.

    python3 vault_kv2.py --listen 127.0.0.1:8200 --secrets secrets.json
    VAULT_DOUBLE_SECRETS='{...}' python3 vault_kv2.py --listen 127.0.0.1:8200

Needs _http_double.py next to it. Secrets file (re-read when it changes and on SIGHUP):
  {"tokens": {"<token>": {"name"?: "for the log", "policies": ["default", ...],
                          "allow": ["secret/data/mcp/*", ...]}},   # optional fnmatch patterns
                                                                      # of API paths; default all
   "mounts": {"<kv v2 mount>": {"<secret path>": {
       "versions": [{"data": {...}, "created_time"?: "...", "deletion_time"?: "...",
                     "destroyed"?: bool}, ...],                       # version N = item N-1
       "custom_metadata"?: {...}}}}}

Routes (the client token comes in X-Vault-Token, or Authorization: Bearer):
  GET /v1/sys/health                      200, unauthenticated
  GET|POST /v1/auth/token/lookup-self     200 token data | 403       (token_validate: true)
  GET /v1/<mount>/data/<path>[?version=N] 200 secret | 403 | 404 {"errors": []} (missing path
                                          or version) | 404 with metadata and data null (deleted
                                          or destroyed version, as Vault answers it)
A bad or missing token, or a path outside the token's "allow", is 403 {"errors": ["permission denied"]}.
"""

import fnmatch
import re
import uuid

from _http_double import DoubleHandler, main

SECRETS_ENV = "VAULT_DOUBLE_SECRETS"
# Fixed so that responses are reproducible; Vault sends RFC 3339 UTC with nanoseconds.
CREATED = "2024-01-01T00:00:00.000000000Z"
VAULT_VERSION = "1.17.6"
PERMISSION_DENIED = {"errors": ["permission denied"]}
DATA_RE = re.compile(r"^/v1/([^/]+)/data/(.+)$")


def validate_secrets(data):
    """Fail at start (or keep the previous file on reload) when the secrets file is malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), dict) or not isinstance(data.get("mounts"), dict):
        raise ValueError('secrets: expected {"tokens": {...}, "mounts": {...}}')
    for mount in data["mounts"].values():
        for secret in mount.values():
            versions = secret.get("versions") if isinstance(secret, dict) else None
            if not isinstance(versions, list) or not all(isinstance(v, dict) and isinstance(v.get("data"), dict) for v in versions):
                raise ValueError('secrets: every secret needs "versions": [{"data": {...}}, ...]')
    return data


def envelope(data, mount_type):
    """The response envelope every Vault logical request gets."""
    return {
        "request_id": str(uuid.uuid4()),
        "lease_id": "",
        "renewable": False,
        "lease_duration": 0,
        "data": data,
        "wrap_info": None,
        "warnings": None,
        "auth": None,
        "mount_type": mount_type,
    }


class VaultHandler(DoubleHandler):
    """Routes of the Vault KV v2 double."""

    def _token(self):
        """(token, entry) for the request's credentials, entry None when unknown."""
        token = self.headers.get("X-Vault-Token", "").strip()
        if not token:
            scheme, value = self.headers.get("Authorization", "").partition(" ")[::2]
            token = value.strip() if scheme.lower() == "bearer" else ""
        entry = self.server.source.get()["tokens"].get(token) if token else None
        if token:
            self.identity = "token:%s" % entry.get("name", "valid") if entry is not None else "invalid"
        return token, entry

    def route(self, method, path, query):
        # Vault answers with this on every response; hvac ignores it.
        headers = {"Cache-Control": "no-store"}
        if path == "/v1/sys/health" and method in ("GET", "HEAD"):
            return 200, {
                "initialized": True, "sealed": False, "standby": False, "performance_standby": False,
                "replication_performance_mode": "disabled", "replication_dr_mode": "disabled",
                "server_time_utc": 1704067200, "version": VAULT_VERSION, "cluster_name": "vault-double",
                "cluster_id": "00000000-0000-0000-0000-000000000000", "enterprise": False,
            }, headers
        if not path.startswith("/v1/"):
            return 404, None, headers
        token, entry = self._token()
        if entry is None:
            return 403, PERMISSION_DENIED, headers
        if path == "/v1/auth/token/lookup-self" and method in ("GET", "POST"):
            # Vault's default policy lets every token look itself up.
            return 200, envelope(self._lookup_self(token, entry), "token"), headers
        api_path = path[len("/v1/"):]
        if not any(fnmatch.fnmatchcase(api_path, pattern) for pattern in entry.get("allow", ["*"])):
            return 403, PERMISSION_DENIED, headers
        match = DATA_RE.match(path)
        mount = self.server.source.get()["mounts"].get(match.group(1)) if match else None
        if mount is None:
            return 404, {"errors": ['no handler for route "%s". route entry not found.' % api_path]}, headers
        if method != "GET":
            return 405, {"errors": ["1 error occurred:\n\t* unsupported operation\n\n"]}, headers
        return self._read(mount, match.group(2), query, headers)

    @staticmethod
    def _lookup_self(token, entry):
        """auth/token/lookup-self data for a never-expiring service token (like a root token)."""
        return {
            "accessor": str(uuid.uuid5(uuid.NAMESPACE_OID, token)), "creation_time": 1704067200, "creation_ttl": 0,
            "display_name": "token", "entity_id": "", "expire_time": None, "explicit_max_ttl": 0,
            "id": token, "issue_time": "2024-01-01T00:00:00Z", "meta": None, "num_uses": 0,
            "orphan": True, "path": "auth/token/create", "policies": list(entry.get("policies", ["default"])),
            "renewable": False, "ttl": 0, "type": "service",
        }

    @staticmethod
    def _read(mount, secret_path, query, headers):
        secret = mount.get(secret_path.rstrip("/"))
        if secret is None or not secret["versions"]:
            return 404, {"errors": []}, headers
        versions = secret["versions"]
        try:
            number = int(query.get("version", ["0"])[0] or 0)
        except ValueError:
            return 400, {"errors": ["invalid version"]}, headers
        number = number or len(versions)
        if not 1 <= number <= len(versions):
            return 404, {"errors": []}, headers
        version = versions[number - 1]
        metadata = {
            "created_time": version.get("created_time", CREATED),
            "custom_metadata": secret.get("custom_metadata"),
            "deletion_time": version.get("deletion_time", ""),
            "destroyed": bool(version.get("destroyed", False)),
            "version": number,
        }
        if metadata["deletion_time"] or metadata["destroyed"]:
            # Vault keeps the metadata and answers 404 with data null for these.
            return 404, envelope({"data": None, "metadata": metadata}, "kv"), headers
        return 200, envelope({"data": version["data"], "metadata": metadata}, "kv"), headers


if __name__ == "__main__":
    main(VaultHandler, "HashiCorp Vault KV v2 test double", "--secrets", SECRETS_ENV, validate_secrets)
