"""``greennb explore``: the explorer served on this machine by Voilà, its URL printed.

Voilà was chosen over Panel because the explorer is built from the same ipywidgets as the case
notebooks' widgets, and Voilà serves a notebook of them as a page with two packages on top of
JupyterLab (voila, websockets); Panel would bring bokeh and a second widget system. The page
is the notebook ``_voila/explorer.ipynb`` (one cell: :func:`~greennb.report.explore`), run in
its own kernel, with greennb's template (``_voila/voila/templates/greennb``: Voilà's "lab"
template without its CDN stylesheets), so nothing is requested from the network.

The server binds to 127.0.0.1 unless told otherwise, and Voilà has no password: on another
address, anyone who reaches it sees the run store.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from greennb.errors import InvalidValueError, StateError
from greennb.report._explorer import READY_ENV
from greennb.runs import RUNS_DIR_ENV
from greennb.runs import runs_root as default_runs_root

#: Where the explorer notebook and greennb's Voilà template lie (a Jupyter data folder).
VOILA_DATA = Path(__file__).with_name("_voila")
EXPLORER_NOTEBOOK = VOILA_DATA / "explorer.ipynb"
DEFAULT_HOST = "127.0.0.1"
#: Voilà's own default port.
DEFAULT_PORT = 8866
#: How long the server may take to listen (s): a kernel starts only when a page is opened.
START_TIMEOUT_S = 60.0
PORT_BUSY_MSG = (
    "port {port} on {host} is in use; choose another with --port, or --port 0 for a free one"
)
BAD_PORT_MSG = "port must be an integer in [0, 65535] (0 picks a free one); got {port!r}"
NOT_STARTED_MSG = "the explorer's server (Voilà) did not start: {reason}"
EXPOSED_MSG = (
    "warning: serving on {host}, not 127.0.0.1: Voilà has no password, so anyone who reaches "
    "this address sees the run store"
)


@dataclass(frozen=True)
class ExplorerServer:
    """A started explorer: the Voilà process and where it listens.

    Attributes
    ----------
    process : subprocess.Popen
        The Voilà server.
    url : str
        The page's address (``http://HOST:PORT/``).
    runs_root : pathlib.Path
        The run store it explores (absolute).
    """

    process: subprocess.Popen
    url: str
    runs_root: Path

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout_s`` seconds)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def check_port(host: str, port: int) -> int:
    """Return a port to listen on at ``host``: ``port`` if it is free, a free one for 0.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``port`` is not an integer in [0, 65535], or is in use.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise InvalidValueError(BAD_PORT_MSG.format(port=port))
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InvalidValueError(PORT_BUSY_MSG.format(port=port, host=host)) from error
        return probe.getsockname()[1]


def voila_command(notebook: str | os.PathLike, port: int, host: str = DEFAULT_HOST) -> list[str]:
    """Return the command line that serves a notebook with Voilà and greennb's template.

    The kernel is pre-heated (the notebook runs before the page is asked for), so the first
    page does not wait for a kernel to start and the library to import.
    """
    return [
        sys.executable, "-m", "voila", str(notebook), "--no-browser",
        f"--port={port}", f"--Voila.ip={host}", "--template=greennb",
        "--Voila.port_retries=0", "--Voila.log_level=WARN", "--preheat_kernel=True",
    ]  # fmt: skip


def _wait_listening(process: subprocess.Popen, host: str, port: int, timeout_s: float) -> None:
    """Wait until the server accepts connections; raise if it exits or takes too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StateError(NOT_STARTED_MSG.format(reason=f"it exited ({process.returncode})"))
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise StateError(NOT_STARTED_MSG.format(reason=f"not listening after {timeout_s:.0f} s"))


def start_voila(
    notebook: str | os.PathLike,
    *,
    environment: dict[str, str] | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout_s: float = START_TIMEOUT_S,
) -> tuple[subprocess.Popen, str]:
    """Serve a notebook with Voilà and greennb's template; return the process and its URL.

    Parameters
    ----------
    notebook : str or path
        The notebook to serve (the explorer's, or any notebook of widgets).
    environment : dict, optional
        Variables added to this process's environment for the server and its kernels.
    host, port, timeout_s
        As for :func:`start_explorer`.

    Raises
    ------
    greennb.errors.InvalidValueError
        If the port is invalid or in use.
    greennb.errors.StateError
        (a RuntimeError) If Voilà exits or does not listen within ``timeout_s``.
    """
    port = check_port(host, port)
    paths = [str(VOILA_DATA), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    env = {**os.environ, **(environment or {}), "JUPYTER_PATH": os.pathsep.join(paths)}
    process = subprocess.Popen(voila_command(notebook, port, host), env=env)
    _wait_listening(process, host, port, timeout_s)
    shown = f"[{host}]" if ":" in host else host
    return process, f"http://{shown}:{port}/"


def start_explorer(
    runs_root: str | os.PathLike | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout_s: float = START_TIMEOUT_S,
) -> ExplorerServer:
    """Start the explorer's server in the background; return it once its first page is ready.

    The server's pre-heated kernel has then read the store and built the explorer, so the
    page a browser asks for opens without waiting for a kernel to start.

    Parameters
    ----------
    runs_root : str or path, optional
        The run store to explore; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``
        (resolved here, so the server's kernel reads the same folder).
    host : str, default "127.0.0.1"
        The address to listen on.
    port : int, default 8866
        The port; 0 picks a free one.
    timeout_s : float, default 60
        How long the server may take to listen, and its kernel to show the explorer (s).

    Returns
    -------
    ExplorerServer
        The server; :meth:`ExplorerServer.stop` stops it.

    Raises
    ------
    greennb.errors.InvalidValueError
        If the port is invalid or in use.
    greennb.errors.StateError
        (a RuntimeError) If Voilà exits, or does not listen or show the explorer within
        ``timeout_s``.
    """
    root = Path(runs_root or default_runs_root()).resolve()
    with tempfile.TemporaryDirectory(prefix="greennb-explore-") as folder:
        ready = Path(folder) / "ready"
        environment = {RUNS_DIR_ENV: str(root), READY_ENV: str(ready)}
        process, url = start_voila(
            EXPLORER_NOTEBOOK, environment=environment, host=host, port=port,
            timeout_s=timeout_s,
        )  # fmt: skip
        _wait_ready(process, ready, timeout_s)
    return ExplorerServer(process, url, root)


def _wait_ready(process: subprocess.Popen, ready: Path, timeout_s: float) -> None:
    """Wait until the pre-heated kernel has shown the explorer (it touches ``ready``)."""
    deadline = time.monotonic() + timeout_s
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            reason = "its kernel did not show the explorer (see the messages above)"
            raise StateError(NOT_STARTED_MSG.format(reason=reason))
        time.sleep(0.05)


def serve_explorer(
    runs_root: str | os.PathLike | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    say: Callable[[str], None] = print,
) -> int:
    """Serve the explorer until interrupted (Ctrl-C): what ``greennb explore`` runs.

    Parameters
    ----------
    runs_root, host, port
        As for :func:`start_explorer`.
    open_browser : bool, default False
        Open the page in the default web browser once the server listens.
    say : callable, default print
        Receives the lines for the user: the URL, and a warning off the loopback.

    Returns
    -------
    int
        The server's exit status (0 after Ctrl-C or SIGTERM, which stop the server).
    """
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(EXPOSED_MSG.format(host=host))
    server = start_explorer(runs_root, host=host, port=port)
    say(f"greennb explorer of {server.runs_root}: {server.url} (Ctrl-C stops it)")
    if open_browser:
        webbrowser.open(server.url)
    # SIGTERM (a scheduler, `kill`) would end this process at once and orphan the server:
    # it stops the server as Ctrl-C does. Signals reach only the main thread.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        if main:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)
