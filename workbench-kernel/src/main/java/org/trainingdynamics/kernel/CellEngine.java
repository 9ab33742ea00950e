package org.trainingdynamics.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * Java cells on JShell: splits a cell into snippets, evaluates them in order with the in-process engine,
 * keeps state across cells, returns the value of a trailing expression, and turns failures into
 * {@link CellError}s. Also answers completion, inspection and completeness queries.
 */
final class CellEngine implements AutoCloseable {

    /** The value of the cell's trailing expression, if it has one. */
    record Outcome(boolean hasValue, Object value) {
        static final Outcome NONE = new Outcome(false, null);
    }

    /**
     * One snippet of a cell: raw text and its offset in the cell, and the source given to JShell (with the
     * semicolon JShell's analysis adds where one is optional) and its offset in the cell.
     */
    record Piece(String text, int offset, Completeness completeness, String source, int sourceOffset) {
        static Piece raw(String text, int offset, Completeness c) {
            return new Piece(text, offset, c, text, offset);
        }
    }

    private final JShell jshell;
    private final InProcessExecutionControl control;
    private final SnippetLoader loader;
    private final CellThread cellThread;
    private final Method classFullName;

    CellEngine(PrintStream out, PrintStream err, InputStream in) {
        this.loader = new SnippetLoader(CellEngine.class.getClassLoader());
        this.cellThread = new CellThread(loader.classLoader());
        this.control = new InProcessExecutionControl(loader, cellThread);
        this.jshell = JShell.builder()
                .executionEngine(new InProcessExecutionControl.Provider(control), null)
                .out(out).err(err).in(in)
                .compilerOptions("-Xlint:-options")
                .build();
        this.classFullName = classFullNameAccessor();
    }

    JShell jshell() {
        return jshell;
    }

    CellThread cellThread() {
        return cellThread;
    }

    ClassLoader cellClassLoader() {
        return loader.classLoader();
    }

    /** Adds a class-path entry for both compilation and execution. */
    void addToClasspath(String path) {
        jshell.addToClasspath(path);
    }

    /** Splits Java source into JShell snippets (the last one may be incomplete or invalid). */
    List<Piece> split(String code, int baseOffset) {
        SourceCodeAnalysis sca = jshell.sourceCodeAnalysis();
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        int pos = baseOffset;
        while (!rest.isBlank()) {
            CompletionInfo ci = sca.analyzeCompletion(rest);
            Completeness c = ci.completeness();
            if (c == Completeness.EMPTY) {
                break;
            }
            if (c.isComplete()) {
                String consumed = rest.substring(0, rest.length() - ci.remaining().length());
                if (consumed.isEmpty()) {
                    pieces.add(Piece.raw(rest, pos, c));
                    break;
                }
                if (c == Completeness.COMPLETE_WITH_SEMI) {
                    String src = ci.source();
                    String probe = src.substring(0, Math.max(1, Math.min(src.length() - 1, 24)));
                    int at = consumed.indexOf(probe);
                    if (at < 0) {
                        at = consumed.length() - consumed.stripLeading().length();
                    }
                    pieces.add(new Piece(consumed, pos, c, src, pos + at));
                } else {
                    pieces.add(Piece.raw(consumed, pos, c));
                }
                pos += consumed.length();
                rest = ci.remaining();
            } else {
                pieces.add(Piece.raw(rest, pos, c));
                break;
            }
        }
        return pieces;
    }

    /**
     * Evaluates Java source (no magics) that sits at {@code offset} within {@code cell}; returns the trailing
     * expression's value unless the source ends with {@code ;} (as in IPython).
     */
    Outcome eval(String cell, String code, int offset) {
        List<Piece> pieces = split(code, offset);
        Outcome outcome = Outcome.NONE;
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            boolean last = i == pieces.size() - 1;
            outcome = evalPiece(cell, p, last);
        }
        return outcome;
    }

    private Outcome evalPiece(String cell, Piece p, boolean last) {
        control.clearLast();
        List<SnippetEvent> events = jshell.eval(p.source());
        Outcome outcome = Outcome.NONE;
        for (SnippetEvent e : events) {
            Snippet s = e.snippet();
            if (e.causeSnippet() != null) {
                if (e.status() == Snippet.Status.OVERWRITTEN) {
                    release(s);
                }
                continue;
            }
            if (e.status() == Snippet.Status.REJECTED) {
                List<Diag> diags = jshell.diagnostics(s).collect(Collectors.toList());
                throw ErrorFormat.compileError(cell, p.sourceOffset(), diags);
            }
            if (e.exception() != null) {
                throw runtimeError(e.exception());
            }
            if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                if (s instanceof DeclarationSnippet d) {
                    String missing = jshell.unresolvedDependencies(d).collect(Collectors.joining(", "));
                    System.err.println("note: " + d.name() + " was declared but cannot be used until "
                            + missing + " is defined");
                }
            }
            if (last && showsValue(s) && !p.text().strip().endsWith(";")) {
                outcome = new Outcome(true, control.lastValue());
            }
        }
        return outcome;
    }

    private static boolean showsValue(Snippet s) {
        return s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                || s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND;
    }

    private CellError runtimeError(JShellException ex) {
        Throwable real = control.lastThrowable();
        if (ex instanceof UnresolvedReferenceException u) {
            DeclarationSnippet d = u.getSnippet();
            String missing = jshell.unresolvedDependencies(d).collect(Collectors.joining(", "));
            String msg = d.name() + " cannot be used until " + missing + " is defined";
            return new CellError("UnresolvedReference", msg, List.of(ErrorFormat.RED + "UnresolvedReference: "
                    + ErrorFormat.RESET + msg));
        }
        if (real != null) {
            return ErrorFormat.runtimeError(real);
        }
        String name = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
        return new CellError(name, String.valueOf(ex.getMessage()), List.of(ErrorFormat.RED + name + ": "
                + ex.getMessage() + ErrorFormat.RESET));
    }

    /** Releases the static state of an overwritten variable snippet so its old value can be collected. */
    private void release(Snippet s) {
        if (!(s instanceof VarSnippet) || classFullName == null) {
            return;
        }
        try {
            String cls = (String) classFullName.invoke(s);
            // a re-declaration with the same shape keeps the wrapper class (JShell redefines it): still in use
            for (Snippet active : (Iterable<Snippet>) jshell.snippets()::iterator) {
                if (active != s && jshell.status(active).isActive() && cls.equals(classFullName.invoke(active))) {
                    return;
                }
            }
            Class<?> c = loader.loadedOrNull(cls);
            if (c != null) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) && !Modifier.isFinal(m) && !f.getType().isPrimitive()) {
                        f.setAccessible(true);
                        f.set(null, null);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // best effort: the old value stays reachable
        }
    }

    private static Method classFullNameAccessor() {
        try {
            Method m = Snippet.class.getDeclaredMethod("classFullName");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Completion candidates at {@code cursor}: [anchor, cursor, candidates...]. */
    Completion complete(String code, int cursor) {
        Located loc = locate(code, cursor, false);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> sugg = jshell.sourceCodeAnalysis()
                .completionSuggestions(loc.text, loc.cursor, anchor);
        Set<String> out = new LinkedHashSet<>();
        sugg.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> out.add(s.continuation()));
        sugg.forEach(s -> out.add(s.continuation()));
        return new Completion(new ArrayList<>(out), loc.offset + anchor[0], cursor);
    }

    /** Completion result in cell coordinates. */
    record Completion(List<String> matches, int start, int end) {
    }

    /** Signature and Javadoc of the identifier at {@code cursor}, or an empty list. */
    List<SourceCodeAnalysis.Documentation> inspect(String code, int cursor) {
        Located loc = locate(code, cursor, true);
        String t = loc.text;
        int c = Math.min(loc.cursor, t.length());
        while (c < t.length() && Character.isJavaIdentifierPart(t.charAt(c))) {
            c++;
        }
        if (c < t.length() && t.charAt(c) == '(') {
            c++;
        }
        SourceCodeAnalysis sca = jshell.sourceCodeAnalysis();
        List<SourceCodeAnalysis.Documentation> docs = sca.documentation(t.substring(0, c), c, true);
        if (docs.isEmpty() && (c == 0 || t.charAt(c - 1) != '(')) {
            // an identifier without its parenthesis: ask as if the call were being typed
            docs = sca.documentation(t.substring(0, c) + "(", c + 1, true);
        }
        return docs;
    }

    /** Jupyter's is_complete status for Java source: "complete", "incomplete" or "invalid". */
    String isComplete(String code) {
        SourceCodeAnalysis sca = jshell.sourceCodeAnalysis();
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo ci = sca.analyzeCompletion(rest);
            switch (ci.completeness()) {
                case EMPTY:
                    return "complete";
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    if (ci.remaining().length() == rest.length()) {
                        return "complete";
                    }
                    rest = ci.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "incomplete";
                default:
                    return "invalid";
            }
        }
        return "complete";
    }

    private record Located(String text, int cursor, int offset) {
    }

    /** The snippet of {@code code} holding {@code cursor}: its text up to the cursor, or whole when {@code whole}. */
    private Located locate(String code, int cursor, boolean whole) {
        int cur = Math.max(0, Math.min(cursor, code.length()));
        int lineStart = code.lastIndexOf('\n', cur - 1) + 1;
        // magic lines are not Java: complete within the line only
        if (code.startsWith("%", lineStart)) {
            return new Located(code.substring(lineStart, cur), cur - lineStart, lineStart);
        }
        for (Piece p : split(code, 0)) {
            int end = p.offset() + p.text().length();
            if (cur <= end) {
                return new Located(code.substring(p.offset(), whole ? end : cur), cur - p.offset(), p.offset());
            }
        }
        return new Located(whole ? code : code.substring(0, cur), cur, 0);
    }

    @Override
    public void close() {
        jshell.close();
    }
}
