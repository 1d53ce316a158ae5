package dev.quiesce.port.contract;

import dev.quiesce.Arrival;
import dev.quiesce.Observation;
import dev.quiesce.engine.Engine;
import dev.quiesce.port.ObservationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Plays arrivals into an engine on virtual time and runs every check at the exact instant it is due,
 * recording when checks ran. Arrivals are delivered at their event time unless scheduled with a delivery
 * time of their own; arrivals due at the same instant as a check land first.
 */
public final class VirtualTimeline {

    private final Engine engine;
    private final ObservationStore store;
    private final MutableClock clock;
    private final TreeMap<Instant, List<Arrival>> arrivals = new TreeMap<>();
    private final List<Instant> checkTimes = new ArrayList<>();
    private final TreeMap<Instant, List<Runnable>> actions = new TreeMap<>();

    public VirtualTimeline(Engine engine, ObservationStore store, MutableClock clock) {
        this.engine = engine;
        this.store = store;
        this.clock = clock;
    }

    /** Schedules an arrival to land at its event time. */
    public VirtualTimeline arrive(Arrival a) {
        return arriveAt(a.eventTime(), a);
    }

    /** Schedules an arrival to be delivered to the monitor at {@code deliveredAt}, whatever its event time. */
    public VirtualTimeline arriveAt(Instant deliveredAt, Arrival a) {
        arrivals.computeIfAbsent(deliveredAt, t -> new ArrayList<>()).add(a);
        return this;
    }

    /** Runs {@code action} (a source going blind, say) at {@code at}, before checks due then. */
    public VirtualTimeline at(Instant at, Runnable action) {
        actions.computeIfAbsent(at, t -> new ArrayList<>()).add(action);
        return this;
    }

    /** Runs until the observation is final or {@code limit} passes; returns it as it ends. */
    public Observation runUntilFinished(String observationId, Duration limit) {
        Instant end = clock.instant().plus(limit);
        while (true) {
            Observation o = store.find(observationId).orElseThrow();
            if (!o.state().open()) {
                return o;
            }
            Optional<Instant> nextWork = engine.nextWorkAt();
            Instant nextArrival = arrivals.isEmpty() ? null : arrivals.firstKey();
            Instant nextAction = actions.isEmpty() ? null : actions.firstKey();
            Instant next = nextArrival;
            if (nextAction != null && (next == null || nextAction.isBefore(next))) {
                next = nextAction;
            }
            if (nextWork.isPresent() && (next == null || nextWork.get().isBefore(next))) {
                next = nextWork.get();
            }
            if (next == null || next.isAfter(end)) {
                return o;
            }
            if (next.isAfter(clock.instant())) {
                clock.set(next);
            }
            if (nextAction != null && !nextAction.isAfter(clock.instant())) {
                actions.pollFirstEntry().getValue().forEach(Runnable::run);
                continue;
            }
            if (nextArrival != null && !nextArrival.isAfter(clock.instant())) {
                arrivals.pollFirstEntry().getValue().forEach(engine.monitor()::accept);
                continue;
            }
            if (store.nextDueAt().filter(t -> !t.isAfter(clock.instant())).isPresent()) {
                checkTimes.add(clock.instant());
            }
            engine.runOnce();
        }
    }

    /** When checks ran, in order. */
    public List<Instant> checkTimes() {
        return List.copyOf(checkTimes);
    }
}
