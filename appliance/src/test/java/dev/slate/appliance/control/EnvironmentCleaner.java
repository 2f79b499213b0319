package dev.slate.appliance.control;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Removes the environments a test created from the shared test database. */
final class EnvironmentCleaner {
    private final DataSource dataSource;
    private final List<String> environments = new ArrayList<>();

    EnvironmentCleaner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    String track(String environment) {
        environments.add(environment);
        return environment;
    }

    void clean() throws SQLException {
        if (environments.isEmpty()) {
            return;
        }
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
