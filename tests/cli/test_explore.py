"""``greennb explore``: its options, its one-line errors, and the URL it prints."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from greennb import cli


def test_help_names_every_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["explore", "--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    for option in ("--runs-dir", "--port", "--host", "--open", "127.0.0.1", "8866"):
        assert option in shown


@pytest.mark.parametrize(
    ("port", "message"),
    [("70000", "port must be an integer in [0, 65535] (0 picks a free one); got 70000")],
)
def test_a_bad_port_is_one_line_and_exit_status_2(port, message, capsys, tmp_path):
    assert cli.main(["explore", "--runs-dir", str(tmp_path), "--port", port]) == 2
    assert capsys.readouterr().err == f"greennb: error: {message}\n"


def test_a_busy_port_is_one_line_naming_it(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["explore", "--runs-dir", str(tmp_path), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"greennb: error: port {port} on 127.0.0.1 is in use") and "\n" == err[-1]


def _voila_children(pid: int) -> list[int]:
    """The pids of the Voilà servers started by process ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except (OSError, ValueError):
            continue
        if parent == pid and b"voila" in command:
            found.append(int(entry))
    return found


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads child processes from /proc")
def test_the_command_prints_its_url_and_stops_on_sigterm(tmp_path):
    command = [sys.executable, "-m", "greennb", "explore", "--runs-dir", str(tmp_path),
               "--port", "0"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        server = _voila_children(process.pid)
    finally:
        process.terminate()
        status = process.wait(30)
    assert status == 0 and server  # stopped cleanly, and it had started Voilà ...
    for pid in server:  # ... which stopped with it, not orphaned
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)
    assert line.startswith(f"greennb explorer of {tmp_path.resolve()}: http://127.0.0.1:")
    assert line.rstrip().endswith("(Ctrl-C stops it)")
