package org.trainingdynamics.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/** In-memory history of the kernel session's executed cells (Jupyter's tail, range and glob search). */
final class KernelHistory implements HistoryManager {
    /** Session number reported for this kernel process. */
    static final int SESSION = 1;

    private record Entry(int cell, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int cell, String input, String output) {
        entries.add(new Entry(cell, input, output));
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int n, Set<ResultFlag> flags) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return convert(entries.subList(from, entries.size()), flags);
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        List<Entry> out = new ArrayList<>();
        if (session == SESSION || session == 0) {
            for (Entry e : entries) {
                if (e.cell >= start && (stop <= 0 || e.cell < stop)) {
                    out.add(e);
                }
            }
        }
        return convert(out, flags);
    }

    @Override
    public synchronized List<HistoryEntry> search(String glob, int n, Set<ResultFlag> flags) {
        Pattern p = Pattern.compile(globToRegex(glob == null || glob.isEmpty() ? "*" : glob), Pattern.DOTALL);
        List<Entry> hits = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (!p.matcher(e.input).matches()) {
                continue;
            }
            if (flags.contains(ResultFlag.UNIQUE) && !seen.add(e.input)) {
                continue;
            }
            hits.add(0, e);
            if (n > 0 && hits.size() >= n) {
                break;
            }
        }
        return convert(hits, flags);
    }

    private static List<HistoryEntry> convert(List<Entry> list, Set<ResultFlag> flags) {
        boolean withOutput = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        List<HistoryEntry> out = new ArrayList<>(list.size());
        for (Entry e : list) {
            out.add(new HistoryEntry(SESSION, e.cell, e.input, withOutput ? (e.output == null ? "" : e.output) : null));
        }
        return out;
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }
}
