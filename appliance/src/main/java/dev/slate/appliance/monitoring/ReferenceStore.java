package dev.slate.appliance.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.monitoring.QuantileGrid;
import dev.slate.serving.engine.monitoring.ReferenceSummary;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Named reference datasets in the metadata database (table {@code monitoring_references}, migration V16_20), one row
 * per feature. Blocking JDBC with bind parameters only: call from worker threads.
 */
@Singleton
public class ReferenceStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    ReferenceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One stored reference: its features' summaries. */
    public record Reference(
            String environment,
            String name,
            Optional<String> jobId,
            Instant createdAt,
            Map<String, ReferenceSummary> features) {}

    /** Creates or replaces a reference with the given summaries. */
    public void put(String environment, String name, Optional<String> jobId, Collection<ReferenceSummary> summaries) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement d =
                        c.prepareStatement("delete from monitoring_references where environment = ? and name = ?")) {
                    d.setString(1, environment);
                    d.setString(2, name);
                    d.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "insert into monitoring_references (environment, name, feature, source_job_id, total, nulls,"
                                + " quantiles, top_values) values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb))")) {
                    for (ReferenceSummary r : summaries) {
                        s.setString(1, environment);
                        s.setString(2, name);
                        s.setString(3, r.feature());
                        s.setString(4, jobId.orElse(null));
                        s.setLong(5, r.total());
                        s.setLong(6, r.nulls());
                        s.setBytes(7, r.numeric().map(QuantileGrid::toBytes).orElse(null));
                        s.setString(8, r.isNumeric() ? null : JSON.writeValueAsString(r.counts()));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException | JsonProcessingException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException | JsonProcessingException e) {
            throw unavailable(e);
        }
    }

    public Optional<Reference> get(String environment, String name) {
        List<Reference> found = load("where environment = ? and name = ?", environment, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The references of one environment, or of every environment when {@code environment} is null. */
    public List<Reference> list(String environment) {
        return environment == null ? load("") : load("where environment = ?", environment);
    }

    public boolean delete(String environment, String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("delete from monitoring_references where environment = ? and name = ?")) {
            s.setString(1, environment);
            s.setString(2, name);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private List<Reference> load(String where, String... params) {
        String sql = "select environment, name, feature, source_job_id, total, nulls, quantiles, top_values::text,"
                + " created_at from monitoring_references " + where + " order by environment, name, feature";
        Map<String, Reference> byKey = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String env = rs.getString(1);
                    String name = rs.getString(2);
                    String feature = rs.getString(3);
                    byte[] grid = rs.getBytes(7);
                    String top = rs.getString(8);
                    Map<String, Long> counts = top == null ? Map.of() : JSON.readValue(top, new TypeReference<>() {});
                    ReferenceSummary summary = new ReferenceSummary(
                            feature,
                            rs.getLong(5),
                            rs.getLong(6),
                            grid == null ? Optional.empty() : Optional.of(QuantileGrid.fromBytes(grid, rs.getLong(5))),
                            counts);
                    Timestamp created = rs.getTimestamp(9);
                    Reference r = byKey.computeIfAbsent(
                            env + "\u0000" + name,
                            k -> new Reference(
                                    env, name, Optional.empty(), created.toInstant(), new LinkedHashMap<>()));
                    String job = rs.getString(4);
                    if (job != null && r.jobId().isEmpty()) {
                        r = new Reference(env, name, Optional.of(job), r.createdAt(), r.features());
                        byKey.put(env + "\u0000" + name, r);
                    }
                    r.features().put(feature, summary);
                }
            }
        } catch (SQLException | JsonProcessingException e) {
            throw unavailable(e);
        }
        List<Reference> out = new ArrayList<>();
        byKey.values()
                .forEach(r -> out.add(
                        new Reference(r.environment(), r.name(), r.jobId(), r.createdAt(), Map.copyOf(r.features()))));
        return out;
    }

    private static SlateException unavailable(Exception e) {
        return new SlateException(ErrorCode.STORE_UNAVAILABLE, "the metadata database failed: " + e.getMessage(), e);
    }
}
