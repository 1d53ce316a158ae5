package dev.quiesce;

import dev.quiesce.engine.Backoff;
import dev.quiesce.engine.Engine;
import dev.quiesce.engine.EngineListener;
import dev.quiesce.engine.Monitor;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.OutboxEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The front door for Java code: watch one location until what lands in it has finished landing.
 *
 * <pre>{@code
 * try (Watch watch = Quiesce.builder()
 *         .stores(Stores.sqlite(Path.of("quiesce.db")))
 *         .source(DirectorySource.builder(Path.of("/data/incoming")).build())
 *         .policy("inactivity period=2m")
 *         .notifier(Notifier.of("log", e -> System.out.println(e.type() + ": " + e.reason())))
 *         .start("daily")) {
 *     Outcome outcome = watch.completion().join();
 * }
 * }</pre>
 *
 * <p><b>Runs over time.</b> A run is one observation with an id. Starting an id whose latest run is still
 * open resumes it (after a crash, say); starting one whose latest run has ended and delivered everything
 * starts the next run, numbered {@code id#2}, {@code id#3}, ..., with a dataset of its own, so a recurring
 * job on one state file is never answered by yesterday's result. {@link Builder#resumeOnly()} resumes or
 * reports the latest run instead and never starts a new one. A run that ended with deliveries still
 * pending is resumed until they are done.
 */
public final class Quiesce {

    private Quiesce() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The latest run of {@code id} in {@code observations}: {@code id} itself, or the highest-numbered
     * {@code id#n} that follows it; empty when there is none.
     */
    public static Optional<Observation> latestRun(dev.quiesce.port.ObservationStore observations, String id) {
        Optional<Observation> latest = Optional.empty();
        for (int n = 1; ; n++) {
            Optional<Observation> o = observations.find(Runs.idOf(id, n));
            if (o.isEmpty()) {
                return latest;
            }
            latest = o;
        }
    }

    /** Collects what a watch needs; {@link #start(String)} begins it. Not thread-safe. */
    public static final class Builder {
        private Stores stores;
        private ArrivalSource source;
        private Function<Monitor, ArrivalSink> sinkFor;
        private Dataset dataset;
        private PolicySpec policy = PolicySpec.defaults();
        private final List<Notifier> notifiers = new ArrayList<>();
        private final List<EngineListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Backoff backoff = Backoff.DEFAULT;
        private DeadLetters deadLetters = DeadLetters.none();
        private Duration blindTimeout;
        private Duration maxIdle = Duration.ofMillis(200);
        private boolean resumeOnly;

        private Builder() {
        }

        /** Where tallies, runs and declarations are kept; default {@link Stores#inMemory()}. The caller closes them. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** What reports the arrivals; required. The watch starts and closes it. */
        public Builder source(ArrivalSource source) {
            return source(source, null);
        }

        /**
         * As {@link #source(ArrivalSource)}, with the source's reports going through {@code sinkFor}'s sink
         * (one that reads producers' manifests, say) instead of straight to the monitor.
         */
        public Builder source(ArrivalSource source, Function<Monitor, ArrivalSink> sinkFor) {
            this.source = Objects.requireNonNull(source, "source");
            this.sinkFor = sinkFor;
            return this;
        }

        /** The dataset the arrivals are counted in; default: everything the source reports, named by its bucket. */
        public Builder dataset(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            return this;
        }

        /** When the data counts as landed; default {@link PolicySpec#defaults()}. */
        public Builder policy(PolicySpec policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** As {@link #policy(PolicySpec)}, in the text form ({@code "adaptive threshold=3.0 hint=1m"}). */
        public Builder policy(String spec) {
            return policy(PolicySpec.parse(spec));
        }

        /** Who is told when the run ends (repeatable); names must differ. */
        public Builder notifier(Notifier notifier) {
            this.notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /** Hears everything the engine does, from before the first arrival is counted. */
        public Builder listener(EngineListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How failed deliveries are retried; default {@link Backoff#DEFAULT}. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Where events go that could not be delivered after every retry; default nowhere but the store. */
        public Builder deadLetters(DeadLetters deadLetters) {
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            return this;
        }

        /** How long the source may be blind before the run ends BLIND; default 10 min. */
        public Builder blindTimeout(Duration blindTimeout) {
            if (blindTimeout.isZero() || blindTimeout.isNegative()) {
                throw new InvalidConfigurationException("blind timeout must be > 0, was " + blindTimeout);
            }
            this.blindTimeout = blindTimeout;
            return this;
        }

        /** Longest the engine's loop sleeps without looking at the store; default 200 ms. */
        public Builder maxIdle(Duration maxIdle) {
            this.maxIdle = Objects.requireNonNull(maxIdle, "maxIdle");
            return this;
        }

        /** Resume the latest run of the id, or report how it ended; never start a new one. */
        public Builder resumeOnly() {
            this.resumeOnly = true;
            return this;
        }

        /**
         * Starts (or resumes) the run {@code id}: the source's first pass is counted before the run activates,
         * so data that was there all along is judged whole, then the engine runs in the background.
         *
         * @throws MissingNotifierException if a resumed run owes events to a notifier not given here
         * @throws InvalidConfigurationException if no source was given
         */
        public Watch start(String id) {
            Objects.requireNonNull(id, "id");
            if (source == null) {
                throw new InvalidConfigurationException("a watch needs a source");
            }
            Stores s = stores != null ? stores : Stores.inMemory();
            Dataset base = dataset != null ? dataset : Dataset.of(source.bucket(), source.bucket());
            Runs.Choice choice = Runs.choose(s, id, resumeOnly);
            Dataset ds = choice.datasetFor(base);
            missingNotifiers(s, choice);

            Engine.Builder eb = Engine.builder().stores(s).clock(clock).dataset(ds).backoff(backoff)
                    .deadLetters(deadLetters).maxIdle(maxIdle);
            if (blindTimeout != null) {
                eb.blindTimeout(blindTimeout);
            }
            notifiers.forEach(eb::notifier);
            listeners.forEach(eb::listener);
            Watch watch = new Watch(choice, ds, s, source, eb);
            try {
                watch.begin(policy, sinkFor, clock.instant());
            } catch (RuntimeException e) {
                watch.close();
                throw e;
            }
            return watch;
        }

        private void missingNotifiers(Stores s, Runs.Choice choice) {
            if (choice.existing().isEmpty()) {
                return;
            }
            Set<String> ours = new LinkedHashSet<>();
            notifiers.forEach(n -> ours.add(n.name()));
            Observation run = choice.existing().get();
            Set<String> missing = new LinkedHashSet<>();
            if (run.state().open()) {
                // its future events go to the notifiers it started with
                run.notifiers().stream().filter(n -> !ours.contains(n)).forEach(missing::add);
            }
            for (OutboxEntry e : s.outbox().entriesOf(run.id())) {
                if (e.status() == OutboxEntry.Status.PENDING && !ours.contains(e.notifier())) {
                    missing.add(e.notifier());
                }
            }
            if (!missing.isEmpty()) {
                throw new MissingNotifierException(run.id(), List.copyOf(missing));
            }
        }
    }

    /** Which run a start continues, per the rules in {@link Quiesce}. */
    static final class Runs {

        private Runs() {
        }

        /**
         * @param id the run's id ({@code base} or {@code base#n})
         * @param number 1 for the base id
         * @param existing the stored run to resume or report, empty for a new one
         * @param previous the ended run a new one follows, if any
         */
        record Choice(String id, int number, Optional<Observation> existing, Optional<Observation> previous) {

            /** The run's dataset: the base one for run 1, a numbered one after, an existing run's own. */
            Dataset datasetFor(Dataset base) {
                String datasetId = existing.map(Observation::datasetId)
                        .orElse(number == 1 ? base.id() : base.id() + "#" + number);
                return datasetId.equals(base.id()) ? base : new Dataset(datasetId, base.bucket(), base.prefixes());
            }

            boolean ended() {
                return existing.isPresent() && !existing.get().state().open();
            }
        }

        static int numberOf(String base, String id) {
            return id.equals(base) ? 1 : Integer.parseInt(id.substring(base.length() + 1));
        }

        static String idOf(String base, int number) {
            return number == 1 ? base : base + "#" + number;
        }

        static Choice choose(Stores stores, String base, boolean resumeOnly) {
            Optional<Observation> latest = latestRun(stores.observations(), base);
            int n = latest.map(o -> numberOf(base, o.id())).orElse(0);
            if (latest.isEmpty()) {
                return new Choice(base, 1, Optional.empty(), Optional.empty());
            }
            Observation last = latest.get();
            boolean settled = !last.state().open() && stores.outbox().entriesOf(last.id()).stream()
                    .noneMatch(e -> e.status() == OutboxEntry.Status.PENDING);
            if (!settled || resumeOnly) {
                return new Choice(last.id(), n, latest, Optional.empty());
            }
            return new Choice(idOf(base, n + 1), n + 1, Optional.empty(), latest);
        }
    }
}
