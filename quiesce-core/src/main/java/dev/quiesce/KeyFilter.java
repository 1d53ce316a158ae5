package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which keys a source counts, from the key relative to what is watched (a directory's root,
 * an S3 prefix's directory), with the same rules for every source.
 *
 * <p>A key counts when it is not {@linkplain #ignoredWhileWriting ignored while being written}, is not
 * a directory marker (ends in {@code /}), matches at least one include glob (none given: every key)
 * and no exclude glob. A glob without {@code /} is matched against the relative key and against its
 * last segment (the file name), so {@code *.csv} matches at any depth; a glob with {@code /} is matched
 * against the relative key only. Globs have {@link FileSystems#getDefault()} glob syntax, on the key as
 * a Unix path. Immutable and thread-safe.
 */
public final class KeyFilter {

    /** Suffixes of files that writers and downloaders rename once they are complete. */
    private static final List<String> IN_PROGRESS_SUFFIXES = List.of(".tmp", ".part", ".crdownload");
    /** Hadoop and Spark stage task output here and move it out when the job commits. */
    private static final String STAGING_DIRECTORY = "_temporary";

    /** Counts every key not ignored while being written. */
    public static final KeyFilter ALL = new KeyFilter(List.of(), List.of());

    private final List<Glob> includes;
    private final List<Glob> excludes;

    private KeyFilter(List<Glob> includes, List<Glob> excludes) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    /**
     * A filter from include and exclude globs.
     *
     * @throws InvalidConfigurationException naming the glob if one is blank or not valid glob syntax
     */
    public static KeyFilter of(List<String> includes, List<String> excludes) {
        List<Glob> in = new ArrayList<>();
        for (String g : includes) {
            in.add(Glob.compile("include", g));
        }
        List<Glob> out = new ArrayList<>();
        for (String g : excludes) {
            out.add(Glob.compile("exclude", g));
        }
        return new KeyFilter(in, out);
    }

    /**
     * Checks one glob as {@link #of} would, so builders can fail at the option that is wrong.
     *
     * @param role "include" or "exclude", for the message
     * @throws InvalidConfigurationException if the glob is blank or not valid glob syntax
     */
    public static void check(String role, String glob) {
        Glob.compile(role, glob);
    }

    /** Whether the key at {@code relative} (relative to what is watched, {@code /}-separated) counts. */
    public boolean accepts(String relative) {
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
     * {@code *.tmp}, {@code *.part} or {@code *.crdownload} (any letter case).
     */
    public static boolean ignoredWhileWriting(String relative) {
        String[] segments = relative.split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (prunedDirectory(segments[i])) {
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

    /** Whether a directory with this name is skipped whole: hidden, or a {@code _temporary} staging area. */
    public static boolean prunedDirectory(String name) {
        return name.startsWith(".") || name.equals(STAGING_DIRECTORY);
    }

    @Override
    public String toString() {
        return "include=" + (includes.isEmpty() ? "[**]" : includes) + " exclude=" + excludes;
    }

    /** One compiled glob; {@code anyDepth} when it has no {@code /} and so also matches the file name. */
    private record Glob(String pattern, PathMatcher matcher, boolean anyDepth) {

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
