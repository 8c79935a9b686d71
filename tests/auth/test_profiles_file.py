"""Named profiles: the TOML file, its checks, and where a profile sits in the login chain."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import expertfile_nb as ef
from expertfile_nb.cli.main import main
from fake_server import FakeExpertFile


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def profile_of(server: FakeExpertFile, name: str = "main") -> str:
    return (
        f'[profiles.{name}]\nbase_url = "{server.url}"\nclient_id = "{server.client_id}"\n'
        f'client_secret = "{server.client_secret}"\n'
    )


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("EXPERTFILE_CONFIG", str(path))
    return path


def test_default_file_is_in_the_user_config_folder(
    clean_environ: Path, expertfile_server: FakeExpertFile
) -> None:
    folder = clean_environ / ".config" / "expertfile-nb"
    folder.mkdir(parents=True)
    write(folder / "config.toml", profile_of(expertfile_server))
    assert ef.Client(profile="main").login().org_id == expertfile_server.org_id


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_secret_others_can_read_is_refused(
    config: Path, expertfile_server: FakeExpertFile, mode: int
) -> None:
    write(config, profile_of(expertfile_server), mode)
    with pytest.raises(ef.ProfileError) as caught:
        ef.Client(profile="main")
    message = str(caught.value)
    assert str(config) in message and f"chmod 600 {config}" in message
    assert expertfile_server.client_secret not in message
    assert expertfile_server.token_requests == 0


def test_a_file_without_secrets_may_be_readable(config: Path) -> None:
    write(config, '[profiles.prod]\nbase_url = "https://api.example.org"\n', 0o644)
    client = ef.Client(profile="prod")
    assert client.status().profile == "prod"


def test_unknown_profile_lists_those_available(config: Path) -> None:
    write(config, '[profiles.prod]\nclient_id = "a"\nclient_secret = "b"\n[profiles.staging]\n')
    with pytest.raises(ef.ProfileError, match=r"No profile 'dev' in .*prod, staging"):
        ef.Client(profile="dev")


def test_malformed_toml_names_the_file_and_the_line(config: Path) -> None:
    write(config, '[profiles.prod]\nclient_id = "a"\nclient_secret = b"\n')
    with pytest.raises(ef.ProfileError) as caught:
        ef.Client(profile="prod")
    assert str(config) in str(caught.value) and "line 3" in str(caught.value)


def test_missing_file_says_where_it_was_looked_for(config: Path) -> None:
    with pytest.raises(ef.ProfileError, match="No profiles file at") as caught:
        ef.Client(profile="prod")
    assert str(config) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[profiles.p]\nclient-secret = "x"\n', "unknown key"),
        ("[profiles.p]\nclient_id = 12\n", "string"),
        ('[profiles.p]\nclient_id = "only"\n', "no client_secret"),
        ('profiles = "x"\n', "must hold tables"),
    ],
)
def test_bad_profiles_are_typed_errors(config: Path, text: str, needle: str) -> None:
    write(config, text)
    with pytest.raises(ef.ProfileError, match=needle):
        ef.Client(profile="p")


def test_profile_secret_never_in_repr(config: Path) -> None:
    write(config, '[profiles.p]\nclient_id = "an-id"\nclient_secret = "hush-hush-1234"\n')
    from expertfile_nb._auth.profiles import load_profile

    assert "hush-hush-1234" not in repr(load_profile("p"))
    assert "hush-hush-1234" not in repr(ef.Client(profile="p"))


def test_expertfile_profile_logs_the_default_in(
    config: Path, expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(config, profile_of(expertfile_server, "work"))
    monkeypatch.setenv("EXPERTFILE_PROFILE", "work")
    ready = ef.status()
    assert not ready.logged_in and ready.profile == "work" and ready.ready is not None
    assert ef.login().org_id == expertfile_server.org_id
    state = ef.status()
    assert state.profile == "work" and "profile 'work'" in (state.source or "")
    assert "profile:   work" in str(state)


def test_the_environment_pair_beats_expertfile_profile(
    config: Path, expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    expertfile_server.add_client("other", "other-secret", 99)
    write(config, profile_of(expertfile_server, "work"))  # org 4242
    monkeypatch.setenv("EXPERTFILE_PROFILE", "work")
    monkeypatch.setenv("EXPERTFILE_BASE_URL", expertfile_server.url)
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", "other")
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", "other-secret")
    assert ef.login().org_id == 99
    # a profile named on purpose beats the pair
    assert ef.Client(profile="work").login().org_id == expertfile_server.org_id


def test_cli_profile_on_every_command(
    config: Path,
    expertfile_server: FakeExpertFile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(config, profile_of(expertfile_server, "work"))
    assert main(["status", "--profile", "work"]) == 0
    out = capsys.readouterr().out
    assert "Profile: work" in out and expertfile_server.url in out
    assert main(["--profile", "work", "login"]) == 0
    out = capsys.readouterr().out
    assert f"organization {expertfile_server.org_id}" in out and "profile 'work'" in out
    assert main(["login", "--profile", "nope"]) == 1
    assert "No profile 'nope'" in capsys.readouterr().err
    from expertfile_nb.cli.main import build_parser

    parser = build_parser("expertfile-nb")
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name, command in commands.items():
        assert any("--profile" in a.option_strings for a in command._actions), name


def test_cli_profile_in_a_shell(config: Path, expertfile_server: FakeExpertFile) -> None:
    write(config, profile_of(expertfile_server, "work"))
    ran = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "status", "--profile", "work"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert "Profile: work" in ran.stdout
    assert expertfile_server.client_secret not in ran.stdout + ran.stderr


def test_status_card_when_not_logged_in_says_what_to_do() -> None:
    card = ef.status()._repr_html_()
    assert "border" in card and "not logged in" in card
    assert "ef.login(client_id, client_secret)" in card and "EXPERTFILE_CLIENT_ID" in card


def test_the_secret_from_a_keyring_backend(
    config: Path,
    expertfile_server: FakeExpertFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a stand-in for the optional `keyring` package: its one documented call
    secrets = {("expertfile-nb", expertfile_server.client_id): expertfile_server.client_secret}
    keyring = types.ModuleType("keyring")
    keyring.get_password = lambda service, user: secrets.get((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    write(
        config,
        f'[profiles.k]\nbase_url = "{expertfile_server.url}"\n'
        f'client_id = "{expertfile_server.client_id}"\n',
        0o644,  # no secret in the file: it may be readable
    )
    assert ef.Client(profile="k").login().org_id == expertfile_server.org_id
    secrets.clear()
    with pytest.raises(ef.ProfileError, match="no client_secret"):
        ef.Client(profile="k")


def test_a_profile_without_credentials_sets_the_base_url_for_the_rest_of_the_chain(
    config: Path, expertfile_server: FakeExpertFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(config, f'[profiles.fake]\nbase_url = "{expertfile_server.url}"\n', 0o644)
    monkeypatch.setenv("EXPERTFILE_CLIENT_ID", expertfile_server.client_id)
    monkeypatch.setenv("EXPERTFILE_CLIENT_SECRET", expertfile_server.client_secret)
    client = ef.Client(profile="fake")  # EXPERTFILE_BASE_URL unset: the real service else
    assert client.login().org_id == expertfile_server.org_id
    state = client.status()
    assert state.base_url == expertfile_server.url and state.profile == "fake"
    assert state.source is not None and "EXPERTFILE_CLIENT_ID" in state.source


def test_check_with_a_profile_probes_the_profiles_service(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # EXPERTFILE_BASE_URL names one service; the profile another: the profile's wins
    with FakeExpertFile() as elsewhere, FakeExpertFile() as named:
        monkeypatch.setenv("EXPERTFILE_BASE_URL", elsewhere.url)
        write(config, profile_of(named, "work"))
        main(["check", "--profile", "work", "--budget", "16"])
        out = capsys.readouterr().out
        assert named.token_requests == 1 and elsewhere.journal == []
    assert named.url in out
