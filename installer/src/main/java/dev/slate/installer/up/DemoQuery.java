package dev.slate.installer.up;

import java.net.URI;
import java.util.List;

/**
 * The ready-to-paste query of the {@code fraud} example (a windowed count and sum over the user's transactions, and
 * a feature of the user read through transaction 1000's relation to its user, with {@link #MODES} saying how the two
 * aggregations are computed; the appliance logs the same text when it
 * seeds the demo).
 */
public final class DemoQuery {
    /**
     * Which online mode computes each windowed feature of the query, and what the bucket alignment of the materialized
     * one means (docs/specs/aggregations.md, "The bucket-aligned window").
     */
    static final List<String> MODES = List.of(
            "user.spend is materialized: 1h buckets in Redis, rebuilt from the offline store at every start.",
            "user.spend[30d] sums 720 whole hours, the current one included (at 10:30: from 11:00 thirty days ago to"
                    + " 11:00 today).",
            "user.txn_count is computed by pushdown to PostgreSQL: user.txn_count[1h] counts exactly the last hour.");

    private DemoQuery() {}

    public static String cli(URI baseUrl) {
        String url = baseUrl.toString().equals(ConsoleBanner.DEFAULT_URL) ? "" : " --url " + baseUrl;
        return "./slate" + url
                + " query --in user.id=1 --in transaction.id=1000 --out 'user.txn_count[1h]' --out 'user.spend[30d]'"
                + " --out transaction.user.email_domain --out user.risk_score";
    }

    public static String curl(URI baseUrl) {
        return "curl -s " + stripSlash(baseUrl)
                + "/v1/query/online -H \"Authorization: Bearer $(./slate token)\" -H 'Content-Type: application/json' "
                + "-d '{\"inputs\": {\"user.id\": 1, \"transaction.id\": 1000}, \"outputs\": [\"user.txn_count[1h]\", \"user.spend[30d]\","
                + " \"transaction.user.email_domain\", \"user.risk_score\"]}'";
    }

    static String stripSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
