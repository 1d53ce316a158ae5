package dev.quiesce.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code quiesce verify CERT LOCATION}: lists the location as {@code watch} counted it and checks that it
 * holds exactly the keys, at the same versions, that the certificate says were complete.
 */
@Command(name = "verify",
        description = {
            "Check that a location still holds exactly what a completeness certificate (watch --certificate) says"
                    + " was complete: same keys, same versions.",
            "Idiom: quiesce verify done.json /data/incoming/2024-05-01 && spark-submit aggregate.py"},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:verified", "1:verification failed (the location differs)", "64:bad usage or certificate",
            "70:internal error"})
public final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CERT", description = "Certificate file written by watch --certificate.")
    private Path certificateFile;

    @Parameters(index = "1", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "The location to list; the certificate's filters and manifests directory apply.")
    private String location;

    @CommandLine.Mixin
    private S3Options s3 = new S3Options();

    @Override
    public Integer call() {
        CertificateFile cert = CertificateFile.read(certificateFile);
        LocationListing listed = LocationListing.of(location, cert.include(), cert.exclude(), cert.manifests(),
                s3.endpoint, s3.region);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long expected = cert.certificate().digest();
        if (listed.digest() == expected) {
            out.println("verified: " + listed.keys().size() + " objects, " + listed.bytes() + " bytes, digest "
                    + listed.digestHex() + " as certified by " + cert.certificate().observationId() + " at "
                    + cert.certificate().completedAt());
            out.flush();
            return ExitCodes.COMPLETE;
        }
        if (cert.keys() == null) {
            err.println("quiesce: verification failed: " + location + " has " + listed.keys().size() + " objects, "
                    + listed.bytes() + " bytes, digest " + listed.digestHex() + "; the certificate says "
                    + cert.certificate().objects() + " objects, " + cert.certificate().bytes() + " bytes, digest "
                    + cert.certificate().digestHex() + " (watch with --certificate-keys to name the keys that differ)");
            return ExitCodes.VERIFICATION_FAILED;
        }
        List<String> differences = differences(cert.keys(), listed);
        differences.forEach(out::println);
        out.flush();
        err.println("quiesce: verification failed: " + location + " has digest " + listed.digestHex()
                + ", the certificate " + cert.certificate().digestHex() + "; " + (differences.isEmpty()
                ? "no key differs from the certificate's list, which was taken after data changed post-completion"
                : differences.size() + " key(s) differ"));
        return ExitCodes.VERIFICATION_FAILED;
    }

    /** One line per key added, removed or changed, in key order. */
    static List<String> differences(List<CertificateFile.Key> certified, LocationListing listed) {
        Map<String, CertificateFile.Key> was = new TreeMap<>();
        certified.forEach(k -> was.put(k.key(), k));
        TreeMap<String, String> lines = new TreeMap<>();
        for (CertificateFile.Key now : listed.keys().values()) {
            CertificateFile.Key before = was.get(now.key());
            if (before == null) {
                lines.put(now.key(), "added   " + now.key() + " (" + now.version() + ")");
            } else if (!Objects.equals(before.version(), now.version()) || before.size() != now.size()) {
                lines.put(now.key(), "changed " + now.key() + " (" + before.version() + " -> " + now.version() + ")");
            }
        }
        for (CertificateFile.Key before : was.values()) {
            if (!listed.keys().containsKey(before.key())) {
                lines.put(before.key(), "removed " + before.key() + " (" + before.version() + ")");
            }
        }
        return new ArrayList<>(lines.values());
    }
}
