"""A seccomp filter for the sandbox's child, assembled here as classic BPF.

The grader builds the program (this module, importable and testable) and
sends its bytes to the child, which installs it with one ``prctl`` before any
student code runs. What it denies (``EPERM`` unless said otherwise) closes the
ways out that Landlock does not cover:

* ``socket()``: no new socket of any family, so no ``connect()`` to the
  grader's path sockets (a multiprocessing forkserver, a Jupyter kernel, a
  D-Bus session) and no network. Where the caller allows it (a GPU run inside
  namespaces, whose host sockets are hidden), ``AF_UNIX`` sockets stay open
  for the CUDA driver.
* SysV IPC (shared memory, semaphores, message queues) and POSIX message
  queues, which outlive the process and are shared between sandboxes that
  have no IPC namespace of their own.
* ``ptrace``, ``process_vm_readv/writev``, ``pidfd_getfd``, ``kcmp``:
  reading or steering other processes.
* ``keyctl``/``add_key``/``request_key``, ``bpf``, ``perf_event_open``,
  ``userfaultfd``, ``io_uring_*`` (whose operations bypass this filter).
* new namespaces (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*``
  flag; ``clone3`` answers ``ENOSYS`` so the C library falls back to
  ``clone``), ``mount``, ``umount2``, ``pivot_root``, ``chroot``.
* ``setsid``/``setpgid``: a process cannot leave the sandbox's process
  group, so killing that group kills every process the submission started.
* system calls of another ABI (i386 through ``int 0x80``, x32): the numbers
  above would not match there.

Only x86-64 and aarch64 are described; elsewhere :func:`build` returns
``None`` and the report says that no filter applied.
"""
from __future__ import annotations

import platform
import struct

# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_JA = 0x05
_RET_K = 0x06

RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
EPERM, ENOSYS = 1, 38
AF_UNIX = 1
CLONE_NEW_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
                   | 0x10000000 | 0x20000000 | 0x40000000)

#: per architecture: audit arch, x32 bit (or None), and syscall numbers
ARCHES = {
    "x86_64": {
        "audit": 0xC000003E, "x32": 0x40000000,
        "socket": 41, "clone": 56, "clone3": 435,
        "deny": {
            "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67,
            "semget": 64, "semop": 65, "semctl": 66, "semtimedop": 220,
            "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71,
            "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243,
            "mq_notify": 244, "mq_getsetattr": 245,
            "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
            "pidfd_getfd": 438,
            "add_key": 248, "request_key": 249, "keyctl": 250,
            "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
            "chroot": 161, "open_by_handle_at": 304, "name_to_handle_at": 303,
            "setsid": 112, "setpgid": 109,
        },
    },
    "aarch64": {
        "audit": 0xC00000B7, "x32": None,
        "socket": 198, "clone": 220, "clone3": 435,
        "deny": {
            "shmget": 194, "shmctl": 195, "shmat": 196, "shmdt": 197,
            "semget": 190, "semctl": 191, "semtimedop": 192, "semop": 193,
            "msgget": 186, "msgctl": 187, "msgrcv": 188, "msgsnd": 189,
            "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182, "mq_timedreceive": 183,
            "mq_notify": 184, "mq_getsetattr": 185,
            "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
            "pidfd_getfd": 438,
            "add_key": 217, "request_key": 218, "keyctl": 219,
            "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
            "chroot": 51, "open_by_handle_at": 265, "name_to_handle_at": 264,
            "setsid": 157, "setpgid": 154,
        },
    },
}


def arch_name(machine: str | None = None) -> str | None:
    m = (machine or platform.machine()).lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(m, m) if m in (
        "x86_64", "amd64", "aarch64", "arm64") else None


def _assemble(prog):
    """Resolve symbolic jump targets: ``prog`` is a list of labels (str) and
    instructions ``(code, jt, jf, k)`` whose jt/jf may be label names."""
    labels, pos = {}, 0
    for ins in prog:
        if isinstance(ins, str):
            labels[ins] = pos
        else:
            pos += 1
    out, pos = [], 0
    for ins in prog:
        if isinstance(ins, str):
            continue
        code, jt, jf, k = ins

        def rel(target):
            if isinstance(target, int):
                return target
            off = labels[target] - pos - 1
            if not 0 <= off <= 255:  # pragma: no cover - the program is small
                raise ValueError("seccomp jump out of range")
            return off

        if code == _JA:
            k, jt, jf = rel(k), 0, 0
        else:
            jt, jf = rel(jt), rel(jf)
        out.append((code, jt, jf, k))
        pos += 1
    return out


def program(arch: str, *, allow_unix_sockets: bool = False):
    """The filter as a list of ``(code, jt, jf, k)`` instructions."""
    a = ARCHES[arch]
    eperm, enosys = _RET_ERRNO | EPERM, _RET_ERRNO | ENOSYS
    prog = [
        (_LD_W_ABS, 0, 0, _OFF_ARCH),
        (_JEQ_K, 0, "other_abi", a["audit"]),
        (_LD_W_ABS, 0, 0, _OFF_NR),
    ]
    if a["x32"] is not None:
        prog.append((_JGE_K, "eperm", 0, a["x32"]))
    prog += [
        (_JEQ_K, "socket", 0, a["socket"]),
        (_JEQ_K, "clone", 0, a["clone"]),
        (_JEQ_K, "enosys", 0, a["clone3"]),
    ]
    for nr in sorted(set(a["deny"].values())):
        prog.append((_JEQ_K, "eperm", 0, nr))
    prog.append((_RET_K, 0, 0, RET_ALLOW))
    prog.append("socket")
    if allow_unix_sockets:
        prog += [(_LD_W_ABS, 0, 0, _OFF_ARG0), (_JEQ_K, "allow", "eperm", AF_UNIX)]
    else:
        prog.append((_JA, 0, 0, "eperm"))
    prog += [
        "clone", (_LD_W_ABS, 0, 0, _OFF_ARG0), (_JSET_K, "eperm", "allow", CLONE_NEW_FLAGS),
        "allow", (_RET_K, 0, 0, RET_ALLOW),
        "eperm", (_RET_K, 0, 0, eperm),
        "enosys", (_RET_K, 0, 0, enosys),
        "other_abi", (_RET_K, 0, 0, eperm),
    ]
    return _assemble(prog)


def build(*, allow_unix_sockets: bool = False, machine: str | None = None) -> bytes | None:
    """The filter as the bytes of a ``struct sock_filter[]``, or None where
    this architecture is not described."""
    arch = arch_name(machine)
    if arch is None:
        return None
    return b"".join(struct.pack("=HBBI", *ins)
                    for ins in program(arch, allow_unix_sockets=allow_unix_sockets))


def run(filter_bytes: bytes, nr: int, arch_audit: int, args=(0,) * 6) -> int:
    """Interpret the filter on one system call (for tests): the action returned."""
    data = struct.pack("=iIQ6Q", nr, arch_audit, 0, *(list(args) + [0] * 6)[:6])
    ins = [struct.unpack_from("=HBBI", filter_bytes, i) for i in range(0, len(filter_bytes), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = ins[pc]
        if code == _LD_W_ABS:
            acc = struct.unpack_from("=I", data, k)[0]
            pc += 1
        elif code == _RET_K:
            return k
        elif code == _JA:
            pc += 1 + k
        else:
            cond = {_JEQ_K: acc == k, _JGE_K: acc >= k, _JSET_K: bool(acc & k)}[code]
            pc += 1 + (jt if cond else jf)
