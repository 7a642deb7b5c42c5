"""The Vault KV v2 double answers hvac and community.hashi_vault like Vault does."""

import json
import os
import subprocess
import sys

import hvac
import pytest
from hvac import exceptions

from vault_kv2 import VaultHandler, validate_secrets

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ANSIBLE = os.path.join(os.path.dirname(sys.executable), "ansible")
# Made-up tokens in Vault's service token shape, and made-up Sentry tokens as the secrets.
FLEET = "hvs.double0fleet0reader0000000"
NARROW = "hvs.double0narrow0reader000000"
UNKNOWN = "hvs.double0unknown00000000000"
ALICE_V1 = "sntryu_" + "0" * 60 + "a11c"
ALICE_V2 = "sntryu_" + "0" * 60 + "a12c"
BOB = "sntryu_" + "0" * 61 + "b0b"


def secrets():
    return {
        "tokens": {
            FLEET: {"name": "fleet", "policies": ["default", "mcp-read"]},
            NARROW: {"name": "narrow", "policies": ["default", "bob"], "allow": ["secret/data/mcp/bob"]},
        },
        "mounts": {
            "secret": {
                "mcp/alice": {
                    "versions": [{"data": {"token": ALICE_V1}, "created_time": "2024-01-01T00:00:00.000000000Z"},
                                 {"data": {"token": ALICE_V2}, "created_time": "2024-02-01T00:00:00.000000000Z"}],
                    "custom_metadata": {"owner": "alice"},
                },
                "mcp/bob": {"versions": [{"data": {"token": BOB}}, {"data": {}, "deletion_time": "2024-03-01T00:00:00.000000000Z"}]},
            },
        },
    }


@pytest.fixture
def vault(start_double):
    return start_double(VaultHandler, secrets(), validate_secrets)[0]


def read(vault, path, token=FLEET, version=None, mount="secret"):
    client = hvac.Client(url=vault.url, token=token)
    return client.secrets.kv.v2.read_secret_version(path, version=version, mount_point=mount, raise_on_deleted_version=True)


def test_read_latest_version_in_vaults_shape(vault):
    raw = read(vault, "mcp/alice")
    assert sorted(raw) == ["auth", "data", "lease_duration", "lease_id", "mount_type", "renewable", "request_id", "warnings", "wrap_info"]
    assert (raw["lease_id"], raw["renewable"], raw["lease_duration"], raw["wrap_info"], raw["warnings"], raw["auth"]) == ("", False, 0, None, None, None)
    assert raw["data"] == {
        "data": {"token": ALICE_V2},
        "metadata": {"created_time": "2024-02-01T00:00:00.000000000Z", "custom_metadata": {"owner": "alice"},
                     "deletion_time": "", "destroyed": False, "version": 2},
    }


def test_read_a_given_version(vault):
    data = read(vault, "mcp/alice", version=1)["data"]
    assert (data["data"], data["metadata"]["version"]) == ({"token": ALICE_V1}, 1)


@pytest.mark.parametrize("path, version", [("mcp/carol", None), ("mcp/alice", 3)])
def test_missing_secret_or_version_is_invalid_path(vault, path, version):
    with pytest.raises(exceptions.InvalidPath) as err:
        read(vault, path, version=version)
    assert err.value.json == {"errors": []}


def test_deleted_version_keeps_its_metadata(vault):
    with pytest.raises(exceptions.InvalidPath):
        read(vault, "mcp/bob")
    client = hvac.Client(url=vault.url, token=FLEET)
    raw = client.secrets.kv.v2.read_secret_version("mcp/bob", mount_point="secret", raise_on_deleted_version=False)
    assert raw["data"]["data"] is None
    assert raw["data"]["metadata"]["deletion_time"] == "2024-03-01T00:00:00.000000000Z"
    assert read(vault, "mcp/bob", version=1)["data"]["data"] == {"token": BOB}


@pytest.mark.parametrize("token, path", [(UNKNOWN, "mcp/alice"), (None, "mcp/alice"), (NARROW, "mcp/alice")])
def test_bad_token_or_path_outside_the_policy_is_forbidden(vault, token, path):
    with pytest.raises(exceptions.Forbidden) as err:
        read(vault, path, token=token)
    assert err.value.json == {"errors": ["permission denied"]}


def test_token_limited_to_one_path_reads_it(vault):
    assert read(vault, "mcp/bob", token=NARROW, version=1)["data"]["data"] == {"token": BOB}


def test_unknown_mount_has_no_route(vault):
    with pytest.raises(exceptions.InvalidPath) as err:
        read(vault, "mcp/alice", mount="kv")
    assert err.value.json == {"errors": ['no handler for route "kv/data/mcp/alice". route entry not found.']}


def test_lookup_self_and_health(vault):
    assert hvac.Client(url=vault.url, token=NARROW).is_authenticated()
    assert not hvac.Client(url=vault.url, token=UNKNOWN).is_authenticated()
    data = hvac.Client(url=vault.url, token=NARROW).auth.token.lookup_self()["data"]
    assert (data["policies"], data["type"], data["ttl"]) == (["default", "bob"], "service", 0)
    health = hvac.Client(url=vault.url).sys.read_health_status(method="GET")
    assert (health["initialized"], health["sealed"]) == (True, False)


def test_rotated_secret_is_seen_without_a_restart(vault, http):
    data = secrets()
    data["mounts"]["secret"]["mcp/alice"]["versions"].append({"data": {"token": BOB}})
    path = vault.source.path
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(path + ".tmp", path)
    assert read(vault, "mcp/alice")["data"]["metadata"]["version"] == 3
    log = http(vault.url + "/_double/requests")[2]
    assert [entry["auth"] for entry in log] == ["token:fleet"]
    assert FLEET not in json.dumps(log)


def test_malformed_secrets_are_refused():
    with pytest.raises(ValueError, match="versions"):
        validate_secrets({"tokens": {}, "mounts": {"secret": {"a": {"data": {}}}}})


def ansible(tmp_path, vault, module_args, token, *extra):
    """Run an ad-hoc command on localhost; the token travels in a vars file, never in argv."""
    vars_file = tmp_path / "vars.json"
    vars_file.write_text(json.dumps({"vault_token": token, "vault_url": vault.url, "ansible_python_interpreter": sys.executable}))
    vars_file.chmod(0o600)
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
               ANSIBLE_REMOTE_TMP=str(tmp_path / "remote-tmp"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    return subprocess.run(
        [ANSIBLE, "localhost", "-i", "localhost,", "-c", "local", "-e", "@%s" % vars_file, *extra, "-a", module_args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


KV2_GET = ("-m", "community.hashi_vault.vault_kv2_get")
KV2_ARGS = "url={{ vault_url }} auth_method=token token={{ vault_token }} engine_mount_point=secret path=mcp/alice"


def test_ansible_vault_kv2_get_module_reads_the_secret_and_hides_the_token(tmp_path, vault):
    result = ansible(tmp_path, vault, KV2_ARGS + " token_validate=true", FLEET, *KV2_GET, "-vvv")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"secret": {\n        "token": "%s"' % ALICE_V2 in result.stdout
    assert FLEET not in result.stdout + result.stderr
    # token_validate makes the collection look the token up first.
    assert [(e["path"], e["status"]) for e in vault.snapshot()] == [("/v1/auth/token/lookup-self", 200), ("/v1/secret/data/mcp/alice", 200)]


def test_ansible_vault_kv2_get_module_fails_on_a_bad_token(tmp_path, vault):
    result = ansible(tmp_path, vault, KV2_ARGS, UNKNOWN, *KV2_GET, "-vvv")
    assert result.returncode == 2
    assert "Forbidden: Permission Denied to path ['mcp/alice']." in result.stdout
    assert UNKNOWN not in result.stdout + result.stderr


def test_ansible_vault_kv2_get_lookup_reads_on_the_controller(tmp_path, vault):
    lookup = ("msg={{ lookup('community.hashi_vault.vault_kv2_get', 'mcp/alice', url=vault_url, auth_method='token',"
              " token=vault_token, engine_mount_point='secret', version=1).secret.token == '%s' }}" % ALICE_V1)
    result = ansible(tmp_path, vault, lookup, FLEET, "-m", "ansible.builtin.debug")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"msg": true' in result.stdout
    assert [(e["path"], e["query"]) for e in vault.snapshot()] == [("/v1/secret/data/mcp/alice", "version=1")]
