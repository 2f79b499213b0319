package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.ExampleProjects;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code fraud} example project and variants of it with one thing broken. */
final class FraudProjects {
    private FraudProjects() {}

    static Map<String, String> fraud() {
        return ExampleProjects.fraud();
    }

    /** The resolver {@code user_credit} reads a table that does not exist. */
    static Map<String, String> missingCreditTable() {
        return replace("slate.yaml", "FROM credit_limits", "FROM credit_limits_that_do_not_exist");
    }

    /** The source points at a port where no PostgreSQL listens: every resolver fails. */
    static Map<String, String> unreachableSource() {
        return replace("slate.yaml", "\"${secret:fraud_db_url}\"", "\"postgresql://127.0.0.1:1/test\"");
    }

    /** The source names a secret that is not configured: every resolver fails. */
    static Map<String, String> unconfiguredSecret() {
        return replace("slate.yaml", "${secret:fraud_db_url}", "${secret:fraud_db_url_not_configured}");
    }

    /** The resolver {@code transaction_by_id} sleeps for a second while its timeout is 100 ms. */
    static Map<String, String> slowTransactions() {
        Map<String, String> files = replace("transactions.sql", "-- timeout: 500ms", "-- timeout: 100ms");
        return replace(files, "transactions.sql", "FROM transactions t", "FROM transactions t, pg_sleep(1)");
    }

    /** {@code user.transactions} lists at most {@code limit} rows (the example declares 100). */
    static Map<String, String> transactionsLimit(int limit) {
        return replace(
                "slate.yaml", "foreign_key: user_id, limit: 100}", "foreign_key: user_id, limit: " + limit + "}");
    }

    /** {@code user.txn_count} kept in Redis buckets of one hour (docs/specs/aggregations.md, "Online: materialized"). */
    static Map<String, String> materializedTxnCount() {
        return replace(
                "slate.yaml",
                "txn_count: {aggregate: count, over: transactions, windows: [1h, 1d, 7d]}",
                "txn_count: {aggregate: count, over: transactions, windows: [1h, 1d, 7d], materialize: {bucket: 1h}}");
    }

    private static Map<String, String> replace(String file, String from, String to) {
        return replace(fraud(), file, from, to);
    }

    private static Map<String, String> replace(Map<String, String> project, String file, String from, String to) {
        Map<String, String> files = new LinkedHashMap<>(project);
        String text = files.get(file);
        assertThat(text).as("the fraud example's %s contains %s", file, from).contains(from);
        files.put(file, text.replace(from, to));
        return files;
    }
}
