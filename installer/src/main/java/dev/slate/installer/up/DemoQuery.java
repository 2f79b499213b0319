package dev.slate.installer.up;

import java.net.URI;

/**
 * The ready-to-paste query of the {@code fraud} example (the appliance logs the same text when it
 * seeds the demo).
 */
public final class DemoQuery {
    private DemoQuery() {
    }

    public static String cli(URI baseUrl) {
        String url = baseUrl.toString().equals(ConsoleBanner.DEFAULT_URL) ? "" : " --url " + baseUrl;
        return "./slate" + url + " query --in user.id=1 --out user.email_domain --out user.risk_score";
    }

    public static String curl(URI baseUrl) {
        return "curl -s " + stripSlash(baseUrl) + "/v1/query/online -H \"Authorization: Bearer $(./slate token)\" -H 'Content-Type: application/json' "
                + "-d '{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email_domain\", \"user.risk_score\"]}'";
    }

    static String stripSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
