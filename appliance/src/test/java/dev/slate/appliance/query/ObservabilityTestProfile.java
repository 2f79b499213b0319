package dev.slate.appliance.query;

import java.util.HashMap;
import java.util.Map;

/**
 * The fraud profile with the observability features under test switched on: OpenTelemetry exporting OTLP/HTTP to
 * the in-test {@link OtlpReceiver}, feature-value statistics series refreshed quickly, and a usage outbox bound small
 * enough for the built-in alert to fire (Kafka is down in this profile, so the outbox only grows).
 */
public class ObservabilityTestProfile extends FraudTestProfile {

    /** The outbox bound of this profile. */
    static final int OUTBOX_BOUND = 40;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = new HashMap<>(super.getConfigOverrides());
        c.put("quarkus.otel.sdk.disabled", "false");
        c.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
        c.put("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + OtlpReceiver.INSTANCE.port());
        c.put("quarkus.otel.bsp.schedule.delay", "100ms");
        c.put("slate.monitoring.refresh-interval", "200ms");
        c.put("slate.telemetry.outbox.max-backlog", String.valueOf(OUTBOX_BOUND));
        return c;
    }
}
