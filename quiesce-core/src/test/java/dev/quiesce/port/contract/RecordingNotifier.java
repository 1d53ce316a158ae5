package dev.quiesce.port.contract;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.port.Notifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A notifier for tests that keeps every event it is given, in delivery order; takes terminal events. Thread-safe. */
public final class RecordingNotifier implements Notifier {

    private final String name;
    private final List<LifecycleEvent> delivered = new CopyOnWriteArrayList<>();

    public RecordingNotifier(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(LifecycleEvent event) {
        delivered.add(event);
    }

    /** What was delivered so far. */
    public List<LifecycleEvent> delivered() {
        return List.copyOf(delivered);
    }
}
