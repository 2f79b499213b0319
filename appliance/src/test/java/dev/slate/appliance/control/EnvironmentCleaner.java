package dev.slate.appliance.control;

import io.quarkus.arc.Arc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that removes, after each test, the environments the test {@link #track tracked} from the test
 * database (through the running application's {@link DataSource}). A test class registers it in an instance field:
 *
 * <pre>
 * &#64;RegisterExtension
 * final EnvironmentCleaner cleaner = new EnvironmentCleaner();
 * </pre>
 */
final class EnvironmentCleaner implements AfterEachCallback {
    private final List<String> environments = new ArrayList<>();

    String track(String environment) {
        environments.add(environment);
        return environment;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (environments.isEmpty()) {
            return;
        }
        DataSource dataSource = Arc.container().instance(DataSource.class).get();
        try (Connection c = dataSource.getConnection()) {
            Array names = c.createArrayOf("text", environments.toArray());
            for (String sql : List.of(
                    "update environments set active_deployment_id = null where name = any(?)",
                    "delete from deployments where environment = any(?)",
                    "delete from environments where name = any(?)")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setArray(1, names);
                    s.executeUpdate();
                }
            }
        }
        environments.clear();
    }
}
