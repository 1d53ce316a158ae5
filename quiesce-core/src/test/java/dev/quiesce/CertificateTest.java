package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.engine.Engine;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.RecordingNotifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The certificate a completion carries, and how it travels in an event's fields. */
class CertificateTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(new InMemoryObservationStore())
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .notifier(notifier)
            .drivenExternally()
            .build();

    private void put(String key, long size, String version) {
        engine.monitor().accept(Arrival.created("bucket", key, size, clock.instant(), key + "@" + version)
                .withVersion(version));
        engine.runOnce();
    }

    private LifecycleEvent completed() {
        return notifier.delivered().stream().filter(e -> e.type() == EventType.COMPLETED).findFirst().orElseThrow();
    }

    @Test
    void anExactCompletionCertifiesItsCountsDigestPolicyAndClosedProducers() {
        engine.observer().start("run", "events", PolicySpec.parse("expected unit=objects producers=2"));
        put("a.json", 10, "e1:10");
        put("b.json", 20, "e2:20");
        clock.advance(Duration.ofSeconds(3));
        engine.monitor().closed("events", "p,2", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 1));
        engine.monitor().closed("events", "p1", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 1));
        engine.runOnce();

        Certificate c = completed().certificate();
        assertThat(c).isNotNull();
        assertThat(c.objects()).isEqualTo(2);
        assertThat(c.bytes()).isEqualTo(30);
        assertThat(c.digest()).isEqualTo(KeyDigest.of("a.json", "e1:10", 10) + KeyDigest.of("b.json", "e2:20", 20));
        assertThat(c.policy()).isEqualTo(PolicySpec.parse("expected unit=objects producers=2").text());
        assertThat(c.evidence().producersClosed()).containsExactly("p,2", "p1");
        assertThat(c.evidence().lastSeen()).isEqualTo(T0);
        assertThat(c.evidence().checks()).isPositive();
    }

    @Test
    void onlyTheCompletedEventCarriesACertificateAndItSurvivesFieldsAndEncoding() {
        engine.observer().start("run", "events", PolicySpec.parse("inactivity period=5s"));
        put("a.json", 10, "e1:10");
        clock.advance(Duration.ofSeconds(6));
        engine.runOnce();

        assertThat(notifier.delivered()).filteredOn(e -> e.type() != EventType.COMPLETED)
                .allSatisfy(e -> assertThat(e.certificate()).isNull());
        LifecycleEvent event = completed();
        assertThat(event.certificate().evidence().producersClosed()).isEmpty();
        assertThat(LifecycleEvent.fromFields(event.fields())).isEqualTo(event);
        assertThat(LifecycleEvent.decode(event.encode())).isEqualTo(event);
        assertThat(event.fields()).containsEntry("policy", event.certificate().policy())
                .doesNotContainKey("producersClosed");
    }

    @Test
    void aCertificateThatDoesNotDescribeItsEventIsRefused() {
        Tally tally = new Tally(1, 10, 0, 1, T0, T0, 0, T0, 42);
        Certificate other = new Certificate("run", "events", T0, 1, 10, 0, 43, "inactivity period=5s", "quiet",
                new Certificate.Evidence(T0, T0, 1, List.of()));
        assertThatThrownBy(() -> new LifecycleEvent("run/2", EventType.COMPLETED, "run", "events", 2, T0, tally, 1,
                "quiet", T0, T0, 0, other)).isInstanceOf(IllegalArgumentException.class);
    }
}
