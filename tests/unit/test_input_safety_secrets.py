"""No secret from a user's file ever appears in a usage error, however the file is broken."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from hacert.errors import ConfigurationError
from hacert.inventory import load_inventory

# Words that must never be shown: each is only ever written as (part of) a secret.
CANARY = ("Kanary1word", "Kanary2word", "Kanary3word")
SECRET = " ".join(CANARY)

NATIVE_SECRETS = [
    "password: '@S@'",
    "password: ['@S@']",
    "password: {value: '@S@'}",
    "key_passphrase: '@S@'",
    "become_password: '@S@'",
    "api_token: '@S@'",
]
NATIVE_BREAKAGES = [
    "{name: a, @SECRET@}",  # no address
    "{name: a, address: 'bad address', @SECRET@}",
    "{name: a, address: x, port: true, @SECRET@}",
    "{name: 'a b', address: x, @SECRET@}",
    "{name: a, address: x, roles: [corosink], @SECRET@}",
    "{name: a, address: x, @SECRET@, unknown: 1}",
    "{name: a, address: x, @SECRET@}, {name: a, address: y, @SECRET@}",
    "{@SECRET@}",
    "[@SECRET@]",
]
NATIVE_PLACES = [
    "clusters: [{name: c, hosts: [@HOST@]}]\n",
    "defaults: {@SECRET@}\nclusters: [{name: c, hosts: [@HOST@]}]\n",
    "clusters: [{name: c, connection: {@SECRET@}, hosts: [@HOST@]}]\n",
    "clusters: [{name: c, environment: prod, connection: {@SECRET@}, hosts: [@HOST@]}]\n",
]

ANSIBLE_SECRET_VARS = [
    "ansible_password",
    "ansible_ssh_pass",
    "ansible_become_password",
    "ansible_become_pass",
    "ansible_ssh_private_key_passphrase",
    "vault_token",
]
INI_BREAKAGES = [
    "[corosync]\nha1 ansible_host=x @VAR@=@S@\n",  # unquoted: spaces split the secret
    "[corosync]\nha1 ansible_host='bad address' @VAR@='@S@'\n",
    "[corosync]\nha1 ansible_port=true @VAR@='@S@'\n",
    "[corosync]\nha1 ansible_host=x @VAR@='@S@\n",  # unclosed quote
    "[corosync]\nha1 @VAR@=@S@ ansible_host\n",
    "[corosync:vars]\n@VAR@=@S@\n[corosync]\nha1 ansible_host=x ansible_port=0\n",
    "[corosync]\nha1 ansible_host=x\n[corosync:vars]\n@VAR@=@S@\nansible_port=x\n",
    "[corosync\nha1 @VAR@=@S@\n",
    "[corosync:vars]\n@VAR@: @S@\n[corosync]\nha1\n",  # YAML habits in an INI file
    "[corosync]\nha1 @VAR@:@S@\n",
    "[corosync @VAR@=@S@\n",
]
YAML_BREAKAGES = [
    "all:\n  hosts:\n    ha1: {ansible_host: 'bad address', @VAR@: '@S@'}\n",
    "all:\n  hosts:\n    ha1: {ansible_port: [1], @VAR@: '@S@'}\n",
    "all:\n  vars: {@VAR@: '@S@'}\n  hosts: [ha1]\n",
    "all:\n  vars: {@VAR@: ['@S@']}\n  hosts: {ha1: {ansible_host: x}}\n",
    "all:\n  hosts:\n    ha1:\n      @VAR@: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        @S@\n",
    "all:\n  hosts:\n    ha1: {@VAR@: '@S@', ansible_host: x, hacert_environment: prod}\n",
]


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    return template


def _cases() -> list[tuple[str, str]]:
    cases = [
        ("inv.yaml", _fill(place, HOST=_fill(breakage, SECRET=secret), SECRET=secret, S=SECRET))
        for place, breakage, secret in itertools.product(
            NATIVE_PLACES, NATIVE_BREAKAGES, NATIVE_SECRETS
        )
    ]
    for name, breakages in (("hosts.ini", INI_BREAKAGES), ("site.yml", YAML_BREAKAGES)):
        for var, text in itertools.product(ANSIBLE_SECRET_VARS, breakages):
            cases.append((name, _fill(text, VAR=var, S=SECRET)))
    return cases


CASES = _cases()


def test_there_are_many_cases() -> None:
    assert len(CASES) > 250


def test_no_usage_error_shows_a_secret(tmp_path: Path) -> None:
    leaks: list[str] = []
    refused = 0
    for index, (name, text) in enumerate(CASES):
        path = tmp_path / f"{index}-{name}"
        path.write_text(text)
        try:
            load_inventory(path, check_files=False)
        except ConfigurationError as error:
            refused += 1
            if any(word in str(error) for word in CANARY):
                leaks.append(f"{text!r} -> {error}")
    assert not leaks, f"{len(leaks)} leaks, e.g.:\n" + "\n".join(leaks[:5])
    assert refused > len(CASES) * 0.9


@pytest.mark.parametrize(
    "text",
    [
        "clusters: [{name: c, hosts: [{name: a, password: Kanary1word}]}]\n",
        "[corosync]\nha1 ansible_host=x ansible_password=Kanary1word Kanary2word\n",
    ],
    ids=["host-without-address", "ini-unquoted-password"],
)
def test_the_two_reported_leaks(tmp_path: Path, text: str) -> None:
    path = tmp_path / ("hosts.ini" if text.startswith("[") else "inv.yaml")
    path.write_text(text)
    with pytest.raises(ConfigurationError) as caught:
        load_inventory(path, check_files=False)
    assert "Kanary" not in str(caught.value)
