package dev.quiesce;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Counts the records of a newline-delimited object (JSON lines, CSV without embedded newlines, logs):
 * one record per line, a last line without its newline included. Gzip content is decompressed when the
 * key ends in {@code .gz} or the content starts with the gzip magic bytes, whatever the key says.
 */
public final class RecordCounter {

    private RecordCounter() {
    }

    /**
     * Counts the records in {@code content}, which is read to its end (the caller closes it).
     *
     * @throws IOException if the content cannot be read or is not valid gzip where it claims to be
     */
    public static long count(String key, InputStream content) throws IOException {
        BufferedInputStream in = new BufferedInputStream(content);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = key.endsWith(".gz") || (b0 == 0x1f && b1 == 0x8b);
        InputStream source = gzip ? new GZIPInputStream(in, 64 * 1024) : in;
        byte[] buffer = new byte[64 * 1024];
        long lines = 0;
        int last = '\n';
        for (int n = source.read(buffer); n >= 0; n = source.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    lines++;
                }
            }
            if (n > 0) {
                last = buffer[n - 1];
            }
        }
        return last == '\n' ? lines : lines + 1;
    }
}
