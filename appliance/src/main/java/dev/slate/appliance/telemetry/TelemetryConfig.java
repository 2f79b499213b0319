package dev.slate.appliance.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Billing telemetry, prefix {@code slate.telemetry} (docs/operations.md, "Billing telemetry"). Off unless enabled. */
@ConfigMapping(prefix = "slate.telemetry")
public interface TelemetryConfig {

    /** Usage records are counted and written to the outbox only when true. Serving never depends on it. */
    @WithDefault("false")
    boolean enabled();

    /** This replica's name in the records; default: the host name. */
    Optional<String> node();

    /** The length of a usage period: node seconds are counted in its whole multiples. */
    @WithDefault("10s")
    Duration period();

    Outbox outbox();

    Kafka kafka();

    interface Outbox {
        /**
         * Most unshipped records the outbox holds. Beyond it new records are dropped and counted ({@code
         * slate_usage_records_dropped_total}) rather than filling the metadata database; alert on the backlog first.
         */
        @WithDefault("1000000")
        long maxBacklog();

        /** Records whose period started longer ago are deleted: shipped ones, or every one when no Kafka is set. */
        @WithDefault("35d")
        Duration retention();
    }

    interface Kafka {
        /** The brokers; unset: no Kafka export (records wait in the outbox for {@code slate usage export}). */
        Optional<String> bootstrapServers();

        @WithDefault("slate.usage.v1")
        String topic();

        /** Records per shipping round. */
        @WithDefault("500")
        int batchSize();

        /** How long the producer keeps trying one record before the round counts it as failed. */
        @WithDefault("30s")
        Duration deliveryTimeout();

        /** Longest wait between rounds while Kafka is unreachable (the wait doubles from 1 s). */
        @WithDefault("60s")
        Duration retryMax();

        /** Further producer settings (security protocol, SASL, TLS trust store...), e.g. {@code slate.telemetry.kafka.properties."security.protocol"=SSL}. */
        Map<String, String> properties();
    }
}
