package org.trainingdynamics.kernel;

import java.util.List;

/**
 * A cell's failure as Jupyter shows it: an error name, a one-line value and the traceback lines
 * (already formatted, see {@link ErrorFormat}).
 */
final class CellError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String value;
    private final List<String> traceback;

    CellError(String name, String value, List<String> traceback) {
        super(name + ": " + value, null, false, false);
        this.name = name;
        this.value = value;
        this.traceback = List.copyOf(traceback);
    }

    String errorName() {
        return name;
    }

    String errorValue() {
        return value;
    }

    List<String> traceback() {
        return traceback;
    }
}
