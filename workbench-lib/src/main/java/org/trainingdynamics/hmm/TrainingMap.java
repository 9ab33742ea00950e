package org.trainingdynamics.hmm;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.DirectedWeightedPseudograph;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The training map (Hu et al. 2023 Fig. 1; {@code save_markov_chain(trim=True)}): one node per HMM state, an edge
 * {@code i -> j} (self-loops included) wherever consecutive Viterbi states of some run go from i to j, weighted by
 * {@code transmat[i][j]}. Also: how often each edge and state occurs, where runs start, the states' order by mean
 * first-visit time, which states branch (two or more observed successors besides themselves), and how much of the
 * traffic goes forward in that order.
 */
public final class TrainingMap {
    private final int states;
    private final double[][] transmat;
    private final int[][] edgeCounts;
    private final int[] visits;
    private final int[] starts;
    private final double[] meanFirstVisit;
    private final Graph<Integer, DefaultWeightedEdge> graph;

    private TrainingMap(int states, double[][] transmat, int[][] edgeCounts, int[] visits, int[] starts,
                        double[] meanFirstVisit) {
        this.states = states;
        this.transmat = transmat;
        this.edgeCounts = edgeCounts;
        this.visits = visits;
        this.starts = starts;
        this.meanFirstVisit = meanFirstVisit;
        this.graph = new DirectedWeightedPseudograph<>(DefaultWeightedEdge.class);
        for (int s = 0; s < states; s++) {
            graph.addVertex(s);
        }
        for (int i = 0; i < states; i++) {
            for (int j = 0; j < states; j++) {
                if (edgeCounts[i][j] > 0) {
                    DefaultWeightedEdge e = graph.addEdge(i, j);
                    graph.setEdgeWeight(e, transmat[i][j]);
                }
            }
        }
    }

    /** Builds the map from each run's Viterbi path and the model's transition matrix. */
    public static TrainingMap of(GaussianHmm model, List<int[]> paths) {
        int k = model.states();
        int[][] counts = new int[k][k];
        int[] visits = new int[k];
        int[] starts = new int[k];
        double[] firstSum = new double[k];
        int[] firstN = new int[k];
        for (int[] p : paths) {
            if (p.length == 0) {
                continue;
            }
            starts[p[0]]++;
            boolean[] seen = new boolean[k];
            for (int t = 0; t < p.length; t++) {
                visits[p[t]]++;
                if (!seen[p[t]]) {
                    seen[p[t]] = true;
                    firstSum[p[t]] += p.length > 1 ? (double) t / (p.length - 1) : 0;
                    firstN[p[t]]++;
                }
                if (t > 0) {
                    counts[p[t - 1]][p[t]]++;
                }
            }
        }
        double[] mfv = new double[k];
        for (int s = 0; s < k; s++) {
            mfv[s] = firstN[s] > 0 ? firstSum[s] / firstN[s] : Double.NaN;
        }
        return new TrainingMap(k, model.transmat(), counts, visits, starts, mfv);
    }

    /** The graph: vertices are states, edges observed transitions weighted by {@code transmat}. */
    public Graph<Integer, DefaultWeightedEdge> graph() {
        return graph;
    }

    /** Number of times transition {@code i -> j} occurs in the paths. */
    public int edgeCount(int i, int j) {
        return edgeCounts[i][j];
    }

    /** How many runs start in each state. */
    public int[] startCounts() {
        return starts.clone();
    }

    /** Frames spent in each state over all runs. */
    public int[] visitCounts() {
        return visits.clone();
    }

    /** Mean first-visit time of each state, as a fraction of the run (NaN: never visited). */
    public double[] meanFirstVisit() {
        return meanFirstVisit.clone();
    }

    /** States with at least two observed successors other than themselves. */
    public List<Integer> branchingStates() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < states; i++) {
            int succ = 0;
            for (int j = 0; j < states; j++) {
                if (j != i && edgeCounts[i][j] > 0) {
                    succ++;
                }
            }
            if (succ >= 2) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Share of observed state changes (self-loops excluded) that go to a state with a later mean first-visit time:
     * 1 for a strictly left-to-right chain.
     */
    public double forwardFraction() {
        long fwd = 0;
        long all = 0;
        for (int i = 0; i < states; i++) {
            for (int j = 0; j < states; j++) {
                if (i != j && edgeCounts[i][j] > 0) {
                    all += edgeCounts[i][j];
                    if (meanFirstVisit[j] > meanFirstVisit[i]) {
                        fwd += edgeCounts[i][j];
                    }
                }
            }
        }
        return all == 0 ? 1 : (double) fwd / all;
    }

    /** Edge table: from, to, count, transmat. */
    public Table toTable() {
        IntColumn f = IntColumn.create("from");
        IntColumn t = IntColumn.create("to");
        IntColumn c = IntColumn.create("count");
        DoubleColumn w = DoubleColumn.create("transmat");
        for (int i = 0; i < states; i++) {
            for (int j = 0; j < states; j++) {
                if (edgeCounts[i][j] > 0) {
                    f.append(i);
                    t.append(j);
                    c.append(edgeCounts[i][j]);
                    w.append(transmat[i][j]);
                }
            }
        }
        return Table.create("training-map", f, t, c, w);
    }

    /**
     * Draws the map: states left to right by mean first-visit time, node area by frames spent, start states
     * outlined, edges labelled with {@code transmat} to 3 decimals (as the released code), self-loops as arcs.
     */
    public BufferedImage render(String title) {
        int width = 900;
        int height = 520;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 28);
        // layout: x by rank of mean first visit, y alternating around the middle
        Integer[] order = new Integer[states];
        for (int i = 0; i < states; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(nanLast(meanFirstVisit[a]), nanLast(meanFirstVisit[b])));
        double[] px = new double[states];
        double[] py = new double[states];
        for (int r = 0; r < states; r++) {
            int s = order[r];
            px[s] = 90 + (states == 1 ? 0 : r * (width - 180.0) / (states - 1));
            // three rows, so that edges between non-neighbours rarely cross a node
            py[s] = height / 2.0 + 10 + (states > 2 ? new double[]{-130, 0, 130}[r % 3] : 0);
        }
        int maxVisits = 1;
        for (int v : visits) {
            maxVisits = Math.max(maxVisits, v);
        }
        double[] rad = new double[states];
        for (int s = 0; s < states; s++) {
            rad[s] = 18 + 22 * Math.sqrt((double) visits[s] / maxVisits);
        }
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(small);
        for (int i = 0; i < states; i++) {
            for (int j = 0; j < states; j++) {
                if (edgeCounts[i][j] == 0) {
                    continue;
                }
                String label = String.format(Locale.ROOT, "%.3f", transmat[i][j]);
                g.setStroke(new BasicStroke((float) (1 + 3 * transmat[i][j])));
                g.setColor(new Color(60, 60, 60));
                if (i == j) {
                    double r = rad[i];
                    g.draw(new Ellipse2D.Double(px[i] - r * 0.5, py[i] - r * 1.9, r, r * 1.1));
                    g.drawString(label, (float) (px[i] - 14), (float) (py[i] - r * 1.95));
                    continue;
                }
                double dx = px[j] - px[i];
                double dy = py[j] - py[i];
                double len = Math.hypot(dx, dy);
                double ux = dx / len;
                double uy = dy / len;
                double sx = px[i] + ux * rad[i];
                double sy = py[i] + uy * rad[i];
                double ex = px[j] - ux * rad[j];
                double ey = py[j] - uy * rad[j];
                double bend = edgeCounts[j][i] > 0 ? 30 : 0; // curve apart two-way edges
                double cx = (sx + ex) / 2 - uy * bend;
                double cy = (sy + ey) / 2 + ux * bend;
                g.draw(new QuadCurve2D.Double(sx, sy, cx, cy, ex, ey));
                double ax = ex - cx;
                double ay = ey - cy;
                double al = Math.hypot(ax, ay);
                ax /= al;
                ay /= al;
                Path2D head = new Path2D.Double();
                head.moveTo(ex, ey);
                head.lineTo(ex - 12 * ax + 6 * ay, ey - 12 * ay - 6 * ax);
                head.lineTo(ex - 12 * ax - 6 * ay, ey - 12 * ay + 6 * ax);
                head.closePath();
                g.fill(head);
                g.setColor(new Color(20, 70, 160));
                // label at 35% of the way, so labels of crossing edges rarely coincide
                double lx = sx + 0.35 * (ex - sx) - uy * bend * 0.5;
                double ly = sy + 0.35 * (ey - sy) + ux * bend * 0.5;
                g.drawString(label, (float) (lx + 4), (float) (ly - 4));
            }
        }
        Color[] palette = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
            new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        FontMetrics fm = g.getFontMetrics();
        for (int s = 0; s < states; s++) {
            double r = rad[s];
            g.setColor(palette[s % palette.length]);
            g.fill(new Ellipse2D.Double(px[s] - r, py[s] - r, 2 * r, 2 * r));
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(starts[s] > 0 ? 4f : 1.5f));
            g.draw(new Ellipse2D.Double(px[s] - r, py[s] - r, 2 * r, 2 * r));
            String lab = String.valueOf(s);
            g.setColor(Color.WHITE);
            g.drawString(lab, (float) (px[s] - fm.stringWidth(lab) / 2.0), (float) (py[s] + fm.getAscent() / 2.0 - 2));
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(small);
        g.drawString("nodes: states, left to right by mean first visit; area ~ frames spent; thick outline: start state",
                20, height - 34);
        g.drawString("edges: observed Viterbi transitions, labelled with transmat", 20, height - 16);
        g.dispose();
        return img;
    }

    /** Renders and writes a PNG; returns the path. */
    public Path savePng(Path file, String title) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            ImageIO.write(render(title), "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.MAX_VALUE : v;
    }
}
