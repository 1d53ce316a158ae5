package dev.quiesce.aws.s3;

import static java.util.Objects.requireNonNull;

import dev.quiesce.InvalidConfigurationException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Locale;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which keys under an {@link S3ListingSource} prefix count, from the key relative to the
 * prefix's directory, with the rules of the directory source.
 *
 * <p>A key counts when it is not {@linkplain #ignoredWhileWriting ignored while being written}, is not
 * a directory marker (ends in {@code /}), matches at least one include glob (none given: every key)
 * and no exclude glob. A glob without {@code /} is matched against the relative key and against its
 * last segment (the file name), so {@code *.csv} matches at any depth; a glob with {@code /} is
 * matched against the relative key only. Globs have {@link FileSystems#getDefault()} glob syntax
 * (on the key as a Unix path). Immutable and thread-safe.
 */
final class S3KeyFilter {

    /** Suffixes of files that writers and downloaders rename once they are complete. */
    private static final List<String> IN_PROGRESS_SUFFIXES = List.of(".tmp", ".part", ".crdownload");
    /** Hadoop and Spark stage task output here and move it out when the job commits. */
    private static final String STAGING_DIRECTORY = "_temporary";

    private final List<Glob> includes;
    private final List<Glob> excludes;

    S3KeyFilter(List<Glob> includes, List<Glob> excludes) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    /** Whether the key at {@code relative} (relative to the prefix's directory, not empty) counts. */
    boolean accepts(String relative) {
        if (relative.isEmpty() || relative.endsWith("/") || ignoredWhileWriting(relative)) {
            return false;
        }
        if (includes.isEmpty() && excludes.isEmpty()) {
            return true;
        }
        Path path;
        try {
            path = Path.of(relative);
        } catch (InvalidPathException e) {
            return includes.isEmpty(); // a key no glob can describe (a NUL byte): only "everything" includes it
        }
        return (includes.isEmpty() || includes.stream().anyMatch(g -> g.matches(path)))
                && excludes.stream().noneMatch(g -> g.matches(path));
    }

    /**
     * Whether a relative key is, by default, a file still being written: a hidden name (starting with
     * {@code .}) in any segment, anything under a {@code _temporary} segment, or a last segment named
     * {@code *.tmp}, {@code *.part} or {@code *.crdownload}.
     */
    static boolean ignoredWhileWriting(String relative) {
        String[] segments = relative.split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].startsWith(".") || segments[i].equals(STAGING_DIRECTORY)) {
                return true;
            }
        }
        String name = segments[segments.length - 1];
        if (name.startsWith(".")) {
            return true;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return IN_PROGRESS_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    @Override
    public String toString() {
        return "include=" + (includes.isEmpty() ? "[**]" : includes) + " exclude=" + excludes;
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
            Path name = relative.getFileName();
            return matcher.matches(relative) || anyDepth && name != null && matcher.matches(name);
        }

        @Override
        public String toString() {
            return pattern;
        }
    }
}
