package dev.slate.storage.offline;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * A measurement, not a test (issue 3, "Performance"): Slate's offline query for 10 features from a
 * Parquet spine to a Parquet result ({@link IcebergOfflineStore#export}), next to a hand-written DuckDB
 * ASOF JOIN over the same spine file and the same data files, in one run.
 *
 * <p>Data: {@code entities × 10 features × 10 observations} (default 100,000 entities: 10,000,000 values),
 * appended through the store in batches of 100,000; spine: {@code spineRows} random (entity, time) rows
 * (default 1,000,000; one in eleven keys never seen), written as Parquet. Both queries keep spine order
 * (ORDER BY the spine row) and write a Parquet file; the hand-written one has no tie-break on equal
 * observation times and takes the entity key encoding as given. Run (docs/benchmarks.md, "Offline query"):
 * {@code storage/offline/bench-export.sh [entities] [spineRows] [runs]}
 */
public final class OfflineExportBenchmark {

    private OfflineExportBenchmark() {}

    public static void main(String[] args) throws Exception {
        int entities = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int spineRows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        TestCatalog catalog = new TestCatalog();
        Path work = Files.createTempDirectory("slate-export-bench-");
        try (IcebergOfflineStore store = catalog.open()) {
            List<FeatureSlot> slots = BenchData.slots();
            long values = (long) entities * BenchData.FEATURES * BenchData.OBSERVATIONS;
            System.out.printf(
                    "data: %,d entities x %d features x %d observations = %,d values; spine %,d rows; %d cores; load average %s%n",
                    entities,
                    BenchData.FEATURES,
                    BenchData.OBSERVATIONS,
                    values,
                    spineRows,
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());

            Random random = new Random(7);
            long appendNanos = BenchData.load(store, slots, entities, random);
            List<String> files = BenchData.dataFiles(catalog.warehouse);
            System.out.printf(
                    "append: %,d values in %.1f s = %,.0f values/s (batches of 100,000; %,d data files)%n",
                    values, appendNanos / 1e9, values / (appendNanos / 1e9), files.size());

            Path spine = work.resolve("spine.parquet");
            long spineFrom = BenchData.START.getEpochSecond() * 1_000_000L;
            long spineSpan =
                    BenchData.STEP.multipliedBy(BenchData.OBSERVATIONS + 1).toSeconds() * 1_000_000L;
            try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                    DuckDBConnection c = duck.connect()) {
                EmbeddedDuckDb.execute(c, "SELECT setseed(0.42)");
                EmbeddedDuckDb.execute(
                        c,
                        "COPY (SELECT CAST(floor(random() * " + (entities + entities / 10)
                                + ") AS BIGINT) AS \"user.id\", make_timestamptz("
                                + spineFrom + " + CAST(floor(random() * " + spineSpan
                                + ") AS BIGINT)) AS input_time FROM range(" + spineRows + ")) TO '" + spine
                                + "' (FORMAT PARQUET)");
            }
            System.out.printf("spine: %s, %,d bytes%n", spine.getFileName(), Files.size(spine));

            List<ExportedFeature> features = new ArrayList<>();
            for (int f = 0; f < BenchData.FEATURES; f++) {
                FeatureLookup lookup = f % 3 == 0
                        ? FeatureLookup.within(slots.get(f), Duration.ofHours(12))
                        : FeatureLookup.latest(slots.get(f));
                features.add(new ExportedFeature(lookup, "user.f" + f));
            }
            long[] slate = new long[runs];
            long[] hand = new long[runs];
            long slateCells = 0;
            long handCells = 0;
            for (int r = -1; r < runs; r++) {
                Path out = work.resolve("slate-" + r + ".parquet");
                long t0 = System.nanoTime();
                ExportResult result = store.export(
                        new PointInTimeExport("bench", "user", spine, List.of("user.id"), features, out),
                        ExportControl.none());
                long took = System.nanoTime() - t0;
                if (result.rows() != spineRows) {
                    throw new IllegalStateException("export wrote " + result.rows() + " rows");
                }
                slateCells = nonNullCells(out);
                Files.delete(out);

                Path handOut = work.resolve("hand-" + r + ".parquet");
                long t1 = System.nanoTime();
                handWrittenAsof(spine, files, handOut);
                long handTook = System.nanoTime() - t1;
                handCells = nonNullCells(handOut);
                Files.delete(handOut);
                if (r >= 0) {
                    slate[r] = took;
                    hand[r] = handTook;
                }
                System.out.printf(
                        "  run %d: Slate %.3f s, hand-written %.3f s%s%n",
                        r + 1, took / 1e9, handTook / 1e9, r < 0 ? " (warm-up)" : "");
            }
            double slateSeconds = median(slate) / 1e9;
            double handSeconds = median(hand) / 1e9;
            System.out.printf(
                    "Slate export (10 features, spine Parquet -> result Parquet): median %.3f s = %,.0f spine rows/s (%,d non-null cells)%n",
                    slateSeconds, spineRows / slateSeconds, slateCells);
            System.out.printf(
                    "hand-written DuckDB ASOF JOIN (same spine and data files, to Parquet): median %.3f s = %,.0f spine rows/s (%,d non-null cells)%n",
                    handSeconds, spineRows / handSeconds, handCells);
            System.out.printf(
                    "ratio Slate / hand-written: %.2f; runs (s): Slate %s, hand %s; load average after: %s%n",
                    slateSeconds / handSeconds,
                    Arrays.toString(Arrays.stream(slate)
                            .mapToObj(n -> String.format(Locale.ROOT, "%.3f", n / 1e9))
                            .toArray()),
                    Arrays.toString(Arrays.stream(hand)
                            .mapToObj(n -> String.format(Locale.ROOT, "%.3f", n / 1e9))
                            .toArray()),
                    loadAverage());
            if (slateCells != handCells) {
                System.out.printf(
                        "note: non-null cells differ (%,d vs %,d): the hand-written query breaks ties on equal observation times arbitrarily%n",
                        slateCells, handCells);
            }
        } finally {
            catalog.drop();
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The query as one would write it by hand: per feature an ASOF LEFT JOIN on the entity key and
     * {@code input_time >= observed_at}, the staleness bound as a CASE on {@code observed_at >= input_time - bound},
     * spine order kept, COPY to Parquet.
     */
    private static void handWrittenAsof(Path spine, List<String> files, Path out) throws Exception {
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect()) {
            StringBuilder select = new StringBuilder("SELECT s.\"user.id\", s.input_time");
            StringBuilder from = new StringBuilder(
                    " FROM (SELECT file_row_number AS row_id, \"user.id\", input_time, 'i' || \"user.id\" AS entity_key"
                            + " FROM read_parquet('" + spine + "', file_row_number = true)) s");
            for (int f = 0; f < BenchData.FEATURES; f++) {
                String column = f % 2 == 0 ? "value_float" : "value_int";
                String v = "f" + f;
                if (f % 3 == 0) {
                    // not "s.input_time - observed_at <= INTERVAL 12 HOUR": subtracting two TIMESTAMPTZ goes through
                    // ICU's
                    // calendar arithmetic and cost this query ~1.6 s of CPU per feature (docs/benchmarks.md, "Offline
                    // query")
                    select.append(", CASE WHEN ")
                            .append(v)
                            .append(".observed_at >= s.input_time - INTERVAL 12 HOUR THEN ")
                            .append(v)
                            .append(".v END");
                } else {
                    select.append(", ").append(v).append(".v");
                }
                select.append(" AS \"user.f").append(f).append('"');
                from.append(" ASOF LEFT JOIN (SELECT entity_key, observed_at, ")
                        .append(column)
                        .append(" AS v FROM read_parquet(?)) ")
                        .append(v)
                        .append(" ON s.entity_key = ")
                        .append(v)
                        .append(".entity_key AND s.input_time >= ")
                        .append(v)
                        .append(".observed_at");
            }
            String sql = "COPY (" + select + from + " ORDER BY s.row_id) TO '" + out + "' (FORMAT PARQUET)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int f = 0; f < BenchData.FEATURES; f++) {
                    String dir = "/f" + f + "/";
                    ps.setObject(
                            f + 1,
                            c.createArrayOf(
                                    "VARCHAR",
                                    files.stream().filter(p -> p.contains(dir)).toArray()));
                }
                ps.execute();
            }
        }
    }

    private static long nonNullCells(Path file) throws Exception {
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect()) {
            StringBuilder sql = new StringBuilder("SELECT 0");
            for (int f = 0; f < BenchData.FEATURES; f++) {
                sql.append(" + count(\"user.f").append(f).append("\")");
            }
            try (PreparedStatement ps = c.prepareStatement(sql + " FROM read_parquet('" + file + "')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
