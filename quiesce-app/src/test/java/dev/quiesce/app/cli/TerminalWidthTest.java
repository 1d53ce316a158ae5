package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalWidthTest {

    @Test
    void columnsFromTheEnvironmentComeFirst() {
        assertThat(TerminalWidth.detect(Map.of("COLUMNS", "132"), true, () -> Optional.of("40 100"))).isEqualTo(132);
    }

    @Test
    void onATerminalSttyAnswersWhenTheEnvironmentDoesNot() {
        assertThat(TerminalWidth.detect(Map.of(), true, () -> Optional.of("40 100\n"))).isEqualTo(100);
        assertThat(TerminalWidth.detect(Map.of("COLUMNS", "wide"), true, () -> Optional.of("40 100"))).isEqualTo(100);
    }

    @Test
    void offATerminalOrWithoutAnAnswerItIsEighty() {
        assertThat(TerminalWidth.detect(Map.of(), false, () -> {
            throw new AssertionError("stty must not run off a terminal");
        })).isEqualTo(80);
        assertThat(TerminalWidth.detect(Map.of(), true, Optional::empty)).isEqualTo(80);
        assertThat(TerminalWidth.detect(Map.of(), true, () -> Optional.of("0 0"))).isEqualTo(80);
        assertThat(TerminalWidth.detect(Map.of("COLUMNS", "-3"), false, Optional::empty)).isEqualTo(80);
    }

    @Test
    void sttyAnswersAreRowsThenColumns() {
        assertThat(TerminalWidth.parseStty("24 80")).contains(80);
        assertThat(TerminalWidth.parseStty("garbage")).isEmpty();
        assertThat(TerminalWidth.parseStty(null)).isEmpty();
    }
}
