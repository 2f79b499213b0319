package dev.slate.appliance.query;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Supplies the secrets of the {@code fraud} example project: its source reads the schema
 * {@value FraudData#SCHEMA} of the test database (created and seeded by {@link FraudData}). Every
 * test class of this package uses this profile, so the application starts once for all of them.
 */
public class FraudTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "slate.secret.fraud_db_url",
                FraudData.SOURCE_URL,
                "slate.secret.fraud_db_user",
                "postgres",
                "slate.secret." + HttpResolverQueryTest.TOKEN_SECRET,
                HttpResolverQueryTest.TOKEN,
                // billing telemetry on, against a broker that is down until UsageTelemetryTest starts it: every query
                // test of this package runs with Kafka unreachable
                "slate.telemetry.enabled",
                "true",
                "slate.telemetry.period",
                "1s",
                "slate.telemetry.kafka.bootstrap-servers",
                "127.0.0.1:" + UsageTelemetryTest.KAFKA_PORT,
                "slate.telemetry.kafka.delivery-timeout",
                "3s",
                "slate.telemetry.kafka.retry-max",
                "2s");
    }
}
