"""Kernel latency benchmark (run through bench/kernel-latency, which writes the kernelspec).

In one run: (1) start-up of the workbench kernel to its first result, and ND4J's first use measured apart;
(2) median round trip of a trivial execute_request ("1+1") over N runs, through jupyter_client;
(3) JShell's own in-process evaluation of the same snippet, timed inside the kernel's JVM with a bare
    JShell (JDK "local" engine, same class path and the kernel's startup imports);
(4) the same round trip against Debian's python3-ipykernel.
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

N = int(os.environ.get("BENCH_N", "200"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "100"))
KERNEL = os.environ.get("WORKBENCH_TEST_KERNEL", "workbench-java-bench")


def execute(kc, code, timeout=300):
    msg_id = kc.execute(code)
    result = None
    error = None
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            result = m["content"]["data"].get("text/plain")
        elif m["msg_type"] == "error":
            error = m["content"]
        elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        r = kc.get_shell_msg(timeout=timeout)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    if error:
        raise RuntimeError(f"{code!r}: {error['ename']}: {error['evalue']}")
    return result


def round_trips(kc, code, n, warmup):
    for _ in range(warmup):
        execute(kc, code)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        execute(kc, code)
        times.append(time.perf_counter() - t0)
    return times


def start(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=300)
    t_ready = time.perf_counter() - t0
    first = execute(kc, "1+1")
    t_first = time.perf_counter() - t0
    assert first == "2", first
    return km, kc, t_ready, t_first


JSHELL_CELL = r"""
jdk.jshell.JShell bare = jdk.jshell.JShell.builder().executionEngine("local").build();
for (String imp : org.trainingdynamics.kernel.StartupImports.imports()) {
    if (!imp.contains("kernel.Notebook")) bare.eval("import " + imp + ";");
}
for (int i = 0; i < %(warmup)d; i++) bare.eval("1+1");
long[] ns = new long[%(n)d];
for (int i = 0; i < ns.length; i++) { long t = System.nanoTime(); bare.eval("1+1"); ns[i] = System.nanoTime() - t; }
bare.close();
Arrays.sort(ns);
ns[ns.length / 2] / 1e6
"""


def main():
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    for name in os.environ.get("BENCH_STARTUP_KERNELS", "").split():
        skm, skc, s_ready, s_first = start(name)
        print(f"start-up of kernelspec {name}: kernel_info reply after {s_ready:.2f} s, first result after {s_first:.2f} s",
              flush=True)
        skc.stop_channels()
        skm.shutdown_kernel(now=True)
    km, kc, t_ready, t_first = start(KERNEL)
    t0 = time.perf_counter()
    execute(kc, "Nd4j.zeros(2).sumNumber()")
    t_nd4j = time.perf_counter() - t0
    t0 = time.perf_counter()
    execute(kc, "Nd4j.zeros(2).sumNumber()")
    t_nd4j2 = time.perf_counter() - t0
    # same warm-up for both; the kernel's round trips are measured between two JShell measurements so that
    # both see the same JIT state of javac (the median of the two JShell runs is the reference)
    round_trips(kc, "1+1", WARMUP, 0)
    jshell1 = float(execute(kc, JSHELL_CELL % {"n": N, "warmup": WARMUP}))
    ours = round_trips(kc, "1+1", N, 5)
    jshell2 = float(execute(kc, JSHELL_CELL % {"n": N, "warmup": WARMUP}))
    jshell_ms = (jshell1 + jshell2) / 2
    kc.stop_channels()
    km.shutdown_kernel(now=True)

    pkm, pkc, p_ready, p_first = start("python3")
    py = round_trips(pkc, "1+1", N, WARMUP)
    pkc.stop_channels()
    pkm.shutdown_kernel(now=True)

    med = statistics.median(ours) * 1e3
    pmed = statistics.median(py) * 1e3
    print(f"workbench kernel start-up: kernel_info reply after {t_ready:.2f} s, first result after {t_first:.2f} s")
    print(f"ND4J first use (back-end start, not part of start-up): {t_nd4j:.2f} s; second use {t_nd4j2 * 1e3:.1f} ms")
    print(f"ipykernel start-up: kernel_info reply after {p_ready:.2f} s, first result after {p_first:.2f} s")
    print(f"round trip '1+1', median of {N}: workbench kernel {med:.2f} ms (p10 {pct(ours, 10):.2f}, p90 {pct(ours, 90):.2f})")
    print(f"JShell's own eval of '1+1' in the kernel JVM (bare JShell, local engine, same imports), median of {N}: "
          f"{jshell1:.2f} ms before and {jshell2:.2f} ms after the round trips; mean {jshell_ms:.2f} ms")
    print(f"ipykernel round trip '1+1', median of {N}: {pmed:.2f} ms")
    print(f"RATIO kernel round trip / JShell eval = {med / jshell_ms:.2f}  (target <= 2)")
    print(f"RATIO kernel round trip / ipykernel round trip = {med / pmed:.1f}")
    print(f"machine load average at end: {os.getloadavg()[0]:.1f}")


def pct(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(len(s) * p / 100))] * 1e3


if __name__ == "__main__":
    sys.exit(main())
