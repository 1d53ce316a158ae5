package dev.quiesce.sim;

import dev.quiesce.EventType;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.Sent;
import dev.quiesce.engine.Engine;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A deterministic discrete-event simulation on virtual time that drives the real engine &mdash; its
 * monitor, observer, policies, outbox relay and in-memory stores &mdash; with the storage events of a
 * {@link Workload}, and measures how well each policy detects the end of the data.
 *
 * <p>Each run draws its {@link Traffic} from a {@link java.util.SplittableRandom} seeded from (seed,
 * run index), then plays it into one fresh engine and fresh stores per policy: storage events at the
 * instants they become visible, and the engine's due checks and deliveries exactly when
 * {@link Engine#nextWorkAt()} says (events at the same instant as a check are accepted first, as the
 * core's virtual-time tests do). Every observation starts at the run's origin, WAITING, so it
 * activates at its dataset's first arrival. A run ends when every observation has finished, or when
 * the workload's horizon after the last visible arrival has passed. A policy that reads producers'
 * declarations (exact completion) also gets each producer's open when it starts and its close, with
 * the records it sent, when it returns ({@link Traffic#declarations()}).
 *
 * <p>Runs are spread over {@code threads} threads; results are combined with order-independent
 * integer sums and histogram counts, so the same seed gives the same {@link Report}, byte for byte,
 * whatever the thread count or scheduling. Only the {@link Speed} depends on the machine.
 *
 * <p>Each dataset is a bucket of its own ({@code d<i>}, also the dataset and observation id) and no
 * {@link dev.quiesce.Dataset} is registered, so the engine's router counts each arrival under its
 * bucket, as the founding note does: registering 10,000 datasets would make every arrival scan them
 * all (the core router matches each one in turn). Instances are immutable and thread-safe.
 */
public final class Simulator {

    /** The instant virtual time starts from in every run. */
    public static final Instant ORIGIN = Instant.parse("2024-05-01T00:00:00Z");

    /** Runs per (scenario, policy) unless told otherwise. */
    public static final int DEFAULT_RUNS = 200;

    /**
     * The policies compared unless told otherwise: the founding note's three settings (constant 30 s,
     * 30 s divided by the streak, 30 s decaying as e^-streak, each with window 3), an Airflow-like
     * inactivity period at its 1 h default and tuned to 90 s, the adaptive policy with its defaults and
     * with the stream's buffer interval as its hint, and exact completion from the producers'
     * declarations (see {@link PolicyTemplate} for the placeholders).
     */
    public static final List<String> DEFAULT_POLICIES = List.of(
            "stable window=3 delay=constant:30s",
            "stable window=3 delay=divided:30s",
            "stable window=3 delay=decay:30s",
            "inactivity period=1h",
            "inactivity period=90s",
            "adaptive",
            "adaptive hint=" + PolicyTemplate.BUFFER_INTERVAL,
            "expected unit=records producers=" + PolicyTemplate.PRODUCERS);

    private static final int NOTHING = -1;
    private static final int MAX_PASSES_AT_ONE_INSTANT = 10_000;

    private final List<String> policyTexts;
    private final int runs;
    private final long seed;
    private final int threads;

    private Simulator(Builder b) {
        this.policyTexts = List.copyOf(b.policies);
        this.runs = b.runs;
        this.seed = b.seed;
        this.threads = b.threads;
    }

    /** A builder with the defaults: {@link #DEFAULT_POLICIES}, {@link #DEFAULT_RUNS} runs, seed 1, one thread per core. */
    public static Builder builder() {
        return new Builder();
    }

    /** The policies compared, as given. */
    public List<String> policies() {
        return policyTexts;
    }

    /** Runs per (workload, policy). */
    public int runs() {
        return runs;
    }

    /** The seed every run's random numbers derive from. */
    public long seed() {
        return seed;
    }

    /**
     * A report and the speed it was made at.
     *
     * @param report the deterministic table
     * @param speed how fast this machine simulated it
     */
    public record Result(Report report, Speed speed) {
    }

    /** Simulates one workload; see {@link #run(List)}. */
    public Result run(Workload workload) {
        return run(List.of(workload));
    }

    /**
     * Simulates every workload {@link #runs()} times under every policy.
     *
     * @throws InvalidConfigurationException if a workload cannot be generated (too large)
     */
    public Result run(List<Workload> workloads) {
        long started = System.nanoTime();
        List<List<RowAccumulator>> rows = new ArrayList<>();
        List<List<PolicySpec>> specs = new ArrayList<>();
        for (Workload w : workloads) {
            List<RowAccumulator> perPolicy = new ArrayList<>();
            List<PolicySpec> resolved = new ArrayList<>();
            for (String p : policyTexts) {
                perPolicy.add(new RowAccumulator(w.name(), p, w.datasets()));
                resolved.add(PolicySpec.parse(PolicyTemplate.resolve(p, w)));
            }
            rows.add(perPolicy);
            specs.add(List.copyOf(resolved));
        }
        long[] arrivals = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "quiesce-sim");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int wi = 0; wi < workloads.size(); wi++) {
                Workload w = workloads.get(wi);
                List<RowAccumulator> perPolicy = rows.get(wi);
                List<PolicySpec> policies = specs.get(wi);
                for (int run = 0; run < runs; run++) {
                    int r = run;
                    futures.add(pool.submit(() -> {
                        Traffic traffic = Traffic.generate(w, seed, r);
                        long accepted = 0;
                        for (int p = 0; p < policies.size(); p++) {
                            RunResult result = play(traffic, w, policyTexts.get(p), policies.get(p), r);
                            perPolicy.get(p).add(result);
                            accepted += result.arrivals();
                        }
                        return accepted;
                    }));
                }
            }
            for (Future<Long> f : futures) {
                arrivals[0] += f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException("simulation failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        List<Report.Row> table = new ArrayList<>();
        for (List<RowAccumulator> perPolicy : rows) {
            for (RowAccumulator a : perPolicy) {
                table.add(a.row());
            }
        }
        long wall = System.nanoTime() - started;
        return new Result(new Report(seed, runs, table),
                new Speed(arrivals[0], (long) workloads.size() * runs * policyTexts.size(), wall, threads));
    }

    /**
     * Plays run {@code run} of a workload under one policy, on a fresh engine: for tests and for looking
     * at one run closely.
     *
     * @throws InvalidConfigurationException if the policy text is not a valid spec
     */
    public RunResult play(Workload workload, String policy, int run) {
        return play(Traffic.generate(workload, seed, run), workload, policy,
                PolicySpec.parse(PolicyTemplate.resolve(policy, workload)), run);
    }

    /** The seed of run {@code run}: the simulator's seed and the run index mixed (SplitMix64's finaliser). */
    static long runSeed(long seed, int run) {
        long z = seed + 0x9E3779B97F4A7C15L * (run + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Plays one traffic into one fresh engine under one policy. */
    static RunResult play(Traffic traffic, Workload workload, String policyText, PolicySpec spec, int run) {
        int datasets = traffic.datasets();
        VirtualClock clock = VirtualClock.at(ORIGIN);
        // sized for the run's datasets up front: growing maps of 10,000 entries rehash them again and again
        CountingTallyStore tallies = new CountingTallyStore(new InMemoryTallyStore(datasets));
        InMemoryObservationStore raw = new InMemoryObservationStore(datasets);
        CountingObservationStore store = new CountingObservationStore(raw);
        long[] messages = new long[1];
        Scheduler scheduler = (id, version, dueAt) -> messages[0]++;
        Recorder recorder = new Recorder(clock, datasets);
        Engine engine = Engine.builder()
                .tallies(tallies)
                .store(store)
                .clock(clock)
                .notifier(recorder)
                .drivenExternally()
                .scheduler(scheduler)
                .build();
        for (int d = 0; d < datasets; d++) {
            engine.observer().start(traffic.bucket(d), traffic.bucket(d), spec);
        }
        long horizonEnd = Math.max(0, traffic.lastVisibleMillis()) + workload.horizon().toMillis();
        int n = traffic.deliveryCount();
        int next = 0;
        // producers' declarations matter only to a policy that reads them: others skip the work
        List<Traffic.Declaration> declarations = spec.policy().needsExpectations() ? traffic.declarations() : List.of();
        int nextDeclaration = 0;
        long accepted = 0;
        long wakeUps = 0;
        long nextWork = nextWork(engine, clock);
        long lastPassAt = -1;
        int passesHere = 0;
        while (recorder.finished < datasets) {
            long nextDelivery = next < n ? traffic.visibleAt(next) : Long.MAX_VALUE;
            long declarationAt = nextDeclaration < declarations.size()
                    ? declarations.get(nextDeclaration).atMillis() : Long.MAX_VALUE;
            if (nextDelivery == Long.MAX_VALUE && nextWork == Long.MAX_VALUE && declarationAt == Long.MAX_VALUE) {
                break;
            }
            if (declarationAt < nextDelivery && declarationAt <= nextWork) {
                clock.advanceTo(Math.max(clock.elapsedMillis(), declarationAt));
                Traffic.Declaration dec = declarations.get(nextDeclaration++);
                String bucket = traffic.bucket(dec.dataset());
                if (dec.closes()) {
                    engine.monitor().closed(bucket, dec.producer(), new Sent(dec.records(), Sent.UNKNOWN, Sent.UNKNOWN));
                } else {
                    engine.monitor().opened(bucket, dec.producer());
                }
            } else if (nextDelivery <= nextWork) {
                // storage events visible at an instant are accepted before the checks due then
                clock.advanceTo(Math.max(clock.elapsedMillis(), nextDelivery));
                do {
                    engine.monitor().accept(traffic.arrivalOf(next));
                    accepted++;
                    next++;
                } while (next < n && traffic.visibleAt(next) == nextDelivery);
            } else {
                if (nextWork > horizonEnd) {
                    break;
                }
                clock.advanceTo(Math.max(clock.elapsedMillis(), nextWork));
                if (clock.elapsedMillis() == lastPassAt) {
                    if (++passesHere > MAX_PASSES_AT_ONE_INSTANT) {
                        throw new IllegalStateException("engine made no progress at " + clock.instant()
                                + " in scenario " + workload.name() + " under '" + policyText + "'");
                    }
                } else {
                    lastPassAt = clock.elapsedMillis();
                    passesHere = 0;
                }
                engine.runOnce();
                wakeUps++;
            }
            nextWork = nextWork(engine, clock);
        }
        long[] lastVisible = new long[datasets];
        long[] checks = new long[datasets];
        long[] quietGaps = new long[datasets];
        RunResult.Ending[] endings = new RunResult.Ending[datasets];
        for (int d = 0; d < datasets; d++) {
            lastVisible[d] = traffic.lastVisibleMillis(d);
            quietGaps[d] = traffic.longestQuietGapMillis(d);
            Optional<Observation> o = raw.find(traffic.bucket(d));
            checks[d] = o.isPresent() ? o.get().progress().checks() : 0;
            endings[d] = recorder.endings[d] == null ? RunResult.Ending.UNFINISHED : recorder.endings[d];
        }
        return new RunResult(workload.name(), policyText, run, recorder.completedAt, endings, lastVisible, checks,
                quietGaps, accepted, tallies.reads, tallies.writes, store.reads, store.writes, store.polls, messages[0],
                wakeUps, recorder.notifications);
    }

    private static long nextWork(Engine engine, VirtualClock clock) {
        Optional<Instant> t = engine.nextWorkAt();
        return t.isPresent() ? clock.toMillis(t.get()) : Long.MAX_VALUE;
    }

    /**
     * The downstream service of a run: records each observation's final event. A second final event for
     * one observation would break quiesce's promise (one notification, never two) and fails the run.
     */
    private static final class Recorder implements Notifier {
        private final VirtualClock clock;
        final long[] completedAt;
        final RunResult.Ending[] endings;
        int finished;
        long notifications;

        Recorder(VirtualClock clock, int datasets) {
            this.clock = clock;
            this.completedAt = new long[datasets];
            java.util.Arrays.fill(completedAt, NOTHING);
            this.endings = new RunResult.Ending[datasets];
        }

        @Override
        public String name() {
            return "sim";
        }

        @Override
        public void deliver(LifecycleEvent event) {
            notifications++;
            String id = event.observationId();
            int d = Integer.parseInt(id, 1, id.length(), 10);
            if (endings[d] != null) {
                throw new IllegalStateException("observation " + id + " notified twice: " + event.id());
            }
            endings[d] = event.type() == EventType.COMPLETED ? RunResult.Ending.COMPLETED
                    : RunResult.Ending.ENDED_OTHERWISE;
            completedAt[d] = clock.toMillis(event.time());
            finished++;
        }
    }

    /** A buffered stream with producers, on which every valid policy template resolves fully. */
    private static final Workload TEMPLATE_PROBE = Workload.parse("{\"name\": \"probe\", \"producers\": [{\"rate\": 1, "
            + "\"duration\": \"1m\"}], \"firehose\": {\"bufferInterval\": \"60s\"}}", "policy check");

    /** Builds a {@link Simulator}; not thread-safe. */
    public static final class Builder {
        private List<String> policies = DEFAULT_POLICIES;
        private int runs = DEFAULT_RUNS;
        private long seed = 1;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        /**
         * The policies to compare, as {@link PolicySpec} text ({@code stable window=3 delay=constant:30s},
         * {@code inactivity period=90s}, ...).
         *
         * @throws InvalidConfigurationException if the list is empty or a spec is not valid
         */
        public Builder policies(List<String> policies) {
            Objects.requireNonNull(policies, "policies");
            if (policies.isEmpty()) {
                throw new InvalidConfigurationException("give at least one policy");
            }
            for (String p : policies) {
                PolicySpec.parse(PolicyTemplate.resolve(p, TEMPLATE_PROBE));
            }
            this.policies = List.copyOf(policies);
            return this;
        }

        /** @throws InvalidConfigurationException if {@code runs < 1} */
        public Builder runs(int runs) {
            if (runs < 1) {
                throw new InvalidConfigurationException("runs must be >= 1, was " + runs);
            }
            this.runs = runs;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws InvalidConfigurationException if {@code threads < 1} */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new InvalidConfigurationException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        public Simulator build() {
            return new Simulator(this);
        }
    }
}
