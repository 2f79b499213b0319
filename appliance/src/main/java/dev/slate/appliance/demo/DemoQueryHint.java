package dev.slate.appliance.demo;

/**
 * The ready-to-paste query of the {@code fraud} example (a windowed count and sum over the user's transactions, and
 * a feature of the user read through transaction 1000's relation to its user; the CLI's {@code slate up --demo} banner
 * prints the same text).
 */
final class DemoQueryHint {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

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
