package dev.slate.appliance.demo;

import dev.slate.storage.testservers.TestPostgres;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The appliance as {@code slate up --demo} starts it ({@code slate.demo=true}, the example's secrets pointing at
 * the database {@value DemoSeeder#DATABASE} the seeder creates on the metadata PostgreSQL server), on the test servers.
 */
public class DemoTestProfile implements QuarkusTestProfile {

    /** The demo database, as the project's source and as a JDBC URL for the test's own reads. */
    static final TestPostgres DEMO_DATABASE = new TestPostgres(
            TestServers.postgres().host(),
            TestServers.postgres().port(),
            DemoSeeder.DATABASE,
            TestServers.postgres().user());

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "slate.demo",
                "true",
                "slate.secret.fraud_db_url",
                DEMO_DATABASE.url(),
                "slate.secret.fraud_db_user",
                DEMO_DATABASE.user());
    }
}
