package dev.quiesce.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RescanPacingTest {

    private final RescanPacing pacing = new RescanPacing(Duration.ofSeconds(2), Duration.ofMinutes(5), 100);

    @Test
    void aSmallTreeIsRescannedAtTheFloor() {
        assertThat(pacing.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pacing.passed(Duration.ofMillis(5))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aTreeSlowToWalkIsRescannedInProportion() {
        // 100,000 files walked in 300 ms: the rescan costs 1 % of a core, not 15 %
        assertThat(pacing.passed(Duration.ofMillis(300))).isEqualTo(Duration.ofSeconds(30));
        assertThat(pacing.next()).isEqualTo(Duration.ofSeconds(30));
        // and comes back down when the tree shrinks
        assertThat(pacing.passed(Duration.ofMillis(40))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void neverLaterThanTheCeiling() {
        assertThat(pacing.passed(Duration.ofSeconds(10))).isEqualTo(Duration.ofMinutes(5));
        assertThat(pacing.passed(Duration.ofSeconds(Long.MAX_VALUE / 10))).isEqualTo(Duration.ofMinutes(5));
        assertThat(new RescanPacing(Duration.ofMinutes(10), Duration.ofMinutes(5), 100).passed(Duration.ofSeconds(10)))
                .as("a ceiling below the floor is the floor").isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void refusesANonPositiveFloor() {
        assertThatThrownBy(() -> new RescanPacing(Duration.ZERO, Duration.ofMinutes(5), 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RescanPacing(Duration.ofSeconds(1), Duration.ofMinutes(5), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
