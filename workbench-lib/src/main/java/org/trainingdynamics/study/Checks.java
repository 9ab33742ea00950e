package org.trainingdynamics.study;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The explicit checks that end every curated notebook: each compares an outcome with the published
 * claim, and {@link #verify()} prints a PASS/FAIL table and throws if any check failed, so a notebook run
 * (and {@code ./workbench reproduce}) fails loudly.
 */
public final class Checks {
    /** One check's outcome. */
    public record Check(String name, boolean pass, String expected, String observed) {
    }

    private final List<Check> checks = new ArrayList<>();

    /** Records a boolean check with what was expected and what was observed. */
    public Checks check(String name, boolean pass, String expected, String observed) {
        checks.add(new Check(name, pass, expected, observed));
        return this;
    }

    /** Records {@code |actual - expected| <= tol}. */
    public Checks close(String name, double actual, double expected, double tol) {
        boolean pass = Double.isFinite(actual) && Math.abs(actual - expected) <= tol;
        return check(name, pass, expected + " ± " + tol, Double.toString(actual));
    }

    /** Records {@code actual < bound}. */
    public Checks below(String name, double actual, double bound) {
        return check(name, Double.isFinite(actual) && actual < bound, "< " + bound, Double.toString(actual));
    }

    /** Records {@code actual > bound}. */
    public Checks above(String name, double actual, double bound) {
        return check(name, Double.isFinite(actual) && actual > bound, "> " + bound, Double.toString(actual));
    }

    /** The checks so far. */
    public List<Check> all() {
        return List.copyOf(checks);
    }

    /** True when every check passed (and there is at least one). */
    public boolean allPass() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::pass);
    }

    /** The PASS/FAIL table. */
    public Table toTable() {
        Table t = Table.create("checks", StringColumn.create("check"), StringColumn.create("result"),
                StringColumn.create("expected"), StringColumn.create("observed"));
        for (Check c : checks) {
            t.stringColumn(0).append(c.name());
            t.stringColumn(1).append(c.pass() ? "PASS" : "FAIL");
            t.stringColumn(2).append(c.expected());
            t.stringColumn(3).append(c.observed());
        }
        return t;
    }

    /**
     * Prints one {@code PASS|FAIL name: observed (expected ...)} line per check and a summary line
     * {@code checks: N passed, M failed}; throws {@link AssertionError} if any failed or none was recorded.
     */
    public Table verify() {
        long failed = checks.stream().filter(c -> !c.pass()).count();
        for (Check c : checks) {
            System.out.println((c.pass() ? "PASS " : "FAIL ") + c.name() + ": " + c.observed() + " (expected " + c.expected() + ")");
        }
        System.out.println("checks: " + (checks.size() - failed) + " passed, " + failed + " failed");
        if (checks.isEmpty()) {
            throw new AssertionError("no checks were recorded");
        }
        if (failed > 0) {
            throw new AssertionError(failed + " of " + checks.size() + " checks failed");
        }
        return toTable();
    }
}
