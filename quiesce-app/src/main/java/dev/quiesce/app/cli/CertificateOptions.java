package dev.quiesce.app.cli;

import dev.quiesce.Certificate;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.QuiesceException;
import dev.quiesce.jdbc.JdbcObservationStore;
import dev.quiesce.jdbc.SqliteDatabase;
import dev.quiesce.port.OutboxEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * {@code watch}'s {@code --certificate} options (a picocli mixin, so the certificate's logic stays out
 * of the watch command): at completion, writes what was judged complete for {@code quiesce verify}.
 */
final class CertificateOptions {

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "On completion, write a completeness certificate (JSON: counts, policy, evidence, key-set"
                    + " digest) here, for 'quiesce verify'.")
    Path file;

    @Option(names = "--certificate-keys",
            description = "Also list every key with its version in the certificate, so verify can name the keys"
                    + " that changed.")
    boolean keys;

    /**
     * Fails before anything is watched when the options cannot work.
     *
     * @throws InvalidConfigurationException naming the option
     */
    void validate() {
        if (keys && file == null) {
            throw new InvalidConfigurationException("--certificate-keys needs --certificate FILE");
        }
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new InvalidConfigurationException("--certificate " + file + ": directory " + dir
                        + " does not exist");
            }
            if (Files.isDirectory(file)) {
                throw new InvalidConfigurationException("--certificate " + file + " is a directory; name a file");
            }
        }
    }

    /**
     * Writes the certificate if one was asked for and the observation completed. The certificate is the
     * one its COMPLETED event carried when a notifier recorded it; without notifiers it is rebuilt from
     * the observation and the tally now, which is the same unless data landed after completion.
     */
    void writeIfComplete(SqliteDatabase db, String observationId, WatchedLocation watched, List<String> includes,
                         List<String> excludes, String manifests, PrintWriter err) {
        if (file == null) {
            return;
        }
        JdbcObservationStore store = db.observationStore();
        Observation o = store.find(observationId).orElseThrow();
        if (o.state() != ObservationState.COMPLETE) {
            return;
        }
        Certificate certificate = store.entriesOf(observationId).stream().map(OutboxEntry::event)
                .map(LifecycleEvent::certificate).filter(Objects::nonNull).findFirst()
                .orElseGet(() -> Certificate.of(o, db.tallyStore().tally(o.datasetId()),
                        db.expectationStore().of(o.datasetId())));
        List<CertificateFile.Key> listed = null;
        if (keys) {
            listed = db.tallyStore().presentKeys(o.datasetId()).stream()
                    .map(k -> new CertificateFile.Key(k.key(), k.version(), k.size())).toList();
        }
        CertificateFile cert = new CertificateFile(watched.name(), includes, excludes, manifests, certificate, listed);
        if (listed != null && cert.keysDigest() != certificate.digest()) {
            err.println("quiesce: data changed after completion: the certificate's keys are as at exit and do not"
                    + " add up to its digest " + certificate.digestHex());
        }
        try {
            cert.write(file);
        } catch (IOException e) {
            throw new CertificateNotWritten("cannot write the certificate to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The run completed but its certificate could not be written. */
    static final class CertificateNotWritten extends QuiesceException {
        CertificateNotWritten(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
