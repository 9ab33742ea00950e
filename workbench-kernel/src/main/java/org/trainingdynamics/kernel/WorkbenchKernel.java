package org.trainingdynamics.kernel;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.reply.HistoryReply;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainingdynamics.study.Progress;

/**
 * The workbench's Jupyter kernel: Java cells evaluated by JShell in this JVM ({@link CellEngine}), magics
 * ({@link Magics}), rich display ({@link Displays}), a notebook {@link Progress}, streams sent while a cell
 * runs ({@link CellOutput}), readable errors ({@link ErrorFormat}), interrupt, completion, inspection,
 * {@code is_complete} and history, on jjava-jupyter's messaging layer.
 */
public final class WorkbenchKernel extends BaseKernel {
    private static final Logger LOG = LoggerFactory.getLogger(WorkbenchKernel.class);
    private static final Pattern CELL_MAGIC = Pattern.compile("\\A\\s*%%(\\w+)([^\\n]*)(?:\\n|\\z)");
    private static volatile WorkbenchKernel current;

    private final KernelHistory history;
    private final CellOutput out = new CellOutput();
    private final CellOutput err = new CellOutput();
    private final PrintStream consoleOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private final PrintStream consoleErr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    private final CompletableFuture<CellEngine> engine = new CompletableFuture<>();
    private final ScheduledExecutorService ticker;
    /** Sends the cell thread's messages: an interrupt must never land inside a ZeroMQ send (EINTR, see below). */
    private final java.util.concurrent.ExecutorService cellPublisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cell-publish");
        t.setDaemon(true);
        return t;
    });
    private volatile ShellReplyEnvironment env;

    private WorkbenchKernel(KernelHistory history, MagicsRegistry magics, Renderer renderer) {
        super("workbench-java", version(), languageInfo(),
                List.of(new HelpLink("Workbench kernel", "docs/kernel.md"),
                        new HelpLink("Java 17 API", "https://docs.oracle.com/en/java/javase/17/docs/api/")),
                history, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), renderer,
                new MagicParser("(?<=(?:^|=))\\s*%", "%%", new MagicTranspiler()), magics, false,
                new StringStyler.Builder().build());
        this.history = history;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stream-flush");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates the kernel and starts JShell (with the startup imports) in the background. */
    public static WorkbenchKernel create() {
        Renderer renderer = new Renderer();
        Displays.register(renderer);
        MagicsRegistry magics = new MagicsRegistry();
        WorkbenchKernel k = new WorkbenchKernel(new KernelHistory(), magics, renderer);
        Magics.register(magics, k);
        current = k;
        k.out.attach(k.consoleOut::print);
        k.err.attach(k.consoleErr::print);
        System.setOut(new PrintStream(k.out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(k.err, true, StandardCharsets.UTF_8));
        k.ticker.scheduleWithFixedDelay(() -> {
            k.out.tick();
            k.err.tick();
        }, CellOutput.MIN_INTERVAL_MS, CellOutput.MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        Progress.setFactory((task, total) -> k.env != null ? new NotebookProgress(k, task, total) : Progress.silent());
        Thread boot = new Thread(k::startEngine, "jshell-start");
        boot.setDaemon(true);
        boot.start();
        return k;
    }

    /** The kernel of this JVM, or null outside a kernel. */
    public static WorkbenchKernel current() {
        return current;
    }

    private void startEngine() {
        try {
            long t0 = System.nanoTime();
            CellEngine e = new CellEngine(System.out, System.err, System.in);
            for (String imp : StartupImports.imports()) {
                e.eval("import " + imp + ";", "import " + imp + ";", 0);
            }
            consoleErr.println("workbench kernel: JShell ready " + jvmUptimeMs() + " ms after JVM start ("
                    + (System.nanoTime() - t0) / 1_000_000 + " ms for JShell and its startup imports)");
            engine.complete(e);
        } catch (Throwable t) {
            LOG.error("JShell failed to start", t);
            engine.completeExceptionally(t);
        }
    }

    /** The JShell engine (waits for start-up to finish). */
    CellEngine engine() {
        try {
            return engine.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while JShell starts", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
        }
    }

    private static String version() {
        String v = WorkbenchKernel.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo("java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java",
                "text/x-java", "script");
    }

    @Override
    public String getBanner() {
        return "Java " + Runtime.version() + " (JShell), Training Dynamics Workbench kernel " + version();
    }

    // ---------------------------------------------------------------- execution

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> msg) {
        commManager.setMessageContext(msg);
        ExecuteRequest req = msg.getContent();
        boolean silent = req.isSilent();
        boolean store = req.shouldStoreHistory() && !silent;
        int count = store ? executionCount.getAndIncrement() : executionCount.get();
        env.setBusyDeferIdle();
        if (!silent) {
            env.publish(new PublishExecuteInput(req.getCode(), count));
        }
        this.env = env;
        out.flushNow();
        err.flushNow();
        out.attach(text -> publish(() -> env.publish(new PublishStream(PublishStream.StreamType.OUT, text))));
        err.attach(text -> publish(() -> env.publish(new PublishStream(PublishStream.StreamType.ERR, text))));
        String resultText = null;
        try {
            CellEngine.Outcome outcome = runCell(req.getCode());
            System.out.flush();
            System.err.flush();
            out.flushNow();
            err.flushNow();
            if (outcome.hasValue() && !silent) {
                DisplayData data = renderSafely(outcome.value());
                env.publish(new PublishExecuteResult(count, data));
                Object plain = data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
                resultText = plain == null ? null : plain.toString();
            }
            env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (CellError e) {
            failure(env, count, e);
        } catch (RuntimeException | Error e) {
            failure(env, count, ErrorFormat.runtimeError(e));
        } finally {
            out.flushNow();
            err.flushNow();
            out.attach(consoleOut::print);
            err.attach(consoleErr::print);
            this.env = null;
            if (store) {
                history.add(count, req.getCode(), resultText);
            }
        }
    }

    private void failure(ShellReplyEnvironment env, int count, CellError e) {
        System.out.flush();
        System.err.flush();
        out.flushNow();
        err.flushNow();
        env.publish(new PublishError(e.errorName(), e.errorValue(), e.traceback()));
        ErrorReply reply = new ErrorReply(e.errorName(), e.errorValue(), e.traceback());
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE, reply);
    }

    private DisplayData renderSafely(Object value) {
        if (value instanceof DisplayData d) {
            return d;
        }
        try {
            return getRenderer().render(value);
        } catch (RuntimeException e) {
            throw ErrorFormat.runtimeError(new IllegalStateException("cannot display the result ("
                    + (value == null ? "null" : value.getClass().getName()) + "): " + e.getMessage(), e));
        }
    }

    /** Runs a whole cell: a leading {@code %%magic} applies to the rest; {@code %magic} lines run in order. */
    CellEngine.Outcome runCell(String cell) {
        Matcher m = CELL_MAGIC.matcher(cell);
        if (m.lookingAt()) {
            String body = cell.substring(m.end());
            Object r = magic(true, m.group(1), m.group(2), body);
            return r instanceof CellEngine.Outcome o ? o : CellEngine.Outcome.NONE;
        }
        return runCellBody(cell);
    }

    /** Runs Java lines and {@code %line} magics of a cell body in order. */
    CellEngine.Outcome runCellBody(String cell) {
        CellEngine e = engine();
        CellEngine.Outcome outcome = CellEngine.Outcome.NONE;
        int chunkStart = 0;
        int pos = 0;
        while (pos <= cell.length()) {
            int eol = cell.indexOf('\n', pos);
            int lineEnd = eol < 0 ? cell.length() : eol;
            String line = cell.substring(pos, lineEnd);
            if (line.stripLeading().startsWith("%") && !line.stripLeading().startsWith("%%")) {
                String java = cell.substring(chunkStart, pos);
                if (!java.isBlank()) {
                    e.eval(cell, java, chunkStart);
                }
                String magic = line.stripLeading().substring(1);
                int sp = magic.indexOf(' ');
                String name = sp < 0 ? magic.strip() : magic.substring(0, sp);
                String args = sp < 0 ? "" : magic.substring(sp + 1);
                Object r = magic(false, name, args, null);
                outcome = r instanceof CellEngine.Outcome o ? o : CellEngine.Outcome.NONE;
                chunkStart = eol < 0 ? cell.length() : eol + 1;
            }
            if (eol < 0) {
                break;
            }
            pos = eol + 1;
        }
        String java = cell.substring(Math.min(chunkStart, cell.length()));
        if (!java.isBlank()) {
            outcome = e.eval(cell, java, chunkStart);
        }
        return outcome;
    }

    /** Evaluates plain Java (no magics). */
    CellEngine.Outcome runJava(String code) {
        return engine().eval(code, code, 0);
    }

    private Object magic(boolean cellMagic, String name, String argLine, String body) {
        List<String> args = splitArgs(argLine);
        try {
            return cellMagic ? magicsRegistry.evalCellMagic(this, name, args, body)
                    : magicsRegistry.evalLineMagic(this, name, args);
        } catch (CellError e) {
            throw e;
        } catch (UndefinedMagicException e) {
            String msg = "unknown magic " + (cellMagic ? "%%" : "%") + name + " (line magics: "
                    + String.join(", ", new java.util.TreeSet<>(magicsRegistry.getLineMagicNames())) + "; cell magics: "
                    + String.join(", ", new java.util.TreeSet<>(magicsRegistry.getCellMagicNames())) + ")";
            throw new CellError("UnknownMagic", msg, List.of(ErrorFormat.RED + "UnknownMagic: " + ErrorFormat.RESET + msg));
        } catch (Exception e) {
            String n = e.getClass().getSimpleName();
            String msg = String.valueOf(e.getMessage());
            List<String> tb = new ArrayList<>();
            tb.add(ErrorFormat.RED + n + ": " + ErrorFormat.RESET + msg.lines().findFirst().orElse(""));
            msg.lines().skip(1).forEach(tb::add);
            throw new CellError(n, msg, tb);
        }
    }

    /** Splits magic arguments like a shell: whitespace-separated, with '…' and "…" quoting. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    @Override
    public Object evalRaw(String source) {
        CellEngine.Outcome o = runCell(source);
        return o.hasValue() ? o.value() : null;
    }

    // ---------------------------------------------------------------- display

    /** Publishes {@code o} as a new display of the running cell; returns its display id (null outside a cell). */
    String displayNew(Object o, String... mimeTypes) {
        ShellReplyEnvironment e = env;
        DisplayData data = o instanceof DisplayData d ? new DisplayData(d)
                : mimeTypes.length == 0 ? getRenderer().render(o) : getRenderer().renderAs(o, mimeTypes);
        String id = data.hasDisplayId() ? data.getDisplayId() : UUID.randomUUID().toString();
        data.setDisplayId(id);
        if (e == null) {
            return null;
        }
        System.out.flush();
        out.flushNow();
        publish(() -> e.publish(new PublishDisplayData(data)));
        return id;
    }

    /** Replaces the display {@code id} by {@code o}. */
    void displayUpdate(String id, Object o, String... mimeTypes) {
        if (id == null) {
            return;
        }
        ShellReplyEnvironment e = env;
        if (e == null) {
            return;
        }
        DisplayData data = o instanceof DisplayData d ? new DisplayData(d)
                : mimeTypes.length == 0 ? getRenderer().render(o) : getRenderer().renderAs(o, mimeTypes);
        data.setDisplayId(id);
        publish(() -> e.publish(new PublishUpdateDisplayData(data)));
    }

    /**
     * Runs a send. On the cell thread the send is handed to a publisher thread and awaited without reacting
     * to interrupts: Jupyter's interrupt interrupts the cell thread, and an interrupt arriving inside a ZeroMQ
     * send made it fail with {@code ZMQException: Errno 4} (EINTR) instead of the cell ending with
     * {@code Interrupted} at its next {@code Progress.step()}. The flag is restored afterwards, and the
     * caller waits, so message order is unchanged.
     */
    private void publish(Runnable send) {
        CellEngine e = engine.getNow(null);
        if (e == null || Thread.currentThread() != e.cellThread().thread()) {
            send.run();
            return;
        }
        java.util.concurrent.Future<?> f = cellPublisher.submit(send);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException ie) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException ee) {
                    Throwable c = ee.getCause();
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- introspection

    @Override
    public ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        String prefix = code.substring(lineStart, at);
        Matcher m = Pattern.compile("^\\s*(%%?)(\\w*)$").matcher(prefix);
        if (m.matches()) {
            boolean cell = m.group(1).length() == 2;
            List<String> names = (cell ? magicsRegistry.getCellMagicNames() : magicsRegistry.getLineMagicNames())
                    .stream().filter(n -> n.startsWith(m.group(2))).sorted().collect(Collectors.toList());
            return new ReplacementOptions(names, at - m.group(2).length(), at);
        }
        CellEngine.Completion c = engine().complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<SourceCodeAnalysis.Documentation> docs = engine().inspect(code, at);
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            text.append(d.signature()).append('\n');
            html.append("<p><code>").append(Displays.escape(d.signature())).append("</code></p>");
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                text.append(d.javadoc().strip()).append("\n\n");
                html.append("<div>").append(d.javadoc().strip()).append("</div>");
            }
        }
        DisplayData data = new DisplayData(text.toString().strip());
        data.putHTML(html.toString());
        return data;
    }

    @Override
    public String isComplete(String code) {
        if (CELL_MAGIC.matcher(code).lookingAt()) {
            return IS_COMPLETE_YES;
        }
        String java = code.lines().map(l -> l.stripLeading().startsWith("%") ? "" : l)
                .collect(Collectors.joining("\n"));
        if (java.isBlank()) {
            return IS_COMPLETE_YES;
        }
        String status = engine().isComplete(java);
        switch (status) {
            case "complete":
                return IS_COMPLETE_YES;
            case "invalid":
                return IS_COMPLETE_BAD;
            default:
                String lastLine = java.substring(java.lastIndexOf('\n') + 1);
                String indent = lastLine.substring(0, lastLine.length() - lastLine.stripLeading().length());
                return lastLine.strip().endsWith("{") || lastLine.strip().endsWith("(") ? indent + "    " : indent;
        }
    }

    /**
     * history_reply with entries as the protocol's {@code [session, line, input]} (or {@code [.., [input, output]]})
     * tuples; jjava-jupyter 1.0-a6 serialises them as objects.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> msg) {
        env.setBusyDeferIdle();
        HistoryRequest req = msg.getContent();
        java.util.Set<HistoryManager.ResultFlag> flags = java.util.EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (req.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries;
        if (req instanceof HistoryRequest.Tail t) {
            entries = history.lookupTail(t.getMaxReturnLength(), flags);
        } else if (req instanceof HistoryRequest.Range r) {
            entries = history.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
        } else if (req instanceof HistoryRequest.Search s) {
            if (s.filterUnique()) {
                flags.add(HistoryManager.ResultFlag.UNIQUE);
            }
            entries = history.search(s.getPattern(), s.getMaxReturnLength(), flags);
        } else {
            entries = List.of();
        }
        List<Object> tuples = new ArrayList<>();
        for (HistoryEntry e : entries) {
            Object in = req.includeOutput() ? List.of(e.getInput(), e.hasOutput() ? e.getOutput() : "") : e.getInput();
            tuples.add(List.of(e.getSession(), e.getCellNumber(), in));
        }
        Map<String, Object> content = new java.util.LinkedHashMap<>();
        content.put("status", "ok");
        content.put("history", tuples);
        env.reply(new Message(msg, (org.dflib.jjava.jupyter.messages.MessageType) HistoryReply.MESSAGE_TYPE, content));
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> msg) {
        env.setBusyDeferIdle();
        env.reply(new KernelInfoOk(getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    /** kernel_info_reply with the {@code status} field that jjava-jupyter 1.0-a6 omits (protocol 5.x requires it). */
    static final class KernelInfoOk extends KernelInfoReply {
        @SuppressWarnings("unused")
        private final String status = "ok";

        KernelInfoOk(LanguageInfo info, String banner, List<HelpLink> links) {
            super("5.3", "workbench-java", version(), info, banner, links);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void interrupt() {
        CellEngine e = engine.getNow(null);
        if (e != null) {
            e.cellThread().interrupt();
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        return e instanceof CellError c ? c.traceback() : ErrorFormat.runtimeError(e).traceback();
    }

    @Override
    public void onShutdown(boolean restart) {
        CellEngine e = engine.getNow(null);
        if (e != null) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                LOG.debug("JShell close: {}", ex.toString());
            }
        }
        ticker.shutdownNow();
        cellPublisher.shutdownNow();
    }

    /** Milliseconds since the JVM started (start-up measurements in the kernel's log). */
    static long jvmUptimeMs() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Writes a line to the kernel's own log (the Jupyter server's console), not to a cell. */
    void log(String line) {
        consoleErr.println(line);
    }
}
