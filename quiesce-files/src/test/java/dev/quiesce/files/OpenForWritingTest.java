package dev.quiesce.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.quiesce.Arrival;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On Linux a file some process holds open for writing is not counted, whatever its name or age. */
class OpenForWritingTest {

    @TempDir
    Path tmp;

    @Test
    void aFileOpenForWritingIsHeldBackUntilItsWriterClosesIt() throws Exception {
        assumeThat(new OpenForWriting().available()).as("needs Linux's /proc").isTrue();
        Path file = tmp.resolve("growing.json");
        List<Arrival> arrivals = new ArrayList<>();
        List<String> sight = new ArrayList<>();
        dev.quiesce.port.ArrivalSink sink = new dev.quiesce.port.ArrivalSink() {
            @Override
            public void accept(Arrival a) {
                arrivals.add(a);
            }

            @Override
            public void blind(String reason) {
                sight.add(reason);
            }
        };
        // first seen while open: held back; counted as soon as its writer closed it, without waiting to settle
        DirectorySource source = DirectorySource.builder(tmp).settle(Duration.ofMinutes(1)).build();
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"half\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            source.scanOnce(sink);
            assertThat(arrivals).as("not counted while open for writing").isEmpty();
            assertThat(sight).singleElement().asString().contains("still being written").contains("growing.json");
            out.write("1}".getBytes(StandardCharsets.UTF_8));
        }
        // the next look at /proc (a scan is reused for up to 100 ms) finds it closed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            source.scanOnce(sink);
            return !arrivals.isEmpty();
        });
        assertThat(arrivals).singleElement().satisfies(a -> assertThat(a.size()).isEqualTo(10));
    }

    @Test
    void aFileOpenOnlyForReadingCounts() throws Exception {
        assumeThat(new OpenForWriting().available()).as("needs Linux's /proc").isTrue();
        Path file = Files.writeString(tmp.resolve("done.json"), "{}");
        List<Arrival> arrivals = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            DirectorySource.builder(tmp).settle(Duration.ofMinutes(1)).build().scanOnce(arrivals::add);
        }
        assertThat(arrivals).hasSize(1);
    }
}
