package org.trainingdynamics.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.tools.ToolProvider;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Unit tests of the kernel's parts that need no Jupyter: bytecode guard, argument splitting, tables, history. */
class KernelPartsTest {

    @TempDir
    Path dir;

    @Test
    void exitGuardRedirectsSystemExitAndLeavesOtherCodeAlone() throws Exception {
        Path src = dir.resolve("Quitter.java");
        Files.writeString(src, "public class Quitter { public static String run(int s) { if (s >= 0) System.exit(s);"
                + " return String.valueOf(System.currentTimeMillis() > 0); } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString())).isZero();
        byte[] original = Files.readAllBytes(dir.resolve("Quitter.class"));
        byte[] guarded = ExitGuard.rewrite(original);
        assertThat(guarded).isNotEqualTo(original);
        Class<?> c = new ClassLoader(getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass("Quitter", guarded, 0, guarded.length);
            }
        }.define();
        Method run = c.getMethod("run", int.class);
        assertThat(run.invoke(null, -1)).isEqualTo("true");
        assertThatThrownBy(() -> run.invoke(null, 7)).isInstanceOf(InvocationTargetException.class)
                .cause().isInstanceOf(ExitGuard.ExitRequested.class).hasMessageContaining("System.exit(7)");
        assertThat(ExitGuard.rewrite(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        Path other = dir.resolve("Calm.java");
        Files.writeString(other, "public class Calm { public static void run() { System.out.println(\"x\"); } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), other.toString())).isZero();
        byte[] calm = Files.readAllBytes(dir.resolve("Calm.class"));
        assertThat(ExitGuard.rewrite(calm)).isSameAs(calm);
    }

    @Test
    void magicArgumentsSplitLikeAShell() {
        assertThat(WorkbenchKernel.splitArgs("a  'b c' \"d \\\"e\\\"\" ''")).containsExactly("a", "b c", "d \"e\"", "");
        assertThat(WorkbenchKernel.splitArgs("   ")).isEmpty();
    }

    @Test
    void classpathGlobsMatchFilesUnderTheBase() throws Exception {
        Files.createDirectories(dir.resolve("lib/sub"));
        Files.writeString(dir.resolve("lib/a.jar"), "");
        Files.writeString(dir.resolve("lib/sub/b.jar"), "");
        Files.writeString(dir.resolve("lib/c.txt"), "");
        assertThat(Magics.glob(dir + "/lib/*.jar")).containsExactly(dir.resolve("lib/a.jar"));
        assertThat(Magics.glob(dir + "/lib/**.jar")).containsExactly(dir.resolve("lib/a.jar"), dir.resolve("lib/sub/b.jar"));
        assertThat(Magics.glob(dir + "/lib/none*.jar")).isEmpty();
    }

    @Test
    void tableHtmlLimitsRowsAndCaptions() {
        Table t = Table.create("steps", IntColumn.indexColumn("step", 100, 0));
        String html = Displays.tableHtml(t, t.name());
        assertThat(html).contains("<b>steps</b>", "100 rows", "1 columns", "showing first 15 and last 5");
        assertThat(html.split("<tr>", -1)).hasSize(1 + 1 + 15 + 1 + 5);
        assertThat(html).contains("<td>14</td>", "<td>95</td>", "<td>99</td>").doesNotContain("<td>50</td>");
        assertThat(Displays.tableHtml(Table.create("x<y>", IntColumn.create("a", new int[] {1, 2})), "x<y>")).contains("x&lt;y&gt;")
                .doesNotContain("showing");
    }

    record WithTable(int n) {
        public Table toTable() {
            return Table.create("t", IntColumn.create("n", new int[] {n}));
        }
    }

    record Plain(int n) {
    }

    @Test
    void recordsWithToTableRenderTheirTable() {
        assertThat(Displays.toTable(new WithTable(3)).intColumn("n").get(0)).isEqualTo(3);
        assertThat(Displays.toTable(new Plain(3))).isNull();
    }

    @Test
    void historySupportsTailRangeAndGlobSearch() {
        KernelHistory h = new KernelHistory();
        h.add(1, "int x = 1;", null);
        h.add(2, "x + 1", "2");
        h.add(3, "x + 1", "2");
        h.add(4, "y", null);
        var none = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        assertThat(h.lookupTail(2, none)).extracting(e -> e.getCellNumber()).containsExactly(3, 4);
        assertThat(h.lookupRange(KernelHistory.SESSION, 2, 4, none)).extracting(e -> e.getCellNumber()).containsExactly(2, 3);
        assertThat(h.search("x + *", 10, none)).hasSize(2);
        assertThat(h.search("x + *", 10, EnumSet.of(HistoryManager.ResultFlag.UNIQUE))).hasSize(1);
        assertThat(h.lookupTail(1, EnumSet.of(HistoryManager.ResultFlag.INCLUDE_OUTPUT)).get(0).getOutput()).isEqualTo("");
        assertThat(List.of(h.lookupTail(9, none).size())).containsExactly(4);
    }

    @Test
    void kernelSpecQuotesJson() {
        assertThat(KernelSpec.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
