package dev.quiesce.app.cli;

import dev.quiesce.Blindness;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the user, once per change, that the source cannot see or sees again: a JSON line on stdout with
 * {@code --json} ({@code {"type":"BLIND",...}} / {@code {"type":"SEEING",...}}) and one line on stderr. Being
 * briefly behind is routine on big trees and shows on the progress line only.
 */
final class BlindReport {

    private final PrintStream json;
    private final PrintWriter err;
    private String lastReason;

    /** @param json where JSON lines go, or {@code null} without {@code --json} */
    BlindReport(PrintStream json, PrintWriter err) {
        this.json = json;
        this.err = err;
    }

    synchronized void update(String observationId, String datasetId, Optional<Blindness> sight) {
        // being behind (a long pass, files still being written) is routine: the progress line shows it
        Optional<Blindness> blind = sight.filter(b -> !b.behind());
        String reason = blind.map(Blindness::reason).orElse(null);
        if (java.util.Objects.equals(reason, lastReason)) {
            return;
        }
        boolean couldNotSee = lastReason != null;
        lastReason = reason;
        if (json != null) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("type", reason != null ? "BLIND" : "SEEING");
            m.put("observation", observationId);
            m.put("dataset", datasetId);
            blind.ifPresent(b -> {
                m.put("reason", b.reason());
                m.put("since", b.since().toString());
            });
            try {
                json.println(Json.MAPPER.writeValueAsString(m));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a map of strings is always JSON", e);
            }
            json.flush();
        }
        if (reason != null) {
            err.println("quiesce: BLIND: " + reason + "; nothing completes until the source sees again");
            err.flush();
        } else if (reason == null && couldNotSee) {
            err.println("quiesce: the source sees the whole location again");
            err.flush();
        }
    }

    /**
     * Holds the mapper so that it is built only when a JSON line is printed: building an ObjectMapper
     * loads some 350 classes, a third of the start-up of a watch that never needs one.
     */
    private static final class Json {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    }
}
