package org.trainingdynamics.trajectory;

import java.util.regex.Pattern;

/** Shell-style globs over tensor names: {@code *} (any run), {@code ?} (one char), {@code [abc]} classes. */
public final class Globs {
    private Globs() {
    }

    /** True when {@code name} matches {@code glob} in full. */
    public static boolean matches(String glob, String name) {
        return toRegex(glob).matcher(name).matches();
    }

    /** Compiles a glob to a regular expression. */
    public static Pattern toRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        sb.append("\\[");
                    } else {
                        sb.append('[').append(glob, i + 1, end).append(']');
                        i = end;
                    }
                }
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }
}
