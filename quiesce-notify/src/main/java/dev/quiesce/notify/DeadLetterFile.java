package dev.quiesce.notify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the file {@link FileDeadLetters} writes, and rewrites it keeping only some of its letters:
 * what a replay needs.
 *
 * <p>{@link #read} checks every line before anything is delivered, so a file with one bad line is
 * refused whole ({@link MalformedDeadLetterException} naming the file and the line) rather than half
 * replayed. Blank lines are skipped.
 *
 * <p>{@link #rewrite} never loses a letter: it writes the new contents to a temporary file beside the
 * old one, forces it to disk and moves it over the old one in one atomic rename, so a crash at any point
 * leaves either the old file or the new one, never a part. Letters another process appended after the
 * file was read (a watch burying a new one) are carried over; the window between that last look and the
 * rename is a few microseconds, but a writer in it can lose its line, so do not replay a file a running
 * watch writes to.
 */
public final class DeadLetterFile {

    private final Path file;
    private final List<Letter> letters;
    private final long length;

    private DeadLetterFile(Path file, List<Letter> letters, long length) {
        this.file = file;
        this.letters = List.copyOf(letters);
        this.length = length;
    }

    /**
     * One line of the file: a lifecycle event the outbox gave up on, and why.
     *
     * @param line the line number in the file (from 1)
     * @param notifier the name of the notifier that could not deliver it ({@code webhook}, {@code command}, ...)
     * @param attempts attempts made so far
     * @param error the last failure
     * @param event the event, with its original id
     * @param json the line as read, kept so that rewriting it preserves fields this version does not know
     */
    public record Letter(int line, String notifier, int attempts, String error, LifecycleEvent event,
                         ObjectNode json) {

        public Letter {
            requireNonNull(notifier, "notifier");
            requireNonNull(event, "event");
            requireNonNull(json, "json");
        }

        /** This letter after {@code more} further failed attempts ending in {@code lastError}. */
        public Letter failedAgain(int more, String lastError) {
            ObjectNode copy = json.deepCopy();
            copy.put("attempts", attempts + more);
            copy.put("error", lastError);
            return new Letter(line, notifier, attempts + more, lastError, event, copy);
        }
    }

    /**
     * Reads and checks every line of {@code file}.
     *
     * @throws MalformedDeadLetterException if a line is not a dead letter (not JSON, a field missing or of
     *     the wrong kind, an event that does not parse)
     * @throws StoreException if the file cannot be read (missing, unreadable)
     */
    public static DeadLetterFile read(Path file) {
        requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("dead-letter file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot read dead-letter file " + file + ": " + e.getMessage(), e);
        }
        // only whole lines count: a writer may be in the middle of appending the next
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        List<Letter> letters = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (!line.isBlank()) {
                letters.add(parse(file, number, line));
            }
        }
        if (end < bytes.length && !new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8).isBlank()) {
            // a last line without its newline: FileDeadLetters always ends a line, so this is damage, not a writer
            letters.add(parse(file, number, new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8)));
            end = bytes.length;
        }
        return new DeadLetterFile(file, letters, end);
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** Its letters, in file order. */
    public List<Letter> letters() {
        return letters;
    }

    /**
     * Replaces the file with {@code kept} (in the order given) followed by whatever was appended to it
     * since it was read; with nothing to keep the file is left empty, not deleted.
     *
     * @throws StoreException if the new contents cannot be written or moved into place; the old file is
     *     then untouched
     */
    public void rewrite(List<Letter> kept) {
        requireNonNull(kept, "kept");
        StringBuilder out = new StringBuilder();
        for (Letter l : kept) {
            out.append(EventJson.compact(l.json())).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                write(ch, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)));
                write(ch, ByteBuffer.wrap(appendedSinceRead()));
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StoreException("cannot replace dead-letter file " + file + " atomically (" + e.getMessage()
                        + "); it is unchanged", e);
            }
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new StoreException("cannot rewrite dead-letter file " + file + ": " + e + "; it is unchanged", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray hidden temporary file is harmless; the letters are still in the old file
                }
            }
        }
    }

    private byte[] appendedSinceRead() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= length) {
                return new byte[0];
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (size - length));
            while (buf.hasRemaining() && ch.read(buf, length + buf.position()) >= 0) {
                // keep reading until the end seen above
            }
            return buf.array();
        }
    }

    private static void write(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename itself durable; file systems that cannot open a directory just skip it. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform lets a directory be opened; the rename is still atomic there
        }
    }

    private static Letter parse(Path file, int number, String line) {
        JsonNode node;
        try {
            node = EventJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw malformed(file, number, "not JSON (at column " + e.getLocation().getColumnNr() + ")");
        }
        if (!(node instanceof ObjectNode)) {
            throw malformed(file, number, "not a JSON object");
        }
        ObjectNode json = (ObjectNode) node;
        String notifier = text(file, number, json, "notifier");
        JsonNode attempts = json.get("attempts");
        if (attempts != null && !attempts.canConvertToInt()) {
            throw malformed(file, number, "'attempts' is not a whole number");
        }
        JsonNode error = json.get("error");
        JsonNode event = json.get("event");
        if (!(event instanceof ObjectNode)) {
            throw malformed(file, number, "no 'event' object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                throw malformed(file, number, "event field '" + f.getKey() + "' is not a string or a number");
            }
            fields.put(f.getKey(), f.getValue().asText());
        }
        LifecycleEvent parsed;
        try {
            parsed = LifecycleEvent.fromFields(fields);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw malformed(file, number, "its event is not a lifecycle event ("
                    + (cause instanceof NullPointerException || cause.getMessage() == null
                            ? "a required field is missing" : cause.getMessage()) + ")");
        }
        return new Letter(number, notifier, attempts == null ? 0 : attempts.asInt(),
                error == null || error.isNull() ? "" : error.asText(), parsed, json);
    }

    private static String text(Path file, int number, ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw malformed(file, number, "no '" + field + "'");
        }
        return v.asText();
    }

    private static MalformedDeadLetterException malformed(Path file, int line, String why) {
        return new MalformedDeadLetterException(file, line, why);
    }

    /** A line of a dead-letter file is not one {@link FileDeadLetters} writes; names the file and the line. */
    public static final class MalformedDeadLetterException extends InvalidConfigurationException {

        private static final long serialVersionUID = 1L;

        private final transient Path file;
        private final int line;

        MalformedDeadLetterException(Path file, int line, String why) {
            super(file + ":" + line + ": not a dead letter: " + why);
            this.file = file;
            this.line = line;
        }

        /** The file. */
        public Path file() {
            return file;
        }

        /** The line number, from 1. */
        public int line() {
            return line;
        }
    }
}
