package dev.quiesce.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's listeners, called so that one that throws can neither undo a change nor silence the others. */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<EngineListener> all = new CopyOnWriteArrayList<>();

    void add(EngineListener listener) {
        all.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    void remove(EngineListener listener) {
        all.remove(listener);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    void each(Consumer<EngineListener> call) {
        for (EngineListener l : all) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("listener.failed listener={} error=\"{}\"", l.getClass().getName(), e.toString());
            }
        }
    }
}
