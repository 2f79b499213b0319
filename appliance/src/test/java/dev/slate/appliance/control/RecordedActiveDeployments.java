package dev.slate.appliance.control;

import dev.slate.serving.model.deploy.ActiveDeployment;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every {@link ActiveDeployment} event the application fires, as serving would receive it. */
@ApplicationScoped
public class RecordedActiveDeployments {
    private final List<ActiveDeployment> events = new CopyOnWriteArrayList<>();

    void on(@Observes ActiveDeployment event) {
        events.add(event);
    }

    /** The events for one environment, oldest first. */
    public List<ActiveDeployment> of(String environment) {
        return events.stream().filter(e -> e.environment().equals(environment)).toList();
    }
}
