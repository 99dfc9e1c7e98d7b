"""Run a command as an unprivileged user, from a root shell.

    python tests/run_unprivileged.py [--uid N] -- COMMAND...

The grader must hold without root (a student's laptop, a CI runner), so the
suite runs its sandbox tests a second time as a plain user. Here the
interpreter and the checkout may sit under a folder such a user cannot
traverse (``/root/.pyenv``, ``/root/src``): in a private mount namespace the
blocking folders are covered by a world-traversable tmpfs and the needed
folders bound back at their own paths, so paths (and the editable install)
stay as they are. Nothing changes outside that namespace.

Exit status: the command's; 77 (printed with a reason) when this cannot be
done here (not root, no ``unshare``/``setpriv``, or mount namespaces refused).
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

SKIP = 77
DEFAULT_UID = 54321


def _blocking_ancestors(paths, uid):
    """For each path, the first ancestor the uid cannot traverse (o+x missing
    and not owned by it)."""
    out = {}
    for p in paths:
        p = Path(p).resolve()
        for anc in [*reversed(p.parents), p]:
            try:
                st = anc.stat()
            except OSError:
                break
            if not (st.st_mode & 0o001) and st.st_uid != uid:
                out[str(anc)] = None
                break
    return list(out)


def needed_paths(extra=()):
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(__file__).resolve().parents[1]), os.getcwd(), *extra}
    for key in ("stdlib", "platstdlib", "purelib", "platlib", "scripts"):
        paths.add(sysconfig.get_paths().get(key, ""))
    paths.update(p for p in sys.path if p)
    return sorted(p for p in paths if p and os.path.exists(p))


def why_not() -> str | None:
    if os.geteuid() != 0:
        return "not root: already unprivileged, or cannot switch users"
    for tool in ("unshare", "setpriv"):
        if not shutil.which(tool):
            return f"no `{tool}` on PATH"
    r = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if r.returncode != 0:
        return "mount namespaces are refused here (a container without CAP_SYS_ADMIN?)"
    return None


def command(argv, uid=DEFAULT_UID, extra=()):
    """The argv that runs ``argv`` as ``uid`` with the needed folders reachable."""
    need = needed_paths(extra)
    blocking = _blocking_ancestors(need, uid)
    stage = tempfile.mkdtemp(prefix="unpriv-stage-")
    lines = ["set -e", "mount --make-rprivate /"]
    top = sorted({n for n in (os.path.realpath(x) for x in need)
                  if any(n == b or n.startswith(b.rstrip("/") + "/") for b in blocking)})
    top = [t for t in top if not any(t != u and t.startswith(u.rstrip("/") + "/") for u in top)]
    for i, t in enumerate(top):
        os.makedirs(f"{stage}/{i}", exist_ok=True)
        lines.append(f"mount --bind {shlex.quote(t)} {stage}/{i}")
    for b in blocking:
        lines.append(f"mount -t tmpfs -o mode=0755,size=1m tmpfs {shlex.quote(b)}")
    for i, t in enumerate(top):
        lines.append(f"mkdir -p {shlex.quote(t)} && mount --move {stage}/{i} {shlex.quote(t)}")
    lines.append(f'exec setpriv --reuid={uid} --regid={uid} --clear-groups -- "$@"')
    return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
            "\n".join(lines), "sh", *argv]


def user_env(uid=DEFAULT_UID, base=None):
    home = Path(tempfile.mkdtemp(prefix="unpriv-home-", dir=base))
    os.chown(home, uid, uid)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUDO_", "XDG_RUNTIME"))}
    env.update(HOME=str(home), USER="unpriv", LOGNAME="unpriv", TMPDIR="/tmp")
    return env


def main(args=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uid", type=int, default=DEFAULT_UID)
    ap.add_argument("argv", nargs=argparse.REMAINDER)
    ns = ap.parse_args(args)
    argv = ns.argv[1:] if ns.argv[:1] == ["--"] else ns.argv
    if not argv:
        ap.error("give a command after --")
    reason = why_not()
    if reason:
        print(f"run_unprivileged: skipped: {reason}", flush=True)
        return SKIP
    return subprocess.run(command(argv, ns.uid), env=user_env(ns.uid)).returncode


if __name__ == "__main__":
    sys.exit(main())
