package dev.slate.appliance.materialize;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.materialize.MaterializationMarks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** Reverse-ETL markers in the metadata database, table {@code materialization_marks} (migration V11). */
final class PostgresMaterializationMarks implements MaterializationMarks {

    private static final String LOAD =
            "select entity, feature, version, marker from materialization_marks where environment = ?";
    private static final String ALL = "select distinct marker from materialization_marks";
    private static final String SAVE = """
            insert into materialization_marks (environment, entity, feature, version, marker, updated_at)
            values (?, ?, ?, ?, ?, now())
            on conflict (environment, entity, feature, version) do update set marker = excluded.marker, updated_at = now()""";

    private final DataSource dataSource;

    PostgresMaterializationMarks(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    @Override
    public Map<Slot, String> load(String environment) {
        Map<Slot, String> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LOAD)) {
            ps.setString(1, environment);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new Slot(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read reverse-ETL markers of " + environment + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Set<String> all() {
        Set<String> out = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ALL);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read reverse-ETL markers: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void save(String environment, Map<Slot, String> markers) {
        if (markers.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(SAVE)) {
                for (Map.Entry<Slot, String> e : markers.entrySet()) {
                    ps.setString(1, environment);
                    ps.setString(2, e.getKey().entity());
                    ps.setString(3, e.getKey().feature());
                    ps.setString(4, e.getKey().version());
                    ps.setString(5, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot save reverse-ETL markers of " + environment + ": " + e.getMessage(), e);
        }
    }
}
