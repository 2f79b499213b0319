package dev.slate.appliance.demo;

import java.util.List;

/**
 * The ready-to-paste query of the {@code fraud} example (a windowed count and sum over the user's transactions, and
 * a feature of the user read through transaction 1000's relation to its user, with {@link #MODES} saying how the two
 * aggregations are computed; the CLI's {@code slate up --demo} banner
 * prints the same text).
 */
final class DemoQueryHint {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /**
     * Which online mode computes each windowed feature of the query, and what the bucket alignment of the materialized
     * one means (docs/specs/aggregations.md, "The bucket-aligned window").
     */
    static final List<String> MODES = List.of(
            "user.spend is materialized: 1h buckets in Redis, rebuilt from the offline store at every start.",
            "user.spend[30d] sums 720 whole hours, the current one included (at 10:30: from 11:00 thirty days ago to"
                    + " 11:00 today).",
            "user.txn_count is computed by pushdown to PostgreSQL: user.txn_count[1h] counts exactly the last hour.");

    private DemoQueryHint() {}

    static String cli(String baseUrl) {
        String url = baseUrl.equals(DEFAULT_URL) ? "" : " --url " + baseUrl;
        return "./slate" + url
                + " query --in user.id=1 --in transaction.id=1000 --out 'user.txn_count[1h]' --out 'user.spend[30d]'"
                + " --out transaction.user.email_domain --out user.risk_score";
    }

    static String curl(String baseUrl) {
        return "curl -s " + baseUrl
                + "/v1/query/online -H \"Authorization: Bearer $(./slate token)\" -H 'Content-Type: application/json' "
                + "-d '{\"inputs\": {\"user.id\": 1, \"transaction.id\": 1000}, \"outputs\": [\"user.txn_count[1h]\", \"user.spend[30d]\","
                + " \"transaction.user.email_domain\", \"user.risk_score\"]}'";
    }

    /** {@code http://HOST:PORT} for the address the server listens on (a wildcard host becomes 127.0.0.1). */
    static String baseUrl(String host, int port) {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]";
        }
        return "http://" + shown + ":" + port;
    }
}
