package dev.slate.control.alerts;

import java.util.HashSet;
import java.util.Set;

/** Where alert rules read metrics: this replica's Prometheus exposition (the appliance provides it). */
public interface MetricSource {

    MetricSamples scrape();

    /**
     * Series names a rule may use even before they have a sample (documented metrics whose series
     * appear on first use, e.g. a resolver's first error).
     */
    Set<String> documented();

    /** Every series name a formula may read: the documented ones and those of a scrape now. */
    default Set<String> known() {
        Set<String> known = new HashSet<>(documented());
        known.addAll(scrape().names());
        return known;
    }
}
