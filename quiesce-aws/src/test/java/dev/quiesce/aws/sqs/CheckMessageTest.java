package dev.quiesce.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.MalformedEventException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckMessageTest {

    private static final Instant DUE = Instant.parse("2024-05-01T00:00:30.250Z");

    @Test
    void jsonRoundTripKeepsEveryField() {
        CheckMessage m = new CheckMessage("daily/2024-05-01", 7, DUE);

        assertThat(m.toJson())
                .isEqualTo("{\"observationId\":\"daily/2024-05-01\",\"version\":7,\"dueAt\":\"2024-05-01T00:00:30.250Z\"}");
        assertThat(CheckMessage.parse(m.toJson())).isEqualTo(m);
    }

    @Test
    void parseIgnoresFieldsItDoesNotKnow() {
        CheckMessage m = CheckMessage.parse(
                "{\"dueAt\":\"2024-05-01T00:00:30.250Z\",\"future\":[1,2],\"version\":7,\"observationId\":\"o\"}");

        assertThat(m).isEqualTo(new CheckMessage("o", 7, DUE));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json                   | {\"observationId\": | check message is not JSON",
        "empty                      | ''                  | check message must be a JSON object, was empty",
        "array                      | [1]                 | check message must be a JSON object, was array",
        "missing observationId      | {\"version\":1,\"dueAt\":\"2024-05-01T00:00:00Z\"} | lacks field 'observationId'",
        "null observationId         | {\"observationId\":null,\"version\":1,\"dueAt\":\"2024-05-01T00:00:00Z\"} | lacks field 'observationId'",
        "numeric observationId      | {\"observationId\":5,\"version\":1,\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'observationId' must be a string, was number",
        "blank observationId        | {\"observationId\":\" \",\"version\":1,\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'observationId' must not be blank",
        "missing version            | {\"observationId\":\"o\",\"dueAt\":\"2024-05-01T00:00:00Z\"} | lacks field 'version'",
        "textual version            | {\"observationId\":\"o\",\"version\":\"1\",\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'version' must be an integer, was string",
        "fractional version         | {\"observationId\":\"o\",\"version\":1.5,\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'version' must be an integer, was number",
        "huge version               | {\"observationId\":\"o\",\"version\":99999999999999999999,\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'version' must be an integer",
        "zero version               | {\"observationId\":\"o\",\"version\":0,\"dueAt\":\"2024-05-01T00:00:00Z\"} | field 'version' must be >= 1, was 0",
        "missing dueAt              | {\"observationId\":\"o\",\"version\":1} | lacks field 'dueAt'",
        "numeric dueAt              | {\"observationId\":\"o\",\"version\":1,\"dueAt\":1714521600} | field 'dueAt' must be a string, was number",
        "date without time          | {\"observationId\":\"o\",\"version\":1,\"dueAt\":\"2024-05-01\"} | field 'dueAt' is not an ISO-8601 instant: '2024-05-01'",
    })
    void parseRejectsMalformedBodiesNamingTheProblem(String caseName, String body, String expected) {
        assertThatThrownBy(() -> CheckMessage.parse(body))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void parseRejectsAnOversizedBodyBeforeReadingIt() {
        String body = "{\"observationId\":\"" + "x".repeat(CheckMessage.MAX_BODY_CHARS) + "\"}";

        assertThatThrownBy(() -> CheckMessage.parse(body))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("check message of " + body.length() + " characters exceeds the limit of "
                        + CheckMessage.MAX_BODY_CHARS);
    }

    @Test
    void constructorRejectsBadValues() {
        assertThatThrownBy(() -> new CheckMessage(null, 1, DUE)).isInstanceOf(NullPointerException.class)
                .hasMessage("observationId");
        assertThatThrownBy(() -> new CheckMessage("o", 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dueAt");
        assertThatThrownBy(() -> new CheckMessage("", 1, DUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observationId must not be blank");
        assertThatThrownBy(() -> new CheckMessage("o", 0, DUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version must be >= 1, was 0");
    }
}
