package org.trainingdynamics.hmm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.trainingdynamics.trajectory.AtomicFiles;

/**
 * JSON form of HMM parameters ({@code startprob}, {@code transmat}, {@code means}, {@code covars}), the format of
 * {@code ./workbench hmm fit --init} and of {@code model.json}. Covariances are read in any of hmmlearn's shapes
 * ({@code (K)} spherical, {@code (K,d)} diag, {@code (d,d)} tied, {@code (K,d,d)} full per-state form) and always
 * written in full per-state form.
 */
public final class HmmJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HmmJson() {
    }

    /** Parses parameters from a JSON object node; {@code type} disambiguates the covariance shape. */
    public static HmmParameters parameters(JsonNode node, CovarianceType type) {
        for (String key : new String[]{"startprob", "transmat", "means", "covars"}) {
            if (node == null || !node.has(key)) {
                throw new IllegalArgumentException("HMM parameters lack '" + key + "'");
            }
        }
        double[] start = vector(node.get("startprob"), "startprob");
        double[][] trans = matrix(node.get("transmat"), "transmat");
        double[][] means = matrix(node.get("means"), "means");
        int k = start.length;
        int d = means.length == 0 ? 0 : means[0].length;
        JsonNode cv = node.get("covars");
        int depth = depth(cv);
        double[][][] covars = new double[k][d][d];
        if (depth == 3) {
            double[][][] c = new double[cv.size()][][];
            for (int i = 0; i < cv.size(); i++) {
                c[i] = matrix(cv.get(i), "covars[" + i + "]");
            }
            if (c.length != k) {
                throw new IllegalArgumentException("covars has " + c.length + " matrices, expected " + k);
            }
            covars = c;
        } else if (depth == 2) {
            double[][] c = matrix(cv, "covars");
            if (type == CovarianceType.TIED || (c.length == d && c[0].length == d && type != CovarianceType.DIAG)) {
                for (int i = 0; i < k; i++) {
                    covars[i] = HmmParameters.deepCopy(c);
                }
            } else {
                if (c.length != k) {
                    throw new IllegalArgumentException("diag covars has " + c.length + " rows, expected " + k);
                }
                for (int i = 0; i < k; i++) {
                    if (c[i].length != d) {
                        throw new IllegalArgumentException("diag covars row " + i + " has " + c[i].length + " entries");
                    }
                    for (int a = 0; a < d; a++) {
                        covars[i][a][a] = c[i][a];
                    }
                }
            }
        } else if (depth == 1) {
            double[] c = vector(cv, "covars");
            if (c.length != k) {
                throw new IllegalArgumentException("spherical covars has " + c.length + " entries, expected " + k);
            }
            for (int i = 0; i < k; i++) {
                for (int a = 0; a < d; a++) {
                    covars[i][a][a] = c[i];
                }
            }
        } else {
            throw new IllegalArgumentException("covars must be a list (spherical), matrix (diag/tied) or list of matrices");
        }
        return new HmmParameters(start, trans, means, covars);
    }

    /** Reads parameters from a JSON file (an object with the four keys, or with them under {@code "init"}). */
    public static HmmParameters read(Path file, CovarianceType type) {
        try {
            JsonNode n = MAPPER.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + ": not a JSON object");
            }
            if (!n.has("startprob") && n.has("init")) {
                n = n.get("init");
            }
            return parameters(n, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The parameters as a JSON object (covariances in full per-state form). */
    public static ObjectNode toJson(GaussianHmm model) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("covariance_type", model.covarianceType().label());
        o.put("n_components", model.states());
        o.put("n_features", model.features());
        o.set("startprob", array(model.startprob()));
        o.set("transmat", array(model.transmat()));
        o.set("means", array(model.means()));
        ArrayNode c = MAPPER.createArrayNode();
        for (double[][] m : model.covars()) {
            c.add(array(m));
        }
        o.set("covars", c);
        return o;
    }

    /** Writes a JSON object atomically, pretty-printed. */
    public static void write(Path file, ObjectNode node) {
        try {
            AtomicFiles.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A JSON array of numbers. */
    public static ArrayNode array(double[] v) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    /** A JSON array of arrays. */
    public static ArrayNode array(double[][] m) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double[] r : m) {
            a.add(array(r));
        }
        return a;
    }

    private static int depth(JsonNode n) {
        int d = 0;
        while (n != null && n.isArray() && n.size() > 0) {
            d++;
            n = n.get(0);
        }
        return d;
    }

    static double[] vector(JsonNode n, String what) {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(what + " must be a list of numbers");
        }
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            if (!n.get(i).isNumber()) {
                throw new IllegalArgumentException(what + "[" + i + "] is not a number: " + n.get(i));
            }
            v[i] = n.get(i).asDouble();
        }
        return v;
    }

    static double[][] matrix(JsonNode n, String what) {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(what + " must be a list of lists");
        }
        double[][] m = new double[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(n.get(i), what + "[" + i + "]");
        }
        return m;
    }
}
