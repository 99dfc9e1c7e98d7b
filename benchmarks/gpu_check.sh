#!/usr/bin/env bash
# hw6 on a GPU machine, in under 5 minutes: install the package (no network
# needed), grade in the sandbox the source notebook and every known hw6
# submission in the GPU profile (one table: file, expected, score, seconds),
# the convergence figure up to width 2^16, the CUDA test of the reference,
# and the empirical-NTK benchmark. Then hw9's source notebook in its GPU
# profile (at most 4 more minutes; not yet run on a GPU).
#
#   bash benchmarks/gpu_check.sh            # from anywhere inside the checkout
#
# Needs a CUDA build of torch already installed. Prints the device, the
# check table (widths x 64: 4096-32768 units), and the benchmark's timings of
# the Jacobian and per-layer methods up to width 2^16.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
status=0

python - <<'EOF' || { echo "gpu_check: torch with CUDA is required" >&2; exit 2; }
import torch
assert torch.cuda.is_available(), "torch.cuda.is_available() is False"
print("torch", torch.__version__, "on", torch.cuda.get_device_name(0),
      f"({torch.cuda.get_device_properties(0).total_memory / 2**30:.0f} GiB)")
EOF

if ! python -c "import course, autograder, solutions" 2>/dev/null || ! command -v course >/dev/null; then
    python -m pip install -q --no-deps --no-build-isolation -e . \
        || echo "gpu_check: pip install failed; running from the checkout" >&2
fi
COURSE=(course)
command -v course >/dev/null || COURSE=(python -c "from course.cli import main; main()")
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

echo "== course check hw6 --device cuda --all (source notebook)"
time timeout 150 "${COURSE[@]}" check hw6 assignments/hw6/hw6.ipynb --all --device cuda || status=1

echo "== every known hw6 submission, sandboxed, --device cuda; convergence up to 2^16"
timeout 240 python benchmarks/gpu_known.py --device cuda || status=1

echo "== reference on CUDA (tests/test_solutions_hw6.py -k cuda)"
timeout 40 python -m pytest tests/test_solutions_hw6.py -q -k cuda -p no:cacheprovider || status=1

echo "== empirical NTK benchmark (jacobian vs per-layer sums)"
timeout 60 python benchmarks/ntk.py --device cuda --repeat 1 || status=1

# hw9's GPU profile (widths x 64 for the kernel and correction sweeps, x 16 for
# the training runs, up to 2^16) has been built and run on the CPU only: this
# section is its first run on a GPU. It runs when hw9 is in the checkout.
if [ -f assignments/hw9/hw9.ipynb ]; then
    echo "== course check hw9 --device cuda --all (source notebook; hw9's GPU profile, untested before)"
    time timeout 240 "${COURSE[@]}" check hw9 assignments/hw9/hw9.ipynb --all --device cuda || status=1
    echo "== hw9 reference on CUDA (tests/test_solutions_hw9.py -k cuda)"
    timeout 120 python -m pytest tests/test_solutions_hw9.py -q -k cuda -p no:cacheprovider || status=1
fi

echo "gpu_check: done in $((SECONDS - start)) s, status $status"
exit $status
