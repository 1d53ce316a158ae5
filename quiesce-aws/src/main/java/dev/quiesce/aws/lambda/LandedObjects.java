package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import dev.quiesce.MalformedEventException;
import dev.quiesce.RecordCounter;
import dev.quiesce.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads what the monitor needs from objects that landed: a manifest's bytes, never more than
 * {@link Manifest#MAX_BYTES}, and the records of a data object. Thread-safe.
 */
final class LandedObjects {

    private static final Logger LOG = LoggerFactory.getLogger(LandedObjects.class);

    private final S3Client s3;

    LandedObjects(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3: the monitor needs an S3 client to read manifests");
    }

    /**
     * The manifest's content.
     *
     * @throws MalformedEventException when it is empty, over the cap, or gone: a permanent condition, so the
     *     event goes to the dead-letter queue with that reason rather than be retried
     */
    byte[] manifest(Arrival a) {
        String where = "s3://" + a.bucket() + "/" + a.key();
        if (a.size() > Manifest.MAX_BYTES) {
            throw new MalformedEventException("manifest " + where + " is " + a.size() + " bytes; at most "
                    + Manifest.MAX_BYTES + " are read");
        }
        if (a.size() == 0) {
            throw new MalformedEventException("manifest " + where + " is empty");
        }
        // a range, so an object overwritten with something larger since the event still costs at most the cap
        try (InputStream in = s3.getObject(b -> b.bucket(a.bucket()).key(a.key()).range("bytes=0-" + Manifest.MAX_BYTES))) {
            byte[] bytes = in.readNBytes(Manifest.MAX_BYTES + 1);
            if (bytes.length > Manifest.MAX_BYTES) {
                throw new MalformedEventException("manifest " + where + " is over " + Manifest.MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (NoSuchKeyException e) {
            throw new MalformedEventException("manifest " + where + " was removed before it could be read;"
                    + " nothing was declared from it", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading manifest " + where, e); // transient: SQS redelivers
        }
    }

    /**
     * The newline-delimited records of a data object (gzip recognised), or {@link Arrival#UNCOUNTED} when it is
     * gone (its removal event follows) or cannot be decompressed: it is still counted as an object and in bytes.
     */
    long records(Arrival a) {
        try (InputStream in = s3.getObject(b -> b.bucket(a.bucket()).key(a.key()))) {
            return RecordCounter.count(a.key(), in);
        } catch (NoSuchKeyException e) {
            LOG.info("records.uncounted bucket={} key={} reason=\"removed before it was read\"", a.bucket(), a.key());
            return Arrival.UNCOUNTED;
        } catch (java.util.zip.ZipException e) {
            LOG.warn("records.uncounted bucket={} key={} reason=\"not valid gzip: {}\"", a.bucket(), a.key(), e.getMessage());
            return Arrival.UNCOUNTED;
        } catch (IOException e) {
            throw new UncheckedIOException("counting the records of s3://" + a.bucket() + "/" + a.key(), e);
        }
    }
}
