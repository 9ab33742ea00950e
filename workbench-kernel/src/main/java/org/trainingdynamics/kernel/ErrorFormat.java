package org.trainingdynamics.kernel;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import jdk.jshell.Diag;

/**
 * Readable errors: compile errors show the cell line with the offending span marked; runtime exceptions show
 * the exception, the cell's own frames (named {@code <cell>}), the library frames that matter, and fold runs of
 * JDK-internal, reflection, JShell and ND4J/JavaCPP frames into one line each. The kernel's own frames below
 * the cell are dropped.
 */
final class ErrorFormat {
    static final String RED = "\u001b[1;31m";
    static final String CYAN = "\u001b[36m";
    static final String DIM = "\u001b[2m";
    static final String RESET = "\u001b[0m";
    private static final String CELL_CLASS_PREFIX = "REPL.$JShell$";
    private static final String[][] FOLDED = {
        {"jdk.internal.", "JDK internal"}, {"java.lang.reflect.", "reflection"}, {"sun.reflect.", "reflection"},
        {"jdk.jshell.", "JShell"}, {"org.nd4j.", "ND4J"}, {"org.bytedeco.", "JavaCPP"},
        {"java.util.stream.", "stream"}, {"java.util.concurrent.", "concurrency"},
    };

    private ErrorFormat() {
    }

    /** A compile error: every error diagnostic with its line, column and the marked source line. */
    static CellError compileError(String cell, int pieceOffset, List<Diag> diags) {
        List<String> tb = new ArrayList<>();
        String first = null;
        for (Diag d : diags) {
            if (!d.isError()) {
                continue;
            }
            String msg = d.getMessage(Locale.ROOT);
            if (first == null) {
                first = msg.lines().findFirst().orElse(msg);
            }
            long start = d.getStartPosition() < 0 ? d.getPosition() : d.getStartPosition();
            long end = d.getEndPosition() < 0 ? start + 1 : d.getEndPosition();
            int abs = (int) Math.max(0, Math.min(cell.length(), pieceOffset + Math.max(0, start)));
            int absEnd = (int) Math.max(abs + 1, Math.min(cell.length(), pieceOffset + end));
            int lineStart = cell.lastIndexOf('\n', abs - 1) + 1;
            int lineEnd = cell.indexOf('\n', abs);
            if (lineEnd < 0) {
                lineEnd = cell.length();
            }
            int line = 1 + (int) cell.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            int col = abs - lineStart + 1;
            tb.add(RED + "error: " + msg.lines().findFirst().orElse(msg) + RESET
                    + " (cell line " + line + ", column " + col + ")");
            msg.lines().skip(1).forEach(l -> tb.add("  " + l));
            String src = cell.substring(lineStart, lineEnd);
            tb.add(String.format("%4d | %s", line, src));
            int markEnd = Math.min(absEnd, lineEnd);
            tb.add("     | " + " ".repeat(Math.max(0, abs - lineStart)) + RED
                    + "^".repeat(Math.max(1, markEnd - abs)) + RESET);
        }
        if (first == null) {
            first = "the cell does not compile";
            tb.add(RED + "error: " + first + RESET);
        }
        return new CellError("CompilationError", first, tb);
    }

    /** A runtime exception thrown by cell code. */
    static CellError runtimeError(Throwable t) {
        if (t instanceof ExitGuard.ExitRequested exit) {
            return new CellError("SystemExit", exit.getMessage(), List.of(RED + "SystemExit: " + RESET + exit.getMessage()));
        }
        if (isInterrupt(t)) {
            String msg = "the cell was interrupted";
            return new CellError("Interrupted", msg, List.of(RED + "Interrupted: " + RESET + msg
                    + " (" + t.getClass().getSimpleName() + ")"));
        }
        List<String> tb = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable cur = t;
        boolean firstOne = true;
        while (cur != null && seen.put(cur, Boolean.TRUE) == null) {
            String header = cur.getClass().getName() + (cur.getMessage() == null ? "" : ": " + cur.getMessage());
            tb.add((firstOne ? RED : RED + "Caused by: ") + header + RESET);
            if (cur instanceof OutOfMemoryError) {
                tb.add(DIM + "  (the cell's allocations are released when it ends; the kernel keeps running)" + RESET);
            }
            frames(cur.getStackTrace(), tb);
            firstOne = false;
            cur = cur.getCause();
        }
        String value = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        return new CellError(t.getClass().getSimpleName(), value, tb);
    }

    static boolean isInterrupt(Throwable t) {
        return t instanceof InterruptedException || t instanceof CancellationException || t instanceof ThreadDeath
                || (t != null && t.getCause() instanceof InterruptedException
                && t.getClass().getName().contains("Interrupt"));
    }

    private static void frames(StackTraceElement[] st, List<String> out) {
        int end = st.length;
        // drop the kernel machinery below the outermost cell frame
        for (int i = st.length - 1; i >= 0; i--) {
            if (st[i].getClassName().startsWith(CELL_CLASS_PREFIX)) {
                end = i + 1;
                break;
            }
        }
        String foldName = null;
        int foldCount = 0;
        for (int i = 0; i < end; i++) {
            StackTraceElement f = st[i];
            String group = foldGroup(f.getClassName());
            if (group != null) {
                if (group.equals(foldName)) {
                    foldCount++;
                } else {
                    flushFold(out, foldName, foldCount);
                    foldName = group;
                    foldCount = 1;
                }
                continue;
            }
            flushFold(out, foldName, foldCount);
            foldName = null;
            foldCount = 0;
            if (f.getClassName().startsWith(CELL_CLASS_PREFIX)) {
                String m = f.getMethodName();
                out.add(CYAN + "  at <cell>" + ("do_it$".equals(m) ? "" : "." + m + "(...)") + RESET);
            } else {
                out.add("  at " + f);
            }
        }
        flushFold(out, foldName, foldCount);
    }

    private static void flushFold(List<String> out, String name, int count) {
        if (name != null && count > 0) {
            out.add(DIM + "  ... " + count + " " + name + " frame" + (count == 1 ? "" : "s") + RESET);
        }
    }

    private static String foldGroup(String className) {
        for (String[] g : FOLDED) {
            if (className.startsWith(g[0])) {
                return g[1];
            }
        }
        return null;
    }
}
