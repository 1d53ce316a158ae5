package dev.quiesce.policy;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DelayStrategyTest {

    private static java.util.List<Duration> first(DelayStrategy s, int n) {
        return IntStream.range(0, n).mapToObj(s::next).toList();
    }

    @Test
    void constantIsTheNotesThirtySeconds() {
        assertThat(first(DelayStrategy.constant(ofSeconds(30)), 4)).containsOnly(ofSeconds(30));
    }

    @Test
    void dividedByStreakMatchesTheNotesIntegerDivision() {
        // delay = 30 if repeated == 0 else int(30 / repeated)
        assertThat(first(DelayStrategy.dividedByStreak(ofSeconds(30)), 8)).containsExactly(
                ofSeconds(30), ofSeconds(30), ofSeconds(15), ofSeconds(10), ofSeconds(7), ofSeconds(6),
                ofSeconds(5), ofSeconds(4));
    }

    @Test
    void exponentialDecayMatchesTheNotesCeiling() {
        // numpy.ceil(30 * numpy.exp(-repeated)): 30, 12 (11.04), 5 (4.06), 2 (1.49), 1 (0.55), 1 (0.20)
        assertThat(first(DelayStrategy.exponentialDecay(ofSeconds(30)), 6)).containsExactly(
                ofSeconds(30), ofSeconds(12), ofSeconds(5), ofSeconds(2), ofSeconds(1), ofSeconds(1));
    }

    @Test
    void subSecondBaseDelaysUseMilliseconds() {
        assertThat(first(DelayStrategy.exponentialDecay(ofMillis(300)), 3))
                .containsExactly(ofMillis(300), ofMillis(111), ofMillis(41));
        assertThat(first(DelayStrategy.dividedByStreak(ofMillis(300)), 4))
                .containsExactly(ofMillis(300), ofMillis(300), ofMillis(150), ofMillis(100));
    }

    @Test
    void backoffGrowsToItsMaximum() {
        assertThat(first(DelayStrategy.exponentialBackoff(ofSeconds(1), 2.0, ofSeconds(5)), 5)).containsExactly(
                ofSeconds(1), ofSeconds(2), ofSeconds(4), ofSeconds(5), ofSeconds(5));
        assertThat(DelayStrategy.exponentialBackoff(ofSeconds(1), 2.0, ofSeconds(5)).next(10_000)).isEqualTo(ofSeconds(5));
    }

    @Test
    void badInputsAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> DelayStrategy.constant(Duration.ZERO))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("delay must be > 0");
        assertThatThrownBy(() -> DelayStrategy.exponentialBackoff(ofSeconds(1), 0.5, ofSeconds(5)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("factor must be >= 1, was 0.5");
        assertThatThrownBy(() -> DelayStrategy.exponentialBackoff(ofSeconds(10), 2, ofSeconds(5)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("must be >= delay");
    }
}
