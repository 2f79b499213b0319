package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.FeatureLookup;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The matching half of the bulk export's point-in-time join, done as a merge in Java over primitive arrays
 * instead of one DuckDB {@code ASOF JOIN} per feature (which sorts the spine and the feature's rows again for
 * every feature, about 4× the cost of what follows here on the benchmark of docs/benchmarks.md).
 *
 * <p>DuckDB still does the reading: the spine's encoded keys are numbered densely ({@code pit_keys_<uuid>},
 * the distinct keys of the spine), and for each feature only its rows whose key is in the spine are read, as
 * (key number, observed µs, write_seq, value). Here, spine rows and feature rows are grouped by key number (a counting sort) and sorted within a key
 * by time, and (observed_at, write_seq); one pass per key then finds for every spine row the last feature row
 * with {@code observed_at <= t} (so, of equal observation times, the greatest write_seq), and drops it when
 * {@code t - observed_at} exceeds the staleness bound. The values found go, one array per feature, through the
 * Appender into the temporary table {@code pit_result} (list values still in their text encoding), which the
 * final {@code COPY} unnests and joins to the spine. Memory: about 30 bytes per spine row and feature row; larger inputs take the SQL-only path
 * ({@link #fits}, at most {@link #MAX_ROWS}).
 */
final class PointInTimeMerge {

    /** Rows of the spine, and of any one feature, up to which the merge holds them in Java arrays. */
    static final long MAX_ROWS = 20_000_000L;

    static final String RESULT_TABLE = "pit_result";

    private final DuckDBConnection c;
    private final ExportControl control;
    private final int rows;
    /** The spine's distinct encoded keys and their numbers (entity_key, kid). */
    private final String keysTable;
    /** Spine rows in (key number, t) order, and where each key number's run starts (length keys + 1). */
    private int[] spineOrder;

    private int[] spineStart;
    private long[] spineTime;

    private PointInTimeMerge(DuckDBConnection c, ExportControl control, int rows, String keysTable) {
        this.c = c;
        this.control = control;
        this.rows = rows;
        this.keysTable = keysTable;
    }

    static boolean fits(long spineRows, List<PointInTimeJoin.FeatureFiles> files, long limit) {
        return spineRows <= limit && files.stream().allMatch(f -> f.records() <= limit);
    }

    /** The values of one feature's rows as read, in one typed array, and the matched row of each spine row (or -1). */
    private record Matched(
            FeatureType type, long[] longs, double[] doubles, String[] strings, boolean[] isNull, int[] match) {}

    /**
     * Fills {@code pit_result} ({@link #resultColumns} reads it back with one row per spine row, {@code row_id} =
     * the spine's {@code file_row_number}, and per feature with files a column {@code v<f>} holding the matched
     * value, null for no match or an observed null). {@code spineSql}
     * selects {@code row_id, entity_key, t_us} from the spine, with {@code spineParameter} as its one parameter.
     * {@code progress} receives the number of features matched so far.
     */
    static void run(
            DuckDBConnection c,
            ExportControl control,
            int rows,
            String spineSql,
            Object spineParameter,
            List<PointInTimeJoin.FeatureFiles> files,
            IntConsumer progress)
            throws SQLException {
        PointInTimeMerge m = new PointInTimeMerge(
                c, control, rows, "pit_keys_" + UUID.randomUUID().toString().replace("-", ""));
        try {
            m.readSpine(spineSql, spineParameter);
            Matched[] matches = new Matched[files.size()];
            m.matchAll(files, matches, progress);
            control.throwIfCancelled();
            m.writeMatches(matches);
        } finally {
            EmbeddedDuckDb.execute(c, "DROP TABLE IF EXISTS " + m.keysTable);
        }
    }

    /**
     * Matches the features on up to as many threads as there are cores, each with its own connection (the key
     * table is a table of the shared in-memory database, not a temporary one, for that reason).
     */
    private void matchAll(List<PointInTimeJoin.FeatureFiles> files, Matched[] matches, IntConsumer progress)
            throws SQLException {
        int workers = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofPlatform().name("slate-export-match-" + w).start(() -> {
                try (DuckDBConnection own = EmbeddedDuckDb.duplicate(c)) {
                    for (int f = next.getAndIncrement();
                            f < files.size() && failures.isEmpty();
                            f = next.getAndIncrement()) {
                        control.throwIfCancelled();
                        if (!files.get(f).paths().isEmpty()) {
                            matches[f] = match(own, files.get(f));
                        }
                        progress.accept(done.incrementAndGet());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                control.cancel();
                throw new ExportCancelledException("interrupted while matching");
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            switch (first) {
                case SQLException e -> throw e;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(first);
            }
        }
    }

    private void readSpine(String spineSql, Object spineParameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("CREATE OR REPLACE TEMP TABLE pit_spine AS " + spineSql)) {
            ps.setObject(1, spineParameter);
            ps.execute();
        }
        EmbeddedDuckDb.execute(
                c,
                "CREATE TABLE " + keysTable + " AS SELECT " + ENTITY_KEY
                        + ", CAST(row_number() OVER () - 1 AS INTEGER) AS kid" + " FROM (SELECT DISTINCT " + ENTITY_KEY
                        + " FROM pit_spine)");
        int keys;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + keysTable);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            keys = rs.getInt(1);
        }
        int[] kid = new int[rows];
        spineTime = new long[rows];
        int seen = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT s.row_id, k.kid, s.t_us FROM pit_spine s JOIN "
                        + keysTable + " k ON k." + ENTITY_KEY + " = s." + ENTITY_KEY);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int row = Math.toIntExact(rs.getLong(1));
                kid[row] = rs.getInt(2);
                spineTime[row] = rs.getLong(3);
                seen++;
            }
        }
        if (seen != rows) {
            throw new IllegalStateException("the spine read back " + seen + " rows of " + rows);
        }
        EmbeddedDuckDb.execute(c, "DROP TABLE pit_spine");
        spineStart = new int[keys + 1];
        spineOrder = groupByKey(kid, rows, keys, spineStart);
        for (int k = 0; k < keys; k++) {
            sort(spineOrder, spineStart[k], spineStart[k + 1], spineTime, spineTime);
        }
    }

    /** The matched value of every spine row for one feature. */
    private Matched match(DuckDBConnection c, PointInTimeJoin.FeatureFiles ff) throws SQLException {
        FeatureLookup lookup = ff.lookup();
        FeatureType type = lookup.slot().type();
        Kind kind = kind(type);
        int capacity = (int) Math.min(Math.max(ff.records(), 16), MAX_ROWS);
        int[] kid = new int[capacity];
        long[] observed = new long[capacity];
        long[] seq = new long[capacity];
        long[] longs = kind == Kind.LONG || kind == Kind.BOOL ? new long[capacity] : null;
        double[] doubles = kind == Kind.DOUBLE ? new double[capacity] : null;
        String[] strings = kind == Kind.STRING ? new String[capacity] : null;
        boolean[] isNull = new boolean[capacity];
        int n = 0;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT k.kid, epoch_us(d." + OBSERVED_AT + "), d." + WRITE_SEQ + ", "
                        + PointInTimeJoin.valueExpression(type) // the value column's name is only in d
                        + " FROM read_parquet(?) d JOIN " + keysTable + " k ON k." + ENTITY_KEY + " = d." + ENTITY_KEY
                        + " WHERE d." + FEATURE_VERSION + " = ? AND d." + VALUE_TYPE + " = ? AND d." + OBSERVED_AT
                        + " >= make_timestamptz(?::BIGINT) AND d."
                        + OBSERVED_AT + " <= make_timestamptz(?::BIGINT)")) {
            ps.setObject(1, c.createArrayOf("VARCHAR", ff.paths().toArray()));
            ps.setString(2, lookup.slot().version());
            ps.setString(3, lookup.slot().type().spelling());
            ps.setLong(4, ff.minObservedMicros());
            ps.setLong(5, ff.maxObservedMicros());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == capacity) {
                        // Iceberg's counts bound the rows; grow anyway rather than trust them blindly
                        capacity = Math.toIntExact(Math.min((long) capacity * 2, Integer.MAX_VALUE - 8));
                        kid = Arrays.copyOf(kid, capacity);
                        observed = Arrays.copyOf(observed, capacity);
                        seq = Arrays.copyOf(seq, capacity);
                        longs = longs == null ? null : Arrays.copyOf(longs, capacity);
                        doubles = doubles == null ? null : Arrays.copyOf(doubles, capacity);
                        strings = strings == null ? null : Arrays.copyOf(strings, capacity);
                        isNull = Arrays.copyOf(isNull, capacity);
                    }
                    kid[n] = rs.getInt(1);
                    observed[n] = rs.getLong(2);
                    seq[n] = rs.getLong(3);
                    switch (kind) {
                        case LONG -> longs[n] = rs.getLong(4);
                        case BOOL -> longs[n] = rs.getBoolean(4) ? 1 : 0;
                        case DOUBLE -> doubles[n] = rs.getDouble(4);
                        case STRING -> strings[n] = rs.getString(4);
                    }
                    isNull[n] = rs.wasNull();
                    n++;
                }
            }
        }
        control.throwIfCancelled();
        int keys = spineStart.length - 1;
        int[] start = new int[keys + 1];
        int[] order = groupByKey(kid, n, keys, start);
        long bound = lookup.maxStaleness().map(PointInTimeJoin::micros).orElse(Long.MAX_VALUE);
        int[] match = new int[rows];
        Arrays.fill(match, -1);
        for (int k = 0; k < keys; k++) {
            int from = start[k];
            int to = start[k + 1];
            if (from == to) {
                continue;
            }
            sort(order, from, to, observed, seq);
            // spine rows of this key by ascending t; j is the last feature row with observed_at <= t
            int j = from - 1;
            for (int s = spineStart[k]; s < spineStart[k + 1]; s++) {
                int row = spineOrder[s];
                long t = spineTime[row];
                while (j + 1 < to && observed[order[j + 1]] <= t) {
                    j++;
                }
                if (j >= from) {
                    int hit = order[j];
                    // saturating: t - observed_at >= 0 here, and a bound past the range of times admits everything
                    if (t - observed[hit] <= bound) {
                        match[row] = hit;
                    }
                }
            }
        }
        return new Matched(type, longs, doubles, strings, isNull, match);
    }

    private enum Kind {
        LONG,
        BOOL,
        DOUBLE,
        STRING
    }

    /** How a value of {@code type} is held here: as read with {@link PointInTimeJoin#valueExpression}. */
    private static Kind kind(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT, DATETIME, DATE -> Kind.LONG;
                    case FLOAT -> Kind.DOUBLE;
                    case BOOL -> Kind.BOOL;
                    case STRING -> Kind.STRING;
                };
            case FeatureType.ListOf ignored -> Kind.STRING;
        };
    }

    /**
     * Writes {@code pit_result} as one row with, per feature with files, a list column {@code v<f>} of the matched
     * values in spine order (a null element for no match or an observed null), appended a whole array at a time:
     * one Appender call per feature instead of one per value. {@link #resultColumns} unnests it.
     */
    private void writeMatches(Matched[] matches) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TEMP TABLE " + RESULT_TABLE + " (n BIGINT");
        for (int f = 0; f < matches.length; f++) {
            if (matches[f] != null) {
                ddl.append(", v")
                        .append(f)
                        .append(' ')
                        .append(
                                switch (kind(matches[f].type())) {
                                    case LONG -> "BIGINT[]";
                                    case DOUBLE -> "DOUBLE[]";
                                    case BOOL -> "BOOLEAN[]";
                                    case STRING -> "VARCHAR[]";
                                });
            }
        }
        EmbeddedDuckDb.execute(c, ddl.append(')').toString());
        try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, RESULT_TABLE)) {
            a.beginRow().append((long) rows);
            for (Matched m : matches) {
                if (m == null) {
                    continue;
                }
                int[] match = m.match();
                boolean[] nulls = new boolean[rows];
                for (int row = 0; row < rows; row++) {
                    nulls[row] = match[row] < 0 || m.isNull()[match[row]];
                }
                switch (kind(m.type())) {
                    case LONG -> {
                        long[] out = new long[rows];
                        for (int row = 0; row < rows; row++) {
                            out[row] = nulls[row] ? 0 : m.longs()[match[row]];
                        }
                        a.append(out, nulls);
                    }
                    case BOOL -> {
                        boolean[] out = new boolean[rows];
                        for (int row = 0; row < rows; row++) {
                            out[row] = !nulls[row] && m.longs()[match[row]] != 0;
                        }
                        a.append(out, nulls);
                    }
                    case DOUBLE -> {
                        double[] out = new double[rows];
                        for (int row = 0; row < rows; row++) {
                            out[row] = nulls[row] ? 0 : m.doubles()[match[row]];
                        }
                        a.append(out, nulls);
                    }
                    case STRING -> {
                        List<String> out = new ArrayList<>(rows);
                        for (int row = 0; row < rows; row++) {
                            out.add(nulls[row] ? null : m.strings()[match[row]]);
                        }
                        a.append(out);
                    }
                }
            }
            a.endRow();
        }
    }

    /**
     * A subquery of {@code pit_result} with one row per spine row: {@code row_id} and, per feature with files,
     * {@code v<f>} of the feature's stored type ({@link PointInTimeJoin#valueExpression} undone), list values
     * still in their text encoding.
     */
    static String resultColumns(List<PointInTimeJoin.FeatureFiles> files) {
        StringBuilder sql = new StringBuilder("SELECT unnest(range(n)) AS row_id");
        for (int f = 0; f < files.size(); f++) {
            if (files.get(f).paths().isEmpty()) {
                continue;
            }
            String v = "v" + f;
            String element = switch (files.get(f).lookup().slot().type()) {
                case FeatureType.Scalar s ->
                    switch (s) {
                        case DATETIME -> "make_timestamptz(" + v + ")";
                        case DATE -> "CAST(DATE '1970-01-01' + CAST(" + v + " AS INTEGER) AS DATE)";
                        case INT, FLOAT, STRING, BOOL -> v;
                    };
                case FeatureType.ListOf ignored -> v;
            };
            // list_transform keeps nulls as nulls: make_timestamptz(NULL) is NULL
            sql.append(", unnest(")
                    .append(element.equals(v) ? v : "list_transform(" + v + ", " + v + " -> " + element + ")")
                    .append(") AS ")
                    .append(v);
        }
        return sql.append(" FROM ").append(RESULT_TABLE).toString();
    }

    /** A counting sort of {@code 0..n-1} by key number; {@code start} (length keys + 1) receives each key's run. */
    private static int[] groupByKey(int[] kid, int n, int keys, int[] start) {
        for (int i = 0; i < n; i++) {
            start[kid[i] + 1]++;
        }
        for (int k = 0; k < keys; k++) {
            start[k + 1] += start[k];
        }
        int[] next = Arrays.copyOf(start, keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[kid[i]]++] = i;
        }
        return order;
    }

    /** Sorts {@code idx[from, to)} by ({@code a[idx]}, {@code b[idx]}) ascending: insertion sort for short runs, else quicksort. */
    static void sort(int[] idx, int from, int to, long[] a, long[] b) {
        while (to - from > 24) {
            int mid = (from + to) >>> 1;
            int pivot = median(idx[from], idx[mid], idx[to - 1], a, b);
            long pa = a[pivot];
            long pb = b[pivot];
            int i = from;
            int j = to - 1;
            while (i <= j) {
                while (less(a[idx[i]], b[idx[i]], pa, pb)) {
                    i++;
                }
                while (less(pa, pb, a[idx[j]], b[idx[j]])) {
                    j--;
                }
                if (i <= j) {
                    int x = idx[i];
                    idx[i] = idx[j];
                    idx[j] = x;
                    i++;
                    j--;
                }
            }
            // recurse into the smaller part, loop on the larger: stack depth stays logarithmic
            if (j - from < to - i) {
                sort(idx, from, j + 1, a, b);
                from = i;
            } else {
                sort(idx, i, to, a, b);
                to = j + 1;
            }
        }
        for (int i = from + 1; i < to; i++) {
            int x = idx[i];
            int j = i - 1;
            while (j >= from && less(a[x], b[x], a[idx[j]], b[idx[j]])) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = x;
        }
    }

    private static boolean less(long a1, long b1, long a2, long b2) {
        return a1 < a2 || (a1 == a2 && b1 < b2);
    }

    private static int median(int x, int y, int z, long[] a, long[] b) {
        if (less(a[x], b[x], a[y], b[y])) {
            return less(a[y], b[y], a[z], b[z]) ? y : less(a[x], b[x], a[z], b[z]) ? z : x;
        }
        return less(a[x], b[x], a[z], b[z]) ? x : less(a[y], b[y], a[z], b[z]) ? z : y;
    }
}
