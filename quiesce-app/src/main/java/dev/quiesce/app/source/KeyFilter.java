package dev.quiesce.app.source;

import static java.util.Objects.requireNonNull;

import dev.quiesce.InvalidConfigurationException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Locale;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which files under a {@link DirectorySource} root count, from their path relative to the
 * root.
 *
 * <p>A file counts when it is not {@linkplain #ignoredWhileWriting ignored while being written},
 * matches at least one include glob and no exclude glob. A glob without {@code /} is matched
 * against the relative path and against the file name, so {@code *.csv} matches at any depth; a
 * glob with {@code /} is matched against the relative path only. Immutable and thread-safe.
 */
final class KeyFilter {

    /** Suffixes of files that writers and downloaders rename once they are complete. */
    private static final List<String> IN_PROGRESS_SUFFIXES = List.of(".tmp", ".part", ".crdownload");
    /** Hadoop and Spark stage task output here and move it out when the job commits. */
    private static final String STAGING_DIRECTORY = "_temporary";

    private final List<Glob> includes;
    private final List<Glob> excludes;

    KeyFilter(List<Glob> includes, List<Glob> excludes) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    /** Whether the file at {@code relative} (a path relative to the root, not empty) counts. */
    boolean accepts(Path relative) {
        return !ignoredWhileWriting(relative)
                && includes.stream().anyMatch(g -> g.matches(relative))
                && excludes.stream().noneMatch(g -> g.matches(relative));
    }

    /**
     * Whether a relative path is, by default, a file still being written: a hidden file or a file in
     * a hidden directory (a name starting with {@code .}), a file in a {@code _temporary} directory,
     * or a file named {@code *.tmp}, {@code *.part} or {@code *.crdownload}.
     */
    static boolean ignoredWhileWriting(Path relative) {
        int n = relative.getNameCount();
        for (int i = 0; i < n - 1; i++) {
            if (prunedDirectory(relative.getName(i).toString())) {
                return true;
            }
        }
        String name = relative.getFileName().toString();
        if (name.startsWith(".")) {
            return true;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return IN_PROGRESS_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    /** Whether a directory with this name is skipped whole: hidden, or a {@code _temporary} staging area. */
    static boolean prunedDirectory(String name) {
        return name.startsWith(".") || name.equals(STAGING_DIRECTORY);
    }

    @Override
    public String toString() {
        return "include=" + includes + " exclude=" + excludes;
    }

    /**
     * One compiled glob.
     *
     * @param pattern the glob as given
     * @param matcher the compiled glob
     * @param anyDepth whether the glob has no {@code /} and so is also matched against the file name
     */
    record Glob(String pattern, PathMatcher matcher, boolean anyDepth) {

        /**
         * Compiles a glob; {@code role} ("include" or "exclude") names it in error messages.
         *
         * @throws InvalidConfigurationException if the glob is blank or not valid glob syntax
         */
        static Glob compile(String role, String pattern) {
            requireNonNull(pattern, role + " glob");
            if (pattern.isBlank()) {
                throw new InvalidConfigurationException(role + " glob must not be blank; use e.g. *.csv or data/**");
            }
            try {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                return new Glob(pattern, m, pattern.indexOf('/') < 0);
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigurationException("invalid " + role + " glob '" + pattern + "': "
                        + e.getDescription() + " at index " + e.getIndex()
                        + "; use glob syntax such as *.csv, data/**/*.json or {a,b}/*", e);
            }
        }

        boolean matches(Path relative) {
            return matcher.matches(relative) || anyDepth && matcher.matches(relative.getFileName());
        }

        @Override
        public String toString() {
            return pattern;
        }
    }
}
