package dev.slate.appliance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a person does in a browser for {@code slate login --device}, done with an HTTP client that keeps
 * cookies and follows redirects: open the verification URL, fill in Keycloak's own forms (the user code
 * when asked, then user name and password, then "Yes" on a consent page if one comes) until Keycloak
 * says the device is signed in. No Keycloak endpoint is mocked or bypassed.
 *
 * <p>Keycloak marks its cookies {@code Secure}. Browsers send those to {@code http://127.0.0.1} (a
 * loopback origin counts as secure); Java's {@code CookieManager} does not, so this browser keeps its own
 * jar ({@link LoopbackCookies}).
 */
final class KeycloakBrowser {

    private static final Pattern FORM = Pattern.compile("(?is)<form[^>]*\\baction=\"([^\"]+)\"[^>]*>(.*?)</form>");
    private static final Pattern INPUT = Pattern.compile("(?is)<input[^>]*>");
    private static final Pattern ATTRIBUTE = Pattern.compile("(?is)\\b(name|value|type)=\"([^\"]*)\"");

    private KeycloakBrowser() {}

    /** Approves the device code behind {@code verificationUri} as {@code username}; answers Keycloak's last page. */
    static String approveDevice(URI verificationUri, String username, String password)
            throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.ALWAYS)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(verificationUri).GET().build(), HttpResponse.BodyHandlers.ofString());
        String userCode = verificationUri.getQuery().replaceFirst(".*user_code=([^&]+).*", "$1");
        for (int step = 0; step < 6; step++) {
            assertThat(page.statusCode())
                    .as("Keycloak answered %s", page.body())
                    .isLessThan(400);
            if (page.body().contains("Device Login Successful")) {
                return page.body();
            }
            Matcher form = FORM.matcher(page.body());
            if (!form.find()) {
                return page.body(); // no form left: the confirmation page
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher input = INPUT.matcher(form.group(2));
            while (input.find()) {
                Map<String, String> a = new LinkedHashMap<>();
                Matcher attribute = ATTRIBUTE.matcher(input.group());
                while (attribute.find()) {
                    a.put(attribute.group(1).toLowerCase(), unescape(attribute.group(2)));
                }
                String name = a.get("name");
                if (name == null || "submit".equals(a.get("type")) && !"accept".equals(name)) {
                    continue;
                }
                fields.put(
                        name,
                        switch (name) {
                            case "username" -> username;
                            case "password" -> password;
                            case "device_user_code" -> userCode;
                            case "accept" -> "Yes";
                            default -> a.getOrDefault("value", "");
                        });
            }
            if (form.group(2).contains("name=\"accept\"") && !fields.containsKey("accept")) {
                fields.put("accept", "Yes"); // the consent page's approve button
            }
            URI action = page.uri().resolve(unescape(form.group(1)));
            String body = fields.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            page = browser.send(
                    HttpRequest.newBuilder(action)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        throw new AssertionError("Keycloak still asks for something after 6 forms: " + page.body());
    }

    /** A cookie jar for one loopback server, as a browser keeps it: every cookie it set goes back with every request. */
    private static final class LoopbackCookies extends CookieHandler {
        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            assertThat(uri.getHost()).as("this browser only talks to loopback").isEqualTo("127.0.0.1");
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of(
                    "Cookie",
                    List.of(cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; "))));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
            responseHeaders.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                    for (String header : values) {
                        // the first "name=value" verbatim (quotes included, as a browser sends it back)
                        String pair = header.split(";", 2)[0].strip();
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            continue;
                        }
                        boolean expired = header.toLowerCase(Locale.ROOT).matches("(?s).*;\\s*max-age=0\\s*(;.*)?");
                        if (expired) {
                            cookies.remove(pair.substring(0, eq));
                        } else {
                            cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
                        }
                    }
                }
            });
        }
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&")
                .replace("&#61;", "=")
                .replace("&quot;", "\"")
                .replace("&#x2F;", "/")
                .replace("&#47;", "/");
    }
}
