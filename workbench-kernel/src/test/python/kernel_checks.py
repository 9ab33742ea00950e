"""Drives the workbench kernel with jupyter_client and checks each protocol feature the kernel promises.

Environment: WORKBENCH_TEST_KERNEL (kernel name), WORKBENCH_TEST_JAR (a jar with wbtest.Hello, for %classpath),
JUPYTER_PATH (where that kernelspec lives). Exit status 0 when every check passes; prints one line per check.
"""
import base64
import os
import struct
import sys
import threading
import time
import traceback
import zlib

from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("WORKBENCH_TEST_KERNEL", "workbench-java")
TIMEOUT = 120
failures = []


def check(name):
    def deco(fn):
        t0 = time.time()
        try:
            fn()
            print(f"PASS {name} ({time.time() - t0:.1f} s)", flush=True)
        except Exception:  # noqa: BLE001 - report every failing check
            failures.append(name)
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
        return fn
    return deco


t_start = time.time()
km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT)
t_ready = time.time()


def run(code, timeout=TIMEOUT):
    """Executes code; returns (reply content, [(msg_type, content, arrival time)])."""
    msg_id = kc.execute(code)
    out = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        t = m["msg_type"]
        if t == "status" and m["content"]["execution_state"] == "idle":
            break
        if t in ("stream", "execute_result", "error", "display_data", "update_display_data"):
            out.append((t, m["content"], time.time()))
    while True:
        r = kc.get_shell_msg(timeout=timeout)
        if r["parent_header"].get("msg_id") == msg_id:
            return r["content"], out


def result_of(outs):
    res = [c for t, c, _ in outs if t == "execute_result"]
    assert len(res) == 1, f"expected one execute_result, got {outs}"
    return res[0]["data"]


def ok(code):
    reply, outs = run(code)
    assert reply["status"] == "ok", f"{code!r} failed: {reply} {outs}"
    return outs


def error(code):
    reply, outs = run(code)
    assert reply["status"] == "error", f"{code!r} should fail: {reply} {outs}"
    errs = [c for t, c, _ in outs if t == "error"]
    assert len(errs) == 1, outs
    return errs[0]


def png_decodes(b64):
    """PNG signature, IHDR (size, CRC) and the zlib stream of the IDAT chunks all check out; returns (w, h)."""
    data = base64.b64decode(b64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(ctype + body) & 0xFFFFFFFF == crc, f"bad CRC in {ctype}"
        if ctype == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
        pos += 12 + length
    assert size is not None and size[0] > 0 and size[1] > 0, "no IHDR"
    raw = zlib.decompress(idat)
    assert len(raw) >= size[1] * (1 + size[0]), "image data shorter than its size"
    return size


@check("kernel_info has status ok, language java, protocol 5.3")
def _():
    kc.kernel_info()
    r = kc.get_shell_msg(timeout=TIMEOUT)
    c = r["content"]
    assert c["status"] == "ok", c
    assert c["language_info"]["name"] == "java", c
    assert c["protocol_version"].startswith("5."), c


@check("state persists across cells; trailing expression is the result")
def _():
    ok("int x = 20;")
    assert result_of(ok("x + 22"))["text/plain"] == "42"
    ok("String greet(String who) { return \"hi \" + who; }")
    assert result_of(ok('greet("there")'))["text/plain"] == "hi there"
    outs = ok("x + 1;")
    assert not [o for o in outs if o[0] == "execute_result"], "a trailing ';' suppresses the result"


@check("re-running a declaration cell keeps the new value usable (overwritten snippets released safely)")
def _():
    cell = 'StringBuilder sb = new StringBuilder("a");\nfor (int i = 0; i < 2; i++) sb.append("b");\nsb.toString()'
    assert result_of(ok(cell))["text/plain"] == "abb"
    assert result_of(ok(cell))["text/plain"] == "abb"
    ok('StringBuilder sb = new StringBuilder("z");')
    ok("int sb = 3;")
    assert result_of(ok("sb + 1"))["text/plain"] == "4"


@check("stdout and stderr arrive as streams while the cell runs")
def _():
    t0 = time.time()
    reply, outs = run('System.out.println("first"); Thread.sleep(1500); System.err.println("second");')
    end = time.time()
    assert reply["status"] == "ok"
    streams = [(c["name"], c["text"], at) for t, c, at in outs if t == "stream"]
    assert ("stdout", "first\n") in [(n, tx) for n, tx, _ in streams], streams
    assert ("stderr", "second\n") in [(n, tx) for n, tx, _ in streams], streams
    first_at = [at for n, tx, at in streams if tx == "first\n"][0]
    assert end - first_at > 1.0, f"'first' arrived only {end - first_at:.2f} s before the end: not streamed"


@check("XChart chart -> image/png (decodes); image/svg+xml on request")
def _():
    data = result_of(ok('var c = org.trainingdynamics.viz.Figures.xy("t", "x", "y");\n'
                        'c.addSeries("s", new double[]{1, 2, 3}, new double[]{1, 4, 9});\nc'))
    w, h = png_decodes(data["image/png"])
    assert (w, h) == (720, 440), (w, h)
    assert "image/svg+xml" not in data, "SVG only on request"
    outs = ok('display(c, "image/svg+xml");')
    svg = [c for t, c, _ in outs if t == "display_data"][0]["data"]
    assert "<svg" in svg["image/svg+xml"] and "image/png" not in svg, list(svg)


@check("Tablesaw Table -> text/html with caption and row limit, text/plain fallback")
def _():
    data = result_of(ok('Table t = Table.create("demo", IntColumn.indexColumn("i", 100, 0)); t'))
    html = data["text/html"]
    assert "<table" in html and "demo" in html and "100 rows" in html, html[:300]
    assert "showing first 15 and last 5" in html, html[:300]
    assert html.count("<tr>") == 1 + 15 + 1 + 5, html.count("<tr>")
    assert "demo" in data["text/plain"]


@check("INDArray -> shape/dtype summary + values")
def _():
    data = result_of(ok("Nd4j.linspace(1, 6, 6).reshape(2, 3)"))
    plain = data["text/plain"]
    assert plain.startswith("INDArray float [2, 3] (6 elements)"), plain
    assert "6.0000" in plain, plain


@check("result record with toTable() -> its table; other records -> toString")
def _():
    ok('record Fit(double slope, double err) { public Table toTable() { return Table.create("fit", '
       'DoubleColumn.create("slope", new double[]{slope}), DoubleColumn.create("err", new double[]{err})); } }')
    data = result_of(ok("new Fit(2.5, 0.1)"))
    assert "Fit" in data["text/html"] and "2.5" in data["text/html"], data
    ok("record P(int a) {}")
    assert result_of(ok("new P(3)"))["text/plain"] == "P[a=3]"


@check("display() and updateDisplay() publish display_data / update_display_data with one id")
def _():
    outs = ok('String id = display("v1"); updateDisplay(id, "v2");')
    disp = [c for t, c, _ in outs if t == "display_data"]
    upd = [c for t, c, _ in outs if t == "update_display_data"]
    assert len(disp) == 1 and len(upd) == 1, outs
    assert disp[0]["transient"]["display_id"] == upd[0]["transient"]["display_id"]
    assert upd[0]["data"]["text/plain"] == "v2"


@check("Progress shows an updating HTML display (throttled) ending in 'done'")
def _():
    outs = ok('try (var p = org.trainingdynamics.study.Progress.start("work", 40)) {\n'
              '  for (int i = 0; i < 40; i++) { Thread.sleep(25); p.step(); } }')
    disp = [c for t, c, _ in outs if t == "display_data"]
    upd = [c for t, c, _ in outs if t == "update_display_data"]
    assert len(disp) == 1 and "<progress" in disp[0]["data"]["text/html"], disp
    assert 2 <= len(upd) <= 12, f"{len(upd)} updates for 1 s of work at ~5 Hz"
    assert "done" in upd[-1]["data"]["text/html"] and "40/40" in upd[-1]["data"]["text/plain"]


@check("complete_request uses JShell's analysis (members of a declared variable, magic names)")
def _():
    ok("List<String> names = new ArrayList<>();")
    code = "names.si"
    kc.complete(code, len(code))
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert any(m.startswith("size") for m in c["matches"]), c
    assert c["cursor_start"] == len("names."), c
    kc.complete("%cla", 4)
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert c["matches"] == ["classpath"], c


@check("inspect_request returns a signature")
def _():
    kc.inspect("Math.abs", 6)
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert c["status"] == "ok" and c["found"], c
    assert "abs(" in c["data"]["text/plain"], c


@check("is_complete_request: complete / incomplete (with indent) / invalid")
def _():
    for code, want in [("int q = 1;", "complete"), ("if (true) {", "incomplete"), ("int r = (1 +", "incomplete"),
                       (")))", "invalid")]:
        kc.is_complete(code)
        c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
        assert c["status"] == want, (code, c)
    kc.is_complete("if (true) {")
    assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["indent"] == "    "


@check("runtime error: short trace, user frames first, internals folded")
def _():
    ok("int divide(int a) { return 10 / a; }")
    e = error("divide(0)")
    assert e["ename"] == "ArithmeticException" and e["evalue"] == "/ by zero", e
    tb = "\n".join(e["traceback"])
    assert "<cell>.divide" in tb, tb
    assert "jdk.jshell" not in tb and "jdk.internal" not in tb and "org.trainingdynamics.kernel" not in tb, tb
    assert len(e["traceback"]) <= 6, e["traceback"]


@check("compile error names the line, column and marks the span")
def _():
    e = error("int ok = 1;\nint bad = undefinedThing + 1;")
    assert e["ename"] == "CompilationError", e
    tb = "\n".join(e["traceback"])
    assert "cannot find symbol" in tb and "cell line 2, column 11" in tb, tb
    assert "undefinedThing + 1" in tb and "^" * len("undefinedThing") in tb, tb


@check("System.exit in a cell ends the cell, not the kernel")
def _():
    e = error("System.exit(3);")
    assert e["ename"] == "SystemExit" and "3" in e["evalue"], e
    assert result_of(ok("x"))["text/plain"] == "20"


@check("OutOfMemoryError in a cell is reported and the kernel recovers")
def _():
    e = error("var hog = new ArrayList<long[]>(); while (true) hog.add(new long[8_000_000]);")
    assert e["ename"] == "OutOfMemoryError", e
    assert result_of(ok('"still alive"'))["text/plain"] == "still alive"


@check("interrupt stops a sleeping cell; the next cell succeeds")
def _():
    timer = threading.Timer(1.0, km.interrupt_kernel)
    timer.start()
    t0 = time.time()
    e = error("Thread.sleep(60_000);")
    assert e["ename"] == "Interrupted", e
    assert time.time() - t0 < 20, "interrupt took too long"
    assert result_of(ok("1 + 1"))["text/plain"] == "2"


@check("interrupt stops a library loop through Progress.step()")
def _():
    timer = threading.Timer(1.0, km.interrupt_kernel)
    timer.start()
    t0 = time.time()
    e = error('try (var p = org.trainingdynamics.study.Progress.start("spin", -1)) { while (true) p.step(); }')
    assert e["ename"] == "Interrupted", e
    assert time.time() - t0 < 2.9, f"cooperative interrupt should not need the stop fallback ({time.time() - t0:.1f} s)"
    assert result_of(ok("2 + 2"))["text/plain"] == "4"


@check("interrupt during a burst of display updates ends the cell as Interrupted, not inside a ZeroMQ send")
def _():
    # Almost all of this loop's time is spent sending update_display_data, so the interrupt lands inside a
    # send; it must neither fail that send (it did: ZMQException Errno 4) nor hurt the kernel's sockets.
    timer = threading.Timer(1.0, km.interrupt_kernel)
    timer.start()
    e = error('String burst = display("0"); try (var p = org.trainingdynamics.study.Progress.start("burst", -1)) '
              '{ for (long i = 1; ; i++) { updateDisplay(burst, Long.toString(i)); p.step(); } }')
    assert e["ename"] == "Interrupted", e
    assert result_of(ok("3 + 3"))["text/plain"] == "6"


@check("a later import keeps earlier variables; redefined methods are used by callers")
def _():
    ok("int keep = 7; List<Integer> kept = new ArrayList<>(List.of(1, 2));")
    ok("import java.util.concurrent.atomic.*;\nimport java.util.concurrent.*;")
    assert result_of(ok("keep + kept.size()"))["text/plain"] == "9"
    ok("int g() { return 1; }\nint h() { return g() * 10; }")
    assert result_of(ok("h()"))["text/plain"] == "10"
    ok("int g() { return 2; }")
    assert result_of(ok("h()"))["text/plain"] == "20"
    ok("static int sig(int a) { return a; }\nint useSig() { return sig(1); }")
    ok("static long sig(long a, long b) { return a + b; }")
    e = run("useSig()")[0]
    assert e["status"] in ("ok", "error")
    assert result_of(ok("3 * 3"))["text/plain"] == "9"


@check("%%time, %env and %classpath magics")
def _():
    outs = ok("%%time\nint acc = 0;\nfor (int i = 0; i < 1000; i++) acc += i;\nacc")
    text = "".join(c["text"] for t, c, _ in outs if t == "stream")
    assert "Wall time:" in text and "CPU time" in text, outs
    assert result_of(outs)["text/plain"] == "499500"
    ok("%env WB_MAGIC_TEST=hello there")
    assert result_of(ok('System.getenv("WB_MAGIC_TEST")'))["text/plain"] == "hello there"
    jar = os.environ["WORKBENCH_TEST_JAR"]
    ok(f"%classpath {jar}")
    assert result_of(ok("wbtest.Hello.hi()"))["text/plain"] == "hi from jar"
    ok(f"%jars {jar}")
    import_line = "import wbtest.*;\nHello.hi()"
    assert result_of(ok(import_line))["text/plain"] == "hi from jar"
    e = error("%nosuchmagic")
    assert e["ename"] == "UnknownMagic", e


@check("%maven resolves an artifact with its dependencies through Maven (offline, from the local repository)")
def _():
    outs = ok("%maven --offline org.openjdk.jmh:jmh-core:1.37")
    text = "".join(c["text"] for t, c, _ in outs if t == "stream")
    assert "added jmh-core-1.37.jar" in text and "added jopt-simple" in text, text
    assert "kept" in text and "commons-math3" in text, "a dependency already on the class path is not added twice: " + text
    assert result_of(ok("org.openjdk.jmh.annotations.Mode.Throughput.shortLabel()"))["text/plain"] == "thrpt"
    assert result_of(ok("joptsimple.OptionParser.class.getSimpleName()"))["text/plain"] == "OptionParser"


@check("history_request (tail) returns [session, line, input] tuples")
def _():
    kc.history(hist_access_type="tail", n=2, output=False, raw=True)
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert c["status"] == "ok" and len(c["history"]) == 2, c
    assert len(c["history"][-1]) == 3 and isinstance(c["history"][-1][2], str), c


@check("restart gives a fresh kernel")
def _():
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    e = error("x")
    assert e["ename"] == "CompilationError", e
    assert result_of(ok("1 + 1"))["text/plain"] == "2"


print(f"kernel ready after {t_ready - t_start:.1f} s", flush=True)
kc.stop_channels()
km.shutdown_kernel(now=True)
if failures:
    print(f"{len(failures)} check(s) failed: {failures}")
    sys.exit(1)
print("all kernel checks passed")
