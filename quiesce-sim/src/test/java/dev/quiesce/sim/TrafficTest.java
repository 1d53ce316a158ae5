package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Firehose model: one object per flush, on buffer size or buffer interval, whichever comes first. */
class TrafficTest {

    private static final Instant T0 = Simulator.ORIGIN;
    private static final long MIB = 1024 * 1024;

    private static Workload oneProducer(String producer, String firehose, String events) {
        return Workload.parse("{\"name\": \"t\", \"producers\": [" + producer + "], \"firehose\": " + firehose
                + (events == null ? "" : ", \"events\": " + events) + "}", "test");
    }

    @Test
    void fullBufferFlushesAtTheBatchThatFillsIt() {
        // 256 records of 1 KiB per second = 0.25 MiB/s: a 1 MiB buffer fills at the 4th batch (t = 3 s)
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 256, \"recordSize\": 1024, \"duration\": \"10s\"}",
                "{\"bufferSizeMiB\": 1, \"bufferInterval\": \"300s\"}", null), 1, 0);
        List<Traffic.StoredObject> objects = t.objects();
        assertThat(objects).extracting(Traffic.StoredObject::flushedAt)
                .containsExactly(T0.plusSeconds(3), T0.plusSeconds(7), T0.plusSeconds(8 + 300));
        assertThat(objects).extracting(Traffic.StoredObject::size).containsExactly(MIB, MIB, MIB / 2);
    }

    @Test
    void bufferIntervalFlushesWhatArrivedSinceTheFirstRecordOfTheBuffer() {
        // 10 KiB/s never fills 5 MiB: one object per 60 s interval, counted from the buffer's first record
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 10, \"recordSize\": 1024, \"duration\": \"150s\"}",
                "{\"bufferSizeMiB\": 5, \"bufferInterval\": \"60s\"}", null), 1, 0);
        // batches at 0..149 s; the batch due at the same instant as a flush lands after it
        assertThat(t.objects()).extracting(Traffic.StoredObject::flushedAt)
                .containsExactly(T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180));
        assertThat(t.objects()).extracting(Traffic.StoredObject::size)
                .containsExactly(60 * 10240L, 60 * 10240L, 30 * 10240L);
    }

    @Test
    void zeroIntervalWritesOneObjectPerBatch() {
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 2, \"duration\": \"5s\"}", "{\"bufferInterval\": \"0s\"}", null), 1, 0);
        assertThat(t.objectCount()).isEqualTo(5);
        assertThat(t.lastVisibleMillis(0)).isEqualTo(4000);
    }

    @Test
    void pauseDelaysTheProducersEnd() {
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 1, \"duration\": \"10s\", \"pauses\": [{\"at\": \"5s\", \"length\": \"100s\"}]}",
                "{\"bufferInterval\": \"0s\"}", null), 1, 0);
        assertThat(t.objects()).extracting(Traffic.StoredObject::flushedAt).containsExactly(
                T0, T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(4),
                T0.plusSeconds(105), T0.plusSeconds(106), T0.plusSeconds(107), T0.plusSeconds(108), T0.plusSeconds(109));
    }

    @Test
    void uploadTimeAndRetriesMoveTheEventButTheKeyKeepsTheFlushHour() {
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 1024, \"recordSize\": 1024, \"duration\": \"1s\"}",
                "{\"bufferSizeMiB\": 1, \"bufferInterval\": \"60s\", \"uploadMiBPerSecond\": 2,"
                        + " \"retries\": {\"probability\": 1, \"minDelay\": \"2h\"}}", null), 1, 0);
        Traffic.StoredObject o = t.objects().get(0);
        assertThat(o.flushedAt()).isEqualTo(T0);
        assertThat(o.eventTime()).isEqualTo(T0.plusMillis(500).plus(Duration.ofHours(2)));
        assertThat(o.key()).startsWith("events/2024/05/01/00/");
    }

    @Test
    void duplicateDeliveriesCarryTheSameTokenAndTheTruthIsTheEarliest() {
        Traffic t = Traffic.generate(oneProducer(
                "{\"rate\": 1, \"duration\": \"100s\"}", "{\"bufferInterval\": \"0s\"}",
                "{\"delay\": {\"distribution\": \"uniform\", \"min\": \"0s\", \"max\": \"60s\"},"
                        + " \"duplicateProbability\": 0.5}"), 7, 0);
        List<Traffic.Delivery> ds = t.deliveries();
        assertThat(ds.size()).isGreaterThan(t.objectCount());
        assertThat(ds).isSortedAccordingTo(java.util.Comparator.comparing(Traffic.Delivery::visibleAt));
        long lastFirstSeen = ds.stream().filter(d -> !d.duplicate())
                .mapToLong(d -> d.visibleAt().toEpochMilli() - T0.toEpochMilli()).max().orElseThrow();
        assertThat(t.lastVisibleMillis(0)).isEqualTo(lastFirstSeen);
    }

    @Test
    void sameSeedAndRunGiveTheSameTrafficAndOtherRunsDiffer() {
        Workload w = Scenarios.named("heavy-tail-events");
        assertThat(Traffic.generate(w, 5, 3).deliveries()).isEqualTo(Traffic.generate(w, 5, 3).deliveries());
        assertThat(Traffic.generate(w, 5, 4).deliveries()).isNotEqualTo(Traffic.generate(w, 5, 3).deliveries());
    }
}
